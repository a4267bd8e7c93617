/**
 * Docker engine + stand-in image for the runner integration tests and bench. Brings the engine
 * up with scripts/docker-up.sh when nothing answers (root only) and builds the stand-in with
 * scripts/build-standin.sh when it is missing. Cleans every object labelled managed-airflow.test=1.
 */
import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '../../..');
export const STANDIN = process.env.STANDIN_TAG ?? 'managed-airflow/standin:test';
export const TEST_LABELS = { 'managed-airflow.test': '1' };

/** Returns a connected Docker client, or a reason why no engine could be started. */
export async function ensureEngine(): Promise<{ docker?: Docker; reason?: string }> {
  const tryPing = async () => {
    const d = new Docker();
    await d.ping();
    return d;
  };
  try {
    return { docker: await tryPing() };
  } catch (first) {
    try {
      const out = execFileSync('bash', [path.join(REPO, 'scripts/docker-up.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 180_000 });
      const m = /DOCKER_HOST=(\S+)/.exec(out);
      if (m) process.env.DOCKER_HOST = m[1];
      return { docker: await tryPing() };
    } catch (e) {
      return { reason: `no Docker engine (${(first as Error).message}); docker-up.sh failed: ${(e as Error).message.split('\n')[0]}` };
    }
  }
}

export async function ensureStandin(docker: Docker): Promise<void> {
  try {
    await docker.getImage(STANDIN).inspect();
  } catch {
    execFileSync('bash', [path.join(REPO, 'scripts/build-standin.sh')], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
  }
}

export function loudSkip(ctx: Mocha.Context, reason: string): void {
  const bar = '!'.repeat(78);
  console.error(`\n${bar}\n!! SKIPPING the local-runner integration tests: ${reason}\n!! Run scripts/docker-up.sh as root (CI does) to test against a real engine.\n${bar}\n`);
  ctx.skip();
}

/**
 * The `before` hook of every suite that needs the engine: a running engine with the stand-in image,
 * and objects made through the CLI and the extension labelled as test objects; skips loudly without one.
 */
export async function engineForTests(ctx: Mocha.Context): Promise<Docker | undefined> {
  const { docker, reason } = await ensureEngine();
  if (!docker) {
    loudSkip(ctx, reason!);
    return undefined;
  }
  await ensureStandin(docker);
  process.env.MANAGED_AIRFLOW_RUNNER_LABELS = Object.entries(TEST_LABELS).map(([k, v]) => `${k}=${v}`).join(',');
  return docker;
}

/** Objects of ours (label selector) still present. */
export async function leftovers(docker: Docker, label: string): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
  const filters = { label: [label] };
  const containers = (await docker.listContainers({ all: true, filters })).map((c) => `${c.Names[0]} (${c.State})`);
  const networks = (await docker.listNetworks({ filters })).map((n) => n.Name);
  const volumes = ((await docker.listVolumes({ filters })).Volumes ?? []).map((v) => v.Name);
  return { containers, networks, volumes };
}

export async function removeTestObjects(docker: Docker): Promise<void> {
  const filters = { label: ['managed-airflow.test=1'] };
  for (const c of await docker.listContainers({ all: true, filters })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) await docker.getVolume(v.Name).remove({ force: true }).catch(() => undefined);
  for (const i of await docker.listImages({ filters: { label: ['managed-airflow.test=1'] } })) await docker.getImage(i.Id).remove({ force: true }).catch(() => undefined);
}

export const BROKEN_DAG = 'from airflow import DAG\n\ndef build(:\n    pass\n';
export const RUNTIME_BROKEN_DAG = 'import os\nfrom airflow import DAG\n\nraise ImportError("No module named \'pandas_extra\'")\n';
export const GOOD_DAG = [
  'from airflow import DAG',
  'from airflow.operators.empty import EmptyOperator',
  '',
  'with DAG(dag_id="hello_dag", schedule=None) as dag:',
  '    EmptyOperator(task_id="extract") >> EmptyOperator(task_id="load")',
  '',
].join('\n');

/** A throwaway project folder with a good DAG, a syntax error (line 3) and a runtime import error (line 4). */
export function makeProject(extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ma-runner-it-'));
  const files: Record<string, string> = { 'dags/hello.py': GOOD_DAG, 'dags/sub/broken.py': BROKEN_DAG, 'dags/runtime_broken.py': RUNTIME_BROKEN_DAG, ...extra };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}
