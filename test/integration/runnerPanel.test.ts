/**
 * The runner panel's webview code (media/src/runnerPanel.ts) in a real Chromium, under the
 * panel's own HTML and CSP (client/src/runner/html.ts), with a stub of the VS Code webview API:
 * typed messages both ways, deltas instead of re-renders, state kept across a reload, and no
 * CSP violations (vscode-elements + codicons load under the nonce policy).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runnerPanelHtml } from '../../client/src/runner/html';
import type { RunnerFromWebview, RunnerToWebview } from '../../core/src/protocol/runner';

const REPO = path.resolve(__dirname, '../..');
const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

describe('runner panel webview (Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: http.Server;
  let base: string;
  let out: string;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.error(`\n!!! SKIPPING the runner panel webview test: no Chromium at ${CHROMIUM} (scripts/test.d/30-runner.sh installs Debian chromium)\n`);
      return this.skip();
    }
    out = mkdtempSync(path.join(os.tmpdir(), 'ma-panel-'));
    await esbuild.build({ bundle: true, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: [path.join(REPO, 'media/src/runnerPanel.ts')], outfile: path.join(out, 'runnerPanel.js'), logLevel: 'warning' });
    const files: Record<string, string> = {
      '/dist/webview/runnerPanel.js': path.join(out, 'runnerPanel.js'),
      '/dist/codicons/codicon.css': require.resolve('@vscode/codicons/dist/codicon.css'),
      '/dist/codicons/codicon.ttf': require.resolve('@vscode/codicons/dist/codicon.ttf'),
      '/media/runnerPanel.css': path.join(REPO, 'media/runnerPanel.css'),
    };
    const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.html': 'text/html' };
    server = http.createServer((req, res) => {
      const url = req.url!.split('?')[0];
      if (url === '/favicon.ico') {
        res.writeHead(204);
        return res.end();
      }
      if (url === '/panel.html') {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        return res.end(runnerPanelHtml({ cspSource: base, nonce: 'dGVzdC1ub25jZQ==', uri: (...p) => `${base}/${p.join('/')}` }));
      }
      const f = files[url];
      if (!f) {
        res.writeHead(404);
        return res.end();
      }
      res.writeHead(200, { 'Content-Type': types[path.extname(f)] ?? 'application/octet-stream' });
      res.end(readFileSync(f));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  after(async () => {
    await browser?.close();
    server?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  /** A page with the VS Code webview API stubbed: posted messages and setState calls are recorded. */
  async function open(savedState?: unknown): Promise<{ page: Page; violations: string[] }> {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('pageerror', (e) => violations.push(`pageerror: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && violations.push(`console: ${m.text()}`));
    await page.exposeFunction('__cspViolation', (v: string) => violations.push(v));
    // A string, not a function: tsx would inject its __name helper into a serialised function.
    await page.addInitScript(`
      window.__posted = [];
      window.__state = ${JSON.stringify(savedState ?? null)} ?? undefined;
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__posted.push(m),
        getState: () => window.__state,
        setState: (s) => { window.__state = s; },
      });
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolation(e.violatedDirective + ' ' + e.blockedURI));
    `);
    await page.goto(`${base}/panel.html`);
    await page.waitForFunction(() => ((window as unknown as { __posted: unknown[] }).__posted ?? []).length > 0, undefined, { timeout: 10_000 }).catch(() => assert.fail(`the webview never said ready: ${violations.join('\n')}`));
    return { page, violations };
  }
  const posted = (page: Page) => page.evaluate(() => (window as unknown as { __posted: RunnerFromWebview[] }).__posted);
  const send = (page: Page, m: RunnerToWebview) => page.evaluate((msg) => window.postMessage(msg, '*'), m);

  const init: RunnerToWebview = {
    type: 'init',
    config: { flavor: 'mwaa', airflowVersion: '2.10.3', port: 0 },
    versions: ['3.0.2', '2.10.3', '2.9.2'],
    status: {
      state: 'healthy',
      flavor: 'mwaa',
      airflowVersion: '2.10.3',
      port: 8080,
      url: 'http://127.0.0.1:8080',
      components: [
        { name: 'postgres', container: 'running', health: 'healthy' },
        { name: 'webserver', container: 'running', health: 'healthy' },
        { name: 'scheduler', container: 'running', health: 'unknown' },
      ],
    },
    importErrors: [{ containerPath: '/usr/local/airflow/dags/broken.py', file: '/p/dags/broken.py', line: 3, message: 'SyntaxError: invalid syntax', stackTrace: 'Traceback…' }],
  };

  it('says ready, renders init, applies status deltas in place, appends logs, posts typed actions, keeps state', async () => {
    const { page, violations } = await open();
    assert.deepEqual((await posted(page))[0], { type: 'ready' });
    await send(page, init);
    await page.waitForSelector('#components .component >> nth=2');
    assert.equal(await page.locator('#state').textContent(), 'healthy');
    assert.equal(await page.locator('#url').textContent(), 'http://127.0.0.1:8080');
    assert.equal(await page.locator('#components .component').count(), 3);
    assert.match((await page.locator('#importErrors li').first().textContent())!, /\/p\/dags\/broken\.py:3 — SyntaxError: invalid syntax/);
    assert.equal(await page.evaluate(() => (document.querySelector('#flavor') as unknown as { value: string }).value), 'mwaa');

    // Status delta: the scheduler row is patched, not re-created; a removed component disappears.
    await page.evaluate(() => ((document.querySelectorAll('#components .component')[2] as HTMLElement & { __mark?: number }).__mark = 42));
    await send(page, { type: 'status', status: { ...init.status, components: [init.status.components[1], { name: 'scheduler', container: 'running', health: 'healthy' }] } });
    await page.waitForFunction(() => document.querySelectorAll('#components .component').length === 2);
    assert.equal(await page.evaluate(() => (Array.from(document.querySelectorAll('#components .component')).find((r) => r.textContent!.startsWith('scheduler')) as HTMLElement & { __mark?: number }).__mark), 42);
    assert.match((await page.locator('#components .component', { hasText: 'scheduler' }).textContent())!, /healthy/);

    // Logs are appended (the first line's node survives a second batch).
    await send(page, { type: 'log', lines: [{ component: 'scheduler', stream: 'stdout', text: 'first line' }] });
    await page.waitForSelector('#logs span');
    await page.evaluate(() => ((document.querySelector('#logs span') as HTMLElement & { __mark?: number }).__mark = 7));
    await send(page, { type: 'log', lines: [{ component: 'webserver', stream: 'stderr', text: 'second line' }, { component: 'scheduler', stream: 'stdout', text: 'third line' }] });
    await page.waitForFunction(() => document.querySelectorAll('#logs span').length === 3);
    assert.equal(await page.evaluate(() => (document.querySelector('#logs span') as HTMLElement & { __mark?: number }).__mark), 7);
    assert.equal(await page.locator('#logs span.err').count(), 1);

    // Typed messages back to the host.
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.locator('#importErrors a').first().click();
    await page.locator('#dagId').evaluate((e: HTMLElement & { value: string }) => (e.value = 'hello_dag'));
    await page.getByRole('button', { name: 'Test DAG', exact: true }).click();
    const msgs = await posted(page);
    assert.deepEqual(msgs.slice(1), [
      { type: 'action', action: 'stop' },
      { type: 'openFile', file: '/p/dags/broken.py', line: 3 },
      { type: 'action', action: 'testDag', dagId: 'hello_dag' },
    ]);
    await send(page, { type: 'testDagOutput', dagId: 'hello_dag', text: 'DagRun Finished: state=success\n', done: { exitCode: 0 } });
    await page.waitForFunction(() => /passed/.test(document.querySelector('#testOutput')!.textContent!));

    // Busy state disables the buttons; errors are shown with their hint.
    await send(page, { type: 'busy', action: 'start', detail: 'Pulling postgres:13' });
    assert.equal(await page.getByRole('button', { name: 'Start', exact: true }).getAttribute('disabled'), '');
    assert.match((await page.locator('#busyText').textContent())!, /Pulling postgres:13/);
    await send(page, { type: 'error', message: 'Docker is not running', hint: 'Start Docker' });
    assert.equal(await page.locator('#error').textContent(), 'Docker is not running — Start Docker');

    // A status that could not be read (Docker down) says why; the next good status clears it.
    await send(page, { type: 'status', status: { state: 'stopped', components: [], problem: { message: 'Docker is not running: nothing answers at unix:///var/run/docker.sock', hint: 'Start Docker Desktop' } } });
    assert.match((await page.locator('#error').textContent())!, /Docker is not running.*— Start Docker Desktop/);
    await send(page, { type: 'status', status: { ...init.status, components: [init.status.components[1], { name: 'scheduler', container: 'running', health: 'healthy' }] } });
    assert.equal(await page.locator('#error').isHidden(), true);

    // Filtering by component rebuilds the view from the kept lines.
    await page.evaluate(() => {
      const sel = document.querySelector('#logFilter') as unknown as HTMLElement & { value: string };
      sel.value = 'scheduler';
      sel.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(() => document.querySelectorAll('#logs span').length === 2);

    // State survives the panel being hidden (webview reloaded with the saved state).
    await page.waitForTimeout(400);
    const saved = await page.evaluate(() => (window as unknown as { __state: unknown }).__state);
    const again = await open(saved);
    await again.page.waitForSelector('#components .component');
    assert.equal(await again.page.locator('#logs span').count(), 2, 'filtered logs restored');
    assert.equal(await again.page.locator('#state').textContent(), 'healthy');
    assert.match((await again.page.locator('#testOutput').textContent())!, /state=success/);
    assert.deepEqual(violations, [], 'no CSP violations');
    assert.deepEqual(again.violations, [], 'no CSP violations after reload');
    // vscode-elements rendered (shadow roots exist) and the codicon font loaded under the CSP.
    assert.ok(await page.evaluate(() => !!document.querySelector('vscode-button')!.shadowRoot));
    assert.ok(
      await page.evaluate(async () => {
        await document.fonts.ready;
        const faces: FontFace[] = [];
        document.fonts.forEach((f) => faces.push(f));
        return faces.some((f) => f.family.includes('codicon') && f.status === 'loaded');
      }),
    );
  });
});
