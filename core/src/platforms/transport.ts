/**
 * How Airflow REST calls reach a server. The Airflow client speaks in API-relative paths
 * (`/dags`, without `/api/v1`); a transport adds the prefix, authentication and the wire:
 *  - HttpTransport: direct HTTP to a base URL (self-hosted, Composer airflowUri, Astro, MWAA web login)
 *  - MWAA InvokeRestApi (see mwaa.ts)
 */
import { httpRequest, displayUrl } from './http';
import { platformErrors } from './errors';
import type { ApiVersion, CallOptions } from './types';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
export type QueryValue = string | number | boolean | string[] | undefined | null;

export interface RestRequest {
  method: HttpMethod;
  /** Path after `/api/vN`, starting with `/`, segments already URI-encoded. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
}

export interface RestResponse {
  status: number;
  /** Parsed JSON body, or the text when the body is not JSON. */
  body: unknown;
}

export interface AirflowTransport {
  /** Environment name for messages. */
  readonly env: string;
  /** What the user should do on 401/403 with this transport. */
  readonly authHint: string;
  send(api: ApiVersion, req: RestRequest, opts?: CallOptions): Promise<RestResponse>;
  /** Which REST API generation the server offers (direct HTTP only; platforms know it from their metadata). */
  probe?(opts?: CallOptions): Promise<ApiVersion | undefined>;
}

/** Credentials for direct HTTP. Secrets are passed in, never read from settings. */
export type AirflowAuth =
  | { kind: 'none' }
  /** Airflow 2: HTTP Basic. Airflow 3: exchanged for a JWT at POST /auth/token. */
  | { kind: 'password'; username: string; password: string }
  /** Static or refreshed bearer token (AIRFLOW_TOKEN, Astro API token, Google access token). */
  | { kind: 'bearer'; token: () => Promise<string> }
  /** Pre-authenticated session (MWAA web login token): headers to add to every call. */
  | { kind: 'session'; login: (opts: CallOptions) => Promise<Record<string, string>> };

export function encodeQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    // Airflow 3 list parameters are exploded (?state=a&state=b); Airflow 2 takes the same form.
    if (Array.isArray(v)) for (const item of v) sp.append(k, item);
    else sp.append(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

/** "http://host:8080/", "http://host:8080/api/v1" → "http://host:8080" (keeps a sub-path like /d1234). */
export function normalizeBaseUrl(url: string): string {
  let u = url.trim();
  if (!/^https?:\/\//i.test(u)) u = `https://${u}`;
  u = u.replace(/\/+$/, '').replace(/\/api\/v[12]$/, '').replace(/\/+$/, '');
  return u;
}

export class HttpTransport implements AirflowTransport {
  readonly baseUrl: string;
  private jwt?: Promise<string>;
  private session?: Promise<Record<string, string>>;

  constructor(
    readonly env: string,
    baseUrl: string,
    private readonly auth: AirflowAuth,
    readonly authHint: string,
    private readonly extraHeaders: Record<string, string> = {},
  ) {
    this.baseUrl = normalizeBaseUrl(baseUrl);
  }

  async probe(opts: CallOptions = {}): Promise<ApiVersion | undefined> {
    // /version exists on both generations; a 401/403 still proves the route exists.
    for (const api of ['v2', 'v1'] as const) {
      const r = await httpRequest(this.env, `${this.baseUrl}/api/${api}/version`, { method: 'GET', headers: { accept: 'application/json', ...this.extraHeaders, ...(await this.probeHeaders(opts)) } }, opts);
      if (r.status === 200 || r.status === 401 || r.status === 403) return api;
    }
    return undefined;
  }

  private async probeHeaders(opts: CallOptions): Promise<Record<string, string>> {
    if (this.auth.kind === 'bearer') return { authorization: `Bearer ${await this.auth.token()}` };
    if (this.auth.kind === 'session') return this.sessionHeaders(opts);
    return {};
  }

  private sessionHeaders(opts: CallOptions): Promise<Record<string, string>> {
    if (this.auth.kind !== 'session') return Promise.resolve({});
    if (!this.session) {
      this.session = this.auth.login(opts);
      this.session.catch(() => (this.session = undefined));
    }
    return this.session;
  }

  private async token(opts: CallOptions, refresh = false): Promise<string> {
    if (this.auth.kind !== 'password') throw new Error('token() needs password auth');
    if (refresh || !this.jwt) {
      const { username, password } = this.auth;
      this.jwt = (async () => {
        const url = `${this.baseUrl}/auth/token`;
        const r = await httpRequest(this.env, url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ username, password }) }, opts);
        if (r.status === 401 || r.status === 403) throw platformErrors.unauthorized(this.env, r.status, this.authHint);
        const tok = (r.json as { access_token?: unknown } | undefined)?.access_token;
        if ((r.status !== 200 && r.status !== 201) || typeof tok !== 'string') {
          throw platformErrors.badResponse(this.env, `POST ${displayUrl(url)} answered HTTP ${r.status} without an access_token`);
        }
        return tok;
      })();
      this.jwt.catch(() => (this.jwt = undefined));
    }
    return this.jwt;
  }

  /**
   * Airflow 3 with SimpleAuthManager in all-admins mode (local development, the MWAA/Astro local
   * images) hands out a token on GET /auth/token without credentials.
   */
  private anonymousToken?: Promise<string | undefined>;
  private anonymous(opts: CallOptions): Promise<string | undefined> {
    this.anonymousToken ??= httpRequest(this.env, `${this.baseUrl}/auth/token`, { method: 'GET', headers: { accept: 'application/json' } }, opts).then(
      (r) => {
        const tok = (r.json as { access_token?: unknown } | undefined)?.access_token;
        return (r.status === 200 || r.status === 201) && typeof tok === 'string' ? tok : undefined;
      },
      () => undefined,
    );
    return this.anonymousToken;
  }

  private async authHeaders(api: ApiVersion, opts: CallOptions, refresh: boolean): Promise<Record<string, string>> {
    switch (this.auth.kind) {
      case 'none': {
        if (api !== 'v2') return {};
        if (refresh) this.anonymousToken = undefined;
        else if (!this.anonymousToken) return {};
        const tok = await this.anonymous(opts);
        return tok ? { authorization: `Bearer ${tok}` } : {};
      }
      case 'bearer':
        return { authorization: `Bearer ${await this.auth.token()}` };
      case 'session':
        if (refresh) this.session = undefined;
        return this.sessionHeaders(opts);
      case 'password':
        if (api === 'v1') return { authorization: `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}` };
        return { authorization: `Bearer ${await this.token(opts, refresh)}` };
    }
  }

  async send(api: ApiVersion, req: RestRequest, opts: CallOptions = {}): Promise<RestResponse> {
    const url = `${this.baseUrl}/api/${api}${req.path}${encodeQuery(req.query)}`;
    const attempt = async (refresh: boolean) => {
      const headers: Record<string, string> = { accept: 'application/json', ...this.extraHeaders, ...(await this.authHeaders(api, opts, refresh)) };
      let body: string | undefined;
      if (req.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(req.body);
      }
      return httpRequest(this.env, url, { method: req.method, headers, body }, opts);
    };
    let r = await attempt(false);
    // An expired Airflow 3 JWT or MWAA session is renewed once; anonymous Airflow 3 tries an all-admins token.
    if (r.status === 401 && (api === 'v2' ? this.auth.kind !== 'bearer' : this.auth.kind === 'session')) r = await attempt(true);
    return { status: r.status, body: r.json !== undefined ? r.json : r.text };
  }
}
