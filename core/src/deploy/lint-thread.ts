import { Worker } from 'node:worker_threads';
import type { DeployLinter } from './gate';

/**
 * The deploy gate's lint engine on a worker thread (lint-thread-worker.ts), started with the deploy:
 * loading the engine (parser, rules, knowledge base) and its first, cold lint cost about as much
 * CPU as the whole rest of a small deploy, and on a thread of its own that work runs beside the
 * platform calls, the listing and the hashing instead of after them. The gate's result is the same
 * as in-process (the worker runs engineLinter); if the worker cannot start or dies, the files are
 * linted in-process instead. The worker never keeps the process alive while nothing waits for it.
 */

export interface LintThreadRequest {
  id: number;
  files: string[];
  options: Parameters<DeployLinter>[1];
}
export type LintThreadResponse = { id: number; result: Awaited<ReturnType<DeployLinter>>; error?: undefined } | { id: number; error: string; result?: undefined };

export function threadLinter(cwd: string, workerFile: string): DeployLinter {
  const inProcess = async (): Promise<DeployLinter> => (await import('./lint.js')).engineLinter(cwd);
  let worker: Worker | undefined;
  /** Requests in flight; resolved with undefined when the worker is gone. */
  const pending = new Map<number, (r: LintThreadResponse | undefined) => void>();
  let nextId = 1;
  const broken = () => {
    worker = undefined;
    for (const resolve of pending.values()) resolve(undefined);
    pending.clear();
  };
  try {
    worker = new Worker(workerFile, { workerData: { cwd } });
    worker.unref();
    // Node 20 refs the worker again once it is online: without this a deploy that fails before the
    // gate would wait for the idle worker forever
    worker.on('online', () => {
      if (!pending.size) worker?.unref();
    });
    worker.on('message', (m: LintThreadResponse) => {
      const resolve = pending.get(m.id);
      pending.delete(m.id);
      if (!pending.size) worker?.unref();
      resolve?.(m);
    });
    worker.on('error', broken);
    worker.on('exit', broken);
  } catch {
    worker = undefined;
  }
  return async (files, options) => {
    const w = worker;
    if (!w) return (await inProcess())(files, options);
    const id = nextId++;
    const response = await new Promise<LintThreadResponse | undefined>((resolve) => {
      pending.set(id, resolve);
      w.ref();
      w.postMessage({ id, files, options } satisfies LintThreadRequest);
    });
    // the worker died: the in-process engine answers instead
    if (!response) return (await inProcess())(files, options);
    if (response.error !== undefined) throw new Error(response.error);
    return response.result;
  };
}
