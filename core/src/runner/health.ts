import http from 'node:http';

/** Airflow's health JSON (Airflow 2 `/health`, Airflow 3 `/api/v2/monitor/health`). */
export interface AirflowHealth {
  metadatabase?: { status?: string | null };
  scheduler?: { status?: string | null; latest_scheduler_heartbeat?: string | null };
  triggerer?: { status?: string | null };
  dag_processor?: { status?: string | null };
}

export interface HttpResult {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** Minimal HTTP client for 127.0.0.1 (no proxies, short timeouts, never throws on status). */
export function httpRequest(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const headers = { ...(init.headers ?? {}) };
    // A Content-Length instead of chunked encoding: some servers do not read chunked request bodies.
    if (init.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(init.body));
    const req = http.request(url, { method: init.method ?? 'GET', headers, timeout: init.timeoutMs ?? 3000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${init.timeoutMs ?? 3000} ms`)));
    req.on('error', reject);
    if (init.body) req.write(init.body);
    req.end();
  });
}

/** Health JSON, or undefined while Airflow does not answer (refused, reset by the Docker proxy, non-JSON). */
export async function fetchHealth(port: number, healthPath: string, timeoutMs = 2000): Promise<AirflowHealth | undefined> {
  try {
    const res = await httpRequest(`http://127.0.0.1:${port}${healthPath}`, { timeoutMs });
    if (res.status !== 200) return undefined;
    return JSON.parse(res.body) as AirflowHealth;
  } catch {
    return undefined;
  }
}

/** Healthy = the metadata database and the scheduler report healthy (what Airflow's UI shows). */
export function isHealthy(h: AirflowHealth | undefined): boolean {
  return !!h && h.metadatabase?.status === 'healthy' && h.scheduler?.status === 'healthy';
}

export function componentHealth(component: string, h: AirflowHealth | undefined): 'healthy' | 'unhealthy' | 'unknown' | null {
  const st = (s: string | null | undefined) => (s === 'healthy' ? 'healthy' : s ? 'unhealthy' : null);
  switch (component) {
    case 'postgres':
      return h ? st(h.metadatabase?.status) : 'unknown';
    case 'scheduler':
      return h ? (st(h.scheduler?.status) ?? 'unknown') : 'unknown';
    case 'triggerer':
      return h ? st(h.triggerer?.status) : 'unknown';
    case 'dag-processor':
      return h ? st(h.dag_processor?.status) : 'unknown';
    case 'webserver':
    case 'api-server':
      return h ? 'healthy' : 'unknown';
    case 'airflow':
      return h ? (isHealthy(h) ? 'healthy' : 'unhealthy') : 'unknown';
    default:
      return null;
  }
}
