import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { ManagedAirflowError, toManagedError } from '../../../core/src/errors';
import type { RunnerFlavor, RunnerImportError, RunnerLogLine, RunnerPanelConfig, RunnerStatus } from '../../../core/src/protocol/runner';
import { normaliseRunnerSettings } from '../../../core/src/protocol/runner';

type RunnerModule = typeof import('../../../core/src/runner');
type LocalRunner = import('../../../core/src/runner').LocalRunner;
type LogFollow = import('../../../core/src/runner').LogFollow;
let runnerModule: RunnerModule | undefined;
/** dockerode loads on first use, not at activation. */
function runnerLib(): RunnerModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (runnerModule ??= require('../../../core/src/runner') as RunnerModule);
}

const CONFIG_KEY = 'managedAirflow.runner.panelConfig';

export interface RunnerEvents {
  status(s: RunnerStatus): void;
  log(lines: RunnerLogLine[]): void;
  logReset(): void;
  importErrors(e: RunnerImportError[]): void;
  busy(action: string | null, detail?: string): void;
  testDagOutput(dagId: string, text: string, done?: { exitCode: number }): void;
}

/**
 * One project's local runner as the extension sees it: settings + panel choices → start
 * options; status polling; log following; import errors → diagnostics on the DAG files.
 * The panel and the commands both drive it; it outlives the panel.
 */
export class RunnerController implements vscode.Disposable {
  readonly diagnostics: vscode.DiagnosticCollection;
  private listeners = new Set<Partial<RunnerEvents>>();
  private runnerInstance: LocalRunner | undefined;
  private follow: LogFollow | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastStatus: RunnerStatus = { state: 'stopped', components: [] };
  private lastErrors: RunnerImportError[] = [];
  private busyAction: string | null = null;
  private polls = 0;

  constructor(private readonly ctx: Ctx) {
    this.diagnostics = vscode.languages.createDiagnosticCollection('managedAirflow.runner');
    ctx.push(this.diagnostics, this);
  }

  get projectDir(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  get status(): RunnerStatus {
    return this.lastStatus;
  }
  get importErrors(): RunnerImportError[] {
    return this.lastErrors;
  }

  on(l: Partial<RunnerEvents>): vscode.Disposable {
    this.listeners.add(l);
    return new vscode.Disposable(() => this.listeners.delete(l));
  }
  private emit<K extends keyof RunnerEvents>(k: K, ...args: Parameters<RunnerEvents[K]>): void {
    for (const l of this.listeners) (l[k] as ((...a: unknown[]) => void) | undefined)?.(...args);
  }

  private runner(): LocalRunner {
    const dir = this.projectDir;
    if (!dir) throw new ManagedAirflowError('config', 'runner.noWorkspace', 'Open the project folder (the one with dags/) to run Airflow locally');
    if (!vscode.workspace.isTrusted) {
      throw new ManagedAirflowError('config', 'runner.untrusted', 'Running Airflow locally needs a trusted workspace', { hint: 'Trust this folder (Workspaces: Manage Workspace Trust), then try again.' });
    }
    if (!this.runnerInstance || this.runnerInstance.projectDir !== dir) this.runnerInstance = new (runnerLib().LocalRunner)(dir);
    return this.runnerInstance;
  }

  /** Settings, overridden by what was picked in the panel; flavour/version default to the lint target. */
  config(): RunnerPanelConfig & { image?: string } {
    const s = normaliseRunnerSettings(vscode.workspace.getConfiguration('managedAirflow').get<Record<string, unknown>>('runner') ?? {});
    const picked = this.ctx.extension.workspaceState.get<Partial<RunnerPanelConfig>>(CONFIG_KEY) ?? {};
    const dir = this.projectDir;
    let flavor: RunnerFlavor = picked.flavor ?? s.flavor ?? 'oss';
    let airflowVersion = picked.airflowVersion || s.airflowVersion;
    if (dir && (!picked.flavor && !s.flavor || !airflowVersion)) {
      try {
        const d = runnerLib().runnerDefaults({ projectDir: dir, target: this.ctx.targetSetting, flavor: picked.flavor ?? s.flavor, airflowVersion: airflowVersion || undefined });
        flavor = d.flavor;
        airflowVersion = d.airflowVersion;
      } catch (e) {
        this.ctx.log.warn(`runner defaults: ${toManagedError(e).message}`);
      }
    }
    return { flavor, airflowVersion: airflowVersion || '2.10.3', port: picked.port ?? s.port, image: s.image || undefined };
  }

  async setConfig(c: Partial<RunnerPanelConfig>): Promise<void> {
    const cur = this.ctx.extension.workspaceState.get<Partial<RunnerPanelConfig>>(CONFIG_KEY) ?? {};
    await this.ctx.extension.workspaceState.update(CONFIG_KEY, { ...cur, ...c });
  }

  /** Airflow versions the pickers offer (from the knowledge base of the linter). */
  versions(): string[] {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { listTargets } = require('../../../core/src/targets') as typeof import('../../../core/src/targets');
      const all = [...new Set(listTargets().map((t) => t.airflow))].filter((v) => /^[23]\./.test(v));
      return all.sort((a, b) => b.localeCompare(a, undefined, { numeric: true })).slice(0, 40);
    } catch {
      return [];
    }
  }

  private async busy<T>(action: string, work: (progress: (m: string) => void) => Promise<T>): Promise<T> {
    if (this.busyAction) throw new ManagedAirflowError('conflict', 'runner.busy', `The local runner is busy (${this.busyAction})`, { hint: 'Wait for it to finish.' });
    this.busyAction = action;
    this.emit('busy', action);
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Airflow (local): ${action}`, cancellable: false }, (p) =>
        work((m) => {
          this.ctx.log.info(`[runner] ${m}`);
          p.report({ message: m });
          this.emit('busy', action, m);
        }),
      );
    } finally {
      this.busyAction = null;
      this.emit('busy', null);
      await this.refresh();
    }
  }

  async start(opts: { pull?: boolean } = {}): Promise<void> {
    const c = this.config();
    await this.busy('start', async (progress) => {
      try {
        await this.runner().start({ projectDir: this.projectDir!, flavor: c.flavor, airflowVersion: c.airflowVersion, image: c.image, port: c.port || undefined, pull: opts.pull, onProgress: progress });
      } catch (e) {
        const err = toManagedError(e);
        if (err.code === 'docker.imageMissing' && !opts.pull && !/built locally/.test(err.hint ?? '')) {
          const choice = await vscode.window.showErrorMessage(`${err.message}. ${err.hint ?? ''}`, 'Pull and Start');
          if (choice === 'Pull and Start') {
            this.busyAction = null;
            return this.start({ pull: true });
          }
          return;
        }
        throw e;
      }
    });
    this.startFollowing();
  }

  async stop(): Promise<void> {
    await this.busy('stop', async () => {
      this.stopFollowing();
      await this.runner().stop();
    });
    this.diagnostics.clear();
  }

  async restart(): Promise<void> {
    const c = this.config();
    await this.busy('restart', async (progress) => {
      this.stopFollowing();
      await this.runner().restart({ projectDir: this.projectDir!, flavor: c.flavor, airflowVersion: c.airflowVersion, image: c.image, port: c.port || undefined, onProgress: progress });
    });
    this.startFollowing();
  }

  async reset(): Promise<void> {
    const ok = await vscode.window.showWarningMessage(
      'Reset the local Airflow? This stops it and deletes its metadata database (DAG runs, connections, variables).',
      { modal: true },
      'Reset',
    );
    if (ok !== 'Reset') return;
    await this.busy('reset', async () => {
      this.stopFollowing();
      await this.runner().reset();
    });
    this.diagnostics.clear();
  }

  /** After requirements / Dockerfile / startup script changes: ask, then restart. */
  async offerRestart(file: string): Promise<boolean> {
    if (this.busyAction || this.lastStatus.state === 'stopped') return false;
    const choice = await vscode.window.showInformationMessage(`${file} changed. Restart the local Airflow to apply it?`, 'Restart');
    if (choice !== 'Restart') return false;
    await this.restart();
    return true;
  }

  async openUi(): Promise<void> {
    const st = await this.refresh();
    if (!st.url) throw new ManagedAirflowError('conflict', 'runner.notRunning', 'The local Airflow is not running', { hint: 'Start it first (Managed Airflow: Start Local Airflow).' });
    await vscode.env.openExternal(vscode.Uri.parse(st.url));
  }

  async testDag(dagId?: string): Promise<number | undefined> {
    const id = dagId ?? (await vscode.window.showInputBox({ title: 'Test DAG (airflow dags test)', prompt: 'DAG id', ignoreFocusOut: true, validateInput: (v) => (/^[\w.-]+$/.test(v) ? undefined : 'letters, digits, _ - .') }));
    if (!id) return undefined;
    const chan = this.ctx.log;
    return this.busy(`test ${id}`, async () => {
      const code = await this.runner().testDag(id, (text) => {
        chan.info(`[dags test ${id}] ${text}`);
        this.emit('testDagOutput', id, text + '\n');
      });
      this.emit('testDagOutput', id, '', { exitCode: code });
      void (code === 0 ? vscode.window.showInformationMessage(`DAG test of ${id} passed`) : vscode.window.showErrorMessage(`DAG test of ${id} failed (exit code ${code})`, 'Show Logs').then((c) => c && chan.show(true)));
      return code;
    });
  }

  /** Status (+ import errors every few polls while healthy). Never throws: errors show as state. */
  async refresh(): Promise<RunnerStatus> {
    if (!this.projectDir || !vscode.workspace.isTrusted) return this.lastStatus;
    try {
      this.lastStatus = await this.runner().status();
    } catch (e) {
      const err = toManagedError(e);
      this.ctx.log.debug(`[runner] status: ${err.message}`);
      this.lastStatus = { state: 'stopped', components: [], problem: { message: err.message, hint: err.hint } };
    }
    this.emit('status', this.lastStatus);
    if (this.lastStatus.state === 'healthy' && this.polls++ % 3 === 0) await this.refreshImportErrors();
    if (this.lastStatus.state === 'stopped' && this.lastErrors.length) this.setImportErrors([]);
    return this.lastStatus;
  }

  async refreshImportErrors(): Promise<void> {
    try {
      this.setImportErrors(await this.runner().importErrors());
    } catch (e) {
      this.ctx.log.debug(`[runner] import errors: ${toManagedError(e).message}`);
    }
  }

  private setImportErrors(errs: RunnerImportError[]): void {
    errs = errs.map((e) => (e.file ? { ...e, displayPath: vscode.workspace.asRelativePath(vscode.Uri.file(e.file)) } : e));
    this.lastErrors = errs;
    this.emit('importErrors', errs);
    this.diagnostics.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const e of errs) {
      if (!e.file) continue;
      const line = Math.max(0, (e.line ?? 1) - 1);
      const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), `Airflow import error (local runner): ${e.message}`, vscode.DiagnosticSeverity.Error);
      d.source = 'Airflow (local)';
      d.code = 'import-error';
      byFile.set(e.file, [...(byFile.get(e.file) ?? []), d]);
    }
    for (const [file, ds] of byFile) this.diagnostics.set(vscode.Uri.file(file), ds);
  }

  /** Poll while something watches (panel open) or the runner is up. */
  startPolling(intervalMs = 3000): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), intervalMs);
  }
  stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  startFollowing(): void {
    if (this.follow || this.lastStatus.state === 'stopped') return;
    this.emit('logReset');
    let pending: RunnerLogLine[] = [];
    let flush: NodeJS.Timeout | undefined;
    void this.runner()
      .logs({
        follow: true,
        tail: 200,
        onLine: (l) => {
          pending.push(l);
          // Batch lines into one message per 100 ms: the webview appends deltas.
          flush ??= setTimeout(() => {
            const lines = pending;
            pending = [];
            flush = undefined;
            this.emit('log', lines);
          }, 100);
        },
      })
      .then((f) => {
        this.follow = f;
        void f.done.finally(() => {
          if (this.follow === f) this.follow = undefined;
        });
      })
      .catch((e) => this.ctx.log.debug(`[runner] logs: ${toManagedError(e).message}`));
  }

  stopFollowing(): void {
    this.follow?.stop();
    this.follow = undefined;
  }

  /** After a VS Code restart: find a runner that is already up (by its labels) and follow it. */
  async reconnect(): Promise<void> {
    const st = await this.refresh();
    if (st.state !== 'stopped') {
      this.ctx.log.info(`[runner] reconnected to the local Airflow (${st.flavor}, ${st.state}) at ${st.url}`);
      this.startFollowing();
      this.startPolling(10_000);
    }
  }

  dispose(): void {
    this.stopPolling();
    this.stopFollowing();
    this.listeners.clear();
  }
}
