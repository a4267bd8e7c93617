// Workspace trust: in Restricted Mode the linter still works, while deploying and the local runner
// (which upload files / start containers) are not offered until the folder is trusted.
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { ROOT } from '../lib/codeServer';
import { Scenario } from './harness';

describe('UI 5: Restricted Mode (untrusted folder)', function () {
  this.timeout(180000);
  const sc = new Scenario('05-restricted', {
    workspaceFrom: path.join(ROOT, 'test/e2e/fixtures/host-workspace'),
    restricted: true,
    userSettings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' },
  });
  before(async () => { await sc.startOrShoot(); });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await sc.wb?.failureShot(this.currentTest.title);
  });
  after(async () => { await sc.stop(); });

  it('opens in Restricted Mode and still lints', async () => {
    const { wb } = sc;
    await wb.page.locator('.statusbar-item', { hasText: /Restricted Mode/ }).first().waitFor({ timeout: 30000 });
    await wb.openFile('legacy_imports.py');
    await wb.runCommand('View: Focus Problems');
    await wb.page.locator('.markers-panel .monaco-list-row', { hasText: 'AF101' }).first().waitFor({ timeout: 60000 });
    await wb.screenshot('restricted-lints');
  });

  it('does not offer Deploy DAGs… while the folder is untrusted', async () => {
    const { page } = sc.wb;
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input.input').fill('>Managed Airflow: ');
    // the linter's own commands are listed, so the palette has the extension's contributions
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Select Airflow Target' }).first().waitFor({ timeout: 30000 });
    await page.locator('.quick-input-widget input.input').fill('>Managed Airflow: Deploy DAGs');
    // VS Code answers with "No matching commands" or with "similar commands" (other Managed Airflow ones)
    await page.locator('.quick-input-list .monaco-list-row', { hasText: /No matching commands|Managed Airflow: (?!Deploy)/ }).first().waitFor({ timeout: 10000 });
    const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    assert.ok(!rows.some((r) => /Deploy DAGs/.test(r)), `Deploy DAGs… offered in Restricted Mode: ${rows.join(' | ')}`);
    await page.keyboard.press('Escape');
  });
});
