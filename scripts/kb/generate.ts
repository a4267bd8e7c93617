/**
 * Knowledge-base generator: scans Airflow's own sources at each release listed in
 * scripts/kb/versions.json and writes core/src/knowledge/data/{modules,arguments,context}.json.
 *
 *   npm run kb:generate -- [--snapshot owner/name=/path/to/bare.git]… [--mirror-root DIR]
 *                          [--versions 2.10.3,3.0.0] [--out DIR] [--no-cache-write] [--offline]
 *
 * Snapshots default to <mirror-root>/<owner>+<name>/repo (the layout of the search tool's
 * `fetch`, /work/.mirror). Versions whose snapshot is missing are taken from the extracted-facts
 * cache scripts/kb/cache/scans.json; `--offline` uses only the cache. See docs/knowledge-base.md.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { GitSnapshot } from './git';
import { scanCallablesOnly, scanVersion, type VersionScan, type VersionSpec } from './scan';
import { buildArguments, buildContext, buildModules, type Override } from './merge';
import { readCache, writeCache } from './cache';

const HERE = __dirname;
const ROOT = path.resolve(HERE, '../..');

export const CALLABLE_NOTES: Record<string, string> = {
  task: 'arguments of the @task decorator itself (python_task / task); other @task(...) keywords go to the decorated PythonOperator and BaseOperator',
  DAG: 'keyword arguments of DAG(...) and @dag(...)',
  BaseOperator: 'keyword arguments accepted by every operator and by @task(...)',
  PythonOperator: 'PythonOperator (airflow.operators.python / python_operator; providers.standard in 3.x) on top of BaseOperator',
  BranchPythonOperator: 'BranchPythonOperator: PythonOperator arguments (it defines no constructor of its own)',
  ShortCircuitOperator: 'ShortCircuitOperator: its own arguments on top of PythonOperator and BaseOperator',
  TriggerDagRunOperator: 'TriggerDagRunOperator (dagrun_operator / trigger_dagrun; providers.standard in 3.x) on top of BaseOperator',
  BaseSensorOperator: 'arguments every sensor accepts on top of BaseOperator (poke_interval, timeout, mode …)',
  ExternalTaskSensor: 'ExternalTaskSensor (providers.standard in 3.x) on top of BaseSensorOperator',
  BashOperator: 'BashOperator (airflow.operators.bash / bash_operator; providers.standard in 3.x) on top of BaseOperator',
  BranchDateTimeOperator: 'BranchDateTimeOperator (airflow.operators.datetime, 2.1+; providers.standard in 3.x) on top of BaseOperator (BaseBranchOperator has no constructor)',
  BranchDayOfWeekOperator: 'BranchDayOfWeekOperator (airflow.operators.weekday, 2.1+; providers.standard in 3.x) on top of BaseOperator (BaseBranchOperator has no constructor)',
  DayOfWeekSensor: 'DayOfWeekSensor (contrib weekday_sensor in 1.10, airflow.sensors.weekday; providers.standard in 3.x) on top of BaseSensorOperator',
  TriggerRule: 'not a callable: the values trigger_rule= accepts (members of the TriggerRule enum; BaseOperator raises on any other value)',
};

interface Options {
  snapshots: Map<string, string>;
  mirrorRoot: string;
  versions?: Set<string>;
  out: string;
  writeCache: boolean;
  offline: boolean;
  versionsFile: string;
  cacheFile: string;
  overridesFile: string;
  quiet: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    snapshots: new Map(),
    mirrorRoot: process.env.KB_MIRROR_ROOT ?? '/work/.mirror',
    out: path.join(ROOT, 'core/src/knowledge/data'),
    writeCache: true,
    offline: false,
    versionsFile: path.join(HERE, 'versions.json'),
    cacheFile: path.join(HERE, 'cache/scans.json'),
    overridesFile: path.join(HERE, 'overrides.json'),
    quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--snapshot') {
      const [repo, dir] = next().split('=');
      if (!repo || !dir) throw new Error('--snapshot takes owner/name=/path/to/git-dir');
      o.snapshots.set(repo, dir);
    } else if (a === '--mirror-root') o.mirrorRoot = next();
    else if (a === '--versions') o.versions = new Set(next().split(','));
    else if (a === '--out') o.out = next();
    else if (a === '--versions-file') o.versionsFile = next();
    else if (a === '--cache') o.cacheFile = next();
    else if (a === '--overrides') o.overridesFile = next();
    else if (a === '--no-cache-write') o.writeCache = false;
    else if (a === '--offline') o.offline = true;
    else if (a === '--quiet') o.quiet = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

function snapshotDir(o: Options, repo: string): string | undefined {
  const explicit = o.snapshots.get(repo);
  if (explicit) return explicit;
  const dflt = path.join(o.mirrorRoot, repo.replace('/', '+'), 'repo');
  return existsSync(dflt) ? dflt : undefined;
}

export async function generate(o: Options): Promise<VersionScan[]> {
  const specs = (JSON.parse(readFileSync(o.versionsFile, 'utf8')) as { versions: VersionSpec[] }).versions
    .filter((s) => !o.versions || o.versions.has(s.version))
    .sort((a, b) => semver.compare(a.version, b.version));
  const cached = readCache(o.cacheFile);
  const overrides: Override[] = existsSync(o.overridesFile) ? (JSON.parse(readFileSync(o.overridesFile, 'utf8')) as { overrides: Override[] }).overrides : [];
  const gits = new Map<string, GitSnapshot>();
  const knownArgs = new Map<string, Set<string>>();
  // argument names seen in any version help to recognise replacements named in warnings
  for (const s of cached.values()) for (const [id, m] of s.callables) for (const k of m.keys()) (knownArgs.get(id) ?? knownArgs.set(id, new Set()).get(id)!).add(k);

  const scans: VersionScan[] = [];
  const log = (m: string) => o.quiet || process.stderr.write(m + '\n');
  for (const spec of specs) {
    const dir = o.offline ? undefined : snapshotDir(o, spec.repo);
    const fromCache = cached.get(spec.version);
    if (!dir) {
      if (!fromCache) throw new Error(`${spec.version}: no snapshot of ${spec.repo} (use --snapshot ${spec.repo}=DIR) and not in ${o.cacheFile}`);
      log(`${spec.version}: from cache (${spec.repo}@${fromCache.commit.slice(0, 10)})`);
      scans.push(fromCache);
      continue;
    }
    let git = gits.get(dir);
    if (!git) gits.set(dir, (git = new GitSnapshot(dir)));
    const t0 = Date.now();
    const scan = await scanVersion(git, spec, knownArgs);
    log(`${spec.version}: ${scan.modules.size} modules, ${scan.names.size} names, ${scan.context.size} context keys, ` +
      `${[...scan.callables].map(([k, v]) => `${k}(${v.size})`).join(' ')} — ${spec.repo}@${scan.commit.slice(0, 10)} ${Date.now() - t0} ms`);
    scans.push(scan);
  }
  // Second pass over argument deprecations: a replacement may only be introduced in a later version
  // (e.g. `schedule` in 2.4) so the known-argument set is complete only now. Rescan cheaply.
  for (let i = 0; i < scans.length; i++) {
    const spec = scans[i].spec;
    const dir = o.offline ? undefined : snapshotDir(o, spec.repo);
    if (!dir) continue;
    const git = gits.get(dir)!;
    scans[i].callables = await scanCallablesOnly(git, scans[i].commit, knownArgs);
  }

  const modules = buildModules(scans, overrides);
  const args = buildArguments(scans, overrides, CALLABLE_NOTES);
  const context = buildContext(scans, overrides);
  writeFileSync(path.join(o.out, 'modules.json'), JSON.stringify(modules) + '\n');
  writeFileSync(path.join(o.out, 'arguments.json'), JSON.stringify(args, null, 0) + '\n');
  writeFileSync(path.join(o.out, 'context.json'), JSON.stringify(context, null, 0) + '\n');
  if (o.writeCache && !o.versions) writeCache(o.cacheFile, scans);
  log(`wrote ${Object.keys(modules.modules).length} modules, ${Object.keys(modules.names).length} names, ` +
    `${Object.values(args.callables).reduce((n, c) => n + Object.keys(c.arguments).length, 0)} arguments, ${Object.keys(context.keys).length} context keys to ${o.out}`);
  return scans;
}

if (require.main === module) {
  generate(parseArgs(process.argv.slice(2))).catch((e: unknown) => {
    process.stderr.write(`kb:generate: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  });
}
export { parseArgs };
