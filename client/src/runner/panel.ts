import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { toManagedError } from '../../../core/src/errors';
import type { RunnerFromWebview, RunnerToWebview } from '../../../core/src/protocol/runner';
import type { RunnerController } from './controller';
import { runnerPanelHtml } from './html';

export const PANEL_VIEW_TYPE = 'managedAirflow.runner';

/**
 * Webview host of the local-runner panel: strict CSP with a nonce, scripts and styles only
 * from dist/ and media/, typed messages (core/src/protocol/runner.ts). The webview keeps its
 * own state (getState/setState), so hiding it costs nothing; updates are deltas.
 */
export class LocalRunnerPanel implements vscode.Disposable {
  static current: LocalRunnerPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static createOrShow(ctx: Ctx, controller: RunnerController): LocalRunnerPanel {
    if (LocalRunnerPanel.current) {
      LocalRunnerPanel.current.panel.reveal(undefined, false);
      return LocalRunnerPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Airflow (local)', vscode.ViewColumn.Active, LocalRunnerPanel.options(ctx));
    return (LocalRunnerPanel.current = new LocalRunnerPanel(panel, ctx, controller));
  }

  /** Restores the panel after a reload (registered with registerWebviewPanelSerializer). */
  static revive(panel: vscode.WebviewPanel, ctx: Ctx, controller: RunnerController): LocalRunnerPanel {
    panel.webview.options = LocalRunnerPanel.options(ctx);
    LocalRunnerPanel.current?.dispose();
    return (LocalRunnerPanel.current = new LocalRunnerPanel(panel, ctx, controller));
  }

  static options(ctx: Ctx): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    const root = ctx.extension.extensionUri;
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(root, 'dist'), vscode.Uri.joinPath(root, 'media')] };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly ctx: Ctx,
    private readonly controller: RunnerController,
  ) {
    panel.iconPath = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'icon.png');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: RunnerFromWebview) => void this.onMessage(m)),
      controller.on({
        status: (status) => this.post({ type: 'status', status }),
        log: (lines) => this.post({ type: 'log', lines }),
        logReset: () => this.post({ type: 'logReset' }),
        importErrors: (errors) => this.post({ type: 'importErrors', errors }),
        busy: (action, detail) => this.post({ type: 'busy', action: action as never, detail }),
        testDagOutput: (dagId, text, done) => this.post({ type: 'testDagOutput', dagId, text, done }),
      }),
      panel.onDidChangeViewState(() => (panel.visible ? controller.startPolling() : undefined)),
    );
    controller.startPolling();
  }

  post(m: RunnerToWebview): void {
    void this.panel.webview.postMessage(m);
  }

  private async onMessage(m: RunnerFromWebview): Promise<void> {
    try {
      switch (m.type) {
        case 'ready': {
          const status = await this.controller.refresh();
          const { image: _image, ...config } = this.controller.config();
          this.post({ type: 'init', config, versions: this.controller.versions(), status, importErrors: this.controller.importErrors });
          if (status.state !== 'stopped') this.controller.startFollowing();
          return;
        }
        case 'config':
          await this.controller.setConfig(m.config);
          return;
        case 'openFile': {
          const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(m.file));
          const line = Math.max(0, (m.line ?? 1) - 1);
          await vscode.window.showTextDocument(doc, { selection: new vscode.Range(line, 0, line, 0), viewColumn: vscode.ViewColumn.One });
          return;
        }
        case 'action':
          switch (m.action) {
            case 'start':
              return await this.controller.start();
            case 'pull':
              return await this.controller.start({ pull: true });
            case 'stop':
              return await this.controller.stop();
            case 'restart':
              return await this.controller.restart();
            case 'reset':
              return await this.controller.reset();
            case 'openUi':
              return await this.controller.openUi();
            case 'testDag':
              await this.controller.testDag(m.dagId || undefined);
              return;
          }
      }
    } catch (e) {
      const err = toManagedError(e);
      this.post({ type: 'error', message: err.message, hint: err.hint });
      await this.ctx.showError(e, 'runner panel');
    }
  }

  private html(): string {
    const w = this.panel.webview;
    return runnerPanelHtml({
      cspSource: w.cspSource,
      nonce: randomBytes(16).toString('base64'),
      uri: (...p) => w.asWebviewUri(vscode.Uri.joinPath(this.ctx.extension.extensionUri, ...p)).toString(),
    });
  }

  dispose(): void {
    if (LocalRunnerPanel.current === this) LocalRunnerPanel.current = undefined;
    this.controller.stopPolling();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
