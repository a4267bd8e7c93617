/**
 * `managed-airflow envs|dags|runs` end to end (in-process main()) against spec-validated Airflow
 * fakes and the MWAA control-plane fake: settings from .vscode/settings.json, secrets from
 * environment variables only, text and --format json output, exit codes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../cli/src/main';
import type { CliIO } from '../../cli/src/types';
import { startAirflowFake, type AirflowFake } from './support/airflow-fake';
import { startMwaaFake, sampleMwaaEnvironment, TEST_KEYS, type MwaaFake } from './support/mwaa-fake';
import { specsAvailable } from './support/openapi';

describe('platforms: CLI envs / dags / runs', function () {
  let af2: AirflowFake;
  let af3: AirflowFake;
  let mwaa: MwaaFake;
  let dir: string;

  before(async function () {
    if (!specsAvailable()) this.skip();
    af2 = await startAirflowFake({ version: '2.10.0', dags: 4, runsPerDag: 30, importErrors: 1 });
    af3 = await startAirflowFake({ version: '3.2.1', dags: 2 });
    const mwaaAf = await startAirflowFake({ version: '2.10.3', dags: 2 });
    mwaa = await startMwaaFake({ environments: [sampleMwaaEnvironment('prod-airflow')], airflow: { 'prod-airflow': mwaaAf } });
    dir = mkdtempSync(path.join(os.tmpdir(), 'ma-cli-'));
    mkdirSync(path.join(dir, '.vscode'));
    writeFileSync(
      path.join(dir, '.vscode', 'settings.json'),
      `{
  // JSONC with comments, like VS Code writes it
  "managedAirflow.environments": [
    {"name": "local", "platform": "airflow", "url": "${af2.url}"},
    {"name": "af3", "platform": "airflow", "url": "${af3.url}/"},
    {"name": "prod", "platform": "mwaa", "environment": "prod-airflow", "region": "eu-west-1"},
  ],
}`,
    );
    (af2 as any).extra = mwaaAf;
  });
  after(async () => {
    await (af2 as any)?.extra?.stop();
    for (const f of [af2, af3]) await f?.stop();
    await mwaa?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    for (const f of [af2, af3]) assert.deepEqual(f?.violations ?? [], []);
  });

  async function run(args: string[], env: Record<string, string> = {}) {
    let out = '';
    let err = '';
    const io: CliIO = {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      cwd: dir,
      env: { AIRFLOW_USERNAME: 'admin', AIRFLOW_PASSWORD: 'admin', AWS_ENDPOINT_URL_MWAA: mwaa.url, AWS_ACCESS_KEY_ID: TEST_KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_KEYS.secretAccessKey, AWS_REGION: 'eu-west-1', ...env },
      isTTY: false,
      confirm: async () => false,
      signal: new AbortController().signal,
    };
    // The AWS SDK's default chain reads credentials from process.env.
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: io.env.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: io.env.AWS_SECRET_ACCESS_KEY, AWS_EC2_METADATA_DISABLED: 'true' });
    try {
      const code = await main(args, io);
      return { code, out, err };
    } finally {
      process.env = saved;
    }
  }

  it('envs list: versions, status and lint targets of every environment (text and json)', async () => {
    const t = await run(['envs', 'list']);
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /^NAME\s+PLATFORM\s+AIRFLOW\s+STATUS\s+TARGET/m);
    assert.match(t.out, /local\s+airflow\s+2\.10\.0\s+reachable\s+airflow:2\.10\.0\s+4\s/);
    assert.match(t.out, /prod\s+mwaa\s+2\.10\.3\s+AVAILABLE\s+mwaa:2\.10\.3/);
    const j = await run(['envs', 'list', '--format', 'json']);
    const parsed = JSON.parse(j.out);
    assert.deepEqual(parsed.environments.map((e: any) => e.target), ['airflow:2.10.0', 'airflow:3.2.1', 'mwaa:2.10.3']);
    assert.equal(parsed.environments[2].dagsDestination, 's3://prod-airflow-bucket/dags');
    const off = await run(['envs', 'list', '--offline']);
    assert.equal(off.code, 0);
    assert.match(off.out, /prod\s+mwaa\s+eu-west-1/);
  });

  it('envs list: a failing environment gives exit 1 and a hint, never a secret', async () => {
    const r = await run(['envs', 'list'], { AIRFLOW_PASSWORD: 'hunter2-wrong' });
    assert.equal(r.code, 1);
    assert.match(r.err, /^local: the server rejected the credentials \(HTTP 401\)/m);
    assert.match(r.err, /^af3: the server rejected the credentials \(HTTP 401\)/m);
    assert.match(r.err, /hint: .*AIRFLOW_USERNAME/);
    assert.ok(!r.out.includes('hunter2') && !r.err.includes('hunter2'));
  });

  it('dags list (paged), import errors, json', async () => {
    const t = await run(['dags', 'list', '--env', 'local']);
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /dag_0003\s+no\s+@daily/);
    assert.match(t.out, /1 import error\(s\):\n.*broken_0\.py: ModuleNotFoundError/);
    const j = JSON.parse((await run(['dags', 'list', '--env', 'af3', '--format', 'json'])).out);
    assert.equal(j.total, 2);
    assert.equal(j.dags[0].relativeFileloc, 'dag_0000.py');
    const two = JSON.parse((await run(['dags', 'list', '--env', 'local', '--limit', '2', '--format', 'json'])).out);
    assert.deepEqual(two.dags.map((d: any) => d.dagId), ['dag_0000', 'dag_0001']);
  });

  it('dags trigger with --conf (validated first), pause and unpause; runs list', async () => {
    const bad = await run(['dags', 'trigger', '--env', 'local', '--dag', 'dag_0001', '--conf', '[1,2]']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--conf must be a JSON object/);
    const badJson = await run(['dags', 'trigger', '--env', 'local', '--dag', 'dag_0001', '--conf', '{x']);
    assert.equal(badJson.code, 2);
    const before = af2.requests.length;
    assert.equal(af2.requests.length, before, 'invalid input never reaches the server');
    const t = await run(['dags', 'trigger', '--env', 'af3', '--dag', 'dag_0001', '--conf', '{"table": "orders"}', '--format', 'json']);
    assert.equal(t.code, 0, t.err);
    const run1 = JSON.parse(t.out).run;
    assert.deepEqual(run1.conf, { table: 'orders' });
    const p = await run(['dags', 'pause', '--env', 'af3', '--dag', 'dag_0001']);
    assert.match(p.out, /dag_0001 on af3 is now paused/);
    assert.equal(af3.dags.get('dag_0001')!.is_paused, true);
    await run(['dags', 'unpause', '--env', 'af3', '--dag', 'dag_0001']);
    assert.equal(af3.dags.get('dag_0001')!.is_paused, false);
    const runs = JSON.parse((await run(['runs', 'list', '--env', 'af3', '--dag', 'dag_0001', '--format', 'json'])).out);
    assert.equal(runs.runs[0].runId, run1.runId, 'newest first');
    const paged = await run(['runs', 'list', '--env', 'local', '--dag', 'dag_0000', '--limit', '5']);
    assert.equal(paged.out.trim().split('\n').length, 7);
    assert.match(paged.out, /\(5 of 30; use --limit to see more\)/);
    const many = JSON.parse((await run(['runs', 'list', '--env', 'local', '--dag', 'dag_0000', '--limit', '30', '--format', 'json'])).out);
    assert.equal(many.runs.length, 30);
    const failed = JSON.parse((await run(['runs', 'list', '--env', 'local', '--dag', 'dag_0000', '--state', 'failed', '--limit', '100', '--format', 'json'])).out);
    assert.ok(failed.runs.length > 0 && failed.runs.every((r: any) => r.state === 'failed'));
    assert.equal(failed.total, failed.runs.length);
  });

  it('usage and config errors exit 2 with hints', async () => {
    const unknown = await run(['dags', 'list', '--env', 'nope']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown environment "nope"[\s\S]*hint: Known environments: local, af3, prod/);
    const noDag = await run(['runs', 'list', '--env', 'local']);
    assert.equal(noDag.code, 2);
    const secretFlag = await run(['dags', 'list', '--env', 'local', '--password', 'x']);
    assert.equal(secretFlag.code, 2, 'no secret flags exist');
    const badSub = await run(['dags', 'explode', '--env', 'local']);
    assert.equal(badSub.code, 2);
  });
});
