/**
 * Astro platform API stand-in for DAG-only deploys, following the documented contract:
 *   GET  /organizations/{org}/deployments/{id}                     → deployment (runtimeVersion, isDagDeployEnabled …)
 *   GET  /organizations/{org}/deployments/{id}/deploys             → {deploys:[…]}
 *   POST /organizations/{org}/deployments/{id}/deploys {type:"DAG_ONLY"} → {id, type, status:"INITIALIZED", dagsUploadUrl}
 *   PUT  dagsUploadUrl (an Azure blob SAS URL) with x-ms-blob-type: BlockBlob → 201 + x-ms-version-id
 *   POST /organizations/{org}/deployments/{id}/deploys/{deployId}/finalize {dagTarballVersion} → deploy (status DEPLOYED)
 * Bearer API token required on the API (not on the SAS upload URL, which carries its own signature).
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';

export interface AstroDeploy {
  id: string;
  type: string;
  status: string;
  description?: string;
  dagTarballVersion?: string;
  createdAt: string;
  bundle?: Buffer;
}

export async function startAstroDeployFake(o: { token: string; organization: string; deployment: Record<string, unknown> & { id: string } }) {
  const deploys: AstroDeploy[] = [];
  const blobs = new Map<string, { deployId: string; version?: string; bytes?: Buffer }>();
  const requests: string[] = [];
  let seq = 0;
  let base = '';
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}`);
    const json = (s: number, b: unknown) => res.writeHead(s, { 'content-type': 'application/json' }).end(JSON.stringify(b));
    const blob = /^\/blob\/([^/]+)$/.exec(url.pathname);
    if (blob) {
      const b = blobs.get(blob[1]);
      if (!b || url.searchParams.get('sig') !== 'fake-sas') return res.writeHead(403).end('<Error><Code>AuthenticationFailed</Code></Error>');
      if (req.method !== 'PUT' || req.headers['x-ms-blob-type'] !== 'BlockBlob') return res.writeHead(400).end('<Error><Code>MissingRequiredHeader</Code></Error>');
      b.bytes = body;
      b.version = new Date(Date.UTC(2026, 0, 1, 0, 0, ++seq)).toISOString().replace('Z', '0000Z');
      return res.writeHead(201, { 'x-ms-version-id': b.version }).end();
    }
    if (req.headers.authorization !== `Bearer ${o.token}`) return json(401, { message: 'Unauthorized', statusCode: 401 });
    const p = url.pathname.replace(/^\/v1/, '');
    const depPath = `/organizations/${o.organization}/deployments/${o.deployment.id}`;
    if (!p.startsWith(depPath)) return json(404, { message: 'deployment not found', statusCode: 404 });
    const rest = p.slice(depPath.length);
    if (req.method === 'GET' && rest === '') return json(200, o.deployment);
    if (req.method === 'GET' && rest === '/deploys') return json(200, { deploys: deploys.map(({ bundle: _b, ...d }) => d), totalCount: deploys.length, limit: 20, offset: 0 });
    if (req.method === 'POST' && rest === '/deploys') {
      const input = JSON.parse(body.toString() || '{}');
      if (input.type !== 'DAG_ONLY') return json(400, { message: `unsupported type ${input.type}`, statusCode: 400 });
      const id = randomUUID();
      const blobId = randomUUID();
      blobs.set(blobId, { deployId: id });
      const d: AstroDeploy = { id, type: 'DAG_ONLY', status: 'INITIALIZED', description: input.description, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, ++seq)).toISOString() };
      deploys.push(d);
      return json(200, { ...d, dagsUploadUrl: `${base}/blob/${blobId}?sig=fake-sas` });
    }
    const fin = /^\/deploys\/([^/]+)\/finalize$/.exec(rest);
    if (req.method === 'POST' && fin) {
      const d = deploys.find((x) => x.id === fin[1]);
      if (!d) return json(404, { message: 'deploy not found', statusCode: 404 });
      const input = JSON.parse(body.toString() || '{}');
      const b = [...blobs.values()].find((x) => x.deployId === d.id);
      if (!b?.version || input.dagTarballVersion !== b.version) return json(400, { message: 'dagTarballVersion does not match an uploaded bundle', statusCode: 400 });
      Object.assign(d, { status: 'DEPLOYED', dagTarballVersion: b.version, bundle: b.bytes });
      const { bundle: _b, ...out } = d;
      return json(200, out);
    }
    return json(404, { message: `no route ${req.method} ${url.pathname}`, statusCode: 404 });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url: `${base}/v1`, deploys, requests, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}
