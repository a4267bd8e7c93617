/**
 * A fast reader for ListObjectsV2 pages. A deploy lists the whole DAG folder in a fresh process,
 * where the SDK's generic XML and schema deserializer is still cold: for a page of 1,000 keys it
 * takes ~40 ms, about a tenth of a one-file deploy. The page format is simple and fixed, so this
 * reads what the deploy needs with a few regular expressions, and anything unexpected (another
 * root element, CDATA, comments, a DTD, a key count that does not add up) goes to the SDK's own
 * deserializer instead. The SDK still builds, signs, sends and retries the request, and parses
 * every error response.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { RemoteObject } from './types';

export interface ListPageObject {
  Key: string;
  ETag?: string;
  Size?: number;
  LastModified?: Date;
  StorageClass?: string;
}

/** The part of ListObjectsV2Output this reader fills. */
export interface ListPage {
  Name?: string;
  Prefix?: string;
  KeyCount?: number;
  MaxKeys?: number;
  IsTruncated?: boolean;
  ContinuationToken?: string;
  NextContinuationToken?: string;
  StartAfter?: string;
  Delimiter?: string;
  Contents?: ListPageObject[];
  CommonPrefixes?: { Prefix: string }[];
}

/** The MD5 in an ETag, when the ETag is a plain MD5 (not a multipart or encrypted object's). */
export function plainEtagMd5(etag: string | undefined): string | undefined {
  return /^"?([0-9a-f]{32})"?$/.exec(etag ?? '')?.[1];
}

/** A listed object as the deploy compares it (the SDK's listing and the SDK-less one alike). */
export function listedObject(o: ListPageObject): RemoteObject {
  const md5 = plainEtagMd5(o.ETag);
  return { key: o.Key, size: o.Size ?? 0, ...(md5 ? { md5, md5Source: 'etag' as const } : {}) };
}

const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));/g;
const NOT_AN_ENTITY = /&(?!(?:#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);)/;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * XML character data → text: the five predefined entities and character references (there are no
 * others without a DTD). Undefined for what is not plain character data: markup, or an '&' that
 * starts no entity, or a character reference outside Unicode.
 */
function unescapeXml(s: string): string | undefined {
  if (s.includes('<')) return undefined;
  if (!s.includes('&')) return s;
  if (NOT_AN_ENTITY.test(s)) return undefined;
  let ok = true;
  const out = s.replace(ENTITY, (_m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name) return NAMED[name];
    const cp = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    if (cp > 0x10ffff) {
      ok = false;
      return '';
    }
    return String.fromCodePoint(cp);
  });
  return ok ? out : undefined;
}

/** The text of the first <tag>…</tag> in `s` (no attributes, no nesting: S3's list elements have neither). */
function field(s: string, tag: string): string | undefined {
  const open = `<${tag}>`;
  const i = s.indexOf(open);
  if (i < 0) return undefined;
  const j = s.indexOf(`</${tag}>`, i + open.length);
  if (j < 0) return undefined;
  return s.slice(i + open.length, j);
}

const int = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s.trim()) ? Number(s.trim()) : undefined);

/**
 * One ListObjectsV2 response body, or undefined when it is not the plain, well-formed page this
 * reader understands (the caller then uses the SDK's deserializer).
 */
export function parseListObjectsV2(xml: string): ListPage | undefined {
  if (/<!\[CDATA\[|<!--|<!DOCTYPE|<!ENTITY/i.test(xml)) return undefined;
  const root = /^\s*(?:<\?xml[^>]*\?>\s*)?<ListBucketResult(?:\s[^>]*)?>([\s\S]*)<\/ListBucketResult>\s*$/.exec(xml);
  if (!root) return undefined;
  let body = root[1];
  const contents: ListPageObject[] = [];
  const prefixes: { Prefix: string }[] = [];
  let bad = false;
  // the repeated elements first; what remains are the page's own fields
  body = body.replace(/<Contents>([\s\S]*?)<\/Contents>/g, (_m, c: string) => {
    const key = field(c, 'Key');
    const k = key === undefined ? undefined : unescapeXml(key);
    const etag = field(c, 'ETag');
    const e = etag === undefined ? undefined : unescapeXml(etag);
    const sizeText = field(c, 'Size');
    const size = int(sizeText);
    if (k === undefined || (etag !== undefined && e === undefined) || (sizeText !== undefined && size === undefined)) bad = true;
    else {
      const lastModified = field(c, 'LastModified');
      const storageClass = field(c, 'StorageClass');
      contents.push({
        Key: k,
        ...(e !== undefined ? { ETag: e } : {}),
        ...(size !== undefined ? { Size: size } : {}),
        ...(lastModified !== undefined ? { LastModified: new Date(lastModified.trim()) } : {}),
        ...(storageClass !== undefined ? { StorageClass: storageClass.trim() } : {}),
      });
    }
    return '';
  });
  body = body.replace(/<CommonPrefixes>([\s\S]*?)<\/CommonPrefixes>/g, (_m, c: string) => {
    const p = field(c, 'Prefix');
    const v = p === undefined ? undefined : unescapeXml(p);
    if (v === undefined) bad = true;
    else prefixes.push({ Prefix: v });
    return '';
  });
  if (bad || body.includes('<Contents') || body.includes('<CommonPrefixes')) return undefined;
  const text = (tag: string) => {
    const v = field(body, tag);
    if (v === undefined) return undefined;
    const t = unescapeXml(v);
    if (t === undefined) bad = true;
    return t;
  };
  const truncated = field(body, 'IsTruncated')?.trim();
  if (truncated !== undefined && truncated !== 'true' && truncated !== 'false') return undefined;
  const keyCount = int(field(body, 'KeyCount'));
  // KeyCount counts keys and common prefixes: a page that disagrees was not read right
  if (keyCount !== undefined && keyCount !== contents.length + prefixes.length) return undefined;
  if (truncated === 'true' && field(body, 'NextContinuationToken') === undefined) return undefined;
  const page: ListPage = {
    Name: text('Name'),
    Prefix: text('Prefix'),
    KeyCount: keyCount,
    MaxKeys: int(field(body, 'MaxKeys')),
    IsTruncated: truncated === undefined ? undefined : truncated === 'true',
    ContinuationToken: text('ContinuationToken'),
    NextContinuationToken: text('NextContinuationToken'),
    StartAfter: text('StartAfter'),
    Delimiter: text('Delimiter'),
    ...(contents.length ? { Contents: contents } : {}),
    ...(prefixes.length ? { CommonPrefixes: prefixes } : {}),
  };
  if (bad) return undefined;
  for (const k of Object.keys(page) as (keyof ListPage)[]) if (page[k] === undefined) delete page[k];
  return page;
}

type Protocol = { deserializeResponse(operation: { name?: string }, context: Record<string, unknown>, response: HttpResponseLike): Promise<unknown> };
interface HttpResponseLike {
  statusCode: number;
  headers: Record<string, string | undefined>;
  body: unknown;
}

/**
 * Read this client's successful ListObjectsV2 responses with parseListObjectsV2 (falling back to
 * the SDK's deserializer for anything else). Only for clients whose list results are used for
 * Key/ETag/Size/IsTruncated/NextContinuationToken and the other ListPage fields (deploy's S3Storage).
 */
export function useFastListObjectsV2(client: S3Client): void {
  const config = client.config as unknown as { protocol?: Protocol; streamCollector?: (body: unknown) => Promise<Uint8Array> };
  const protocol = config.protocol;
  if (!protocol || typeof protocol.deserializeResponse !== 'function') return;
  const sdk = protocol.deserializeResponse.bind(protocol);
  protocol.deserializeResponse = async (operation, context, response) => {
    if (operation?.name !== 'ListObjectsV2' || response.statusCode !== 200 || !config.streamCollector) return sdk(operation, context, response);
    const bytes = response.body instanceof Uint8Array ? response.body : await config.streamCollector(response.body);
    const page = parseListObjectsV2(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    if (!page) {
      response.body = bytes;
      return sdk(operation, context, response);
    }
    const h = response.headers;
    return {
      ...page,
      ...(h['x-amz-request-charged'] ? { RequestCharged: h['x-amz-request-charged'] } : {}),
      $metadata: { httpStatusCode: response.statusCode, requestId: h['x-amz-request-id'], extendedRequestId: h['x-amz-id-2'], cfId: h['x-amz-cf-id'] },
    };
  };
}
