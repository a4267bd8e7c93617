/**
 * Generates the platform/release half of the knowledge base:
 *   core/src/knowledge/data/releases.json   every Airflow release 1.10.0 … newest 3.x, with Python
 *   core/src/knowledge/data/platforms.json  MWAA versions, Composer images, Astro runtimes (+ series)
 *   core/src/knowledge/data/providers.json  provider distributions installed per target
 *   core/src/knowledge/data/features.json   DAG-authoring features with first version and detectors
 *
 *   node --import tsx scripts/kb/platforms.ts [path/to/shared/data/platforms.json]
 *
 * Inputs: the shared, verified platforms.json (default ../shared/data/platforms.json; its `sources`
 * map names repo/path/commit for every source id) and the checked-in extracts in
 * scripts/kb/sources/ (see scripts/kb/platforms-extract.ts and docs/knowledge-base.md). Output is
 * deterministic: running it twice gives identical files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type {
  Confidence, Evidence, FeaturesData, PlatformSeries, PlatformsData, PlatformVersion, ProvidersData, ReleaseInfo, ReleasesData,
} from '../../core/src/knowledge/types';

const ROOT = resolve(__dirname, '..', '..');
const SOURCES = join(__dirname, 'sources');
const OUT = join(ROOT, 'core', 'src', 'knowledge', 'data');

// ---------------------------------------------------------------- shared platforms.json shapes
interface SharedSource {
  repo?: string;
  commit?: string;
  path?: string;
  paths?: string[];
  url?: string;
  urls?: string[];
  branches?: Record<string, string>;
  tags?: Record<string, string>;
  refs?: Record<string, string>;
  files?: Record<string, string>;
  note?: string;
}
interface SharedFact<T> {
  value: T;
  sources: string[];
  confidence: Confidence;
  note?: string;
}
interface SharedMwaaVersion {
  airflow_version: string;
  python: SharedFact<string>;
  python_patch_in_reference_image: SharedFact<string | null>;
  status: SharedFact<string>;
  apache_release_date_per_mwaa_docs: SharedFact<string>;
  mwaa_availability_date: SharedFact<string>;
  mwaa_end_of_support_date: SharedFact<string | null>;
  constraints_url: SharedFact<string>;
  note?: string;
}
interface SharedRelease {
  version: string;
  release_date: string | null;
  release_date_sources: string[];
  python: string | null;
  python_sources: string[];
  confidence: Confidence;
  tag_commit?: string;
  yanked?: boolean;
  note?: string;
}
export interface SharedPlatforms {
  sources: Record<string, SharedSource>;
  mwaa: { versions: SharedMwaaVersion[]; docker_images: { versions: { airflow: string; dir: string; python_version_env: string; added_commit: string }[] } };
  composer: { supported_images: SharedFact<{ latest_observed_in_release_note_copies: string[]; airflow3_in_composer_local_dev: string }> };
  astro: { yanked: SharedFact<string[]>; runtime_to_airflow: { runtime: string; airflow: string; python: string; released: string; sources: string[]; confidence: Confidence }[] };
  airflow: { releases: SharedRelease[] };
}

// ---------------------------------------------------------------- checked-in source extracts
interface ExtractedRelease { version: string; date?: string; python: string[]; evidence: Evidence[] }
interface Extracted2x { version: string; python: string[]; classifiers: string[]; evidence: Evidence[] }
interface AstroNotes {
  runtimes: { runtime: string; airflow: string; date?: string; evidence: Evidence[] }[];
  majors: { runtimeMajor: string; airflow: string; python: string; evidence: Evidence[] }[];
}
interface Manual {
  releasePython: { version: string; python: string[]; confidence: Confidence; note?: string; evidence: Evidence[] }[];
  astroRuntimeExcluded: { runtime: string; reason: string }[];
  astroRuntimes: (PlatformVersion & { confidence: Confidence })[];
  astroSeries: PlatformSeries[];
  composerSeries: PlatformSeries[];
}
export interface ComposerImages {
  images: { id: string; releaseDate?: string; isDefault?: boolean; status?: PlatformVersion['status']; confidence: Confidence; note?: string; evidence: Evidence[] }[];
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
function readSource<T>(name: string): T {
  return readJson<T>(join(SOURCES, name));
}

// ---------------------------------------------------------------- versions
export function cmpVersion(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
const minor = (v: string) => v.split('.').slice(0, 2).join('.');

// ---------------------------------------------------------------- evidence from shared source ids
export class SourceIndex {
  constructor(private readonly sources: Record<string, SharedSource>) {}

  /** Evidence for a shared source id; `opts` narrows it to one path/branch/tag of that source. */
  ev(id: string, opts: { path?: string; ref?: string; branch?: string; tag?: string; note?: string; confidence?: Confidence } = {}): Evidence {
    const s = this.sources[id];
    if (!s) throw new Error(`unknown shared source id ${id}`);
    const note = [opts.note, `shared source "${id}"`].filter(Boolean).join('; ');
    const base = { note, ...(opts.confidence ? { confidence: opts.confidence } : {}) };
    if (s.repo) {
      let commit = s.commit;
      let ref = opts.ref ?? (commit ? commit.slice(0, 12) : 'HEAD');
      if (opts.branch && s.branches?.[opts.branch]) {
        commit = s.branches[opts.branch];
        ref = opts.branch;
      }
      if (opts.tag) {
        ref = opts.tag;
        commit = s.tags?.[opts.tag] ?? commit;
      }
      const path = opts.path ?? s.path ?? s.paths?.[0] ?? Object.keys(s.files ?? {})[0] ?? '.';
      if (s.files?.[path]) commit = s.files[path];
      return { repo: s.repo, path, ref, ...(commit && commit.length === 40 ? { commit } : {}), ...base };
    }
    const url = s.url ?? s.urls?.[0];
    if (!url) return { repo: 'web:unknown', path: id, ref: 'stored copy', ...base, note: [base.note, s.note].filter(Boolean).join('; ') };
    const u = new URL(url);
    return { repo: `web:${u.host}`, path: u.pathname, ref: 'stored copy', url, ...base };
  }

  fact<T>(f: SharedFact<T>, opts: { path?: string; branch?: string; note?: string } = {}): Evidence[] {
    return f.sources.map((id) => this.ev(id, { ...opts, confidence: f.confidence }));
  }
}

const CONF_ORDER: Confidence[] = ['high', 'medium', 'low', 'unverified'];
const weakest = (...cs: (Confidence | undefined)[]): Confidence =>
  cs.filter((c): c is Confidence => !!c).sort((a, b) => CONF_ORDER.indexOf(b) - CONF_ORDER.indexOf(a))[0] ?? 'unverified';

// ---------------------------------------------------------------- releases
export function buildReleases(shared: SharedPlatforms, idx: SourceIndex): ReleasesData {
  const r110 = readSource<{ releases: ExtractedRelease[] }>('airflow-1.10.json').releases;
  const r2x = new Map(readSource<{ releases: Extracted2x[] }>('airflow-2.x.json').releases.map((r) => [r.version, r]));
  const manual = readSource<Manual>('manual.json');
  const manualPy = new Map(manual.releasePython.map((m) => [m.version, m]));
  const out: ReleaseInfo[] = r110.map((r) => ({ version: r.version, date: r.date, python: r.python, confidence: 'high' as Confidence, evidence: r.evidence }));

  for (const s of shared.airflow.releases) {
    const m = manualPy.get(s.version);
    const x = r2x.get(s.version);
    const sharedPy = s.python ? s.python.split(',').map((p) => p.trim()) : undefined;
    const python = x?.python ?? sharedPy ?? m?.python;
    if (!python) throw new Error(`release ${s.version}: no Python support from any source`);
    if (x && sharedPy && x.python.join() !== sharedPy.join()) {
      throw new Error(`release ${s.version}: README at tag says ${x.python.join()} but shared data says ${sharedPy.join()}`);
    }
    const evidence: Evidence[] = [];
    if (x) evidence.push(...x.evidence);
    else if (sharedPy) evidence.push(...s.python_sources.map((id) => idx.ev(id, { note: `supported Python ${sharedPy.join(', ')}`, confidence: s.confidence, ...(id === 'af-arenadata' && s.tag_commit ? { ref: s.version } : {}) })));
    else if (m) evidence.push(...m.evidence);
    if (s.release_date) evidence.push(...s.release_date_sources.map((id) => idx.ev(id, { note: `release date ${s.release_date}`, confidence: s.confidence })));
    const note = [s.note, !x && !sharedPy ? m?.note : undefined, x && x.classifiers.join() !== x.python.join() ? `classifiers list only ${x.classifiers.join(', ')} (they lag the README)` : undefined]
      .filter(Boolean)
      .join(' ');
    out.push({
      version: s.version,
      ...(s.release_date ? { date: s.release_date } : {}),
      python,
      ...(s.yanked ? { yanked: true } : {}),
      ...(note ? { note } : {}),
      confidence: x ? 'high' : sharedPy ? s.confidence : m?.confidence ?? 'unverified',
      evidence,
    });
  }
  out.sort((a, b) => cmpVersion(a.version, b.version));
  return { releases: out };
}

// ---------------------------------------------------------------- platforms
const MWAA_STATUS: Record<string, PlatformVersion['status']> = { supported: 'supported', end_of_support: 'end-of-support', deprecated: 'deprecated' };

export function buildMwaa(shared: SharedPlatforms, idx: SourceIndex): PlatformVersion[] {
  const images = new Map(shared.mwaa.docker_images.versions.map((v) => [v.airflow, v]));
  return shared.mwaa.versions.map((v) => {
    const branch = `v${v.airflow_version}`;
    const evidence: Evidence[] = [
      ...v.python.sources.map((id) =>
        idx.ev(id, {
          confidence: v.python.confidence,
          note: `Python ${v.python.value}`,
          ...(id === 'mwaa-local-runner' ? { branch, path: 'docker/Dockerfile' } : {}),
          ...(id === 'mwaa-docs-archived' ? { path: 'doc_source/airflow-versions.md' } : {}),
        }),
      ),
      idx.ev(v.status.sources[0], { confidence: v.status.confidence, note: `status ${v.status.value}; available ${v.mwaa_availability_date.value}${v.mwaa_end_of_support_date.value ? `; end of support ${v.mwaa_end_of_support_date.value}` : ''}` }),
    ];
    const img = images.get(v.airflow_version);
    if (img) {
      evidence.push(idx.ev('mwaa-images', { path: `${img.dir}Dockerfiles/Dockerfile.base`, confidence: 'high', note: `PYTHON_VERSION ${img.python_version_env}; dir added ${img.added_commit}` }));
    }
    const patch = v.python_patch_in_reference_image.value;
    const note = [v.note, patch ? `AWS reference image Python ${patch}.` : undefined].filter(Boolean).join(' ');
    return {
      id: v.airflow_version,
      airflow: v.airflow_version,
      python: v.python.value,
      status: MWAA_STATUS[v.status.value] ?? 'unknown',
      releaseDate: v.mwaa_availability_date.value,
      ...(v.mwaa_end_of_support_date.value ? { endOfSupport: v.mwaa_end_of_support_date.value } : {}),
      constraintsUrl: v.constraints_url.value,
      ...(note ? { note } : {}),
      confidence: weakest(v.python.confidence, v.status.confidence === 'medium' ? 'medium' : 'high'),
      evidence,
    };
  });
}

/** composer-1.b.c-airflow-x.y.z | composer-2.b.c-airflow-x.y.z | composer-3-airflow-x.y.z-build.N */
export const COMPOSER_IMAGE = /^composer-([1-9])(?:\.(\d+)\.(\d+))?-airflow-(\d+\.\d+\.\d+)(?:-build\.(\d+))?$/;

export function buildComposer(series: PlatformSeries[], releases: ReleaseInfo[]): PlatformVersion[] {
  const { images } = readSource<ComposerImages>('composer-images.json');
  const byId = new Map<string, PlatformVersion>();
  for (const img of images) {
    const m = COMPOSER_IMAGE.exec(img.id);
    if (!m) throw new Error(`composer image ${img.id} does not match ${COMPOSER_IMAGE}`);
    const airflow = m[4];
    const s = series.find((x) => x.series === `composer-${m[1]}`);
    if (!s) throw new Error(`no composer series for ${img.id}`);
    const supported = releases.find((r) => r.version === airflow)?.python ?? [];
    const python = supported.includes(s.python) || !s.pythonFallback ? s.python : s.pythonFallback;
    const prev = byId.get(img.id);
    if (prev) {
      prev.evidence.push(...img.evidence);
      if (img.isDefault) prev.isDefault = true;
      continue;
    }
    byId.set(img.id, {
      id: img.id,
      airflow,
      python,
      ...(img.status ? { status: img.status } : {}),
      ...(img.releaseDate ? { releaseDate: img.releaseDate } : {}),
      ...(img.isDefault ? { isDefault: true } : {}),
      note: [img.note, `Python is the Composer ${m[1]} default (${s.confidence} confidence), not read per image.`].filter(Boolean).join(' '),
      confidence: weakest(img.confidence, s.confidence),
      evidence: [...img.evidence, ...s.evidence],
    });
  }
  return [...byId.values()].sort((a, b) => composerOrder(a.id) - composerOrder(b.id) || cmpVersion(a.id.replace(/^composer-/, ''), b.id.replace(/^composer-/, '')));
}
const composerOrder = (id: string) => Number(COMPOSER_IMAGE.exec(id)?.[1] ?? 0);

export function buildAstro(shared: SharedPlatforms, idx: SourceIndex, series: PlatformSeries[]): PlatformVersion[] {
  const notes = readSource<AstroNotes>('astro-runtime-notes.json');
  const manual = readSource<Manual>('manual.json');
  const excluded = new Set(manual.astroRuntimeExcluded.map((e) => e.runtime));
  const yanked = expandYanked(shared.astro.yanked.value, notes.runtimes.map((r) => r.runtime));
  const yankedEv = idx.fact(shared.astro.yanked, { note: `yanked runtimes: ${shared.astro.yanked.value.join(', ')}` });
  const out = new Map<string, PlatformVersion>();
  for (const r of notes.runtimes) {
    if (excluded.has(r.runtime)) continue;
    const major = r.runtime.split('.')[0];
    const s = series.find((x) => x.series === major);
    if (!s) throw new Error(`astro runtime ${r.runtime}: no series ${major}`);
    if (s.airflow && minor(r.airflow) !== s.airflow) throw new Error(`astro runtime ${r.runtime}: Airflow ${r.airflow} outside series ${s.airflow}`);
    const isYanked = yanked.has(r.runtime);
    out.set(r.runtime, {
      id: r.runtime,
      airflow: r.airflow,
      python: s.python,
      ...(s.pythonAlternatives ? { pythonAlternatives: s.pythonAlternatives } : {}),
      status: isYanked ? 'yanked' : 'unknown',
      ...(r.date ? { releaseDate: r.date } : {}),
      note: `Default Python of Runtime ${major} (series table), not read per release.`,
      confidence: 'high',
      evidence: [...r.evidence.map((e) => ({ ...e, confidence: 'high' as Confidence })), ...s.evidence, ...(isYanked ? yankedEv : [])],
    });
  }
  for (const m of manual.astroRuntimes) {
    if (out.has(m.id)) throw new Error(`astro runtime ${m.id} both extracted and hand-maintained`);
    out.set(m.id, { ...m });
  }
  return [...out.values()].sort((a, b) => astroOrder(a.id, b.id));
}
/** astro-cli ordering: every new-format X.Y-N runtime ranks above every old-format semver one. */
export function astroOrder(a: string, b: string): number {
  const na = /^\d+\.\d+-\d+/.test(a);
  const nb = /^\d+\.\d+-\d+/.test(b);
  if (na !== nb) return na ? 1 : -1;
  return cmpVersion(a, b);
}
/** "9.0.0-9.6.0" → every listed runtime in that closed range. */
function expandYanked(spec: string[], known: string[]): Set<string> {
  const out = new Set<string>();
  for (const item of spec) {
    const [lo, hi] = item.split(/\s*-\s*/);
    if (!hi) out.add(lo);
    else for (const k of known) if (cmpVersion(k, lo) >= 0 && cmpVersion(k, hi) <= 0) out.add(k);
  }
  return out;
}

export function buildAstroSeries(shared: SharedPlatforms, idx: SourceIndex): PlatformSeries[] {
  const notes = readSource<AstroNotes>('astro-runtime-notes.json');
  const manual = readSource<Manual>('manual.json');
  const fromTable: PlatformSeries[] = notes.majors.map((m) => ({
    series: m.runtimeMajor,
    airflow: m.airflow,
    python: m.python,
    ...(Number(m.runtimeMajor) >= 9 ? { note: 'From Runtime 9 on, -python-X.Y image tags offer other Pythons.' } : {}),
    confidence: 'high',
    evidence: [...m.evidence, ...shared.astro.runtime_to_airflow.filter((r) => r.runtime === m.runtimeMajor).flatMap((r) => r.sources.map((id) => idx.ev(id, { confidence: r.confidence, note: `Runtime ${r.runtime} = Airflow ${r.airflow}, Python ${r.python}` })))],
  }));
  const all = [...manual.astroSeries.filter((s) => !fromTable.some((t) => t.series === s.series)), ...fromTable];
  return all.sort((a, b) => astroOrder(a.series.replace(/-$/, '-0'), b.series.replace(/-$/, '-0')));
}

/** The release a platform's Airflow names: exact "X.Y.Z", or the newest "X.Y.*" for "X.Y". */
export function releaseFor(airflow: string, releases: ReleaseInfo[]): ReleaseInfo | undefined {
  if (/^\d+\.\d+$/.test(airflow)) return releases.filter((r) => minor(r.version) === airflow).sort((a, b) => cmpVersion(a.version, b.version)).pop();
  return releases.find((r) => r.version === airflow);
}

function flagPython(list: PlatformVersion[], releases: ReleaseInfo[]): PlatformVersion[] {
  for (const v of list) {
    const rel = releaseFor(v.airflow, releases);
    if (!rel) throw new Error(`platform version ${v.id}: Airflow ${v.airflow} is not in releases.json`);
    if (!rel.python.includes(v.python)) {
      v.pythonBeyondUpstream = true;
      v.note = [v.note, `Airflow ${rel.version} does not list Python ${v.python} as supported (${rel.python.join(', ')}); the platform ships it anyway.`].filter(Boolean).join(' ');
    }
  }
  return list;
}

export function buildPlatforms(shared: SharedPlatforms, idx: SourceIndex, releases: ReleasesData): PlatformsData {
  const manual = readSource<Manual>('manual.json');
  const astroSeries = buildAstroSeries(shared, idx);
  return {
    mwaa: flagPython(buildMwaa(shared, idx), releases.releases),
    composer: flagPython(buildComposer(manual.composerSeries, releases.releases), releases.releases),
    astro: flagPython(buildAstro(shared, idx, astroSeries), releases.releases),
    series: { composer: manual.composerSeries, astro: astroSeries },
  };
}

// ---------------------------------------------------------------- providers / features
interface ProviderExtract { key: string; packages: Record<string, string>; confidence: Confidence; note: string; evidence: Evidence[] }
interface ManualProviders {
  entries: { keys: string[]; from?: string; packages?: Record<string, string>; confidence: Confidence; note: string; evidence: Evidence[] }[];
}

/**
 * providers.json: `airflow:<v>` = providers apache-airflow itself installs; `mwaa:<v>` = what MWAA's
 * reference image installs; extracted by platforms-extract.ts, plus hand-kept 3.x entries.
 * Every key carries `note` and `confidence` (extensions of the schema) besides its evidence.
 */
export function buildProviders(releases: ReleaseInfo[], platforms: PlatformsData): ProvidersData {
  const extracted = readSource<{ entries: ProviderExtract[] }>('providers-extract.json').entries;
  const manual = (readSource<Manual & { providers: ManualProviders }>('manual.json')).providers;
  const installed: ProvidersData['installed'] = {};
  const put = (key: string, packages: Record<string, string>, evidence: Evidence[], confidence: Confidence, note: string) => {
    if (installed[key]) throw new Error(`providers: duplicate key ${key}`);
    installed[key] = { packages, evidence, confidence, note } as ProvidersData['installed'][string];
  };
  for (const e of extracted) put(e.key, e.packages, e.evidence.map((x) => ({ confidence: e.confidence, ...x })), e.confidence, e.note);
  for (const m of manual.entries) {
    const base = m.from ? extracted.find((e) => e.key === m.from) : undefined;
    if (m.from && !base) throw new Error(`providers: ${m.from} not extracted`);
    const packages = m.packages ?? Object.fromEntries(Object.keys(base?.packages ?? {}).map((k) => [k, '*']));
    for (const key of m.keys) put(key, packages, [...(base?.evidence ?? []), ...m.evidence], m.confidence, m.note);
  }
  const astro = readSource<{ runtimes: { runtime: string; packages: Record<string, string>; evidence: Evidence[] }[] }>('astro-providers.json').runtimes;
  for (const a of astro) {
    if (!platforms.astro.some((v) => v.id === a.runtime)) continue;
    const providers = Object.fromEntries(Object.entries(a.packages).filter(([k]) => k.startsWith('apache-airflow-providers-') || k.startsWith('astronomer-providers') || k === 'astro-sdk-python'));
    put(`astro:${a.runtime}`, providers, a.evidence.map((e) => ({ confidence: 'high' as Confidence, ...e })), 'high', "Astronomer's provider reference for the standard image; -slim images install fewer.");
  }
  for (const r of releases) if (!installed[`airflow:${r.version}`]) throw new Error(`providers: no airflow:${r.version}`);
  for (const v of platforms.mwaa) if (!installed[`mwaa:${v.id}`]) throw new Error(`providers: no mwaa:${v.id}`);
  return { installed: Object.fromEntries(Object.entries(installed).sort(([a], [b]) => providerKeyOrder(a, b))) };
}
function providerKeyOrder(a: string, b: string): number {
  const [pa, va] = a.split(':');
  const [pb, vb] = b.split(':');
  return pa === pb ? cmpVersion(va, vb) : pa.localeCompare(pb);
}
interface FeatureProbe { id: string; firstTag: string | null; goneTag: string | null; evidence: Evidence[] }
interface CatalogueEntry {
  title: string;
  probes: string[];
  detect: ({ decorator: string } | { method: string; receiver?: 'task_group' } | { name: string } | { operands: string })[];
  from?: string;
  deprecatedFrom?: string;
  replacement?: string;
  note?: string;
  evidence?: Evidence[];
  extraEvidence?: Evidence[];
}

/**
 * features.json: for each catalogue entry, available from the earliest first tag of its probes
 * (extracted at every 1.10/2.x tag) or from its hand-given `from` (3.x features, with evidence);
 * unavailable again from the latest tag at which every probe had disappeared, if any.
 */
export function buildFeatures(): FeaturesData {
  const extracted = readSource<{ scannedTags: string[]; features: FeatureProbe[] }>('airflow-features-2.x.json');
  const probes = new Map(extracted.features.map((f) => [f.id, f]));
  const catalogue = readSource<{ features: Record<string, CatalogueEntry> }>('feature-catalogue.json').features;
  const newestScanned = extracted.scannedTags[extracted.scannedTags.length - 1];
  const out: FeaturesData['features'] = {};
  for (const [id, c] of Object.entries(catalogue)) {
    const found = c.probes.map((p) => {
      const f = probes.get(p);
      if (!f) throw new Error(`feature ${id}: unknown probe ${p}`);
      return f;
    });
    const firsts = found.map((f) => f.firstTag).filter((t): t is string => !!t).sort(cmpVersion);
    let from = firsts[0];
    const evidence: Evidence[] = found.flatMap((f) => f.evidence.map((e) => ({ ...e, confidence: 'high' as Confidence })));
    if (c.from) {
      if (from && from !== c.from) throw new Error(`feature ${id}: extracted ${from} but catalogue says ${c.from}`);
      from = c.from;
      if (c.probes.length && !firsts.length) {
        evidence.push({ repo: 'arenadata/airflow', path: found.map((f) => f.id).join(', '), ref: `1.10.0…${newestScanned}`, confidence: 'high', note: `absent at every scanned release tag up to ${newestScanned}` });
      }
      evidence.push(...(c.evidence ?? []));
    }
    if (!from) throw new Error(`feature ${id}: no first version`);
    const gones = found.map((f) => f.goneTag);
    const to = gones.length && gones.every((g) => g) ? (gones as string[]).sort(cmpVersion)[gones.length - 1] : null;
    evidence.push(...(c.extraEvidence ?? []));
    if (!evidence.length) throw new Error(`feature ${id}: no evidence`);
    out[id] = {
      title: c.title,
      available: [{ from, to }],
      ...(c.deprecatedFrom ? { deprecated: [{ from: c.deprecatedFrom, to }] } : {}),
      ...(c.replacement ? { replacement: c.replacement } : {}),
      ...(c.note ? { note: c.note } : {}),
      detect: c.detect,
      evidence,
    } as FeaturesData['features'][string];
  }
  return { features: out };
}

// ---------------------------------------------------------------- main
function write(name: string, data: unknown): void {
  writeFileSync(join(OUT, name), JSON.stringify(data, null, 1) + '\n');
  console.log(`wrote core/src/knowledge/data/${name}`);
}

export function generate(sharedPath: string): { releases: ReleasesData; platforms: PlatformsData; providers: ProvidersData; features: FeaturesData } {
  const shared = readJson<SharedPlatforms>(sharedPath);
  const idx = new SourceIndex(shared.sources);
  const releases = buildReleases(shared, idx);
  const platforms = buildPlatforms(shared, idx, releases);
  return { releases, platforms, providers: buildProviders(releases.releases, platforms), features: buildFeatures() };
}

if (require.main === module) {
  const sharedPath = resolve(process.argv[2] ?? join(ROOT, '..', 'shared', 'data', 'platforms.json'));
  const kb = generate(sharedPath);
  write('releases.json', kb.releases);
  write('platforms.json', kb.platforms);
  write('providers.json', kb.providers);
  write('features.json', kb.features);
}
