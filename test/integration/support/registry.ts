/**
 * A minimal read-only Docker registry (Distribution API v2) on 127.0.0.1 serving one image
 * exported from the local engine, so pulls (with their progress) are tested without Docker Hub.
 * dockerd treats 127.0.0.0/8 registries as insecure, so plain HTTP is accepted.
 */
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface FakeRegistry {
  host: string;
  requests: string[];
  close(): Promise<void>;
}

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Regular files of a tar archive (ustar; pax/GNU long-name records applied to the next entry). */
function untar(buf: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let off = 0;
  let longName: string | undefined;
  while (off + 512 <= buf.length) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const str = (a: number, b: number) => h.subarray(a, b).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(str(124, 136).trim() || '0', 8);
    const type = String.fromCharCode(h[156] || 48);
    const prefix = str(345, 500);
    const name = longName ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100));
    const body = buf.subarray(off + 512, off + 512 + size);
    longName = undefined;
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
    else if (type === 'x') longName = /\d+ path=([^\n]+)\n/.exec(body.toString('utf8'))?.[1];
    else if (type === '0' || type === '\0') files.set(name, Buffer.from(body));
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

async function exportImage(docker: Docker, image: string): Promise<Map<string, Buffer>> {
  const src = (await docker.getImage(image).get()) as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  for await (const c of src) chunks.push(c as Buffer);
  return untar(Buffer.concat(chunks));
}

/** Serve `image` (exported from the engine) as `<host>/<repo>:<tag>` for any repo and tag. */
export async function startRegistry(docker: Docker, image: string): Promise<FakeRegistry> {
  const files = await exportImage(docker, image);
  const [entry] = JSON.parse(files.get('manifest.json')!.toString()) as Array<{ Config: string; Layers: string[] }>;
  const blobs = new Map<string, Buffer>();
  const config = files.get(entry.Config)!;
  blobs.set(sha(config), config);
  const layers = entry.Layers.map((l) => {
    const gz = gzipSync(files.get(l)!, { level: 1 });
    blobs.set(sha(gz), gz);
    return { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: gz.length, digest: sha(gz) };
  });
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: sha(config) },
      layers,
    }),
  );
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const url = req.url!.split('?')[0];
    const send = (code: number, body: Buffer, type: string, digest?: string) => {
      res.writeHead(code, { 'Content-Type': type, 'Content-Length': body.length, 'Docker-Distribution-API-Version': 'registry/2.0', ...(digest ? { 'Docker-Content-Digest': digest } : {}) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (url === '/v2/' || url === '/v2') return send(200, Buffer.from('{}'), 'application/json');
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url);
    if (m?.[2] === 'manifests') return send(200, manifest, 'application/vnd.docker.distribution.manifest.v2+json', sha(manifest));
    if (m?.[2] === 'blobs' && blobs.has(m[3])) return send(200, blobs.get(m[3])!, 'application/octet-stream', m[3]);
    send(404, Buffer.from(JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'not found' }] })), 'application/json');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
