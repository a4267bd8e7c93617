import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ManagedAirflowError } from '../errors';
import type { EnvironmentConfig } from '../protocol/environments';
import { toCloudError } from './cloud-errors';
import { crc32cBase64, hashFiles, md5Hex, readLocalFile } from './hash';
import { diffEntries } from './plan';
import type { MwaaEnvironmentInfo, MwaaVersions } from './platform';
import { platformResolver, type DeployServices, type DestinationResolver } from './resolve';
import { DEFAULT_RETRY, abortError, followSignal, mapLimit, withRetry, type RetryOptions } from './retry';
import type { StorageAdapter } from './storage';
import { cachedMd5, hashCacheEntry, type HashCache } from './state';
import type { DeployPlan, DeploySummary, LocalEntry, ObjectLocation, ProgressEvent, RemoteObject } from './types';
import { formatLocation, inScope, sameLocation } from './uri';
import { defaultIgnoreSyntax, walkFolder, walkFolderSliced, type IgnoreSyntax } from './walk';

/** Where the local files of a deploy live. */
export interface LocalLayout {
  root: string;
  dags: string;
  plugins?: string;
  requirements?: string;
  startup?: string;
  data?: string;
}

/**
 * DIR is the project folder (with dags/, plugins/, requirements.txt, startup.sh) or, when it has
 * no dags/ folder, the DAG folder itself. The environment's "dagsFolder" wins when set.
 */
export function localLayout(dir: string, env: EnvironmentConfig): LocalLayout {
  const root = path.resolve(dir);
  const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
  const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
  if (!isDir(root)) throw new ManagedAirflowError('usage', 'deploy.noDir', `${dir} is not a folder`, { hint: 'Pass the project folder (with dags/) or the DAG folder.' });
  let dags: string;
  if (env.dagsFolder) dags = path.resolve(root, env.dagsFolder);
  else if (isDir(path.join(root, 'dags'))) dags = path.join(root, 'dags');
  else return { root, dags: root };
  if (!isDir(dags)) throw new ManagedAirflowError('config', 'deploy.noDagsFolder', `DAG folder ${dags} does not exist`, { hint: `Check "dagsFolder" of environment "${env.name}".` });
  const pick = (...c: string[]) => c.map((p) => path.join(root, p)).find(isFile);
  return {
    root,
    dags,
    plugins: isDir(path.join(root, 'plugins')) ? path.join(root, 'plugins') : undefined,
    requirements: pick('requirements.txt', 'requirements/requirements.txt'),
    startup: pick('startup.sh', 'startup/startup.sh'),
    data: isDir(path.join(root, 'data')) ? path.join(root, 'data') : undefined,
  };
}

export interface PrepareOptions {
  env: EnvironmentConfig;
  dir: string;
  services: DeployServices;
  resolver?: DestinationResolver;
  /** Delete remote files that have no local counterpart (inside the synced folders only). */
  delete?: boolean;
  /** Composer: also sync these folders of the bucket. */
  include?: ('plugins' | 'data')[];
  ignoreSyntax?: IgnoreSyntax;
  signal?: AbortSignal;
  /** Parallel HEAD requests while planning. */
  concurrency?: number;
  /**
   * Progress of planning, for timing and for warming up what comes next while the network is busy:
   * 'listing' = destination resolved and the remote listing requested, 'local' = local files walked
   * and hashed, 'remote' = the remote listing arrived.
   */
  onPhase?: (phase: 'listing' | 'local' | 'remote') => void;
  /**
   * The DAG folder an earlier deploy resolved (state.ts). It is listed while the platform is asked
   * for the destination, and that listing is used only if the platform names the same folder;
   * otherwise it is dropped and the resolved folder is listed. Never written to.
   */
  hint?: { dags: ObjectLocation; airflowVersion?: string };
  /** MD5s of an earlier deploy (state.ts): files whose identity is unchanged are not read, unless the listing disagrees. */
  hashCache?: HashCache;
  /** The clock of the hash cache's recency rule (tests). */
  now?: () => number;
}

export interface PreparedDeploy {
  plan: DeployPlan;
  env: EnvironmentConfig;
  layout: LocalLayout;
  storage?: StorageAdapter;
  sources: Map<string, LocalEntry['source']>;
  /** Local DAG/plugin Python files (absolute) for the lint gate. */
  pythonFiles: string[];
  /** The Python files whose deploy changes what the environment runs (uploads; all plugin files when plugins.zip changes). */
  changedPythonFiles: string[];
  mwaa?: MwaaEnvironmentInfo;
  /** MWAA: versions of unchanged objects the environment is not yet pinned to (an interrupted earlier deploy). */
  pendingVersions: MwaaVersions;
  bundle?: Buffer;
  bundleDescription?: string;
  /** The hash cache for the next deploy (S3 destinations): every local file's MD5 that may be trusted later. */
  hashCache?: HashCache;
}

const rel = (root: string, p: string) => path.relative(root, p).split(path.sep).join('/') || '.';

/** A local folder walked and hashed: everything its entries need except the destination prefix. */
interface LocalSet {
  walk: Awaited<ReturnType<typeof walkFolderSliced>>;
  hashes: Awaited<ReturnType<typeof hashFiles>>;
  syntax: IgnoreSyntax;
  withCrc: boolean;
  /** Indexes of files whose MD5 came from the hash cache (to be confirmed by the listing). */
  fromCache: Set<number>;
  /** When the walk started (Date.now()). */
  at: number;
}

async function localSet(folder: string, syntax: IgnoreSyntax, withCrc: boolean, cache?: HashCache, now: () => number = Date.now): Promise<LocalSet> {
  const at = now();
  // in slices: the platform call and the remote listing are in flight, and their requests should not wait for this
  const walk = await walkFolderSliced(folder, syntax, { skipHidden: true });
  const hashes: LocalSet['hashes'] = new Array(walk.files.length);
  const fromCache = new Set<number>();
  const toHash: number[] = [];
  walk.files.forEach((f, i) => {
    // CRC32Cs (GCS) are not cached
    const md5 = withCrc ? undefined : cachedMd5(cache, f.abs, f);
    if (md5) {
      hashes[i] = { md5, size: f.size };
      fromCache.add(i);
    } else toHash.push(i);
  });
  const computed = await hashFiles(toHash.map((i) => walk.files[i].abs), withCrc, toHash.map((i) => walk.files[i].size));
  toHash.forEach((i, j) => (hashes[i] = computed[j]));
  return { walk, hashes, syntax, withCrc, fromCache, at };
}

/**
 * Whether a set walked with another .airflowignore syntax is the walk this syntax gives: the
 * syntax only matters through .airflowignore files, so a walk that met none (kept or ignored) is
 * the same under both.
 */
function walkHolds(set: LocalSet, syntax: IgnoreSyntax, withCrc: boolean): boolean {
  if (set.withCrc !== withCrc) return false;
  if (set.syntax === syntax) return true;
  const isIgnoreFile = (rel: string) => rel === '.airflowignore' || rel.endsWith('/.airflowignore');
  return !set.walk.files.some((f) => isIgnoreFile(f.rel)) && !set.walk.ignored.some(isIgnoreFile);
}

function entriesOf(set: LocalSet, prefix: string, role: LocalEntry['role'], root: string) {
  const { walk: w, hashes } = set;
  const entries: LocalEntry[] = w.files.map((f, i) => ({
    key: `${prefix}${f.rel}`,
    size: hashes[i].size,
    md5: hashes[i].md5,
    ...(hashes[i].crc32c ? { crc32c: hashes[i].crc32c } : {}),
    source: { path: f.abs },
    role,
    display: rel(root, f.abs),
  }));
  return { entries, walk: w, set };
}

/** Build the plan: resolve the destination, walk and hash local files, list the remote side, diff. Writes nothing. */
export async function prepareDeploy(options: PrepareOptions): Promise<PreparedDeploy> {
  const o = { ...options, signal: followSignal(options.signal) };
  const { env } = o;
  const layout = localLayout(o.dir, env);
  const resolver = o.resolver ?? platformResolver(o.services);
  const resolving = resolver.resolve(env, o.signal);
  // the folder of the previous deploy, listed (read only) while the platform answers: only a
  // platform-resolved destination's storage platforms, and only used below if it is the same folder
  const hinted = o.hint && (env.platform === 'mwaa' || env.platform === 'composer') ? o.hint.dags : undefined;
  const quick = hinted ? o.services.quickList?.(hinted, env, o.signal) : undefined;
  // After resolve() has started: the platform call goes out first, the storage SDK loads meanwhile —
  // unless the listing went out without it: then the SDK is first needed for the uploads, and it
  // loads later (the caller's storage.prepare()) instead of competing with the lint thread now.
  if (!quick) o.services.preload?.(env);
  const early = hinted ? (quick ?? o.services.storage(hinted, env).list(hinted.prefix, o.signal)) : undefined;
  // a failed or unused early listing is dropped; the resolved folder is then listed as usual
  early?.catch(() => undefined);
  // The DAG folder is walked and hashed while the platform answers, with the .airflowignore syntax
  // and checksums expected from the configuration (and the previous deploy's Airflow version); it is
  // walked again below only if the resolved destination needs another syntax that matters here
  // (an .airflowignore was met) or other checksums.
  const expectedCrc = env.platform === 'composer' || (env.platform === 'airflow' && /^\s*gs:/.test(env.destination ?? ''));
  const earlyDagSet = localSet(layout.dags, o.ignoreSyntax ?? defaultIgnoreSyntax(o.hint?.airflowVersion), expectedCrc, o.hashCache, o.now);
  // a failure is reported by the walk below
  earlyDagSet.catch(() => undefined);
  const { destination, mwaa } = await resolving;
  const earlyDags = early && hinted && destination.kind === 'storage' && sameLocation(hinted, destination.dags) ? early : undefined;
  const syntax = o.ignoreSyntax ?? defaultIgnoreSyntax(destination.airflowVersion);
  const warnings: string[] = [];
  const ignored: string[] = [];
  const pythonFiles: string[] = [];
  const pluginPythonFiles: string[] = [];
  const sources = new Map<string, LocalEntry['source']>();
  const withCrc = destination.dags.scheme === 'gs';

  // The remote listing starts now and overlaps the local walk and hashing.
  const storage = destination.kind === 'storage' ? o.services.storage(destination.dags, env) : undefined;
  const listPrefixes = [destination.dags.prefix, ...destination.folders.filter((f) => o.include?.includes(f.role as 'plugins' | 'data')).map((f) => f.location.prefix)];
  const objectKeys = destination.objects.map((x) => x.key);
  const remoteP = storage
    ? (async () => {
        const list = (p: string, i: number) => (i === 0 && earlyDags ? earlyDags.catch(() => storage.list(p, o.signal)) : storage.list(p, o.signal));
        const [lists, headed] = await Promise.all([Promise.all(listPrefixes.map(list)), Promise.all(objectKeys.map((k) => storage.head(k, o.signal)))]);
        return { lists, headed };
      })()
    : undefined;
  // an early failure is reported where the result is awaited
  remoteP?.catch(() => undefined);
  o.onPhase?.('listing');

  const walked = await earlyDagSet.catch(() => undefined);
  const dagSet = entriesOf(walked && walkHolds(walked, syntax, withCrc) ? walked : await localSet(layout.dags, syntax, withCrc, o.hashCache, o.now), destination.dags.prefix, 'dag', layout.root);
  const sets = [dagSet];
  warnings.push(...dagSet.walk.warnings);
  ignored.push(...dagSet.walk.ignored.map((i) => rel(layout.root, path.join(layout.dags, i)) + (i.endsWith('/') ? '/' : '')));
  pythonFiles.push(...dagSet.walk.files.filter((f) => f.rel.endsWith('.py')).map((f) => f.abs));
  const local: LocalEntry[] = [...dagSet.entries];
  o.onPhase?.('local');

  const base = {
    destination, ignored, warnings, uploads: [], unchanged: 0, unchangedBytes: 0, deletes: [], extraneous: [], environmentUpdate: [],
  } as Omit<DeployPlan, 'scope'>;

  if (destination.kind === 'astro') {
    if (o.delete) warnings.push('--delete has no effect on Astro: a DAG-only deploy always replaces the whole dags folder.');
    warnings.push('Astro DAG-only deploys replace the whole dags folder of the deployment with this bundle.');
    // the archive code (yazl) loads only for a bundle or plugins.zip
    const { buildReproducibleTar } = await import('./archive.js');
    const bundle = await buildReproducibleTar(dagSet.walk.files, 'dags');
    const bundleHash = createHash('sha256').update(bundle).digest('hex');
    const description = `managed-airflow bundle sha256:${bundleHash} (${dagSet.entries.length} files)`;
    const api = o.services.astro(env);
    let last: string | undefined;
    try {
      last = await api.lastDagDeployDescription(o.signal);
    } catch (e) {
      // the deploy history only saves a redundant upload; without it the bundle is deployed again
      if (e instanceof ManagedAirflowError && (e.kind === 'credentials' || e.kind === 'cancelled')) throw e;
      warnings.push(`could not read the deployment's previous deploys (${(e as Error).message}); the bundle is deployed without comparing`);
    }
    const same = !!last && last.includes(`sha256:${bundleHash}`);
    const plan: DeployPlan = {
      ...base,
      scope: { prefixes: [], keys: ['dags.tar'] },
      bundleHash,
      unchanged: same ? dagSet.entries.length : 0,
      unchangedBytes: same ? dagSet.entries.reduce((s, e) => s + e.size, 0) : 0,
      uploads: same ? [] : [{ key: 'dags.tar', display: `DAG bundle (${dagSet.entries.length} files)`, size: bundle.length, md5: md5Hex(bundle), reason: last ? 'changed' : 'new', role: 'dag' }],
    };
    return { plan, env, layout, sources, pythonFiles, changedPythonFiles: same ? [] : pythonFiles, pendingVersions: {}, bundle, bundleDescription: description };
  }

  if (!storage || !remoteP) throw new ManagedAirflowError('internal', 'deploy.noStorage', 'no storage for a storage destination');
  const scope = { prefixes: [destination.dags.prefix], keys: [] as string[] };
  for (const f of destination.folders) {
    const wanted = o.include?.includes(f.role as 'plugins' | 'data');
    const folder = f.role === 'plugins' ? layout.plugins : f.role === 'data' ? layout.data : undefined;
    if (!wanted) continue;
    if (!folder) {
      warnings.push(`--include ${f.role}: there is no local ${f.role}/ folder next to the DAG folder; nothing to sync there.`);
      continue;
    }
    const set = entriesOf(await localSet(folder, syntax, withCrc, o.hashCache, o.now), f.location.prefix, f.role, layout.root);
    sets.push(set);
    if (f.role === 'plugins') pythonFiles.push(...set.walk.files.filter((x) => x.rel.endsWith('.py')).map((x) => x.abs));
    local.push(...set.entries);
    scope.prefixes.push(f.location.prefix);
  }
  for (const obj of destination.objects) {
    let bytes: Buffer | undefined;
    let display = '';
    if (obj.role === 'plugins' && layout.plugins) {
      const w = walkFolder(layout.plugins, 'regexp', { skipHidden: true });
      const { buildReproducibleZip } = await import('./archive.js');
      bytes = await buildReproducibleZip(w.files);
      display = `${rel(layout.root, layout.plugins)}/ → ${path.posix.basename(obj.key)}`;
      pluginPythonFiles.push(...w.files.filter((x) => x.rel.endsWith('.py')).map((x) => x.abs));
      pythonFiles.push(...pluginPythonFiles);
    } else if (obj.role === 'requirements' && layout.requirements) {
      bytes = await readFile(layout.requirements);
      display = rel(layout.root, layout.requirements);
    } else if (obj.role === 'startup' && layout.startup) {
      bytes = await readFile(layout.startup);
      display = rel(layout.root, layout.startup);
    }
    if (!bytes) continue;
    local.push({ key: obj.key, size: bytes.length, md5: md5Hex(bytes), ...(withCrc ? { crc32c: crc32cBase64(bytes) } : {}), source: { bytes }, role: obj.role, display });
    scope.keys.push(obj.key);
  }
  if (destination.platform === 'mwaa') {
    const has = (r: string) => destination.objects.some((x) => x.role === r);
    if (layout.plugins && !has('plugins')) warnings.push('plugins/ exists locally but the MWAA environment has no PluginsS3Path; set one on the environment to deploy plugins.zip.');
    if (layout.requirements && !has('requirements')) warnings.push(`${rel(layout.root, layout.requirements)} exists locally but the MWAA environment has no RequirementsS3Path; it is not deployed.`);
    if (layout.startup && !has('startup')) warnings.push(`${rel(layout.root, layout.startup)} exists locally but the MWAA environment has no StartupScriptS3Path; it is not deployed.`);
  }
  if (mwaa?.status && mwaa.status !== 'AVAILABLE') {
    warnings.push(`MWAA environment ${mwaa.name} is ${mwaa.status}: DAG files still sync, but it picks them up, and accepts an environment update, only once it is AVAILABLE.`);
  }
  if (destination.dags.prefix === '') warnings.push(`the DAG folder is the whole bucket ${formatLocation(destination.dags)}; --delete would consider every object in it.`);

  // remote side (listing started above)
  const remote: RemoteObject[] = [];
  const heads = new Map<string, RemoteObject | undefined>();
  try {
    const { lists, headed } = await remoteP;
    lists.forEach((l, i) => {
      if (scope.prefixes.includes(listPrefixes[i])) remote.push(...l);
    });
    headed.forEach((h, i) => {
      if (!scope.keys.includes(objectKeys[i])) return;
      heads.set(objectKeys[i], h);
      if (h) remote.push(h);
    });
  } catch (e) {
    if (o.signal?.aborted) throw abortError();
    throw toCloudError(e, `${formatLocation(destination.dags)} of environment "${env.name}"`, { provider: destination.dags.scheme === 's3' ? 'aws' : 'gcp', profile: env.profile });
  }
  o.onPhase?.('remote');
  // the same key can come from two listings (nested prefixes): keep one
  const byKey = new Map(remote.map((r) => [r.key, r]));
  // An MD5 from the hash cache stands only where the listing shows that very MD5 and size: any
  // other remote state (changed behind our back, missing, a non-MD5 ETag) has the file read now.
  for (const { set, entries } of sets) {
    const reread = [...set.fromCache].filter((i) => {
      const e = entries[i];
      const r = byKey.get(e.key);
      return !(r && r.md5Source === 'etag' && r.md5 === e.md5 && r.size === e.size);
    });
    const computed = await hashFiles(reread.map((i) => set.walk.files[i].abs));
    reread.forEach((i, j) => {
      set.hashes[i] = computed[j];
      entries[i].md5 = computed[j].md5;
      entries[i].size = computed[j].size;
      set.fromCache.delete(i);
    });
  }
  const diff = diffEntries(local, [...byKey.values()], scope, destination.objects.map((x) => x.key));
  // S3 ETags of KMS-encrypted or multipart objects are not MD5s: ask for our stored checksum before re-uploading
  if (diff.uncertain.length) {
    const results = await mapLimit(diff.uncertain, o.concurrency ?? 16, (k) => storage.head(k, o.signal));
    const confirmed = new Set<string>();
    results.forEach((r, i) => {
      const up = diff.uploads.find((u) => u.key === diff.uncertain[i])!;
      if (r.status === 'fulfilled' && r.value?.md5Source === 'metadata' && r.value.md5 === up.md5) confirmed.add(up.key);
    });
    for (const k of confirmed) {
      const i = diff.uploads.findIndex((u) => u.key === k);
      diff.unchanged.push(diff.uploads[i].entry);
      diff.uploads.splice(i, 1);
    }
  }
  for (const l of local) sources.set(l.key, l.source);

  const environmentUpdate: DeployPlan['environmentUpdate'] = [];
  const pendingVersions: MwaaVersions = {};
  if (destination.platform === 'mwaa') {
    for (const obj of destination.objects) {
      if (!scope.keys.includes(obj.key)) continue;
      const uploading = diff.uploads.some((u) => u.key === obj.key);
      const head = heads.get(obj.key);
      if (uploading) environmentUpdate.push(obj.role);
      else if (head?.version && head.version !== obj.currentVersion) {
        environmentUpdate.push(obj.role);
        pendingVersions[obj.role] = head.version;
      }
    }
  }
  const plan: DeployPlan = {
    ...base,
    scope,
    uploads: diff.uploads.map(({ entry: _e, ...u }) => u),
    unchanged: diff.unchanged.length,
    unchangedBytes: diff.unchanged.reduce((s, e) => s + e.size, 0),
    deletes: o.delete ? diff.remoteOnly : [],
    extraneous: o.delete ? [] : diff.remoteOnly,
    environmentUpdate,
  };
  assertPlanInScope(plan);
  const changedPythonFiles: string[] = [];
  for (const u of plan.uploads) {
    const src = sources.get(u.key);
    if (src && 'path' in src && src.path.endsWith('.py')) changedPythonFiles.push(src.path);
    if (u.role === 'plugins' && !(src && 'path' in src)) changedPythonFiles.push(...pluginPythonFiles);
  }
  // the next deploy's hash cache: files not changed just before this walk, as read (state.ts)
  const hashCache: HashCache = {};
  if (!withCrc) {
    for (const { set } of sets) {
      set.walk.files.forEach((f, i) => {
        const entry = hashCacheEntry(f, set.hashes[i].md5, set.hashes[i].size, set.at);
        if (entry) hashCache[f.abs] = entry;
      });
    }
  }
  return { plan, env, layout, storage, sources, pythonFiles, changedPythonFiles, mwaa, pendingVersions, ...(withCrc ? {} : { hashCache }) };
}

/** The last line of defence against the wrong-bucket accident: every key the plan touches is inside the resolved scope. */
export function assertPlanInScope(plan: DeployPlan): void {
  for (const k of [...plan.uploads.map((u) => u.key), ...plan.deletes]) {
    if (!inScope(k, plan.scope)) {
      throw new ManagedAirflowError('internal', 'deploy.outOfScope', `refusing to touch ${k}: it is outside the resolved destination (${[...plan.scope.prefixes, ...plan.scope.keys].join(', ')})`);
    }
  }
}

export function planIsEmpty(plan: DeployPlan): boolean {
  return plan.uploads.length === 0 && plan.deletes.length === 0 && plan.environmentUpdate.length === 0;
}

export interface ExecuteOptions {
  signal?: AbortSignal;
  concurrency?: number;
  retry?: Partial<RetryOptions>;
  onProgress?: (e: ProgressEvent) => void;
}

class VerificationError extends Error {
  override name = 'VerificationFailed';
  readonly $retryable = true;
}

/**
 * Run the plan: uploads (bounded concurrency, retried on throttling/5xx, each verified by a HEAD),
 * then — only if every upload succeeded — the deletes. Safe to interrupt: a rerun re-plans and
 * uploads only what is still missing or different.
 */
export async function executeDeploy(p: PreparedDeploy, options: ExecuteOptions = {}): Promise<DeploySummary> {
  const o = { ...options, signal: followSignal(options.signal) };
  const t0 = Date.now();
  const { plan } = p;
  assertPlanInScope(plan);
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...o.retry, signal: o.signal };
  let retries = 0;
  const versions: Record<string, string> = {};
  let done = 0;
  let uploadedBytes = 0;
  const total = plan.uploads.length;
  const onRetry = (key: string) => (attempt: number, e: unknown) => {
    retries++;
    o.onProgress?.({ type: 'retry', key, attempt, error: (e as Error)?.name || String(e) });
  };
  const what = plan.destination.kind === 'astro' ? `Astro deployment ${plan.destination.astro?.deployment}` : `${formatLocation(plan.destination.dags)} of environment "${plan.destination.environment}"`;
  const provider = plan.destination.kind === 'astro' ? 'astro' : plan.destination.dags.scheme === 's3' ? 'aws' : 'gcp';

  if (plan.destination.kind === 'astro') {
    if (total) throw new ManagedAirflowError('internal', 'deploy.astroExecutor', 'Astro deploys run through executeAstroDeploy');
    return { uploaded: 0, uploadedBytes: 0, unchanged: plan.unchanged, deleted: 0, retries: 0, ms: Date.now() - t0, environmentUpdated: false, versions };
  }
  const storage = p.storage!;
  const results = await mapLimit(
    plan.uploads,
    Math.max(1, o.concurrency ?? 16),
    async (u) => {
      const src = p.sources.get(u.key);
      if (!src) throw new ManagedAirflowError('internal', 'deploy.noSource', `no local source for ${u.key}`);
      const bytes = 'bytes' in src ? src.bytes : await readLocalFile(src.path);
      const md5 = md5Hex(bytes);
      const r = await withRetry(async () => {
        const put = await storage.put(u.key, bytes, { md5, signal: o.signal });
        // The store checked Content-MD5 on receipt; when it answers with the MD5 of what it stored
        // (S3 single-part ETag, GCS md5Hash) that is the verification. Otherwise (KMS/multipart ETags) ask with a HEAD.
        if (put.storedMd5 !== undefined && put.storedMd5 === md5) return { version: put.version };
        const head = await storage.head(u.key, o.signal);
        if (!head || head.size !== bytes.length) {
          throw new VerificationError(`verification of ${u.key} failed: the stored object has ${head ? `${head.size} bytes` : 'vanished'}, ${bytes.length} were sent`);
        }
        if (head.md5Source === 'metadata' ? head.md5 !== md5 : head.md5 !== undefined && head.md5 !== md5 && put.storedMd5 === undefined) {
          throw new VerificationError(`verification of ${u.key} failed: remote checksum ${head.md5} is not the MD5 ${md5} that was sent`);
        }
        return { version: put.version ?? head.version };
      }, { ...retry, onRetry: onRetry(u.key) });
      if (r.version && (u.role === 'plugins' || u.role === 'requirements' || u.role === 'startup')) versions[u.role] = r.version;
      done++;
      uploadedBytes += bytes.length;
      o.onProgress?.({ type: 'upload', key: u.key, display: u.display, bytes: bytes.length, done, total });
    },
    o.signal,
  );
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length) {
    if (o.signal?.aborted) {
      throw new ManagedAirflowError('cancelled', 'deploy.cancelled', `deploy cancelled after ${done} of ${total} uploads; nothing was deleted`, {
        hint: 'Nothing is lost: run the same deploy again and it uploads only what is still missing.',
        details: { uploaded: done, of: total },
      });
    }
    const first = toCloudError(failed[0].reason, what, { provider, profile: p.env.profile });
    throw new ManagedAirflowError(first.kind, first.code, `${first.message} (${done} of ${total} uploads done; no file was deleted)`, {
      hint: first.hint ?? 'Run the deploy again: it uploads only what is still missing.',
      details: { uploaded: done, of: total },
      cause: failed[0].reason,
    });
  }
  let deleted = 0;
  if (plan.deletes.length) {
    const batches: string[][] = [];
    for (let i = 0; i < plan.deletes.length; i += 100) batches.push(plan.deletes.slice(i, i + 100));
    try {
      for (const b of batches) {
        for (const k of b) if (!inScope(k, plan.scope)) throw new ManagedAirflowError('internal', 'deploy.outOfScope', `refusing to delete ${k}: outside the resolved destination`);
        await withRetry(() => storage.delete(b, o.signal), { ...retry, onRetry: onRetry(b[0]) });
        for (const k of b) o.onProgress?.({ type: 'delete', key: k, done: ++deleted, total: plan.deletes.length });
      }
    } catch (e) {
      if (o.signal?.aborted) throw abortError();
      throw toCloudError(e, what, { provider, profile: p.env.profile });
    }
  }
  return { uploaded: done, uploadedBytes, unchanged: plan.unchanged, deleted, retries, ms: Date.now() - t0, environmentUpdated: false, versions };
}

/** Astro DAG-only deploy: create a deploy, PUT the bundle to its upload URL, finalize with the blob version. */
export async function executeAstroDeploy(p: PreparedDeploy, services: DeployServices, o: ExecuteOptions = {}): Promise<DeploySummary> {
  const t0 = Date.now();
  const { plan } = p;
  if (!plan.uploads.length || !p.bundle) return { uploaded: 0, uploadedBytes: 0, unchanged: plan.unchanged, deleted: 0, retries: 0, ms: Date.now() - t0, environmentUpdated: false, versions: {} };
  const api = services.astro(p.env);
  o.onProgress?.({ type: 'phase', message: 'creating DAG-only deploy' });
  const d = await api.createDagDeploy(p.bundleDescription ?? 'managed-airflow', o.signal);
  o.onProgress?.({ type: 'phase', message: `uploading DAG bundle (${p.bundle.length} bytes)` });
  let retries = 0;
  const version = await withRetry(() => api.uploadBundle(d.dagsUploadUrl, p.bundle!, o.signal), {
    ...DEFAULT_RETRY, ...o.retry, signal: o.signal,
    onRetry: () => {
      retries++;
    },
  });
  o.onProgress?.({ type: 'upload', key: 'dags.tar', display: plan.uploads[0].display, bytes: p.bundle.length, done: 1, total: 1 });
  await api.finalize(d.id, version, o.signal);
  return { uploaded: 1, uploadedBytes: p.bundle.length, unchanged: 0, deleted: 0, retries, ms: Date.now() - t0, environmentUpdated: false, versions: { dags: version } };
}

/**
 * MWAA pins plugins.zip / requirements.txt / the startup script by S3 object version. Point the
 * environment at the new versions (MWAA restarts it). Call only after the user confirmed the restart.
 */
export async function updateMwaaEnvironment(p: PreparedDeploy, services: DeployServices, versions: Record<string, string>, signal?: AbortSignal): Promise<{ updated: boolean; reason?: string; versions: MwaaVersions }> {
  const want: MwaaVersions = {};
  for (const role of p.plan.environmentUpdate) {
    const v = versions[role] ?? p.pendingVersions[role];
    if (v) want[role] = v;
  }
  if (!Object.keys(want).length) {
    return { updated: false, reason: 'the bucket returned no object versions (MWAA needs S3 versioning on its bucket)', versions: want };
  }
  await services.mwaa(p.env).updateEnvironment(p.plan.destination.mwaa!.name, want, signal);
  return { updated: true, versions: want };
}

/** Read requirements.txt of the layout (for the lint gate). */
export function readRequirements(p: PreparedDeploy): string | undefined {
  return p.layout.requirements ? readFileSync(p.layout.requirements, 'utf8') : undefined;
}
