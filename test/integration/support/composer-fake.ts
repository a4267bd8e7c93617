/**
 * Local Cloud Composer v1 Environments API (REST form served to @google-cloud/orchestration-airflow
 * with fallback:'rest'): GET /v1/projects/P/locations/L/environments[/E], proto3 JSON, enums as
 * numbers when the client asks for `$alt=json;enum-encoding=int`, Google error envelopes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const STATE = ['STATE_UNSPECIFIED', 'CREATING', 'RUNNING', 'UPDATING', 'DELETING', 'ERROR'];

export function sampleComposerEnv(project: string, location: string, id: string, o: { state?: string; imageVersion?: string; airflowUri?: string } = {}): Record<string, any> {
  return {
    name: `projects/${project}/locations/${location}/environments/${id}`,
    uuid: '2f5b7c1e-0000-4000-8000-000000000001',
    state: o.state ?? 'RUNNING',
    createTime: '2025-01-02T03:04:05.678Z',
    updateTime: '2025-02-03T04:05:06Z',
    labels: { team: 'data' },
    config: {
      gkeCluster: `projects/${project}/locations/${location}/clusters/${id}-gke`,
      dagGcsPrefix: `gs://${location}-${id}-bucket/dags`,
      softwareConfig: { imageVersion: o.imageVersion ?? 'composer-2.9.7-airflow-2.9.3', pythonVersion: '3' },
      airflowUri: o.airflowUri ?? `https://${id}-dot-${location}.composer.googleusercontent.com`,
      environmentSize: 'ENVIRONMENT_SIZE_SMALL',
    },
  };
}

export interface ComposerFake {
  url: string;
  requests: { method: string; path: string; query: string; auth?: string }[];
  environments: Map<string, Record<string, any>>;
  /** Answer the next request with this Google error (e.g. SERVICE_DISABLED). */
  failNext?: { code: number; status: string; message: string; reason?: string };
  close(): Promise<void>;
}

export async function startComposerFake(o: { environments: Record<string, any>[]; token?: string }): Promise<ComposerFake> {
  const token = o.token ?? 'test-token';
  const envs = new Map(o.environments.map((e) => [e.name as string, e]));
  const fake: ComposerFake = { url: '', requests: [], environments: envs, close: async () => undefined };
  const err = (res: http.ServerResponse, code: number, status: string, message: string, details?: unknown[]) =>
    res.writeHead(code, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify({ error: { code, message, status, ...(details ? { details } : {}) } }));
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    fake.requests.push({ method: req.method ?? '', path: url.pathname, query: url.search, auth: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${token}`) return err(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    if (fake.failNext) {
      const f = fake.failNext;
      fake.failNext = undefined;
      return err(res, f.code, f.status, f.message, f.reason ? [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: f.reason, domain: 'googleapis.com', metadata: { service: 'composer.googleapis.com' } }] : undefined);
    }
    const numeric = (url.searchParams.get('$alt') ?? '').includes('enum-encoding=int');
    const out = (e: Record<string, any>) => (numeric ? { ...e, state: STATE.indexOf(e.state) } : e);
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && (m = /^\/v1\/(projects\/[^/]+\/locations\/[^/]+\/environments\/[^/]+)$/.exec(url.pathname))) {
      const e = envs.get(decodeURIComponent(m[1]));
      if (!e) return err(res, 404, 'NOT_FOUND', `Environment ${decodeURIComponent(m[1])} not found.`);
      return res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(out(e)));
    }
    if (req.method === 'GET' && (m = /^\/v1\/(projects\/[^/]+\/locations\/[^/]+)\/environments$/.exec(url.pathname))) {
      const parent = decodeURIComponent(m[1]);
      const all = [...envs.values()].filter((e) => e.name.startsWith(`${parent}/environments/`)).sort((a, b) => a.name.localeCompare(b.name));
      const size = Number(url.searchParams.get('pageSize') || 1000);
      const start = Number(url.searchParams.get('pageToken') || 0);
      const body = { environments: all.slice(start, start + size).map(out), ...(start + size < all.length ? { nextPageToken: String(start + size) } : {}) };
      return res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
    }
    return err(res, 404, 'NOT_FOUND', `No route ${req.method} ${url.pathname}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  fake.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return fake;
}

/** Astro platform API stand-in: GET /organizations/{org}/deployments/{id} with a bearer API token. */
export async function startAstroFake(o: { token: string; deployments: Record<string, any>[] }): Promise<{ url: string; close(): Promise<void>; requests: string[] }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}`);
    const json = (s: number, b: unknown) => res.writeHead(s, { 'content-type': 'application/json' }).end(JSON.stringify(b));
    if (req.headers.authorization !== `Bearer ${o.token}`) return json(401, { message: 'Unauthorized', statusCode: 401, requestId: 'r1' });
    const m = /^\/v1\/organizations\/([^/]+)\/deployments\/([^/]+)$/.exec(url.pathname);
    const d = m && o.deployments.find((x) => x.organizationId === decodeURIComponent(m[1]) && x.id === decodeURIComponent(m[2]));
    if (!d) return json(404, { message: 'deployment not found', statusCode: 404, requestId: 'r2' });
    json(200, d);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
