import semver from 'semver';
import { firstAvailable, normaliseVersion, removedIn, type Availability, type AvailabilityStatus } from '../../knowledge';
import type { ImportFact } from '../facts';
import { addedBetweenScans, uncertainNote, cachedStatus, noteFor, replacementAt } from './scanGaps';
import type { Rule, RuleContext } from '../rule';
import { closest } from './arguments';
import type { Fix, Range } from '../types';

/**
 * AF101 removed import, AF102 import that only exists in a later Airflow, AF103 deprecated
 * import (works, warns) — against the target's Airflow version. Guarded imports (TYPE_CHECKING,
 * try/except ImportError fallbacks) are never reported. Providers are AF141's business.
 */
export const importsRule: Rule = {
  infos: [
    { code: 'AF101', title: 'Import removed in the target Airflow', defaultSeverity: 'error', help: 'The module or name no longer exists in the Airflow version the target platform runs; the DAG fails to import.' },
    { code: 'AF102', title: 'Import not yet available in the target Airflow', defaultSeverity: 'error', help: 'The module or name only exists in a later Airflow version than the target runs; the DAG fails to import.' },
    { code: 'AF103', title: 'Deprecated import', defaultSeverity: 'warning', help: 'The import still works in the target but emits a deprecation warning and will be removed; use the replacement.' },
  ],
  run(ctx) {
    const byStatement = new Map<string, ImportFact[]>();
    for (const imp of ctx.facts.imports) {
      const key = `${imp.statementRange.start.line}:${imp.statementRange.start.character}`;
      byStatement.set(key, [...(byStatement.get(key) ?? []), imp]);
    }
    const reportedModules = new Set<string>();
    for (const imp of ctx.facts.imports) {
      if (imp.guarded || imp.relative) continue;
      if (!(imp.module === 'airflow' || imp.module.startsWith('airflow.')) || imp.module.startsWith('airflow.providers.') || imp.module === 'airflow.providers') continue;
      const siblings = byStatement.get(`${imp.statementRange.start.line}:${imp.statementRange.start.character}`) ?? [imp];
      checkImport(ctx, imp, siblings, reportedModules);
    }
    checkAttributeCalls(ctx);
  },
};

/**
 * `from airflow.utils import dates` … `dates.days_ago(2)`: the import is fine, the attribute is
 * gone (or deprecated). Calls through an imported, still-existing Airflow module are checked for
 * names the target lacks or deprecates (a deprecated module's names are left to its import line).
 */
function checkAttributeCalls(ctx: RuleContext) {
  const { facts } = ctx;
  const guarded = new Set<string>();
  for (const imp of facts.imports) if (imp.guarded) guarded.add(imp.alias ?? (imp.kind === 'from' ? imp.name! : imp.module.split('.')[0]));
  const v = ctx.target.airflow;
  // Longest known module prefix of each resolved path (many calls share one: BashOperator(...) × 500).
  const prefixes = new Map<string, number>();
  for (const call of facts.calls) {
    if (!call.resolved) continue;
    const dot = call.calleeText.indexOf('.');
    if (dot < 0 || guarded.has(call.calleeText.slice(0, dot))) continue;
    const dotted = call.resolved.replace(':', '.');
    if (!dotted.startsWith('airflow.') || dotted.startsWith('airflow.providers.')) continue;
    // Longest known module prefix, then the attribute right after it: only a path whose last
    // segment follows that prefix is checked (-1: nothing to check for this path).
    let i = prefixes.get(dotted);
    if (i === undefined) {
      const ps = dotted.split('.');
      i = ps.length - 1;
      while (i >= 2 && !ctx.kb.module(ps.slice(0, i).join('.'))) i--;
      if (i < 2 || i !== ps.length - 1) i = -1;
      prefixes.set(dotted, i);
    }
    if (i < 0) continue;
    const parts = dotted.split('.');
    const module = parts.slice(0, i).join('.');
    const modStatus = cachedStatus(ctx.kb.module(module)!, v);
    if (modStatus !== 'available' && modStatus !== 'deprecated') continue; // the import line says it
    // Only attribute access written in the call (`dates.days_ago`), not names imported directly.
    if (call.calleeText.split('.').length < 2 || call.calleeText.split('.').pop() !== parts[parts.length - 1]) continue;
    const av = ctx.kb.name(module, parts[i]);
    if (!av) continue;
    const status = cachedStatus(av, v);
    // A deprecated name through a deprecated module: the import line already says so.
    if (status === 'deprecated' && modStatus === 'deprecated') continue;
    if (status !== 'removed' && status !== 'unavailable' && status !== 'notYet' && status !== 'deprecated') continue;
    if (status === 'notYet' && addedBetweenScans(ctx, av)) continue;
    const key = `${module}.${parts[i]}`;
    const runs = `${ctx.target.label} runs Airflow ${v}`;
    const fn = call.node.childForFieldName('function');
    const attr = fn?.type === 'attribute' ? fn.childForFieldName('attribute') : null;
    const range = attr ? { start: { line: attr.startPosition.row, character: attr.startPosition.column }, end: { line: attr.endPosition.row, character: attr.endPosition.column } } : call.calleeRange;
    const evidence = av.evidence?.slice(0, 3).map((e) => ({ repo: e.repo, path: e.path, ref: e.ref }));
    const note = status !== 'notYet' ? noteFor(av.note, status) : '';
    if (status === 'deprecated') {
      let rep = finalReplacement(ctx, av.replacement, false);
      if (rep === key || (rep && !replacementWorks(ctx, rep, false))) rep = undefined;
      const instead = rep ? ` Use \`${rep}\` instead.` : ' It will be removed in a future version.';
      ctx.report({ code: 'AF103', message: `\`${key}\` is deprecated in Airflow ${v} (${ctx.target.label}); it still works but warns.${instead}${av.note ? ` ${av.note}` : ''}`, range, evidence, data: { symbol: key, isModule: false } });
    } else if (status === 'notYet') {
      ctx.report({ code: 'AF102', message: `\`${key}\` is only available from Airflow ${firstAvailable(av)}; ${runs}.`, range, evidence, data: { symbol: key, isModule: false } });
    } else {
      const gone = removedIn(av, v);
      ctx.report({ code: 'AF101', message: `\`${key}\` ${gone ? `was removed in Airflow ${gone}` : `does not exist in Airflow ${v}`}; ${runs}.${note}`, range, evidence, data: { symbol: key, isModule: false } });
    }
  }
}

interface Verdict {
  key: string; // human form: "airflow.operators.bash_operator" or "airflow.operators.bash.BashOperator"
  av: Availability;
  status: AvailabilityStatus;
  range: Range;
  isModule: boolean;
}

/** Walk up the module path: the nearest ancestor the KB knows decides (e.g. airflow.contrib.x.y → airflow.contrib). */
function moduleVerdict(ctx: RuleContext, module: string, range: Range): Verdict | undefined {
  const parts = module.split('.');
  for (let i = parts.length; i >= 2; i--) {
    const m = parts.slice(0, i).join('.');
    const av = ctx.kb.module(m);
    if (!av) continue;
    const status = cachedStatus(av, ctx.target.airflow);
    // An available ancestor says nothing about an unknown child; only a definite verdict counts.
    if (i < parts.length && (status === 'available' || status === 'deprecated')) return undefined;
    return { key: m, av, status, range, isModule: true };
  }
  return undefined;
}

/**
 * `from airflow.operators.bash import BashOperater`: a name no scanned version of an existing
 * module has, one or two edits away from a name the module has in the target — a typo, so the
 * import raises ImportError on every version. Only near misses are reported: the KB does not
 * record non-Airflow names a module happens to import (`os`, `datetime` …).
 */
function misspeltName(ctx: RuleContext, imp: ImportFact): boolean {
  if (!ctx.kb.module(imp.module) || imp.name === '*' || pluginPackage(ctx, imp.module)) return false;
  const v = ctx.target.airflow;
  const known = [...ctx.kb.namesOf(imp.module, v), ...ctx.kb.submodulesOf(imp.module, v)];
  const guess = closest(imp.name!, known.filter((n) => n !== imp.name));
  if (!guess) return false;
  const range = imp.nameRange ?? imp.itemRange;
  ctx.report({
    code: 'AF101',
    message: `\`${imp.module}.${imp.name}\` does not exist in any Airflow version (ImportError); ${ctx.target.label} runs Airflow ${v}. Did you mean \`${guess}\`?`,
    range,
    fixes: [{ title: `Import \`${guess}\``, edits: [{ range, newText: guess }], isPreferred: true }],
    data: { symbol: `${imp.module}.${imp.name}`, isModule: false, unknown: true },
  });
  return true;
}

/**
 * Airflow 1.10 merges plugins into these packages: `from airflow.operators import MyPluginOperator` and
 * `airflow.operators.<plugin name>` are how 1.x DAGs import plugin code (`_integrate_plugins` in
 * airflow/{operators,sensors,hooks,executors,macros}/__init__.py, arenadata/airflow 1.10.12; gone in 2.0.2),
 * so a name or module the KB does not know there is no typo.
 */
const PLUGIN_PACKAGES_1X = new Set(['airflow.operators', 'airflow.sensors', 'airflow.hooks', 'airflow.executors', 'airflow.macros']);
function pluginPackage(ctx: RuleContext, module: string): boolean {
  // From 2.0 only macros and executors are still merged (plugins_manager.integrate_{macros,executor}_plugins).
  return ctx.target.airflow.startsWith('1.') ? PLUGIN_PACKAGES_1X.has(module) : module === 'airflow.macros' || module === 'airflow.executors';
}

/**
 * 1.10-style plugin imports on Airflow 2+: `from airflow.operators.my_plugin import MyOperator`,
 * `from airflow.hooks import MyHook`. Airflow 2.0 stopped merging plugin operators, sensors and hooks into
 * these packages (UPDATING.md of 2.0.2, "Adding Operators and Sensors via plugins is no longer supported",
 * "Importing Hooks via plugins is no longer supported"; plugins_manager.py keeps only executor and macro
 * integration), so a module or name no Airflow version has there fails to import.
 */
const PLUGIN_PACKAGES_GONE_2 = new Set(['airflow.operators', 'airflow.sensors', 'airflow.hooks']);
const PLUGIN_ADVICE = 'Airflow 2 no longer exposes plugin operators, sensors and hooks there (Airflow 1.10 did); import the class from the module that defines it, e.g. `from my_plugin import MyOperator` (plugins/ is on sys.path).';

function pluginModuleImport(ctx: RuleContext, imp: ImportFact, reportedModules: Set<string>): boolean {
  const parts = imp.module.split('.');
  const pkg = parts.slice(0, 2).join('.');
  if (ctx.target.airflow.startsWith('1.') || parts.length < 3 || !PLUGIN_PACKAGES_GONE_2.has(pkg)) return false;
  const sub = parts.slice(0, 3).join('.');
  if (ctx.kb.module(sub) || ctx.kb.name(pkg, parts[2])) return false;
  const k = `${sub}@${imp.statementRange.start.line}`;
  if (reportedModules.has(k)) return true;
  reportedModules.add(k);
  ctx.report({
    code: 'AF101',
    message: `\`${sub}\` is not an Airflow module (ModuleNotFoundError); ${ctx.target.label} runs Airflow ${ctx.target.airflow}. ${PLUGIN_ADVICE}`,
    range: imp.moduleRange,
    data: { symbol: sub, isModule: true, unknown: true },
  });
  return true;
}

function pluginNameImport(ctx: RuleContext, imp: ImportFact): boolean {
  if (ctx.target.airflow.startsWith('1.') || !imp.name || imp.name === '*' || !PLUGIN_PACKAGES_GONE_2.has(imp.module)) return false;
  if (ctx.kb.name(imp.module, imp.name) || ctx.kb.module(`${imp.module}.${imp.name}`)) return false;
  ctx.report({
    code: 'AF101',
    message: `\`${imp.module}.${imp.name}\` is not an Airflow name (ImportError); ${ctx.target.label} runs Airflow ${ctx.target.airflow}. ${PLUGIN_ADVICE}`,
    range: imp.nameRange ?? imp.itemRange,
    data: { symbol: `${imp.module}.${imp.name}`, isModule: false, unknown: true },
  });
  return true;
}

/** `from airflow.operators.bahs import …`: the last segment is a near miss of a sibling module (ModuleNotFoundError). */
function misspeltModule(ctx: RuleContext, imp: ImportFact, reportedModules: Set<string>): boolean {
  if (ctx.kb.module(imp.module)) return false;
  const i = imp.module.lastIndexOf('.');
  const parent = imp.module.slice(0, i);
  const parentAv = i > 0 ? ctx.kb.module(parent) : undefined;
  const v = ctx.target.airflow;
  if (!parentAv || !['available', 'deprecated'].includes(cachedStatus(parentAv, v)) || pluginPackage(ctx, parent)) return false;
  const last = imp.module.slice(i + 1);
  // packages the KB deliberately does not scan (docs/knowledge-base.md "Skipped modules")
  if (last.startsWith('_') || /^(www|ui|api|api_connexion|api_fastapi|api_internal|migrations|tests?|example_dags)$/.test(last)) return false;
  if (ctx.kb.name(parent, last)) return false; // an attribute, not a module (`import airflow.x.Name` fails elsewhere)
  const guess = closest(last, ctx.kb.submodulesOf(parent, v).filter((n) => n !== last));
  if (!guess) return false;
  const k = `${imp.module}@${imp.statementRange.start.line}`;
  if (reportedModules.has(k)) return true;
  reportedModules.add(k);
  const range = imp.moduleRange;
  const fixed = `${parent}.${guess}`;
  ctx.report({
    code: 'AF101',
    message: `\`${imp.module}\` does not exist in any Airflow version (ModuleNotFoundError); ${ctx.target.label} runs Airflow ${v}. Did you mean \`${fixed}\`?`,
    range,
    fixes: [{ title: `Import from \`${fixed}\``, edits: [{ range, newText: fixed }], isPreferred: true }],
    data: { symbol: imp.module, isModule: true, unknown: true },
  });
  return true;
}

const FATAL = new Set<AvailabilityStatus>(['removed', 'unavailable', 'notYet']);

/**
 * The verdict that matters for `from module import name`: a missing module beats everything
 * (the name cannot exist without it), then a missing name, then the name's own deprecation
 * (it carries the most precise replacement), then the module's deprecation.
 */
function pickVerdict(moduleV: Verdict | undefined, nameV: Verdict | undefined): Verdict | undefined {
  if (moduleV && FATAL.has(moduleV.status)) return moduleV;
  if (nameV && FATAL.has(nameV.status)) return nameV;
  if (nameV?.status === 'deprecated') return nameV;
  if (moduleV?.status === 'deprecated') return moduleV;
  return nameV ?? moduleV;
}

function checkImport(ctx: RuleContext, imp: ImportFact, siblings: ImportFact[], reportedModules: Set<string>) {
  const v = ctx.target.airflow;
  if (misspeltModule(ctx, imp, reportedModules) || pluginModuleImport(ctx, imp, reportedModules)) return;
  let verdict: Verdict | undefined;
  if (imp.kind === 'from' && imp.name) {
    const moduleV = moduleVerdict(ctx, imp.module, imp.moduleRange);
    let nameV: Verdict | undefined;
    const nameAv = ctx.kb.name(imp.module, imp.name);
    const range = imp.nameRange ?? imp.itemRange;
    // `from airflow import macros` / `from airflow.operators import bash_operator`: a submodule is
    // importable from its package whenever it exists, whether or not the package binds the name.
    const sub = ctx.kb.module(`${imp.module}.${imp.name}`);
    const subStatus = sub ? cachedStatus(sub, v) : undefined;
    const nameStatus = nameAv ? cachedStatus(nameAv, v) : undefined;
    if (sub && (!nameAv || subStatus === 'available' || (subStatus === 'deprecated' && nameStatus !== 'available'))) {
      nameV = { key: `${imp.module}.${imp.name}`, av: sub, status: subStatus!, range, isModule: true };
    } else if (nameAv) nameV = { key: `${imp.module}.${imp.name}`, av: nameAv, status: nameStatus!, range, isModule: false };
    verdict = pickVerdict(moduleV, nameV);
    if (!nameV && (!moduleV || moduleV.status === 'available' || moduleV.status === 'deprecated') && (misspeltName(ctx, imp) || pluginNameImport(ctx, imp))) return;
  } else {
    verdict = moduleVerdict(ctx, imp.module, imp.moduleRange);
  }
  if (!verdict || verdict.status === 'available') return;
  if (verdict.isModule && verdict.range === imp.moduleRange) {
    // One report per module per statement group (e.g. `from a import x, y` with `a` removed).
    const k = `${verdict.key}@${imp.statementRange.start.line}`;
    if (reportedModules.has(k)) return;
    reportedModules.add(k);
  }
  const t = ctx.target;
  const runs = `${t.label} runs Airflow ${t.airflow}`;
  const fatal = verdict.status !== 'deprecated';
  // The KB's replacement is the forward migration (old → new); for an import that is not yet
  // available it would point further into the future, so it is only used when it works here.
  const here = replacementAt(ctx, verdict.av);
  let replacement = finalReplacement(ctx, here.replacement, verdict.isModule);
  if (replacement === verdict.key) replacement = undefined; // a deprecation that names itself says nothing
  if (replacement && (verdict.status === 'notYet' || (fatal && !replacementWorks(ctx, replacement, verdict.isModule)))) replacement = undefined;
  if (replacement && !fatal && !replacementWorks(ctx, replacement, verdict.isModule)) {
    // The KB keeps the newest replacement (dummy_operator → empty.EmptyOperator, 2.3+); on 2.0–2.2
    // the path that works and is not deprecated is the intermediate one (dummy.DummyOperator).
    replacement = backportCandidates(ctx, replacement, verdict.isModule).find((p) => {
      if (p === verdict.key) return false;
      const av = lookupPath(ctx, p, verdict.isModule);
      return !!av && cachedStatus(av, v) === 'available';
    });
  }
  const provider = replacement && here.provider && replacement.startsWith('airflow.providers.') ? ` (from ${here.provider})` : '';
  let instead = replacement ? ` Use \`${replacement}\`${provider} instead.` : '';
  let fixes = replacement ? buildFixes(ctx, imp, siblings, verdict, replacement) : undefined;
  if (verdict.status !== 'notYet' && imp.kind === 'from' && verdict.isModule && verdict.range === imp.moduleRange) {
    // The whole module goes: move each imported name to its own replacement (a renamed class
    // such as DummyOperator → EmptyOperator keeps its local name).
    const moved = moveNames(ctx, siblings, verdict, replacement);
    if (moved) {
      instead = ` Use ${moved.paths.map((x) => `\`${x}\``).join(', ')}${provider} instead.`;
      fixes = moved.fixes;
    }
  }
  if (fatal && !replacement && verdict.status !== 'notYet') {
    // The direct successor is gone too (subdag_operator → subdag → removed): name where the chain ends,
    // as advice only (such successors are rarely drop-in replacements, so no quick fix).
    const advice = adviceAfterRemoval(ctx, verdict.av.replacement, verdict.isModule);
    if (advice && advice !== verdict.key) instead = ` Airflow points to \`${advice}\` instead (not a drop-in replacement).`;
  }
  if (fatal && !replacement) {
    // What this version offers instead: the older path whose replacement is the imported one.
    const back = backportFixes(ctx, imp, siblings, verdict);
    if (back) {
      instead = ` On Airflow ${v} use ${back.paths.map((x) => `\`${x}\``).join(', ')} instead.`;
      fixes = back.fixes;
    }
  }
  const evidence = verdict.av.evidence?.slice(0, 3).map((e) => ({ repo: e.repo, path: e.path, ref: e.ref }));
  const data = { symbol: verdict.key, isModule: verdict.isModule };
  const note = verdict.status !== 'notYet' ? noteFor(verdict.av.note, verdict.status) : '';
  if (verdict.status === 'removed' || verdict.status === 'unavailable') {
    const gone = removedIn(verdict.av, v);
    ctx.report({
      code: 'AF101',
      message: `\`${verdict.key}\` ${gone ? `was removed in Airflow ${gone}` : `does not exist in Airflow ${v}`}; ${runs}.${instead}${note}`,
      range: verdict.range, fixes, evidence, data,
    });
  } else if (verdict.status === 'notYet') {
    const first = firstAvailable(verdict.av);
    const gone = removedIn(verdict.av, v);
    const next = nextAvailable(verdict.av, v);
    const gap = addedBetweenScans(ctx, verdict.av);
    if (gap) {
      ctx.report({
        code: 'AF102', severity: 'warning',
        message: `\`${verdict.key}\` may not be available in Airflow ${v}; ${runs}.${uncertainNote(ctx, gap)}${instead}`,
        range: verdict.range, fixes, evidence, data: { ...data, uncertain: true },
      });
      return;
    }
    // A gap (e.g. dropped in 3.0.0, restored in 3.1.0) is still "not in the target".
    const what = gone && next ? `is not available in Airflow ${v} (removed in ${gone}, available again from ${next})` : `is only available from Airflow ${first}`;
    ctx.report({
      code: 'AF102',
      message: `\`${verdict.key}\` ${what}; ${runs}.${instead}${note}`,
      range: verdict.range, fixes, evidence, data,
    });
  } else if (verdict.status === 'deprecated') {
    ctx.report({
      code: 'AF103',
      message: `\`${verdict.key}\` is deprecated in Airflow ${v} (${t.label}); it still imports but warns.${instead || ' It will be removed in a future version.'}${note}`,
      range: verdict.range, fixes, evidence, data,
    });
  }
}

function nextAvailable(av: Availability, version: string): string | undefined {
  const v = normaliseVersion(version);
  return av.available.map((r) => normaliseVersion(r.from)).filter((f) => semver.gt(f, v)).sort(semver.compare)[0];
}

function moveNames(ctx: RuleContext, siblings: ImportFact[], verdict: Verdict, moduleReplacement: string | undefined): { paths: string[]; fixes: Fix[] } | undefined {
  const items = siblings.filter((x) => x.kind === 'from' && x.name);
  const mapped: { from: string; name: string; local: string }[] = [];
  for (const it of items) {
    let target = finalReplacement(ctx, ctx.kb.name(it.module, it.name!)?.replacement, false);
    if (target && !replacementWorks(ctx, target, false)) target = undefined;
    if (!target && moduleReplacement) {
      // Same name under the replacement package: only when the KB knows it there (as a name or a
      // submodule) and it works — `airflow.contrib.operators` → `airflow.operators` has no `bigquery_operator`.
      const guess = `${moduleReplacement}${it.module.slice(verdict.key.length)}.${it.name}`;
      const i = guess.lastIndexOf('.');
      const known = ctx.kb.name(guess.slice(0, i), guess.slice(i + 1)) ? replacementWorks(ctx, guess, false) : ctx.kb.module(guess) ? replacementWorks(ctx, guess, true) : guess.startsWith('airflow.providers.');
      if (known) target = guess;
    }
    if (!target || !/^[A-Za-z_][\w.]*$/.test(target)) return undefined;
    const i = target.lastIndexOf('.');
    if (!dropIn(it.name!, target.slice(i + 1))) return undefined;
    mapped.push({ from: target.slice(0, i), name: target.slice(i + 1), local: it.alias ?? it.name! });
  }
  if (!mapped.length) return undefined;
  const byModule = new Map<string, string[]>();
  for (const m of mapped) byModule.set(m.from, [...(byModule.get(m.from) ?? []), m.name === m.local ? m.name : `${m.name} as ${m.local}`]);
  const first = items[0];
  const indent = ' '.repeat(first.statementRange.start.character);
  const text = [...byModule].map(([mod, names]) => `from ${mod} import ${names.join(', ')}`).join(`\n${indent}`);
  const paths = mapped.map((m) => `${m.from}.${m.name}`);
  return { paths, fixes: [{ title: `Import from ${[...byModule.keys()].map((m) => `\`${m}\``).join(', ')}`, edits: [{ range: first.statementRange, newText: text }], isPreferred: true }] };
}

/** replacement (dotted) → older paths that name it as their replacement; built once per KB. */
const reverseIndexes = new WeakMap<object, Map<string, { path: string; isModule: boolean }[]>>();
function reverseIndex(ctx: RuleContext): Map<string, { path: string; isModule: boolean }[]> {
  let idx = reverseIndexes.get(ctx.kb);
  if (idx) return idx;
  idx = new Map();
  const add = (rep: string, path: string, isModule: boolean) => idx!.set(rep, [...(idx!.get(rep) ?? []), { path, isModule }]);
  for (const key of ctx.kb.nameKeys()) {
    const i = key.indexOf(':');
    const rep = ctx.kb.name(key.slice(0, i), key.slice(i + 1))?.replacement;
    if (rep) add(rep, key.replace(':', '.'), false);
  }
  for (const key of ctx.kb.modulePaths()) {
    const rep = ctx.kb.module(key)?.replacement;
    if (rep) add(rep, key, true);
  }
  reverseIndexes.set(ctx.kb, idx);
  return idx;
}

/** An older path that does what `dotted` does and works on the target (available preferred). */
function backport(ctx: RuleContext, dotted: string, isModule: boolean): string | undefined {
  return backportCandidates(ctx, dotted, isModule)[0];
}

/** The older paths the target has for `dotted`, best first (see backport). */
function backportCandidates(ctx: RuleContext, dotted: string, isModule: boolean): string[] {
  const v = ctx.target.airflow;
  const seen = new Set<string>([dotted]);
  let frontier = [dotted];
  for (let depth = 0; depth < 3 && frontier.length; depth++) {
    const found: { path: string; rank: number }[] = [];
    const next: string[] = [];
    for (const f of frontier) {
      for (const c of reverseIndex(ctx).get(f) ?? []) {
        if (c.isModule !== isModule || seen.has(c.path)) continue;
        seen.add(c.path);
        next.push(c.path);
        const av = lookupPath(ctx, c.path, isModule);
        const st = av ? cachedStatus(av, v) : undefined;
        if (st === 'available' || st === 'deprecated') {
          const sameLeaf = c.path.split('.').pop() === dotted.split('.').pop() ? 0 : 1;
          // Prefer available over deprecated, the same name, then the shortest public home (`airflow.decorators.dag`
          // over `airflow.models.dag.dag`), but not the lazy re-exports of the top-level package (`airflow.Dataset`).
          const segments = c.path.split('.').length;
          found.push({ path: c.path, rank: (st === 'available' ? 0 : 20) + sameLeaf * 10 + (segments <= 2 ? 5 : 0) + segments });
        }
      }
    }
    if (found.length) return found.sort((a, b) => a.rank - b.rank || a.path.localeCompare(b.path)).map((x) => x.path);
    frontier = next;
  }
  return isModule ? [] : sdkNameHomes(ctx, dotted);
}

/**
 * Modules also import names they only use (`airflow.sentry` imports TaskInstanceState): the module
 * named after the object is its home (`airflow.utils.state`, `airflow.utils.weight_rule`,
 * `airflow.sensors.base` for BaseSensorOperator). 0: same name, 1: named after its last word, 2:
 * after another part, 3: unrelated.
 */
function namesItsModule(module: string, leaf: string): number {
  const m = module.slice(module.lastIndexOf('.') + 1).replace(/_/g, '').toLowerCase();
  const n = leaf.replace(/_/g, '').toLowerCase();
  if (m === n) return 0;
  if (m.length < 4) return 3;
  // the object's kind is its last word: TaskInstanceState lives in `state`, not `taskinstance`
  if (n.endsWith(m)) return 1;
  return n.includes(m) || m.includes(n) ? 2 : 3;
}

const INTERNAL_SEGMENT = /^(_.*|www|www_rbac|ui|api|api_connexion|api_fastapi|api_internal|migrations|tests?|example_dags|cli|jobs|serialization|dag_processing|executors|providers|sdk)$/;
const namesByLeaf = new WeakMap<RuleContext['kb'], Map<string, string[]>>();

/**
 * `airflow.sdk` (3.0) re-exports the authoring objects Airflow 2 kept in its own modules under the
 * same names (task-sdk/src/airflow/sdk/__init__.py; the Task SDK docs' "Key imports" list:
 * Variable, Connection, BaseHook, BaseSensorOperator, chain, Context, Label, TaskInstanceState …),
 * but Airflow 2 deprecates none of those older homes, so no replacement fact links them. For an
 * `airflow.sdk` name without such a link, the older homes are the public core modules (no
 * providers, internals or private modules) that have that name available on the target: the
 * module named after the object first, then the shortest: `Variable` →
 * `airflow.models.variable.Variable`, `BaseSensorOperator` → `airflow.sensors.base.BaseSensorOperator`,
 * `chain` → `airflow.models.baseoperator.chain`.
 */
function sdkNameHomes(ctx: RuleContext, dotted: string): string[] {
  if (!dotted.startsWith('airflow.sdk.')) return [];
  let byLeaf = namesByLeaf.get(ctx.kb);
  if (!byLeaf) {
    byLeaf = new Map();
    for (const key of ctx.kb.nameKeys()) {
      const i = key.indexOf(':');
      const module = key.slice(0, i);
      if (!module.startsWith('airflow.') || module.split('.').slice(1).some((seg) => INTERNAL_SEGMENT.test(seg))) continue;
      const leaf = key.slice(i + 1);
      const list = byLeaf.get(leaf);
      if (list) list.push(module);
      else byLeaf.set(leaf, [module]);
    }
    namesByLeaf.set(ctx.kb, byLeaf);
  }
  const leaf = dotted.slice(dotted.lastIndexOf('.') + 1);
  const v = ctx.target.airflow;
  const ranked = (byLeaf.get(leaf) ?? [])
    .filter((m) => {
      const av = ctx.kb.name(m, leaf);
      return !!av && cachedStatus(av, v) === 'available';
    })
    .map((m) => ({ m, score: namesItsModule(m, leaf) }))
    .sort((a, b) => a.score - b.score || a.m.split('.').length - b.m.split('.').length || a.m.localeCompare(b.m));
  if (!ranked.length) return [];
  // Only the best homes, and the packages above them that re-export the name (`airflow.models` for
  // `airflow.models.variable`): a module that merely imports the name must not win a statement's vote.
  const best = ranked[0].score === 3 ? [ranked[0].m] : ranked.filter((r) => r.score === ranked[0].score).map((r) => r.m);
  const packages = ranked.filter((r) => r.score > ranked[0].score && best.some((b) => b.startsWith(`${r.m}.`))).map((r) => r.m);
  return [...best, ...packages].map((m) => `${m}.${leaf}`);
}

/**
 * One older home per name of a statement. Where a module holds several of the names, it wins over each
 * name's own first choice (`from airflow.sdk import dag, task` on 2.x → `from airflow.decorators import dag,
 * task`, not `airflow.models.dag.dag` beside `airflow.decorators.task`).
 */
function backportStatement(ctx: RuleContext, dotted: string[]): (string | undefined)[] {
  const candidates = dotted.map((d) => backportCandidates(ctx, d, false));
  const moduleOf = (p: string) => p.slice(0, p.lastIndexOf('.'));
  const holds = new Map<string, number>();
  for (const list of candidates) for (const m of new Set(list.map(moduleOf))) holds.set(m, (holds.get(m) ?? 0) + 1);
  return candidates.map((list) => {
    let best = list[0];
    for (const p of list) if ((holds.get(moduleOf(p)) ?? 0) > (holds.get(moduleOf(best)) ?? 0)) best = p;
    return best;
  });
}

/**
 * For an import the target does not have: rewrite it to the older equivalent the target has,
 * keeping local names (`from airflow.operators.dummy import DummyOperator as EmptyOperator`).
 */
function backportFixes(ctx: RuleContext, imp: ImportFact, siblings: ImportFact[], verdict: Verdict): { paths: string[]; fixes?: Fix[] } | undefined {
  if (imp.kind !== 'from' || !imp.name) {
    const b = imp.kind === 'import' && verdict.key === imp.module ? backport(ctx, imp.module, true) : undefined;
    if (!b) return undefined;
    const fixes = imp.alias ? [{ title: `Import \`${b}\` instead`, edits: [{ range: imp.moduleRange, newText: b }], isPreferred: true }] : undefined;
    return { paths: [b], fixes };
  }
  // Module-level verdict: every name of the statement needs a home; name-level: just this one.
  const moduleLevel = verdict.isModule && verdict.range === imp.moduleRange;
  const items = moduleLevel ? siblings.filter((s) => s.kind === 'from' && s.name) : [imp];
  const mapped: { from: string; name: string; local: string }[] = [];
  const homes = backportStatement(ctx, items.map((it) => `${it.module}.${it.name}`));
  for (const [k, it] of items.entries()) {
    const b = homes[k];
    if (!b) return undefined;
    const i = b.lastIndexOf('.');
    mapped.push({ from: b.slice(0, i), name: b.slice(i + 1), local: it.alias ?? it.name! });
  }
  const paths = mapped.map((m) => `${m.from}.${m.name}`);
  const render = (ms: typeof mapped) => {
    const byModule = new Map<string, string[]>();
    for (const m of ms) byModule.set(m.from, [...(byModule.get(m.from) ?? []), m.name === m.local ? m.name : `${m.name} as ${m.local}`]);
    return [...byModule].map(([mod, names]) => `from ${mod} import ${names.join(', ')}`);
  };
  const indent = ' '.repeat(imp.statementRange.start.character);
  let lines: string[];
  if (moduleLevel || siblings.length === 1) lines = render(mapped);
  else {
    const rest = siblings.filter((s) => s !== imp).map((s) => (s.alias ? `${s.name} as ${s.alias}` : s.name!));
    lines = [`from ${imp.module} import ${rest.join(', ')}`, ...render(mapped)];
  }
  const title = `Use ${paths.map((p) => `\`${p}\``).join(', ')} (available in Airflow ${ctx.target.airflow})`;
  if (!mapped.every((m, k) => dropIn(items[k].name!, m.name))) return { paths };
  return { paths, fixes: [{ title, edits: [{ range: imp.statementRange, newText: lines.join(`\n${indent}`) }], isPreferred: true }] };
}

/**
 * Follow replacement chains: on 3.0 `airflow.operators.bash_operator` → `airflow.operators.bash`
 * (itself a deprecated shim there) → `airflow.providers.standard.operators.bash`.
 */
function finalReplacement(ctx: RuleContext, replacement: string | undefined, isModule: boolean): string | undefined {
  let current = replacement;
  const seen = new Set<string>();
  while (current && !seen.has(current) && seen.size < 5) {
    seen.add(current);
    const av = lookupPath(ctx, current, isModule);
    if (!av || cachedStatus(av, ctx.target.airflow) !== 'deprecated' || !av.replacement) break;
    current = av.replacement;
  }
  return current;
}

/**
 * A renamed replacement is imported under the old local name only when it is the same kind of
 * thing (DummyOperator → EmptyOperator): SubDagOperator → TaskGroup or Dataset → Asset need code
 * changes, so they get advice but no quick fix.
 */
function dropIn(oldName: string, newName: string): boolean {
  if (oldName === newName) return true;
  const kind = (n: string) => /([A-Z][a-z0-9]*)$/.exec(n)?.[1];
  const k = kind(oldName);
  return !!k && k === kind(newName) && /^(Operator|Sensor|Hook|Exception|Error|Trigger|Timetable)$/.test(k);
}

function adviceAfterRemoval(ctx: RuleContext, replacement: string | undefined, isModule: boolean): string | undefined {
  let current = replacement;
  const seen = new Set<string>();
  while (current && !seen.has(current) && seen.size < 5) {
    seen.add(current);
    const av = lookupPath(ctx, current, isModule) ?? lookupPath(ctx, current, !isModule);
    if (!av) return current; // outside the scanned core (a provider, a new module): trust the pointer
    const st = cachedStatus(av, ctx.target.airflow);
    if (st === 'available' || st === 'deprecated') return current;
    if (!av.replacement) return undefined;
    current = av.replacement;
  }
  return undefined;
}

function lookupPath(ctx: RuleContext, dotted: string, isModule: boolean): Availability | undefined {
  if (isModule) return ctx.kb.module(dotted);
  const i = dotted.lastIndexOf('.');
  return ctx.kb.name(dotted.slice(0, i), dotted.slice(i + 1)) ?? ctx.kb.module(dotted);
}

/** Only offer a replacement that itself works on the target. */
function replacementWorks(ctx: RuleContext, replacement: string, isModule: boolean): boolean {
  if (replacement.startsWith('airflow.providers.')) return true; // providers: AF141 checks installation
  const v = ctx.target.airflow;
  if (isModule) {
    const av = ctx.kb.module(replacement);
    return !av || ['available', 'deprecated'].includes(cachedStatus(av, v));
  }
  const i = replacement.lastIndexOf('.');
  const av = ctx.kb.name(replacement.slice(0, i), replacement.slice(i + 1));
  return !av || ['available', 'deprecated'].includes(cachedStatus(av, v));
}

function buildFixes(ctx: RuleContext, imp: ImportFact, siblings: ImportFact[], verdict: Verdict, replacement: string): Fix[] | undefined {
  if (!/^[A-Za-z_][\w.]*$/.test(replacement) || !replacementWorks(ctx, replacement, verdict.isModule)) return undefined;
  if (imp.kind === 'import') {
    // `import old as x` → `import new as x`. Without an alias, usages spell the old path: no safe fix.
    if (!imp.alias || !verdict.isModule || verdict.key !== imp.module) return undefined;
    return [{ title: `Import \`${replacement}\` instead`, edits: [{ range: imp.moduleRange, newText: replacement }], isPreferred: true }];
  }
  if (imp.kind === 'star') {
    if (!verdict.isModule || verdict.key !== imp.module) return undefined;
    return [{ title: `Import from \`${replacement}\` instead`, edits: [{ range: imp.moduleRange, newText: replacement }], isPreferred: true }];
  }
  // from-import
  let newModule: string;
  let newName: string;
  if (verdict.isModule) {
    if (verdict.key === imp.module) {
      newModule = replacement;
      newName = imp.name!;
    } else if (verdict.key === `${imp.module}.${imp.name}`) {
      // `from airflow.operators import bash_operator` → `from <parent of replacement> import <leaf>`
      const i = replacement.lastIndexOf('.');
      newModule = replacement.slice(0, i);
      newName = replacement.slice(i + 1);
    } else {
      // An ancestor module was replaced: swap the prefix.
      newModule = replacement + imp.module.slice(verdict.key.length);
      newName = imp.name!;
    }
  } else {
    const i = replacement.lastIndexOf('.');
    newModule = replacement.slice(0, i);
    newName = replacement.slice(i + 1);
  }
  if (!dropIn(imp.name!, newName) && !verdict.isModule) return undefined;
  const localName = imp.alias ?? imp.name!;
  const item = newName === localName ? newName : `${newName} as ${localName}`;
  const title = `Import \`${newName}\` from \`${newModule}\``;
  if (siblings.length === 1) {
    if (newModule === imp.module) return [{ title, edits: [{ range: imp.itemRange, newText: item }], isPreferred: true }];
    return [{ title, edits: [{ range: imp.statementRange, newText: `from ${newModule} import ${item}` }], isPreferred: true }];
  }
  // Several names in one statement: keep the others, move this one to its own import line.
  const rest = siblings.filter((s) => s !== imp).map((s) => (s.alias ? `${s.name} as ${s.alias}` : s.name!));
  const indent = ' '.repeat(imp.statementRange.start.character);
  const text = `from ${imp.module} import ${rest.join(', ')}\n${indent}from ${newModule} import ${item}`;
  return [{ title, edits: [{ range: imp.statementRange, newText: text }], isPreferred: true }];
}
