import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { ObjectLocation } from './types';

/**
 * What an earlier deploy of an environment from a project folder learnt, kept so the next deploy
 * can start sooner: the DAG folder the platform resolved. A hint and never an authority — the
 * platform is still asked every time, the hinted folder is only listed (read) while it answers,
 * and that listing is used only when the platform names the very same folder; otherwise it is
 * dropped and the real one is listed. Nothing is ever written on the strength of this file.
 * `--no-cache` (or MANAGED_AIRFLOW_CACHE_DIR=off) neither reads nor writes it.
 */
export interface DeployState {
  version: 1;
  environment: string;
  dags: ObjectLocation;
  /** The environment's Airflow version then: the .airflowignore syntax the local walk starts with. */
  airflowVersion?: string;
  /** MD5s of local files by absolute path, with what identified the content (see HashCache). */
  files?: HashCache;
}

/**
 * [size, mtimeMs, ctimeMs, inode, md5] of local files as a deploy hashed them. A file whose size,
 * mtime, ctime and inode are all unchanged is not read again — only entries whose mtime and ctime
 * were over 2 s older than the walk are kept, so a write in the same timestamp tick as the hashing
 * cannot hide behind an equal ctime — and its MD5 is used only when the remote listing shows the
 * same MD5 and size for its key; otherwise the file is hashed after all (deploy.ts).
 */
export type HashCache = Record<string, [number, number, number, number, string]>;

/** Entries of a hash cache from disk that have the expected shape. */
export function validHashEntry(e: unknown): e is HashCache[string] {
  return Array.isArray(e) && e.length === 5 && e.slice(0, 4).every((x) => typeof x === 'number') && typeof e[4] === 'string' && /^[0-9a-f]{32}$/.test(e[4]);
}

/** What identifies a local file's content for the hash cache (the walk's stat fields). */
export interface FileIdentity {
  size: number;
  mtimeMs?: number;
  ctimeMs?: number;
  ino?: number;
}

/** Files changed this recently (mtime or ctime) before the walk are not put in the hash cache. */
const RACY_MS = 2000;

/** The cached MD5 of a file whose size, mtime, ctime and inode are all unchanged, else undefined. */
export function cachedMd5(cache: HashCache | undefined, abs: string, f: FileIdentity): string | undefined {
  const c = cache && Object.prototype.hasOwnProperty.call(cache, abs) ? cache[abs] : undefined;
  return c && validHashEntry(c) && c[0] === f.size && c[1] === f.mtimeMs && c[2] === f.ctimeMs && c[3] === f.ino ? c[4] : undefined;
}

/** The hash-cache entry for a file hashed as `md5` (of `hashedSize` bytes) by a walk started at `walkStart`, or undefined when it may not be trusted later. */
export function hashCacheEntry(f: FileIdentity, md5: string, hashedSize: number, walkStart: number): HashCache[string] | undefined {
  if (f.mtimeMs === undefined || f.ctimeMs === undefined || f.ino === undefined || hashedSize !== f.size) return undefined;
  if (Math.max(f.mtimeMs, f.ctimeMs) >= walkStart - RACY_MS) return undefined;
  return [f.size, f.mtimeMs, f.ctimeMs, f.ino, md5];
}

/** $MANAGED_AIRFLOW_CACHE_DIR, else $XDG_CACHE_HOME/managed-airflow, else ~/.cache/managed-airflow; undefined when turned off. */
export function deployCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  const set = env.MANAGED_AIRFLOW_CACHE_DIR;
  if (set !== undefined) return set === '' || set === 'off' ? undefined : path.resolve(set);
  const base = env.XDG_CACHE_HOME || (env.HOME || homedir() ? path.join(env.HOME || homedir(), '.cache') : undefined);
  return base ? path.join(base, 'managed-airflow') : undefined;
}

/** One file per (project folder, environment name). */
export function deployStateFile(cacheDir: string, dir: string, environment: string): string {
  const id = createHash('sha256').update(`${path.resolve(dir)}\0${environment}`).digest('hex').slice(0, 32);
  return path.join(cacheDir, 'deploy', `${id}.json`);
}

const isLocation = (x: unknown): x is ObjectLocation => {
  const l = x as ObjectLocation;
  return !!l && (l.scheme === 's3' || l.scheme === 'gs') && typeof l.bucket === 'string' && l.bucket !== '' && typeof l.prefix === 'string';
};

/** The state of an earlier deploy, or undefined (none, unreadable, another format, another environment). */
export function readDeployState(file: string, environment: string): DeployState | undefined {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as DeployState;
    if (!s || s.version !== 1 || s.environment !== environment || !isLocation(s.dags)) return undefined;
    const files = s.files && typeof s.files === 'object' && !Array.isArray(s.files) ? s.files : undefined;
    return { version: 1, environment, dags: { scheme: s.dags.scheme, bucket: s.dags.bucket, prefix: s.dags.prefix }, ...(typeof s.airflowVersion === 'string' ? { airflowVersion: s.airflowVersion } : {}), ...(files ? { files } : {}) };
  } catch {
    return undefined;
  }
}

/** Best effort (a read-only home only loses the head start): written whole, then renamed into place. */
export function writeDeployState(file: string, state: DeployState): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(state)}\n`);
    renameSync(tmp, file);
  } catch {
    /* the next deploy starts without the hint */
  }
}
