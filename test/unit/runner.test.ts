import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  LABEL_COMPONENT,
  LABEL_FLAVOR,
  LABEL_PROJECT,
  choosePort,
  contextFiles,
  detectFlavor,
  locateImportError,
  planRunner,
  projectIdOf,
  runnerDefaults,
  toDockerError,
  type ContainerSpec,
  type RunnerPlan,
} from '../../core/src/runner';
import { parseMultiplexed } from '../../core/src/runner/docker';
import { envLabels } from '../../core/src/runner/runner';
import { ManagedAirflowError } from '../../core/src/errors';
import { RUNNER_COMMANDS, RUNNER_SETTING_KEYS, normaliseRunnerSettings } from '../../core/src/protocol/runner';
import { readFileSync } from 'node:fs';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ma-runner-unit-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}
const byName = (plan: RunnerPlan, c: string): ContainerSpec => {
  const spec = plan.containers.find((x) => x.component === c);
  assert.ok(spec, `component ${c} in ${plan.containers.map((x) => x.component).join(',')}`);
  return spec;
};
const targets = (s: ContainerSpec) => Object.fromEntries(s.mounts.map((m) => [m.target, m.source]));

describe('runner specs', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const mk = (files: Record<string, string>) => {
    const d = project(files);
    dirs.push(d);
    return d;
  };

  describe('mwaa (aws/amazon-mwaa-docker-images layout)', () => {
    it('runs postgres, sqs, webserver, scheduler and worker from the MWAA image with the MWAA mounts and settings', () => {
      const dir = mk({ 'dags/a.py': '', 'plugins/p.py': '', 'requirements/requirements.txt': 'boto3\n', 'startup/startup.sh': '#!/bin/sh\n' });
      const plan = planRunner({ projectDir: dir, flavor: 'mwaa', airflowVersion: '2.10.3', port: 8080 });
      assert.deepEqual(plan.containers.map((c) => c.component), ['postgres', 'sqs', 'webserver', 'scheduler', 'worker']);
      const web = byName(plan, 'webserver');
      assert.equal(web.image, 'amazon-mwaa-docker-images/airflow:2.10.3');
      assert.deepEqual(web.cmd, ['webserver']);
      assert.deepEqual(byName(plan, 'scheduler').cmd, ['scheduler']);
      assert.deepEqual(byName(plan, 'worker').cmd, ['worker']);
      assert.deepEqual(web.publish, { containerPort: 8080, hostPort: 8080 });
      assert.equal(byName(plan, 'scheduler').publish, undefined);
      assert.deepEqual(targets(web), {
        '/usr/local/airflow/dags': path.join(dir, 'dags'),
        '/usr/local/airflow/plugins': path.join(dir, 'plugins'),
        '/usr/local/airflow/requirements': path.join(dir, 'requirements'),
        '/usr/local/airflow/startup': path.join(dir, 'startup'),
      });
      assert.equal(web.env.MWAA__CORE__REQUIREMENTS_PATH, '/usr/local/airflow/requirements/requirements.txt');
      assert.equal(web.env.MWAA__CORE__STARTUP_SCRIPT_PATH, '/usr/local/airflow/startup/startup.sh');
      assert.equal(web.env.MWAA__DB__POSTGRES_HOST, 'postgres');
      assert.deepEqual(JSON.parse(web.env.MWAA__DB__CREDENTIALS), { username: 'airflow', password: 'airflow' });
      assert.equal(web.env.MWAA__SQS__CUSTOM_ENDPOINT, 'http://sqs:9324');
      assert.ok(JSON.parse(web.env.MWAA__CORE__FERNET_KEY).FernetKey.length === 44, 'Fernet keys are 32 bytes url-safe base64');
      const pg = byName(plan, 'postgres');
      assert.equal(pg.image, 'postgres:13');
      assert.deepEqual(pg.env, { POSTGRES_USER: 'airflow', POSTGRES_PASSWORD: 'airflow', POSTGRES_DB: 'airflow' });
      assert.deepEqual(pg.mounts, [{ type: 'volume', source: plan.volumes[0].name, target: '/var/lib/postgresql/data' }]);
      assert.equal(plan.healthPath, '/health');
      assert.equal(plan.apiPrefix, '/api/v1');
      assert.deepEqual(plan.dagsMount, { host: path.join(dir, 'dags'), container: '/usr/local/airflow/dags' });
    });

    it('Airflow 3: a one-shot migrate-db container first, the UI still under `webserver`, the API server URL on the network', () => {
      const dir = mk({ 'dags/a.py': '' });
      const plan = planRunner({ projectDir: dir, flavor: 'mwaa', airflowVersion: '3.0.6', port: 8080 });
      assert.deepEqual(plan.containers.map((c) => c.component), ['postgres', 'sqs', 'migratedb', 'webserver', 'scheduler', 'worker']);
      assert.deepEqual(byName(plan, 'migratedb').cmd, ['migrate-db']);
      assert.deepEqual(byName(plan, 'migratedb').roles, ['init']);
      assert.deepEqual(byName(plan, 'webserver').cmd, ['webserver']);
      assert.equal(byName(plan, 'webserver').env.MWAA__CORE__API_SERVER_URL, 'http://webserver:8080');
      assert.equal(byName(plan, 'webserver').image, 'amazon-mwaa-docker-images/airflow:3.0.6');
      assert.equal(plan.healthPath, '/api/v2/monitor/health');
    });

    it('mounts only the folders that exist and sets no requirements/startup paths without the files', () => {
      const dir = mk({ 'dags/a.py': '' });
      const plan = planRunner({ projectDir: dir, flavor: 'mwaa', airflowVersion: '2.9.2', port: 8081 });
      const web = byName(plan, 'webserver');
      assert.deepEqual(Object.keys(targets(web)), ['/usr/local/airflow/dags']);
      assert.equal(web.env.MWAA__CORE__REQUIREMENTS_PATH, undefined);
      assert.equal(web.env.MWAA__CORE__STARTUP_SCRIPT_PATH, undefined);
      assert.deepEqual(web.publish, { containerPort: 8080, hostPort: 8081 });
    });

    it('honours image overrides and extra env', () => {
      const dir = mk({ 'dags/a.py': '' });
      const plan = planRunner({ projectDir: dir, flavor: 'mwaa', airflowVersion: '2.10.3', port: 8080, image: 'mine:1', postgresImage: 'pg:x', sqsImage: 'mq:y', env: { FOO: 'bar' } });
      assert.equal(byName(plan, 'webserver').image, 'mine:1');
      assert.equal(byName(plan, 'postgres').image, 'pg:x');
      assert.equal(byName(plan, 'sqs').image, 'mq:y');
      assert.equal(byName(plan, 'scheduler').env.FOO, 'bar');
    });
  });

  describe('astro (astro dev start layout)', () => {
    it('Airflow 2: builds the Dockerfile, runs postgres, scheduler (migrates), webserver and triggerer under /usr/local/airflow', () => {
      const dir = mk({ 'dags/a.py': '', Dockerfile: 'FROM quay.io/astronomer/astro-runtime:12.1.0\n', 'include/x.sql': '', 'plugins/p.py': '', 'tests/t.py': '' });
      const plan = planRunner({ projectDir: dir, flavor: 'astro', airflowVersion: '2.10.3', port: 8080 });
      assert.deepEqual(plan.containers.map((c) => c.component), ['postgres', 'scheduler', 'webserver', 'triggerer']);
      assert.ok(plan.build);
      assert.equal(plan.build.context, dir);
      assert.equal(plan.build.dockerfile, 'Dockerfile');
      const sch = byName(plan, 'scheduler');
      assert.equal(sch.image, plan.build.tag);
      assert.match(sch.cmd!.join(' '), /airflow db migrate \|\| airflow db upgrade\) && exec airflow scheduler/);
      assert.match(byName(plan, 'webserver').cmd!.join(' '), /check-migrations.*airflow users create .*-u admin.*exec airflow webserver/);
      assert.match(byName(plan, 'triggerer').cmd!.join(' '), /exec airflow triggerer$/);
      assert.deepEqual(Object.keys(targets(sch)).sort(), ['/usr/local/airflow/dags', '/usr/local/airflow/include', '/usr/local/airflow/plugins', '/usr/local/airflow/tests']);
      assert.equal(sch.env.AIRFLOW__CORE__EXECUTOR, 'LocalExecutor');
      assert.equal(sch.env.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN, 'postgresql://postgres:postgres@postgres:5432');
      assert.deepEqual(byName(plan, 'postgres').env, { POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: 'postgres' });
      assert.equal(sch.env.ASTRONOMER_ENVIRONMENT, 'local');
      assert.match(sch.env.AIRFLOW__API__AUTH_BACKENDS, /basic_auth/);
      assert.equal(byName(plan, 'postgres').image, 'postgres:12.6');
      assert.deepEqual(byName(plan, 'webserver').roles, ['web']);
      assert.deepEqual(sch.roles, ['exec']);
    });

    it('Airflow 3: api-server and dag-processor, v2 health and API, execution API URL on the network alias', () => {
      const dir = mk({ 'dags/a.py': '', Dockerfile: 'FROM quay.io/astronomer/astro-runtime:3.0-4\n' });
      const plan = planRunner({ projectDir: dir, flavor: 'astro', airflowVersion: '3.0.2', port: 8090 });
      assert.deepEqual(plan.containers.map((c) => c.component), ['postgres', 'scheduler', 'api-server', 'dag-processor', 'triggerer']);
      const api = byName(plan, 'api-server');
      assert.deepEqual(api.publish, { containerPort: 8080, hostPort: 8090 });
      assert.equal(api.env.AIRFLOW__CORE__EXECUTION_API_SERVER_URL, 'http://api-server:8080/execution/');
      assert.equal(api.env.AIRFLOW__API__BASE_URL, 'http://localhost:8090');
      assert.equal(api.env.AIRFLOW__SCHEDULER__STANDALONE_DAG_PROCESSOR, 'True');
      assert.equal(plan.healthPath, '/api/v2/monitor/health');
      assert.equal(plan.apiPrefix, '/api/v2');
    });

    it('needs a Dockerfile', () => {
      const dir = mk({ 'dags/a.py': '' });
      assert.throws(() => planRunner({ projectDir: dir, flavor: 'astro', airflowVersion: '2.10.3', port: 8080 }), (e: ManagedAirflowError) => e.code === 'runner.noDockerfile' && /astro-runtime/.test(e.hint!));
    });
  });

  describe('oss (apache/airflow standalone)', () => {
    it('SQLite: one standalone container, AIRFLOW_HOME on a named volume, dags under /opt/airflow', () => {
      const dir = mk({ 'dags/a.py': '', 'plugins/p.py': '' });
      const plan = planRunner({ projectDir: dir, flavor: 'oss', airflowVersion: '2.10.3', python: '3.11', port: 8080 });
      assert.deepEqual(plan.containers.map((c) => c.component), ['airflow']);
      const af = byName(plan, 'airflow');
      assert.equal(af.image, 'apache/airflow:2.10.3-python3.11');
      assert.deepEqual(af.cmd, ['standalone']);
      assert.deepEqual(af.roles, ['web', 'exec']);
      assert.deepEqual(targets(af), { '/opt/airflow': plan.volumes[0].name, '/opt/airflow/dags': path.join(dir, 'dags'), '/opt/airflow/plugins': path.join(dir, 'plugins') });
      assert.equal(af.env._AIRFLOW_WWW_USER_CREATE, 'true');
      assert.equal(af.env.AIRFLOW__CORE__LOAD_EXAMPLES, 'False');
      assert.equal(plan.volumes[0].purpose, 'metadata');
    });

    it('Postgres: a postgres container and the connection string; Airflow 3 simple auth manager', () => {
      const dir = mk({ 'dags/a.py': '' });
      const plan = planRunner({ projectDir: dir, flavor: 'oss', airflowVersion: '3.0.2', database: 'postgres', port: 8080 });
      assert.deepEqual(plan.containers.map((c) => c.component), ['postgres', 'airflow']);
      const af = byName(plan, 'airflow');
      assert.equal(af.image, 'apache/airflow:3.0.2-python3.12');
      assert.equal(af.env.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN, 'postgresql+psycopg2://airflow:airflow@postgres:5432/airflow');
      assert.equal(af.env.AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS, 'admin:admin');
      assert.equal(plan.healthPath, '/api/v2/monitor/health');
    });
  });

  describe('labels and names', () => {
    it('labels every object with project, flavour and component, plus extra labels', () => {
      const dir = mk({ 'dags/a.py': '' });
      const plan = planRunner({ projectDir: dir, flavor: 'mwaa', airflowVersion: '2.10.3', port: 8080, labels: { 'managed-airflow.test': '1' } });
      const id = projectIdOf(dir);
      for (const c of plan.containers) {
        assert.equal(c.labels[LABEL_PROJECT], id);
        assert.equal(c.labels[LABEL_FLAVOR], 'mwaa');
        assert.equal(c.labels[LABEL_COMPONENT], c.component);
        assert.equal(c.labels['managed-airflow.test'], '1');
        assert.ok(c.name.startsWith(`ma-${id}-`));
      }
      assert.equal(plan.network.labels[LABEL_PROJECT], id);
      assert.equal(plan.volumes[0].labels[LABEL_PROJECT], id);
      assert.deepEqual(plan.selector, { [LABEL_PROJECT]: id });
    });

    it('project ids are stable, readable and differ per folder', () => {
      assert.equal(projectIdOf('/a/My Project'), projectIdOf('/a/My Project/'));
      assert.match(projectIdOf('/a/My Project'), /^my-project-[0-9a-f]{8}$/);
      assert.notEqual(projectIdOf('/a/x'), projectIdOf('/b/x'));
    });

    it('refuses a project without dags/ and bad versions', () => {
      const dir = mk({ 'README.md': '' });
      assert.throws(() => planRunner({ projectDir: dir, flavor: 'oss', airflowVersion: '2.10.3', port: 8080 }), (e: ManagedAirflowError) => e.code === 'runner.noDags');
      const ok = mk({ 'dags/a.py': '' });
      assert.throws(() => planRunner({ projectDir: ok, flavor: 'oss', airflowVersion: '1.10.15', port: 8080 }), (e: ManagedAirflowError) => e.code === 'runner.unsupportedVersion');
      assert.throws(() => planRunner({ projectDir: ok, flavor: 'oss', airflowVersion: 'latest', port: 8080 }), (e: ManagedAirflowError) => e.code === 'runner.badVersion');
    });
  });

  describe('defaults from the lint target', () => {
    it('an Astro Dockerfile picks the astro flavour and its Airflow version', () => {
      const dir = mk({ 'dags/a.py': '', Dockerfile: 'FROM quay.io/astronomer/astro-runtime:12.1.0\n' });
      assert.equal(detectFlavor(dir), 'astro');
      const d = runnerDefaults({ projectDir: dir });
      assert.equal(d.flavor, 'astro');
      assert.match(d.airflowVersion, /^2\.10\./);
    });
    it('an explicit target decides flavour and version', () => {
      const dir = mk({ 'dags/a.py': '' });
      const d = runnerDefaults({ projectDir: dir, target: 'mwaa:2.9.2' });
      assert.deepEqual([d.flavor, d.airflowVersion], ['mwaa', '2.9.2']);
      const o = runnerDefaults({ projectDir: dir, target: 'airflow:2.10.5' });
      assert.deepEqual([o.flavor, o.airflowVersion], ['oss', '2.10.5']);
      const e = runnerDefaults({ projectDir: dir, flavor: 'oss', airflowVersion: '3.0.2' });
      assert.deepEqual([e.flavor, e.airflowVersion], ['oss', '3.0.2']);
    });
  });
});

describe('runner helpers', () => {
  it('locates syntax and runtime import errors on the host file and line', () => {
    const mount = { host: '/home/u/proj/dags', container: '/usr/local/airflow/dags' };
    const syntax = locateImportError(
      {
        filename: '/usr/local/airflow/dags/sub/broken.py',
        stack_trace:
          'Traceback (most recent call last):\n  File "<frozen importlib._bootstrap>", line 241, in _call_with_frames_removed\n  File "/usr/local/airflow/dags/sub/broken.py", line 3\n    def build(:\n              ^\nSyntaxError: invalid syntax\n',
      },
      mount,
    );
    assert.deepEqual([syntax.file, syntax.line, syntax.message], ['/home/u/proj/dags/sub/broken.py', 3, 'SyntaxError: invalid syntax']);
    const runtime = locateImportError(
      {
        filename: '/usr/local/airflow/dags/a.py',
        stack_trace:
          'Traceback (most recent call last):\n  File "/usr/local/airflow/dags/a.py", line 7, in <module>\n    from helpers import x\n  File "/usr/local/airflow/dags/helpers.py", line 2, in <module>\n    import nope\n  File "/usr/local/lib/python3.11/site-packages/x.py", line 9\nModuleNotFoundError: No module named \'nope\'\n',
      },
      mount,
    );
    assert.deepEqual([runtime.file, runtime.line], ['/home/u/proj/dags/helpers.py', 2]);
    const outside = locateImportError({ filename: '/elsewhere/x.py', stack_trace: 'ValueError: source code string cannot contain null bytes' }, mount);
    assert.equal(outside.file, undefined);
    assert.equal(outside.line, undefined);
  });

  it('maps dockerode failures to clear errors', () => {
    const down = toDockerError(Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT' }), 'x');
    assert.equal(down.code, 'docker.daemonDown');
    assert.match(down.hint!, /start/i);
    assert.equal(toDockerError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'x').code, 'docker.daemonDown');
    const perm = toDockerError(Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' }), 'x');
    assert.equal(perm.code, 'docker.socketPermission');
    assert.match(perm.hint!, /docker group/);
    const img = toDockerError({ statusCode: 404, json: { message: 'No such image: postgres:13' }, message: '(HTTP code 404) no such container - No such image: postgres:13 ' }, 'x');
    assert.equal(img.code, 'docker.imageMissing');
    assert.match(img.hint!, /docker pull postgres:13/);
    const port = toDockerError(
      { statusCode: 500, json: { message: 'driver failed programming external connectivity on endpoint x (y): Error starting userland proxy: listen tcp4 127.0.0.1:8080: bind: address already in use' } },
      'x',
      { port: 8080 },
    );
    assert.equal(port.code, 'runner.portInUse');
    assert.equal(port.exitCode, 2);
    const other = toDockerError({ statusCode: 500, message: '(HTTP code 500) server error - boom ' }, 'create x');
    assert.equal(other.message, 'Docker could not create x: boom');
  });

  it('extra labels from MANAGED_AIRFLOW_RUNNER_LABELS, never overriding ours', () => {
    assert.deepEqual(envLabels({ MANAGED_AIRFLOW_RUNNER_LABELS: 'managed-airflow.test=1, ci.run = 42,managed-airflow.project=evil,bad' }), { 'managed-airflow.test': '1', 'ci.run': '42' });
    assert.deepEqual(envLabels({}), {});
  });

  it('parses multiplexed log buffers per stream', () => {
    const frame = (kind: number, text: string) => {
      const body = Buffer.from(text);
      const h = Buffer.alloc(8);
      h[0] = kind;
      h.writeUInt32BE(body.length, 4);
      return Buffer.concat([h, body]);
    };
    const lines = parseMultiplexed(Buffer.concat([frame(1, 'a\nb'), frame(2, 'err\n'), frame(1, 'c\n')]));
    assert.deepEqual(lines, [
      { stream: 'stdout', line: 'a' },
      { stream: 'stderr', line: 'err' },
      { stream: 'stdout', line: 'bc' },
    ]);
  });

  it('honours .dockerignore for the Astro build context but always sends the Dockerfile', () => {
    const dir = project({ Dockerfile: 'FROM x\n', '.dockerignore': 'Dockerfile\n.venv/\n*.log\n', 'dags/a.py': '', '.venv/lib/x.py': '', 'build.log': '', 'requirements.txt': '' });
    try {
      assert.deepEqual(contextFiles(dir).sort(), ['.dockerignore', 'Dockerfile', 'dags/a.py', 'requirements.txt']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('picks 8080 or the next free port, and refuses a busy explicit port', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const busy = (srv.address() as net.AddressInfo).port;
    try {
      const next = await choosePort(undefined, busy);
      assert.ok(next > busy);
      await assert.rejects(choosePort(busy), (e: ManagedAirflowError) => e.code === 'runner.portInUse' && e.kind === 'conflict' && /--port/.test(e.hint!));
      await assert.rejects(choosePort(70000), (e: ManagedAirflowError) => e.code === 'runner.badPort');
    } finally {
      srv.close();
    }
  });
});

describe('runner manifest entries', () => {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
  it('declares every runner setting with a description, and the defaults normalise to "follow the lint target"', () => {
    const props = pkg.contributes.configuration.properties;
    const defaults: Record<string, unknown> = {};
    for (const key of RUNNER_SETTING_KEYS) {
      const p = props[`managedAirflow.${key}`];
      assert.ok(p, `managedAirflow.${key} missing`);
      assert.ok(p.markdownDescription && p.scope, key);
      defaults[key.replace('runner.', '')] = p.default;
    }
    assert.deepEqual(normaliseRunnerSettings(defaults), { flavor: undefined, airflowVersion: '', image: '', port: 0 });
    assert.deepEqual(normaliseRunnerSettings({ flavor: 'astro', airflowVersion: ' 3.0.2 ', port: 8081, image: 'x' }), { flavor: 'astro', airflowVersion: '3.0.2', image: 'x', port: 8081 });
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('managedAirflow.runner.image'));
  });
  it('declares every runner command with the Managed Airflow category', () => {
    for (const id of RUNNER_COMMANDS) {
      const c = pkg.contributes.commands.find((x: { command: string }) => x.command === id);
      assert.ok(c, `${id} missing`);
      assert.equal(c.category, 'Managed Airflow');
    }
  });
});
