import semver from 'semver';
import { describeAvailability, getKnowledgeBase, normaliseVersion, statusAt, type Availability, type AvailabilityStatus } from '../knowledge';
import type { ResolvedTarget } from '../targets/types';
import type { Facts } from './facts';
import type { Position, Range } from './types';

/** Markdown hover for the symbol at `pos`: Airflow import availability or argument availability. */
export interface HoverInfo {
  markdown: string;
  range: Range;
}

const ICON: Record<AvailabilityStatus, string> = { available: '✅', deprecated: '⚠️', removed: '❌', notYet: '❌', unavailable: '❌' };
const WORD: Record<AvailabilityStatus, string> = { available: 'available', deprecated: 'deprecated', removed: 'removed', notYet: 'not yet available', unavailable: 'not available' };

function contains(r: Range, p: Position): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return afterStart && beforeEnd;
}

/** One line per platform version of the target's platform (or per Airflow minor for self-hosted). */
function versionTable(av: Availability, target: ResolvedTarget): string {
  const kb = getKnowledgeBase();
  let rows: { label: string; airflow: string }[];
  if (target.platform === 'airflow') {
    const minors = new Map<string, string>();
    for (const r of kb.releases()) {
      const m = r.version.split('.').slice(0, 2).join('.');
      const cur = minors.get(m);
      if (!cur || semver.gt(r.version, cur)) minors.set(m, r.version);
    }
    rows = [...minors.values()].sort(semver.compare).map((v) => ({ label: `Airflow ${v}`, airflow: v }));
  } else {
    const list = kb.platforms()[target.platform] ?? [];
    rows = list.map((p) => ({ label: `${target.platform}:${p.id}`, airflow: p.airflow }));
    if (rows.length > 16) rows = rows.filter((r, i) => i % Math.ceil(rows.length / 16) === 0 || r.label === target.label);
  }
  const lines = rows.map((r) => {
    let s: AvailabilityStatus;
    try {
      s = statusAt(av, normaliseVersion(r.airflow));
    } catch {
      return '';
    }
    const mark = r.label === target.label ? ' ← target' : '';
    return `| ${r.label} | ${ICON[s]} ${WORD[s]}${mark} |`;
  }).filter(Boolean);
  return ['| version | status |', '|---|---|', ...lines].join('\n');
}

function evidence(av: Availability): string {
  const ev = av.evidence?.slice(0, 3) ?? [];
  if (!ev.length) return '';
  return `\n\n_Evidence:_ ${ev.map((e) => `\`${e.repo}\` ${e.path} @ ${e.ref}`).join('; ')}`;
}

function verdict(av: Availability, target: ResolvedTarget): string {
  const s = statusAt(av, target.airflow);
  const rep = av.replacement ? ` — use \`${av.replacement}\`` : '';
  return `${ICON[s]} **${WORD[s]}** on \`${target.label}\` (Airflow ${target.airflow})${s === 'available' ? '' : rep}`;
}

export function hoverAt(facts: Facts, pos: Position, target: ResolvedTarget, extra?: (facts: Facts, pos: Position) => HoverInfo | undefined): HoverInfo | undefined {
  const kb = getKnowledgeBase();
  for (const imp of facts.imports) {
    if (!contains(imp.statementRange, pos)) continue;
    let key: string | undefined;
    let av: Availability | undefined;
    let range: Range | undefined;
    if (imp.nameRange && contains(imp.nameRange, pos) && imp.name) {
      av = kb.name(imp.module, imp.name) ?? kb.module(`${imp.module}.${imp.name}`);
      key = `${imp.module}.${imp.name}`;
      range = imp.nameRange;
    } else if (contains(imp.moduleRange, pos)) {
      av = kb.module(imp.module);
      key = imp.module;
      range = imp.moduleRange;
    }
    if (!key || !range) continue;
    if (!av) {
      if (!key.startsWith('airflow')) return undefined;
      return { range, markdown: `**\`${key}\`**\n\nNot in the Managed Airflow knowledge base${key.startsWith('airflow.providers.') ? ' (provider modules are versioned by their provider package)' : ''}.` };
    }
    const md = [`**\`${key}\`** — ${verdict(av, target)}`, '', `Airflow: ${describeAvailability(av)}`];
    if (av.replacement) md.push('', `Replacement: \`${av.replacement}\`${av.replacementProvider ? ` (${av.replacementProvider})` : ''}`);
    if (av.note) md.push('', av.note);
    md.push('', versionTable(av, target));
    return { range, markdown: md.join('\n') + evidence(av) };
  }
  // keyword arguments of DAG/operators
  for (const call of facts.calls) {
    if (!contains(call.range, pos)) continue;
    for (const a of call.args) {
      if (!a.name || !a.nameRange || !contains(a.nameRange, pos)) continue;
      const callee = call.resolved?.split(':').pop() ?? call.calleeText.split('.').pop() ?? '';
      const chain = callee === 'DAG' || callee === 'dag' ? ['DAG'] : kb.knowsCallable(callee) ? [callee, 'BaseOperator'] : /(Operator|Sensor)$/.test(callee) || callee.startsWith('task') ? ['BaseOperator'] : [];
      for (const c of chain) {
        const av = kb.argument(c, a.name);
        if (!av) continue;
        const md = [`**\`${a.name}\`** (${c} argument) — ${verdict(av, target)}`, '', `Airflow: ${describeAvailability(av)}`];
        if (av.note) md.push('', av.note);
        md.push('', versionTable(av, target));
        return { range: a.nameRange, markdown: md.join('\n') + evidence(av) };
      }
    }
  }
  return extra?.(facts, pos);
}
