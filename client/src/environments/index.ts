import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { ManagedAirflowError } from '../../../core/src/errors';
import { ENVIRONMENTS_SETTING } from '../../../core/src/config/environments';
import type { EnvironmentConfig } from '../../../core/src/protocol/environments';
import type { CredentialSource, SecretKey } from '../../../core/src/platforms';
import { AutoRefresher, EnvironmentsModel, type DagNode, type EnvNode, type MoreNode, type RunNode, type TaskNode, type TreeConnection, type TreeNode } from './model';
import { EnvironmentsTreeProvider } from './provider';
import { LogDocuments, logUri } from './logs';
import { LOG_SCHEME, clearPlan, confValidationMessage, lintTargetFor, logRefOf, logicalDateValidationMessage, matchLocalDagFile, parseConf, parseLogPath, parseLogicalDate, webUrlFor } from './actions';
import { runAddEnvironmentFlow, secretKey, type FlowUI } from './addEnvironment';

export const VIEW_ID = 'managedAirflow.environments';

type Platforms = typeof import('../../../core/src/platforms');
let platformsModule: Platforms | undefined;
/** Heavy SDKs (AWS, Google) load on first use, not at activation. */
function platforms(): Platforms {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (platformsModule ??= require('../../../core/src/platforms') as Platforms);
}

/** VS Code SecretStorage as the credential source of the platform clients. */
function secretCredentials(ctx: Ctx): CredentialSource {
  return {
    hint: 'Run "Managed Airflow: Sign In to Environment…" to store credentials in VS Code secret storage.',
    get: async (env: EnvironmentConfig, key: SecretKey) => (await ctx.secrets.get(secretKey(env.name, key))) || undefined,
  };
}

const vscodeUI: FlowUI = {
  async pick(title, items, opts) {
    const chosen = await vscode.window.showQuickPick(items.map((i) => ({ label: i.label, description: i.description, detail: i.detail, value: i.value })), { title, placeHolder: opts?.placeholder, ignoreFocusOut: true });
    return chosen?.value;
  },
  input(title, o) {
    return Promise.resolve(vscode.window.showInputBox({ title, prompt: o.prompt, value: o.value, placeHolder: o.placeholder, password: o.password, ignoreFocusOut: true, validateInput: o.validate }));
  },
  busy(title, work) {
    return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, work));
  },
};

async function awsProfiles(): Promise<string[]> {
  const { readFile } = await import('node:fs/promises');
  const os = await import('node:os');
  const path = await import('node:path');
  const names = new Set<string>();
  for (const f of [process.env.AWS_CONFIG_FILE ?? path.join(os.homedir(), '.aws', 'config'), process.env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(os.homedir(), '.aws', 'credentials')]) {
    try {
      for (const m of (await readFile(f, 'utf8')).matchAll(/^\[(?:profile\s+)?([^\]]+)\]/gm)) names.add(m[1].trim());
    } catch {
      /* no file */
    }
  }
  return [...names].sort();
}

/** Test seams: a stand-in connection factory and auto-refresh timing. */
export interface RegisterOptions {
  connect?: (config: EnvironmentConfig, signal: AbortSignal) => Promise<TreeConnection>;
  mwaaWebLoginUrl?: (config: EnvironmentConfig) => Promise<string>;
}

export function register(ctx: Ctx, options: RegisterOptions = {}): { model: EnvironmentsModel; logs: LogDocuments } {
  const creds = secretCredentials(ctx);
  const model = new EnvironmentsModel({
    environments: () => ctx.environments(),
    connect: async (config, signal): Promise<TreeConnection> => {
      if (!vscode.workspace.isTrusted) {
        throw new ManagedAirflowError('config', 'workspace.untrusted', 'remote environments need a trusted workspace', { hint: 'Trust this workspace (Manage Workspace Trust) to connect.', details: { action: 'none' } });
      }
      if (options.connect) return options.connect(config, signal);
      return platforms().connectEnvironment(config, creds, {}, { signal });
    },
  });
  const provider = new EnvironmentsTreeProvider(model);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  const refresher = new AutoRefresher(model, { active: () => view.visible });
  const logs = new LogDocuments(model);
  ctx.push(provider, view, logs, vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, logs), { dispose: () => (refresher.dispose(), model.dispose()) });
  ctx.push(model.onDidChange(() => setTimeout(() => refresher.poke(), 0).unref()) as vscode.Disposable);
  ctx.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(ENVIRONMENTS_SETTING)) model.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => model.refresh()),
    // Hidden tree: no polling; shown again: catch up at once.
    view.onDidChangeVisibility((e) => {
      if (e.visible) refresher.poke();
    }),
  );

  const envOf = (node: TreeNode | undefined): EnvNode | undefined => {
    let n = node;
    while (n && n.kind !== 'environment') n = model.getParent(n);
    return n;
  };
  const pickEnv = async (): Promise<EnvNode | undefined> => {
    const roots = model.roots().filter((n): n is EnvNode => n.kind === 'environment');
    if (roots.length <= 1) return roots[0];
    const name = await vscode.window.showQuickPick(roots.map((r) => r.env), { title: 'Environment' });
    return roots.find((r) => r.env === name);
  };
  const withProgress = <T>(title: string, work: (signal: AbortSignal) => Promise<T>) =>
    vscode.window.withProgress({ location: { viewId: VIEW_ID }, title, cancellable: true }, (_p, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      return work(ac.signal);
    });

  const writeEnvironments = async (list: EnvironmentConfig[]) => {
    await vscode.workspace.getConfiguration('managedAirflow').update('environments', list, vscode.ConfigurationTarget.Workspace);
  };

  ctx.registerCommand('managedAirflow.refreshEnvironments', () => model.refresh());
  ctx.registerCommand('managedAirflow.refreshNode', (node?: TreeNode) => model.refresh(node));
  ctx.registerCommand('managedAirflow.retry', (node?: TreeNode) => model.refresh(node));
  ctx.registerCommand('managedAirflow.loadMore', (node: MoreNode) => model.loadMore(node));

  ctx.registerCommand('managedAirflow.addEnvironment', async () => {
    const existing = ctx.environments();
    const p = platforms();
    const result = await runAddEnvironmentFlow({
      ui: vscodeUI,
      existingNames: existing.map((e) => e.name),
      awsProfiles,
      listMwaa: async (region, profile) => (await p.listMwaaEnvironments({ region, profile })).map((name) => ({ name })),
      listComposer: async (project, location) => (await p.listComposerEnvironments({ project, location })).map((e) => ({ id: e.id, detail: `${e.state} · ${e.imageVersion}` })),
    });
    if (!result) return;
    for (const [key, value] of Object.entries(result.secrets)) if (value) await ctx.secrets.store(secretKey(result.config.name, key as SecretKey), value);
    await writeEnvironments([...existing, result.config]);
    ctx.log.info(`added environment "${result.config.name}" (${result.config.platform})`);
    model.refresh();
  });

  ctx.registerCommand('managedAirflow.removeEnvironment', async (node?: TreeNode) => {
    const env = envOf(node) ?? (await pickEnv());
    if (!env) return;
    const ok = await vscode.window.showWarningMessage(`Remove environment "${env.env}" from the workspace settings and forget its stored credentials?`, { modal: true }, 'Remove');
    if (ok !== 'Remove') return;
    for (const key of ['username', 'password', 'token'] as SecretKey[]) await ctx.secrets.delete(secretKey(env.env, key));
    await writeEnvironments(ctx.environments().filter((e) => e.name !== env.env));
    model.refresh();
  });

  ctx.registerCommand('managedAirflow.signIn', async (node?: TreeNode) => {
    const env = envOf(node) ?? (await pickEnv());
    if (!env) return;
    const c = env.config;
    if (c.platform === 'mwaa' || c.platform === 'composer') {
      const cmd = c.platform === 'mwaa' ? `aws sso login${c.profile ? ` --profile ${c.profile}` : ''}` : 'gcloud auth application-default login';
      const choice = await vscode.window.showInformationMessage(`${c.name} uses the ${c.platform === 'mwaa' ? 'AWS' : 'Google'} credential chain. Sign in with \`${cmd}\`, then retry.`, 'Run in Terminal', 'Retry');
      if (choice === 'Run in Terminal') {
        const term = vscode.window.createTerminal('Managed Airflow sign-in');
        term.show();
        term.sendText(cmd, false);
      }
      if (choice) model.refresh(env);
      return;
    }
    if (c.platform === 'astro' || c.auth === 'token') {
      const token = await vscode.window.showInputBox({ title: `Sign in to ${c.name}`, prompt: c.platform === 'astro' ? 'Astro API token' : 'Airflow API token', password: true, ignoreFocusOut: true });
      if (!token) return;
      await ctx.secrets.store(secretKey(c.name, 'token'), token);
    } else {
      const username = await vscode.window.showInputBox({ title: `Sign in to ${c.name}`, prompt: 'Username', ignoreFocusOut: true });
      if (!username) return;
      const password = await vscode.window.showInputBox({ title: `Sign in to ${c.name}`, prompt: 'Password', password: true, ignoreFocusOut: true });
      if (password === undefined) return;
      await ctx.secrets.store(secretKey(c.name, 'username'), username);
      await ctx.secrets.store(secretKey(c.name, 'password'), password);
    }
    model.refresh(env);
  });

  // A list of objects is edited in settings.json (the Settings UI only links to it).
  ctx.registerCommand('managedAirflow.openEnvironmentSettings', () => vscode.commands.executeCommand('workbench.action.openWorkspaceSettingsFile'));

  ctx.registerCommand('managedAirflow.triggerDag', async (node: DagNode) => {
    const confText = await vscode.window.showInputBox({ title: `Trigger ${node.dag.dagId} on ${node.env}`, prompt: 'Run configuration (conf) as a JSON object — empty for none', value: '', placeHolder: '{"key": "value"}', validateInput: confValidationMessage, ignoreFocusOut: true });
    if (confText === undefined) return;
    const dateText = await vscode.window.showInputBox({ title: `Trigger ${node.dag.dagId} on ${node.env}`, prompt: 'Logical date (ISO 8601) — empty for now, "none" for no logical date (Airflow 3)', validateInput: logicalDateValidationMessage, ignoreFocusOut: true });
    if (dateText === undefined) return;
    const conf = parseConf(confText);
    const logicalDate = parseLogicalDate(dateText);
    const run = await withProgress(`Triggering ${node.dag.dagId}…`, async (signal) => (await model.connection(node.env, signal)).client.triggerRun(node.dag.dagId, { conf, logicalDate }, { signal }));
    void vscode.window.showInformationMessage(`Triggered ${node.dag.dagId}: ${run.runId} (${run.state})`);
    model.refresh(node);
    void view.reveal(node, { expand: true }).then(undefined, () => undefined);
  });

  const setPaused = (paused: boolean) => async (node: DagNode) => {
    const dag = await withProgress(`${paused ? 'Pausing' : 'Unpausing'} ${node.dag.dagId}…`, async (signal) => (await model.connection(node.env, signal)).client.setPaused(node.dag.dagId, paused, { signal }));
    model.updateDag(node, dag);
  };
  ctx.registerCommand('managedAirflow.pauseDag', setPaused(true));
  ctx.registerCommand('managedAirflow.unpauseDag', setPaused(false));

  const clear = async (node: TaskNode | RunNode, downstream: boolean | undefined) => {
    let includeDownstream = downstream ?? false;
    if (node.kind === 'task' && downstream === undefined) {
      const choice = await vscode.window.showQuickPick([{ label: 'This task only', value: false }, { label: 'This task and its downstream tasks', value: true }], { title: `Clear ${node.ti.taskId}` });
      if (!choice) return;
      includeDownstream = choice.value;
    }
    const plan = clearPlan(node, includeDownstream);
    const ok = await vscode.window.showWarningMessage(plan.question, { modal: true }, 'Clear');
    if (ok !== 'Clear') return;
    const cleared = await withProgress('Clearing…', async (signal) => (await model.connection(node.env, signal)).client.clear(plan.dagId, plan.request, { signal }));
    void vscode.window.showInformationMessage(`Cleared ${cleared.length} task instance(s).`);
    const run = node.kind === 'run' ? node : model.getParent(node);
    if (run) model.refresh(run);
  };
  ctx.registerCommand('managedAirflow.clearTask', (node: TaskNode, downstream?: boolean) => clear(node, typeof downstream === 'boolean' ? downstream : undefined));
  ctx.registerCommand('managedAirflow.clearRun', (node: RunNode) => clear(node, false));

  ctx.registerCommand('managedAirflow.openLog', async (node: TreeNode) => {
    const ref = logRefOf(node);
    if (!ref) throw new ManagedAirflowError('usage', 'log.none', 'this task has not started yet, so it has no log');
    const doc = await vscode.workspace.openTextDocument(logUri(ref));
    await vscode.languages.setTextDocumentLanguage(doc, 'log').then(undefined, () => undefined);
    await vscode.window.showTextDocument(doc, { preview: true });
  });

  ctx.registerCommand('managedAirflow.selectLogTry', async (uri?: vscode.Uri) => {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!target || target.scheme !== LOG_SCHEME) return;
    const ref = parseLogPath(target.path, target.query);
    const tries = logs.tries.get(target.toString()) ?? ref.tryNumber;
    const pick = await vscode.window.showQuickPick(Array.from({ length: tries }, (_, i) => ({ label: `Try ${tries - i}`, value: tries - i, description: tries - i === ref.tryNumber ? 'current' : undefined })), { title: `${ref.taskId}: select try` });
    if (!pick) return;
    const doc = await vscode.workspace.openTextDocument(logUri({ ...ref, tryNumber: pick.value }));
    await vscode.window.showTextDocument(doc, { preview: true });
  });

  ctx.registerCommand('managedAirflow.openInWebUi', async (node?: TreeNode) => {
    const env = envOf(node) ?? (await pickEnv());
    if (!env) return;
    const conn = await model.connection(env.env);
    let url = webUrlFor(node ?? env, conn.info);
    if (env.config.platform === 'mwaa' && (!node || node.kind === 'environment')) {
      // MWAA's UI needs a web login token; the signed link logs the browser in.
      url = await (options.mwaaWebLoginUrl ?? platforms().mwaaWebLoginUrl)(env.config);
    }
    if (!url) throw new ManagedAirflowError('notFound', 'web.noUrl', `${env.env}: the platform did not report a web UI URL`);
    await vscode.env.openExternal(vscode.Uri.parse(url));
  });

  ctx.registerCommand('managedAirflow.openDagSource', async (node: TreeNode) => {
    const fileloc = node.kind === 'dag' ? node.dag.fileloc : node.kind === 'importError' ? node.error.filename : undefined;
    if (!fileloc) return;
    const env = envOf(node);
    const files = await vscode.workspace.findFiles('**/*.py', '{**/.venv/**,**/venv/**,**/node_modules/**,**/.git/**}', 20_000);
    const rel = files.map((f) => vscode.workspace.asRelativePath(f, false));
    const match = matchLocalDagFile(fileloc, rel, { relativeFileloc: node.kind === 'dag' ? node.dag.relativeFileloc : undefined, dagsFolder: env?.config.dagsFolder ?? 'dags' });
    if (!match) throw new ManagedAirflowError('notFound', 'source.noLocalFile', `no local file matches ${fileloc}`, { hint: 'Open the folder that holds this DAG, or set "dagsFolder" for the environment.' });
    const uri = files[rel.indexOf(match)];
    await vscode.window.showTextDocument(uri);
  });

  ctx.registerCommand('managedAirflow.useAsLintTarget', async (node?: TreeNode) => {
    const env = envOf(node) ?? (await pickEnv());
    if (!env) return;
    const conn = await withProgress(`Reading ${env.env}…`, (signal) => model.connection(env.env, signal));
    const target = env.config.target ?? lintTargetFor(conn.info);
    if (!target) throw new ManagedAirflowError('target', 'target.unknownForEnvironment', `${env.env}: the platform did not report an Airflow version`, { hint: 'Set "target" for this environment in the settings.' });
    await ctx.setTarget(target);
    void vscode.window.showInformationMessage(`Lint target set to ${target} (from ${env.env}).`);
  });

  return { model, logs };
}
