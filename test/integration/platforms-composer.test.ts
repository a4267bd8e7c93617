/**
 * Cloud Composer through the real @google-cloud/orchestration-airflow client (REST transport)
 * pointed at a local Environments API fake, with a static OAuth2 access token instead of ADC; the
 * Airflow REST API at `airflowUri` gets the same bearer. Astro through a local platform-API stand-in.
 */
import assert from 'node:assert/strict';
import { OAuth2Client } from 'google-auth-library';
import { connectEnvironment, envVarCredentials, getComposerEnvironment, listComposerEnvironments, getAstroDeployment } from '../../core/src/platforms';
import { errorCode } from '../support/errors';
import type { EnvironmentConfig } from '../../core/src/protocol/environments';
import { startAirflowFake, type AirflowFake } from './support/airflow-fake';
import { startComposerFake, sampleComposerEnv, startAstroFake, type ComposerFake } from './support/composer-fake';
import { specsAvailable } from './support/openapi';

const code = errorCode;

function tokenClient(token: string): OAuth2Client {
  const c = new OAuth2Client();
  c.setCredentials({ access_token: token, expiry_date: Date.now() + 3600_000 });
  return c;
}

describe('platforms: Cloud Composer (orchestration-airflow REST → local fake, ADC bearer to airflowUri)', function () {
  let composer: ComposerFake;
  let af: AirflowFake;
  const deps = () => ({ endpoint: composer.url, auth: tokenClient('test-token') });
  const cfg = (environment: string, location = 'europe-west1'): EnvironmentConfig => ({ name: `gcp-${environment}`, platform: 'composer', project: 'demo', location, environment });

  before(async function () {
    if (!specsAvailable()) this.skip();
    af = await startAirflowFake({ version: '2.10.5+composer', dags: 5, tokens: ['test-token'] });
    composer = await startComposerFake({
      environments: [
        sampleComposerEnv('demo', 'europe-west1', 'prod', { imageVersion: 'composer-3-airflow-2.10.5-build.5', airflowUri: af.url }),
        sampleComposerEnv('demo', 'europe-west1', 'updating', { state: 'UPDATING' }),
        ...Array.from({ length: 12 }, (_, i) => sampleComposerEnv('demo', 'europe-west1', `env-${String(i).padStart(2, '0')}`)),
        sampleComposerEnv('demo', 'us-central1', 'elsewhere'),
      ],
    });
  });
  after(async () => {
    await composer?.close();
    await af?.stop();
  });
  afterEach(() => assert.deepEqual(af?.violations ?? [], []));

  it('lists environments of a project/location (paged, enums decoded)', async () => {
    const list = await listComposerEnvironments({ project: 'demo', location: 'europe-west1' }, { ...deps(), pageSize: 5 });
    assert.equal(list.length, 14);
    assert.equal(composer.requests.filter((r) => r.path.endsWith('/environments')).length, 3);
    const updating = list.find((e) => e.id === 'updating')!;
    assert.equal(updating.state, 'UPDATING');
    assert.ok(composer.requests.some((r) => r.auth === 'Bearer test-token'));
  });

  it('GetEnvironment → imageVersion, dagGcsPrefix, airflowUri', async () => {
    const info = await getComposerEnvironment(cfg('prod'), deps());
    assert.equal(info.imageVersion, 'composer-3-airflow-2.10.5-build.5');
    assert.equal(info.airflowVersion, '2.10.5');
    assert.equal(info.dagGcsPrefix, 'gs://europe-west1-prod-bucket/dags');
    assert.equal(info.airflowUri, af.url);
    assert.equal(info.state, 'RUNNING');
  });

  it('connect: Airflow REST at airflowUri with the Google bearer; lint target from the image', async () => {
    const conn = await connectEnvironment(cfg('prod'), envVarCredentials({}), { composer: deps() });
    assert.equal(conn.info.target, 'composer:composer-3-airflow-2.10.5-build.5');
    assert.equal(conn.info.dagsDestination, 'gs://europe-west1-prod-bucket/dags');
    assert.equal((await conn.client.listDags()).total, 5);
    assert.equal((await conn.client.version()).version, '2.10.5');
    assert.ok(af.requests.every((r) => r.auth === 'Bearer'));
  });

  it('UPDATING → notReady; unknown → notFound; bad token → unauthorized; API disabled → apiNotEnabled', async () => {
    assert.equal(await code(connectEnvironment(cfg('updating'), envVarCredentials({}), { composer: deps() })), 'platform.notReady');
    assert.equal(await code(getComposerEnvironment(cfg('missing'), deps())), 'platform.notFound');
    assert.equal(await code(getComposerEnvironment(cfg('prod'), { endpoint: composer.url, auth: tokenClient('expired') })), 'platform.unauthorized');
    composer.failNext = { code: 403, status: 'PERMISSION_DENIED', message: 'Cloud Composer API has not been used in project demo before or it is disabled.', reason: 'SERVICE_DISABLED' };
    const c = await code(getComposerEnvironment(cfg('prod'), deps()));
    assert.equal(c, 'platform.apiNotEnabled');
  });
});

describe('platforms: Astro (platform API + deployment Airflow API with an API token)', function () {
  let af: AirflowFake;
  let astro: Awaited<ReturnType<typeof startAstroFake>>;
  before(async function () {
    if (!specsAvailable()) this.skip();
    af = await startAirflowFake({ version: '3.0.6+astro.1', dags: 3, tokens: ['astro-secret'] });
    astro = await startAstroFake({
      token: 'astro-secret',
      deployments: [
        { id: 'dep1', name: 'prod', organizationId: 'org1', workspaceId: 'ws1', astroRuntimeVersion: '3.0-7', airflowVersion: '3.0.6', status: 'HEALTHY', webServerUrl: 'org1.astronomer.run/dep1', webServerAirflowApiUrl: `${af.url}/api/v2` },
        { id: 'dep2', name: 'new', organizationId: 'org1', runtimeVersion: '12.1.0', status: 'CREATING' },
      ],
    });
  });
  after(async () => {
    await astro?.close();
    await af?.stop();
  });

  const cfg = (deployment: string): EnvironmentConfig => ({ name: `astro-${deployment}`, platform: 'astro', organization: 'org1', deployment });

  it('reads the deployment and talks to its Airflow API with the token (ASTRO_API_TOKEN)', async () => {
    const conn = await connectEnvironment(cfg('dep1'), envVarCredentials({ ASTRO_API_TOKEN: 'astro-secret' }), { astro: { apiUrl: astro.url } });
    assert.equal(conn.info.target, 'astro:3.0-7');
    assert.equal(conn.info.webUrl, 'https://org1.astronomer.run/dep1');
    assert.equal(await conn.client.apiVersion(), 'v2');
    assert.equal((await conn.client.listDags()).total, 3);
    assert.deepEqual(af.violations, []);
  });

  it('missing token → credentials.missing; wrong token → unauthorized; CREATING → notReady', async () => {
    assert.equal(await code(connectEnvironment(cfg('dep1'), envVarCredentials({}), { astro: { apiUrl: astro.url } })), 'platform.credentials.missing');
    assert.equal(await code(getAstroDeployment(cfg('dep1'), 'wrong', { apiUrl: astro.url })), 'platform.unauthorized');
    assert.equal(await code(connectEnvironment(cfg('dep2'), envVarCredentials({ ASTRO_API_TOKEN: 'astro-secret' }), { astro: { apiUrl: astro.url } })), 'platform.notReady');
  });
});
