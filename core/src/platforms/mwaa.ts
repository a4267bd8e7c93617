/**
 * Amazon MWAA: environments through @aws-sdk/client-mwaa with the standard AWS credential chain,
 * and the Airflow REST API through InvokeRestApi (Airflow ≥ 2.4.3) or the web-login-token session
 * (older Airflow 2). Endpoint overrides (`AWS_ENDPOINT_URL_MWAA`, `AWS_ENDPOINT_URL`, or the
 * `endpoint` option) turn off the SDK's `api.`/`env.` host prefixes, so a local server works.
 */
import { ListEnvironmentsCommand, GetEnvironmentCommand, CreateWebLoginTokenCommand } from '@aws-sdk/client-mwaa';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import semver from 'semver';
import type { EnvironmentConfig } from '../protocol/environments';
import { mapAwsError, mwaaContext, ssoHint, toMwaaInfo, type AwsCredentials, type MwaaContext, type MwaaEnvironmentInfo, type MwaaOptions } from './mwaa-client';
import { platformErrors } from './errors';
import { httpRequest, withDeadline } from './http';
import { AirflowClient, stripVendorSuffix, apiVersionFor } from './airflow';
import { HttpTransport, type AirflowTransport, type RestRequest, type RestResponse } from './transport';
import type { ApiVersion, CallOptions } from './types';

export * from './mwaa-client';

/** Statuses in which the Airflow API cannot be used. */
const NOT_READY = new Set(['CREATING', 'CREATE_FAILED', 'UPDATING', 'ROLLING_BACK', 'DELETING', 'DELETED', 'UNAVAILABLE', 'PENDING', 'CREATING_SNAPSHOT']);
/** InvokeRestApi exists for Airflow 2.4.3 and later. */
export const MWAA_INVOKE_MIN = '2.4.3';

async function awsCall<T>(envName: string, ctx: MwaaContext, what: string, opts: CallOptions, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    return await withDeadline(envName, what, opts, run);
  } catch (e) {
    throw mapAwsError(envName, e, ctx.profile);
  }
}

/** Names of all MWAA environments in the region (pages through ListEnvironments). */
export async function listMwaaEnvironments(cfg: { region?: string; profile?: string }, opts: MwaaOptions & CallOptions = {}): Promise<string[]> {
  const ctx = mwaaContext(cfg, opts);
  const label = `MWAA ${ctx.region}`;
  const names: string[] = [];
  let token: string | undefined;
  try {
    do {
      const out = await awsCall(label, ctx, 'MWAA ListEnvironments', opts, (abortSignal) => ctx.client.send(new ListEnvironmentsCommand({ MaxResults: 25, NextToken: token }), { abortSignal: abortSignal as never }));
      names.push(...(out.Environments ?? []));
      token = out.NextToken;
    } while (token);
  } finally {
    ctx.client.destroy();
  }
  return names;
}

/** GetEnvironment as plain data (for the tree, the CLI and deploy). */
export async function getMwaaEnvironment(config: Pick<EnvironmentConfig, 'name' | 'environment' | 'region' | 'profile'>, opts: MwaaOptions & CallOptions = {}): Promise<MwaaEnvironmentInfo> {
  const ctx = mwaaContext(config, opts);
  try {
    return await getWithContext(config.name, config.environment ?? config.name, ctx, opts);
  } finally {
    ctx.client.destroy();
  }
}

async function getWithContext(envName: string, mwaaName: string, ctx: MwaaContext, opts: CallOptions): Promise<MwaaEnvironmentInfo> {
  const out = await awsCall(envName, ctx, 'MWAA GetEnvironment', opts, (abortSignal) => ctx.client.send(new GetEnvironmentCommand({ Name: mwaaName }), { abortSignal: abortSignal as never }));
  if (!out.Environment) throw platformErrors.badResponse(envName, 'GetEnvironment returned no Environment');
  return toMwaaInfo(out.Environment, ctx.region);
}

export interface InvokeRestApiInput {
  Path: string;
  Method: string;
  QueryParameters?: Record<string, unknown>;
  Body?: unknown;
}

export interface InvokeRestApiOutput {
  RestApiStatusCode: number;
  RestApiResponse: unknown;
}

/**
 * POST /restapi/{Name} on the `env.` host, SigV4-signed for service "airflow". Replace with the
 * SDK's InvokeRestApiCommand once the registry serves a client-mwaa that has it; the output
 * shape is the same.
 */
export async function invokeRestApi(envName: string, ctx: MwaaContext, mwaaName: string, input: InvokeRestApiInput, opts: CallOptions = {}): Promise<InvokeRestApiOutput> {
  const base = ctx.endpoint ?? `https://env.airflow.${ctx.region}.amazonaws.com`;
  const url = new URL(`/restapi/${encodeURIComponent(mwaaName)}`, base);
  const body = JSON.stringify(input);
  let creds: AwsCredentials;
  try {
    creds = await ctx.credentials();
  } catch (e) {
    throw mapAwsError(envName, e, ctx.profile);
  }
  const signer = new SignatureV4({ service: 'airflow', region: ctx.region, credentials: creds, sha256: Hash.bind(null, 'sha256'), uriEscapePath: true, applyChecksum: false });
  const unsigned = new HttpRequest({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    headers: { host: url.host, 'content-type': 'application/json' },
    body,
  });
  const signed = await signer.sign(unsigned);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) if (k.toLowerCase() !== 'host') headers[k] = String(v);
  const r = await httpRequest(envName, url.toString(), { method: 'POST', headers, body }, opts);
  const j = (r.json ?? {}) as Record<string, unknown>;
  if (r.status === 200) return { RestApiStatusCode: Number(j.RestApiStatusCode ?? 200), RestApiResponse: j.RestApiResponse };
  const type = (r.headers.get('x-amzn-errortype') ?? String(j.__type ?? j.code ?? '')).split(':')[0].split('#').pop() ?? '';
  if (type === 'RestApiClientException' || type === 'RestApiServerException') {
    return { RestApiStatusCode: Number(j.RestApiStatusCode ?? (type === 'RestApiServerException' ? 500 : 400)), RestApiResponse: j.RestApiResponse };
  }
  const err = Object.assign(new Error(String(j.message ?? j.Message ?? `HTTP ${r.status}`)), { name: type || `HTTP${r.status}`, $metadata: { httpStatusCode: r.status } });
  throw mapAwsError(envName, err, ctx.profile);
}

/** InvokeRestApi's `Path` member is limited to 64 characters (MWAA API model). */
export const MWAA_INVOKE_PATH_MAX = 64;

/**
 * Airflow REST calls through MWAA InvokeRestApi (paths without /api/vN; MWAA picks the API
 * generation). Paths longer than InvokeRestApi accepts (run ids make task-instance and log paths
 * long) go through the web-login session instead, created on first need.
 */
export class MwaaInvokeTransport implements AirflowTransport {
  readonly authHint: string;
  private long?: AirflowTransport;
  constructor(
    readonly env: string,
    private readonly ctx: MwaaContext,
    private readonly mwaaName: string,
    private readonly longPaths?: () => AirflowTransport,
  ) {
    this.authHint = `Your IAM identity needs airflow:InvokeRestApi on ${mwaaName} and an Airflow role mapping (e.g. the MWAA "Op" or "Admin" role). ${ssoHint(ctx.profile)}`;
  }

  async send(api: ApiVersion, req: RestRequest, opts: CallOptions = {}): Promise<RestResponse> {
    if (req.path.length > MWAA_INVOKE_PATH_MAX && this.longPaths) {
      this.long ??= this.longPaths();
      return this.long.send(api, req, opts);
    }
    const query: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined && v !== null) query[k] = v;
    const out = await invokeRestApi(this.env, this.ctx, this.mwaaName, { Path: req.path, Method: req.method, ...(Object.keys(query).length ? { QueryParameters: query } : {}), ...(req.body !== undefined ? { Body: req.body } : {}) }, opts);
    return { status: out.RestApiStatusCode, body: out.RestApiResponse };
  }
}

/**
 * Older MWAA (Airflow 2.0–2.4.2): CreateWebLoginToken, then POST the token to the webserver's
 * login route; Airflow 2 returns a `session` cookie, Airflow 3 a `_token` cookie used as bearer.
 */
export function mwaaWebLoginTransport(envName: string, ctx: MwaaContext, mwaaName: string, airflowVersion: string, webserverUrl: string): HttpTransport {
  const v3 = apiVersionFor(airflowVersion) === 'v2';
  // A local (http) control-plane override means a local webserver too.
  const scheme = ctx.endpoint?.startsWith('http://') ? 'http' : 'https';
  const login = async (opts: CallOptions): Promise<Record<string, string>> => {
    const tok = await awsCall(envName, ctx, 'MWAA CreateWebLoginToken', opts, (abortSignal) => ctx.client.send(new CreateWebLoginTokenCommand({ Name: mwaaName }), { abortSignal: abortSignal as never }));
    if (!tok.WebToken || !tok.WebServerHostname) throw platformErrors.badResponse(envName, 'CreateWebLoginToken returned no token');
    const url = `${scheme}://${tok.WebServerHostname}${v3 ? '/pluginsv2/aws_mwaa/login' : '/aws_mwaa/login'}`;
    const r = await httpRequest(envName, url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: tok.WebToken }).toString() }, opts);
    const cookies = r.headers.getSetCookie().map((c) => c.split(';')[0]);
    const wanted = cookies.find((c) => c.startsWith(v3 ? '_token=' : 'session='));
    if (!wanted) throw platformErrors.unauthorized(envName, r.status === 403 ? 403 : 401, `The MWAA web login did not return a session. ${ssoHint(ctx.profile)}`);
    return v3 ? { authorization: `Bearer ${wanted.slice('_token='.length)}` } : { cookie: wanted };
  };
  const base = `${scheme}://${webserverUrl.replace(/^https?:\/\//, '')}`;
  return new HttpTransport(envName, base, { kind: 'session', login }, `Your IAM identity needs airflow:CreateWebLoginToken on ${mwaaName}. ${ssoHint(ctx.profile)}`);
}

export interface MwaaConnection {
  info: MwaaEnvironmentInfo;
  client: AirflowClient;
  context: MwaaContext;
  /** How REST calls are made. */
  route: 'invokeRestApi' | 'webLogin';
}

/** GetEnvironment, check it is usable, and return an Airflow client over the right route. */
export async function connectMwaa(config: EnvironmentConfig, opts: MwaaOptions & CallOptions = {}): Promise<MwaaConnection> {
  const ctx = mwaaContext(config, opts);
  const mwaaName = config.environment ?? config.name;
  const info = await getWithContext(config.name, mwaaName, ctx, opts);
  if (NOT_READY.has(info.status)) throw platformErrors.notReady(config.name, info.status);
  const version = semver.coerce(stripVendorSuffix(info.airflowVersion));
  if (!version || semver.lt(version, '2.0.0')) {
    throw platformErrors.unsupportedVersion(config.name, info.airflowVersion || 'unknown', 'MWAA exposes the Airflow REST API from Airflow 2.0 (web login) and 2.4.3 (InvokeRestApi); upgrade the environment.');
  }
  if (semver.gte(version, MWAA_INVOKE_MIN)) {
    const longPaths = () => mwaaWebLoginTransport(config.name, ctx, mwaaName, info.airflowVersion, info.webserverUrl ?? '');
    const client = new AirflowClient({ env: config.name, transport: new MwaaInvokeTransport(config.name, ctx, mwaaName, longPaths), airflowVersion: info.airflowVersion });
    return { info, client, context: ctx, route: 'invokeRestApi' };
  }
  // GetEnvironment's WebserverUrl is the same host CreateWebLoginToken answers with.
  const transport = mwaaWebLoginTransport(config.name, ctx, mwaaName, info.airflowVersion, info.webserverUrl ?? '');
  const client = new AirflowClient({ env: config.name, transport, airflowVersion: info.airflowVersion });
  return { info, client, context: ctx, route: 'webLogin' };
}

/** A web-UI URL that signs the user in: CreateWebLoginToken → https://host/aws_mwaa/aws-console-sso?login=true#token */
export async function mwaaWebLoginUrl(config: EnvironmentConfig, opts: MwaaOptions & CallOptions = {}): Promise<string> {
  const ctx = mwaaContext(config, opts);
  try {
    const mwaaName = config.environment ?? config.name;
    const tok = await awsCall(config.name, ctx, 'MWAA CreateWebLoginToken', opts, (abortSignal) => ctx.client.send(new CreateWebLoginTokenCommand({ Name: mwaaName }), { abortSignal: abortSignal as never }));
    if (!tok.WebToken || !tok.WebServerHostname) throw platformErrors.badResponse(config.name, 'CreateWebLoginToken returned no token');
    const scheme = ctx.endpoint?.startsWith('http://') ? 'http' : 'https';
    return `${scheme}://${tok.WebServerHostname}/aws_mwaa/aws-console-sso?login=true#${tok.WebToken}`;
  } finally {
    ctx.client.destroy();
  }
}
