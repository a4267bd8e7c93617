import { strict as assert } from 'node:assert';
import { rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { S3Client, ListObjectsV2Command, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { startS3 } from './support/deploy/s3';
import { startS3Proxy, type ProxyOptions } from './support/deploy/proxy';
import { mwaaEnvironment, startMwaaFake } from './support/deploy/mwaa-fake';
import { makeProject, removeProject, runDeploy, writeProject } from './support/deploy/harness';
import { deployHooks } from '../../cli/src/commands/deploy';
import type { DeployLinter } from '../../core/src/deploy/gate';

const BUCKET = 'airflow-prod-dags';
const ENVS = [
  { name: 'prod', platform: 'mwaa', environment: 'prod-airflow', region: 'us-east-1' },
  { name: 'ghost', platform: 'mwaa', environment: 'ghost-airflow', region: 'us-east-1' },
  { name: 'wrong', platform: 'mwaa', environment: 'prod-airflow', region: 'us-east-1', destination: 's3://other-bucket/dags' },
  { name: 'agrees', platform: 'mwaa', environment: 'prod-airflow', region: 'us-east-1', destination: `s3://${BUCKET}/dags/` },
  { name: 'selfhosted', platform: 'airflow', url: 'http://127.0.0.1:1', destination: 's3://self-hosted/team-a/dags', target: 'airflow:2.9.2' },
];
const DAG = (id: string) => `from airflow import DAG\nwith DAG("${id}", schedule=None) as dag:\n    pass\n`;

describe('deploy to MWAA (s3rver + MWAA contract fake)', function () {
  this.timeout(60_000);
  let s3: Awaited<ReturnType<typeof startS3>>;
  let proxy: Awaited<ReturnType<typeof startS3Proxy>>;
  let mwaa: Awaited<ReturnType<typeof startMwaaFake>>;
  let dir: string;
  let client: S3Client;
  const saved = { ...process.env };
  const proxyOpts: ProxyOptions = {};

  const keys = async (bucket = BUCKET) => {
    const r = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    return (r.Contents ?? []).map((o) => o.Key!).sort();
  };
  const deploy = (args: string[], o: Parameters<typeof runDeploy>[1] | object = {}) => runDeploy(args, { cwd: dir, ...(o as object) });

  before(async () => {
    s3 = await startS3([BUCKET, 'other-bucket', 'self-hosted']);
    proxy = await startS3Proxy(s3.url, { versioning: true, fail: (r) => proxyOpts.fail?.(r) ?? false });
    mwaa = await startMwaaFake({
      environments: [
        mwaaEnvironment('prod-airflow', BUCKET, { PluginsS3Path: 'plugins.zip', RequirementsS3Path: 'requirements.txt' }),
        mwaaEnvironment('ghost-airflow', 'bucket-that-does-not-exist'),
      ],
      expiredKeys: ['EXPIREDKEY'],
    });
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/nonexistent/aws-config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      AWS_ENDPOINT_URL_S3: proxy.url, AWS_ENDPOINT_URL_MWAA: mwaa.url,
    });
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
    client = new S3Client({ endpoint: s3.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    // something outside the DAG prefix that must never be touched
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'dags-backup/old.py', Body: 'x' }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'other/keep.txt', Body: 'x' }));
    deployHooks.retryBaseMs = 5;
    dir = makeProject(ENVS, {
      'dags/a.py': DAG('a'),
      'dags/b.py': DAG('b'),
      'dags/sub/c.py': DAG('c'),
      'dags/sub/query.sql': 'select 1;\n',
      'dags/.airflowignore': '# regexp syntax (Airflow 2)\nscratch_.*\nsub/ignored_dir\n',
      'dags/scratch_notes.py': DAG('scratch'),
      'dags/sub/ignored_dir/x.py': DAG('x'),
      'dags/__pycache__/a.cpython-311.pyc': 'bytecode',
      'dags/helpers.pyc': 'bytecode',
      'dags/tests/test_a.py': 'def test_a(): pass\n',
      'plugins/my_plugin.py': 'X = 1\n',
      'plugins/sub/util.py': 'Y = 2\n',
      'requirements.txt': 'apache-airflow-providers-http\n',
    });
  });
  after(async () => {
    deployHooks.retryBaseMs = undefined;
    deployHooks.linter = undefined;
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    removeProject(dir);
    await proxy.close();
    await mwaa.close();
    await s3.close();
  });

  it('first deploy uploads DAGs, plugins.zip and requirements.txt to the resolved bucket, honouring ignores', async () => {
    const r = await deploy(['--env', 'prod', '--yes', '--update-environment']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`destination: s3://${BUCKET}/dags/`));
    assert.match(r.stdout, /environment: prod \(mwaa, Airflow 2\.10\.3/);
    assert.deepEqual(await keys(), ['dags-backup/old.py', 'dags/.airflowignore', 'dags/a.py', 'dags/b.py', 'dags/sub/c.py', 'dags/sub/query.sql', 'other/keep.txt', 'plugins.zip', 'requirements.txt']);
    assert.match(r.stdout, /deployed: 7 uploaded/);
    // MWAA was pointed at the new object versions, only after the explicit flag
    assert.equal(mwaa.updates.length, 1);
    assert.deepEqual(Object.keys(mwaa.updates[0].body).sort(), ['PluginsS3ObjectVersion', 'RequirementsS3ObjectVersion']);
    mwaa.environments.get('prod-airflow')!.Status = 'AVAILABLE';
  });

  it('a no-op redeploy uploads nothing', async () => {
    const puts = proxy.stats.puts;
    const r = await deploy(['--env', 'prod', '--yes', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.status, 'nothing-to-do');
    assert.equal(r.json.plan.uploads.length, 0);
    assert.equal(r.json.plan.unchanged, 7);
    assert.equal(proxy.stats.puts, puts);
  });

  it('one changed file is one upload; touching plugins (mtime only) keeps plugins.zip byte-identical', async () => {
    const puts = proxy.stats.puts;
    writeFileSync(path.join(dir, 'dags/b.py'), DAG('b2'));
    const later = new Date(Date.now() + 3600_000);
    utimesSync(path.join(dir, 'plugins/my_plugin.py'), later, later);
    const r = await deploy(['--env', 'prod', '--yes', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json.plan.uploads.map((u: { key: string }) => u.key), ['dags/b.py']);
    assert.equal(r.json.summary.uploaded, 1);
    assert.equal(proxy.stats.puts - puts, 1);
    assert.deepEqual(r.json.plan.environmentUpdate, []);
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'dags/b.py' }));
    assert.equal(await got.Body!.transformToString(), DAG('b2'));
  });

  it('a changed plugin rebuilds plugins.zip and asks before restarting the environment', async () => {
    writeFileSync(path.join(dir, 'plugins/my_plugin.py'), 'X = 2\n');
    const before = mwaa.updates.length;
    const r = await deploy(['--env', 'prod', '--yes'], { answers: [false] });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /~ plugins\.zip/);
    assert.equal(r.questions.length, 1);
    assert.match(r.questions[0], /RESTARTS the environment/);
    assert.equal(mwaa.updates.length, before, 'declined: no UpdateEnvironment');
    // converges: the next run still offers the pending version, and applies it when confirmed
    const again = await deploy(['--env', 'prod', '--yes', '--format', 'json'], { answers: [true] });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(again.json.plan.uploads, []);
    assert.deepEqual(again.json.plan.environmentUpdate, ['plugins']);
    assert.equal(mwaa.updates.length, before + 1);
    assert.deepEqual(Object.keys(mwaa.updates.at(-1)!.body), ['PluginsS3ObjectVersion']);
    // while MWAA applies the update the plan says so
    const updating = await deploy(['--env', 'prod', '--plan']);
    assert.match(updating.stdout, /warning: MWAA environment prod-airflow is UPDATING/);
    mwaa.environments.get('prod-airflow')!.Status = 'AVAILABLE';
    const third = await deploy(['--env', 'prod', '--yes', '--format', 'json']);
    assert.equal(third.json.status, 'nothing-to-do');
  });

  it('remote files missing locally are kept without --delete and deleted with it, never outside the prefix', async () => {
    unlinkSync(path.join(dir, 'dags/b.py'));
    const kept = await deploy(['--env', 'prod', '--yes', '--format', 'json']);
    assert.equal(kept.code, 0, kept.stderr);
    assert.deepEqual(kept.json.plan.deletes, []);
    assert.deepEqual(kept.json.plan.extraneous, ['dags/b.py']);
    assert.ok((await keys()).includes('dags/b.py'));
    // --delete asks first (listing the files); refusing changes nothing
    const refused = await deploy(['--env', 'prod', '--delete'], { answers: [false] });
    assert.equal(refused.code, 1);
    assert.match(refused.questions[0], /DELETE 1 remote file/);
    assert.ok((await keys()).includes('dags/b.py'));
    const del = await deploy(['--env', 'prod', '--delete'], { answers: [true] });
    assert.equal(del.code, 0, del.stderr);
    assert.match(del.stdout, /- dags\/b\.py/);
    assert.deepEqual(await keys(), ['dags-backup/old.py', 'dags/.airflowignore', 'dags/a.py', 'dags/sub/c.py', 'dags/sub/query.sql', 'other/keep.txt', 'plugins.zip', 'requirements.txt']);
  });

  it('--plan prints the plan and changes nothing', async () => {
    writeFileSync(path.join(dir, 'dags/new.py'), DAG('new'));
    const puts = proxy.stats.puts;
    const r = await deploy(['--env', 'prod', '--plan']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\+ dags\/new\.py/);
    assert.equal(proxy.stats.puts, puts);
    assert.ok(!(await keys()).includes('dags/new.py'));
  });

  it('refuses without --yes when nobody can confirm (exit 1)', async () => {
    const r = await deploy(['--env', 'prod']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refused: nothing was changed/);
    assert.ok(!(await keys()).includes('dags/new.py'));
  });

  it('a configured destination that disagrees with the real one is refused with both shown (exit 1, nothing written)', async () => {
    const puts = proxy.stats.puts;
    const r = await deploy(['--env', 'wrong', '--yes']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /s3:\/\/other-bucket\/dags\//);
    assert.match(r.stderr, new RegExp(`s3://${BUCKET}/dags/`));
    assert.equal(proxy.stats.puts, puts);
    const ok = await deploy(['--env', 'agrees', '--plan']);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('expired credentials are exit 2 with a login hint and no secret in the output', async () => {
    const r = await deploy(['--env', 'prod', '--yes'], { env: { AWS_ACCESS_KEY_ID: 'EXPIREDKEY', AWS_SECRET_ACCESS_KEY: 'very-secret-value' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /expired/i);
    assert.match(r.stderr, /hint: .*aws sso login/);
    assert.ok(!r.stderr.includes('very-secret-value') && !r.stdout.includes('very-secret-value'));
    const j = await deploy(['--env', 'prod', '--yes', '--format', 'json'], { env: { AWS_ACCESS_KEY_ID: 'EXPIREDKEY', AWS_SECRET_ACCESS_KEY: 'very-secret-value' } });
    assert.equal(j.code, 2);
    assert.equal(j.json.status, 'failed');
    assert.equal(j.json.error.kind, 'credentials');
    assert.ok(!j.stdout.includes('very-secret-value'));
  });

  it('an environment whose bucket does not exist is exit 2 naming the bucket', async () => {
    const r = await deploy(['--env', 'ghost', '--yes']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bucket-that-does-not-exist/);
    assert.match(r.stderr, /does not exist/);
  });

  it('an unknown environment is exit 2 listing the known ones', async () => {
    const r = await deploy(['--env', 'nope']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown environment "nope"/);
    assert.match(r.stderr, /Known environments: prod, ghost, wrong, agrees, selfhosted/);
  });

  it('retries throttling (503 SlowDown) and still verifies every upload', async () => {
    writeProject(dir, Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`dags/flaky_${i}.py`, DAG(`flaky_${i}`)])));
    let puts = 0;
    proxyOpts.fail = (r) => r.method === 'PUT' && ++puts % 2 === 1; // every other PUT is throttled
    try {
      const r = await deploy(['--env', 'prod', '--yes', '--format', 'json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json.summary.uploaded, 7);
      assert.ok(r.json.summary.retries >= 7, `retries ${r.json.summary.retries}`);
      assert.match(r.stderr, /retrying dags\/.* after SlowDown/);
    } finally {
      proxyOpts.fail = undefined;
    }
    const again = await deploy(['--env', 'prod', '--yes', '--format', 'json']);
    assert.equal(again.json.status, 'nothing-to-do');
  });

  it('cancellation midway loses nothing and a rerun converges', async () => {
    writeProject(dir, Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`dags/batch/dag_${String(i).padStart(2, '0')}.py`, DAG(`batch_${i}`)])));
    const ac = new AbortController();
    let seen = 0;
    const r = await deploy(['--env', 'prod', '--yes', '--concurrency', '2'], {
      signal: ac.signal,
      onStderr: (l: string) => {
        if (/^uploaded /.test(l) && ++seen === 5) ac.abort();
      },
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /cancelled after \d+ of 30 uploads/);
    const partial = (await keys()).filter((k) => k.startsWith('dags/batch/')).length;
    assert.ok(partial >= 5 && partial < 30, `partial ${partial}`);
    const rerun = await deploy(['--env', 'prod', '--yes', '--format', 'json']);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.equal(rerun.json.summary.uploaded, 30 - partial);
    assert.equal((await keys()).filter((k) => k.startsWith('dags/batch/')).length, 30);
    const empty = await deploy(['--env', 'prod', '--yes', '--format', 'json']);
    assert.equal(empty.json.status, 'nothing-to-do');
  });

  it('lint errors (real engine, against the environment\'s Airflow) block with file:line (exit 1); --force deploys with a warning', async () => {
    writeFileSync(path.join(dir, 'dags/broken.py'), 'from airflow.sdk import dag\n');
    const blocked = await deploy(['--env', 'prod', '--yes']);
    assert.equal(blocked.code, 1, blocked.stdout + blocked.stderr);
    assert.match(blocked.stdout + blocked.stderr, /dags\/broken\.py:1:\d+: error AF102 .*airflow\.sdk.*mwaa:2\.10\.3/);
    assert.match(blocked.stderr, /--force/);
    assert.ok(!(await keys()).includes('dags/broken.py'));
    const forced = await deploy(['--env', 'prod', '--yes', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /warning: deploying despite 1 lint error/);
    assert.ok((await keys()).includes('dags/broken.py'));
    // unchanged files are not re-linted (the gate checks what a deploy changes) unless --lint-all
    const again = await deploy(['--env', 'prod', '--yes', '--format', 'json']);
    assert.equal(again.json.status, 'nothing-to-do');
    const all = await deploy(['--env', 'prod', '--yes', '--lint-all']);
    assert.equal(all.code, 1);
    unlinkSync(path.join(dir, 'dags/broken.py'));
  });

  it('the gate uses an injected linter when given (engine-independent check)', async () => {
    writeFileSync(path.join(dir, 'dags/flagged.py'), DAG('flagged'));
    const linter: DeployLinter = async (files, { target }) => ({
      diagnostics: files.filter((f) => f.endsWith('flagged.py')).map((file) => ({ file, line: 2, column: 1, code: 'AF999', severity: 'error' as const, message: `flagged for ${target}` })),
    });
    deployHooks.linter = () => linter;
    try {
      const blocked = await deploy(['--env', 'prod', '--yes']);
      assert.equal(blocked.code, 1);
      assert.match(blocked.stdout + blocked.stderr, /dags\/flagged\.py:2:1: error AF999 flagged for mwaa:2\.10\.3/);
    } finally {
      deployHooks.linter = undefined;
      unlinkSync(path.join(dir, 'dags/flagged.py'));
    }
  });

  it('requirements.txt pins that conflict with the environment are reported and block', async () => {
    writeFileSync(path.join(dir, 'requirements.txt'), '--constraint "https://raw.githubusercontent.com/apache/airflow/constraints-2.9.2/constraints-3.11.txt"\napache-airflow==2.9.2\n');
    try {
      const r = await deploy(['--env', 'prod', '--yes']);
      assert.equal(r.code, 1);
      assert.match(r.stdout + r.stderr, /requirements\.txt:1:1: error DEPLOY002 constraints file is for Airflow 2\.9\.2/);
      assert.match(r.stdout + r.stderr, /requirements\.txt:2:1: error DEPLOY001 apache-airflow==2\.9\.2 conflicts/);
    } finally {
      writeFileSync(path.join(dir, 'requirements.txt'), 'apache-airflow-providers-http\n');
    }
  });

  it('self-hosted: deploys to the configured s3:// destination only', async () => {
    const r = await deploy(['--env', 'selfhosted', '--yes', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const k = await keys('self-hosted');
    assert.ok(k.length > 5 && k.every((x) => x.startsWith('team-a/dags/')), k.join());
    assert.ok(!k.some((x) => x.endsWith('plugins.zip') || x.endsWith('requirements.txt')));
  });

  after(() => rmSync(path.join(dir, 'dags/batch'), { recursive: true, force: true }));
});
