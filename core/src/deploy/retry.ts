import { setMaxListeners } from 'node:events';
import { ManagedAirflowError } from '../errors';

export interface RetryOptions {
  maxAttempts: number;
  /** First back-off delay; doubles each attempt, with jitter, capped at 20 s. */
  baseDelayMs: number;
  signal?: AbortSignal;
  onRetry?: (attempt: number, error: unknown) => void;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 5, baseDelayMs: 250 };

const RETRYABLE_NAMES = new Set([
  'SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestTimeout', 'RequestTimeoutException',
  'InternalError', 'InternalServerException', 'ServiceUnavailable', 'ServiceUnavailableException', 'TimeoutError', 'RequestLimitExceeded',
]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND_RETRY', 'UND_ERR_SOCKET', 'ECONNABORTED']);

/** Throttling, 5xx and transient network errors are retried; everything else fails at once. */
export function isRetryable(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const err = e as { name?: string; code?: unknown; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; cause?: unknown };
  if (err instanceof ManagedAirflowError) return false;
  if (err.name === 'AbortError') return false;
  const status = err.$metadata?.httpStatusCode ?? (typeof err.code === 'number' ? err.code : undefined);
  if (status !== undefined && (status === 429 || (status >= 500 && status <= 599))) return true;
  if (err.name && RETRYABLE_NAMES.has(err.name)) return true;
  if (typeof err.code === 'string' && RETRYABLE_CODES.has(err.code)) return true;
  if (err.$retryable) return true;
  if (err.cause && err.cause !== e) return isRetryable(err.cause);
  return false;
}

export function abortError(): ManagedAirflowError {
  return new ManagedAirflowError('cancelled', 'deploy.cancelled', 'deploy cancelled', {
    hint: 'Nothing is lost: run the same deploy again and it continues where it stopped.',
  });
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw abortError();
    try {
      return await fn(attempt);
    } catch (e) {
      if (opts.signal?.aborted) throw abortError();
      if (attempt >= opts.maxAttempts || !isRetryable(e)) throw e;
      opts.onRetry?.(attempt, e);
      const delay = Math.min(20_000, opts.baseDelayMs * 2 ** (attempt - 1));
      await sleep(delay / 2 + Math.random() * (delay / 2), opts.signal);
    }
  }
}

/** Run `fn` over `items` with at most `limit` in flight; stops starting new work once one fails or the signal aborts. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>, signal?: AbortSignal): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      if (failed || signal?.aborted) {
        results[i] = { status: 'rejected', reason: signal?.aborted ? abortError() : new Error('skipped after an earlier failure') };
        continue;
      }
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i], i) };
      } catch (e) {
        failed = true;
        results[i] = { status: 'rejected', reason: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * A private signal that follows `signal`: every in-flight SDK request adds an abort listener, so
 * with many parallel uploads the caller's signal would trip Node's listener-leak warning.
 */
export function followSignal(signal?: AbortSignal): AbortSignal | undefined {
  if (!signal) return undefined;
  const c = new AbortController();
  setMaxListeners(0, c.signal);
  if (signal.aborted) c.abort();
  else signal.addEventListener('abort', () => c.abort(), { once: true });
  return c.signal;
}
