// Contract fake of the MWAA control plane (restJson1, SigV4 service "airflow"), after the verified recipe
// in ../shared/recipes/emulators/mwaa-fake.mjs, plus UpdateEnvironment (PATCH /environments/{Name}).
// Signatures are really verified; an "expired" access key answers like AWS does for expired STS tokens.
import http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';

export type FakeMwaaEnvironment = Record<string, unknown> & { Name: string };

export function mwaaEnvironment(name: string, bucket: string, overrides: Record<string, unknown> = {}): FakeMwaaEnvironment {
  const now = Math.floor(Date.now() / 1000);
  return {
    Name: name,
    Arn: `arn:aws:airflow:us-east-1:123456789012:environment/${name}`,
    AirflowVersion: '2.10.3',
    Status: 'AVAILABLE',
    SourceBucketArn: `arn:aws:s3:::${bucket}`,
    DagS3Path: 'dags',
    WebserverUrl: `${name.toLowerCase()}.airflow.us-east-1.on.aws`,
    CreatedAt: now - 86400,
    LastUpdate: { Status: 'SUCCESS', CreatedAt: now - 3600 },
    ...overrides,
  };
}

export interface MwaaFakeOptions {
  environments: FakeMwaaEnvironment[];
  keys?: Record<string, string>;
  expiredKeys?: string[];
}

export async function startMwaaFake(o: MwaaFakeOptions) {
  const envs = new Map(o.environments.map((e) => [e.Name, e]));
  const keys = o.keys ?? { S3RVER: 'S3RVER' };
  const requests: { method: string; path: string; body?: string }[] = [];
  const updates: { name: string; body: Record<string, unknown> }[] = [];
  const send = (res: http.ServerResponse, status: number, obj: unknown, errorType?: string) => {
    const body = JSON.stringify(obj);
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (errorType) headers['x-amzn-errortype'] = `${errorType}:http://internal.amazon.com/coral/com.amazonaws.mwaa/`;
    res.writeHead(status, headers).end(body);
  };
  async function checkSig(req: http.IncomingMessage, url: URL, body: string): Promise<[string, string, number] | null> {
    const auth = req.headers.authorization ?? '';
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) return ['MissingAuthenticationTokenException', 'Missing Authentication Token', 403];
    const [, akid, , region, service, signedHeaders, signature] = m;
    if (o.expiredKeys?.includes(akid)) return ['ExpiredTokenException', 'The security token included in the request is expired', 403];
    if (!(akid in keys)) return ['UnrecognizedClientException', 'The security token included in the request is invalid.', 403];
    if (service !== 'airflow') return ['InvalidSignatureException', "Credential should be scoped to correct service: 'airflow'.", 403];
    const headers: Record<string, string> = {};
    for (const h of signedHeaders.split(';')) headers[h] = String(req.headers[h]);
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const hr = new HttpRequest({ method: req.method, protocol: 'http:', hostname: req.headers.host!.split(':')[0], path: url.pathname, query, headers, body });
    const signer = new SignatureV4({ service: 'airflow', region, sha256: Hash.bind(null, 'sha256'), credentials: { accessKeyId: akid, secretAccessKey: keys[akid], sessionToken: req.headers['x-amz-security-token'] as string | undefined }, uriEscapePath: true, applyChecksum: false });
    const d = String(req.headers['x-amz-date']);
    const signingDate = new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
    const resigned = await signer.sign(hr, { signingDate, signingRegion: region, signingService: 'airflow' });
    const expected = /Signature=([0-9a-f]{64})/.exec(String(resigned.headers.authorization))![1];
    if (expected !== signature) return ['InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.', 403];
    return null;
  }
  const server = http.createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push({ method: req.method!, path: url.pathname, body: raw || undefined });
      const bad = await checkSig(req, url, raw);
      if (bad) return send(res, bad[2], { message: bad[1] }, bad[0]);
      const seg = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (seg.length === 2 && seg[0] === 'environments') {
        const e = envs.get(seg[1]);
        if (!e) return send(res, 404, { message: `Environment named ${seg[1]} does not exist.` }, 'ResourceNotFoundException');
        if (req.method === 'GET') return send(res, 200, { Environment: e });
        if (req.method === 'PATCH') {
          const body = JSON.parse(raw || '{}') as Record<string, unknown>;
          if (e.Status !== 'AVAILABLE') return send(res, 400, { message: `Environment ${e.Name} is ${e.Status}` }, 'ValidationException');
          updates.push({ name: e.Name, body });
          Object.assign(e, body, { Status: 'UPDATING' });
          return send(res, 200, { Arn: e.Arn });
        }
      }
      return send(res, 404, { message: `No route for ${req.method} ${url.pathname}` }, 'UnknownOperationException');
    } catch (err) {
      send(res, 500, { message: String(err) }, 'InternalServerException');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, requests, updates, environments: envs, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}
