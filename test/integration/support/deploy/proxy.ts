import http from 'node:http';

export interface ProxyOptions {
  /** Answer this request with a 503 SlowDown instead of forwarding it. */
  fail?: (req: { method: string; path: string; n: number }) => boolean;
  /** Emulate a versioned bucket: PUT responses and HEADs carry x-amz-version-id. */
  versioning?: boolean;
  /** Delay every PUT by this many ms (a slow link, to interrupt a deploy midway). */
  putDelayMs?: number;
}

/**
 * An HTTP proxy in front of an S3 endpoint that can inject throttling (503 SlowDown, as S3 sends it)
 * and emulate bucket versioning, which s3rver lacks.
 */
export async function startS3Proxy(target: string, o: ProxyOptions = {}) {
  const t = new URL(target);
  const versions = new Map<string, string>();
  const stats = { requests: 0, failures: 0, puts: 0, deletes: 0, byMethod: {} as Record<string, number> };
  let counter = 0;
  const server = http.createServer((req, res) => {
    const n = ++stats.requests;
    const p = (req.url ?? '/').split('?')[0];
    stats.byMethod[req.method!] = (stats.byMethod[req.method!] ?? 0) + 1;
    if (o.fail?.({ method: req.method!, path: p, n })) {
      stats.failures++;
      req.resume();
      req.on('end', () => {
        res.writeHead(503, { 'content-type': 'application/xml' }).end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
      });
      return;
    }
    const forward = () => {
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
      const headers = { ...ur.headers };
      const key = decodeURIComponent(p);
      if (o.versioning && req.method === 'PUT' && ur.statusCode === 200 && !(req.url ?? '').includes('uploadId')) {
        const v = `v${++counter}`;
        versions.set(key, v);
        headers['x-amz-version-id'] = v;
      }
      if (o.versioning && req.method === 'HEAD' && versions.has(key)) headers['x-amz-version-id'] = versions.get(key)!;
      if (req.method === 'PUT' && ur.statusCode === 200) stats.puts++;
      res.writeHead(ur.statusCode ?? 500, headers);
      ur.pipe(res);
    });
    up.on('error', (e) => res.writeHead(502).end(String(e)));
    if (req.method === 'POST' && (req.url ?? '').includes('delete')) stats.deletes++;
    req.pipe(up);
    };
    if (o.putDelayMs && req.method === 'PUT') setTimeout(forward, o.putDelayMs);
    else forward();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    versions,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
