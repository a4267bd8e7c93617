/**
 * What a local runner consists of, as plain data: the network, volumes and containers each
 * flavour needs (images, commands, env, mounts, ports). No Docker calls here, so unit tests
 * check the specs against what the MWAA images, `astro dev start` and the apache/airflow image
 * expect.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ManagedAirflowError } from '../errors';
import type { RunnerFlavor } from '../protocol/runner';

export const LABEL_PROJECT = 'managed-airflow.project';
export const LABEL_FLAVOR = 'managed-airflow.flavor';
export const LABEL_COMPONENT = 'managed-airflow.component';
export const LABEL_PORT = 'managed-airflow.port';
export const LABEL_VERSION = 'managed-airflow.airflow-version';
export const LABEL_DIR = 'managed-airflow.project-dir';
export const LABEL_ROLE = 'managed-airflow.role';
export const LABEL_DAGS = 'managed-airflow.dags-dir';

export interface RunnerOptions {
  /** Project folder (absolute): holds dags/, plugins/, requirements… */
  projectDir: string;
  flavor: RunnerFlavor;
  /** Airflow version, e.g. "2.10.3" or "3.0.2" (defaults to the lint target's version). */
  airflowVersion: string;
  /** Python minor version for the OSS image tag, default 3.12. */
  python?: string;
  /** Airflow image override (MWAA and OSS; Astro always builds the project's Dockerfile). */
  image?: string;
  /** Metadata database image override (default postgres:13, Astro postgres:12.6). */
  postgresImage?: string;
  /** MWAA only: SQS stand-in (ElasticMQ) image override. */
  sqsImage?: string;
  /** OSS only: metadata database; default sqlite. */
  database?: 'sqlite' | 'postgres';
  /** Host port of the UI; the runner picks it (8080 or the next free) when absent. */
  port?: number;
  /** DAGs folder relative to projectDir, default "dags". */
  dagsDir?: string;
  /** Extra environment for the Airflow containers (never secrets from settings). */
  env?: Record<string, string>;
  /** Extra labels on every object (tests add managed-airflow.test=1). */
  labels?: Record<string, string>;
}

export interface MountSpec {
  /** Absolute host path (bind) or volume name (volume). */
  source: string;
  target: string;
  type: 'bind' | 'volume';
  readOnly?: boolean;
}

export interface ContainerSpec {
  /** Component name (also the network alias other containers use). */
  component: string;
  name: string;
  image: string;
  cmd?: string[];
  env: Record<string, string>;
  mounts: MountSpec[];
  /** Container port 8080 published on 127.0.0.1:<hostPort>. */
  publish?: { containerPort: number; hostPort: number };
  /**
   * 'web' serves the UI and health; 'exec' is where `airflow dags test` runs; 'db' / 'sidecar'
   * start first; 'init' runs to completion (exit 0) before the other Airflow containers start.
   */
  roles: Array<'web' | 'exec' | 'db' | 'sidecar' | 'init'>;
  labels: Record<string, string>;
  user?: string;
}

export interface VolumeSpec {
  name: string;
  /** 'metadata' volumes are removed by reset. */
  purpose: 'metadata';
  labels: Record<string, string>;
}

export interface BuildSpec {
  /** Folder with the Dockerfile (the project). */
  context: string;
  dockerfile: string;
  tag: string;
  labels: Record<string, string>;
}

export interface RunnerPlan {
  projectId: string;
  flavor: RunnerFlavor;
  airflowVersion: string;
  major: 2 | 3;
  port: number;
  network: { name: string; labels: Record<string, string> };
  volumes: VolumeSpec[];
  /** In start order (database first). */
  containers: ContainerSpec[];
  build?: BuildSpec;
  /** Health endpoint path on the web container. */
  healthPath: string;
  /** REST prefix for import errors: /api/v1 or /api/v2. */
  apiPrefix: '/api/v1' | '/api/v2';
  /** Container folder the host DAGs folder is mounted on (to map import errors back). */
  dagsMount: { host: string; container: string };
  /** REST credentials the runner configures (local only; not secrets of the user). */
  apiAuth: { username: string; password: string };
  /** Labels that select every object of this project (for reconnect / cleanup). */
  selector: Record<string, string>;
}

/** Stable id of a project folder: readable name + short hash of the absolute path. */
export function projectIdOf(projectDir: string): string {
  const abs = path.resolve(projectDir);
  const base = path.basename(abs).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30) || 'project';
  return `${base}-${createHash('sha256').update(abs).digest('hex').slice(0, 8)}`;
}

export function airflowMajor(version: string): 2 | 3 {
  const m = /^(\d+)\./.exec(version.trim());
  if (!m) throw new ManagedAirflowError('usage', 'runner.badVersion', `"${version}" is not an Airflow version`, { hint: 'Use a version such as 2.10.3 or 3.0.2.' });
  const major = Number(m[1]);
  if (major !== 2 && major !== 3) {
    throw new ManagedAirflowError('usage', 'runner.unsupportedVersion', `Airflow ${version} is not supported by the local runner`, { hint: 'Use Airflow 2.x or 3.x.' });
  }
  return major;
}

/** MWAA images are built locally from aws/amazon-mwaa-docker-images (`./run.sh` / `./build.sh` tag them so). */
export function defaultMwaaImage(version: string): string {
  return `amazon-mwaa-docker-images/airflow:${version}`;
}
export function defaultOssImage(version: string, python = '3.12'): string {
  return `apache/airflow:${version}-python${python}`;
}
export function astroImageTag(projectId: string): string {
  return `managed-airflow-${projectId}/airflow:latest`;
}
export const DEFAULT_POSTGRES = { mwaa: 'postgres:13', astro: 'postgres:12.6', oss: 'postgres:13' } as const;
export const DEFAULT_SQS_IMAGE = 'softwaremill/elasticmq:latest';

/** Fernet key derived from the project id: stable across restarts (encrypted connections survive), local only. */
function fernetKeyOf(projectId: string): string {
  return createHash('sha256').update(`managed-airflow-local:${projectId}`).digest().toString('base64url') + '=';
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Astro projects are recognised by a Dockerfile FROM an astro-runtime image. */
export function detectFlavor(projectDir: string): RunnerFlavor | undefined {
  const df = path.join(projectDir, 'Dockerfile');
  if (existsSync(df) && /^\s*FROM\s+\S*astro-runtime/im.test(readFileSync(df, 'utf8'))) return 'astro';
  if (isDir(path.join(projectDir, 'requirements')) || isDir(path.join(projectDir, 'startup'))) return 'mwaa';
  return undefined;
}

/**
 * The containers, volumes and network for one project and flavour. `port` must already be
 * chosen (see ports.ts). Throws config errors for missing folders.
 */
export function planRunner(opts: RunnerOptions & { port: number }): RunnerPlan {
  const projectDir = path.resolve(opts.projectDir);
  const major = airflowMajor(opts.airflowVersion);
  const projectId = projectIdOf(projectDir);
  const dagsHost = path.resolve(projectDir, opts.dagsDir ?? 'dags');
  if (!isDir(dagsHost)) {
    throw new ManagedAirflowError('config', 'runner.noDags', `No DAGs folder at ${dagsHost}`, {
      hint: 'Run from the project folder that holds dags/ (or set the DAGs folder), then start again.',
      source: projectDir,
    });
  }
  const selector = { [LABEL_PROJECT]: projectId };
  const common: Record<string, string> = {
    ...selector,
    [LABEL_FLAVOR]: opts.flavor,
    [LABEL_VERSION]: opts.airflowVersion,
    [LABEL_PORT]: String(opts.port),
    [LABEL_DIR]: projectDir,
    [LABEL_DAGS]: dagsHost,
    ...(opts.labels ?? {}),
  };
  const prefix = `ma-${projectId}`;
  const base = {
    projectId,
    flavor: opts.flavor,
    airflowVersion: opts.airflowVersion,
    major,
    port: opts.port,
    network: { name: prefix, labels: common },
    healthPath: major === 3 ? '/api/v2/monitor/health' : '/health',
    apiPrefix: (major === 3 ? '/api/v2' : '/api/v1') as RunnerPlan['apiPrefix'],
    apiAuth: { username: 'admin', password: 'admin' },
    selector,
  };
  const ctx: FlavorCtx = { opts, projectDir, dagsHost, major, projectId, prefix, common };
  switch (opts.flavor) {
    case 'mwaa':
      return { ...base, ...planMwaa(ctx) };
    case 'astro':
      return { ...base, ...planAstro(ctx) };
    case 'oss':
      return { ...base, ...planOss(ctx) };
    default:
      throw new ManagedAirflowError('usage', 'runner.badFlavor', `Unknown runner flavour "${String(opts.flavor)}"`, { hint: 'Use mwaa, astro or oss.' });
  }
}

interface FlavorCtx {
  opts: RunnerOptions & { port: number };
  projectDir: string;
  dagsHost: string;
  major: 2 | 3;
  projectId: string;
  prefix: string;
  common: Record<string, string>;
}
type FlavorPart = Pick<RunnerPlan, 'volumes' | 'containers' | 'dagsMount' | 'build'>;

function labelsFor(ctx: FlavorCtx, component: string, roles: ContainerSpec['roles']): Record<string, string> {
  return { ...ctx.common, [LABEL_COMPONENT]: component, [LABEL_ROLE]: roles.join(',') };
}

function container(ctx: FlavorCtx, c: Omit<ContainerSpec, 'name' | 'labels'>): ContainerSpec {
  return { ...c, name: `${ctx.prefix}-${c.component}`, labels: labelsFor(ctx, c.component, c.roles) };
}

function metadataVolume(ctx: FlavorCtx, suffix: string): VolumeSpec {
  return { name: `${ctx.prefix}-${suffix}`, purpose: 'metadata', labels: { ...ctx.common, [LABEL_COMPONENT]: suffix } };
}

function postgres(ctx: FlavorCtx, image: string, vol: VolumeSpec, env: Record<string, string> = { POSTGRES_USER: 'airflow', POSTGRES_PASSWORD: 'airflow', POSTGRES_DB: 'airflow' }): ContainerSpec {
  return container(ctx, {
    component: 'postgres',
    image,
    // Explicit so a non-Postgres image used as a stand-in still knows its role.
    cmd: ['postgres'],
    env,
    mounts: [{ type: 'volume', source: vol.name, target: '/var/lib/postgresql/data' }],
    roles: ['db'],
  });
}

function publish(ctx: FlavorCtx): ContainerSpec['publish'] {
  return { containerPort: 8080, hostPort: ctx.opts.port };
}

/**
 * MWAA as aws/amazon-mwaa-docker-images' docker-compose.yaml lays it out: postgres:13, an SQS
 * stand-in (ElasticMQ), and webserver / scheduler / worker from the MWAA image, with dags/,
 * plugins/, requirements/ and startup/ mounted under /usr/local/airflow and MWAA__* settings.
 */
function planMwaa(ctx: FlavorCtx): FlavorPart {
  const { opts, projectDir } = ctx;
  const image = opts.image ?? defaultMwaaImage(opts.airflowVersion);
  const vol = metadataVolume(ctx, 'pgdata');
  const home = '/usr/local/airflow';
  const mounts: MountSpec[] = [{ type: 'bind', source: ctx.dagsHost, target: `${home}/dags` }];
  for (const dir of ['plugins', 'requirements', 'startup']) {
    const host = path.join(projectDir, dir);
    if (isDir(host)) mounts.push({ type: 'bind', source: host, target: `${home}/${dir}` });
  }
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    MWAA__CORE__AUTH_TYPE: 'testing',
    MWAA__CORE__CUSTOM_AIRFLOW_CONFIGS: '{}',
    MWAA__CORE__FERNET_KEY: JSON.stringify({ FernetKey: fernetKeyOf(ctx.projectId) }),
    MWAA__WEBSERVER__SECRET: JSON.stringify({ secret_key: ctx.projectId }),
    MWAA__DB__CREDENTIALS: JSON.stringify({ username: 'airflow', password: 'airflow' }),
    MWAA__DB__POSTGRES_DB: 'airflow',
    MWAA__DB__POSTGRES_HOST: 'postgres',
    MWAA__DB__POSTGRES_PORT: '5432',
    MWAA__DB__POSTGRES_SSLMODE: 'prefer',
    MWAA__SQS__CREATE_QUEUE: 'True',
    MWAA__SQS__CUSTOM_ENDPOINT: 'http://sqs:9324',
    MWAA__SQS__QUEUE_URL: 'http://sqs:9324/000000000000/celery-queue',
    MWAA__SQS__USE_SSL: 'False',
    MWAA__CORE__TASK_MONITORING_ENABLED: 'false',
    MWAA__CORE__TERMINATE_IF_IDLE: 'false',
    MWAA__CORE__MWAA_SIGNAL_HANDLING_ENABLED: 'false',
  };
  if (existsSync(path.join(projectDir, 'requirements', 'requirements.txt'))) env.MWAA__CORE__REQUIREMENTS_PATH = `${home}/requirements/requirements.txt`;
  if (existsSync(path.join(projectDir, 'startup', 'startup.sh'))) env.MWAA__CORE__STARTUP_SCRIPT_PATH = `${home}/startup/startup.sh`;
  // Airflow 3 images serve the API server under the same `webserver` command; the execution API
  // must be reachable from the worker, hence the network alias.
  if (ctx.major === 3) env.MWAA__CORE__API_SERVER_URL = 'http://webserver:8080';
  Object.assign(env, opts.env ?? {});
  const airflow = (component: string, cmd: string, roles: ContainerSpec['roles'], extra: Partial<ContainerSpec> = {}) =>
    container(ctx, { component, image, cmd: [cmd], env, mounts, roles, ...extra });
  return {
    volumes: [vol],
    containers: [
      postgres(ctx, opts.postgresImage ?? DEFAULT_POSTGRES.mwaa, vol),
      container(ctx, { component: 'sqs', image: opts.sqsImage ?? DEFAULT_SQS_IMAGE, env: {}, mounts: [], roles: ['sidecar'] }),
      // Airflow 3 compose files migrate in a one-shot `migrate-db` service the others wait for.
      ...(ctx.major === 3 ? [airflow('migratedb', 'migrate-db', ['init'])] : []),
      airflow('webserver', 'webserver', ['web'], { publish: publish(ctx) }),
      airflow('scheduler', 'scheduler', ['exec']),
      airflow('worker', 'worker', []),
    ],
    dagsMount: { host: ctx.dagsHost, container: `${home}/dags` },
  };
}

/** Astro as `astro dev start` runs it: the project's image built from its Dockerfile, Postgres, and one container per Airflow component. */
function planAstro(ctx: FlavorCtx): FlavorPart {
  const { opts, projectDir, major } = ctx;
  const dockerfile = path.join(projectDir, 'Dockerfile');
  if (!existsSync(dockerfile)) {
    throw new ManagedAirflowError('config', 'runner.noDockerfile', `No Dockerfile in ${projectDir}`, {
      hint: 'An Astro project has a Dockerfile `FROM quay.io/astronomer/astro-runtime:<version>`; run `astro dev init` or pick another flavour.',
      source: projectDir,
    });
  }
  // The image is always the project's own build (like `astro dev start`); `image` does not apply.
  const tag = astroImageTag(ctx.projectId);
  const vol = metadataVolume(ctx, 'pgdata');
  const home = '/usr/local/airflow';
  const mounts: MountSpec[] = [{ type: 'bind', source: ctx.dagsHost, target: `${home}/dags` }];
  for (const dir of ['plugins', 'include', 'tests']) {
    const host = path.join(projectDir, dir);
    if (isDir(host)) mounts.push({ type: 'bind', source: host, target: `${home}/${dir}` });
  }
  const conn = 'postgresql://postgres:postgres@postgres:5432';
  const env: Record<string, string> = {
    AIRFLOW__CORE__EXECUTOR: 'LocalExecutor',
    AIRFLOW__CORE__SQL_ALCHEMY_CONN: conn,
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: conn,
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__CORE__FERNET_KEY: fernetKeyOf(ctx.projectId),
    AIRFLOW__WEBSERVER__SECRET_KEY: ctx.projectId,
    AIRFLOW__WEBSERVER__RBAC: 'True',
    AIRFLOW__WEBSERVER__EXPOSE_CONFIG: 'True',
    ASTRONOMER_ENVIRONMENT: 'local',
  };
  if (major === 3) {
    Object.assign(env, {
      AIRFLOW__API__BASE_URL: `http://localhost:${opts.port}`,
      AIRFLOW__API__PORT: '8080',
      AIRFLOW__CORE__AUTH_MANAGER: 'airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager',
      AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS: 'True',
      AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: 'admin:admin',
      AIRFLOW__CORE__EXECUTION_API_SERVER_URL: 'http://api-server:8080/execution/',
      AIRFLOW__SCHEDULER__STANDALONE_DAG_PROCESSOR: 'True',
    });
  } else {
    env.AIRFLOW__API__AUTH_BACKENDS = 'airflow.api.auth.backend.basic_auth,airflow.api.auth.backend.session';
  }
  Object.assign(env, opts.env ?? {});
  // The scheduler migrates the database; the others wait for the migration (`astro dev start`
  // orders this with depends_on, which the Engine API does not have).
  const waitDb = 'airflow db check-migrations -t 600';
  const sh = (script: string) => ['sh', '-c', script];
  const af = (component: string, cmd: string[], roles: ContainerSpec['roles'], extra: Partial<ContainerSpec> = {}) =>
    container(ctx, { component, image: tag, cmd, env, mounts, roles, ...extra });
  // astro-cli's defaults: docker.io/postgres:12.6 with user and password postgres.
  const containers: ContainerSpec[] = [postgres(ctx, opts.postgresImage ?? DEFAULT_POSTGRES.astro, vol, { POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: 'postgres' })];
  containers.push(af('scheduler', sh('(airflow db migrate || airflow db upgrade) && exec airflow scheduler'), ['exec']));
  if (major === 3) {
    containers.push(af('api-server', sh(`${waitDb} && exec airflow api-server`), ['web'], { publish: publish(ctx) }));
    containers.push(af('dag-processor', sh(`${waitDb} && exec airflow dag-processor`), []));
  } else {
    containers.push(
      af('webserver', sh(`${waitDb} && { airflow users create -r Admin -u admin -e admin@example.com -f admin -l user -p admin || true; } && exec airflow webserver`), ['web'], {
        publish: publish(ctx),
      }),
    );
  }
  containers.push(af('triggerer', sh(`${waitDb} && exec airflow triggerer`), []));
  return {
    volumes: [vol],
    containers,
    dagsMount: { host: ctx.dagsHost, container: `${home}/dags` },
    build: { context: projectDir, dockerfile: 'Dockerfile', tag, labels: { [LABEL_PROJECT]: ctx.projectId, [LABEL_FLAVOR]: 'astro', ...(opts.labels ?? {}) } },
  };
}

/** OSS: apache/airflow `standalone` (all components in one container) on SQLite or Postgres. */
function planOss(ctx: FlavorCtx): FlavorPart {
  const { opts, major } = ctx;
  const image = opts.image ?? defaultOssImage(opts.airflowVersion, opts.python);
  const home = '/opt/airflow';
  const db = opts.database ?? 'sqlite';
  const env: Record<string, string> = {
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__CORE__FERNET_KEY: fernetKeyOf(ctx.projectId),
  };
  const containers: ContainerSpec[] = [];
  const volumes: VolumeSpec[] = [];
  const mounts: MountSpec[] = [];
  if (db === 'postgres') {
    const vol = metadataVolume(ctx, 'pgdata');
    volumes.push(vol);
    containers.push(postgres(ctx, opts.postgresImage ?? DEFAULT_POSTGRES.oss, vol));
    env.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN = 'postgresql+psycopg2://airflow:airflow@postgres:5432/airflow';
  } else {
    // A named volume on AIRFLOW_HOME keeps airflow.db (and airflow.cfg) across restarts; Docker
    // seeds it from the image, so it stays owned by the airflow user.
    const vol = metadataVolume(ctx, 'home');
    volumes.push(vol);
    mounts.push({ type: 'volume', source: vol.name, target: home });
  }
  mounts.push({ type: 'bind', source: ctx.dagsHost, target: `${home}/dags` });
  const plugins = path.join(ctx.projectDir, 'plugins');
  if (isDir(plugins)) mounts.push({ type: 'bind', source: plugins, target: `${home}/plugins` });
  if (major === 3) {
    Object.assign(env, {
      AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: 'admin:admin',
      AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS: 'True',
      AIRFLOW__API__BASE_URL: `http://localhost:${opts.port}`,
    });
  } else {
    // The image's entrypoint migrates and creates admin/admin before `standalone` starts.
    Object.assign(env, {
      _AIRFLOW_DB_MIGRATE: 'true',
      // The variable's name before Airflow 2.7 images.
      _AIRFLOW_DB_UPGRADE: 'true',
      _AIRFLOW_WWW_USER_CREATE: 'true',
      _AIRFLOW_WWW_USER_USERNAME: 'admin',
      _AIRFLOW_WWW_USER_PASSWORD: 'admin',
      AIRFLOW__API__AUTH_BACKENDS: 'airflow.api.auth.backend.basic_auth,airflow.api.auth.backend.session',
    });
  }
  Object.assign(env, opts.env ?? {});
  containers.push(container(ctx, { component: 'airflow', image, cmd: ['standalone'], env, mounts, roles: ['web', 'exec'], publish: publish(ctx) }));
  return { volumes, containers, dagsMount: { host: ctx.dagsHost, container: `${home}/dags` } };
}
