import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { ManagedAirflowError } from '../../../core/src/errors';
import type { EnvironmentConfig } from '../../../core/src/protocol/environments';
import { normaliseDeploySettings } from '../../../core/src/protocol/settings';
import { secretKey } from '../environments/addEnvironment';

type DeployModule = typeof import('../../../core/src/deploy');
type LintModule = typeof import('../../../core/src/deploy/lint');
let deployModule: DeployModule | undefined;
let lintModule: LintModule | undefined;
/** The cloud SDKs and the lint engine load on the first deploy, not at activation. */
const core = (): DeployModule => (deployModule ??= require('../../../core/src/deploy') as DeployModule);
const lint = (): LintModule => (lintModule ??= require('../../../core/src/deploy/lint') as LintModule);

export const DEPLOY_COMMAND = 'managedAirflow.deployDags';

/** The dialogs of a deploy. Tests replace it through `ctx.services['deploy.ui']` (modal dialogs cannot be clicked there). */
export interface DeployUi {
  modal(kind: 'warning' | 'error', message: string, detail: string, buttons: string[]): Promise<string | undefined>;
  info(message: string): void;
  warn(message: string): void;
}

const vscodeUi: DeployUi = {
  async modal(kind, message, detail, buttons) {
    return kind === 'error' ? vscode.window.showErrorMessage(message, { modal: true, detail }, ...buttons) : vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);
  },
  info(message) {
    void vscode.window.showInformationMessage(message);
  },
  warn(message) {
    void vscode.window.showWarningMessage(message);
  },
};

/** The environment a command was invoked on: a tree item ({kind:'environment', config}), a name, or nothing. */
function environmentOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const a = arg as { kind?: string; config?: EnvironmentConfig; env?: string } | undefined;
  if (a?.config?.name) return a.config.name;
  if (typeof a?.env === 'string') return a.env;
  return undefined;
}

function folderFor(arg: unknown): vscode.WorkspaceFolder | undefined {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  return (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
}

async function pickEnvironment(envs: EnvironmentConfig[]): Promise<EnvironmentConfig | undefined> {
  if (!envs.length) {
    throw new ManagedAirflowError('config', 'deploy.noEnvironments', 'no environments are configured to deploy to', { hint: 'Run "Managed Airflow: Add Environment…" first.' });
  }
  if (envs.length === 1) return envs[0];
  const chosen = await vscode.window.showQuickPick(
    envs.map((e) => ({ label: e.name, description: e.platform, detail: e.environment ?? e.deployment ?? e.destination ?? e.url, env: e })),
    { title: 'Deploy DAGs to…', placeHolder: 'Environment to deploy to' },
  );
  return chosen?.env;
}

export function register(ctx: Ctx): void {
  ctx.registerCommand(DEPLOY_COMMAND, async (arg?: unknown) => {
    if (!vscode.workspace.isTrusted) {
      throw new ManagedAirflowError('config', 'deploy.untrusted', 'deploying needs a trusted workspace', { hint: 'Trust the workspace (Manage Workspace Trust), then deploy again.' });
    }
    const folder = folderFor(arg);
    if (!folder) throw new ManagedAirflowError('usage', 'deploy.noFolder', 'open the project folder to deploy from');
    const envs = ctx.environments(folder.uri);
    const name = environmentOf(arg);
    const env = name ? envs.find((e) => e.name === name) : await pickEnvironment(envs);
    if (!env) {
      if (name) throw new ManagedAirflowError('config', 'config.environments.unknown', `unknown environment "${name}"`, { hint: `Known environments: ${envs.map((e) => e.name).join(', ')}.` });
      return;
    }
    const ui = (ctx.services['deploy.ui'] as DeployUi | undefined) ?? vscodeUi;
    const settings = normaliseDeploySettings(vscode.workspace.getConfiguration('managedAirflow', folder.uri) as unknown as Record<string, unknown>);
    const d = core();
    const astroToken = env.platform === 'astro' ? await ctx.secrets.get(secretKey(env.name, 'token')) : undefined;
    const services = d.defaultServices({ env: process.env, astroToken });

    // 1. plan (read-only) and lint gate, cancellable
    const planned = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Planning deploy to ${env.name}…`, cancellable: true },
      async (_p, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        const prepared = await d.prepareDeploy({
          env, dir: folder.uri.fsPath, services, signal: ac.signal, concurrency: settings.concurrency,
          include: settings.composerFolders, ignoreSyntax: settings.ignoreSyntax === 'auto' ? undefined : settings.ignoreSyntax,
        });
        const req = d.readRequirements(prepared);
        let gate;
        try {
          gate = await d.lintGate(settings.lintAll ? prepared.pythonFiles : prepared.changedPythonFiles, {
            target: prepared.plan.destination.target,
            airflowVersion: prepared.plan.destination.airflowVersion,
            linter: lint().engineLinter(folder.uri.fsPath),
            requirements: req !== undefined && prepared.layout.requirements ? { file: prepared.layout.requirements, text: req } : undefined,
          });
        } catch (e) {
          gate = { blocked: true, forced: false, errors: [], warnings: [], notes: [`the lint engine failed: ${(e as Error).message}`] };
        }
        return { prepared, gate };
      },
    );
    const { prepared, gate } = planned;
    const { plan } = prepared;
    for (const n of gate.notes) ctx.log.info(`[deploy] ${n}`);
    for (const x of [...gate.errors, ...gate.warnings]) ctx.log.warn(`[deploy] ${d.formatGateDiagnostic(x, folder.uri.fsPath)}`);
    if (gate.blocked) {
      const lines = gate.errors.slice(0, 10).map((x) => d.formatGateDiagnostic(x, folder.uri.fsPath));
      const detail = [...lines, ...(gate.errors.length > 10 ? [`… and ${gate.errors.length - 10} more`] : []), ...gate.notes].join('\n');
      const choice = await ui.modal(
        'error',
        `The lint gate blocks the deploy to ${env.name}: ${gate.errors.length || 'the'} error(s) against ${plan.destination.target ?? `Airflow ${plan.destination.airflowVersion}`}.`,
        detail,
        ['Deploy Anyway', 'Show Log'],
      );
      if (choice === 'Show Log') ctx.log.show(true);
      if (choice !== 'Deploy Anyway') return;
      ctx.log.warn(`[deploy] deploying to ${env.name} despite ${gate.errors.length} lint error(s) (Deploy Anyway)`);
    }
    ctx.log.info(`[deploy] plan\n${d.formatPlan(plan)}`);
    if (d.planIsEmpty(plan) && !plan.extraneous.length) {
      ui.info(`Nothing to deploy: ${env.name} already has these ${plan.unchanged} file(s).`);
      return;
    }

    // 2. modal confirmation that names environment, platform, Airflow version, bucket and prefix
    const detail = d.formatPlan(plan, { maxList: 15 });
    const deploy = plan.uploads.length || plan.environmentUpdate.length ? 'Deploy' : undefined;
    const withDelete = plan.extraneous.length ? `Deploy and Delete ${plan.extraneous.length} Remote File(s)` : undefined;
    const choice = await ui.modal(
      'warning',
      `Deploy ${plan.uploads.length} file(s) to ${env.name} (${plan.destination.platform}, Airflow ${plan.destination.airflowVersion})?`,
      detail,
      [deploy, withDelete].filter(Boolean) as string[],
    );
    if (!choice || (choice !== deploy && choice !== withDelete)) return;
    if (choice === withDelete) {
      plan.deletes = plan.extraneous;
      plan.extraneous = [];
    }

    // 3. execute with per-file progress and cancellation
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Deploying to ${env.name}`, cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        const total = plan.uploads.length + plan.deletes.length || 1;
        const opts = {
          signal: ac.signal,
          concurrency: settings.concurrency,
          onProgress: (e: import('../../../core/src/deploy').ProgressEvent) => {
            if (e.type === 'upload') progress.report({ message: `${e.display} (${e.done}/${e.total})`, increment: 100 / total });
            else if (e.type === 'delete') progress.report({ message: `deleted ${e.key}`, increment: 100 / total });
            else if (e.type === 'retry') ctx.log.warn(`[deploy] retrying ${e.key} after ${e.error} (attempt ${e.attempt})`);
            else progress.report({ message: e.message });
          },
        };
        return plan.destination.kind === 'astro' ? d.executeAstroDeploy(prepared, services, opts) : d.executeDeploy(prepared, opts);
      },
    );

    // 4. MWAA: applying plugins/requirements versions restarts the environment — ask separately
    if (plan.environmentUpdate.length) {
      const restart = 'Update and Restart Environment';
      const ok = await ui.modal(
        'warning',
        `Update MWAA environment "${plan.destination.mwaa?.name}" to the new ${plan.environmentUpdate.join(', ')}?`,
        'This RESTARTS the environment: schedulers, workers and the web server restart (typically 10–30 minutes) and running tasks may fail. Until then the environment keeps the previous versions.',
        [restart],
      );
      if (ok === restart) {
        const r = await d.updateMwaaEnvironment(prepared, services, summary.versions);
        summary.environmentUpdated = r.updated;
        if (!r.updated) ui.warn(`Environment not updated: ${r.reason}`);
      }
    }
    const text = d.formatSummary(summary);
    ctx.log.info(`[deploy] ${env.name}: ${text}`);
    ui.info(`${env.name}: ${text}${summary.environmentUpdated ? ' — environment update started' : ''}`);
  });
}
