// Runs the in-host integration tests (test/e2e/host/suite/*.test.ts) inside a real VS Code extension
// host through the standard @vscode/test-electron `runTests` API. Offline, VS Code itself comes from
// code-server through test/e2e/host/vscode-shim.mjs; set E2E_VSCODE_EXECUTABLE=download to let
// test-electron download a desktop VS Code instead (where that is reachable).
// Needs Node >= 22 (test-electron 3): scripts/test.d/90-e2e.sh runs it with .e2e's Node 24.
//   E2E_EXT_DIR      extension to test (default: the repository; 90-e2e.sh passes the packaged stage)
//   E2E_HOST_GREP    only tests whose title matches
//   E2E_BENCH=1      run the bench suite instead (bench/activation.ts sets it, with E2E_WORKSPACE_FROM)
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../..');
const extDir = path.resolve(process.env.E2E_EXT_DIR ?? ROOT);
mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
const scratch = mkdtempSync(path.join(ROOT, '.tmp', 'e2e-host-run-'));
const out = path.join(scratch, 'out');
const ws = path.join(scratch, 'workspace');

const suites = readdirSync(path.join(HERE, 'suite')).filter((f) => f.endsWith('.test.ts'));
await esbuild.build({
  entryPoints: [path.join(HERE, 'index.ts'), ...suites.map((f) => path.join(HERE, 'suite', f))],
  outdir: out, outbase: HERE, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
  sourcemap: 'inline', external: ['vscode', 'mocha'], logLevel: 'warning',
  // the bundles run from scratch/out: resolve `mocha` from the repository's node_modules
  nodePaths: [path.join(ROOT, 'node_modules')],
});
cpSync(process.env.E2E_WORKSPACE_FROM ?? path.join(ROOT, 'test/e2e/fixtures/host-workspace'), ws, { recursive: true });

const t0 = Date.now();
let code = 0;
try {
  await runTests({
    vscodeExecutablePath: process.env.E2E_VSCODE_EXECUTABLE === 'download' ? undefined : path.join(HERE, 'vscode-shim.mjs'),
    extensionDevelopmentPath: extDir,
    extensionTestsPath: path.join(out, 'index.js'),
    launchArgs: [ws, `--user-data-dir=${path.join(scratch, 'user-data')}`, `--extensions-dir=${path.join(scratch, 'extensions')}`],
    extensionTestsEnv: {
      NODE_PATH: path.join(ROOT, 'node_modules'),
      E2E_ROOT: ROOT,
      E2E_WORKSPACE: ws,
      E2E_HOST_GREP: process.env.E2E_HOST_GREP ?? '',
      E2E_BENCH: process.env.E2E_BENCH ?? '',
      E2E_BENCH_OUT: process.env.E2E_BENCH_OUT ?? '',
    },
  });
} catch (e) {
  console.error('in-host tests failed:', e?.message ?? e);
  code = 1;
} finally {
  if (!process.env.E2E_KEEP_TMP) rmSync(scratch, { recursive: true, force: true });
  console.log(`in-host tests finished in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
process.exit(code);
