import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startS3 } from './support/deploy/s3';
import { startS3Proxy } from './support/deploy/proxy';
import { mwaaEnvironment, startMwaaFake } from './support/deploy/mwaa-fake';
import { makeProject, removeProject } from './support/deploy/harness';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const DAG = (id: string) => `from airflow import DAG\nwith DAG("${id}", schedule=None) as dag:\n    pass\n`;

/** The built CLI as a real process: argv parsing, exit codes and Ctrl-C (SIGINT) end to end. */
describe('managed-airflow deploy as a process (dist/cli.js)', function () {
  this.timeout(60_000);
  let s3: Awaited<ReturnType<typeof startS3>>;
  let proxy: Awaited<ReturnType<typeof startS3Proxy>>;
  let mwaa: Awaited<ReturnType<typeof startMwaaFake>>;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(async function () {
    if (!existsSync(CLI)) this.skip();
    s3 = await startS3(['proc-bucket']);
    proxy = await startS3Proxy(s3.url, { putDelayMs: 40 });
    mwaa = await startMwaaFake({ environments: [mwaaEnvironment('proc-airflow', 'proc-bucket')] });
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++) files[`dags/d${String(i).padStart(2, '0')}.py`] = DAG(`d${i}`);
    dir = makeProject([{ name: 'proc', platform: 'mwaa', environment: 'proc-airflow', region: 'us-east-1' }], files);
    env = {
      PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_ENDPOINT_URL_S3: proxy.url, AWS_ENDPOINT_URL_MWAA: mwaa.url,
      NODE_OPTIONS: '--openssl-legacy-provider', MANAGED_AIRFLOW_CACHE_DIR: path.join(dir, '.test-cache'),
    };
  });
  after(async () => {
    if (dir) removeProject(dir);
    await proxy?.close();
    await mwaa?.close();
    await s3?.close();
  });

  const cli = (args: string[], onStderr?: (chunk: string, child: ReturnType<typeof spawn>) => void, extraEnv: NodeJS.ProcessEnv = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => {
        stderr += d;
        onStderr?.(String(d), child);
      });
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('usage errors and unknown environments are exit 2', async () => {
    assert.equal((await cli(['deploy', dir, '--env', 'proc', '--bogus'])).code, 2);
    const r = await cli(['deploy', dir, '--env', 'nope']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Known environments: proc/);
  });

  it('a deploy that fails after start-up (platform unreachable) still exits at once (exit 2; the lint thread does not hold the process)', async () => {
    const t0 = Date.now();
    const r = await cli(['deploy', dir, '--env', 'proc', '--plan'], undefined, { AWS_ENDPOINT_URL_MWAA: 'http://127.0.0.1:9' });
    assert.equal(r.code, 2, r.stderr);
    assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
  });

  it('--plan names the resolved bucket and changes nothing (exit 0)', async () => {
    const r = await cli(['deploy', dir, '--env', 'proc', '--plan']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /destination: s3:\/\/proc-bucket\/dags\//);
    assert.equal(proxy.stats.puts, 0);
  });

  it('the deploy state: written with the resolved folder, a stale one is only a hint, --no-cache neither reads nor writes it', async () => {
    const stateDir = path.join(dir, '.test-cache', 'deploy');
    const r = await cli(['deploy', dir, '--env', 'proc', '--plan']);
    assert.equal(r.code, 0, r.stderr);
    const files = readdirSync(stateDir);
    assert.equal(files.length, 1);
    const file = path.join(stateDir, files[0]);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).dags, { scheme: 's3', bucket: 'proc-bucket', prefix: 'dags/' });
    // the environment "moved" since: the hint names another bucket; the plan is still of the real one
    writeFileSync(file, JSON.stringify({ version: 1, environment: 'proc', dags: { scheme: 's3', bucket: 'proc-bucket', prefix: 'old-dags/' } }));
    const noCache = await cli(['deploy', dir, '--env', 'proc', '--plan', '--no-cache']);
    assert.equal(noCache.code, 0, noCache.stderr);
    assert.match(JSON.parse(readFileSync(file, 'utf8')).dags.prefix, /^old-dags\/$/, '--no-cache leaves the file alone');
    const hinted = await cli(['deploy', dir, '--env', 'proc', '--plan']);
    assert.equal(hinted.code, 0, hinted.stderr);
    assert.equal(hinted.stdout, noCache.stdout, 'same plan with and without the stale hint');
    assert.match(hinted.stdout, /destination: s3:\/\/proc-bucket\/dags\//);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).dags, { scheme: 's3', bucket: 'proc-bucket', prefix: 'dags/' }, 'corrected');
    assert.equal(proxy.stats.puts, 0);
  });

  it('Ctrl-C midway stops the deploy (exit 130); the next run converges', async () => {
    let sent = false;
    const r = await cli(['deploy', dir, '--env', 'proc', '--yes', '--concurrency', '2'], (chunk, child) => {
      if (!sent && /uploaded dags\//.test(chunk)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    assert.equal(r.code, 130, r.stderr);
    const partial = proxy.stats.puts;
    assert.ok(partial > 0 && partial < 60, `puts ${partial}`);
    const again = await cli(['deploy', dir, '--env', 'proc', '--yes', '--format', 'json']);
    assert.equal(again.code, 0, again.stderr);
    const j = JSON.parse(again.stdout);
    assert.equal(j.summary.uploaded + j.plan.unchanged, 60);
    assert.ok(j.summary.uploaded < 60);
    const done = await cli(['deploy', dir, '--env', 'proc', '--yes', '--format', 'json']);
    assert.equal(JSON.parse(done.stdout).status, 'nothing-to-do');
  });

  it('the lint gate (on its worker thread in the bundle) blocks an error with file:line before any upload (exit 1)', async () => {
    const puts = proxy.stats.puts;
    writeFileSync(path.join(dir, 'dags', 'broken.py'), 'from airflow.sdk import dag\n');
    try {
      const r = await cli(['deploy', dir, '--env', 'proc', '--yes']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout + r.stderr, /dags\/broken\.py:1:\d+: error AF102 .*airflow\.sdk/);
      assert.equal(proxy.stats.puts, puts);
    } finally {
      unlinkSync(path.join(dir, 'dags', 'broken.py'));
    }
  });
});
