import { strict as assert } from 'node:assert';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { ListObjectsV2Command, S3Client, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { parseListObjectsV2, useFastListObjectsV2 } from '../../core/src/deploy/s3-list';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** An S3 client whose every request is answered with `body` (no network): the SDK's own deserializer is the oracle. */
function cannedClient(body: string, status = 200, fast = false): S3Client {
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'SECRET' },
    maxAttempts: 1,
    requestHandler: {
      handle: async () => ({ response: { statusCode: status, reason: '', headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'REQ1' }, body: Readable.from([Buffer.from(body, 'utf8')]) } }),
    } as never,
  });
  if (fast) {
    // count what still reaches the SDK's deserializer, to see the fast path being taken
    const protocol = client.config.protocol as unknown as { deserializeResponse: (...a: unknown[]) => Promise<unknown> };
    const sdk = protocol.deserializeResponse.bind(protocol);
    protocol.deserializeResponse = (...a: unknown[]) => {
      sdkReads++;
      return sdk(...a);
    };
    useFastListObjectsV2(client);
  }
  return client;
}
let sdkReads = 0;

const list = (body: string, fast: boolean) => cannedClient(body, 200, fast).send(new ListObjectsV2Command({ Bucket: 'b', Prefix: 'dags/' }));

/** What deploy reads from a page (S3Storage.list), plus the page fields the fast reader fills. */
function view(o: ListObjectsV2CommandOutput) {
  return {
    contents: (o.Contents ?? []).map((c) => ({ Key: c.Key, ETag: c.ETag, Size: c.Size, StorageClass: c.StorageClass, LastModified: c.LastModified?.toISOString() })),
    prefixes: (o.CommonPrefixes ?? []).map((p) => p.Prefix),
    IsTruncated: o.IsTruncated,
    NextContinuationToken: o.NextContinuationToken,
    KeyCount: o.KeyCount,
    Name: o.Name,
    Prefix: o.Prefix,
    MaxKeys: o.MaxKeys,
    status: o.$metadata.httpStatusCode,
    requestId: o.$metadata.requestId,
  };
}

/** XML escaping as S3 does it: the markup characters, and characters XML 1.0 cannot carry as character references. */
function esc(s: string): string {
  return s.replace(/[&<>"']|[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => {
    const named: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
    return named[c] ?? `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`;
  });
}

interface Obj {
  key: string;
  etag: string;
  size: number;
  date: Date;
}

function page(objs: Obj[], o: { truncated?: boolean; token?: string; prefixes?: string[]; extras?: boolean } = {}): string {
  const contents = objs
    .map(
      (x) =>
        `<Contents><Key>${esc(x.key)}</Key><LastModified>${x.date.toISOString()}</LastModified><ETag>${esc(x.etag)}</ETag>` +
        (o.extras ? '<ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType>' : '') +
        `<Size>${x.size}</Size>` +
        (o.extras ? '<Owner><ID>abc</ID><DisplayName>me</DisplayName></Owner>' : '') +
        '<StorageClass>STANDARD</StorageClass></Contents>',
    )
    .join('');
  const prefixes = (o.prefixes ?? []).map((p) => `<CommonPrefixes><Prefix>${esc(p)}</Prefix></CommonPrefixes>`).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Name>bench-bucket</Name><Prefix>dags/</Prefix><KeyCount>${objs.length + (o.prefixes?.length ?? 0)}</KeyCount><MaxKeys>1000</MaxKeys>` +
    `<IsTruncated>${o.truncated ? 'true' : 'false'}</IsTruncated>` +
    (o.truncated ? `<NextContinuationToken>${esc(o.token ?? 'tok')}</NextContinuationToken>` : '') +
    contents +
    prefixes +
    '</ListBucketResult>'
  );
}

// keys: printable ASCII with the XML specials, Unicode beyond the BMP, and the control characters S3 escapes
const keyChar = fc.oneof(
  fc.constantFrom('a', 'Z', '0', '/', '.', '_', '-', ' ', '&', '<', '>', '"', "'", ';', '#', '+', '%', '=', '?'),
  fc.constantFrom('é', 'ß', '中', '文', '🚀', '\u00a0', '\u2028', '\u0001', '\u001f', '\t'),
  fc.string({ minLength: 1, maxLength: 1 }),
);
const objArb = fc.record({
  key: fc.array(keyChar, { minLength: 1, maxLength: 24 }).map((cs) => `dags/${cs.join('')}`),
  etag: fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/).map((h) => `"${h}"`), fc.stringMatching(/^[0-9a-f]{32}-[1-9][0-9]?$/).map((h) => `"${h}"`)),
  size: fc.nat({ max: 5 * 1024 ** 3 }),
  date: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000)),
});

describe('deploy: fast ListObjectsV2 reader (differential against the SDK deserializer)', function () {
  this.timeout(60_000);

  it('reads random pages exactly as the SDK does (keys with XML specials, Unicode, control characters)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(objArb, { maxLength: 30, selector: (o) => o.key }),
        fc.boolean(),
        fc.stringMatching(/^[A-Za-z0-9+/=&<>]{1,40}$/),
        fc.array(fc.array(keyChar, { minLength: 1, maxLength: 10 }).map((cs) => `dags/${cs.join('')}/`), { maxLength: 3 }),
        fc.boolean(),
        async (objs, truncated, token, prefixes, extras) => {
          const xml = page(objs, { truncated, token, prefixes, extras });
          assert.ok(parseListObjectsV2(xml), 'the fast reader takes plain pages');
          sdkReads = 0;
          const [sdk, fast] = await Promise.all([list(xml, false), list(xml, true)]);
          assert.equal(sdkReads, 0, 'read without the SDK deserializer');
          assert.deepEqual(view(fast), view(sdk));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a page of 1,000 keys as s3rver writes it', async () => {
    const objs: Obj[] = Array.from({ length: 1000 }, (_, i) => ({ key: `dags/dag_${String(i).padStart(4, '0')}.py`, etag: `"${i.toString(16).padStart(32, '0')}"`, size: 264 + i, date: new Date('2026-12-05T11:51:56.000Z') }));
    const xml = page(objs).replace('xmlns="http://s3.amazonaws.com/doc/2006-03-01/"', 'xmlns="http://doc.s3.amazonaws.com/2006-03-01/"');
    const [sdk, fast] = await Promise.all([list(xml, false), list(xml, true)]);
    assert.equal(fast.Contents?.length, 1000);
    assert.deepEqual(view(fast), view(sdk));
  });

  it('leaves what it does not understand to the SDK, with the same result', async () => {
    const objs: Obj[] = [{ key: 'dags/a.py', etag: '"0123456789abcdef0123456789abcdef"', size: 3, date: new Date('2026-01-01T00:00:00Z') }];
    const odd = [
      page(objs).replace('<Key>dags/a.py</Key>', '<Key><![CDATA[dags/a.py]]></Key>'),
      page(objs).replace('<Name>', '<!-- note --><Name>'),
      page(objs).replace('<KeyCount>1</KeyCount>', '<KeyCount>2</KeyCount>'),
      page(objs).replace('<IsTruncated>false</IsTruncated>', '<IsTruncated>true</IsTruncated>'),
      page(objs).replace('dags/a.py', 'dags/a&nbsp;.py'),
    ];
    for (const xml of odd) {
      assert.equal(parseListObjectsV2(xml), undefined, xml);
      // same outcome through the fast client as through the plain one (a value or the same error)
      const settle = (p: Promise<ListObjectsV2CommandOutput>) => p.then((o) => ({ ok: view(o) }), (e: Error) => ({ error: e.name }));
      sdkReads = 0;
      assert.deepEqual(await settle(list(xml, true)), await settle(list(xml, false)), xml);
      assert.equal(sdkReads, 1, 'handed to the SDK deserializer');
    }
    assert.equal(parseListObjectsV2('<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>'), undefined);
  });

  it('error responses still go through the SDK (typed errors)', async () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>b</BucketName></Error>';
    const c = cannedClient(xml, 404, true);
    sdkReads = 0;
    await assert.rejects(c.send(new ListObjectsV2Command({ Bucket: 'b' })), (e: Error) => e.name === 'NoSuchBucket');
    assert.equal(sdkReads, 1);
  });

  it('other operations are untouched', async () => {
    const c = cannedClient('', 200, true);
    c.config.requestHandler = { handle: async () => ({ response: { statusCode: 200, headers: { etag: '"abc"', 'content-length': '3' }, body: Readable.from([]) } }) } as never;
    const { HeadObjectCommand } = await import('@aws-sdk/client-s3');
    const r = await c.send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' }));
    assert.equal(r.ETag, '"abc"');
  });
});
