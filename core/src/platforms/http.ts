/**
 * One HTTP call with cancellation, a timeout and typed network errors. Uses Node's fetch
 * (undici); everything above it (Airflow REST, Astro API, MWAA InvokeRestApi) goes through here.
 */
import { isManagedAirflowError } from '../errors';
import { platformErrors, networkReason } from './errors';
import { DEFAULT_TIMEOUT_MS, type CallOptions } from './types';

export interface HttpResult {
  status: number;
  headers: Headers;
  contentType: string;
  text: string;
  /** Parsed JSON when the body is JSON, else undefined. */
  json: unknown;
}

export interface HttpRequestInit {
  method: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Redact query values that may carry tokens before a URL appears in a message. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return `${u.origin}${u.pathname}`;
  } catch {
    return url.replace(/\?.*$/, '');
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw platformErrors.cancelled();
}

export async function httpRequest(env: string, url: string, init: HttpRequestInit, opts: CallOptions = {}): Promise<HttpResult> {
  throwIfAborted(opts.signal);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = new AbortController();
  const t = setTimeout(() => timer.abort(), timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timer.signal]) : timer.signal;
  try {
    const res = await fetch(url, { method: init.method, headers: init.headers, body: init.body, signal, redirect: 'manual' });
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    let json: unknown;
    if (/json/i.test(contentType) && text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { status: res.status, headers: res.headers, contentType, text, json };
  } catch (e) {
    if (isManagedAirflowError(e)) throw e;
    if (opts.signal?.aborted) throw platformErrors.cancelled();
    if (timer.signal.aborted) throw platformErrors.timeout(env, displayUrl(url), timeoutMs);
    throw platformErrors.unreachable(env, displayUrl(url), networkReason(e));
  } finally {
    clearTimeout(t);
  }
}

/** Race any promise (SDK calls) against cancellation and a timeout. */
export async function withDeadline<T>(env: string, what: string, opts: CallOptions, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  throwIfAborted(opts.signal);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, timer.signal]) : timer.signal;
  let t: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    t = setTimeout(() => {
      timer.abort();
      reject(platformErrors.timeout(env, what, timeoutMs));
    }, timeoutMs);
    onAbort = () => reject(platformErrors.cancelled());
    opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([run(signal), deadline]);
  } finally {
    clearTimeout(t);
    // A long-lived signal (the CLI's Ctrl-C) must not collect one listener per call.
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
  }
}
