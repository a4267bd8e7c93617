import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

describe('managed-airflow as a process (cli/src/bin.ts)', function () {
  this.timeout(60_000);

  it('a reader that goes away (`… | head -1`) ends the CLI quietly, without an EPIPE crash', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli/src/bin.ts'), 'targets'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // read the first chunk, then close our end of the pipe like `head -1` does
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.doesNotMatch(stderr, /EPIPE|Unhandled 'error' event|at .*\(/, stderr);
    assert.ok(code === 0 || code === 141, `exit code ${code}`);
  });
});
