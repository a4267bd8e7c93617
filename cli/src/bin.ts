/**
 * The `managed-airflow` process: wires main() to the terminal. Built as the entry of the CLI's
 * ES-module bundle (dist/cli/bin.mjs, started by dist/cli.js): every command and the heavy parts of a
 * command (cloud SDKs, the lint engine) are separate chunks loaded on demand, so a process only
 * compiles the code it runs.
 */
import { createInterface } from 'node:readline/promises';
import { main } from './main';
import type { CliIO } from './types';

function processIO(): CliIO {
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write('\ninterrupted: finishing the current step (press Ctrl-C again to abort now)\n');
    controller.abort();
  });
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    isTTY: !!process.stdout.isTTY,
    signal: controller.signal,
    async confirm(question) {
      if (!process.stdin.isTTY) return false;
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await rl.question(`${question} [y/N] `);
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        rl.close();
      }
    },
  };
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `managed-airflow lint … | head`: the reader went away; stop at once and quietly like other Unix
// tools instead of crashing on an unhandled EPIPE (a deploy cut short this way converges when run again).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 141);
    throw e;
  });
}
main(process.argv.slice(2), processIO()).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exitCode = 2;
  },
);
