/**
 * Extracted-facts cache (scripts/kb/cache/scans.json): every VersionScan, stored as a delta against
 * the previous version so the file stays small. It holds only data the generator extracted
 * (module/name/argument/key → path + deprecation), never Airflow source text. The generator uses
 * it for versions whose git snapshot is not on this machine.
 */
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FactAt, VersionScan, VersionSpec } from './scan';

interface Delta {
  set?: Record<string, FactAt>;
  del?: string[];
}
interface CachedVersion {
  spec: VersionSpec;
  commit: string;
  modules: Delta;
  names: Delta;
  context: Delta;
  callables: Record<string, Delta>;
  files?: VersionScan['files'];
}
interface CacheFile {
  format: 'scan-cache-1';
  versions: CachedVersion[];
}

function same(a: FactAt, b: FactAt): boolean {
  return a.path === b.path && !!a.deprecated === !!b.deprecated && a.replacement === b.replacement && a.note === b.note && a.source === b.source;
}

function delta(prev: Map<string, FactAt> | undefined, cur: Map<string, FactAt>): Delta {
  const set: Record<string, FactAt> = {};
  const del: string[] = [];
  for (const [k, v] of cur) {
    const p = prev?.get(k);
    if (!p || !same(p, v)) set[k] = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as unknown as FactAt;
  }
  for (const k of prev?.keys() ?? []) if (!cur.has(k)) del.push(k);
  return { ...(Object.keys(set).length ? { set } : {}), ...(del.length ? { del: del.sort() } : {}) };
}

function apply(prev: Map<string, FactAt> | undefined, d: Delta): Map<string, FactAt> {
  const out = new Map(prev ?? []);
  for (const k of d.del ?? []) out.delete(k);
  for (const [k, v] of Object.entries(d.set ?? {})) out.set(k, v);
  return out;
}

export function writeCache(file: string, scans: VersionScan[]): void {
  const versions: CachedVersion[] = [];
  let prev: VersionScan | undefined;
  for (const s of scans) {
    const callables: Record<string, Delta> = {};
    const ids = new Set([...s.callables.keys(), ...(prev?.callables.keys() ?? [])]);
    for (const id of ids) callables[id] = delta(prev?.callables.get(id), s.callables.get(id) ?? new Map());
    versions.push({
      spec: s.spec,
      commit: s.commit,
      modules: delta(prev?.modules, s.modules),
      names: delta(prev?.names, s.names),
      context: delta(prev?.context, s.context),
      callables,
      ...(s.files ? { files: s.files } : {}),
    });
    prev = s;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  // one version per line keeps diffs of a refresh readable
  const body = versions.map((v) => JSON.stringify(v)).join(',\n');
  writeFileSync(file, `{"format":"scan-cache-1","versions":[\n${body}\n]}\n`);
}

export function readCache(file: string): Map<string, VersionScan> {
  const out = new Map<string, VersionScan>();
  if (!existsSync(file)) return out;
  const data = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
  if (data.format !== 'scan-cache-1') throw new Error(`${file}: unknown cache format`);
  let prev: VersionScan | undefined;
  for (const v of data.versions) {
    const callables = new Map<string, Map<string, FactAt>>();
    for (const [id, d] of Object.entries(v.callables)) {
      const m = apply(prev?.callables.get(id), d);
      if (m.size) callables.set(id, m);
    }
    const scan: VersionScan = {
      spec: v.spec,
      commit: v.commit,
      modules: apply(prev?.modules, v.modules),
      names: apply(prev?.names, v.names),
      context: apply(prev?.context, v.context),
      callables,
      ...(v.files ? { files: v.files } : {}),
    };
    out.set(v.spec.version, scan);
    prev = scan;
  }
  return out;
}
