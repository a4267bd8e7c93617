import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { RunnerController } from './controller';
import { LocalRunnerPanel, PANEL_VIEW_TYPE } from './panel';

export { RUNNER_COMMANDS } from '../../../core/src/protocol/runner';

/** Local runner feature: panel, commands, import-error diagnostics, reconnect on start-up. */
export function register(ctx: Ctx): RunnerController {
  const controller = new RunnerController(ctx);
  ctx.registerCommand('managedAirflow.runner.open', () => LocalRunnerPanel.createOrShow(ctx, controller));
  ctx.registerCommand('managedAirflow.runner.start', () => controller.start());
  ctx.registerCommand('managedAirflow.runner.stop', () => controller.stop());
  ctx.registerCommand('managedAirflow.runner.restart', () => controller.restart());
  ctx.registerCommand('managedAirflow.runner.reset', () => controller.reset());
  ctx.registerCommand('managedAirflow.runner.openUi', () => controller.openUi());
  ctx.registerCommand('managedAirflow.runner.testDag', (dagId?: unknown) => controller.testDag(typeof dagId === 'string' ? dagId : undefined));
  ctx.push(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel) {
        LocalRunnerPanel.revive(panel, ctx, controller);
      },
    }),
    new vscode.Disposable(() => LocalRunnerPanel.current?.dispose()),
  );
  // Dependency files change → offer a restart (the images install requirements at start).
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder) {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '{requirements.txt,requirements/requirements.txt,packages.txt,Dockerfile,startup/startup.sh}'));
    let timer: NodeJS.Timeout | undefined;
    const changed = (uri: vscode.Uri) => {
      clearTimeout(timer);
      timer = setTimeout(() => void controller.offerRestart(vscode.workspace.asRelativePath(uri)), 1000);
    };
    ctx.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), new vscode.Disposable(() => clearTimeout(timer)));
  }
  ctx.services.runner = controller;
  // Reconnect to a runner that survived a VS Code restart; delayed so dockerode is not loaded
  // during activation, and only in trusted workspaces.
  if (vscode.workspace.isTrusted && vscode.workspace.workspaceFolders?.length) {
    const t = setTimeout(() => void controller.reconnect().catch((e) => ctx.log.debug(`[runner] reconnect: ${String(e)}`)), 1500);
    ctx.push(new vscode.Disposable(() => clearTimeout(t)));
  }
  return controller;
}
