import * as vscode from 'vscode';
import { isManagedAirflowError, toManagedError } from '../../core/src/errors';
import { validateEnvironments, ENVIRONMENTS_SETTING } from '../../core/src/config/environments';
import type { EnvironmentConfig } from '../../core/src/protocol/environments';

/**
 * Owns everything the extension creates: disposables, output channel, secrets, the current
 * lint target. Features receive the Ctx in their `register(ctx)` and never reach for globals.
 */
export class Ctx implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly targetEmitter = new vscode.EventEmitter<string | undefined>();
  /** Fires when the user (or "Use as lint target") changes the lint target label. */
  readonly onDidChangeTarget = this.targetEmitter.event;
  /** Hooks other features can set (e.g. the language client sets the target resolver). */
  readonly services: Record<string, unknown> = {};

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Managed Airflow', { log: true });
    this.push(this.log, this.targetEmitter);
  }

  push(...items: vscode.Disposable[]): void {
    this.disposables.push(...items);
  }

  get secrets(): vscode.SecretStorage {
    return this.extension.secrets;
  }

  /** Register a command; errors are logged and shown once with a "Show Logs" action. */
  registerCommand(id: string, handler: (...args: any[]) => unknown): void {
    this.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (e) {
          await this.showError(e, id);
          return undefined;
        }
      }),
    );
  }

  /** Show a typed core error (message + hint) with Show Logs; never shows secrets or stacks. */
  async showError(e: unknown, context?: string): Promise<void> {
    const err = toManagedError(e);
    if (err.kind === 'cancelled') return;
    this.log.error(`${context ? `[${context}] ` : ''}${err.format()}`);
    if (!isManagedAirflowError(e) && e instanceof Error && e.stack) this.log.debug(e.stack);
    const text = err.hint ? `${err.message} — ${err.hint}` : err.message;
    const choice = await vscode.window.showErrorMessage(text, 'Show Logs');
    if (choice === 'Show Logs') this.log.show(true);
  }

  /** The configured environments of the first workspace folder (validated). */
  environments(scope?: vscode.Uri): EnvironmentConfig[] {
    const raw = vscode.workspace.getConfiguration('managedAirflow', scope).get<unknown>('environments');
    return validateEnvironments(raw, `settings "${ENVIRONMENTS_SETTING}"`);
  }

  /** Current lint target setting ('' = auto-detect). */
  get targetSetting(): string {
    return vscode.workspace.getConfiguration('managedAirflow').get<string>('target', '');
  }

  /** Change the lint target (writes the workspace setting; the language server re-lints). */
  async setTarget(label: string | undefined): Promise<void> {
    await vscode.workspace.getConfiguration('managedAirflow').update('target', label ?? '', vscode.ConfigurationTarget.Workspace);
    this.targetEmitter.fire(label);
  }

  dispose(): void {
    for (const d of this.disposables.reverse()) {
      try {
        d.dispose();
      } catch {
        /* disposing must not throw during deactivate */
      }
    }
    this.disposables.length = 0;
  }
}
