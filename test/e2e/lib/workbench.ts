// Driving the VS Code workbench in headless Debian Chromium with playwright-core.
// Selectors are the stable ones from the e2e recipe (docs in the README's Development section).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, RESULTS, type Sandbox } from './codeServer';

export async function launchBrowser(sb: Sandbox): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: !process.env.HEADFUL,
    env: { ...sb.env }, // sandbox HOME: else Chromium writes ~/.config/chromium and ~/.cache/dconf
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export class Workbench {
  private shot = 0;
  constructor(readonly page: Page, readonly scenario: string) {}

  static async open(browser: Browser, base: string, folder: string, scenario: string): Promise<Workbench> {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await ctx.newPage();
    page.setDefaultTimeout(30000);
    const wb = new Workbench(page, scenario);
    const url = `${base}/?folder=${encodeURIComponent(folder)}`;
    await page.goto(url);
    try {
      await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    } catch {
      // A busy CI machine occasionally leaves the first load blank; one reload, then give up.
      await wb.failureShot('workbench-first-load');
      await page.goto(url);
      await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
    }
    return wb;
  }

  /** F1, type the title, wait for the focused row that shows it, Enter. Retries while the palette
   * still says "No matching commands" (extension contributions register shortly after startup). */
  async runCommand(title: string, timeoutMs = 60000): Promise<void> {
    const { page } = this;
    const t0 = Date.now();
    for (;;) {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input.input');
      await input.waitFor();
      await input.fill('>' + title);
      try {
        await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).first().waitFor({ timeout: 5000 });
        break;
      } catch (e) {
        if (Date.now() - t0 > timeoutMs) throw e;
        await page.keyboard.press('Escape');
      }
    }
    await page.keyboard.press('Enter');
  }

  async openFile(name: string): Promise<void> {
    const { page } = this;
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor();
    await input.fill(name);
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: path.basename(name) }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: path.basename(name) }).waitFor();
  }

  /** Quick pick: type `text`, wait for a focused row containing it, accept. */
  async pick(text: string): Promise<void> {
    const { page } = this;
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor();
    await input.fill(text);
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: text }).first().waitFor();
    await page.keyboard.press('Enter');
  }

  /** Aria labels of the Problems panel rows ("Error: … line 3 …"). */
  async problems(): Promise<string[]> {
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    return (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).filter(Boolean);
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(RESULTS, { recursive: true });
    const file = path.join(RESULTS, `${this.scenario}-${String(++this.shot).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async failureShot(title: string): Promise<void> {
    mkdirSync(RESULTS, { recursive: true });
    await this.page.screenshot({ path: path.join(RESULTS, `FAIL-${this.scenario}-${title.replace(/\W+/g, '_')}.png`) }).catch(() => undefined);
  }
}
