/**
 * Worker thread of the deploy gate (lint-thread.ts): loads the lint engine and warms it up as soon
 * as it starts, then lints what the gate sends, exactly as the in-process gate does (engineLinter).
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { engineLinter, warmUpLintEngine } from './lint';
import type { LintThreadRequest, LintThreadResponse } from './lint-thread';

const data = workerData as { cwd: string; timing?: boolean; port?: MessagePort } | null;
// the gate's own channel (lint-thread.ts), not parentPort
const port = data?.port;
if (data && port) {
  // MANAGED_AIRFLOW_TIMING: when this thread got where (ms since the epoch, for the deploy's timing line)
  const trace: Record<string, number> | undefined = data.timing ? {} : undefined;
  const mark = (label: string) => {
    if (trace) trace[label] = performance.timeOrigin + performance.now();
  };
  mark('engine loaded');
  const linter = engineLinter(data.cwd);
  // a failed warm-up only means the first lint pays for it
  const warm = warmUpLintEngine().then(() => mark('warm'), () => undefined);
  port.on('message', async (m: LintThreadRequest) => {
    let response: LintThreadResponse;
    mark('asked');
    try {
      await warm;
      response = { id: m.id, result: await linter(m.files, m.options) };
    } catch (e) {
      response = { id: m.id, error: e instanceof Error ? e.message : String(e) };
    }
    mark('linted');
    if (trace) response.trace = { ...trace };
    port.postMessage(response);
  });
}
