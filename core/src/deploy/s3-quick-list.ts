/**
 * The early listing of a deploy (the DAG folder the previous deploy resolved, listed while MWAA is
 * asked; see state.ts) without the AWS SDK: a signed ListObjectsV2 GET with node:https and the
 * deploy's page reader (s3-list.ts), so the request leaves as soon as the deploy starts instead of
 * after the S3 client has loaded. Only for the plain cases — keys in the environment (which the
 * deploy's credential choice prefers anyway, aws.ts), a path-style endpoint override or the standard
 * regional endpoint — and never an authority: anything unexpected (another status, a page the reader
 * does not take, a network error) rejects, and the deploy lists again with the SDK. It only reads.
 */
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { awsRegion, type AwsSettings } from './aws';
import { listedObject, parseListObjectsV2, plainEtagMd5 } from './s3-list';
import type { RemoteObject } from './types';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** RFC 3986 encoding, as SigV4 canonicalises query strings. */
const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s).digest();

interface Target {
  url: URL;
  /** Canonical URI of the bucket (path style: /bucket, virtual host: /). */
  path: string;
}

/** Where the quick calls go for `bucket`, or undefined when the SDK's endpoint rules are needed. */
export function quickS3Target(bucket: string, s: AwsSettings): Target | undefined {
  if (!s.env.AWS_ACCESS_KEY_ID || !s.env.AWS_SECRET_ACCESS_KEY) return undefined;
  return target(bucket, s);
}

/**
 * An endpoint override the quick calls can send to as it is (an http(s) origin; the SDK clients send
 * there without host prefixes or virtual hosts), or undefined for anything else, left to the SDK.
 */
export function plainEndpoint(raw: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || (url.pathname !== '/' && url.pathname !== '') || url.search || url.username) return undefined;
  return url;
}

/** The region when the standard regional endpoint applies (no FIPS/dual-stack variants, a usual region name). */
export function standardRegion(s: AwsSettings): string | undefined {
  if (s.env.AWS_USE_FIPS_ENDPOINT || s.env.AWS_USE_DUALSTACK_ENDPOINT) return undefined;
  const region = awsRegion(s);
  return /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) ? region : undefined;
}

function target(bucket: string, s: AwsSettings): Target | undefined {
  const custom = s.env.AWS_ENDPOINT_URL_S3 || s.env.AWS_ENDPOINT_URL;
  if (custom) {
    // the deploy's S3 client uses path-style addressing against an endpoint override (s3.ts)
    const url = plainEndpoint(custom);
    if (!url || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) return undefined;
    return { url: new URL(`${url.origin}/${bucket}`), path: `/${bucket}` };
  }
  // FIPS, dual-stack, accelerate and dotted buckets are left to the SDK's endpoint rules
  if (s.env.AWS_S3_US_EAST_1_REGIONAL_ENDPOINT || !/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket)) return undefined;
  const region = standardRegion(s);
  if (!region) return undefined;
  return { url: new URL(`https://${bucket}.s3.${region}.amazonaws.com/`), path: '/' };
}

export function get(url: URL, headers: Record<string, string>, signal?: AbortSignal): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return request('GET', url, headers, undefined, signal);
}

function request(method: string, url: URL, headers: Record<string, string>, body: Buffer | undefined, signal?: AbortSignal): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(url, { method, headers: body ? { ...headers, 'content-length': String(body.length) } : headers, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A definitive answer the quick call does not interpret: the caller sends the request through the SDK, which reports it. */
export class QuickFallback extends Error {
  override name = 'QuickFallback';
}

/**
 * PutObject without the SDK, as S3Storage.put sends it (Content-MD5, content type, the MD5 in
 * metadata): resolves with the stored MD5 (a plain ETag) and version on a 200; throttling and server errors
 * reject as the SDK's would (the executor retries them), network errors as they are; any other
 * answer rejects with QuickFallback, and the caller uploads through the SDK, which reports it.
 */
export async function quickPutS3(t: Target, key: string, body: Buffer, o: { md5: string; contentType: string; metadataKey: string }, s: AwsSettings, signal?: AbortSignal, now: () => Date = () => new Date()): Promise<{ version?: string; storedMd5?: string }> {
  const path = `${t.path === '/' ? '' : t.path}/${key.split('/').map(enc).join('/')}`;
  const headers = signPut({
    host: t.url.host, path, region: awsRegion(s), accessKeyId: s.env.AWS_ACCESS_KEY_ID!, secret: s.env.AWS_SECRET_ACCESS_KEY!, token: s.env.AWS_SESSION_TOKEN, date: now(), body,
    extra: { 'content-md5': Buffer.from(o.md5, 'hex').toString('base64'), 'content-type': o.contentType, [`x-amz-meta-${o.metadataKey}`]: o.md5 },
  });
  const r = await request('PUT', new URL(`${t.url.origin}${path}`), headers, body, signal);
  if (r.status === 429 || (r.status >= 500 && r.status <= 599)) {
    // throttling and server errors as the SDK reports them (the executor's retries go by the status)
    const code = /<Code>([^<]{1,64})<\/Code>/.exec(r.body)?.[1] ?? (r.status === 503 ? 'ServiceUnavailable' : 'InternalError');
    throw Object.assign(new Error(/<Message>([^<]{0,500})<\/Message>/.exec(r.body)?.[1] ?? code), { name: code, $metadata: { httpStatusCode: r.status }, $fault: 'server' });
  }
  if (r.status !== 200) throw new QuickFallback(`quick PutObject: HTTP ${r.status}`);
  const storedMd5 = plainEtagMd5(String(r.headers.etag ?? ''));
  const version = r.headers['x-amz-version-id'];
  return { ...(typeof version === 'string' && version && version !== 'null' ? { version } : {}), ...(storedMd5 ? { storedMd5 } : {}) };
}

/** SigV4 for a GET without a body (S3 unless `service` says otherwise): the canonical query string and the headers to send (with authorization). */
export function signGet(o: { host: string; path: string; params: [string, string][]; region: string; accessKeyId: string; secret: string; token?: string; date: Date; service?: string }): { query: string; headers: Record<string, string> } {
  return sign({ ...o, method: 'GET', payloadHash: EMPTY_SHA256 });
}

function sign(o: { method: string; host: string; path: string; params: [string, string][]; region: string; accessKeyId: string; secret: string; token?: string; date: Date; service?: string; payloadHash: string; extra?: Record<string, string> }): { query: string; headers: Record<string, string> } {
  const query = o.params.map(([k, v]) => [enc(k), enc(v)]).sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&');
  const amzDate = o.date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...o.extra, host: o.host, 'x-amz-content-sha256': o.payloadHash, 'x-amz-date': amzDate, ...(o.token ? { 'x-amz-security-token': o.token } : {}) };
  const names = Object.keys(headers).sort();
  const canonical = [o.method, o.path, query, ...names.map((n) => `${n}:${headers[n].trim().replace(/\s+/g, ' ')}`), '', names.join(';'), o.payloadHash].join('\n');
  const service = o.service ?? 's3';
  const scope = `${day}/${o.region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${o.secret}`, day), o.region), service), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return { query, headers: { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${o.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` } };
}

/** SigV4 for an S3 PUT of `body` with these extra (lower-case) headers, all signed; the payload hash is signed too. */
export function signPut(o: { host: string; path: string; region: string; accessKeyId: string; secret: string; token?: string; date: Date; body: Buffer; extra: Record<string, string> }): Record<string, string> {
  return sign({ ...o, method: 'PUT', params: [], payloadHash: createHash('sha256').update(o.body).digest('hex') }).headers;
}

/**
 * Every object under `prefix` of `bucket` (all pages), or undefined when this case is left to the
 * SDK. The promise rejects on anything unexpected.
 */
export function quickListS3(bucket: string, prefix: string, s: AwsSettings, signal?: AbortSignal, now: () => Date = () => new Date()): Promise<RemoteObject[]> | undefined {
  const t = quickS3Target(bucket, s);
  if (!t) return undefined;
  const accessKeyId = s.env.AWS_ACCESS_KEY_ID!;
  const secret = s.env.AWS_SECRET_ACCESS_KEY!;
  const token = s.env.AWS_SESSION_TOKEN;
  const region = awsRegion(s);
  const page = async (continuation: string | undefined) => {
    const params: [string, string][] = [['list-type', '2'], ['max-keys', '1000']];
    if (prefix) params.push(['prefix', prefix]);
    if (continuation) params.push(['continuation-token', continuation]);
    const { query, headers } = signGet({ host: t.url.host, path: t.path, params, region, accessKeyId, secret, token, date: now() });
    const url = new URL(t.url);
    url.search = query;
    const r = await get(url, headers, signal);
    if (r.status !== 200) throw new Error(`quick listing: HTTP ${r.status}`);
    const p = parseListObjectsV2(r.body);
    if (!p) throw new Error('quick listing: a page the reader does not take');
    return p;
  };
  return (async () => {
    const out: RemoteObject[] = [];
    let token_: string | undefined;
    do {
      const p = await page(token_);
      for (const o of p.Contents ?? []) if (o.Key) out.push(listedObject(o));
      if (p.IsTruncated && !p.NextContinuationToken) throw new Error('quick listing: a truncated page without a continuation token');
      token_ = p.IsTruncated ? p.NextContinuationToken : undefined;
    } while (token_);
    return out;
  })();
}
