/**
 * Providers inside the official apache/airflow image: the `AIRFLOW_EXTRAS` build argument of the
 * repository's production Dockerfile at each 2.x/3.x release in scripts/kb/versions.json. Writes
 * core/src/knowledge/data/images.json (runs of releases with the same extras, each with evidence).
 *
 *   npm run kb:images -- [--mirror-root DIR]
 *
 * Snapshots as in generate.ts (<mirror-root>/<owner>+<name>/repo). Releases whose snapshot is missing
 * keep what scripts/kb/cache/image-extras.json recorded; scripts/kb/sources/image-extras-manual.json adds
 * releases read elsewhere (one file at a commit), each with its evidence.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { GitSnapshot } from './git';

const HERE = __dirname;
const ROOT = path.resolve(HERE, '../..');
const CACHE = path.join(HERE, 'cache/image-extras.json');
const MANUAL = path.join(HERE, 'sources/image-extras-manual.json');
const OUT = path.join(ROOT, 'core/src/knowledge/data/images.json');

export interface ImageExtrasRecord {
  version: string;
  extras: string[];
  evidence: { repo: string; path: string; ref: string; commit: string; note?: string };
}

/** The default `AIRFLOW_EXTRAS` of a production Dockerfile (first `ARG AIRFLOW_EXTRAS="…"`), normalised and sorted. */
export function parseAirflowExtras(dockerfile: string): string[] | undefined {
  const m = /^ARG AIRFLOW_EXTRAS="([^"]*)"/m.exec(dockerfile);
  if (!m) return undefined;
  return [...new Set(m[1].split(',').map((e) => e.trim().toLowerCase().replace(/[._]+/g, '-')).filter(Boolean))].sort();
}

/** Consecutive releases with the same extras become one range `{from, to, extras, evidence}` (evidence of the first). */
export function compactRuns(records: ImageExtrasRecord[]) {
  const sorted = [...records].sort((a, b) => semver.compare(a.version, b.version));
  const runs: { from: string; to: string; extras: string[]; evidence: ImageExtrasRecord['evidence'][] }[] = [];
  for (const r of sorted) {
    const last = runs[runs.length - 1];
    if (last && last.extras.join(',') === r.extras.join(',')) {
      last.to = r.version;
      if (last.evidence.length < 2) last.evidence.push(r.evidence);
      else last.evidence[1] = r.evidence;
    } else runs.push({ from: r.version, to: r.version, extras: r.extras, evidence: [r.evidence] });
  }
  return runs;
}

function main() {
  const args = process.argv.slice(2);
  const mi = args.indexOf('--mirror-root');
  const mirrorRoot = mi >= 0 ? args[mi + 1] : process.env.KB_MIRROR_ROOT ?? '/work/.mirror';
  const versions = (JSON.parse(readFileSync(path.join(HERE, 'versions.json'), 'utf8')) as { versions: { version: string; repo: string; ref: string }[] }).versions;
  const cached = new Map<string, ImageExtrasRecord>(existsSync(CACHE) ? (JSON.parse(readFileSync(CACHE, 'utf8')) as ImageExtrasRecord[]).map((r) => [r.version, r]) : []);
  const records = new Map<string, ImageExtrasRecord>();
  const snapshots = new Map<string, GitSnapshot | undefined>();
  let read = 0;
  const refsSeen = new Set<string>();
  for (const v of versions) {
    if (semver.lt(v.version, '2.0.0')) continue; // 1.10 extras install libraries, not provider distributions
    // a release scanned at another release's commit (3.1.1 = 3.1.0 source …) says nothing of its own image
    if (refsSeen.has(`${v.repo}@${v.ref}`)) continue;
    refsSeen.add(`${v.repo}@${v.ref}`);
    if (!snapshots.has(v.repo)) {
      const dir = path.join(mirrorRoot, v.repo.replace('/', '+'), 'repo');
      snapshots.set(v.repo, existsSync(dir) ? new GitSnapshot(existsSync(path.join(dir, '.git')) ? path.join(dir, '.git') : dir) : undefined);
    }
    const snap = snapshots.get(v.repo);
    const commit = snap?.resolve(v.ref);
    if (snap && commit) {
      const file = snap.readBlobs([snap.lsTree(commit, ['Dockerfile']).find((e) => e.path === 'Dockerfile')?.blob ?? '']).values().next().value;
      const extras = file ? parseAirflowExtras(file) : undefined;
      if (extras) {
        records.set(v.version, { version: v.version, extras, evidence: { repo: v.repo, path: 'Dockerfile', ref: v.ref, commit } });
        read++;
        continue;
      }
    }
    const c = cached.get(v.version);
    if (c) records.set(v.version, c);
  }
  const manual = existsSync(MANUAL) ? (JSON.parse(readFileSync(MANUAL, 'utf8')) as { records: ImageExtrasRecord[] }).records : [];
  // a file read at the release itself beats a stand-in snapshot
  for (const r of manual) records.set(r.version, { ...r, extras: [...r.extras].sort() });
  const all = [...records.values()].sort((a, b) => semver.compare(a.version, b.version));
  writeFileSync(CACHE, JSON.stringify(all.filter((r) => !manual.some((m) => m.version === r.version)), null, 1) + '\n');
  const data = {
    format: 1,
    note: 'Providers preinstalled in the official apache/airflow image (non-slim): its Dockerfile AIRFLOW_EXTRAS default; each extra installs apache-airflow-providers-<extra> where such a provider exists. Releases after the last range keep its extras.',
    runs: compactRuns(all),
  };
  writeFileSync(OUT, JSON.stringify(data, null, 1) + '\n');
  console.log(`images.json: ${all.length} releases (${read} read from snapshots, ${all.length - read} from cache/manual), ${data.runs.length} runs`);
}

if (require.main === module) main();
