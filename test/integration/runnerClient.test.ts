/**
 * The extension side of the local runner (client/src/runner) through register(ctx) with a
 * mocked `vscode` module, against the real Docker engine and the stand-in image: commands,
 * import errors → diagnostics on the DAG files, test DAG, open UI, panel messages, reconnect.
 */
import { diagnostics, panels, setFolders, watchers } from './support/vscode-runner-mock';
import { state, extensionContext, Uri, vscodeMock } from '../support/vscode-mock';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { Ctx } from '../../client/src/ctx';
import { register } from '../../client/src/runner';
import { LocalRunnerPanel } from '../../client/src/runner/panel';
import type { RunnerToWebview } from '../../core/src/protocol/runner';
import { LocalRunner, LABEL_PROJECT } from '../../core/src/runner';
import { STANDIN, engineForTests, leftovers, makeProject } from './support/docker';

function memento() {
  const m = new Map<string, unknown>();
  return { get: (k: string) => m.get(k), update: async (k: string, v: unknown) => void m.set(k, v), keys: () => [...m.keys()] };
}

describe('runner extension side (mocked vscode, real Docker)', function () {
  this.timeout(120_000);
  let docker: Docker;
  let dir: string;
  let ctx: Ctx;
  const run = (id: string, ...args: unknown[]) => state.commands.get(id)!(...args);

  before(async function () {
    this.timeout(400_000);
    const d = await engineForTests(this);
    if (!d) return;
    docker = d;
  });

  beforeEach(function () {
    if (!docker) return this.skip();
    state.reset();
    diagnostics.clear();
    panels.length = 0;
    dir = makeProject();
    setFolders([{ uri: Uri.file(dir) }]);
    state.config.set('managedAirflow.runner', { flavor: 'oss', airflowVersion: '2.10.3', image: STANDIN, port: 0 });
    ctx = new Ctx({ ...extensionContext(), workspaceState: memento(), extensionUri: Uri.file('/ext') } as never);
  });

  afterEach(async () => {
    ctx?.dispose();
    if (dir) {
      await new LocalRunner(dir, { docker }).reset().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('start → import errors as diagnostics on the right lines → test DAG → open UI → stop clears them → reset after confirmation', async () => {
    const controller = register(ctx);
    await run('managedAirflow.runner.start');
    assert.equal(controller.status.state, 'healthy', JSON.stringify(state.messages));
    await controller.refreshImportErrors();
    const broken = diagnostics.get(path.join(dir, 'dags', 'sub', 'broken.py'));
    assert.ok(broken, `diagnostics on ${[...diagnostics.keys()].join(', ')}`);
    assert.equal(broken[0].range.startLine, 2, 'line 3, 0-based');
    assert.match(broken[0].message, /SyntaxError/);
    assert.equal(broken[0].source, 'Airflow (local)');
    assert.equal(diagnostics.get(path.join(dir, 'dags', 'runtime_broken.py'))![0].range.startLine, 3);

    assert.equal(await run('managedAirflow.runner.testDag', 'hello_dag'), 0);
    assert.ok(state.messages.some((m) => m.level === 'info' && /hello_dag passed/.test(m.text)), JSON.stringify(state.messages));
    await run('managedAirflow.runner.openUi');
    assert.match(state.external[0], /^http:.*127\.0\.0\.1:\d+/);

    // requirements.txt changes → the user is offered a restart (declined here, then accepted).
    assert.equal(await controller.offerRestart('requirements.txt'), false, 'declined');
    assert.ok(state.messages.some((m) => /requirements\.txt changed\. Restart the local Airflow/.test(m.text)));
    const before = controller.status.url;
    state.answers.info.push('Restart');
    assert.equal(await controller.offerRestart('requirements.txt'), true);
    assert.equal(controller.status.state, 'healthy');
    assert.equal(controller.status.url, before);
    assert.ok(watchers.length > 0 && /requirements\.txt/.test(String((watchers[0].pattern as { pattern: string }).pattern)));

    await run('managedAirflow.runner.stop');
    assert.equal(controller.status.state, 'stopped');
    assert.equal(diagnostics.size, 0);

    state.answers.warning.push(undefined);
    await run('managedAirflow.runner.reset');
    const id = new LocalRunner(dir).projectId;
    assert.equal((await leftovers(docker, `${LABEL_PROJECT}=${id}`)).volumes.length, 1, 'declined reset keeps the database');
    state.answers.warning.push('Reset');
    await run('managedAirflow.runner.reset');
    assert.deepEqual(await leftovers(docker, `${LABEL_PROJECT}=${id}`), { containers: [], networks: [], volumes: [] });
  });

  it('errors become one message with the hint (explicit port in use); untrusted workspaces are refused', async () => {
    register(ctx);
    const other = new LocalRunner(makeProject(), { docker });
    const st = await other.start({ projectDir: other.projectDir, flavor: 'oss', airflowVersion: '2.10.3', image: STANDIN, labels: { 'managed-airflow.test': '1' } });
    try {
      state.config.set('managedAirflow.runner', { flavor: 'oss', airflowVersion: '2.10.3', image: STANDIN, port: st.port });
      await run('managedAirflow.runner.start');
      const err = state.messages.find((m) => m.level === 'error');
      assert.ok(err, JSON.stringify(state.messages));
      assert.match(err.text, new RegExp(`Port ${st.port} on 127\\.0\\.0\\.1 is already in use .* — Stop what listens there`));
    } finally {
      await other.reset();
      rmSync(other.projectDir, { recursive: true, force: true });
    }
    state.messages = [];
    state.trusted = false;
    await run('managedAirflow.runner.start');
    assert.match(state.messages.find((m) => m.level === 'error')!.text, /needs a trusted workspace/);
    state.trusted = true;
    // Docker not running: the status carries the reason (shown in the panel) and start says how to fix it.
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///tmp/managed-airflow-no-daemon.sock';
    const ctx3 = new Ctx({ ...extensionContext(), workspaceState: memento(), extensionUri: Uri.file('/ext') } as never);
    try {
      const down = register(ctx3);
      const st = await down.refresh();
      assert.equal(st.state, 'stopped');
      assert.match(st.problem!.message, /Docker is not running/);
      state.messages = [];
      await down.start();
    } catch (e) {
      assert.match((e as Error).message, /Docker is not running/);
    } finally {
      process.env.DOCKER_HOST = saved;
      if (saved === undefined) delete process.env.DOCKER_HOST;
      ctx3.dispose();
    }
  });

  it('panel: strict CSP with a nonce, init on ready, actions through messages; a new window reconnects by labels', async () => {
    const controller = register(ctx);
    run('managedAirflow.runner.open');
    const panel = panels[0];
    assert.ok(panel, 'a webview panel was created');
    const csp = /content="([^"]+)"/.exec(panel.html)![1];
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, new RegExp(`script-src 'nonce-${nonce.replace(/[+/=]/g, '\\$&')}'`));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal((panel.html.match(/<script /g) ?? []).length, (panel.html.match(new RegExp(`<script nonce="${nonce.replace(/[+/=]/g, '\\$&')}"`, 'g')) ?? []).length);
    assert.match(panel.html, /\/ext\/dist\/webview\/runnerPanel\.js/);

    panel.receive!({ type: 'ready' });
    await waitFor(() => panel.posted.some((m) => m.type === 'init'));
    const init = panel.posted.find((m) => m.type === 'init') as Extract<RunnerToWebview, { type: 'init' }>;
    assert.deepEqual(init.config, { flavor: 'oss', airflowVersion: '2.10.3', port: 0 });
    assert.equal(init.status.state, 'stopped');

    panel.receive!({ type: 'action', action: 'start' });
    await waitFor(() => controller.status.state === 'healthy', 60_000);
    await waitFor(() => panel.posted.some((m) => m.type === 'status' && m.status.state === 'healthy'));
    assert.ok(panel.posted.some((m) => m.type === 'busy' && m.action === 'start'));
    await waitFor(() => panel.posted.some((m) => m.type === 'log' && m.lines.some((l) => /Listening at/.test(l.text))), 10_000);

    panel.receive!({ type: 'config', config: { flavor: 'mwaa' } });
    await waitFor(() => controller.config().flavor === 'mwaa');

    // After a reload VS Code hands the serialised panel back: revive() takes it over with fresh HTML.
    const restored = (vscodeMock.window as unknown as { createWebviewPanel: () => never }).createWebviewPanel();
    const revived = LocalRunnerPanel.revive(restored, ctx, controller);
    assert.equal(LocalRunnerPanel.current, revived);
    assert.match(panels[panels.length - 1].html, /Content-Security-Policy/);
    assert.match(JSON.stringify((restored as { webview: { options: unknown } }).webview.options), /localResourceRoots/);

    // A second window (new controller) finds the running runner by its labels and follows it.
    const ctx2 = new Ctx({ ...extensionContext(), workspaceState: memento(), extensionUri: Uri.file('/ext') } as never);
    try {
      const again = register(ctx2);
      await again.reconnect();
      assert.equal(again.status.state, 'healthy');
      assert.equal(again.status.url, controller.status.url);
    } finally {
      ctx2.dispose();
    }
  });
});

async function waitFor(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
