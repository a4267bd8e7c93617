/**
 * Protocol tests of the Airflow REST client against a local stateful fake that answers like
 * Airflow 2.10 (/api/v1) and Airflow 3.2 (/api/v2). Every request and response is validated
 * against the official OpenAPI specs in ../shared/specs/airflow-rest (skipped where absent).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AirflowClient, HttpTransport, connectEnvironment, envVarCredentials, type AirflowAuth } from '../../core/src/platforms';
import { isManagedAirflowError, type ManagedAirflowError } from '../../core/src/errors';
import { startAirflowFake, type AirflowFake } from './support/airflow-fake';
import { specsAvailable } from './support/openapi';

async function rejects(p: Promise<unknown>, code: string): Promise<ManagedAirflowError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isManagedAirflowError(e), `expected ManagedAirflowError, got ${e}`);
    assert.equal(e.code, code, `${e.code}: ${e.message}`);
    return e;
  }
  assert.fail(`expected ${code}`);
}

const password: AirflowAuth = { kind: 'password', username: 'admin', password: 'admin' };

// Each server version is validated against its own official spec (3.0.x and 3.2.x differ).
for (const [version, spec] of [['2.10.0', 'airflow-2.10.0-v1.yaml'], ['3.0.2', 'airflow-3.0.2-v2.yaml'], ['3.2.1', 'airflow-3.2.1-v2.yaml']]) {
  const api = version.startsWith('3') ? 'v2' : 'v1';
  describe(`platforms: Airflow ${version} REST (/api/${api}) against the official spec ${spec}`, function () {
    let fake: AirflowFake;
    const client = (auth: AirflowAuth = password, o: { pageSize?: number } = {}) => new AirflowClient({ env: 'local', transport: new HttpTransport('local', fake.url, auth, 'check credentials'), pageSize: o.pageSize });

    before(function () {
      if (!specsAvailable()) this.skip();
    });
    beforeEach(async () => {
      fake = await startAirflowFake({ version, spec, dags: 7, runsPerDag: 5, importErrors: 2 });
    });
    afterEach(async () => {
      const v = fake?.violations ?? [];
      await fake?.stop();
      assert.deepEqual(v, [], 'requests/responses must match the official spec');
    });

    it('detects the API generation and version (not configured)', async () => {
      const c = client();
      assert.equal(await c.apiVersion(), api);
      const v = await c.version();
      assert.deepEqual(v, { raw: version, version, apiVersion: api });
      // v1: /api/v2/version → 404, then /api/v1/version; v2: first probe hits.
      const probes = fake.requests.filter((r) => r.path.endsWith('/version')).map((r) => r.path);
      assert.deepEqual(probes.slice(0, api === 'v2' ? 1 : 2), api === 'v2' ? ['/api/v2/version'] : ['/api/v2/version', '/api/v1/version']);
    });

    it('lists DAGs with paging (limit/offset, total_entries)', async () => {
      const c = client(password, { pageSize: 3 });
      const p1 = await c.listDags({ limit: 3 });
      assert.equal(p1.items.length, 3);
      assert.equal(p1.total, 7);
      assert.equal(p1.hasMore, true);
      const p3 = await c.listDags({ offset: 6, limit: 3 });
      assert.deepEqual(p3.items.map((d) => d.dagId), ['dag_0006']);
      assert.equal(p3.hasMore, false);
      const all = await c.listAllDags();
      assert.equal(all.length, 7);
      assert.equal(all[0].fileloc, '/usr/local/airflow/dags/dag_0000.py');
      assert.deepEqual(all[0].tags, ['team-a']);
      assert.equal(all[0].schedule, '@daily');
    });

    it('lists runs newest first, task instances and import errors', async () => {
      const c = client();
      const runs = await c.listRuns('dag_0000', { limit: 2 });
      assert.equal(runs.total, 5);
      assert.deepEqual(runs.items.map((r) => r.runId), ['scheduled__2026-01-05T00:00:00.000Z', 'scheduled__2026-01-04T00:00:00.000Z']);
      assert.equal(runs.items[0].state, 'running');
      assert.equal(runs.items[0].logicalDate, '2026-01-05T00:00:00.000Z');
      const failed = (await c.listRuns('dag_0000')).items.find((r) => r.state === 'failed')!;
      const tis = await c.listTaskInstances('dag_0000', failed.runId);
      assert.deepEqual(tis.items.map((t) => `${t.taskId}:${t.state}:${t.tryNumber}`), ['task_0:failed:2', 'task_1:upstream_failed:1', 'task_2:upstream_failed:1']);
      assert.equal(tis.items[0].duration, 60);
      const ie = await c.listImportErrors();
      assert.equal(ie.total, 2);
      assert.match(ie.items[0].stackTrace, /ModuleNotFoundError/);
    });

    it('reads logs per try (text, structured on Airflow 3)', async () => {
      const c = client();
      const failed = (await c.listRuns('dag_0000')).items.find((r) => r.state === 'failed')!;
      const log1 = await c.getLog('dag_0000', failed.runId, 'task_0', 1);
      const log2 = await c.getLog('dag_0000', failed.runId, 'task_0', 2);
      assert.match(log1.content, /Running task_0 try 1/);
      assert.match(log2.content, /Running task_0 try 2/);
      assert.match(log2.content, /Task failed/);
      assert.equal(log2.continuationToken, null);
    });

    it('triggers a run with conf (Airflow 3 requires logical_date) and lists it', async () => {
      const c = client();
      const run = await c.triggerRun('dag_0001', { conf: { table: 'orders', n: 3 } });
      assert.equal(run.state, 'queued');
      assert.deepEqual(run.conf, { table: 'orders', n: 3 });
      assert.ok(run.logicalDate);
      const withDate = await c.triggerRun('dag_0001', { logicalDate: '2026-02-01T00:00:00Z', runId: 'manual_feb' });
      assert.equal(withDate.runId, 'manual_feb');
      const listed = await c.listRuns('dag_0001', { limit: 100 });
      assert.ok(listed.items.some((r) => r.runId === run.runId));
      assert.equal(listed.total, 7);
      const again = await rejects(c.triggerRun('dag_0001', { runId: 'manual_feb' }), 'platform.remote');
      assert.equal(again.details?.status, 409);
    });

    it('pauses and unpauses (state persists)', async () => {
      const c = client();
      assert.equal((await c.setPaused('dag_0002', true)).isPaused, true);
      assert.equal((await c.getDag('dag_0002')).isPaused, true);
      assert.equal((await c.setPaused('dag_0002', false)).isPaused, false);
      assert.equal(fake.dags.get('dag_0002')!.is_paused, false);
    });

    it('clears a task with downstream, and a whole run', async () => {
      const c = client();
      const failed = (await c.listRuns('dag_0000')).items.find((r) => r.state === 'failed')!;
      const cleared = await c.clear('dag_0000', { runId: failed.runId, taskIds: ['task_1'], includeDownstream: true });
      assert.deepEqual(cleared.map((t) => t.taskId), ['task_1', 'task_2']);
      const tis = await c.listTaskInstances('dag_0000', failed.runId);
      assert.deepEqual(tis.items.map((t) => t.state), ['failed', null, null]);
      assert.equal((await c.getRun('dag_0000', failed.runId)).state, 'queued');
      const all = await c.clear('dag_0000', { runId: failed.runId });
      assert.deepEqual(all.map((t) => t.taskId), ['task_0', 'task_1', 'task_2']);
    });

    it('maps 401 (bad password / no credentials) to a credentials error with a sign-in action', async () => {
      const e = await rejects(client({ kind: 'password', username: 'admin', password: 'wrong' }).listDags(), 'platform.unauthorized');
      assert.equal(e.kind, 'credentials');
      assert.equal(e.details?.action, 'signIn');
      assert.ok(!e.message.includes('wrong') && !(e.hint ?? '').includes('wrong'), 'no secret in the error');
      await rejects(client({ kind: 'none' }).listDags(), 'platform.unauthorized');
    });

    it('maps unknown DAGs to notFound', async () => {
      await rejects(client().getDag('nope'), 'platform.notFound');
    });

    it('times out on a slow server and cancels via AbortSignal', async () => {
      await fake.stop();
      fake = await startAirflowFake({ version, spec, delayMs: 1200 });
      const c = client();
      const t0 = Date.now();
      const e = await rejects(c.listDags({}, { timeoutMs: 200 }), 'platform.timeout');
      assert.ok(Date.now() - t0 < 1000, 'gave up at the timeout, not after the answer');
      assert.equal(e.details?.action, 'retry');
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      const c2 = client();
      const t1 = Date.now();
      await rejects(c2.listDags({}, { signal: ac.signal }), 'platform.cancelled');
      assert.ok(Date.now() - t1 < 1000, 'cancelled at once, not after the answer');
      // With enough time the slow server still answers.
      assert.equal((await c.listDags({}, { timeoutMs: 10_000 })).total, 3);
    });

    it('catches a drifting response (spec validation is live)', async () => {
      const c = client();
      await c.apiVersion();
      fake.corruptNext = (b) => ({ ...b, dags: [{ ...b.dags[0], is_paused: 'yes' }] });
      await rejects(c.listDags(), 'platform.remote');
      assert.equal(fake.violations.length, 1);
      assert.match(fake.violations[0].errors.join(), /is_paused/);
      fake.violations.length = 0;
    });

    it('connectEnvironment: self-hosted with env-var credentials gives info + lint target', async () => {
      const conn = await connectEnvironment({ name: 'local', platform: 'airflow', url: `${fake.url}/` }, envVarCredentials({ AIRFLOW_USERNAME: 'admin', AIRFLOW_PASSWORD: 'admin' }));
      assert.equal(conn.info.airflowVersion, version);
      assert.equal(conn.info.target, `airflow:${version}`);
      assert.equal((await conn.client.listDags()).total, 7);
    });
  });
}

describe('platforms: Airflow 3 token handling', function () {
  let fake: AirflowFake;
  before(function () {
    if (!specsAvailable()) this.skip();
  });
  beforeEach(async () => (fake = await startAirflowFake({ version: '3.2.1', tokens: ['static-token'] })));
  afterEach(async () => {
    await fake.stop();
    assert.deepEqual(fake.violations, []);
  });

  it('gets a JWT from POST /auth/token once and renews it after a 401', async () => {
    const c = new AirflowClient({ env: 'af3', transport: new HttpTransport('af3', fake.url, password, 'h') });
    await c.listDags();
    await c.listDags();
    assert.equal(fake.requests.filter((r) => r.path === '/auth/token').length, 1);
    fake.rotateJwtSecret();
    assert.equal((await c.listDags()).total, 3);
    assert.equal(fake.requests.filter((r) => r.path === '/auth/token').length, 2);
  });

  it('accepts a static bearer token (AIRFLOW_TOKEN)', async () => {
    const conn = await connectEnvironment({ name: 'tok', platform: 'airflow', url: fake.url }, envVarCredentials({ AIRFLOW_TOKEN: 'static-token' }));
    assert.equal(conn.info.airflowVersion, '3.2.1');
    assert.ok(fake.requests.every((r) => r.path !== '/auth/token'));
  });

  it('auth "none" on Airflow 3 in all-admins mode (local images): token from GET /auth/token, fetched once', async () => {
    await fake.stop();
    fake = await startAirflowFake({ version: '3.2.1', allAdmins: true });
    const conn = await connectEnvironment({ name: 'dev', platform: 'airflow', url: fake.url, auth: 'none' }, envVarCredentials({}));
    assert.equal((await conn.client.listDags()).total, 3);
    await conn.client.listRuns('dag_0000');
    assert.equal(fake.requests.filter((r) => r.path === '/auth/token').length, 1);
  });

  it('missing credentials for auth=basic is a credentials error naming the env vars', async () => {
    const e = await rejects(connectEnvironment({ name: 'b', platform: 'airflow', url: fake.url, auth: 'basic' }, envVarCredentials({})), 'platform.credentials.missing');
    assert.match(e.hint ?? '', /AIRFLOW_USERNAME/);
  });
});

describe('platforms: unreachable and non-Airflow servers', () => {
  it('connection refused → unreachable with retry action', async () => {
    const srv = http.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const c = new AirflowClient({ env: 'gone', transport: new HttpTransport('gone', `http://127.0.0.1:${port}`, { kind: 'none' }, 'h') });
    const e = await rejects(c.listDags(), 'platform.unreachable');
    assert.match(e.message, /connection refused/);
    assert.equal(e.details?.action, 'retry');
  });

  it('a server without /api/v1 or /api/v2 (Airflow 1.10 or not Airflow) → unsupportedVersion', async () => {
    const srv = http.createServer((_q, s) => s.writeHead(404).end('nope'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const c = new AirflowClient({ env: 'old', transport: new HttpTransport('old', `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, { kind: 'none' }, 'h') });
      await rejects(c.listDags(), 'platform.unsupportedVersion');
    } finally {
      srv.closeAllConnections();
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });

  it('Airflow 1.x versions reported by a platform are refused', () => {
    assert.throws(() => new AirflowClient({ env: 'v1', transport: new HttpTransport('v1', 'http://127.0.0.1:1', { kind: 'none' }, 'h'), airflowVersion: '1.10.12' }), /not supported/);
  });
});
