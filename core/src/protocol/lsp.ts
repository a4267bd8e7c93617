/**
 * Custom LSP messages between the Managed Airflow client and language server. Each is declared
 * once here and imported by both sides (see docs/protocol.md).
 */
import type { ResolvedTarget } from '../targets/types';

/** Request (client → server): the effective lint target for a document. */
export const ResolveTargetRequest = 'managedAirflow/resolveTarget';
export interface ResolveTargetParams {
  uri: string;
}
export interface ResolveTargetResult {
  target?: ResolvedTarget;
  /** Set when the configured/detected target is invalid (message + hint). */
  error?: { message: string; hint?: string; source?: string };
}

/** Notification (server → client): a document's lint finished (for the status bar). */
export const LintStatusNotification = 'managedAirflow/lintStatus';
export interface LintStatusParams {
  uri: string;
  target?: string;
  errors: number;
  warnings: number;
  /** Set when linting could not run (bad target setting, …). */
  error?: string;
  durationMs: number;
}

/** Command id of the server-side "fix all in file" (arguments: [uri]). */
export const FixAllCommand = 'managedAirflow.server.fixAll';

/** Code-action kind for fix-all on save / "Fix All". */
export const FixAllCodeActionKind = 'source.fixAll.managedAirflow';
