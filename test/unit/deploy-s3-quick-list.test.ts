import { strict as assert } from 'node:assert';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { QuickFallback, quickListS3, quickPutS3, quickS3Target, signGet, signPut } from '../../core/src/deploy/s3-quick-list';
import { isRetryable } from '../../core/src/deploy/retry';

const vectorKeys = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

describe('deploy: early listing without the SDK (s3-quick-list)', () => {
  it('signs like the AWS SigV4 documentation example (GET Bucket, max-keys=2&prefix=J)', () => {
    const { query, headers } = signGet({ host: 'examplebucket.s3.amazonaws.com', path: '/', params: [['prefix', 'J'], ['max-keys', '2']], region: 'us-east-1', ...vectorKeys, date: new Date('2013-05-24T00:00:00Z') });
    assert.equal(query, 'max-keys=2&prefix=J');
    assert.match(headers.authorization, /SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7$/);
  });

  it('property: the same signature as the SDK signer for any prefix, token and session', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 20 }), fc.option(fc.string({ minLength: 1, maxLength: 30 })), fc.option(fc.constantFrom('tok/en+=', 'FwoGZXIvYXdzE')), fc.constantFrom('/', '/my-bucket'), async (prefix, continuation, token, path) => {
        const params: [string, string][] = [['list-type', '2'], ['max-keys', '1000']];
        if (prefix) params.push(['prefix', prefix]);
        if (continuation) params.push(['continuation-token', continuation]);
        const date = new Date('2026-01-02T03:04:05Z');
        const ours = signGet({ host: '127.0.0.1:9000', path, params, region: 'eu-west-1', ...vectorKeys, token: token ?? undefined, date });
        const signer = new SignatureV4({ service: 's3', region: 'eu-west-1', sha256: Sha256, uriEscapePath: false, applyChecksum: true, credentials: { accessKeyId: vectorKeys.accessKeyId, secretAccessKey: vectorKeys.secret, ...(token ? { sessionToken: token } : {}) } });
        const signed = await signer.sign(
          { method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: 9000, path, query: Object.fromEntries(params), headers: { host: '127.0.0.1:9000', 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } },
          { signingDate: date },
        );
        assert.equal(ours.headers.authorization, signed.headers.authorization);
      }),
      { numRuns: 100 },
    );
  });

  it('only the plain cases: keys in the environment, a path-style override or the regional endpoint', () => {
    const env = { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' };
    assert.equal(quickListS3('bucket', 'dags/', { env: {} }), undefined, 'no keys: the credential chain (SDK)');
    assert.equal(quickListS3('bucket', 'dags/', { region: 'us-east-1', env: { ...env, AWS_USE_FIPS_ENDPOINT: 'true' } }), undefined);
    assert.equal(quickListS3('my.dotted.bucket', 'dags/', { region: 'us-east-1', env }), undefined);
    assert.equal(quickListS3('bucket', 'dags/', { env: { ...env, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1/base' } }), undefined);
  });

  it('pages through a path-style endpoint, and rejects what it does not take (the SDK lists then)', async () => {
    const seen: string[] = [];
    let mode: 'ok' | 'denied' | 'odd' = 'ok';
    const page = (keys: string[], next?: string) =>
      `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><Prefix>dags/</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>${next ? 'true' : 'false'}</IsTruncated>${next ? `<NextContinuationToken>${next}</NextContinuationToken>` : ''}${keys.map((k) => `<Contents><Key>${k}</Key><ETag>&quot;${'a'.repeat(32)}&quot;</ETag><Size>3</Size></Contents>`).join('')}</ListBucketResult>`;
    const server = http.createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization ? 'signed' : 'unsigned'}`);
      if (mode === 'denied') return res.writeHead(403).end('<Error><Code>AccessDenied</Code></Error>');
      if (mode === 'odd') return res.writeHead(200).end('<ListBucketResult><!-- x --></ListBucketResult>');
      const token = new URL(req.url!, 'http://x').searchParams.get('continuation-token');
      res.writeHead(200).end(token ? page(['dags/b.py']) : page(['dags/a.py'], 'next/1='));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const s = { region: 'us-east-1', env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } };
    try {
      const objects = await quickListS3('bucket', 'dags/', s)!;
      assert.deepEqual(objects.map((o) => [o.key, o.size, o.md5Source]), [['dags/a.py', 3, 'etag'], ['dags/b.py', 3, 'etag']]);
      assert.match(seen[0], /^\/bucket\?list-type=2&max-keys=1000&prefix=dags%2F signed$/);
      assert.match(seen[1], /continuation-token=next%2F1%3D/);
      mode = 'denied';
      await assert.rejects(quickListS3('bucket', 'dags/', s)!, /HTTP 403/);
      mode = 'odd';
      await assert.rejects(quickListS3('bucket', 'dags/', s)!, /does not take/);
    } finally {
      server.close();
    }
  });

  it('property: PUT signatures (payload hash, Content-MD5, type, metadata, session) are the SDK signer\'s', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), fc.constantFrom('/b/dags/a.py', '/dags/x%20y.py', '/b/k%2B1'), fc.option(fc.constantFrom('FwoGZXIvYXdzE')), async (bytes, path, token) => {
        const body = Buffer.from(bytes);
        const date = new Date('2026-03-04T05:06:07Z');
        const extra = { 'content-md5': 'MTIzNA==', 'content-type': 'text/x-python', 'x-amz-meta-managed-airflow-md5': 'abc' };
        const ours = signPut({ host: '127.0.0.1:9000', path, region: 'us-east-1', ...vectorKeys, token: token ?? undefined, date, body, extra });
        const signer = new SignatureV4({ service: 's3', region: 'us-east-1', sha256: Sha256, uriEscapePath: false, applyChecksum: true, credentials: { accessKeyId: vectorKeys.accessKeyId, secretAccessKey: vectorKeys.secret, ...(token ? { sessionToken: token } : {}) } });
        const { createHash } = await import('node:crypto');
        const signed = await signer.sign(
          { method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port: 9000, path, query: {}, body, headers: { host: '127.0.0.1:9000', ...extra, 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex') } },
          { signingDate: date },
        );
        assert.equal(ours.authorization, signed.headers.authorization);
      }),
      { numRuns: 60 },
    );
  });

  it('PUT: 200 gives the stored MD5 and version; throttling is retryable like the SDK\'s; other refusals fall back to the SDK', async () => {
    let status = 200;
    const seen: { url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
        if (status === 200) return res.writeHead(200, { etag: '"0cc175b9c0f1b6a831c399e269772661"', 'x-amz-version-id': 'v7' }).end();
        res.writeHead(status).end(status === 503 ? '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>' : '<Error><Code>AccessDenied</Code></Error>');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const s = { region: 'us-east-1', env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } };
    const t = quickS3Target('bucket', s)!;
    const o = { md5: '0cc175b9c0f1b6a831c399e269772661', contentType: 'text/x-python', metadataKey: 'managed-airflow-md5' };
    try {
      assert.deepEqual(await quickPutS3(t, 'dags/a b.py', Buffer.from('a'), o, s), { version: 'v7', storedMd5: '0cc175b9c0f1b6a831c399e269772661' });
      assert.equal(seen[0].url, '/bucket/dags/a%20b.py');
      assert.equal(seen[0].body, 'a');
      assert.equal(seen[0].headers['content-md5'], Buffer.from(o.md5, 'hex').toString('base64'));
      assert.equal(seen[0].headers['x-amz-meta-managed-airflow-md5'], o.md5);
      status = 503;
      const e = await quickPutS3(t, 'dags/a.py', Buffer.from('a'), o, s).catch((x) => x);
      assert.equal(e.name, 'SlowDown');
      assert.ok(isRetryable(e));
      status = 403;
      await assert.rejects(quickPutS3(t, 'dags/a.py', Buffer.from('a'), o, s), QuickFallback);
      assert.equal(quickS3Target('bucket', { env: {} }), undefined, 'no keys in the environment');
    } finally {
      server.close();
    }
  });
});
