import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Parser } from './parser';
import { lintJob } from './lintWorker';
import type { Diagnostic, FileResult, LintOptions } from './types';

/**
 * Lints many files on several cores: worker threads (lintWorker.ts) each with their own parser,
 * fed batches of files as they finish them. Small runs stay in-process (a worker costs ~100 ms to
 * start: wasm, grammar, knowledge base). Any trouble with workers (none can start, one crashes)
 * falls back to linting the unfinished files in-process: parallelism never changes a result.
 */

export interface LintJob {
  /** Position in the caller's file list; results come back in this order. */
  index: number;
  abs: string;
  options: LintOptions;
}

export interface LintJobResult {
  index: number;
  diagnostics: Diagnostic[];
  dagIds: FileResult['dagIds'];
  /** The file could not be read (message). */
  unreadable?: string;
}

export interface WorkerRequest {
  batch: number;
  jobs: LintJob[];
}
export type WorkerResponse = { batch: number; results: LintJobResult[]; error?: undefined } | { batch: number; error: string; results?: undefined };

/** Files per batch sent to a worker: small enough to balance, large enough to amortise messages. */
const BATCH = 16;
/** Below this many files one thread is faster than starting workers. */
export const PARALLEL_THRESHOLD = 200;

/**
 * Below this many cores the automatic choice stays on one thread: on a 2-vCPU machine two lint threads
 * measured slower than one (bench/lint.ts: 2.8 s vs 2.2 s for 1,000 DAGs), since each worker loads its
 * own engine and the two vCPUs do not give two cores' worth of work. `--jobs N` still forces threads.
 */
export const MIN_CORES_FOR_THREADS = 4;

/** How many threads to use for `files` files, given a request (`--jobs`; 0 or undefined = automatic). */
export function chooseThreads(files: number, requested?: number, cores: number = availableParallelism()): number {
  if (requested && requested > 0) return Math.max(1, Math.min(requested, Math.ceil(files / BATCH) || 1));
  if (files < PARALLEL_THRESHOLD || cores < MIN_CORES_FOR_THREADS) return 1;
  return Math.max(1, Math.min(cores, 8, Math.ceil(files / (BATCH * 4))));
}

/** How to start a worker: the bundled dist/lint-worker.js, or the TypeScript source through tsx's require hook. */
export interface WorkerEntry {
  file: string;
  /** Source mode: Node 20 cannot load .ts in a worker by itself, so a tiny eval shim registers tsx first. */
  viaTsx?: string;
}

export function workerEntry(): WorkerEntry | undefined {
  for (const c of [path.join(__dirname, 'lint-worker.js'), path.join(__dirname, '..', 'lint-worker.js')]) if (existsSync(c)) return { file: c };
  const src = path.join(__dirname, 'lintWorker.ts');
  if (!existsSync(src)) return undefined;
  try {
    return { file: src, viaTsx: require.resolve('tsx/cjs') };
  } catch {
    return undefined;
  }
}

function startWorker(entry: WorkerEntry): Worker {
  if (!entry.viaTsx) return new Worker(entry.file);
  return new Worker(`require(${JSON.stringify(entry.viaTsx)}); require(${JSON.stringify(entry.file)});`, { eval: true, execArgv: [] });
}

async function inProcess(jobs: LintJob[], getParser: () => Promise<Parser>): Promise<LintJobResult[]> {
  const parser = await getParser();
  const out: LintJobResult[] = [];
  for (const j of jobs) out.push(await lintJob(parser, j));
  return out;
}

/**
 * Lint the jobs with `threads` threads (1 = in-process with the caller's parser). Results are
 * returned in job order whatever the threads did.
 */
export async function runLintJobs(jobs: LintJob[], threads: number, getParser: () => Promise<Parser>, entry = workerEntry()): Promise<{ results: LintJobResult[]; threads: number }> {
  if (threads <= 1 || !entry || jobs.length === 0) return { results: await inProcess(jobs, getParser), threads: 1 };
  const batches: LintJob[][] = [];
  for (let i = 0; i < jobs.length; i += BATCH) batches.push(jobs.slice(i, i + BATCH));
  const done = new Map<number, LintJobResult[]>();
  let next = 0;
  const workers: Worker[] = [];
  let used = 0;
  await new Promise<void>((resolve) => {
    let live = 0;
    const finishOne = () => {
      live--;
      if (live === 0) resolve();
    };
    for (let t = 0; t < Math.min(threads, batches.length); t++) {
      let w: Worker;
      try {
        w = startWorker(entry);
      } catch {
        continue;
      }
      workers.push(w);
      live++;
      let current = -1;
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        void w.terminate();
        finishOne();
      };
      const feed = () => {
        if (next >= batches.length) return end();
        current = next++;
        w.postMessage({ batch: current, jobs: batches[current] } satisfies WorkerRequest);
      };
      let contributed = false;
      w.on('message', (m: WorkerResponse) => {
        if (m.results) {
          done.set(m.batch, m.results);
          if (!contributed) (contributed = true), used++;
        }
        feed();
      });
      // A worker that fails leaves its current batch to the in-process fallback below.
      w.on('error', end);
      w.on('exit', end);
      feed();
    }
    if (live === 0) resolve();
  });
  await Promise.all(workers.map((w) => w.terminate()));
  const missing = batches.flatMap((b, i) => (done.has(i) ? [] : b));
  const recovered = missing.length ? await inProcess(missing, getParser) : [];
  const results = [...[...done.values()].flat(), ...recovered].sort((a, b) => a.index - b.index);
  return { results, threads: used + (recovered.length ? 1 : 0) || 1 };
}
