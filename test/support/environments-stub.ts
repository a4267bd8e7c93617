/**
 * In-memory stand-in for the part of AirflowClient the environments tree uses, with call
 * counting, so unit tests can check laziness and paging without a server.
 */
import { ManagedAirflowError } from '../../core/src/errors';
import type { TreeClient, TreeConnection } from '../../client/src/environments/model';
import type { DagRunSummary, DagSummary, Page, TaskInstanceSummary } from '../../core/src/platforms/types';
import type { EnvironmentConfig } from '../../core/src/protocol/environments';

export interface StubState {
  dags: DagSummary[];
  runs: Map<string, DagRunSummary[]>;
  tis: Map<string, TaskInstanceSummary[]>;
  importErrors: number;
  calls: string[];
  fail?: ManagedAirflowError;
}

function page<T>(all: T[], offset = 0, limit = 100): Page<T> {
  const items = all.slice(offset, offset + limit);
  return { items, total: all.length, offset, limit, hasMore: offset + items.length < all.length };
}

export function stubState(o: { dags?: number; runs?: number; tasks?: number; importErrors?: number } = {}): StubState {
  const dags: DagSummary[] = [];
  const runs = new Map<string, DagRunSummary[]>();
  for (let i = 0; i < (o.dags ?? 3); i++) {
    const dagId = `dag_${String(i).padStart(4, '0')}`;
    dags.push({ dagId, displayName: dagId, isPaused: i % 3 === 2, fileloc: `/usr/local/airflow/dags/${dagId}.py`, owners: ['airflow'], tags: ['t'], schedule: '@daily', description: null });
    runs.set(
      dagId,
      Array.from({ length: o.runs ?? 3 }, (_, r) => ({
        runId: `scheduled__2026-01-${String(30 - r).padStart(2, '0')}`,
        dagId,
        state: r === 0 ? 'running' : r === 1 ? 'failed' : 'success',
        runType: 'scheduled',
        logicalDate: `2026-01-${String(30 - r).padStart(2, '0')}T00:00:00Z`,
        runAfter: null,
        startDate: `2026-01-${String(30 - r).padStart(2, '0')}T00:00:01Z`,
        endDate: r === 0 ? null : `2026-01-${String(30 - r).padStart(2, '0')}T00:01:31Z`,
        conf: {},
      })),
    );
  }
  return { dags, runs, tis: new Map(), importErrors: o.importErrors ?? 0, calls: [] };
}

export function stubClient(s: StubState, tasks = 2): TreeClient {
  const check = (name: string) => {
    s.calls.push(name);
    if (s.fail) throw s.fail;
  };
  const tisOf = (dagId: string, runId: string) => {
    const key = `${dagId}/${runId}`;
    if (!s.tis.has(key)) {
      const run = s.runs.get(dagId)!.find((r) => r.runId === runId)!;
      s.tis.set(key, Array.from({ length: tasks }, (_, i) => ({ taskId: `t${i}`, displayName: `t${i}`, dagId, runId, state: run.state === 'failed' && i === 0 ? 'failed' : run.state === 'running' && i === 0 ? 'running' : run.state === 'running' ? null : run.state === 'failed' ? 'upstream_failed' : 'success', tryNumber: run.state === 'failed' && i === 0 ? 2 : run.state === 'running' && i > 0 ? 0 : 1, maxTries: 1, mapIndex: -1, startDate: null, endDate: null, duration: 12.5 })));
    }
    return s.tis.get(key)!;
  };
  return {
    async listDags(p = {}) {
      check(`listDags:${p.offset ?? 0}`);
      return page(s.dags, p.offset, p.limit);
    },
    async listImportErrors(p = {}) {
      check('listImportErrors');
      return page(Array.from({ length: s.importErrors }, (_, i) => ({ id: i + 1, filename: `/usr/local/airflow/dags/broken_${i}.py`, stackTrace: 'ImportError: boom', timestamp: '2026-01-01T00:00:00Z' })), p.offset, p.limit);
    },
    async listRuns(dagId, p = {}) {
      check(`listRuns:${dagId}:${p.offset ?? 0}`);
      return page(s.runs.get(dagId) ?? [], p.offset, p.limit);
    },
    async getRun(dagId, runId) {
      check(`getRun:${runId}`);
      return { ...s.runs.get(dagId)!.find((r) => r.runId === runId)! };
    },
    async getDag(dagId) {
      check(`getDag:${dagId}`);
      return s.dags.find((d) => d.dagId === dagId)!;
    },
    async listTaskInstances(dagId, runId, p = {}) {
      check(`listTaskInstances:${runId}`);
      return page(tisOf(dagId, runId), p.offset, p.limit);
    },
    async getLog(dagId, runId, taskId, tryNumber) {
      check(`getLog:${taskId}:${tryNumber}`);
      return { content: `log of ${taskId} try ${tryNumber}\n`, continuationToken: null };
    },
    async triggerRun(dagId, req = {}) {
      check(`triggerRun:${dagId}`);
      const run: DagRunSummary = { runId: `manual__${s.runs.get(dagId)!.length}`, dagId, state: 'queued', runType: 'manual', logicalDate: req.logicalDate ?? null, runAfter: null, startDate: null, endDate: null, conf: req.conf ?? {} };
      s.runs.get(dagId)!.unshift(run);
      return run;
    },
    async setPaused(dagId, paused) {
      check(`setPaused:${dagId}:${paused}`);
      const d = s.dags.find((x) => x.dagId === dagId)!;
      d.isPaused = paused;
      return { ...d };
    },
    async clear(dagId, req) {
      check(`clear:${dagId}:${req.runId}:${(req.taskIds ?? []).join(',')}:${req.includeDownstream ? 'down' : ''}`);
      return (req.taskIds ?? ['t0', 't1']).map((taskId) => ({ taskId, runId: req.runId }));
    },
  };
}

export function stubConnect(states: Record<string, StubState>, info: Partial<TreeConnection['info']> = {}) {
  const connects: string[] = [];
  return {
    connects,
    connect: async (config: EnvironmentConfig): Promise<TreeConnection> => {
      connects.push(config.name);
      const s = states[config.name];
      if (!s) throw new ManagedAirflowError('credentials', 'platform.credentials.missing', `${config.name}: no credentials`, { hint: 'sign in', details: { action: 'signIn' } });
      return { info: { name: config.name, platform: config.platform, airflowVersion: '2.10.3', status: 'AVAILABLE', target: `${config.platform}:2.10.3`, webUrl: 'https://web.example', ...info }, client: stubClient(s) };
    },
  };
}
