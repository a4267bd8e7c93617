import { firstAvailable, removedIn, statusAt, type Availability, type AvailabilityStatus } from '../../knowledge';
import type { ImportFact } from '../facts';
import type { Rule, RuleContext } from '../rule';
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
  },
};

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
    const status = statusAt(av, ctx.target.airflow);
    // An available ancestor says nothing about an unknown child; only a definite verdict counts.
    if (i < parts.length && (status === 'available' || status === 'deprecated')) return undefined;
    return { key: m, av, status, range, isModule: true };
  }
  return undefined;
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
  let verdict: Verdict | undefined;
  if (imp.kind === 'from' && imp.name) {
    const moduleV = moduleVerdict(ctx, imp.module, imp.moduleRange);
    let nameV: Verdict | undefined;
    const nameAv = ctx.kb.name(imp.module, imp.name);
    const range = imp.nameRange ?? imp.itemRange;
    if (nameAv) nameV = { key: `${imp.module}.${imp.name}`, av: nameAv, status: statusAt(nameAv, v), range, isModule: false };
    else {
      // `from airflow.operators import bash_operator`: the name is a submodule.
      const sub = ctx.kb.module(`${imp.module}.${imp.name}`);
      if (sub) nameV = { key: `${imp.module}.${imp.name}`, av: sub, status: statusAt(sub, v), range, isModule: true };
    }
    verdict = pickVerdict(moduleV, nameV);
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
  const replacement = verdict.av.replacement;
  const provider = verdict.av.replacementProvider ? ` (from ${verdict.av.replacementProvider})` : '';
  const instead = replacement ? ` Use \`${replacement}\`${provider} instead.` : '';
  const fixes = replacement ? buildFixes(ctx, imp, siblings, verdict, replacement) : undefined;
  const evidence = verdict.av.evidence?.slice(0, 3).map((e) => ({ repo: e.repo, path: e.path, ref: e.ref }));
  const data = { symbol: verdict.key, isModule: verdict.isModule };
  const note = verdict.av.note ? ` ${verdict.av.note}` : '';
  if (verdict.status === 'removed' || verdict.status === 'unavailable') {
    const gone = removedIn(verdict.av, v);
    ctx.report({
      code: 'AF101',
      message: `\`${verdict.key}\` ${gone ? `was removed in Airflow ${gone}` : `does not exist in Airflow ${v}`}; ${runs}.${instead}${note}`,
      range: verdict.range, fixes, evidence, data,
    });
  } else if (verdict.status === 'notYet') {
    const first = firstAvailable(verdict.av);
    ctx.report({
      code: 'AF102',
      message: `\`${verdict.key}\` is only available from Airflow ${first}; ${runs}.${instead}${note}`,
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

/** Only offer a replacement that itself works on the target. */
function replacementWorks(ctx: RuleContext, replacement: string, isModule: boolean): boolean {
  if (replacement.startsWith('airflow.providers.')) return true; // providers: AF141 checks installation
  const v = ctx.target.airflow;
  if (isModule) {
    const av = ctx.kb.module(replacement);
    return !av || ['available', 'deprecated'].includes(statusAt(av, v));
  }
  const i = replacement.lastIndexOf('.');
  const av = ctx.kb.name(replacement.slice(0, i), replacement.slice(i + 1));
  return !av || ['available', 'deprecated'].includes(statusAt(av, v));
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
