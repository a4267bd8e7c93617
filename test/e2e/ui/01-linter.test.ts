// Scenario 1: the linter in the real workbench, from the packaged VSIX, on a copy of examples/.
// Problems panel with codes → hover with version availability → lightbulb quick fix → status-bar
// target picker changes the verdicts.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { poll, ROOT } from '../lib/codeServer';
import { Scenario } from './harness';

const FIXTURES = path.join(ROOT, 'test/e2e/fixtures/host-workspace/dags');

describe('UI 1: linter (Problems, hover, quick fix, target picker)', function () {
  this.timeout(180000);
  const sc = new Scenario('01-linter', {
    workspaceFrom: path.join(ROOT, 'examples'),
    // two DAGs with known verdicts next to the examples, so the assertions do not depend on them
    files: {
      'dags/e2e_legacy_imports.py': `@${FIXTURES}/legacy_imports.py`,
      'dags/e2e_sdk_dag.py': `@${FIXTURES}/sdk_dag.py`,
    },
    workspaceSettings: { 'managedAirflow.target': 'mwaa:3.0.6' },
  });
  before(async () => { await sc.startOrShoot(); });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await sc.wb?.failureShot(this.currentTest.title);
  });
  after(async () => { await sc.stop(); });

  const row = (text: string) => sc.wb.page.locator('.markers-panel .monaco-list-row', { hasText: text });

  it('lists diagnostics with their codes in the Problems panel', async () => {
    const { wb } = sc;
    await wb.openFile('e2e_legacy_imports.py');
    await wb.runCommand('View: Focus Problems');
    await row('AF101').first().waitFor({ timeout: 60000 });
    const aria = (await row('AF101').first().getAttribute('aria-label')) ?? '';
    assert.match(aria, /^Error: .*bash_operator/i, aria);
    await sc.wb.page.locator('.monaco-editor .squiggly-error').first().waitFor();
    await wb.screenshot('problems');
  });

  it('shows version availability on hover', async () => {
    const { wb, } = sc;
    const { page } = wb;
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input.input').fill(':4:30');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-resizable-hover .monaco-hover-content').first();
    await hover.waitFor({ timeout: 20000 });
    const text = await poll('hover text with versions', async () => {
      const t = await hover.innerText();
      return /3\.0/.test(t) ? t : undefined;
    }, 20000);
    assert.match(text, /3\.0/);
    await wb.screenshot('hover');
    await page.keyboard.press('Escape');
  });

  it('lightbulb quick fix rewrites the import and the diagnostic disappears', async () => {
    const { wb } = sc;
    const { page } = wb;
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input.input').fill(':4:30');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+.');
    // the code action menu; pick the import fix, not "fix all"
    const fix = page.locator('.action-widget .monaco-list-row.action:not(.option-disabled)').filter({ hasNotText: /fix all/i }).first();
    await fix.waitFor({ timeout: 20000 });
    await wb.screenshot('quick-fix-menu');
    await fix.click();
    await poll('import rewritten', async () => {
      const lines = await page.locator('.monaco-editor .view-lines').first().innerText();
      return !lines.includes('bash_operator');
    }, 20000);
    await poll('AF101 gone from Problems', async () => (await row('AF101').count()) === 0, 30000);
    await wb.screenshot('quick-fix-applied');
  });

  it('switching the target in the status-bar picker changes the verdicts', async () => {
    const { wb } = sc;
    const { page } = wb;
    await page.keyboard.press('Escape');
    await wb.openFile('e2e_sdk_dag.py');
    const item = page.locator('.statusbar-item', { hasText: 'mwaa:3.0.6' }).first();
    await item.waitFor({ timeout: 30000 });
    assert.equal(await row('AF102').count(), 0, 'airflow.sdk is fine on Airflow 3.0');
    await item.click();
    await wb.pick('mwaa:2.10.3');
    await page.locator('.statusbar-item', { hasText: 'mwaa:2.10.3' }).first().waitFor({ timeout: 30000 });
    await row('AF102').first().waitFor({ timeout: 30000 });
    await wb.screenshot('target-switched');
  });
  it('highlights Jinja in bash_command= (injection grammar, token inspector)', async () => {
    const { wb } = sc;
    const { page } = wb;
    await page.keyboard.press('Escape');
    await wb.openFile('e2e_legacy_imports.py');
    const line = readFileSync(path.join(FIXTURES, 'legacy_imports.py'), 'utf8').split('\n').findIndex((l) => l.includes('{{ ds }}'));
    const col = readFileSync(path.join(FIXTURES, 'legacy_imports.py'), 'utf8').split('\n')[line].indexOf('{{ ds }}') + 4;
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input.input').fill(`:${line + 1}:${col}`);
    await page.keyboard.press('Enter');
    await wb.runCommand('Developer: Inspect Editor Tokens and Scopes');
    const widget = page.locator('.token-inspect-widget');
    await widget.waitFor({ timeout: 20000 });
    await poll('Airflow context scope in the inspector', async () => /variable\.language\.context\.airflow/.test(await widget.innerText()), 20000);
    assert.match(await widget.innerText(), /meta\.embedded\.expression\.jinja/);
    await wb.screenshot('jinja-scopes');
    await page.keyboard.press('Escape');
  });
});
