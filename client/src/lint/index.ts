import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { listTargets, resolveTargetLabel } from '../../../core/src/targets';
import { FixAllCommand, LintStatusNotification, ResolveTargetRequest, type LintStatusParams, type ResolveTargetResult } from '../../../core/src/protocol/lsp';
import { toManagedError } from '../../../core/src/errors';
import type { Ctx } from '../ctx';

/**
 * The linter in the editor: starts the language server, shows the effective target in the
 * status bar (click → picker), and offers restart / fix-all commands.
 */
export function register(ctx: Ctx): LintFeature {
  const feature = new LintFeature(ctx);
  ctx.push(feature);
  return feature;
}

export class LintFeature implements vscode.Disposable {
  client: LanguageClient | undefined;
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private restarting: Promise<void> = Promise.resolve();
  private lastStatus = new Map<string, LintStatusParams>();
  /** Resolves when the server has started (or failed to). */
  readonly ready: Promise<void>;

  constructor(private readonly ctx: Ctx) {
    this.status = vscode.window.createStatusBarItem('managedAirflow.target', vscode.StatusBarAlignment.Right, 100);
    this.status.name = 'Managed Airflow target';
    this.status.command = 'managedAirflow.selectTarget';
    this.disposables.push(this.status);
    ctx.registerCommand('managedAirflow.selectTarget', () => this.pickTarget());
    ctx.registerCommand('managedAirflow.restartServer', () => this.restart());
    ctx.registerCommand('managedAirflow.showLogs', () => ctx.log.show(true));
    ctx.registerCommand('managedAirflow.fixAll', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || !this.client) return;
      await this.client.sendRequest('workspace/executeCommand', { command: FixAllCommand, arguments: [editor.document.uri.toString()] });
    });
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => void this.refreshStatus()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('managedAirflow.target') || e.affectsConfiguration('managedAirflow.python')) void this.refreshStatus();
      }),
    );
    this.ready = this.start();
  }

  private async start(): Promise<void> {
    const serverModule = this.ctx.extension.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'python' },
        { scheme: 'untitled', language: 'python' },
      ],
      synchronize: {
        fileEvents: [
          vscode.workspace.createFileSystemWatcher('**/*.py'),
          vscode.workspace.createFileSystemWatcher('**/{Dockerfile,requirements.txt,pyproject.toml,.airflowignore}'),
        ],
      },
      outputChannelName: 'Managed Airflow Language Server',
      traceOutputChannel: undefined,
      initializationFailedHandler: (error) => {
        this.ctx.log.error(`language server failed to initialise: ${String(error)}`);
        void this.ctx.showError(new Error(`The Airflow language server failed to start: ${String(error)}`));
        return false;
      },
    };
    this.client = new LanguageClient('managedAirflow', 'Managed Airflow Language Server', serverOptions, clientOptions);
    this.disposables.push(
      this.client.onNotification(LintStatusNotification, (p: LintStatusParams) => {
        this.lastStatus.set(p.uri, p);
        if (vscode.window.activeTextEditor?.document.uri.toString() === p.uri) this.render(p);
      }),
    );
    const started = performance.now();
    try {
      await this.client.start();
      this.ctx.log.info(`language server ready in ${Math.round(performance.now() - started)} ms`);
      await vscode.commands.executeCommand('setContext', 'managedAirflow.serverRunning', true);
    } catch (e) {
      await this.ctx.showError(e, 'language server');
    }
    await this.refreshStatus();
  }

  async restart(): Promise<void> {
    this.restarting = this.restarting.then(async () => {
      if (this.client) {
        await this.client.stop().catch(() => undefined);
        await this.client.start();
        this.ctx.log.info('language server restarted');
      }
    });
    return this.restarting;
  }

  private render(p?: LintStatusParams) {
    if (!p) return;
    if (p.error) {
      this.status.text = '$(error) Airflow target';
      this.status.tooltip = p.error;
      this.status.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    }
  }

  /** Ask the server for the active document's effective target and show it. */
  async refreshStatus(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'python' || !this.client?.isRunning()) {
      if (!editor || editor.document.languageId !== 'python') this.status.hide();
      return;
    }
    let res: ResolveTargetResult;
    try {
      res = await this.client.sendRequest<ResolveTargetResult>(ResolveTargetRequest, { uri: editor.document.uri.toString() });
    } catch (e) {
      this.ctx.log.warn(`resolveTarget failed: ${String(e)}`);
      return;
    }
    if (res.error) {
      this.status.text = '$(error) Airflow target';
      this.status.tooltip = `${res.error.source ? `${res.error.source}: ` : ''}${res.error.message}${res.error.hint ? `\n${res.error.hint}` : ''}\nClick to pick a valid target.`;
      this.status.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else if (res.target) {
      const t = res.target;
      const from = t.source === 'default' ? 'embedded default (newest MWAA)' : t.source === 'setting' ? 'setting managedAirflow.target' : `${t.source} ${t.sourceDetail ?? ''}`;
      this.status.text = `$(versions) ${t.label}`;
      const md = new vscode.MarkdownString(`**Airflow target** \`${t.label}\`\n\nAirflow ${t.airflow} · Python ${t.python}\n\nFrom: ${from}${t.notes.length ? `\n\n${t.notes.map((n) => `- ${n}`).join('\n')}` : ''}\n\nClick to change.`);
      this.status.tooltip = md;
      this.status.backgroundColor = undefined;
    }
    this.status.show();
  }

  /** Quick pick of every known target, grouped by platform, plus auto-detect and a custom entry. */
  async pickTarget(): Promise<string | undefined> {
    type Item = vscode.QuickPickItem & { label: string; value?: string; custom?: boolean };
    const current = this.ctx.targetSetting;
    const items: Item[] = [
      { label: '$(search) Auto-detect', description: 'Dockerfile / requirements.txt, else newest MWAA', value: '', picked: !current },
      { label: '$(edit) Enter a target…', description: 'platform:version', custom: true },
    ];
    const names: Record<string, string> = { mwaa: 'AWS MWAA', composer: 'Google Cloud Composer', astro: 'Astronomer Astro Runtime', airflow: 'Self-hosted Apache Airflow' };
    let last = '';
    for (const t of [...listTargets()].reverse().sort((a, b) => ['mwaa', 'composer', 'astro', 'airflow'].indexOf(a.platform) - ['mwaa', 'composer', 'astro', 'airflow'].indexOf(b.platform))) {
      if (t.platform !== last) {
        items.push({ label: names[t.platform], kind: vscode.QuickPickItemKind.Separator });
        last = t.platform;
      }
      items.push({ label: t.label, description: `Airflow ${t.airflow} · Python ${t.python}${t.status && t.status !== 'supported' ? ` · ${t.status}` : ''}`, value: t.label, picked: t.label === current });
    }
    const pick = await vscode.window.showQuickPick(items, { title: 'Select the Airflow target to lint against', placeHolder: current ? `current: ${current}` : 'current: auto-detect', matchOnDescription: true });
    if (!pick) return undefined;
    let value = pick.value;
    if (pick.custom) {
      value = await vscode.window.showInputBox({
        title: 'Airflow target',
        prompt: 'platform:version, e.g. mwaa:2.10.3, composer:composer-3-airflow-2.10.5-build.5, astro:12.1.0, astro:3.0-4, airflow:2.9.2',
        value: current,
        validateInput: (v) => {
          if (!v.trim()) return undefined;
          try {
            resolveTargetLabel(v);
            return undefined;
          } catch (e) {
            const err = toManagedError(e);
            return err.hint ? `${err.message}. ${err.hint}` : err.message;
          }
        },
      });
      if (value === undefined) return undefined;
    }
    await this.ctx.setTarget(value?.trim() || undefined);
    await this.refreshStatus();
    return value;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    void this.client?.stop().catch(() => undefined);
  }
}
