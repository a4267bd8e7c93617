import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findUpwards } from '../util/findUpwards';

/** Normalise a pip distribution name (PEP 503): "Apache_Airflow.Providers-Snowflake" → "apache-airflow-providers-snowflake". */
export function normaliseDist(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.]+/g, '-');
}

/** One requirement line: normalised name, extras, and the version when `==`/`===` is its only specifier. */
interface RequirementLine {
  name: string;
  extras: string[];
  pinned?: string;
}

/** The requirement lines of a requirements file (ignores options, comments, URLs' fragments handled by #egg=). */
function requirementLines(text: string): RequirementLine[] {
  const out: RequirementLine[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#') || line.startsWith('-')) continue;
    const egg = /#egg=([\w.-]+)/.exec(raw);
    if (egg) {
      out.push({ name: normaliseDist(egg[1]), extras: [] });
      continue;
    }
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*(?:(===|==|>=|<=|~=|!=|>|<)\s*([^;,\s]+))?\s*([^;]*)/.exec(line);
    if (!m) continue;
    const pinned = (m[3] === '==' || m[3] === '===') && !m[5].trim() ? m[4] : undefined;
    out.push({ name: normaliseDist(m[1]), extras: m[2]?.split(',').map(normaliseDist).filter(Boolean) ?? [], pinned });
  }
  return out;
}

/** Distribution names listed in a requirements file, with the version each is pinned to by `==` alone. */
export function parseRequirements(text: string): Map<string, string | undefined> {
  return new Map(requirementLines(text).map((r) => [r.name, r.pinned]));
}

/** Where a project keeps its requirements file, relative to a folder (also read by target detection). */
export const REQUIREMENTS_FILES: readonly string[] = ['requirements.txt', path.join('requirements', 'requirements.txt')];

/** The nearest requirements file at or above `startDir` (stopping at `rootDir`). */
export function findRequirements(startDir: string, rootDir?: string): string | undefined {
  return findUpwards(startDir, rootDir, (dir) => REQUIREMENTS_FILES.map((c) => path.join(dir, c)).find((f) => existsSync(f)));
}

export function readRequirementsPackages(file: string | undefined): Set<string> {
  if (!file) return new Set();
  try {
    return installedDistributions(readFileSync(file, 'utf8'));
  } catch {
    return new Set();
  }
}

/**
 * The distributions a requirements file installs, as far as AF141 cares: every listed name plus the
 * provider distributions that extras pull in — `apache-airflow[amazon,cncf.kubernetes]` installs
 * apache-airflow-providers-amazon and -cncf-kubernetes, and a provider's extras name the other providers
 * it depends on (`apache-airflow-providers-mysql[amazon]`). Extras that are no provider (`async`,
 * `statsd` …) add names no import maps to, which is harmless.
 */
export function installedDistributions(text: string): Set<string> {
  const out = new Set<string>();
  for (const r of requirementLines(text)) {
    out.add(r.name);
    if (r.name !== 'apache-airflow' && !r.name.startsWith('apache-airflow-providers-')) continue;
    for (const extra of r.extras) {
      const e = extra.replace(/^apache-airflow-providers-|^providers-/, '');
      if (e) out.add(`apache-airflow-providers-${e}`);
    }
  }
  return out;
}

/**
 * The edit that adds `dist` to a requirements file whose text is `existing` (undefined: the file does not exist
 * yet): one line at the end, after a newline if the file lacks a final one. Undefined when the file already lists
 * the distribution (any spelling, any version specifier).
 */
export function requirementAddition(existing: string | undefined, dist: string): { line: number; character: number; newText: string } | undefined {
  const text = existing ?? '';
  if (parseRequirements(text).has(normaliseDist(dist))) return undefined;
  const lines = text.split('\n');
  const line = lines.length - 1;
  const character = lines[line].length;
  return { line, character, newText: `${text.length && !text.endsWith('\n') ? '\n' : ''}${dist}\n` };
}
