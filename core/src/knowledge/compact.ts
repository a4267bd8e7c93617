/**
 * Compact on-disk form of the generated knowledge-base files (modules.json, arguments.json,
 * context.json). Versions, evidence and notes are stored once in shared tables and referenced by
 * index; `hydrate*` turns them back into the `Availability` objects of types.ts (evidence objects
 * are shared between facts, not copied).
 */
import type { ArgumentsData, Availability, ContextData, Evidence, ModulesData, VersionRange } from './types';

/** [repo, ref, commit, note?] */
export type CompactSource = [string, string, string, string?];
/** [source index, path, note index (-1 = none)] */
export type CompactEvidence = [number, string, number];
/**
 * One fact. `a`/`d`: available / deprecated ranges as flat [fromIdx, toIdx, …] pairs of indexes
 * into `versions`, toIdx -1 = open-ended. `r` replacement, `p` provider distribution of the
 * replacement, `n` note index, `e` evidence indexes.
 */
export interface CompactFact {
  a: number[];
  d?: number[];
  r?: string;
  p?: string;
  n?: number;
  e: number[];
}

export interface CompactTables {
  format: 'compact-1';
  /** All versions referenced by ranges (the scanned ones, ascending). */
  versions: string[];
  scannedVersions: string[];
  sources: CompactSource[];
  evidence: CompactEvidence[];
  notes: string[];
}

export interface CompactModules extends CompactTables {
  modules: Record<string, CompactFact>;
  names: Record<string, CompactFact>;
}
export interface CompactArguments extends CompactTables {
  callables: Record<string, { note?: string; arguments: Record<string, CompactFact> }>;
}
export interface CompactContext extends CompactTables {
  keys: Record<string, CompactFact>;
}

export function isCompact(x: unknown): x is CompactTables {
  return typeof x === 'object' && x !== null && (x as { format?: string }).format === 'compact-1';
}

class Hydrator {
  private readonly evidence: (Evidence | undefined)[];
  constructor(private readonly t: CompactTables) {
    this.evidence = new Array(t.evidence.length);
  }
  private ev(i: number): Evidence {
    let e = this.evidence[i];
    if (!e) {
      const [si, path, ni] = this.t.evidence[i];
      const [repo, ref, commit, srcNote] = this.t.sources[si];
      const note = [ni >= 0 ? this.t.notes[ni] : undefined, srcNote].filter(Boolean).join(' — ');
      e = { repo, path, ref, ...(commit ? { commit } : {}), ...(note ? { note } : {}) };
      this.evidence[i] = e;
    }
    return e;
  }
  private ranges(flat: number[]): VersionRange[] {
    const out: VersionRange[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ from: this.t.versions[flat[i]], to: flat[i + 1] < 0 ? null : this.t.versions[flat[i + 1]] });
    return out;
  }
  fact(f: CompactFact): Availability {
    return {
      available: this.ranges(f.a),
      ...(f.d?.length ? { deprecated: this.ranges(f.d) } : {}),
      ...(f.r ? { replacement: f.r } : {}),
      ...(f.p ? { replacementProvider: f.p } : {}),
      ...(f.n !== undefined && f.n >= 0 && userFacing(this.t.notes[f.n]) ? { note: this.t.notes[f.n].trim() } : {}),
      evidence: f.e.map((i) => this.ev(i)),
    };
  }
  /**
   * A read-only record that hydrates each fact on first access (the language server needs a few
   * hundred of the ~12,000 facts; hydrating all of them up front costs ~50 ms at start-up).
   * Enumeration (Object.keys/entries, for…in) sees every key.
   */
  record(r: Record<string, CompactFact>): Record<string, Availability> {
    const cache = new Map<string, Availability>();
    const has = (k: string | symbol): k is string => typeof k === 'string' && Object.prototype.hasOwnProperty.call(r, k);
    const get = (k: string) => {
      let av = cache.get(k);
      if (!av) cache.set(k, (av = this.fact(r[k])));
      return av;
    };
    return new Proxy({} as Record<string, Availability>, {
      get: (_t, k) => (has(k) ? get(k) : undefined),
      has: (_t, k) => has(k),
      ownKeys: () => Object.keys(r),
      getOwnPropertyDescriptor: (_t, k) => (has(k) ? { value: get(k), enumerable: true, configurable: true, writable: false } : undefined),
      set: () => false,
      deleteProperty: () => false,
      defineProperty: () => false,
    });
  }
}

export function hydrateModules(raw: unknown): ModulesData {
  if (!isCompact(raw)) return raw as ModulesData;
  const c = raw as CompactModules;
  const h = new Hydrator(c);
  return { scannedVersions: c.scannedVersions, modules: h.record(c.modules), names: h.record(c.names) };
}

export function hydrateArguments(raw: unknown): ArgumentsData {
  if (!isCompact(raw)) return raw as ArgumentsData;
  const c = raw as CompactArguments;
  const h = new Hydrator(c);
  const callables: ArgumentsData['callables'] = {};
  for (const [k, v] of Object.entries(c.callables)) callables[k] = { ...(v.note ? { note: v.note } : {}), arguments: h.record(v.arguments) };
  return { scannedVersions: c.scannedVersions, callables };
}

export function hydrateContext(raw: unknown): ContextData {
  if (!isCompact(raw)) return raw as ContextData;
  const c = raw as CompactContext;
  const h = new Hydrator(c);
  return { scannedVersions: c.scannedVersions, keys: h.record(c.keys) };
}

/**
 * Deprecation messages are extracted from Airflow's source; some are format strings whose
 * placeholders (`{name}`, `{module_path}`) Airflow fills at run time. Those read as garbage in
 * a diagnostic, so they are kept as evidence only.
 */
function userFacing(note: string | undefined): boolean {
  return !!note && !/\{[A-Za-z_][\w.]*(![rsa])?(:[^}]*)?\}/.test(note);
}
