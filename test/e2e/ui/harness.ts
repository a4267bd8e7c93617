// One UI scenario = one sandbox + one code-server with the packaged VSIX installed + one Chromium.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { createSandbox, installVsix, ROOT, startCodeServer, type CodeServer, type Sandbox } from '../lib/codeServer';
import { launchBrowser, Workbench } from '../lib/workbench';

let vsixPath: string | undefined;
/** The VSIX under test: E2E_VSIX, else packaged once per process by test/e2e/package-vsix.sh. */
export function vsix(): string {
  if (!vsixPath && process.env.E2E_VSIX) vsixPath = process.env.E2E_VSIX;
  if (!vsixPath) {
    const built = execFileSync('bash', [path.join(ROOT, 'test/e2e/package-vsix.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop()!;
    process.on('exit', () => rmSync(path.dirname(built), { recursive: true, force: true }));
    vsixPath = built;
  }
  return vsixPath;
}

export interface ScenarioOptions {
  /** copied into the workspace first (e.g. examples/) */
  workspaceFrom?: string;
  /** extra files: workspace-relative path → content, or an absolute source path to copy (`@/abs/path`) */
  files?: Record<string, string>;
  workspaceSettings?: Record<string, unknown>;
  userSettings?: Record<string, unknown>;
  /** environment for code-server and so for the extension host */
  env?: NodeJS.ProcessEnv;
  /** open the folder untrusted (Restricted Mode) */
  restricted?: boolean;
}

export class Scenario {
  sb!: Sandbox;
  server?: CodeServer;
  browser?: Browser;
  wb!: Workbench;
  constructor(readonly name: string, private readonly opts: ScenarioOptions = {}) {}

  async start(): Promise<Workbench> {
    const o = this.opts;
    this.sb = createSandbox(this.name, { workspaceFrom: o.workspaceFrom, userSettings: o.userSettings });
    for (const [rel, content] of Object.entries(o.files ?? {})) {
      const dest = path.join(this.sb.workspace, rel);
      mkdirSync(path.dirname(dest), { recursive: true });
      if (content.startsWith('@/')) cpSync(content.slice(1), dest, { recursive: true });
      else writeFileSync(dest, content);
    }
    if (o.workspaceSettings) {
      const file = path.join(this.sb.workspace, '.vscode/settings.json');
      mkdirSync(path.dirname(file), { recursive: true });
      const existing = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
      writeFileSync(file, JSON.stringify({ ...existing, ...o.workspaceSettings }, null, 2));
    }
    installVsix(this.sb, vsix());
    this.server = await startCodeServer(this.sb, [], o.env, o.restricted);
    this.browser = await launchBrowser(this.sb);
    this.wb = await Workbench.open(this.browser, this.server.base, this.sb.workspace, this.name);
    // the extension's view container appears once its contributions are registered
    await this.wb.page.locator('.activitybar a.action-label[aria-label^="Managed Airflow"]').waitFor({ timeout: 90000 });
    return this.wb;
  }

  /** Mocha `before` hook body: start, with a screenshot + log if starting fails. */
  async startOrShoot(): Promise<Workbench> {
    try {
      return await this.start();
    } catch (e) {
      const page = this.browser?.contexts()[0]?.pages()[0];
      if (page) await new Workbench(page, this.name).failureShot('start');
      throw e;
    }
  }

  async stop(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    if (this.server) {
      await this.server.stop();
      const logDir = path.join(ROOT, 'test-results', 'e2e');
      mkdirSync(logDir, { recursive: true });
      writeFileSync(path.join(logDir, `${this.name}-code-server.log`), this.server.output());
    }
    this.sb?.dispose();
  }
}
