/**
 * Worker thread of the parallel lint pool (lintPool.ts): owns one parser, lints the batches of
 * files it is sent and answers with plain results. Bundled as dist/lint-worker.js; run from
 * sources (tests, tsx) as this file.
 */
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { analyzeText } from './engine';
import { createPythonParser, type Parser } from './parser';
import type { LintJob, LintJobResult, WorkerRequest, WorkerResponse } from './lintPool';

let parser: Parser | undefined;

export async function lintJob(p: Parser, job: LintJob): Promise<LintJobResult> {
  let text: string;
  try {
    text = readFileSync(job.abs, 'utf8');
  } catch (e) {
    return { index: job.index, unreadable: (e as Error).message, diagnostics: [], dagIds: [] };
  }
  const a = analyzeText(p, text, job.abs, job.options);
  a.tree?.delete();
  return { index: job.index, diagnostics: a.diagnostics, dagIds: a.dagIds };
}

if (parentPort) {
  const port = parentPort;
  port.on('message', async (msg: WorkerRequest) => {
    try {
      parser ??= await createPythonParser();
      const results: LintJobResult[] = [];
      for (const job of msg.jobs) results.push(await lintJob(parser, job));
      port.postMessage({ batch: msg.batch, results } satisfies WorkerResponse);
    } catch (e) {
      port.postMessage({ batch: msg.batch, error: (e as Error).stack ?? String(e) } satisfies WorkerResponse);
    }
  });
}
