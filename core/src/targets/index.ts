import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { ManagedAirflowError } from '../errors';
import { getKnowledgeBase, normaliseVersion } from '../knowledge';
import type { PlatformVersion } from '../knowledge/types';
import type { PlatformKind } from '../protocol/environments';
import type { ResolvedTarget, TargetSource } from './types';
import { findUpwards } from '../util/findUpwards';
import { parseRequirements, REQUIREMENTS_FILES } from '../analysis/requirements';

export * from './types';

const PLATFORMS: PlatformKind[] = ['mwaa', 'composer', 'astro', 'airflow'];
const COMPOSER_RE = /^composer-([1-9][0-9]*(?:\.[0-9]+\.[0-9]+)?)-airflow-([1-9][0-9]*\.[0-9]+\.[0-9]+)(?:-build\.([0-9]+))?$/;
const ASTRO_NEW_RE = /^([0-9]+)\.([0-9]+)-([0-9]+)$/; // "3.0-4" → Airflow 3.0.x
const ASTRO_OLD_RE = /^([0-9]+)\.([0-9]+)\.([0-9]+)$/; // "12.1.0" → Airflow 2.x
const PY_RE = /^3\.[0-9]{1,2}$/;

function kb() {
  return getKnowledgeBase();
}

function releaseVersions(): string[] {
  return kb().releases().map((r) => r.version);
}

function release(v: string) {
  return kb().releases().find((r) => r.version === v);
}

/** Newest release of an Airflow minor line ("2.10" → "2.10.5"); undefined if none known. */
function latestPatchOf(minor: string): string | undefined {
  return releaseVersions()
    .filter((v) => v.startsWith(`${minor}.`) && !release(v)?.yanked)
    .sort(semver.rcompare)[0];
}

/** Closest known ids to `wanted`, for "did you mean" lists. */
function closest(wanted: string, ids: string[], n = 5): string[] {
  const w = semver.coerce(wanted);
  const score = (id: string): number => {
    const c = semver.coerce(id.replace(/^composer-\d+(?:\.\d+\.\d+)?-airflow-/, ''));
    if (w && c) return Math.abs(c.major - w.major) * 10000 + Math.abs(c.minor - w.minor) * 100 + Math.abs(c.patch - w.patch);
    return levenshtein(wanted, id);
  };
  return [...ids].sort((a, b) => score(a) - score(b) || a.localeCompare(b)).slice(0, n);
}

function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

function unknown(label: string, what: string, candidates: string[], wanted: string): ManagedAirflowError {
  const near = closest(wanted, candidates);
  return new ManagedAirflowError('target', 'target.unknown', `unknown target "${label}": ${what}`, {
    hint: near.length ? `Closest supported: ${near.join(', ')}. Run \`managed-airflow targets\` for the full list.` : 'Run `managed-airflow targets` for the full list.',
    details: { closest: near },
  });
}

function malformed(label: string, why: string): ManagedAirflowError {
  return new ManagedAirflowError('target', 'target.malformed', `malformed target "${label}": ${why}`, {
    hint: 'Write a target as platform:version, e.g. mwaa:2.10.3, composer:composer-3-airflow-2.10.5-build.5, astro:12.1.0, astro:3.0-4 or airflow:2.9.2.',
  });
}

/** Python for a self-hosted Airflow: the newest Python that release supports. */
function defaultPythonFor(airflow: string): string | undefined {
  const py = release(airflow)?.python ?? [];
  // Compare major then minor: 1.10.x lists "2.7" and "3.5"; the newest Python 3 must win.
  const key = (p: string) => p.split('.').map(Number);
  return [...py].sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1]).pop();
}

function build(platform: PlatformKind, version: string, airflow: string, python: string, notes: string[]): Omit<ResolvedTarget, 'source'> {
  return { platform, version, airflow, python, label: `${platform}:${version}`, notes };
}

function resolveMwaa(label: string, version: string) {
  const list = kb().platforms().mwaa;
  const v = list.find((p) => p.id === version || p.id === normaliseSafe(version));
  if (!v) throw unknown(label, `MWAA does not offer (and never offered) Airflow ${version}`, list.map((p) => `mwaa:${p.id}`), version);
  const notes = v.status === 'end-of-support' ? [`MWAA ${v.id} has reached end of support${v.endOfSupport ? ` (${v.endOfSupport})` : ''}`] : [];
  return build('mwaa', v.id, normaliseVersion(v.airflow), v.python, notes);
}

function normaliseSafe(v: string): string {
  try {
    return normaliseVersion(v);
  } catch {
    return v;
  }
}

/** "2.10" → newest 2.10.x release; "2.10.3" stays. */
function fullAirflow(v: string): string | undefined {
  if (/^\d+\.\d+$/.test(v.trim())) return latestPatchOf(v.trim());
  return normaliseSafe(v);
}

/** Python for a platform version: its own, else `fallback` when the Airflow release cannot run it. */
function pythonFitting(airflow: string, preferred: string | undefined, fallback?: string): string | undefined {
  const supported = release(airflow)?.python ?? [];
  if (preferred && (!supported.length || supported.includes(preferred))) return preferred;
  if (fallback && supported.includes(fallback)) return fallback;
  return preferred ?? defaultPythonFor(airflow);
}

function resolveComposer(label: string, version: string) {
  const m = COMPOSER_RE.exec(version);
  const list = kb().platforms().composer;
  if (!m) {
    throw malformed(label, 'a Composer image version looks like composer-3-airflow-2.10.5-build.5 or composer-2.9.7-airflow-2.9.3');
  }
  const airflow = m[2];
  if (!release(airflow)) throw unknown(label, `no Airflow release ${airflow} is known`, list.map((p) => `composer:${p.id}`), airflow);
  const known: PlatformVersion | undefined = list.find((p) => p.id === version);
  const notes: string[] = [];
  let python = known?.python;
  if (!python) {
    // Composer image names carry the Airflow version; the Python version follows the Composer major.
    const series = kb().seriesFor('composer', version);
    python = pythonFitting(airflow, series?.python, series?.pythonFallback);
    notes.push(`Composer image ${version} is not listed in the knowledge base; Python ${python} assumed for ${series?.series ?? 'this Composer major'}`);
  }
  if (!python) throw unknown(label, 'cannot determine its Python version', list.map((p) => `composer:${p.id}`), airflow);
  return build('composer', version, airflow, python, notes);
}

function resolveAstro(label: string, version: string) {
  const list = kb().platforms().astro;
  const tag = version.replace(/-(?:python-\d+\.\d+|base|slim)$/g, '');
  const ids = list.map((p) => `astro:${p.id}`);
  if (!ASTRO_NEW_RE.test(tag) && !ASTRO_OLD_RE.test(tag)) {
    throw malformed(label, 'an Astro Runtime version looks like 12.1.0 (Airflow 2) or 3.0-4 (Airflow 3)');
  }
  const known = list.find((p) => p.id === tag);
  const notes: string[] = [];
  if (known) {
    const airflow = fullAirflow(known.airflow);
    if (!airflow) throw unknown(label, `Airflow ${known.airflow} of Astro Runtime ${tag} is not a known release`, ids, tag);
    if (airflow !== normaliseSafe(known.airflow)) notes.push(`Astro Runtime ${tag} runs Airflow ${known.airflow}.x; the exact patch is not recorded, assuming ${airflow}`);
    if (known.status === 'yanked') notes.push(`Astro Runtime ${tag} was yanked`);
    return build('astro', tag, airflow, known.python, notes);
  }
  // Not listed one by one: the series table maps a runtime family to its Airflow line.
  const series = kb().seriesFor('astro', tag);
  const nm = ASTRO_NEW_RE.exec(tag);
  const minor = series?.airflow ?? (nm ? `${nm[1]}.${nm[2]}` : undefined);
  const airflow = minor ? fullAirflow(minor) : undefined;
  if (!airflow) throw unknown(label, `Astro Runtime ${tag} is not known`, ids, tag);
  const python = pythonFitting(airflow, series?.python, series?.pythonFallback);
  if (!python) throw unknown(label, `cannot determine the Python version of Astro Runtime ${tag}`, ids, tag);
  notes.push(`Astro Runtime ${tag} is not listed in the knowledge base; assuming Airflow ${airflow} (newest ${minor}.x) and Python ${python}`);
  return build('astro', tag, airflow, python, notes);
}

function resolveAirflow(label: string, version: string) {
  let v: string;
  try {
    v = normaliseVersion(version);
  } catch {
    throw malformed(label, `"${version}" is not an Airflow version`);
  }
  if (!/^\d+\.\d+(\.\d+)?$/.test(version.trim())) throw malformed(label, `"${version}" is not an Airflow version like 2.9.2`);
  // `airflow:2.9` means the 2.9 line: its newest release, not 2.9.0.
  if (/^\d+\.\d+$/.test(version.trim())) v = latestPatchOf(version.trim()) ?? v;
  const r = release(v);
  if (!r) throw unknown(label, `no Airflow release ${v} is known`, releaseVersions().map((x) => `airflow:${x}`), v);
  const python = defaultPythonFor(v);
  if (!python) throw unknown(label, `Python support of Airflow ${v} is unknown`, [], v);
  const notes = r.yanked ? [`Airflow ${v} was yanked`] : [];
  return build('airflow', v, v, python, notes);
}

/**
 * Parse and resolve a target label. `python` overrides the platform's Python (validated).
 * Throws ManagedAirflowError (kind "target", exit code 2) listing the closest supported targets.
 */
export function resolveTargetLabel(label: string, opts: { python?: string; source?: TargetSource; sourceDetail?: string } = {}): ResolvedTarget {
  const raw = label.trim();
  if (!raw) throw malformed(label, 'it is empty');
  let platform: string;
  let version: string;
  const colon = raw.indexOf(':');
  if (colon < 0) {
    if (/^\d/.test(raw)) {
      platform = 'airflow';
      version = raw;
    } else if (COMPOSER_RE.test(raw)) {
      platform = 'composer';
      version = raw;
    } else throw malformed(label, 'missing "platform:" prefix');
  } else {
    platform = raw.slice(0, colon).toLowerCase();
    version = raw.slice(colon + 1).trim();
  }
  if (!PLATFORMS.includes(platform as PlatformKind)) throw malformed(label, `unknown platform "${platform}" (use one of ${PLATFORMS.join(', ')})`);
  if (!version) throw malformed(label, 'missing version after ":"');
  const base =
    platform === 'mwaa' ? resolveMwaa(raw, version) : platform === 'composer' ? resolveComposer(raw, version) : platform === 'astro' ? resolveAstro(raw, version) : resolveAirflow(raw, version);
  const target: ResolvedTarget = { ...base, source: opts.source ?? 'flag', sourceDetail: opts.sourceDetail };
  if (opts.python) {
    const py = opts.python.trim();
    if (!PY_RE.test(py)) {
      throw new ManagedAirflowError('target', 'target.python', `invalid Python version "${opts.python}"`, { hint: 'Use a Python minor version such as 3.11.' });
    }
    const supported = release(target.airflow)?.python ?? [];
    if (supported.length && !supported.includes(py)) {
      target.notes.push(`Airflow ${target.airflow} does not support Python ${py} (supported: ${supported.join(', ')})`);
    }
    target.python = py;
  } else if (target.platform === 'airflow') {
    // A self-hosted Airflow runs on whatever Python its owner chose: say which one the verdicts assume.
    target.notes.push(`Python ${target.python} assumed (the newest Python Airflow ${target.airflow} supports); pass --python or set managedAirflow.python to lint for the Python you run`);
  }
  return target;
}

/** The embedded default: the newest MWAA version. */
export function defaultTarget(): ResolvedTarget {
  const newest = [...kb().platforms().mwaa].sort((a, b) => semver.rcompare(normaliseVersion(a.id), normaliseVersion(b.id)))[0];
  if (!newest) throw new ManagedAirflowError('internal', 'kb.empty', 'the knowledge base has no MWAA versions');
  return { ...resolveTargetLabel(`mwaa:${newest.id}`), source: 'default', sourceDetail: 'newest MWAA version' };
}

/** Every supported target label, grouped by platform (for pickers and `managed-airflow targets`). */
export function listTargets(): { platform: PlatformKind; label: string; airflow: string; python: string; status?: string }[] {
  const p = kb().platforms();
  const out: { platform: PlatformKind; label: string; airflow: string; python: string; status?: string }[] = [];
  for (const [platform, list] of [['mwaa', p.mwaa], ['composer', p.composer], ['astro', p.astro]] as const) {
    for (const v of list) out.push({ platform, label: `${platform}:${v.id}`, airflow: v.airflow, python: v.python, status: v.status });
  }
  for (const r of kb().releases()) {
    const py = defaultPythonFor(r.version);
    if (py) out.push({ platform: 'airflow', label: `airflow:${r.version}`, airflow: r.version, python: py, status: r.yanked ? 'yanked' : undefined });
  }
  return out;
}

// ---------------------------------------------------------------- detection

const DOCKER_FROM = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/gim;

/** Detect a target from a Dockerfile's FROM lines (Astro Runtime, apache/airflow, MWAA local images). */
export function detectFromDockerfile(text: string, file: string): ResolvedTarget | undefined {
  for (const m of text.matchAll(DOCKER_FROM)) {
    const image = m[1];
    const [repo, tag] = splitImage(image);
    if (!tag) continue;
    let label: string | undefined;
    let python: string | undefined;
    let official: string | undefined;
    const pyTag = /-python-?(3\.\d+)/.exec(tag);
    if (pyTag) python = pyTag[1];
    if (/astro-runtime$|astrocrpublic\.azurecr\.io\/runtime$|\/runtime$/.test(repo)) {
      label = `astro:${tag.replace(/-(?:python-\d+\.\d+|base|slim)/g, '')}`;
    } else if (/(^|\/)apache\/airflow$/.test(repo)) {
      const v = /^(slim-)?(\d+\.\d+\.\d+)/.exec(tag);
      if (v) label = `airflow:${v[2]}`;
      // the slim image has no extras, so no providers beyond the pip install's
      if (v && !v[1]) official = `apache/airflow:${tag}`;
    } else if (/mwaa/.test(repo)) {
      const v = /(\d+)[._](\d+)[._](\d+)/.exec(tag);
      if (v) label = `mwaa:${v[1]}.${v[2]}.${v[3]}`;
    }
    if (label) {
      const t = resolveTargetLabel(label, { python, source: 'dockerfile', sourceDetail: file });
      return official ? { ...t, image: official } : t;
    }
  }
  return undefined;
}

function splitImage(image: string): [string, string | undefined] {
  const at = image.split('@')[0];
  const slash = at.lastIndexOf('/');
  const colon = at.lastIndexOf(':');
  if (colon > slash) return [at.slice(0, colon), at.slice(colon + 1)];
  return [at, undefined];
}

const CONSTRAINT = /constraints-(\d+\.\d+\.\d+)\/constraints-(?:no-providers-|source-providers-)?(3\.\d+)\.txt/;

/** Detect from a requirements.txt `--constraint`/`-c` URL naming constraints-<airflow>/constraints-<py>.txt. */
export function detectFromRequirements(text: string, file: string): ResolvedTarget | undefined {
  for (const line of text.split(/\r?\n/)) {
    if (!/^\s*(--constraint|-c)\b/.test(line)) continue;
    const m = CONSTRAINT.exec(line);
    if (m) return resolveTargetLabel(`airflow:${m[1]}`, { python: m[2], source: 'requirements', sourceDetail: file });
  }
  // No constraints URL: an exact pin of Airflow itself (pip-compile output, self-hosted images).
  return pinnedAirflow(text, file);
}

/** `apache-airflow==2.9.2` / `apache-airflow[celery] == 2.9.2` (PEP 503 spellings, `==` the only specifier) in requirement text. */
function pinnedAirflow(requirements: string, file: string): ResolvedTarget | undefined {
  const v = parseRequirements(requirements).get('apache-airflow');
  return v && /^\d+\.\d+\.\d+$/.test(v) ? resolveTargetLabel(`airflow:${v}`, { source: 'requirements', sourceDetail: file }) : undefined;
}


/**
 * Look for project markers from `startDir` up to `rootDir` (inclusive): Dockerfile first
 * (Astro projects), then requirements files. Unknown versions in those files are errors that
 * name the file, so the user sees why detection failed.
 */
export function detectTarget(startDir: string, rootDir?: string): ResolvedTarget | undefined {
  return findUpwards(startDir, rootDir, (dir) => {
    const dockerfile = path.join(dir, 'Dockerfile');
    if (existsSync(dockerfile)) {
      const t = withSource(dockerfile, () => detectFromDockerfile(readFileSync(dockerfile, 'utf8'), dockerfile));
      if (t) return t;
    }
    for (const rel of REQUIREMENTS_FILES) {
      const req = path.join(dir, rel);
      if (existsSync(req)) {
        const t = withSource(req, () => detectFromRequirements(readFileSync(req, 'utf8'), req));
        if (t) return t;
      }
    }
    const pyproject = path.join(dir, 'pyproject.toml');
    if (existsSync(pyproject)) {
      const t = withSource(pyproject, () => detectFromPyproject(readFileSync(pyproject, 'utf8'), pyproject));
      if (t) return t;
    }
    return undefined;
  });
}

/** `pyproject.toml` dependencies with an exact Airflow pin: `"apache-airflow==3.2.0"` (any table, any extras). */
export function detectFromPyproject(text: string, file: string): ResolvedTarget | undefined {
  for (const q of text.matchAll(/["']([^"'\n]*)["']/g)) {
    const t = pinnedAirflow(q[1], file);
    if (t) return t;
  }
  return undefined;
}

function withSource<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ManagedAirflowError) {
      throw new ManagedAirflowError(e.kind, e.code, e.message, { hint: e.hint, details: e.details, source: file, cause: e });
    }
    throw e;
  }
}

/**
 * Resolution order: explicit flag → setting → detected from the project → embedded default.
 * The result always says where it came from (`source`, `sourceDetail`).
 */
export function resolveTarget(opts: { flag?: string; setting?: string; settingName?: string; python?: string; projectDir?: string; rootDir?: string }): ResolvedTarget {
  if (opts.flag?.trim()) return resolveTargetLabel(opts.flag, { python: opts.python, source: 'flag', sourceDetail: '--target' });
  if (opts.setting?.trim()) {
    return withSource(opts.settingName ?? 'managedAirflow.target', () =>
      resolveTargetLabel(opts.setting!, { python: opts.python, source: 'setting', sourceDetail: opts.settingName ?? 'managedAirflow.target' }),
    );
  }
  if (opts.projectDir) {
    const detected = detectTarget(opts.projectDir, opts.rootDir);
    if (detected) return withPython(detected, opts.python);
  }
  return withPython(defaultTarget(), opts.python);
}

/** A detected or default target with the Python the user pinned (`--python`, `managedAirflow.python`); where it came from and its image stay. */
export function withPython(t: ResolvedTarget, python: string | undefined): ResolvedTarget {
  if (!python) return t;
  const r = resolveTargetLabel(t.label, { python, source: t.source, sourceDetail: t.sourceDetail });
  return t.image ? { ...r, image: t.image } : r;
}

/** One-line description for status bars and CLI headers. */
export function describeTarget(t: ResolvedTarget): string {
  const from = t.source === 'default' ? 'default' : t.source === 'flag' ? '--target' : `${t.source}${t.sourceDetail ? ` ${t.sourceDetail}` : ''}`;
  return `${t.label} (Airflow ${t.airflow}, Python ${t.python}; from ${from})`;
}
