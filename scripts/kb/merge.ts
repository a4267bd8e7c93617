/**
 * Merge per-version scans into version ranges (half-open, `to` = first scanned version without
 * the fact) and encode them in the compact on-disk form of core/src/knowledge/compact.ts.
 */
import type {
  CompactArguments, CompactContext, CompactEvidence, CompactFact, CompactModules, CompactSource, CompactTables,
} from '../../core/src/knowledge/compact';
import type { FactAt, VersionScan } from './scan';
import { providerDistribution } from './scan';

/** A fact asserted by hand (scripts/kb/overrides.json), with its own evidence. */
export interface Override {
  kind: 'module' | 'name' | 'context' | 'argument';
  key: string; // "airflow.x", "airflow.x:Name", "ds", "DAG:schedule"
  /**
   * Versions (as scanned version strings) where the fact holds; others keep the scanned value.
   * Empty: the override only adds `replacement`/`note` to the scanned fact (e.g. what a removed
   * argument was renamed to when Airflow removed it without a deprecation period).
   */
  versions: string[];
  fact: { deprecated?: boolean; replacement?: string; note?: string; absent?: boolean };
  evidence: { repo: string; path: string; ref: string; commit?: string; note?: string };
}

export class Encoder {
  readonly versions: string[];
  readonly sources: CompactSource[] = [];
  readonly evidence: CompactEvidence[] = [];
  readonly notes: string[] = [];
  private readonly evIndex = new Map<string, number>();
  private readonly noteIndex = new Map<string, number>();
  private readonly extraSources = new Map<string, number>();

  constructor(private readonly scans: VersionScan[]) {
    this.versions = scans.map((s) => s.spec.version);
    for (const s of scans) this.sources.push([s.spec.repo, s.spec.ref, s.commit, ...(s.spec.note ? [s.spec.note] : [])] as CompactSource);
  }

  note(text: string | undefined): number {
    if (!text) return -1;
    let i = this.noteIndex.get(text);
    if (i === undefined) {
      i = this.notes.push(text) - 1;
      this.noteIndex.set(text, i);
    }
    return i;
  }

  private ev(source: number, path: string, note?: string): number {
    const n = this.note(note);
    const key = `${source}\0${path}\0${n}`;
    let i = this.evIndex.get(key);
    if (i === undefined) {
      i = this.evidence.push([source, path, n]) - 1;
      this.evIndex.set(key, i);
    }
    return i;
  }

  externalSource(repo: string, ref: string, commit?: string, note?: string): number {
    const key = `${repo}\0${ref}\0${commit ?? ''}\0${note ?? ''}`;
    let i = this.extraSources.get(key);
    if (i === undefined) {
      i = this.sources.push([repo, ref, commit ?? '', ...(note ? [note] : [])] as CompactSource) - 1;
      this.extraSources.set(key, i);
    }
    return i;
  }

  /** Encode one fact from its per-version values (undefined = absent at that version). */
  encode(perVersion: (FactAt | undefined)[], extraEvidence: number[] = [], absentPathAt?: (i: number) => string | undefined): CompactFact | undefined {
    const a: number[] = [];
    const d: number[] = [];
    const e: number[] = [];
    let runStart = -1;
    let depStart = -1;
    let lastPath = '';
    let replacement: string | undefined;
    let depNote: string | undefined;
    for (let i = 0; i <= perVersion.length; i++) {
      const f = i < perVersion.length ? perVersion[i] : undefined;
      const present = !!f;
      const dep = !!f?.deprecated;
      if (present && runStart < 0) {
        runStart = i;
        e.push(this.ev(i, f!.path, f!.deprecated ? undefined : f!.source));
      }
      if (!present && runStart >= 0) {
        a.push(runStart, i < perVersion.length ? i : -1);
        if (i < perVersion.length) e.push(this.ev(i, absentPathAt?.(i) || lastPath, 'not present at this ref'));
        runStart = -1;
      }
      if (dep && depStart < 0) {
        depStart = i;
        e.push(this.ev(i, f!.path, [f!.source, f!.note && `warning: ${f!.note}`].filter(Boolean).join('; ') || undefined));
      }
      if (!dep && depStart >= 0) {
        d.push(depStart, i < perVersion.length ? i : -1);
        if (present) e.push(this.ev(i, f!.path, 'no deprecation warning at this ref'));
        depStart = -1;
      }
      if (f) {
        lastPath = f.path;
        if (f.deprecated) {
          if (f.replacement) replacement = f.replacement;
          depNote = f.note;
        }
      }
    }
    if (!a.length) return undefined;
    // the newest scanned version is evidence for "still available"
    const last = perVersion.length - 1;
    if (perVersion[last] && a[a.length - 1] === -1 && !e.includes(this.ev(last, perVersion[last]!.path))) e.push(this.ev(last, perVersion[last]!.path));
    e.push(...extraEvidence);
    const out: CompactFact = { a, e: [...new Set(e)] };
    if (d.length) out.d = d;
    if (d.length && replacement) {
      out.r = replacement;
      const p = providerDistribution(replacement);
      if (p) out.p = p;
    }
    if (d.length && depNote) out.n = this.note(depNote);
    return out;
  }

  encodeAll(
    get: (s: VersionScan) => Map<string, FactAt>, overrides: Override[] = [], kind?: Override['kind'], keyPrefix = '',
    absentPath?: (s: VersionScan) => string | undefined,
  ): Record<string, CompactFact> {
    const keys = new Set<string>();
    for (const s of this.scans) for (const k of get(s).keys()) keys.add(k);
    const relevant = overrides.filter((o) => o.kind === kind && o.key.startsWith(keyPrefix));
    for (const o of relevant) keys.add(o.key.slice(keyPrefix.length));
    const out: Record<string, CompactFact> = {};
    for (const k of [...keys].sort()) {
      const perVersion = this.scans.map((s) => get(s).get(k));
      const extra: number[] = [];
      for (const o of relevant.filter((x) => x.key === keyPrefix + k)) {
        const src = this.externalSource(o.evidence.repo, o.evidence.ref, o.evidence.commit, 'hand-maintained override (scripts/kb/overrides.json)');
        extra.push(this.ev(src, o.evidence.path, o.evidence.note));
        for (const v of o.versions) {
          const i = this.versions.indexOf(v);
          if (i < 0) throw new Error(`override ${o.key}: version ${v} was not scanned`);
          perVersion[i] = o.fact.absent
            ? undefined
            : { path: o.evidence.path, ...(perVersion[i] ?? {}), ...o.fact, note: o.fact.note ?? o.evidence.note };
        }
      }
      const f = this.encode(perVersion, extra, absentPath ? (i) => absentPath(this.scans[i]) : undefined);
      if (!f) continue;
      for (const o of relevant.filter((x) => x.key === keyPrefix + k && x.versions.length === 0)) {
        if (o.fact.replacement) {
          f.r = o.fact.replacement;
          const p = providerDistribution(o.fact.replacement);
          if (p) f.p = p;
          else delete f.p;
        }
        if (o.fact.note) f.n = this.note(o.fact.note);
      }
      out[k] = f;
    }
    return out;
  }

  tables(): CompactTables {
    return {
      format: 'compact-1',
      versions: this.versions,
      scannedVersions: this.versions,
      sources: this.sources,
      evidence: this.evidence,
      notes: this.notes,
    };
  }
}

export function buildModules(scans: VersionScan[], overrides: Override[]): CompactModules {
  const enc = new Encoder(scans);
  const modules = enc.encodeAll((s) => s.modules, overrides, 'module');
  const names = enc.encodeAll((s) => s.names, overrides, 'name');
  return { ...enc.tables(), modules, names };
}

export function buildArguments(scans: VersionScan[], overrides: Override[], notes: Record<string, string>): CompactArguments {
  const enc = new Encoder(scans);
  const ids = new Set<string>();
  for (const s of scans) for (const k of s.callables.keys()) ids.add(k);
  const callables: CompactArguments['callables'] = {};
  for (const id of ids) {
    const empty = new Map<string, FactAt>();
    callables[id] = {
      ...(notes[id] ? { note: notes[id] } : {}),
      arguments: enc.encodeAll((s) => s.callables.get(id) ?? empty, overrides, 'argument', `${id}:`, (s) => s.files?.callables[id]),
    };
  }
  return { ...enc.tables(), callables };
}

export function buildContext(scans: VersionScan[], overrides: Override[]): CompactContext {
  const enc = new Encoder(scans);
  return { ...enc.tables(), keys: enc.encodeAll((s) => s.context, overrides, 'context', '', (s) => s.files?.context.join(', ')) };
}
