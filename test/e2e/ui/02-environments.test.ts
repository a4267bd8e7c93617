// Scenario 2: the Managed Airflow view against a local Airflow REST API test server (the spec-validated
// fake from the platform tests): add the environment through the guided flow, expand
// environment → DAG → run → task instance, trigger a DAG from the context menu, open a task log.
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { poll, ROOT } from '../lib/codeServer';
import { startAirflowFake, type AirflowFake } from '../../integration/support/airflow-fake';
import { specsAvailable } from '../../integration/support/openapi';
import { Scenario } from './harness';

describe('UI 2: environments view (DAGs → runs → task instances, trigger, logs)', function () {
  this.timeout(180000);
  let airflow: AirflowFake;
  const sc = new Scenario('02-environments', { workspaceFrom: path.join(ROOT, 'examples') });
  before(async () => {
    // answers are validated against Airflow's own OpenAPI spec when ../shared/specs is beside the clone (CI)
    airflow = await startAirflowFake({ version: '2.10.3', users: { admin: 'e2e-secret' }, dags: 3, runsPerDag: 2, tasksPerDag: 3, importErrors: 0, validate: specsAvailable() });
    await sc.startOrShoot();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await sc.wb?.failureShot(this.currentTest.title);
  });
  after(async () => {
    await sc.stop();
    await airflow?.stop();
  });

  const tree = () => sc.wb.page.locator('.part.sidebar .monaco-list-row[role="treeitem"]');
  const treeRow = (label: string) => tree().filter({ has: sc.wb.page.locator('.label-name', { hasText: label }) }).first();
  /** Click a tree row, then park the mouse in the editor area so no tooltip covers the next row. */
  async function clickRow(row: ReturnType<typeof treeRow>, opts?: { button: 'right' }): Promise<void> {
    await row.click(opts);
    if (!opts) await sc.wb.page.mouse.move(1000, 700);
  }
  /** Answer the input box whose prompt matches `prompt` (waiting for it: the widget is reused between steps). */
  async function answer(prompt: RegExp, text: string): Promise<void> {
    const { page } = sc.wb;
    await page.locator('.quick-input-widget .quick-input-message', { hasText: prompt }).waitFor();
    await page.locator('.quick-input-widget input.input').fill(text);
    await page.keyboard.press('Enter');
  }

  it('adds a self-hosted environment through the guided flow', async () => {
    const { wb } = sc;
    await wb.page.locator('.activitybar a.action-label[aria-label^="Managed Airflow"]').click();
    await wb.page.locator('.part.sidebar', { hasText: /No Airflow environments yet/ }).waitFor();
    await wb.screenshot('welcome');
    await wb.runCommand('Managed Airflow: Add Environment…');
    await wb.pick('Self-hosted Airflow');
    await answer(/Airflow base URL/, airflow.url);
    await wb.pick('Username and password');
    await answer(/^Username/, 'admin');
    await answer(/^Password/, 'e2e-secret');
    await answer(/^Name shown in the tree/, 'local-e2e');
    await treeRow('local-e2e').waitFor({ timeout: 30000 });
  });

  it('expands environment → DAGs → runs → task instances', async () => {
    const { wb } = sc;
    await clickRow(treeRow('local-e2e'));
    await treeRow('dag_0000').waitFor({ timeout: 30000 });
    assert.ok(await treeRow('dag_0001').isVisible());
    await clickRow(treeRow('dag_0000'));
    // runs are labelled with their logical date; the first one finished successfully
    const run = tree().filter({ hasText: /2026-01-01/ }).first();
    await run.waitFor({ timeout: 30000 });
    await clickRow(run);
    await treeRow('task_0').waitFor({ timeout: 30000 });
    await treeRow('task_2').waitFor();
    await wb.screenshot('tree');
  });

  it('opens a task log in an editor', async () => {
    const { wb } = sc;
    await clickRow(treeRow('task_0'));
    const log = treeRow('Log (try 1)');
    await log.waitFor({ timeout: 30000 });
    await clickRow(log);
    await wb.page.locator('.tabs-container .tab', { hasText: /task_0/ }).first().waitFor({ timeout: 30000 });
    const text = await poll('log text in the editor', async () => {
      const t = (await wb.page.locator('.editor-group-container .monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
      return /return code 0/.test(t) ? t : undefined;
    });
    assert.match(text, /Running task_0 try 1/);
    await wb.screenshot('task-log');
  });

  it('triggers a DAG from the context menu', async () => {
    const { wb } = sc;
    const before = airflow.runs.get('dag_0001')!.length;
    await clickRow(treeRow('dag_0001'), { button: 'right' });
    // keyboard through the menu: "Trigger DAG…" is its first entry
    await wb.page.locator('.context-view .action-label', { hasText: 'Trigger DAG…' }).waitFor();
    await wb.page.keyboard.press('ArrowDown');
    await wb.page.locator('.context-view .action-item.focused', { hasText: 'Trigger DAG…' }).waitFor();
    await wb.screenshot('context-menu');
    await wb.page.keyboard.press('Enter');
    await answer(/Run configuration/, '{"source": "e2e"}');
    await answer(/Logical date/, '');
    await poll('a new run on the test server', () => airflow.runs.get('dag_0001')!.length === before + 1, 30000);
    const run = airflow.runs.get('dag_0001')!.at(-1)!;
    assert.deepEqual(run.conf, { source: 'e2e' });
    await wb.page.locator('.notifications-toasts', { hasText: /Triggered dag_0001/ }).waitFor({ timeout: 30000 });
    await wb.screenshot('triggered');
  });
});
