/**
 * Local runner against a real Docker engine (scripts/docker-up.sh) with the offline stand-in
 * image (scripts/build-standin.sh) playing every image: MWAA, Astro runtime, apache/airflow,
 * Postgres and ElasticMQ. Nothing is pulled.
 */
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import DockerCtor from 'dockerode';
import { ManagedAirflowError } from '../../core/src/errors';
import type { RunnerLogLine } from '../../core/src/protocol/runner';
import { LABEL_PROJECT, LocalRunner, type StartOptions } from '../../core/src/runner';
import { main } from '../../cli/src/main';
import type { CliIO } from '../../cli/src/types';
import { startRegistry } from './support/registry';
import { STANDIN, TEST_LABELS, engineForTests, leftovers, makeProject, removeTestObjects } from './support/docker';

let docker: Docker;
const projects: string[] = [];
function project(extra?: Record<string, string>): string {
  const p = makeProject(extra);
  projects.push(p);
  return p;
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<ManagedAirflowError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ManagedAirflowError, `expected ManagedAirflowError, got ${(e as Error)?.stack ?? e}`);
    assert.equal(e.code, code, `${e.code}: ${e.message}`);
    return e;
  }
  return assert.fail(`expected ${code}`);
}

const standinImages = (version: string): Partial<StartOptions> => ({
  image: STANDIN,
  postgresImage: STANDIN,
  sqsImage: STANDIN,
  labels: TEST_LABELS,
  // The stand-in's REST API requires auth like Airflow's: basic admin/admin (Airflow 2) or a JWT (Airflow 3).
  env: { STANDIN_AIRFLOW_VERSION: version, STANDIN_HEARTBEAT: '0.5', STANDIN_AUTH: 'admin:admin' },
  healthTimeoutMs: 60_000,
});

async function nothingLeft(dir: string, opts: { volumes: boolean }): Promise<void> {
  const left = await leftovers(docker, `${LABEL_PROJECT}=${new LocalRunner(dir, { docker }).projectId}`);
  assert.deepEqual(left.containers, [], 'containers left');
  assert.deepEqual(left.networks, [], 'networks left');
  if (opts.volumes) assert.deepEqual(left.volumes, [], 'volumes left');
  else assert.equal(left.volumes.length, 1, 'the metadata volume survives stop');
}

describe('local runner on a real Docker engine', function () {
  this.timeout(180_000);

  before(async function () {
    this.timeout(400_000);
    const d = await engineForTests(this);
    if (!d) return;
    docker = d;
    await removeTestObjects(docker);
  });

  after(async () => {
    if (docker) await removeTestObjects(docker);
    for (const p of projects) rmSync(p, { recursive: true, force: true });
  });

  const flavours: Array<{ title: string; flavor: 'mwaa' | 'astro' | 'oss'; version: string; database?: 'sqlite' | 'postgres'; components: string[]; extra?: Record<string, string>; env?: Record<string, string> }> = [
    { title: 'MWAA 2.10.3', flavor: 'mwaa', version: '2.10.3', components: ['postgres', 'sqs', 'webserver', 'scheduler', 'worker'], extra: { 'requirements/requirements.txt': 'boto3\n', 'plugins/p.py': '' } },
    { title: 'MWAA 3.0.6 (migrate-db first)', flavor: 'mwaa', version: '3.0.6', components: ['postgres', 'sqs', 'webserver', 'scheduler', 'worker'] },
    { title: 'Astro on Airflow 2.10.3', flavor: 'astro', version: '2.10.3', components: ['postgres', 'scheduler', 'webserver', 'triggerer'] },
    { title: 'Astro on Airflow 3.0.2', flavor: 'astro', version: '3.0.2', components: ['postgres', 'scheduler', 'api-server', 'dag-processor', 'triggerer'], env: { STANDIN_TOKEN_REDIRECT: '1' } },
    { title: 'OSS 2.10.3 standalone on SQLite', flavor: 'oss', version: '2.10.3', components: ['airflow'] },
    { title: 'OSS 3.0.2 standalone on Postgres', flavor: 'oss', version: '3.0.2', database: 'postgres', components: ['postgres', 'airflow'] },
  ];

  for (const f of flavours) {
    it(`${f.title}: start → healthy, logs, import errors on file and line, test-dag, reconnect, stop, reset`, async () => {
      const extra = f.flavor === 'astro' ? { Dockerfile: `FROM ${STANDIN}\nLABEL managed-airflow.test=1\n`, '.dockerignore': '.venv/\n', ...(f.extra ?? {}) } : f.extra;
      const dir = project(extra);
      const runner = new LocalRunner(dir, { docker });
      const progress: string[] = [];
      const t0 = Date.now();
      const base = standinImages(f.version);
      const st = await runner.start({ projectDir: dir, flavor: f.flavor, airflowVersion: f.version, database: f.database, ...base, env: { ...base.env, ...f.env }, onProgress: (m) => progress.push(m) });
      const ms = Date.now() - t0;
      assert.equal(st.state, 'healthy');
      assert.equal(st.flavor, f.flavor);
      assert.equal(st.airflowVersion, f.version);
      assert.match(st.url!, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(st.components.map((c) => c.name).sort(), [...f.components].sort());
      assert.ok(st.components.every((c) => c.container === 'running'), JSON.stringify(st.components));
      assert.ok(progress.some((m) => m.startsWith('Waiting for Airflow')), progress.join('\n'));
      console.log(`      (${f.title}: healthy after ${ms} ms on port ${st.port})`);

      // the UI answers
      const ui = await fetch(st.url!);
      assert.equal(ui.status, 200);

      // logs: the existing lines, then followed lines from one component
      const lines: RunnerLogLine[] = [];
      await runner.logs({ onLine: (l) => lines.push(l) });
      const web = f.components.find((c) => ['webserver', 'api-server', 'airflow'].includes(c))!;
      assert.ok(lines.some((l) => l.component === web && /Listening at/.test(l.text)), 'web component logged that it listens');
      const followed: RunnerLogLine[] = [];
      const sched = f.components.includes('scheduler') ? 'scheduler' : 'airflow';
      const follow = await runner.logs({ component: sched, follow: true, tail: 0, onLine: (l) => followed.push(l) });
      for (let i = 0; i < 60 && !followed.some((l) => /heartbeat/.test(l.text)); i++) await new Promise((r) => setTimeout(r, 100));
      follow.stop();
      await follow.done;
      assert.ok(followed.some((l) => /heartbeat/.test(l.text)), `followed new ${sched} lines: ${JSON.stringify(followed.slice(0, 3))}`);
      assert.ok(followed.every((l) => l.component === sched));

      // import errors from the REST API, on the right host file and line
      const errs = await runner.importErrors();
      const byFile = Object.fromEntries(errs.map((e) => [e.file, e]));
      const syntax = byFile[path.join(dir, 'dags', 'sub', 'broken.py')];
      assert.ok(syntax, `syntax error reported on dags/sub/broken.py: ${JSON.stringify(errs.map((e) => e.file))}`);
      assert.equal(syntax.line, 3);
      assert.match(syntax.message, /SyntaxError/);
      const runtime = byFile[path.join(dir, 'dags', 'runtime_broken.py')];
      assert.ok(runtime);
      assert.equal(runtime.line, 4);
      assert.match(runtime.message, /ImportError: No module named 'pandas_extra'/);
      assert.equal(errs.length, 2);

      // test-dag in the scheduler container
      let out = '';
      assert.equal(await runner.testDag('hello_dag', (t) => (out += t + '\n')), 0);
      assert.match(out, /task_id=extract/);
      assert.match(out, /DagRun Finished: dag_id=hello_dag, .*state=success/);
      let missing = '';
      assert.equal(await runner.testDag('no_such_dag', (t) => (missing += t)), 1);
      assert.match(missing, /could not be found/);

      // reconnect: a fresh instance (new VS Code window / CLI run) finds it by labels
      const again = await new LocalRunner(dir).status();
      assert.equal(again.state, 'healthy');
      assert.equal(again.port, st.port);
      const sameStart = await new LocalRunner(dir).start({ projectDir: dir, flavor: f.flavor, airflowVersion: f.version, ...standinImages(f.version) });
      assert.equal(sameStart.port, st.port, 'start on a running runner reconnects instead of creating a second one');

      // fixing the file on the host is seen by the running Airflow (bind mount)
      writeFileSync(path.join(dir, 'dags', 'sub', 'broken.py'), 'x = 1\n');
      assert.equal((await runner.importErrors()).length, 1);

      const t1 = Date.now();
      await runner.stop();
      console.log(`      (${f.title}: stopped and removed in ${Date.now() - t1} ms)`);
      assert.equal((await runner.status()).state, 'stopped');
      await nothingLeft(dir, { volumes: false });
      await runner.reset();
      await nothingLeft(dir, { volumes: true });
    });
  }

  it('an explicit port in use is a clear conflict and leaves nothing behind; without one the next free port is used', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const busy = (srv.address() as net.AddressInfo).port;
    const dir = project();
    const runner = new LocalRunner(dir, { docker });
    try {
      const e = await rejectsWith(runner.start({ projectDir: dir, flavor: 'oss', airflowVersion: '2.10.3', port: busy, ...standinImages('2.10.3') }), 'runner.portInUse');
      assert.match(e.message, new RegExp(`Port ${busy} `));
      assert.match(e.hint!, /--port/);
      assert.equal(e.exitCode, 2);
      await nothingLeft(dir, { volumes: true });
    } finally {
      srv.close();
    }
    // Another runner holds a port: a second project asking for the same one gets the same message.
    const a = project();
    const b = project();
    const ra = new LocalRunner(a, { docker });
    const st = await ra.start({ projectDir: a, flavor: 'oss', airflowVersion: '2.10.3', ...standinImages('2.10.3') });
    assert.ok(st.port! >= 8080);
    try {
      await rejectsWith(new LocalRunner(b, { docker }).start({ projectDir: b, flavor: 'oss', airflowVersion: '2.10.3', port: st.port, ...standinImages('2.10.3') }), 'runner.portInUse');
      const sb = await new LocalRunner(b, { docker }).start({ projectDir: b, flavor: 'oss', airflowVersion: '2.10.3', ...standinImages('2.10.3') });
      assert.notEqual(sb.port, st.port, 'the next free port');
      await new LocalRunner(b, { docker }).reset();
    } finally {
      await ra.reset();
    }
    await nothingLeft(b, { volumes: true });
  });

  it('daemon down and an unreachable socket are clear messages', async () => {
    const dir = project();
    const down = new LocalRunner(dir, { docker: new DockerCtor({ socketPath: '/tmp/managed-airflow-no-daemon.sock' }) });
    const e = await rejectsWith(down.start({ projectDir: dir, flavor: 'oss', airflowVersion: '2.10.3', ...standinImages('2.10.3') }), 'docker.daemonDown');
    assert.match(e.hint!, /Start Docker|systemctl start docker/);
    await rejectsWith(down.status().then(() => down.ping()), 'docker.daemonDown');
    // A socket file nobody listens on (daemon crashed): ECONNREFUSED, same message.
    const sock = path.join(dir, 'dead.sock');
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(sock, () => r()));
    await new Promise<void>((r) => srv.close(() => r()));
    writeFileSync(sock, '');
    await rejectsWith(new LocalRunner(dir, { docker: new DockerCtor({ socketPath: sock }) }).stop(), 'docker.daemonDown');
  });

  it('a socket the user may not open is a clear permission message (run as uid 65534)', async function () {
    const sock = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
    if (process.getuid?.() !== 0 || !existsSync(sock) || (statSync(sock).mode & 0o006) !== 0) {
      console.error('      (skipped: needs root and a socket not accessible to others)');
      return this.skip();
    }
    const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'support', 'runner-status-child.ts'), os.tmpdir()], {
      cwd: path.resolve(__dirname, '../..'),
      uid: 65534,
      gid: 65534,
      env: { PATH: process.env.PATH, HOME: '/tmp', DOCKER_HOST: `unix://${sock}` },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const res = JSON.parse(child.stdout.trim().split('\n').pop()!);
    assert.equal(res.code, 'docker.socketPermission', child.stdout + child.stderr);
    assert.match(res.message, /Permission denied on the Docker socket/);
    assert.match(res.hint, /usermod -aG docker/);
  });

  it('--pull with no registry reachable fails with the engine\'s reason and leaves nothing', async () => {
    const dir = project();
    const runner = new LocalRunner(dir, { docker });
    const progress: string[] = [];
    const e = await rejectsWith(
      runner.start({ projectDir: dir, flavor: 'oss', airflowVersion: '2.10.3', ...standinImages('2.10.3'), image: 'managed-airflow-test/not-in-any-registry:0', pull: true, onProgress: (m) => progress.push(m) }),
      'docker.engine',
    );
    assert.match(e.message, /^Docker could not pull managed-airflow-test\/not-in-any-registry:0: /);
    assert.ok(progress.includes('Pulling managed-airflow-test/not-in-any-registry:0'), progress.join('\n'));
    await nothingLeft(dir, { volumes: true });
  });

  it('pulls a missing image only when asked, with progress (from a registry on 127.0.0.1)', async function () {
    this.timeout(240_000);
    const registry = await startRegistry(docker, STANDIN);
    const image = `${registry.host}/managed-airflow-test/airflow:2.10.3-python3.12`;
    const dir = project();
    const runner = new LocalRunner(dir, { docker });
    try {
      const missing = await rejectsWith(runner.start({ projectDir: dir, flavor: 'oss', airflowVersion: '2.10.3', ...standinImages('2.10.3'), image }), 'docker.imageMissing');
      assert.match(missing.hint!, new RegExp(`docker pull ${image.replace(/[.:/]/g, '\\$&')}`));
      assert.deepEqual(registry.requests, [], 'nothing pulled silently');
      const progress: string[] = [];
      const st = await runner.start({ projectDir: dir, flavor: 'oss', airflowVersion: '2.10.3', ...standinImages('2.10.3'), image, pull: true, onProgress: (m) => progress.push(m) });
      assert.equal(st.state, 'healthy');
      assert.ok(progress.includes(`Pulling ${image}`));
      assert.ok(progress.some((m) => m.startsWith(`${image}: `) && /Pull complete|Already exists|Downloaded newer image|Digest: sha256/.test(m)), progress.join('\n'));
      assert.ok(registry.requests.some((r) => /manifests/.test(r)));
      await runner.reset();
    } finally {
      await runner.reset().catch(() => undefined);
      await docker.getImage(image).remove({ force: true }).catch(() => undefined);
      await registry.close();
    }
  });

  it('a REST API refusing the local credentials is a clear credentials error', async () => {
    const dir = project();
    const runner = new LocalRunner(dir, { docker });
    const opts = standinImages('2.10.3');
    await runner.start({ projectDir: dir, flavor: 'oss', airflowVersion: '2.10.3', ...opts, env: { ...opts.env, STANDIN_AUTH: 'someone:else' } });
    try {
      const e = await rejectsWith(runner.importErrors(), 'runner.apiAuth');
      assert.match(e.message, /refused the local admin credentials \(HTTP 401\)/);
    } finally {
      await runner.reset();
    }
  });

  it('a different flavour or version while one runs is a clear conflict; Ctrl-C while creating leaves nothing', async () => {
    const dir = project();
    const runner = new LocalRunner(dir, { docker });
    await runner.start({ projectDir: dir, flavor: 'oss', airflowVersion: '2.10.3', ...standinImages('2.10.3') });
    try {
      const e = await rejectsWith(runner.start({ projectDir: dir, flavor: 'oss', airflowVersion: '3.0.2', ...standinImages('3.0.2') }), 'runner.alreadyRunning');
      assert.match(e.message, /A oss runner with Airflow 2\.10\.3 is already running/);
      assert.match(e.hint!, /local stop/);
    } finally {
      await runner.reset();
    }
    const ac = new AbortController();
    const starting = runner.start({ projectDir: dir, flavor: 'mwaa', airflowVersion: '2.10.3', ...standinImages('2.10.3'), signal: ac.signal, onProgress: (m) => m.startsWith('Starting') && ac.abort() });
    const c = await rejectsWith(starting, 'runner.cancelled');
    assert.equal(c.exitCode, 130);
    await nothingLeft(dir, { volumes: false });
    await runner.reset();
  });

  it('a missing image says how to build (MWAA) or pull it, and creates nothing', async () => {
    const dir = project();
    const runner = new LocalRunner(dir, { docker });
    const mwaa = await rejectsWith(runner.start({ projectDir: dir, flavor: 'mwaa', airflowVersion: '2.10.3', ...standinImages('2.10.3'), image: undefined }), 'docker.imageMissing');
    assert.match(mwaa.message, /amazon-mwaa-docker-images\/airflow:2\.10\.3/);
    assert.match(mwaa.hint!, /git clone https:\/\/github\.com\/aws\/amazon-mwaa-docker-images/);
    assert.match(mwaa.hint!, /cd images\/airflow\/2\.10\.3 && \.\/build\.sh docker/);
    const oss = await rejectsWith(runner.start({ projectDir: dir, flavor: 'oss', airflowVersion: '2.10.3', ...standinImages('2.10.3'), image: 'managed-airflow/does-not-exist:1' }), 'docker.imageMissing');
    assert.match(oss.hint!, /docker pull managed-airflow\/does-not-exist:1|--pull/);
    await nothingLeft(dir, { volumes: true });
  });

  it('a container that exits during start is reported with its last log lines, and removed', async () => {
    const dir = project();
    const runner = new LocalRunner(dir, { docker });
    const opts = standinImages('2.10.3');
    const e2 = await rejectsWith(
      runner.start({ projectDir: dir, flavor: 'mwaa', airflowVersion: '2.10.3', ...opts, env: { ...opts.env, STANDIN_FAIL_AT_START: 'ModuleNotFoundError: No module named astro_sdk' } }),
      'runner.containerExited',
    );
    assert.match(e2.message, /exited with code 3/);
    assert.match(e2.message, /No module named astro_sdk/);
    // Airflow 3 MWAA: the one-shot migration fails first and is the one reported.
    const e3 = await rejectsWith(
      runner.start({ projectDir: dir, flavor: 'mwaa', airflowVersion: '3.0.6', ...opts, env: { ...opts.env, STANDIN_FAIL_AT_START: 'sqlalchemy.exc.OperationalError: connection refused' } }),
      'runner.containerExited',
    );
    assert.match(e3.message, /The migratedb container exited with code 3 during start/);
    assert.match(e3.message, /OperationalError: connection refused/);
    await nothingLeft(dir, { volumes: false });
    await runner.reset();
  });

  it('health timeout is a clear message and the runner can still be stopped', async () => {
    const dir = project();
    const runner = new LocalRunner(dir, { docker });
    const opts = standinImages('2.10.3');
    const e = await rejectsWith(
      runner.start({ projectDir: dir, flavor: 'oss', airflowVersion: '2.10.3', ...opts, healthTimeoutMs: 1500, env: { ...opts.env, STANDIN_STARTUP_DELAY: '60' } }),
      'runner.healthTimeout',
    );
    assert.match(e.message, /did not become healthy .* within 2 s/);
    assert.match(e.hint!, /still running/);
    assert.equal((await runner.status()).state, 'starting');
    await runner.reset();
    await nothingLeft(dir, { volumes: true });
  });

  it('20 start/stop cycles leave nothing behind', async function () {
    this.timeout(600_000);
    const dir = project();
    const runner = new LocalRunner(dir, { docker });
    const starts: number[] = [];
    const stops: number[] = [];
    for (let i = 0; i < 20; i++) {
      let t = Date.now();
      const st = await runner.start({ projectDir: dir, flavor: 'oss', airflowVersion: '2.10.3', ...standinImages('2.10.3') });
      starts.push(Date.now() - t);
      assert.equal(st.state, 'healthy');
      t = Date.now();
      await runner.stop();
      stops.push(Date.now() - t);
    }
    await runner.reset();
    await nothingLeft(dir, { volumes: true });
    const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    console.log(`      (20 cycles: start→healthy median ${med(starts)} ms, max ${Math.max(...starts)} ms; stop→gone median ${med(stops)} ms, max ${Math.max(...stops)} ms)`);
    const all = await leftovers(docker, 'managed-airflow.test=1');
    assert.deepEqual(all.containers, []);
  });

  it('the bundled CLI (dist/cli.js) works without node_modules: dockerode is bundled, ssh2 stubbed', async function () {
    const repo = path.resolve(__dirname, '../..');
    const cli = path.join(repo, 'dist', 'cli.js');
    if (!existsSync(cli)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repo, stdio: 'inherit' });
    const alone = mkdtempSync(path.join(os.tmpdir(), 'ma-cli-alone-'));
    try {
      // the CLI is dist/cli.js (launcher) + dist/cli/ (ES-module bundle and its chunks), nothing else
      copyFileSync(cli, path.join(alone, 'cli.js'));
      cpSync(path.join(repo, 'dist', 'cli'), path.join(alone, 'cli'), { recursive: true });
      const dir = project();
      const res = spawnSync(process.execPath, [path.join(alone, 'cli.js'), 'local', 'status', '--format', 'json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
      assert.equal(res.status, 0, res.stderr);
      assert.equal(JSON.parse(res.stdout).state, 'stopped');
      const ssh = spawnSync(process.execPath, [path.join(alone, 'cli.js'), 'local', 'status'], { cwd: dir, encoding: 'utf8', env: { ...process.env, DOCKER_HOST: 'ssh://user@127.0.0.1' } });
      assert.equal(ssh.status, 2);
      assert.match(ssh.stderr, /ssh:\/\/ Docker hosts are not supported/);
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });

  it('CLI: local start / status --format json / test-dag / import-errors / logs / stop / reset with exit codes', async () => {
    const dir = project();
    let out = '';
    let err = '';
    const io = (confirm = false): CliIO => ({
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      cwd: dir,
      env: { ...process.env },
      isTTY: false,
      confirm: async () => confirm,
      signal: new AbortController().signal,
    });
    const run = async (...argv: string[]) => {
      out = '';
      err = '';
      return main(['local', ...argv], io());
    };
    // the CLI labels nothing as a test object; remove by project label at the end
    try {
      // Defaults from the workspace settings, as the editor reads them (flags override).
      mkdirSync(path.join(dir, '.vscode'));
      writeFileSync(path.join(dir, '.vscode', 'settings.json'), `{\n  // local runner\n  "managedAirflow.runner.flavor": "oss",\n  "managedAirflow.runner.airflowVersion": "2.10.3",\n  "managedAirflow.runner.image": "${STANDIN}",\n}\n`);
      assert.equal(await run('start', '--timeout', '60'), 0, err);
      assert.match(err, /Starting oss runner, Airflow 2\.10\.3/);
      const cliId = new LocalRunner(dir, { docker }).projectId;
      assert.ok((await leftovers(docker, 'managed-airflow.test=1')).containers.some((c) => c.includes(cliId)), 'CLI-created container carries the test label');
      assert.match(out, /Airflow is healthy at http:\/\/127\.0\.0\.1:\d+/);
      assert.equal(await run('status', '--format', 'json'), 0);
      const st = JSON.parse(out);
      assert.equal(st.state, 'healthy');
      assert.deepEqual(st.components.map((c: { name: string }) => c.name), ['airflow']);
      assert.equal(await run('status'), 0);
      assert.match(out, /^healthy {2}http:\/\/127\.0\.0\.1/);
      assert.equal(await run('test-dag', 'hello_dag'), 0, err);
      assert.match(out, /state=success/);
      assert.equal(await run('test-dag', 'nope'), 1);
      assert.equal(await run('import-errors'), 1);
      assert.match(out, /dags\/sub\/broken\.py:3: SyntaxError/);
      assert.match(out, /dags\/runtime_broken\.py:4: ImportError/);
      assert.equal(await run('logs', '--component', 'airflow', '--tail', '50'), 0);
      assert.match(out, /Listening at/);
      // logs --follow streams until Ctrl-C (the abort signal)
      const ac = new AbortController();
      let followed = '';
      const following = main(['local', 'logs', '--follow', '--component', 'airflow', '--tail', '0'], { ...io(), stdout: (t) => (followed += t), signal: ac.signal });
      for (let i = 0; i < 100 && !/heartbeat/.test(followed); i++) await new Promise((r) => setTimeout(r, 100));
      ac.abort();
      assert.equal(await following, 0);
      assert.match(followed, /heartbeat/);
      assert.equal(await run('logs', '--component', 'nope'), 2);
      assert.match(err, /No component "nope"/);
      assert.equal(await run('start', '--flavor', 'nope'), 2);
      assert.match(err, /--flavor must be one of mwaa, astro, oss/);
      assert.equal(await run('bogus'), 2);
      assert.equal(await run('reset'), 1, 'reset without --yes and no TTY is declined');
      assert.equal(await run('stop'), 0);
      assert.equal(await run('status'), 0);
      assert.match(out, /stopped/);
      assert.equal(await run('test-dag', 'hello_dag'), 2);
      assert.match(err, /not running/);
      assert.equal(await run('reset', '--yes'), 0);
      await nothingLeft(dir, { volumes: true });
    } finally {
      await new LocalRunner(dir, { docker }).reset().catch(() => undefined);
    }
  });
});
