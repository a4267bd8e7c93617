/**
 * MWAA through the real @aws-sdk/client-mwaa pointed at a local control-plane fake (SigV4 verified):
 * ListEnvironments paging, GetEnvironment as plain data, InvokeRestApi (≥ 2.4.3) and the
 * web-login-token route (older Airflow 2), not-ready and unsupported environments, rejected keys.
 * The Airflow behind InvokeRestApi is the spec-validated fake.
 */
import assert from 'node:assert/strict';
import { connectEnvironment, envVarCredentials, getMwaaEnvironment, listMwaaEnvironments, mwaaWebLoginUrl } from '../../core/src/platforms';
import { connectMwaa } from '../../core/src/platforms/mwaa';
import { errorCode } from '../support/errors';
import type { EnvironmentConfig } from '../../core/src/protocol/environments';
import { startAirflowFake, type AirflowFake } from './support/airflow-fake';
import { startMwaaFake, sampleMwaaEnvironment, TEST_KEYS, type MwaaFake } from './support/mwaa-fake';
import { specsAvailable } from './support/openapi';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const code = errorCode;

describe('platforms: MWAA (client-mwaa → local control plane, InvokeRestApi, web login)', function () {
  let mwaa: MwaaFake;
  let af2: AirflowFake;
  let af3: AirflowFake;
  let afOld: AirflowFake;
  const creds = { credentials: TEST_KEYS };
  const cfg = (environment: string): EnvironmentConfig => ({ name: `aws-${environment}`, platform: 'mwaa', environment, region: 'eu-west-1' });

  before(async function () {
    if (!specsAvailable()) this.skip();
    af2 = await startAirflowFake({ version: '2.10.3', dags: 4, mwaaWebTokens: ['web-token-1'] });
    af3 = await startAirflowFake({ version: '3.0.6', dags: 2, mwaaWebTokens: ['web-token-1'] });
    afOld = await startAirflowFake({ version: '2.2.2', dags: 2, mwaaWebTokens: ['web-token-1'] });
    const envs = [
      sampleMwaaEnvironment('prod-airflow', { WebserverUrl: af2.url.replace('http://', '') }),
      sampleMwaaEnvironment('af3', { AirflowVersion: '3.0.6', WebserverUrl: af3.url.replace('http://', '') }),
      sampleMwaaEnvironment('legacy', { AirflowVersion: '2.2.2', WebserverUrl: afOld.url.replace('http://', '') }),
      sampleMwaaEnvironment('creating', { Status: 'CREATING' }),
      sampleMwaaEnvironment('ancient', { AirflowVersion: '1.10.12' }),
      ...Array.from({ length: 30 }, (_, i) => sampleMwaaEnvironment(`env-${String(i).padStart(2, '0')}`)),
    ];
    mwaa = await startMwaaFake({ environments: envs, airflow: { 'prod-airflow': af2, af3 }, webTokens: ['web-token-1'] });
  });
  after(async () => {
    await mwaa?.close();
    for (const f of [af2, af3, afOld]) await f?.stop();
  });
  afterEach(() => {
    for (const f of [af2, af3, afOld]) assert.deepEqual(f?.violations ?? [], [], 'Airflow calls must match the spec');
  });

  it('ListEnvironments pages through all names (25 per page)', async () => {
    const names = await listMwaaEnvironments({ region: 'eu-west-1' }, { endpoint: mwaa.url, ...creds });
    assert.equal(names.length, 35);
    assert.equal(mwaa.requests.filter((r) => r.path === '/environments').length, 2);
  });

  it('GetEnvironment → plain data for deploy and the tree', async () => {
    const info = await getMwaaEnvironment(cfg('prod-airflow'), { endpoint: mwaa.url, ...creds });
    assert.equal(info.airflowVersion, '2.10.3');
    assert.equal(info.status, 'AVAILABLE');
    assert.equal(info.sourceBucket, 'prod-airflow-bucket');
    assert.equal(info.dagsDestination, 's3://prod-airflow-bucket/dags');
    assert.equal(info.startupScriptS3Path, 'startup.sh');
    assert.equal(info.webserverUrl, `https://${af2.url.replace('http://', '')}`);
    assert.match(info.createdAt ?? '', /^\d{4}-/);
  });

  it('the endpoint can come from AWS_ENDPOINT_URL_MWAA', async () => {
    const info = await getMwaaEnvironment(cfg('prod-airflow'), { env: { AWS_ENDPOINT_URL_MWAA: mwaa.url }, ...creds });
    assert.equal(info.name, 'prod-airflow');
  });

  it('Airflow ≥ 2.4.3: REST through InvokeRestApi (path without /api/v1), signed with SigV4', async () => {
    const conn = await connectEnvironment(cfg('prod-airflow'), envVarCredentials({}), { mwaa: { endpoint: mwaa.url, ...creds } });
    assert.equal(conn.info.target, 'mwaa:2.10.3');
    const dags = await conn.client.listDags();
    assert.equal(dags.total, 4);
    await conn.client.setPaused('dag_0001', true);
    assert.equal(af2.dags.get('dag_0001')!.is_paused, true);
    const run = await conn.client.triggerRun('dag_0001', { conf: { x: 1 } });
    assert.deepEqual(run.conf, { x: 1 });
    const invoke = mwaa.requests.filter((r) => r.path === '/restapi/prod-airflow');
    assert.ok(invoke.length >= 3);
    assert.deepEqual(JSON.parse(invoke[0].body!).Path, '/dags');
    await assert.rejects(conn.client.getDag('missing'), (e: any) => e.code === 'platform.notFound');
  });

  it('paths longer than InvokeRestApi accepts (64) go through the web-login session (tasks, logs)', async () => {
    const conn = await connectMwaa(cfg('prod-airflow'), { endpoint: mwaa.url, ...creds });
    const runs = await conn.client.listRuns('dag_0000');
    const failed = runs.items.find((r) => r.state === 'failed')!;
    const tis = await conn.client.listTaskInstances('dag_0000', failed.runId);
    assert.equal(tis.items.length, 3);
    const log = await conn.client.getLog('dag_0000', failed.runId, 'task_0', 2);
    assert.match(log.content, /try 2/);
    assert.ok(mwaa.requests.some((r) => r.path === '/webtoken/prod-airflow'), 'web login token created');
    assert.ok(af2.requests.some((r) => r.path === '/aws_mwaa/login'));
    assert.ok(af2.requests.some((r) => r.path.endsWith('/taskInstances') && r.path.startsWith('/api/v1/')));
    // Airflow 3 on MWAA: the long-path route uses the /pluginsv2 login and a bearer token.
    const c3 = await connectMwaa(cfg('af3'), { endpoint: mwaa.url, ...creds });
    const r3 = (await c3.client.listRuns('dag_0000')).items[0];
    assert.equal((await c3.client.listTaskInstances('dag_0000', r3.runId)).items.length, 3);
    assert.ok(af3.requests.some((r) => r.path === '/pluginsv2/aws_mwaa/login'));
  });

  it('Airflow 3 on MWAA: InvokeRestApi with v2 semantics (logical_date sent)', async () => {
    const conn = await connectMwaa(cfg('af3'), { endpoint: mwaa.url, ...creds });
    assert.equal(conn.route, 'invokeRestApi');
    assert.equal(await conn.client.apiVersion(), 'v2');
    const run = await conn.client.triggerRun('dag_0000', {});
    assert.ok(run.logicalDate);
  });

  it('Airflow < 2.4.3: web login token → session cookie → /api/v1', async () => {
    const conn = await connectMwaa(cfg('legacy'), { endpoint: mwaa.url, ...creds });
    assert.equal(conn.route, 'webLogin');
    const dags = await conn.client.listDags();
    assert.equal(dags.total, 2);
    assert.ok(mwaa.requests.some((r) => r.path === '/webtoken/legacy'));
    assert.ok(afOld.requests.some((r) => r.path === '/aws_mwaa/login'));
    const url = await mwaaWebLoginUrl(cfg('legacy'), { endpoint: mwaa.url, ...creds });
    assert.match(url, /\/aws_mwaa\/aws-console-sso\?login=true#web-token-1$/);
  });

  it('CREATING environment → notReady (retry), Airflow 1.10 → unsupportedVersion', async () => {
    await assert.rejects(connectMwaa(cfg('creating'), { endpoint: mwaa.url, ...creds }), (e: any) => e.code === 'platform.notReady' && /CREATING/.test(e.message) && e.details.action === 'retry');
    assert.equal(await code(connectMwaa(cfg('ancient'), { endpoint: mwaa.url, ...creds })), 'platform.unsupportedVersion');
  });

  it('unknown environment → notFound; rejected keys → unauthorized; missing credentials → credentials.missing', async () => {
    assert.equal(await code(getMwaaEnvironment(cfg('nope'), { endpoint: mwaa.url, ...creds })), 'platform.notFound');
    const bad = { credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wrong' } };
    assert.equal(await code(getMwaaEnvironment(cfg('prod-airflow'), { endpoint: mwaa.url, ...bad })), 'platform.forbidden');
    const unknownKey = { credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' } };
    assert.equal(await code(listMwaaEnvironments({ region: 'eu-west-1' }, { endpoint: mwaa.url, ...unknownKey })), 'platform.forbidden');
    const none = {
      credentials: async () => {
        throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
      },
    };
    assert.equal(await code(getMwaaEnvironment(cfg('prod-airflow'), { endpoint: mwaa.url, ...none })), 'platform.credentials.missing');
    const expired = {
      credentials: async () => {
        throw Object.assign(new Error('The SSO session associated with this profile has expired or is otherwise invalid.'), { name: 'CredentialsProviderError' });
      },
    };
    assert.equal(await code(getMwaaEnvironment({ ...cfg('prod-airflow'), profile: 'data' }, { endpoint: mwaa.url, ...expired })), 'platform.credentials.expired');
  });

  it('times out and cancels control-plane calls', async () => {
    const ac = new AbortController();
    ac.abort();
    assert.equal(await code(getMwaaEnvironment(cfg('prod-airflow'), { endpoint: mwaa.url, ...creds, signal: ac.signal })), 'platform.cancelled');
    assert.equal(await code(getMwaaEnvironment(cfg('prod-airflow'), { endpoint: 'http://127.0.0.1:9', ...creds, timeoutMs: 2000 })), 'platform.unreachable');
  });
});
