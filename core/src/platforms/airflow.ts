/**
 * Airflow REST client with one surface for both API generations:
 *   Airflow 2.x → /api/v1 (execution_date era, text or JSON logs, -execution_date ordering)
 *   Airflow 3.x → /api/v2 (logical_date required on trigger, run_after, structured logs)
 * The generation is detected (transport probe or the platform's version), never configured.
 * Returns plain data (types.ts); every failure is a ManagedAirflowError (errors.ts).
 */
import semver from 'semver';
import { platformErrors } from './errors';
import type { AirflowTransport, RestRequest } from './transport';
import type {
  AirflowVersionInfo,
  ApiVersion,
  CallOptions,
  ClearRequest,
  ClearedTask,
  DagRunSummary,
  DagSummary,
  ImportErrorSummary,
  LogChunk,
  Page,
  PageRequest,
  TaskInstanceSummary,
  TriggerRequest,
} from './types';

/** Most Airflow installations cap `limit` at [api] maximum_page_limit = 100. */
export const DEFAULT_PAGE_SIZE = 100;
export const MIN_AIRFLOW_VERSION = '2.0.0';

/** "2.10.5+composer" → "2.10.5"; "3.1.7+astro.1" → "3.1.7". */
export function stripVendorSuffix(v: string): string {
  return v.trim().replace(/\+.*$/, '');
}

export function apiVersionFor(airflowVersion: string): ApiVersion {
  const major = Number(stripVendorSuffix(airflowVersion).split('.')[0]);
  return major >= 3 ? 'v2' : 'v1';
}

const enc = encodeURIComponent;
type Json = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown, d = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);

export interface AirflowClientOptions {
  env: string;
  transport: AirflowTransport;
  /** Known from the platform (MWAA AirflowVersion, Composer image, Astro runtime); else detected. */
  airflowVersion?: string;
  apiVersion?: ApiVersion;
  pageSize?: number;
}

export class AirflowClient {
  readonly env: string;
  readonly transport: AirflowTransport;
  readonly pageSize: number;
  private api?: Promise<ApiVersion>;
  private knownVersion?: string;

  constructor(opts: AirflowClientOptions) {
    this.env = opts.env;
    this.transport = opts.transport;
    this.pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
    this.knownVersion = opts.airflowVersion;
    const api = opts.apiVersion ?? (opts.airflowVersion ? apiVersionFor(opts.airflowVersion) : undefined);
    if (api) this.api = Promise.resolve(api);
    if (opts.airflowVersion) this.checkSupported(opts.airflowVersion);
  }

  private checkSupported(v: string): void {
    const clean = semver.coerce(stripVendorSuffix(v));
    if (clean && semver.lt(clean, MIN_AIRFLOW_VERSION)) {
      throw platformErrors.unsupportedVersion(this.env, v, 'The stable REST API needs Airflow 2.0 or newer; upgrade the environment.');
    }
  }

  /** API generation of the server (detected once, then cached). */
  apiVersion(opts: CallOptions = {}): Promise<ApiVersion> {
    if (!this.api) {
      this.api = (async () => {
        if (!this.transport.probe) return 'v1' as const;
        const found = await this.transport.probe(opts);
        if (!found) {
          throw platformErrors.unsupportedVersion(this.env, 'unknown', 'Neither /api/v2 (Airflow 3) nor /api/v1 (Airflow 2) answered: check the URL, and that the REST API is enabled ([api] auth_backends).');
        }
        return found;
      })();
      this.api.catch(() => (this.api = undefined));
    }
    return this.api;
  }

  /** Low-level call with status → typed error mapping; returns the JSON body. */
  async call(req: RestRequest, opts: CallOptions = {}, what = 'resource'): Promise<unknown> {
    const api = await this.apiVersion(opts);
    const r = await this.transport.send(api, req, opts);
    if (r.status >= 200 && r.status < 300) return r.body;
    if (r.status === 401 || r.status === 403) throw platformErrors.unauthorized(this.env, r.status, this.transport.authHint);
    if (r.status === 404) throw platformErrors.notFound(this.env, what, 'It may have been deleted or renamed; refresh.');
    throw platformErrors.remote(this.env, r.status, errorDetail(r.body));
  }

  async version(opts: CallOptions = {}): Promise<AirflowVersionInfo> {
    const api = await this.apiVersion(opts);
    const body = (await this.call({ method: 'GET', path: '/version' }, opts, 'version endpoint')) as Json;
    const raw = str(body?.version) ?? this.knownVersion ?? '';
    if (!raw) throw platformErrors.badResponse(this.env, '/version has no "version"');
    this.checkSupported(raw);
    return { raw, version: stripVendorSuffix(raw), apiVersion: api };
  }

  async listDags(page: PageRequest & { paused?: boolean; pattern?: string } = {}, opts: CallOptions = {}): Promise<Page<DagSummary>> {
    const api = await this.apiVersion(opts);
    const { offset = 0, limit = this.pageSize } = page;
    const body = (await this.call({ method: 'GET', path: '/dags', query: { limit, offset, order_by: api === 'v2' ? ['dag_id'] : 'dag_id', paused: page.paused, dag_id_pattern: page.pattern, ...(api === 'v1' ? { only_active: true } : { exclude_stale: true }) } }, opts, 'DAG list')) as Json;
    const items = asArray(body?.dags).map((d) => toDag(d as Json));
    return pageOf(items, body, offset, limit);
  }

  /** Every DAG, page by page (stops at `max`). */
  async listAllDags(opts: CallOptions = {}, max = 10_000): Promise<DagSummary[]> {
    const out: DagSummary[] = [];
    for (let offset = 0; out.length < max; ) {
      const p = await this.listDags({ offset, limit: Math.min(this.pageSize, max - out.length) }, opts);
      out.push(...p.items);
      if (!p.hasMore || !p.items.length) break;
      offset += p.items.length;
    }
    return out.slice(0, max);
  }

  async getDag(dagId: string, opts: CallOptions = {}): Promise<DagSummary> {
    return toDag((await this.call({ method: 'GET', path: `/dags/${enc(dagId)}` }, opts, `DAG "${dagId}"`)) as Json);
  }

  async setPaused(dagId: string, paused: boolean, opts: CallOptions = {}): Promise<DagSummary> {
    const body = await this.call({ method: 'PATCH', path: `/dags/${enc(dagId)}`, query: { update_mask: 'is_paused' }, body: { is_paused: paused } }, opts, `DAG "${dagId}"`);
    return toDag(body as Json);
  }

  async listImportErrors(page: PageRequest = {}, opts: CallOptions = {}): Promise<Page<ImportErrorSummary>> {
    const api = await this.apiVersion(opts);
    const { offset = 0, limit = this.pageSize } = page;
    const body = (await this.call({ method: 'GET', path: '/importErrors', query: { limit, offset, order_by: api === 'v2' ? ['filename'] : 'filename' } }, opts, 'import errors')) as Json;
    const items = asArray(body?.import_errors).map((e) => {
      const j = e as Json;
      return { id: num(j.import_error_id), filename: str(j.filename) ?? '', stackTrace: str(j.stack_trace) ?? '', timestamp: str(j.timestamp) ?? '' };
    });
    return pageOf(items, body, offset, limit);
  }

  /** Runs of one DAG, newest first. */
  async listRuns(dagId: string, page: PageRequest & { state?: string[] } = {}, opts: CallOptions = {}): Promise<Page<DagRunSummary>> {
    const api = await this.apiVersion(opts);
    const { offset = 0, limit = this.pageSize } = page;
    const query = api === 'v2' ? { limit, offset, order_by: ['-run_after'], state: page.state } : { limit, offset, order_by: '-execution_date', state: page.state };
    const body = (await this.call({ method: 'GET', path: `/dags/${enc(dagId)}/dagRuns`, query }, opts, `DAG "${dagId}"`)) as Json;
    return pageOf(asArray(body?.dag_runs).map((r) => toRun(r as Json)), body, offset, limit);
  }

  async getRun(dagId: string, runId: string, opts: CallOptions = {}): Promise<DagRunSummary> {
    return toRun((await this.call({ method: 'GET', path: `/dags/${enc(dagId)}/dagRuns/${enc(runId)}` }, opts, `run "${runId}" of DAG "${dagId}"`)) as Json);
  }

  async triggerRun(dagId: string, req: TriggerRequest = {}, opts: CallOptions = {}): Promise<DagRunSummary> {
    const api = await this.apiVersion(opts);
    const body: Json = { conf: req.conf ?? {} };
    if (req.runId) body.dag_run_id = req.runId;
    if (req.note) body.note = req.note;
    if (api === 'v2') {
      // Airflow 3 requires the field; null = a run without a logical date, "now" keeps Airflow 2 semantics.
      body.logical_date = req.logicalDate === undefined ? new Date().toISOString() : req.logicalDate;
    } else if (req.logicalDate) {
      body.logical_date = req.logicalDate;
    }
    return toRun((await this.call({ method: 'POST', path: `/dags/${enc(dagId)}/dagRuns`, body }, opts, `DAG "${dagId}"`)) as Json);
  }

  async listTaskInstances(dagId: string, runId: string, page: PageRequest = {}, opts: CallOptions = {}): Promise<Page<TaskInstanceSummary>> {
    const { offset = 0, limit = this.pageSize } = page;
    const body = (await this.call({ method: 'GET', path: `/dags/${enc(dagId)}/dagRuns/${enc(runId)}/taskInstances`, query: { limit, offset } }, opts, `run "${runId}"`)) as Json;
    return pageOf(asArray(body?.task_instances).map((t) => toTaskInstance(t as Json, dagId, runId)), body, offset, limit);
  }

  /** One chunk of a task log (pass the previous continuationToken to read on). */
  async getLog(dagId: string, runId: string, taskId: string, tryNumber: number, o: { mapIndex?: number; token?: string | null } = {}, opts: CallOptions = {}): Promise<LogChunk> {
    const api = await this.apiVersion(opts);
    const query = { full_content: o.token ? undefined : true, map_index: o.mapIndex !== undefined && o.mapIndex >= 0 ? o.mapIndex : undefined, token: o.token ?? undefined };
    const body = await this.call({ method: 'GET', path: `/dags/${enc(dagId)}/dagRuns/${enc(runId)}/taskInstances/${enc(taskId)}/logs/${tryNumber}`, query }, opts, `log of ${taskId} try ${tryNumber}`);
    return api === 'v2' ? v2Log(body) : v1Log(body);
  }

  /** Clear task instances (or a whole run) so the scheduler runs them again. */
  async clear(dagId: string, req: ClearRequest, opts: CallOptions = {}): Promise<ClearedTask[]> {
    const api = await this.apiVersion(opts);
    const body: Json = {
      dry_run: req.dryRun ?? false,
      dag_run_id: req.runId,
      only_failed: req.onlyFailed ?? false,
      include_downstream: req.includeDownstream ?? false,
      include_upstream: req.includeUpstream ?? false,
      reset_dag_runs: true,
    };
    if (req.taskIds) body.task_ids = req.taskIds;
    const res = (await this.call({ method: 'POST', path: `/dags/${enc(dagId)}/clearTaskInstances`, body }, opts, `DAG "${dagId}"`)) as Json;
    return asArray(res?.task_instances).map((t) => {
      const j = t as Json;
      return { taskId: str(j.task_id) ?? '', runId: str(j.dag_run_id) ?? (api === 'v1' ? req.runId : '') };
    });
  }

  async health(opts: CallOptions = {}): Promise<Json> {
    const api = await this.apiVersion(opts);
    return (await this.call({ method: 'GET', path: api === 'v2' ? '/monitor/health' : '/health' }, opts, 'health endpoint')) as Json;
  }
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function pageOf<T>(items: T[], body: Json | undefined, offset: number, limit: number): Page<T> {
  const total = num(body?.total_entries, offset + items.length);
  return { items, total, offset, limit, hasMore: items.length > 0 && offset + items.length < total };
}

function errorDetail(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300) || 'no details';
  const b = body as Json | undefined;
  const d = b?.detail ?? b?.title ?? b?.message;
  if (typeof d === 'string') return d;
  if (Array.isArray(d)) return d.map((x) => `${(x as Json).loc ? `${((x as Json).loc as unknown[]).join('.')}: ` : ''}${(x as Json).msg ?? JSON.stringify(x)}`).join('; ');
  return JSON.stringify(b ?? {}).slice(0, 300);
}

function toDag(d: Json): DagSummary {
  const tags = asArray(d.tags).map((t) => (typeof t === 'string' ? t : str((t as Json)?.name) ?? '')).filter(Boolean);
  const sched = d.schedule_interval as Json | string | null | undefined;
  const schedule =
    str(d.timetable_summary) ??
    (typeof sched === 'string' ? sched : sched && typeof sched === 'object' ? (str(sched.value) ?? (sched.days !== undefined ? `every ${sched.days}d ${sched.seconds ?? 0}s` : undefined)) : undefined) ??
    str(d.timetable_description) ??
    undefined;
  return {
    dagId: str(d.dag_id) ?? '',
    displayName: str(d.dag_display_name) ?? str(d.dag_id) ?? '',
    isPaused: d.is_paused === true,
    fileloc: str(d.fileloc) ?? '',
    relativeFileloc: str(d.relative_fileloc) ?? undefined,
    owners: asArray(d.owners).filter((o): o is string => typeof o === 'string'),
    tags,
    schedule: schedule ?? undefined,
    description: str(d.description),
    hasImportErrors: d.has_import_errors === true,
    nextRun: str(d.next_dagrun_run_after) ?? str(d.next_dagrun_create_after) ?? str(d.next_dagrun_logical_date) ?? str(d.next_dagrun),
  };
}

function toRun(r: Json): DagRunSummary {
  const logical = str(r.logical_date) ?? str(r.execution_date);
  return {
    runId: str(r.dag_run_id) ?? '',
    dagId: str(r.dag_id) ?? '',
    state: str(r.state) ?? 'unknown',
    runType: str(r.run_type) ?? '',
    logicalDate: logical,
    runAfter: str(r.run_after) ?? logical,
    startDate: str(r.start_date),
    endDate: str(r.end_date),
    conf: r.conf && typeof r.conf === 'object' ? (r.conf as Record<string, unknown>) : null,
    note: str(r.note),
  };
}

function toTaskInstance(t: Json, dagId: string, runId: string): TaskInstanceSummary {
  return {
    taskId: str(t.task_id) ?? '',
    displayName: str(t.task_display_name) ?? str(t.task_id) ?? '',
    dagId: str(t.dag_id) ?? dagId,
    runId: str(t.dag_run_id) ?? runId,
    state: str(t.state),
    tryNumber: num(t.try_number),
    maxTries: num(t.max_tries),
    mapIndex: num(t.map_index, -1),
    startDate: str(t.start_date),
    endDate: str(t.end_date),
    duration: typeof t.duration === 'number' ? t.duration : null,
    operator: str(t.operator),
    hostname: str(t.hostname),
  };
}

/**
 * Airflow 2 JSON logs: `content` is text, or (2.x with remote handlers) the repr of a list of
 * (host, text) tuples; the continuation token is itsdangerous-signed JSON whose payload says end_of_log.
 */
function v1Log(body: unknown): LogChunk {
  if (typeof body === 'string') return { content: body, continuationToken: null };
  const b = body as Json;
  let content = str(b?.content) ?? '';
  const m = /^\[\('([^']*)', '([\s\S]*)'\)\]$/.exec(content);
  if (m) content = m[2].replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\'/g, "'").replace(/\\\\/g, '\\');
  const token = str(b?.continuation_token);
  return { content, continuationToken: token && !tokenSaysEnd(token) ? token : null };
}

function tokenSaysEnd(token: string): boolean {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as Json;
    return payload.end_of_log === true;
  } catch {
    return false;
  }
}

function v2Log(body: unknown): LogChunk {
  if (typeof body === 'string') return { content: body, continuationToken: null };
  const b = body as Json;
  const lines = asArray(b?.content).map((l) => {
    if (typeof l === 'string') return l;
    const j = l as Json;
    const ts = str(j.timestamp);
    const level = str(j.level);
    const src = str(j.logger);
    return `${ts ? `[${ts}] ` : ''}${level ? `${level.toUpperCase()} ` : ''}${src ? `${src} - ` : ''}${str(j.event) ?? ''}`;
  });
  return { content: lines.join('\n') + (lines.length ? '\n' : ''), continuationToken: str(b?.continuation_token) };
}
