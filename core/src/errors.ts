/**
 * Typed errors of the core. Every failure a user can cause or meet (bad target, bad config,
 * missing credentials, Docker down, port in use …) is a `ManagedAirflowError` with a stable
 * `code`, a one-line `message` that says what went wrong and where, and a `hint` that says what
 * to do. Adapters (CLI, server, client) render these; they never parse messages.
 */
export type ErrorKind =
  | 'usage' // bad CLI arguments or command input
  | 'config' // bad settings / config files
  | 'target' // unknown or malformed Airflow target
  | 'credentials' // missing / expired / rejected credentials
  | 'notFound' // a named remote thing does not exist (environment, bucket, DAG)
  | 'network' // unreachable host, timeout, 5xx after retries
  | 'remote' // the remote API refused the request (4xx other than auth)
  | 'docker' // Docker engine / image / container problems
  | 'conflict' // port in use, resource busy, environment updating
  | 'cancelled' // the user or a token cancelled the operation
  | 'internal';

export interface ErrorOptions {
  /** What the user can do about it, e.g. "Run `aws sso login --profile data`". */
  hint?: string;
  /** Which file / setting / resource the error is about. */
  source?: string;
  /** Extra structured data (never secrets). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class ManagedAirflowError extends Error {
  readonly hint?: string;
  readonly source?: string;
  readonly details?: Record<string, unknown>;
  constructor(
    readonly kind: ErrorKind,
    /** Stable machine-readable code, e.g. `target.unknown`, `docker.daemonDown`. */
    readonly code: string,
    message: string,
    opts: ErrorOptions = {},
  ) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = 'ManagedAirflowError';
    this.hint = opts.hint;
    this.source = opts.source;
    this.details = opts.details;
  }

  /** CLI exit code: 2 for usage/config/credential/environment errors, 1 otherwise handled by callers. */
  get exitCode(): number {
    return this.kind === 'cancelled' ? 130 : 2;
  }

  /** One human-readable block: message, then the hint on its own line. */
  format(): string {
    const parts = [this.source ? `${this.source}: ${this.message}` : this.message];
    if (this.hint) parts.push(`hint: ${this.hint}`);
    return parts.join('\n');
  }

  toJSON(): Record<string, unknown> {
    return { kind: this.kind, code: this.code, message: this.message, hint: this.hint, source: this.source, details: this.details };
  }
}

export function isManagedAirflowError(e: unknown): e is ManagedAirflowError {
  return e instanceof ManagedAirflowError;
}

/** Wrap anything thrown into a ManagedAirflowError (keeps typed errors as they are). */
export function toManagedError(e: unknown, fallbackCode = 'internal.unexpected'): ManagedAirflowError {
  if (e instanceof ManagedAirflowError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new ManagedAirflowError('internal', fallbackCode, message, { cause: e });
}
