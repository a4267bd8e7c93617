/**
 * Local MWAA control plane (restJson1, SigV4 service "airflow"), written from the MWAA API model:
 *   GET  /environments?MaxResults=&NextToken=   GET /environments/{Name}
 *   POST /webtoken/{Name}                       POST /restapi/{Name} {Path, Method, QueryParameters?, Body?}
 * Errors: HTTP status + `x-amzn-errortype` + {"message"}. Signatures are really verified.
 * InvokeRestApi is answered by an AirflowFake (so it is validated against the Airflow spec too).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import type { AirflowFake } from './airflow-fake';

export const TEST_KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

export function sampleMwaaEnvironment(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    Name: name,
    Arn: `arn:aws:airflow:eu-west-1:123456789012:environment/${name}`,
    AirflowVersion: '2.10.3',
    Status: 'AVAILABLE',
    SourceBucketArn: `arn:aws:s3:::${name.toLowerCase()}-bucket`,
    DagS3Path: 'dags',
    PluginsS3Path: 'plugins.zip',
    RequirementsS3Path: 'requirements.txt',
    StartupScriptS3Path: 'startup.sh',
    WebserverUrl: `${name.toLowerCase()}.airflow.eu-west-1.on.aws`,
    WebserverAccessMode: 'PUBLIC_ONLY',
    EnvironmentClass: 'mw1.small',
    ExecutionRoleArn: 'arn:aws:iam::123456789012:role/mwaa-exec',
    CreatedAt: now - 86400,
    LastUpdate: { Status: 'SUCCESS', CreatedAt: now - 3600, Source: 'Updated' },
    ...overrides,
  };
}

export interface MwaaFake {
  url: string;
  requests: { method: string; path: string; host?: string; body?: string }[];
  environments: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startMwaaFake(o: { environments: Record<string, unknown>[]; airflow?: Record<string, AirflowFake>; webTokens?: string[] }): Promise<MwaaFake> {
  const envs = new Map(o.environments.map((e) => [String(e.Name), e]));
  const requests: MwaaFake['requests'] = [];
  const keys: Record<string, string> = { [TEST_KEYS.accessKeyId]: TEST_KEYS.secretAccessKey };
  let tokenNo = 0;

  const send = (res: http.ServerResponse, status: number, obj: unknown, errorType?: string) => {
    const body = JSON.stringify(obj);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-requestid': `req-${requests.length}` };
    if (errorType) headers['x-amzn-errortype'] = `${errorType}:http://internal.amazon.com/coral/com.amazonaws.mwaa/`;
    res.writeHead(status, headers).end(body);
  };

  async function signatureError(req: http.IncomingMessage, url: URL, body: string): Promise<[string, string] | undefined> {
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(req.headers.authorization ?? '');
    if (!m) return ['MissingAuthenticationTokenException', 'Missing Authentication Token'];
    const [, akid, , region, service, signedHeaders, signature] = m;
    if (!(akid in keys)) return ['UnrecognizedClientException', 'The security token included in the request is invalid.'];
    if (service !== 'airflow') return ['InvalidSignatureException', "Credential should be scoped to correct service: 'airflow'."];
    const headers: Record<string, string> = {};
    for (const h of signedHeaders.split(';')) headers[h] = String(req.headers[h] ?? '');
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const hr = new HttpRequest({ method: req.method, protocol: 'http:', hostname: String(req.headers.host).split(':')[0], path: url.pathname, query, headers, body });
    const signer = new SignatureV4({ service: 'airflow', region, sha256: Hash.bind(null, 'sha256'), credentials: { accessKeyId: akid, secretAccessKey: keys[akid], sessionToken: req.headers['x-amz-security-token'] as string | undefined }, uriEscapePath: true, applyChecksum: false });
    const d = String(req.headers['x-amz-date']);
    const signingDate = new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
    const resigned = await signer.sign(hr, { signingDate, signingRegion: region, signingService: 'airflow' });
    const expected = /Signature=([0-9a-f]{64})/.exec(String(resigned.headers.authorization))?.[1];
    return expected === signature ? undefined : ['InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.'];
  }

  const server = http.createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push({ method: req.method ?? '', path: url.pathname, host: req.headers.host, body: raw || undefined });
      const sigErr = await signatureError(req, url, raw);
      if (sigErr) return send(res, 403, { message: sigErr[1] }, sigErr[0]);
      const seg = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      const env = seg[1] ? envs.get(seg[1]) : undefined;
      if (seg[1] && !env) return send(res, 404, { message: `Environment named ${seg[1]} does not exist.` }, 'ResourceNotFoundException');
      if (req.method === 'GET' && seg.length === 1 && seg[0] === 'environments') {
        const max = Number(url.searchParams.get('MaxResults') ?? 25);
        if (!(max >= 1 && max <= 25)) return send(res, 400, { message: '1 validation error detected: MaxResults must be between 1 and 25' }, 'ValidationException');
        const names = [...envs.keys()].sort();
        const start = Number(url.searchParams.get('NextToken') ?? 0);
        return send(res, 200, { Environments: names.slice(start, start + max), ...(start + max < names.length ? { NextToken: String(start + max) } : {}) });
      }
      if (req.method === 'GET' && seg[0] === 'environments' && env) return send(res, 200, { Environment: env });
      if (req.method === 'POST' && seg[0] === 'webtoken' && env) {
        const tok = o.webTokens?.[tokenNo++ % Math.max(1, o.webTokens.length)] ?? `web-${tokenNo}`;
        return send(res, 200, { WebToken: tok, WebServerHostname: env.WebserverUrl, IamIdentity: 'arn:aws:sts::123456789012:assumed-role/dev/me', AirflowIdentity: 'assumed-role/dev' });
      }
      if (req.method === 'POST' && seg[0] === 'restapi' && env) {
        let input: { Path?: string; Method?: string; QueryParameters?: Record<string, unknown>; Body?: unknown };
        try {
          input = JSON.parse(raw || '{}');
        } catch {
          return send(res, 400, { message: 'Malformed JSON body' }, 'ValidationException');
        }
        if (!input.Path || !input.Method) return send(res, 400, { message: 'Path and Method are required' }, 'ValidationException');
        if (!['GET', 'PUT', 'POST', 'PATCH', 'DELETE'].includes(input.Method)) return send(res, 400, { message: `Method ${input.Method} is not supported` }, 'ValidationException');
        if (/\/api\/v\d/.test(input.Path)) return send(res, 400, { message: 'Path must not include the /api/vN prefix' }, 'ValidationException');
        if (input.Path.length > 64) return send(res, 400, { message: "1 validation error detected: Value at 'path' failed to satisfy constraint: Member must have length less than or equal to 64" }, 'ValidationException');
        const af = o.airflow?.[String(env.Name)];
        if (!af) return send(res, 500, { message: 'no airflow backend' }, 'InternalServerException');
        const q = new URLSearchParams();
        for (const [k, v] of Object.entries(input.QueryParameters ?? {})) for (const x of Array.isArray(v) ? v : [v]) q.append(k, String(x));
        const a = af.handleApi(input.Method, input.Path, q, input.Body);
        if (a.status >= 500) return send(res, 400, { RestApiStatusCode: a.status, RestApiResponse: a.body, message: 'Airflow server error' }, 'RestApiServerException');
        if (a.status >= 400) return send(res, 400, { RestApiStatusCode: a.status, RestApiResponse: a.body, message: 'Airflow client error' }, 'RestApiClientException');
        return send(res, 200, { RestApiStatusCode: a.status, RestApiResponse: a.body });
      }
      return send(res, 404, { message: `No route for ${req.method} ${url.pathname}` }, 'UnknownOperationException');
    } catch (e) {
      send(res, 500, { message: String(e) }, 'InternalServerException');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    environments: envs,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
