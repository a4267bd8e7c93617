import { strict as assert } from 'node:assert';
import { unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Storage } from '@google-cloud/storage';
import { startGcsEmulator } from './support/deploy/gcs';
import { sampleComposerEnv, startComposerFake } from './support/composer-fake';
import { startAstroDeployFake } from './support/deploy/astro-fake';
import { startS3Proxy } from './support/deploy/proxy';
import { makeProject, removeProject, runDeploy } from './support/deploy/harness';
import { deployHooks } from '../../cli/src/commands/deploy';

const DAG = (id: string) => `from airflow import DAG\nwith DAG("${id}", schedule=None) as dag:\n    pass\n`;

describe('deploy to Cloud Composer (Firebase Storage emulator + Composer REST fake)', function () {
  this.timeout(60_000);
  let gcs: Awaited<ReturnType<typeof startGcsEmulator>>;
  let composer: Awaited<ReturnType<typeof startComposerFake>>;
  let dir: string;
  let storage: Storage;
  const bucketName = 'europe-west1-analytics-bucket';
  let env: NodeJS.ProcessEnv;
  const keys = async () => (await storage.bucket(bucketName).getFiles())[0].map((f) => f.name).sort();

  before(async () => {
    gcs = await startGcsEmulator();
    const e = sampleComposerEnv('demo-project', 'europe-west1', 'analytics');
    composer = await startComposerFake({ environments: [e] });
    env = { STORAGE_EMULATOR_HOST: gcs.url, CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPOSER: composer.url, GOOGLE_OAUTH_ACCESS_TOKEN: 'test-token', METADATA_SERVER_DETECTION: 'none' };
    storage = new Storage({ apiEndpoint: gcs.url, projectId: 'demo-test' });
    await storage.bucket(bucketName).file('data/keep.csv').save('a,b\n', { resumable: false });
    await storage.bucket(bucketName).file('logs/scheduler.log').save('x', { resumable: false });
    dir = makeProject(
      [
        { name: 'analytics', platform: 'composer', project: 'demo-project', location: 'europe-west1', environment: 'analytics' },
        { name: 'typo', platform: 'composer', project: 'demo-project', location: 'europe-west1', environment: 'analytics', destination: 'gs://europe-west1-analytcs-bucket/dags' },
        { name: 'selfhosted-gcs', platform: 'airflow', url: 'http://127.0.0.1:1', destination: 'gs://selfhosted-gcs/team-b/dags', target: 'airflow:2.9.2' },
      ],
      {
        'dags/etl.py': DAG('etl'),
        'dags/report.py': DAG('report'),
        'dags/.airflowignore': 'old_\n',
        'dags/old_thing.py': DAG('old'),
        'plugins/hooks/my_hook.py': 'H = 1\n',
      },
    );
    deployHooks.retryBaseMs = 5;
  });
  after(async () => {
    deployHooks.retryBaseMs = undefined;
    removeProject(dir);
    await composer.close();
    await gcs.close();
  });
  const deploy = (args: string[], o: object = {}) => runDeploy(args, { cwd: dir, env, ...o });

  it('first deploy writes to config.dagGcsPrefix; plugins/ only on request', async () => {
    const r = await deploy(['--env', 'analytics', '--yes', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.plan.destination.airflowVersion, '2.9.3');
    assert.deepEqual(r.json.plan.destination.dags, { scheme: 'gs', bucket: bucketName, prefix: 'dags/' });
    assert.deepEqual(await keys(), ['dags/.airflowignore', 'dags/etl.py', 'dags/report.py', 'data/keep.csv', 'logs/scheduler.log']);
    const p = await deploy(['--env', 'analytics', '--yes', '--include', 'plugins', '--format', 'json']);
    assert.equal(p.code, 0, p.stderr);
    assert.deepEqual(p.json.plan.uploads.map((u: { key: string }) => u.key), ['plugins/hooks/my_hook.py']);
  });

  it('no-op redeploy compares md5Hash: 0 uploads', async () => {
    const r = await deploy(['--env', 'analytics', '--yes', '--include', 'plugins', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.status, 'nothing-to-do');
    assert.equal(r.json.plan.unchanged, 4);
  });

  it('one changed file → one upload; a deletion needs --delete and stays inside dags/', async () => {
    writeFileSync(path.join(dir, 'dags/etl.py'), DAG('etl_v2'));
    unlinkSync(path.join(dir, 'dags/report.py'));
    const r = await deploy(['--env', 'analytics', '--yes', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json.plan.uploads.map((u: { key: string }) => u.key), ['dags/etl.py']);
    assert.deepEqual(r.json.plan.extraneous, ['dags/report.py']);
    assert.ok((await keys()).includes('dags/report.py'));
    const d = await deploy(['--env', 'analytics', '--yes', '--delete', '--format', 'json']);
    assert.equal(d.code, 0, d.stderr);
    assert.deepEqual(d.json.plan.deletes, ['dags/report.py']);
    assert.deepEqual(await keys(), ['dags/.airflowignore', 'dags/etl.py', 'data/keep.csv', 'logs/scheduler.log', 'plugins/hooks/my_hook.py']);
  });

  it('a configured destination that disagrees with config.dagGcsPrefix is refused', async () => {
    const r = await deploy(['--env', 'typo', '--yes']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /gs:\/\/europe-west1-analytcs-bucket\/dags\//);
    assert.match(r.stderr, /gs:\/\/europe-west1-analytics-bucket\/dags\//);
  });

  it('retries 503s from GCS and converges', async () => {
    // a proxy in front of the emulator answers every other upload with 503
    let n = 0;
    const flaky = await startS3Proxy(gcs.url, { fail: (r) => r.method === 'POST' && r.path.startsWith('/upload/') && ++n % 2 === 1 });
    try {
      writeFileSync(path.join(dir, 'dags/flaky_a.py'), DAG('fa'));
      writeFileSync(path.join(dir, 'dags/flaky_b.py'), DAG('fb'));
      const r = await deploy(['--env', 'analytics', '--yes', '--format', 'json'], { env: { ...env, STORAGE_EMULATOR_HOST: flaky.url } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json.summary.uploaded, 2);
      assert.ok(r.json.summary.retries >= 2, `retries ${r.json.summary.retries}`);
      assert.ok(flaky.stats.failures >= 2);
    } finally {
      await flaky.close();
    }
    const again = await deploy(['--env', 'analytics', '--yes', '--format', 'json']);
    assert.equal(again.json.status, 'nothing-to-do');
  });

  it('self-hosted: deploys to the configured gs:// destination only', async () => {
    const r = await deploy(['--env', 'selfhosted-gcs', '--yes', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const [files] = await storage.bucket('selfhosted-gcs').getFiles();
    const names = files.map((f) => f.name);
    assert.ok(names.length >= 3 && names.every((k) => k.startsWith('team-b/dags/')), names.join());
  });

  it('rejected Google credentials are exit 2', async () => {
    const r = await deploy(['--env', 'analytics', '--yes'], { env: { ...env, GOOGLE_OAUTH_ACCESS_TOKEN: 'stale-token' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /401|credentials/i);
    assert.ok(!r.stderr.includes('stale-token'));
  });
});

describe('deploy to Astro (DAG-only deploy API fake)', function () {
  this.timeout(30_000);
  let astro: Awaited<ReturnType<typeof startAstroDeployFake>>;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    astro = await startAstroDeployFake({
      token: 'astro-secret-token',
      organization: 'org1',
      deployment: { id: 'dep1', name: 'prod', organizationId: 'org1', runtimeVersion: '12.1.0', airflowVersion: '2.10.2', status: 'HEALTHY', isDagDeployEnabled: true },
    });
    env = { ASTRO_API_URL: astro.url, ASTRO_API_TOKEN: 'astro-secret-token' };
    dir = makeProject([{ name: 'astro-prod', platform: 'astro', organization: 'org1', deployment: 'dep1' }], { 'dags/a.py': DAG('a'), 'dags/tests/test_a.py': 'x', 'include/x.sql': 'select 1' });
  });
  after(async () => {
    removeProject(dir);
    await astro.close();
  });
  const deploy = (args: string[], o: object = {}) => runDeploy(args, { cwd: dir, env, ...o });

  it('creates a deploy, uploads the bundle to the returned URL and finalizes with its version', async () => {
    const r = await deploy(['--env', 'astro-prod', '--yes', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(astro.deploys.length, 1);
    const d = astro.deploys[0];
    assert.equal(d.status, 'DEPLOYED');
    assert.ok(d.dagTarballVersion);
    const names = [] as string[];
    for (let off = 0; off + 512 <= d.bundle!.length; ) {
      const name = d.bundle!.subarray(off, off + 100).toString('utf8').replace(/\0.*$/s, '');
      if (!name) break;
      const size = parseInt(d.bundle!.subarray(off + 124, off + 136).toString('ascii').replace(/\0.*$/s, ''), 8);
      names.push(name);
      off += 512 + Math.ceil(size / 512) * 512;
    }
    assert.deepEqual(names, ['dags/a.py']);
    assert.match(r.stderr + JSON.stringify(r.json), /astro-prod/);
    assert.ok(!JSON.stringify(r).includes('astro-secret-token'));
  });

  it('redeploying the same bundle is nothing to do; a change makes a new deploy', async () => {
    const same = await deploy(['--env', 'astro-prod', '--yes', '--format', 'json']);
    assert.equal(same.json.status, 'nothing-to-do');
    assert.equal(astro.deploys.length, 1);
    writeFileSync(path.join(dir, 'dags/a.py'), DAG('a2'));
    const changed = await deploy(['--env', 'astro-prod', '--yes', '--format', 'json']);
    assert.equal(changed.code, 0, changed.stderr);
    assert.equal(astro.deploys.length, 2);
    assert.equal(astro.deploys[1].status, 'DEPLOYED');
  });

  it('a wrong API token is exit 2 without printing it', async () => {
    const r = await deploy(['--env', 'astro-prod', '--yes'], { env: { ...env, ASTRO_API_TOKEN: 'wrong-token-123' } });
    assert.equal(r.code, 2);
    assert.ok(!r.stderr.includes('wrong-token-123'));
  });
});
