/**
 * Worker thread of the deploy gate (lint-thread.ts): loads the lint engine and warms it up as soon
 * as it starts, then lints what the gate sends, exactly as the in-process gate does (engineLinter).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { engineLinter, warmUpLintEngine } from './lint';
import type { LintThreadRequest, LintThreadResponse } from './lint-thread';

const port = parentPort;
if (port) {
  const linter = engineLinter((workerData as { cwd: string }).cwd);
  // a failed warm-up only means the first lint pays for it
  const warm = warmUpLintEngine().catch(() => undefined);
  port.on('message', async (m: LintThreadRequest) => {
    let response: LintThreadResponse;
    try {
      await warm;
      response = { id: m.id, result: await linter(m.files, m.options) };
    } catch (e) {
      response = { id: m.id, error: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(response);
  });
}
