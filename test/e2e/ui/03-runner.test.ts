// Scenario 3: the local-runner panel from the packaged VSIX in a real workbench, against the real
// Docker engine with the offline stand-in image: open the panel, Start, healthy status rows, the
// broken DAG as an error in the Problems panel, logs in the webview, Stop from the command palette.
import { strict as assert } from 'node:assert';
import type { FrameLocator } from 'playwright-core';
import { poll } from '../lib/codeServer';
import { Scenario } from './harness';
import { LocalRunner } from '../../../core/src/runner';
import { STANDIN, ensureEngine, ensureStandin, BROKEN_DAG, GOOD_DAG } from '../../integration/support/docker';

describe('UI 3: local runner panel (Start, status, import errors in Problems, logs, Stop)', function () {
  this.timeout(240000);
  let sc: Scenario;
  let skipped = false;

  before(async function () {
    this.timeout(400000);
    const { docker, reason } = await ensureEngine();
    if (!docker) {
      console.error(`\n!!! SKIPPING UI 3 (local runner): ${reason}\n`);
      skipped = true;
      return this.skip();
    }
    await ensureStandin(docker);
    sc = new Scenario('03-runner', {
      files: { 'dags/hello.py': GOOD_DAG, 'dags/broken.py': BROKEN_DAG },
      workspaceSettings: { 'managedAirflow.runner.flavor': 'oss', 'managedAirflow.runner.airflowVersion': '2.10.3', 'managedAirflow.runner.image': STANDIN },
      env: { MANAGED_AIRFLOW_RUNNER_LABELS: 'managed-airflow.test=1' },
    });
    await sc.startOrShoot();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await sc?.wb?.failureShot(this.currentTest.title);
  });
  after(async () => {
    if (sc?.sb) await new LocalRunner(sc.sb.workspace).reset().catch(() => undefined);
    await sc?.stop();
  });

  /** The panel's document: VS Code nests each webview in two iframes. */
  const panel = (): FrameLocator => sc.wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

  it('opens the panel, starts Airflow and shows healthy components', async function () {
    if (skipped) return this.skip();
    const { wb } = sc;
    await wb.runCommand('Managed Airflow: Open Local Airflow Panel');
    await wb.page.locator('.tabs-container .tab', { hasText: 'Airflow (local)' }).waitFor({ timeout: 60000 });
    const p = panel();
    await p.locator('#state').waitFor({ timeout: 60000 });
    assert.equal((await p.locator('#state').textContent())?.trim(), 'stopped');
    await p.getByRole('button', { name: 'Start', exact: true }).click();
    await poll('state healthy', async () => (await p.locator('#state').textContent())?.trim() === 'healthy', 90000);
    assert.match((await p.locator('#url').textContent()) ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match((await p.locator('#components').textContent()) ?? '', /airflow\s*running/);
    await wb.screenshot('healthy');
  });

  it('reports the broken DAG in the panel and as an error in the Problems panel', async function () {
    if (skipped) return this.skip();
    const { wb } = sc;
    const p = panel();
    await poll('import error listed', async () => /broken\.py:3/.test((await p.locator('#importErrors').textContent()) ?? ''), 60000);
    await wb.runCommand('View: Focus Problems');
    const row = wb.page.locator('.markers-panel .monaco-list-row', { hasText: 'Airflow import error (local runner)' }).first();
    await row.waitFor({ timeout: 30000 });
    assert.match((await row.getAttribute('aria-label')) ?? '', /^Error: .*SyntaxError/);
    await wb.screenshot('problems');
  });

  it('streams logs into the panel and stops from the command palette', async function () {
    if (skipped) return this.skip();
    const { wb } = sc;
    await wb.page.locator('.tabs-container .tab', { hasText: 'Airflow (local)' }).click();
    const p = panel();
    await poll('logs streamed', async () => /Listening at/.test((await p.locator('#logs').textContent()) ?? ''), 30000);
    await wb.runCommand('Managed Airflow: Stop Local Airflow');
    await poll('containers gone', async () => (await new LocalRunner(sc.sb.workspace).status()).state === 'stopped', 60000);
    await poll('state stopped', async () => (await p.locator('#state').textContent())?.trim() === 'stopped', 30000);
  });
});
