/**
 * Stateful stand-in for an Airflow webserver / API server, for protocol tests on 127.0.0.1.
 *   Airflow 2.x: /api/v1, HTTP Basic (or an MWAA web-login `session` cookie)   shapes: airflow-2.10.0-v1.yaml
 *   Airflow 3.x: /api/v2, JWT from POST /auth/token (or a static bearer)       shapes: airflow-3.2.1-v2.yaml
 * A server answers only its own generation (an Airflow 2 server 404s /api/v2), so version
 * detection is exercised. Every request and response is validated against the official spec
 * (OpenApiValidator); violations are recorded in `violations` and answered with 4xx/500.
 * `handleApi` is also the backend of the MWAA InvokeRestApi fake.
 */
import http from 'node:http';
import { createHmac, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { OpenApiValidator, SPEC_V1, SPEC_V2, type Violation } from './openapi';

type Json = Record<string, any>;

export interface FakeDag {
  dag_id: string;
  is_paused: boolean;
  tasks: string[];
  fileloc: string;
}

export interface FakeRun {
  dag_run_id: string;
  dag_id: string;
  logical_date: string | null;
  run_after: string;
  start_date: string | null;
  end_date: string | null;
  state: string;
  run_type: string;
  conf: Json;
}

export interface FakeTi {
  id: string;
  task_id: string;
  state: string | null;
  try_number: number;
  max_tries: number;
}

export interface AirflowFakeOptions {
  /** Reported Airflow version; "3.x" serves /api/v2, "2.x" serves /api/v1. */
  version?: string;
  users?: Record<string, string>;
  /** Static bearer tokens accepted (Astro / Composer / AIRFLOW_TOKEN style). */
  tokens?: string[];
  dags?: number;
  runsPerDag?: number;
  tasksPerDag?: number;
  importErrors?: number;
  /** Server-side cap on `limit`, like [api] maximum_page_limit. */
  maxPageLimit?: number;
  /** Delay every API answer by this many ms (slow-server tests). */
  delayMs?: number;
  /** Accepted MWAA web-login tokens (POST /aws_mwaa/login, /pluginsv2/aws_mwaa/login). */
  mwaaWebTokens?: string[];
  dagsFolder?: string;
  validate?: boolean;
  /** Airflow 3 SimpleAuthManager all-admins mode: GET /auth/token hands out a token without credentials. */
  allAdmins?: boolean;
  /** Spec file to validate against (default: 2.10.0 for v1, 3.2.1 for v2). */
  spec?: string;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
  contentType: string;
}

const ISO = (ms: number) => new Date(ms).toISOString();
const BASE_TIME = Date.parse('2026-01-01T00:00:00Z');

export class AirflowFake {
  readonly version: string;
  readonly api: 'v1' | 'v2';
  readonly dags = new Map<string, FakeDag>();
  readonly runs = new Map<string, FakeRun[]>();
  readonly tis = new Map<string, FakeTi[]>();
  readonly importErrors: Json[] = [];
  readonly requests: { method: string; path: string; query: string; auth?: string }[] = [];
  readonly violations: Violation[] = [];
  readonly opts: Required<Omit<AirflowFakeOptions, 'version' | 'spec' | 'allAdmins'>>;
  private readonly allAdmins: boolean;
  private readonly validator?: OpenApiValidator;
  private readonly sessions = new Set<string>();
  private server?: http.Server;
  url = '';
  /** Test hook: rewrite the next successful body (to prove drift is caught). */
  corruptNext?: (body: any) => any;

  constructor(o: AirflowFakeOptions = {}) {
    this.version = o.version ?? '2.10.0';
    this.api = Number(this.version.split('.')[0]) >= 3 ? 'v2' : 'v1';
    this.allAdmins = o.allAdmins ?? false;
    this.opts = {
      users: o.users ?? { admin: 'admin' },
      tokens: o.tokens ?? [],
      dags: o.dags ?? 3,
      runsPerDag: o.runsPerDag ?? 3,
      tasksPerDag: o.tasksPerDag ?? 3,
      importErrors: o.importErrors ?? 1,
      maxPageLimit: o.maxPageLimit ?? 100,
      delayMs: o.delayMs ?? 0,
      mwaaWebTokens: o.mwaaWebTokens ?? [],
      dagsFolder: o.dagsFolder ?? '/usr/local/airflow/dags',
      validate: o.validate ?? true,
    };
    if (this.opts.validate) this.validator = OpenApiValidator.load(o.spec ?? (this.api === 'v2' ? SPEC_V2 : SPEC_V1));
    for (let i = 0; i < this.opts.dags; i++) {
      const dagId = `dag_${String(i).padStart(4, '0')}`;
      this.addDag(dagId, Array.from({ length: this.opts.tasksPerDag }, (_, t) => `task_${t}`));
      for (let r = 0; r < this.opts.runsPerDag; r++) {
        const t = BASE_TIME + r * 86_400_000;
        const state = r === this.opts.runsPerDag - 1 && i % 2 === 0 ? 'running' : r % 4 === 1 ? 'failed' : 'success';
        this.addRun(dagId, { dag_run_id: `scheduled__${ISO(t)}`, logical_date: ISO(t), run_after: ISO(t), start_date: ISO(t + 1000), end_date: state === 'running' ? null : ISO(t + 61_000), state, run_type: 'scheduled' });
      }
    }
    for (let i = 0; i < this.opts.importErrors; i++) {
      this.importErrors.push({ import_error_id: i + 1, filename: `${this.opts.dagsFolder}/broken_${i}.py`, stack_trace: `Traceback (most recent call last):\n  File "broken_${i}.py", line 3\nModuleNotFoundError: No module named 'missing_${i}'`, timestamp: ISO(BASE_TIME) });
    }
  }

  addDag(dagId: string, tasks: string[] = ['extract', 'load']): FakeDag {
    const dag = { dag_id: dagId, is_paused: false, tasks, fileloc: `${this.opts.dagsFolder}/${dagId}.py` };
    this.dags.set(dagId, dag);
    this.runs.set(dagId, []);
    return dag;
  }

  addRun(dagId: string, r: Partial<FakeRun> & { dag_run_id: string }): FakeRun {
    const now = ISO(Date.now());
    const run: FakeRun = { dag_id: dagId, logical_date: now, run_after: now, start_date: null, end_date: null, state: 'queued', run_type: 'manual', conf: {}, ...r };
    this.runs.get(dagId)!.push(run);
    return run;
  }

  tisOf(dagId: string, runId: string): FakeTi[] {
    const key = `${dagId}/${runId}`;
    let list = this.tis.get(key);
    if (!list) {
      const run = this.runs.get(dagId)!.find((r) => r.dag_run_id === runId)!;
      const dag = this.dags.get(dagId)!;
      list = dag.tasks.map((task_id, i) => ({
        id: randomUUID(),
        task_id,
        state: run.state === 'success' ? 'success' : run.state === 'failed' ? (i === 0 ? 'failed' : 'upstream_failed') : run.state === 'running' ? (i === 0 ? 'running' : null) : null,
        try_number: run.state === 'failed' && i === 0 ? 2 : 1,
        max_tries: 2,
      }));
      this.tis.set(key, list);
    }
    return list;
  }

  // ---------- shapes (match the official specs; validated on every answer) ----------
  private dagJson(d: FakeDag): Json {
    const tags = [{ name: 'team-a' }];
    const file_token = Buffer.from(d.fileloc).toString('base64url');
    if (this.api === 'v1') {
      return { dag_id: d.dag_id, dag_display_name: d.dag_id, root_dag_id: null, is_paused: d.is_paused, is_active: true, is_subdag: false, last_parsed_time: ISO(BASE_TIME), last_pickled: null, last_expired: null, scheduler_lock: null, pickle_id: null, default_view: 'grid', fileloc: d.fileloc, file_token, owners: ['airflow'], description: `${d.dag_id} DAG`, schedule_interval: { __type: 'CronExpression', value: '@daily' }, timetable_description: 'At 00:00', tags, max_active_tasks: 16, max_active_runs: 16, max_consecutive_failed_dag_runs: 0, has_task_concurrency_limits: false, has_import_errors: false, next_dagrun: null, next_dagrun_data_interval_start: null, next_dagrun_data_interval_end: null, next_dagrun_create_after: null };
    }
    return { dag_id: d.dag_id, dag_display_name: d.dag_id, is_paused: d.is_paused, is_stale: false, fileloc: d.fileloc, relative_fileloc: d.fileloc.slice(this.opts.dagsFolder.length + 1), file_token, owners: ['airflow'], description: `${d.dag_id} DAG`, tags: tags.map((t) => ({ ...t, dag_id: d.dag_id, dag_display_name: d.dag_id })), timetable_partitioned: false, timetable_summary: '@daily', timetable_description: 'At 00:00', max_active_tasks: 16, max_active_runs: 16, max_consecutive_failed_dag_runs: 0, has_task_concurrency_limits: false, has_import_errors: false, last_parsed_time: ISO(BASE_TIME), bundle_name: 'dags-folder', bundle_version: null, next_dagrun_logical_date: null, next_dagrun_data_interval_start: null, next_dagrun_data_interval_end: null, next_dagrun_run_after: null };
  }

  private runJson(r: FakeRun): Json {
    if (this.api === 'v1') {
      return { dag_run_id: r.dag_run_id, dag_id: r.dag_id, logical_date: r.logical_date, execution_date: r.logical_date, start_date: r.start_date, end_date: r.end_date, data_interval_start: r.logical_date, data_interval_end: r.logical_date, last_scheduling_decision: null, run_type: r.run_type, state: r.state, external_trigger: r.run_type === 'manual', conf: r.conf, note: null };
    }
    return { dag_run_id: r.dag_run_id, dag_id: r.dag_id, dag_display_name: r.dag_id, logical_date: r.logical_date, queued_at: r.run_after, run_after: r.run_after, start_date: r.start_date, end_date: r.end_date, data_interval_start: r.logical_date, data_interval_end: r.logical_date, last_scheduling_decision: null, run_type: r.run_type, state: r.state, triggered_by: 'rest_api', conf: r.conf, note: null, dag_versions: [{ id: '00000000-0000-4000-8000-000000000001', version_number: 1, dag_id: r.dag_id, dag_display_name: r.dag_id, bundle_name: 'dags-folder', bundle_version: null, created_at: r.run_after, bundle_url: null }], bundle_version: null };
  }

  private tiJson(dagId: string, run: FakeRun, t: FakeTi): Json {
    const start = t.state && t.state !== 'upstream_failed' ? run.start_date : null;
    const end = start && t.state !== 'running' ? run.end_date : null;
    const duration = start && end ? (Date.parse(end) - Date.parse(start)) / 1000 : null;
    if (this.api === 'v1') {
      return { task_id: t.task_id, task_display_name: t.task_id, dag_id: dagId, dag_run_id: run.dag_run_id, execution_date: run.logical_date, start_date: start, end_date: end, duration, state: t.state, try_number: t.try_number, map_index: -1, max_tries: t.max_tries, hostname: 'worker-1', unixname: 'airflow', pool: 'default_pool', pool_slots: 1, queue: 'default', priority_weight: 1, operator: 'PythonOperator', queued_when: null, pid: null, executor: null, executor_config: '{}', note: null, rendered_map_index: null, rendered_fields: {} };
    }
    return { id: t.id, task_id: t.task_id, task_display_name: t.task_id, dag_id: dagId, dag_display_name: dagId, dag_run_id: run.dag_run_id, map_index: -1, run_after: run.run_after, logical_date: run.logical_date, start_date: start, end_date: end, duration, state: t.state, try_number: t.try_number, max_tries: t.max_tries, hostname: 'worker-1', unixname: 'airflow', pool: 'default_pool', pool_slots: 1, queue: 'default', priority_weight: 1, operator: 'PythonOperator', operator_name: 'PythonOperator', queued_when: null, scheduled_when: null, pid: null, executor: null, executor_config: '{}', note: null, rendered_map_index: null, rendered_fields: {}, trigger: null, triggerer_job: null, dag_version: null };
  }

  // ---------- auth ----------
  private jwtSecret = 'fake-secret';
  private sign(sub: string, ttlS = 3600): string {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const h = b64({ alg: 'HS256', typ: 'JWT' });
    const p = b64({ sub, exp: Math.floor(Date.now() / 1000) + ttlS });
    return `${h}.${p}.${createHmac('sha256', this.jwtSecret).update(`${h}.${p}`).digest('base64url')}`;
  }
  /** Test hook: make every issued JWT invalid (as after a server-side rotation). */
  rotateJwtSecret(): void {
    this.jwtSecret = randomUUID();
  }
  private jwtOk(tok: string): boolean {
    const [h, p, s] = tok.split('.');
    if (!s || createHmac('sha256', this.jwtSecret).update(`${h}.${p}`).digest('base64url') !== s) return false;
    return JSON.parse(Buffer.from(p, 'base64url').toString()).exp * 1000 > Date.now();
  }
  private authorized(headers: http.IncomingHttpHeaders): boolean {
    const a = headers.authorization ?? '';
    const bearer = /^Bearer (.+)$/.exec(a)?.[1];
    if (bearer && (this.opts.tokens.includes(bearer) || this.jwtOk(bearer))) return true;
    const basic = /^Basic (.+)$/.exec(a)?.[1];
    if (basic && this.api === 'v1') {
      const [u, ...pw] = Buffer.from(basic, 'base64').toString().split(':');
      if (this.opts.users[u] !== undefined && this.opts.users[u] === pw.join(':')) return true;
    }
    const session = /(?:^|;\s*)session=([^;]+)/.exec(headers.cookie ?? '')?.[1];
    return !!session && this.sessions.has(session);
  }

  // ---------- the API (shared by HTTP and MWAA InvokeRestApi) ----------
  /** Handle one API call; `path` is relative to /api/vN. Validates against the spec. */
  handleApi(method: string, path: string, query: URLSearchParams, body: unknown, accept = 'application/json'): ApiAnswer {
    const full = `/api/${this.api}${path}`;
    if (this.validator) {
      const errors = this.validator.validateRequest(method, full, query, body);
      if (errors.length) {
        this.violations.push({ where: 'request', method, path: full, errors });
        return this.api === 'v2'
          ? { status: 422, contentType: 'application/json', body: { detail: errors.map((msg) => ({ type: 'value_error', loc: ['request'], msg, input: null })) } }
          : { status: 400, contentType: 'application/json', body: { type: 'about:blank', title: 'Bad Request', status: 400, detail: errors.join('; ') } };
      }
    }
    let answer = this.route(method, path, query, (body ?? {}) as Json, accept);
    if (this.corruptNext && answer.status < 300) {
      answer = { ...answer, body: this.corruptNext(answer.body) };
      this.corruptNext = undefined;
    }
    if (this.validator) {
      const errors = this.validator.validateResponse(method, full, answer.status, answer.contentType, answer.body);
      if (errors.length) {
        this.violations.push({ where: 'response', method, path: full, status: answer.status, errors });
        return { status: 500, contentType: 'application/json', body: { detail: `response violates the spec: ${errors.join('; ')}` } };
      }
    }
    return answer;
  }

  private route(method: string, path: string, q: URLSearchParams, body: Json, accept: string): ApiAnswer {
    const v2 = this.api === 'v2';
    const ok = (b: unknown, status = 200): ApiAnswer => ({ status, body: b, contentType: 'application/json' });
    const notFound = (detail: string): ApiAnswer =>
      v2 ? { status: 404, contentType: 'application/json', body: { detail } } : { status: 404, contentType: 'application/json', body: { type: 'about:blank', title: 'Not Found', status: 404, detail } };
    const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
    const limit = Math.min(Number(q.get('limit') ?? (v2 ? 50 : 100)), this.opts.maxPageLimit);
    const offset = Number(q.get('offset') ?? 0);
    if (method === 'GET' && path === '/version') return ok({ version: this.version, git_version: null });
    if (method === 'GET' && (path === '/health' || path === '/monitor/health')) {
      return ok(v2 ? { metadatabase: { status: 'healthy' }, scheduler: { status: 'healthy', latest_scheduler_heartbeat: ISO(Date.now()) }, triggerer: { status: 'healthy', latest_triggerer_heartbeat: null }, dag_processor: null } : { metadatabase: { status: 'healthy' }, scheduler: { status: 'healthy', latest_scheduler_heartbeat: ISO(Date.now()) } });
    }
    if (method === 'GET' && path === '/importErrors') {
      const page = this.importErrors.slice(offset, offset + limit).map((e) => (v2 ? { ...e, bundle_name: 'dags-folder' } : e));
      return ok({ import_errors: page, total_entries: this.importErrors.length });
    }
    if (seg[0] !== 'dags') return notFound(`no route ${path}`);
    if (method === 'GET' && seg.length === 1) {
      let all = [...this.dags.values()].sort((a, b) => a.dag_id.localeCompare(b.dag_id));
      const paused = q.get('paused');
      if (paused !== null) all = all.filter((d) => String(d.is_paused) === paused);
      const pattern = q.get('dag_id_pattern');
      if (pattern) all = all.filter((d) => d.dag_id.includes(pattern.replace(/%/g, '')));
      return ok({ dags: all.slice(offset, offset + limit).map((d) => this.dagJson(d)), total_entries: all.length });
    }
    const dag = this.dags.get(seg[1]);
    if (!dag) return notFound(`The Dag with ID: \`${seg[1]}\` was not found`);
    if (seg.length === 2) {
      if (method === 'GET') return ok(this.dagJson(dag));
      if (method === 'PATCH') {
        dag.is_paused = body.is_paused;
        return ok(this.dagJson(dag));
      }
    }
    const runs = this.runs.get(dag.dag_id)!;
    if (seg.length === 3 && seg[2] === 'dagRuns') {
      if (method === 'GET') {
        let list = [...runs];
        const states = q.getAll('state');
        if (states.length) list = list.filter((r) => states.includes(r.state));
        const order = q.getAll('order_by')[0] ?? '';
        const key = order.replace(/^-/, '') === 'execution_date' || order.replace(/^-/, '') === 'logical_date' ? 'logical_date' : 'run_after';
        list.sort((a, b) => String(a[key]).localeCompare(String(b[key])));
        if (order.startsWith('-')) list.reverse();
        return ok({ dag_runs: list.slice(offset, offset + limit).map((r) => this.runJson(r)), total_entries: list.length });
      }
      if (method === 'POST') {
        const now = ISO(Date.now());
        const logical = 'logical_date' in body ? body.logical_date : now;
        const runId = body.dag_run_id ?? `manual__${logical ?? now}`;
        if (runs.some((r) => r.dag_run_id === runId)) {
          return v2 ? { status: 409, contentType: 'application/json', body: { detail: `DAG Run ${runId} already exists` } } : { status: 409, contentType: 'application/json', body: { type: 'about:blank', title: 'Conflict', status: 409, detail: 'exists' } };
        }
        const run = this.addRun(dag.dag_id, { dag_run_id: runId, logical_date: logical, run_after: now, conf: body.conf ?? {}, state: 'queued', run_type: 'manual' });
        return ok(this.runJson(run));
      }
    }
    if (seg.length === 3 && seg[2] === 'clearTaskInstances' && method === 'POST') {
      const cleared: Json[] = [];
      for (const r of runs) {
        if (body.dag_run_id && r.dag_run_id !== body.dag_run_id) continue;
        const list = this.tisOf(dag.dag_id, r.dag_run_id);
        let ids: string[] | undefined = body.task_ids;
        if (ids && body.include_downstream) {
          const first = Math.min(...ids.map((id) => dag.tasks.indexOf(id)).filter((i) => i >= 0));
          ids = dag.tasks.slice(first);
        }
        for (const t of list) {
          if (ids && !ids.includes(t.task_id)) continue;
          if ((body.only_failed ?? true) && !['failed', 'upstream_failed'].includes(t.state ?? '')) continue;
          cleared.push(v2 ? this.tiJson(dag.dag_id, r, t) : { dag_id: dag.dag_id, dag_run_id: r.dag_run_id, task_id: t.task_id, execution_date: r.logical_date });
          if (!(body.dry_run ?? true)) {
            t.state = null;
            r.state = 'queued';
            r.end_date = null;
          }
        }
      }
      return ok(v2 ? { task_instances: cleared, total_entries: cleared.length } : { task_instances: cleared });
    }
    const run = seg[2] === 'dagRuns' && seg[3] ? runs.find((r) => r.dag_run_id === seg[3]) : undefined;
    if (!run) return notFound(`DAGRun with DAG ID: '${dag.dag_id}' and DagRun ID: '${seg[3]}' not found`);
    if (seg.length === 4 && method === 'GET') return ok(this.runJson(run));
    if (seg.length === 5 && seg[4] === 'taskInstances' && method === 'GET') {
      const list = this.tisOf(dag.dag_id, run.dag_run_id);
      return ok({ task_instances: list.slice(offset, offset + limit).map((t) => this.tiJson(dag.dag_id, run, t)), total_entries: list.length });
    }
    if (seg.length === 8 && seg[4] === 'taskInstances' && seg[6] === 'logs' && method === 'GET') {
      const ti = this.tisOf(dag.dag_id, run.dag_run_id).find((t) => t.task_id === seg[5]);
      if (!ti) return notFound(`TaskInstance ${seg[5]} not found`);
      const tryNo = Number(seg[7]);
      const lines = [`Running ${ti.task_id} try ${tryNo} on worker-1`, tryNo < ti.try_number || ti.state === 'failed' ? 'ERROR - Task failed with exception' : ti.state === 'running' ? 'still running…' : 'Task exited with return code 0'];
      const ts = run.start_date ?? ISO(BASE_TIME);
      if (v2) return ok({ content: lines.map((event) => ({ timestamp: ts, event, level: 'info' })), continuation_token: null });
      const text = lines.map((l) => `[${ts}] {taskinstance.py:1} INFO - ${l}`).join('\n') + '\n';
      if (accept.includes('text/plain')) return { status: 200, body: text, contentType: 'text/plain' };
      const end = ti.state !== 'running';
      return ok({ content: text, continuation_token: `${Buffer.from(JSON.stringify({ end_of_log: end, log_pos: text.length })).toString('base64url')}.sig` });
    }
    return v2 ? { status: 405, contentType: 'application/json', body: { detail: 'Method Not Allowed' } } : { status: 405, contentType: 'application/json', body: { type: 'about:blank', title: 'Method Not Allowed', status: 405, detail: path } };
  }

  // ---------- HTTP ----------
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.search, auth: req.headers.authorization?.split(' ')[0] });
    const send = (status: number, body: unknown, type = 'application/json', headers: Record<string, string | string[]> = {}) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': type, ...headers }).end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (this.opts.delayMs) await new Promise((r) => setTimeout(r, this.opts.delayMs));
    // Airflow 3 token endpoint (auth manager route, not part of the core /api/v2 spec).
    if (req.method === 'GET' && url.pathname === '/auth/token' && this.api === 'v2') {
      return this.allAdmins ? send(201, { access_token: this.sign('admin') }) : send(401, { detail: 'Not authenticated' });
    }
    if (req.method === 'POST' && url.pathname === '/auth/token' && this.api === 'v2') {
      let b: Json = {};
      try {
        b = JSON.parse(raw || '{}');
      } catch {
        return send(400, { detail: 'invalid JSON' });
      }
      if (this.opts.users[b.username] === undefined || this.opts.users[b.username] !== b.password) return send(401, { detail: 'Invalid credentials' });
      return send(201, { access_token: this.sign(b.username) });
    }
    // MWAA web login: form token → Airflow 2 `session` cookie / Airflow 3 `_token` cookie.
    if (req.method === 'POST' && (url.pathname === '/aws_mwaa/login' || url.pathname === '/pluginsv2/aws_mwaa/login')) {
      const token = new URLSearchParams(raw).get('token') ?? '';
      if (!this.opts.mwaaWebTokens.includes(token)) return send(403, 'Forbidden', 'text/plain');
      if (this.api === 'v2') return send(302, '', 'text/plain', { location: '/', 'set-cookie': [`_token=${this.sign('mwaa-user')}; Path=/; Secure`] });
      const session = randomUUID();
      this.sessions.add(session);
      return send(302, '', 'text/plain', { location: '/home', 'set-cookie': [`session=${session}; Path=/; HttpOnly`] });
    }
    const m = /^\/api\/(v1|v2)(\/.*)$/.exec(url.pathname);
    if (!m || m[1] !== this.api) return send(404, this.api === 'v2' ? { detail: 'Not Found' } : '<h1>404</h1>', this.api === 'v2' ? 'application/json' : 'text/html');
    const apiPath = m[2];
    if (!(this.api === 'v1' && apiPath === '/version') && !this.authorized(req.headers)) {
      return this.api === 'v2' ? send(401, { detail: 'Not authenticated' }) : send(401, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'No credentials' }, 'application/json');
    }
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return send(400, { detail: 'invalid JSON' });
      }
    }
    const a = this.handleApi(req.method ?? 'GET', apiPath, url.searchParams, body, req.headers.accept ?? 'application/json');
    send(a.status, a.body, a.contentType);
  }
}

export async function startAirflowFake(o: AirflowFakeOptions = {}): Promise<AirflowFake> {
  const f = new AirflowFake(o);
  await f.start();
  return f;
}
