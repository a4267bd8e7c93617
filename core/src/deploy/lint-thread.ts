import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
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
export type LintThreadResponse = ({ id: number; result: Awaited<ReturnType<DeployLinter>>; error?: undefined } | { id: number; error: string; result?: undefined }) & {
  /** With `onTrace`: when the worker reached each step, ms since the epoch. */
  trace?: Record<string, number>;
};

export interface ThreadLinterOptions {
  /** Timing (MANAGED_AIRFLOW_TIMING): called with the worker's steps, ms since the epoch. */
  onTrace?: (trace: Record<string, number>) => void;
}

export function threadLinter(cwd: string, workerFile: string, opts: ThreadLinterOptions = {}): DeployLinter {
  const inProcess = async (): Promise<DeployLinter> => (await import('./lint.js')).engineLinter(cwd);
  let worker: Worker | undefined;
  /** Requests in flight; resolved with undefined when the worker is gone. */
  const pending = new Map<number, (r: LintThreadResponse | undefined) => void>();
  let nextId = 1;
  let port: MessagePort | undefined;
  const broken = () => {
    worker = undefined;
    port?.close();
    port = undefined;
    for (const resolve of pending.values()) resolve(undefined);
    pending.clear();
  };
  // Requests and answers go over a channel of their own, not the worker's parentPort: the engine's
  // modules include the lint pool's worker (analysis/lintWorker.ts), which answers every parentPort
  // message itself — it would lint a request it does not understand and reply with an error.
  const idle = () => {
    worker?.unref();
    port?.unref();
  };
  try {
    const channel = new MessageChannel();
    port = channel.port1;
    worker = new Worker(workerFile, { workerData: { cwd, timing: !!opts.onTrace, port: channel.port2 }, transferList: [channel.port2] });
    // Node 20 refs the worker again once it is online: without this a deploy that fails before the
    // gate would wait for the idle worker forever
    worker.on('online', () => {
      if (!pending.size) idle();
    });
    port.on('message', (m: LintThreadResponse) => {
      const resolve = pending.get(m.id);
      pending.delete(m.id);
      if (!pending.size) idle();
      resolve?.(m);
    });
    idle();
    worker.on('error', broken);
    worker.on('exit', broken);
  } catch {
    worker = undefined;
    port?.close();
    port = undefined;
  }
  return async (files, options) => {
    const w = worker;
    const p = port;
    if (!w || !p) return (await inProcess())(files, options);
    const id = nextId++;
    const response = await new Promise<LintThreadResponse | undefined>((resolve) => {
      pending.set(id, resolve);
      w.ref();
      p.ref();
      p.postMessage({ id, files, options } satisfies LintThreadRequest);
    });
    // the worker died: the in-process engine answers instead
    if (!response) return (await inProcess())(files, options);
    if (response.trace) opts.onTrace?.(response.trace);
    if (response.error !== undefined) throw new Error(response.error);
    return response.result;
  };
}
