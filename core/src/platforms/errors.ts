/**
 * Typed failures of remote environments. Each carries `details.action`, the one thing the UI
 * offers next to the error (sign in, open settings, retry), so the tree and the CLI never parse
 * messages. Messages name the environment and never contain secrets.
 */
import { ManagedAirflowError, isManagedAirflowError } from '../errors';

export type ErrorAction = 'signIn' | 'openSettings' | 'retry' | 'none';

function err(kind: ManagedAirflowError['kind'], code: string, message: string, hint: string, action: ErrorAction, extra: Record<string, unknown> = {}, cause?: unknown) {
  return new ManagedAirflowError(kind, code, message, { hint, details: { action, ...extra }, cause });
}

export function errorAction(e: unknown): ErrorAction {
  if (isManagedAirflowError(e)) {
    const a = e.details?.action;
    if (a === 'signIn' || a === 'openSettings' || a === 'retry' || a === 'none') return a;
    if (e.kind === 'credentials') return 'signIn';
    if (e.kind === 'config') return 'openSettings';
  }
  return 'retry';
}

export const platformErrors = {
  missingCredentials(env: string, what: string, hint: string) {
    return err('credentials', 'platform.credentials.missing', `${env}: no ${what}`, hint, 'signIn', { env });
  },
  expiredCredentials(env: string, hint: string, cause?: unknown) {
    return err('credentials', 'platform.credentials.expired', `${env}: the credentials have expired`, hint, 'signIn', { env }, cause);
  },
  unauthorized(env: string, status: 401 | 403, hint: string) {
    return status === 401
      ? err('credentials', 'platform.unauthorized', `${env}: the server rejected the credentials (HTTP 401)`, hint, 'signIn', { env, status })
      : err('credentials', 'platform.forbidden', `${env}: access denied (HTTP 403)`, hint, 'signIn', { env, status });
  },
  unreachable(env: string, url: string, reason: string, cause?: unknown) {
    return err('network', 'platform.unreachable', `${env}: cannot reach ${url} (${reason})`, 'Check the URL, VPN or proxy and that the environment is running, then retry.', 'retry', { env, url, reason }, cause);
  },
  timeout(env: string, url: string, ms: number) {
    return err('network', 'platform.timeout', `${env}: no answer from ${url} within ${Math.round(ms / 1000)} s`, 'The server is slow or unreachable; retry, or check the network.', 'retry', { env, url, timeoutMs: ms });
  },
  cancelled() {
    return new ManagedAirflowError('cancelled', 'platform.cancelled', 'cancelled');
  },
  notReady(env: string, status: string) {
    return err('conflict', 'platform.notReady', `${env}: environment is ${status}`, status === 'CREATING' || status === 'UPDATING' || status === 'DEPLOYING'
      ? 'Wait until it is available (creating or updating takes 20–30 minutes), then retry.'
      : 'Fix the environment in the platform console, then retry.', 'retry', { env, status });
  },
  apiNotEnabled(env: string, what: string, hint: string) {
    return err('remote', 'platform.apiNotEnabled', `${env}: ${what}`, hint, 'openSettings', { env });
  },
  unsupportedVersion(env: string, version: string, hint: string) {
    return err('remote', 'platform.unsupportedVersion', `${env}: Airflow ${version} is not supported`, hint, 'none', { env, version });
  },
  notFound(env: string, what: string, hint = 'Check the name in the settings, then retry.') {
    return err('notFound', 'platform.notFound', `${env}: ${what} not found`, hint, 'openSettings', { env });
  },
  remote(env: string, status: number, detail: string) {
    return err('remote', 'platform.remote', `${env}: the Airflow API refused the request (HTTP ${status}): ${detail}`, status >= 500 ? 'The server failed; retry later or read the Airflow logs.' : 'Check the request values.', status >= 500 ? 'retry' : 'none', { env, status });
  },
  badResponse(env: string, detail: string) {
    return err('remote', 'platform.badResponse', `${env}: unexpected answer from the server: ${detail}`, 'Is the URL an Airflow webserver / API server? Check it in the settings.', 'openSettings', { env });
  },
};

/** Node/undici network error codes → short reasons (never the full error text, which may hold URLs with tokens). */
export function networkReason(e: unknown): string {
  const c = (e as { cause?: { code?: string } })?.cause?.code ?? (e as { code?: string })?.code;
  switch (c) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connect timeout';
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return `TLS: ${c}`;
    default:
      return c ? String(c) : 'network error';
  }
}
