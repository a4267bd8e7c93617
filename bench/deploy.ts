/**
 * Deploy benchmark: 1,000 DAG files, 1 changed → exactly 1 upload, timed against `aws s3 sync`
 * (Debian package awscli, installed here with apt if missing) on the same s3rver emulator in the
 * same run. Both tools run as fresh processes, sync the same local folder to their own prefix of
 * the same bucket, and see the same one-file change each round. Ours includes everything a real
 * deploy does: MWAA GetEnvironment (contract fake), listing, hashing, the lint gate on the changed
 * file, the upload and its verification.
 *
 *   npm run -s build && node --openssl-legacy-provider --import tsx bench/deploy.ts [--rounds 5] [--files 1000]
 */
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startS3 } from '../test/integration/support/deploy/s3';
import { mwaaEnvironment, startMwaaFake } from '../test/integration/support/deploy/mwaa-fake';
import { makeProject, removeProject } from '../test/integration/support/deploy/harness';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ROUNDS = arg('rounds', 5);
const FILES = arg('files', 1000);
const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const AWS = '/usr/bin/aws';

function ensureAwsCli(): string {
  if (!existsSync(AWS)) {
    console.log('installing Debian awscli with apt …');
    const r = spawnSync('sh', ['-c', 'apt-get install -y -qq awscli >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq awscli >/dev/null 2>&1)'], { stdio: 'inherit' });
    if (r.status !== 0 || !existsSync(AWS)) throw new Error('could not install awscli with apt');
  }
  return spawnSync(AWS, ['--version'], { encoding: 'utf8' }).stdout.trim() || spawnSync(AWS, ['--version'], { encoding: 'utf8' }).stderr.trim();
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, code: code ?? -1, stdout, stderr }));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  if (!existsSync(CLI)) throw new Error('dist/cli.js missing: run `npm run -s build` first');
  const awsVersion = ensureAwsCli();
  const bucket = 'bench-mwaa-bucket';
  const s3 = await startS3([bucket]);
  const mwaa = await startMwaaFake({ environments: [mwaaEnvironment('bench-airflow', bucket)] });
  const files: Record<string, string> = {};
  for (let i = 0; i < FILES; i++) {
    const id = `dag_${String(i).padStart(4, '0')}`;
    files[`dags/${id}.py`] = `from datetime import datetime\nfrom airflow import DAG\nfrom airflow.operators.empty import EmptyOperator\n\nwith DAG("${id}", start_date=datetime(2024, 1, 1), schedule=None, catchup=False) as dag:\n    EmptyOperator(task_id="start") >> EmptyOperator(task_id="end")\n`;
  }
  const dir = makeProject([{ name: 'bench', platform: 'mwaa', environment: 'bench-airflow', region: 'us-east-1' }], files);
  // our deploy state (the DAG folder the last deploy resolved) lives in a cache folder of this run, as in a user's ~/.cache
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'ma-bench-cache-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_ENDPOINT_URL_MWAA: mwaa.url,
    NODE_OPTIONS: '--openssl-legacy-provider',
    MANAGED_AIRFLOW_TIMING: '1',
    MANAGED_AIRFLOW_CACHE_DIR: cacheDir,
  };
  const ours = () => run(process.execPath, [CLI, 'deploy', dir, '--env', 'bench', '--yes', '--format', 'json'], env);
  const theirs = () => run(AWS, ['s3', 'sync', path.join(dir, 'dags'), `s3://${bucket}/awscli-dags/`, '--endpoint-url', s3.url, '--no-progress', '--only-show-errors'], env);
  const theirsCount = () => run(AWS, ['s3', 'sync', path.join(dir, 'dags'), `s3://${bucket}/awscli-dags/`, '--endpoint-url', s3.url, '--no-progress', '--dryrun'], env);
  try {
    // initial full deploys (timed once, for context)
    const firstOurs = await ours();
    if (firstOurs.code !== 0) throw new Error(`initial deploy failed: ${firstOurs.stderr}`);
    const firstTheirs = await theirs();
    if (firstTheirs.code !== 0) throw new Error(`initial aws s3 sync failed: ${firstTheirs.stderr}`);
    const rounds: { ours: number; aws: number; oursUploads: number; awsUploads: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // one changed file (size changes too, so aws s3 sync's size/mtime rule sees it)
      writeFileSync(path.join(dir, 'dags', 'dag_0007.py'), `${files['dags/dag_0007.py']}# round ${r} ${'x'.repeat(r + 1)}\n`);
      const pending = (await theirsCount()).stdout.split('\n').filter((l) => l.includes('upload:')).length;
      const o = await ours();
      if (o.code !== 0) throw new Error(`deploy failed: ${o.stderr}`);
      const j = JSON.parse(o.stdout);
      const a = await theirs();
      if (a.code !== 0) throw new Error(`aws s3 sync failed: ${a.stderr}`);
      rounds.push({ ours: o.ms, aws: a.ms, oursUploads: j.summary.uploaded, awsUploads: pending });
      const phases = /timing: (.*)/.exec(o.stderr)?.[1] ?? '';
      console.log(`round ${r + 1}: managed-airflow deploy ${o.ms.toFixed(0)} ms (${j.summary.uploaded} upload, ${j.plan.unchanged} unchanged; ${phases}) | aws s3 sync ${a.ms.toFixed(0)} ms (${pending} upload)`);
    }
    const oursMed = median(rounds.map((x) => x.ours));
    const awsMed = median(rounds.map((x) => x.aws));
    const result = {
      date: new Date().toISOString(),
      files: FILES,
      rounds: ROUNDS,
      node: process.version,
      awscli: awsVersion,
      initial: { oursMs: Math.round(firstOurs.ms), awsMs: Math.round(firstTheirs.ms) },
      oneChanged: {
        oursMedianMs: Math.round(oursMed),
        awsMedianMs: Math.round(awsMed),
        ratio: Number((oursMed / awsMed).toFixed(3)),
        oursUploadsEachRound: rounds.map((x) => x.oursUploads),
        awsUploadsEachRound: rounds.map((x) => x.awsUploads),
      },
    };
    console.log(`initial full deploy: managed-airflow ${result.initial.oursMs} ms, aws s3 sync ${result.initial.awsMs} ms`);
    console.log(`1 of ${FILES} changed: managed-airflow median ${result.oneChanged.oursMedianMs} ms vs aws s3 sync median ${result.oneChanged.awsMedianMs} ms → ratio ${result.oneChanged.ratio} (aim ≤ 0.5)`);
    if (rounds.some((x) => x.oursUploads !== 1)) throw new Error(`expected exactly 1 upload per round, got ${rounds.map((x) => x.oursUploads)}`);
    mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench', 'results', 'deploy.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    removeProject(dir);
    rmSync(cacheDir, { recursive: true, force: true });
    await mwaa.close();
    await s3.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
