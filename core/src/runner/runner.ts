/**
 * The local runner: one project's Airflow in Docker, driven through dockerode only.
 * start → (build) → network, volumes, containers → healthy; status; logs; test-dag (exec);
 * import errors (REST); stop; reset (also the metadata volume). Every object carries the
 * project / flavour labels, so a runner started by another process (the CLI, an earlier
 * VS Code window) is found again by its labels.
 */
import type Docker from 'dockerode';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';
import { ManagedAirflowError } from '../errors';
import type { ComponentStatus, RunnerFlavor, RunnerImportError, RunnerLogLine, RunnerStatus } from '../protocol/runner';
import { connectDocker, demuxLines, imageMissingError, isPortConflict, parseMultiplexed, toDockerError } from './docker';
import { componentHealth, fetchHealth, httpRequest, isHealthy } from './health';
import { locateImportError, type RawImportError } from './importErrors';
import { choosePort, portInUseError } from './ports';
import {
  LABEL_COMPONENT,
  LABEL_DAGS,
  LABEL_DIR,
  LABEL_FLAVOR,
  LABEL_PORT,
  LABEL_PROJECT,
  LABEL_ROLE,
  LABEL_VERSION,
  airflowMajor,
  planRunner,
  projectIdOf,
  type ContainerSpec,
  type RunnerOptions,
  type RunnerPlan,
} from './spec';

export interface StartOptions extends RunnerOptions {
  /** Pull missing pullable images (with progress) instead of failing with how to get them. */
  pull?: boolean;
  /** Progress messages ("Creating network…", pull / build progress). */
  onProgress?: (message: string) => void;
  /** How long to wait for healthy (default 5 minutes: real Airflow migrates the DB first). */
  healthTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface LogFollow {
  /** Resolves when every stream ended (containers stopped, or stop() called). */
  done: Promise<void>;
  stop(): void;
}

interface Found {
  id: string;
  component: string;
  state: string;
  labels: Record<string, string>;
  created: number;
}

const STOP_TIMEOUT_S = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class LocalRunner {
  readonly projectDir: string;
  readonly projectId: string;
  private readonly docker: Docker;

  constructor(projectDir: string, deps: { docker?: Docker } = {}) {
    this.projectDir = path.resolve(projectDir);
    this.projectId = projectIdOf(this.projectDir);
    this.docker = deps.docker ?? connectDocker();
  }

  private get filter() {
    return { label: [`${LABEL_PROJECT}=${this.projectId}`] };
  }

  /** Fails with daemon-down / socket-permission errors before anything else is attempted. */
  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (e) {
      throw toDockerError(e, 'be reached');
    }
  }

  private async containers(): Promise<Found[]> {
    try {
      const list = await this.docker.listContainers({ all: true, filters: this.filter });
      return list.map((c) => ({ id: c.Id, component: c.Labels[LABEL_COMPONENT] ?? c.Names[0], state: c.State, labels: c.Labels, created: c.Created }));
    } catch (e) {
      throw toDockerError(e, 'list containers');
    }
  }

  // ------------------------------------------------------------------ start

  async start(opts: StartOptions): Promise<RunnerStatus> {
    const progress = opts.onProgress ?? (() => undefined);
    await this.ping();
    airflowMajor(opts.airflowVersion);
    const existing = await this.containers();
    if (existing.length) {
      const st = await this.status();
      if (existing.every((c) => c.state === 'running') && st.state !== 'stopped') {
        if (st.flavor !== opts.flavor || st.airflowVersion !== opts.airflowVersion) {
          throw new ManagedAirflowError('conflict', 'runner.alreadyRunning', `A ${st.flavor} runner with Airflow ${st.airflowVersion} is already running for this project at ${st.url}`, {
            hint: `Stop it first (\`managed-airflow local stop\`, or Restart in the panel) to switch to ${opts.flavor} / Airflow ${opts.airflowVersion}.`,
          });
        }
        progress(`Already running at ${st.url}`);
        if (st.state === 'healthy') return st;
        return this.waitHealthy(this.planFromLabels(existing), opts);
      }
      progress('Removing the previous, incomplete runner');
      await this.removeContainersAndNetwork(existing);
    }
    const port = await choosePort(opts.port || undefined);
    const plan = planRunner({ ...opts, labels: { ...envLabels(), ...(opts.labels ?? {}) }, projectDir: this.projectDir, port });
    if (plan.build) await this.build(plan, progress, opts.signal);
    await this.ensureImages(plan, opts, progress);
    try {
      progress(`Creating network ${plan.network.name}`);
      await this.ensureNetwork(plan);
      for (const v of plan.volumes) await this.docker.createVolume({ Name: v.name, Labels: v.labels });
      // Side-cars (database, queue) first; Airflow components together once the database answers,
      // which is what `depends_on: condition: service_healthy` does in the compose files.
      const has = (c: ContainerSpec, r: ContainerSpec['roles'][number]) => c.roles.includes(r);
      const waves = [
        plan.containers.filter((c) => has(c, 'db') || has(c, 'sidecar')),
        plan.containers.filter((c) => has(c, 'init')),
        plan.containers.filter((c) => !has(c, 'db') && !has(c, 'sidecar') && !has(c, 'init')),
      ];
      for (const [i, wave] of waves.entries()) {
        opts.signal?.throwIfAborted();
        if (!wave.length) continue;
        progress(`${i === 1 ? 'Running' : 'Starting'} ${wave.map((c) => c.component).join(', ')}`);
        const ids = await Promise.all(wave.map((spec) => this.createAndStart(spec, plan)));
        if (i === 0) await this.waitForDatabase(plan, progress, opts.signal);
        if (i === 1) for (const id of ids) await this.runToCompletion(id);
      }
    } catch (e) {
      // A failed start leaves "created" containers behind (the port conflict case): remove them all.
      await this.removeContainersAndNetwork(await this.containers().catch(() => []));
      if (e instanceof ManagedAirflowError) throw e;
      if (opts.signal?.aborted) throw cancelled('The start was cancelled; nothing was left running.');
      throw toDockerError(e, 'start the runner', { port });
    }
    try {
      return await this.waitHealthy(plan, opts);
    } catch (e) {
      if (opts.signal?.aborted && !(e instanceof ManagedAirflowError)) {
        throw cancelled('Stopped waiting for Airflow; the containers keep starting (`managed-airflow local status`, `local stop`).');
      }
      throw e;
    }
  }

  private async createAndStart(spec: ContainerSpec, plan: RunnerPlan): Promise<string> {
    const c = await this.docker.createContainer(this.toCreateOptions(spec, plan));
    try {
      await c.start();
    } catch (e) {
      if (isPortConflict(e) && spec.publish) throw portInUseError(spec.publish.hostPort, e);
      throw e;
    }
    return c.id;
  }

  /** One-shot containers (database migration): wait for exit 0, then remove; else report like a crash. */
  private async runToCompletion(id: string): Promise<void> {
    const res = (await this.docker.getContainer(id).wait()) as { StatusCode?: number };
    const found = (await this.containers()).find((c) => c.id === id);
    if (res.StatusCode !== 0 && found) return this.failExited(found);
    await this.docker.getContainer(id).remove({ force: true }).catch(ignore404);
  }

  /** `pg_isready` in the database container until it accepts connections (images without it: skip). */
  private async waitForDatabase(plan: RunnerPlan, progress: (m: string) => void, signal?: AbortSignal): Promise<void> {
    const db = (await this.containers()).find((c) => (c.labels[LABEL_ROLE] ?? '').split(',').includes('db'));
    if (!db) return;
    const user = plan.containers.find((c) => c.roles.includes('db'))?.env.POSTGRES_USER ?? 'postgres';
    progress('Waiting for the metadata database');
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      signal?.throwIfAborted();
      let code: number | null;
      try {
        code = await this.execQuiet(db.id, ['pg_isready', '-h', '127.0.0.1', '-U', user]);
      } catch (e) {
        const st = (e as { statusCode?: number }).statusCode;
        if (st === 409 || st === 404) return this.failExited(db);
        throw e;
      }
      if (code === 0 || code === 126 || code === 127) return;
      await sleep(200);
    }
  }

  private async execQuiet(id: string, cmd: string[]): Promise<number | null> {
    const exec = await this.docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    await new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
      stream.resume();
    });
    for (let i = 0; i < 40; i++) {
      const info = await exec.inspect();
      if (!info.Running) return info.ExitCode;
      await sleep(25);
    }
    return null;
  }

  private async failExited(dead: Found): Promise<never> {
    const info = await this.docker.getContainer(dead.id).inspect().catch(() => undefined);
    const lines = await this.lastLines(dead.id, 20);
    const code = info?.State?.ExitCode;
    await this.removeContainersAndNetwork(await this.containers());
    throw new ManagedAirflowError('docker', 'runner.containerExited', `The ${dead.component} container exited${code !== undefined ? ` with code ${code}` : ''} during start. Last log lines:\n${lines.join('\n') || '(no output)'}`, {
      hint: 'Fix the cause shown in the log (requirements, startup script, DAG folder…), then start again.',
      details: { component: dead.component, exitCode: code, lastLines: lines },
    });
  }

  private toCreateOptions(spec: ContainerSpec, plan: RunnerPlan): Docker.ContainerCreateOptions {
    const binds = spec.mounts.map((m) => ({
      Type: m.type,
      Source: m.source,
      Target: m.target,
      ReadOnly: !!m.readOnly,
    }));
    return {
      name: spec.name,
      Image: spec.image,
      Cmd: spec.cmd,
      Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
      Labels: spec.labels,
      User: spec.user,
      ExposedPorts: spec.publish ? { [`${spec.publish.containerPort}/tcp`]: {} } : undefined,
      HostConfig: {
        // An init as pid 1 forwards SIGTERM, so stop takes milliseconds instead of the timeout.
        Init: true,
        Mounts: binds as Docker.MountConfig,
        NetworkMode: plan.network.name,
        PortBindings: spec.publish ? { [`${spec.publish.containerPort}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(spec.publish.hostPort) }] } : undefined,
      },
      NetworkingConfig: { EndpointsConfig: { [plan.network.name]: { Aliases: [spec.component] } } },
    };
  }

  private async ensureNetwork(plan: RunnerPlan): Promise<void> {
    const nets = await this.docker.listNetworks({ filters: { name: [plan.network.name] } });
    if (nets.some((n) => n.Name === plan.network.name)) return;
    await this.docker.createNetwork({ Name: plan.network.name, Driver: 'bridge', Labels: plan.network.labels, CheckDuplicate: true });
  }

  private imageHint(image: string, plan: RunnerPlan): string | undefined {
    if (plan.flavor === 'mwaa' && plan.containers.some((c) => c.image === image && c.roles.includes('web'))) {
      return (
        `MWAA images are built locally, not pulled: \`git clone https://github.com/aws/amazon-mwaa-docker-images\`, set it up as its README says ` +
        `(Python venvs), then \`cd images/airflow/${plan.airflowVersion} && ./build.sh docker\` (it tags ${image}); or set another tag with --image / managedAirflow.runner.image.`
      );
    }
    return undefined;
  }

  private async hasImage(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return false;
      throw toDockerError(e, `inspect image ${image}`);
    }
  }

  /** Images are never pulled silently: missing ones fail with how to get them, unless `pull` was asked for. */
  private async ensureImages(plan: RunnerPlan, opts: StartOptions, progress: (m: string) => void): Promise<void> {
    // The Airflow image first: its absence is the interesting one (MWAA build instructions).
    const ordered = [...plan.containers].sort((a, b) => Number(b.roles.includes('web')) - Number(a.roles.includes('web')));
    const images = [...new Set(ordered.map((c) => c.image))];
    for (const image of images) {
      if (await this.hasImage(image)) continue;
      const hint = this.imageHint(image, plan);
      if (!opts.pull || hint) throw imageMissingError(image, hint);
      await this.pull(image, progress);
    }
  }

  /** Pull an image with progress ("Downloading 12.3 MB / 80.1 MB"). */
  async pull(image: string, progress: (m: string) => void = () => undefined): Promise<void> {
    progress(`Pulling ${image}`);
    try {
      const stream = await this.docker.pull(image);
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(
          stream,
          (err: unknown, out: Array<{ error?: string }>) => {
            const failed = err ?? out?.find((o) => o.error)?.error;
            if (failed) reject(failed instanceof Error ? failed : new Error(String(failed)));
            else resolve();
          },
          (ev: { status?: string; progress?: string; id?: string }) => {
            if (ev.status) progress(`${image}: ${ev.id ? `${ev.id} ` : ''}${ev.status}${ev.progress ? ` ${ev.progress}` : ''}`);
          },
        );
      });
    } catch (e) {
      throw toDockerError(e, `pull ${image}`);
    }
  }

  /** Astro: build the project's Dockerfile (honouring .dockerignore), like `astro dev start`. */
  private async build(plan: RunnerPlan, progress: (m: string) => void, signal?: AbortSignal): Promise<void> {
    const b = plan.build!;
    progress(`Building ${b.tag} from ${path.join(b.context, b.dockerfile)}`);
    const files = contextFiles(b.context);
    const out: string[] = [];
    try {
      const stream = await this.docker.buildImage({ context: b.context, src: files }, { t: b.tag, labels: b.labels, dockerfile: b.dockerfile, abortSignal: signal } as Docker.ImageBuildOptions);
      const failure = await new Promise<string | undefined>((resolve, reject) => {
        this.docker.modem.followProgress(
          stream,
          (err: unknown, items: Array<{ error?: string }>) => (err ? reject(err) : resolve(items.find((i) => i.error)?.error)),
          (ev: { stream?: string; error?: string }) => {
            const text = (ev.stream ?? ev.error ?? '').trimEnd();
            if (text) {
              out.push(text);
              progress(text);
            }
          },
        );
      });
      if (failure) {
        const missing = /pull access denied|not found|manifest unknown|no such host|lookup .* on/i.test(failure);
        throw new ManagedAirflowError('docker', 'runner.buildFailed', `Building ${b.tag} from ${b.dockerfile} failed: ${failure.trim()}`, {
          hint: missing
            ? 'The base image of the Dockerfile could not be pulled; pull it once (`docker pull <FROM image>`) or check the FROM line.'
            : 'Fix the Dockerfile or requirements.txt (last build lines are in the log), then start again.',
          source: path.join(b.context, b.dockerfile),
          details: { lastLines: out.slice(-15) },
        });
      }
    } catch (e) {
      throw toDockerError(e, `build ${b.tag}`);
    }
  }

  /** Poll health; fail early (with the last log lines) when a container exits. */
  private async waitHealthy(plan: Pick<RunnerPlan, 'port' | 'healthPath' | 'flavor' | 'airflowVersion'>, opts: StartOptions): Promise<RunnerStatus> {
    const progress = opts.onProgress ?? (() => undefined);
    const deadline = Date.now() + (opts.healthTimeoutMs ?? 300_000);
    progress(`Waiting for Airflow at http://127.0.0.1:${plan.port}${plan.healthPath}`);
    let round = 0;
    for (;;) {
      opts.signal?.throwIfAborted();
      const h = await fetchHealth(plan.port, plan.healthPath);
      if (isHealthy(h)) return this.status();
      // Inspecting every container each 100 ms is wasteful; every 5th round is enough.
      if (round++ % 5 === 0) {
        const dead = (await this.containers()).find((c) => c.state === 'exited' || c.state === 'dead');
        if (dead) return this.failExited(dead);
      }
      if (Date.now() > deadline) {
        const web = (await this.containers()).find((c) => (c.labels[LABEL_ROLE] ?? '').split(',').includes('web'));
        const lines = web ? await this.lastLines(web.id, 20) : [];
        throw new ManagedAirflowError('docker', 'runner.healthTimeout', `Airflow did not become healthy at http://127.0.0.1:${plan.port}${plan.healthPath} within ${Math.round((opts.healthTimeoutMs ?? 300_000) / 1000)} s. Last log lines:\n${lines.join('\n') || '(no output)'}`, {
          hint: 'The containers are still running: look at `managed-airflow local logs`, then `managed-airflow local stop` or wait and check `local status`.',
          details: { port: plan.port, lastLines: lines },
        });
      }
      await sleep(100);
    }
  }

  private async lastLines(id: string, n: number): Promise<string[]> {
    try {
      const buf = (await this.docker.getContainer(id).logs({ stdout: true, stderr: true, tail: n, follow: false })) as unknown as Buffer;
      return parseMultiplexed(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf))).map((l) => l.line);
    } catch {
      return [];
    }
  }

  private planFromLabels(found: Found[]): Pick<RunnerPlan, 'port' | 'healthPath' | 'flavor' | 'airflowVersion' | 'apiPrefix' | 'dagsMount' | 'apiAuth'> {
    const labels = found[0].labels;
    const version = labels[LABEL_VERSION] ?? '2';
    const major = airflowMajor(version.includes('.') ? version : `${version}.0`);
    const flavor = (labels[LABEL_FLAVOR] ?? 'oss') as RunnerFlavor;
    const dir = labels[LABEL_DIR] ?? this.projectDir;
    return {
      port: Number(labels[LABEL_PORT]),
      healthPath: major === 3 ? '/api/v2/monitor/health' : '/health',
      apiPrefix: major === 3 ? '/api/v2' : '/api/v1',
      flavor,
      airflowVersion: version,
      dagsMount: { host: labels[LABEL_DAGS] ?? path.join(dir, 'dags'), container: flavor === 'oss' ? '/opt/airflow/dags' : '/usr/local/airflow/dags' },
      apiAuth: { username: 'admin', password: 'admin' },
    };
  }

  // ------------------------------------------------------------------ status

  async status(): Promise<RunnerStatus> {
    const found = await this.containers();
    if (!found.length) return { state: 'stopped', components: [] };
    const p = this.planFromLabels(found);
    const h = await fetchHealth(p.port, p.healthPath);
    const components: ComponentStatus[] = [];
    for (const c of found.sort((a, b) => a.created - b.created || a.component.localeCompare(b.component))) {
      const entry: ComponentStatus = { name: c.component, container: c.state, health: c.state === 'running' ? componentHealth(c.component, h) : 'unhealthy' };
      if (c.state === 'exited' || c.state === 'dead') {
        const info = await this.docker.getContainer(c.id).inspect().catch(() => undefined);
        if (info) entry.exitCode = info.State.ExitCode;
      }
      components.push(entry);
    }
    const allRunning = found.every((c) => c.state === 'running');
    const newest = Math.max(...found.map((c) => c.created)) * 1000;
    const state = allRunning && isHealthy(h) ? 'healthy' : allRunning && Date.now() - newest < 10 * 60_000 ? 'starting' : 'unhealthy';
    return { state, flavor: p.flavor, airflowVersion: p.airflowVersion, port: p.port, url: `http://127.0.0.1:${p.port}`, components };
  }

  // ------------------------------------------------------------------ logs

  /**
   * Log lines of one component (or all). Without `follow` it resolves once the existing lines
   * were delivered; with it, it keeps streaming until the containers stop or stop() is called.
   */
  async logs(opts: { component?: string; follow?: boolean; tail?: number; onLine: (l: RunnerLogLine) => void }): Promise<LogFollow> {
    const found = (await this.containers()).filter((c) => !opts.component || c.component === opts.component);
    if (opts.component && !found.length) {
      const names = (await this.containers()).map((c) => c.component);
      throw new ManagedAirflowError('usage', 'runner.noComponent', names.length ? `No component "${opts.component}" in this runner` : 'The local runner is not running', {
        hint: names.length ? `Components: ${names.join(', ')}.` : 'Start it with `managed-airflow local start`.',
      });
    }
    const streams: Array<{ destroy(): void }> = [];
    const jobs = found.map(async (c) => {
      const container = this.docker.getContainer(c.id);
      if (!opts.follow) {
        const buf = (await container.logs({ stdout: true, stderr: true, follow: false, tail: opts.tail ?? 'all' as unknown as number })) as unknown as Buffer;
        for (const l of parseMultiplexed(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf)))) opts.onLine({ component: c.component, stream: l.stream, text: l.line });
        return;
      }
      const stream = (await container.logs({ stdout: true, stderr: true, follow: true, tail: opts.tail ?? 'all' as unknown as number })) as unknown as NodeJS.ReadableStream & { destroy(): void };
      streams.push(stream);
      await demuxLines(this.docker, stream as never, (s, text) => opts.onLine({ component: c.component, stream: s, text }));
    });
    const done = Promise.all(jobs).then(
      () => undefined,
      (e) => {
        throw toDockerError(e, 'read logs');
      },
    );
    if (!opts.follow) await done;
    return { done, stop: () => streams.forEach((s) => s.destroy()) };
  }

  // ------------------------------------------------------------------ test-dag

  /** `airflow dags test <dag_id>` in the scheduler container; output streamed; resolves the exit code. */
  async testDag(dagId: string, onOutput: (text: string, stream: 'stdout' | 'stderr') => void): Promise<number> {
    if (!/^[\w.-]+$/.test(dagId)) {
      throw new ManagedAirflowError('usage', 'runner.badDagId', `"${dagId}" is not a DAG id`, { hint: 'DAG ids contain letters, digits, "_", "-" and ".".' });
    }
    const found = await this.containers();
    const target = found.find((c) => (c.labels[LABEL_ROLE] ?? '').split(',').includes('exec'));
    if (!target || target.state !== 'running') {
      throw new ManagedAirflowError('conflict', 'runner.notRunning', 'The local runner is not running', { hint: 'Start it first: `managed-airflow local start` or Start in the runner panel.' });
    }
    try {
      const exec = await this.docker.getContainer(target.id).exec({ Cmd: ['airflow', 'dags', 'test', dagId], AttachStdout: true, AttachStderr: true, Tty: false });
      const stream = await exec.start({ hijack: true, stdin: false });
      await demuxLines(this.docker, stream, (s, line) => onOutput(line, s));
      for (let i = 0; i < 50; i++) {
        const info = await exec.inspect();
        if (!info.Running) return info.ExitCode ?? 0;
        await sleep(50);
      }
      return (await exec.inspect()).ExitCode ?? 1;
    } catch (e) {
      throw toDockerError(e, `run airflow dags test ${dagId}`);
    }
  }

  // ------------------------------------------------------------------ import errors

  /** DAG import errors from the running Airflow's REST API, located on host files and lines. */
  async importErrors(): Promise<RunnerImportError[]> {
    const found = await this.containers();
    if (!found.length) throw new ManagedAirflowError('conflict', 'runner.notRunning', 'The local runner is not running', { hint: 'Start it first: `managed-airflow local start`.' });
    const p = this.planFromLabels(found);
    const base = `http://127.0.0.1:${p.port}`;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (p.apiPrefix === '/api/v2') {
      const token = await airflow3Token(base, p.apiAuth);
      if (token) headers.Authorization = `Bearer ${token}`;
    } else {
      headers.Authorization = `Basic ${Buffer.from(`${p.apiAuth.username}:${p.apiAuth.password}`).toString('base64')}`;
    }
    const out: RunnerImportError[] = [];
    for (let offset = 0; ; ) {
      let res;
      try {
        res = await httpRequest(`${base}${p.apiPrefix}/importErrors?limit=100&offset=${offset}`, { headers, timeoutMs: 10_000 });
      } catch (e) {
        throw new ManagedAirflowError('network', 'runner.apiUnreachable', `Airflow's REST API at ${base} does not answer: ${(e as Error).message}`, { hint: 'Check `managed-airflow local status`; Airflow may still be starting.', cause: e });
      }
      if (res.status === 401 || res.status === 403) {
        throw new ManagedAirflowError('credentials', 'runner.apiAuth', `Airflow's REST API at ${base} refused the local admin credentials (HTTP ${res.status})`, {
          hint: 'The runner creates admin/admin; if the image changed the auth setup, enable basic auth for the API (AIRFLOW__API__AUTH_BACKENDS).',
        });
      }
      if (res.status !== 200) throw new ManagedAirflowError('remote', 'runner.apiError', `Airflow's REST API answered HTTP ${res.status} for import errors`, { details: { body: res.body.slice(0, 500) } });
      const body = JSON.parse(res.body) as { import_errors?: RawImportError[]; total_entries?: number };
      const page = body.import_errors ?? [];
      out.push(...page.map((e) => locateImportError(e, p.dagsMount)));
      offset += page.length;
      if (!page.length || offset >= (body.total_entries ?? 0)) break;
    }
    return out;
  }

  // ------------------------------------------------------------------ stop / reset

  /** Stop and remove the containers and the network; the metadata volume stays. */
  async stop(): Promise<void> {
    await this.ping();
    await this.removeContainersAndNetwork(await this.containers());
  }

  /** Stop, then remove the metadata volume too (the database starts empty next time). */
  async reset(): Promise<void> {
    await this.stop();
    try {
      const { Volumes } = await this.docker.listVolumes({ filters: this.filter });
      for (const v of Volumes ?? []) await this.docker.getVolume(v.Name).remove({ force: true });
    } catch (e) {
      throw toDockerError(e, 'remove the metadata volume');
    }
  }

  async restart(opts: StartOptions): Promise<RunnerStatus> {
    await this.stop();
    return this.start(opts);
  }

  private async removeContainersAndNetwork(found: Found[]): Promise<void> {
    try {
      // Airflow components first, the database last, all stops in parallel.
      const byDb = (c: Found) => (c.labels[LABEL_ROLE] ?? '').split(',').includes('db');
      const stopAll = async (list: Found[]) =>
        Promise.all(
          list.map(async (c) => {
            const ct = this.docker.getContainer(c.id);
            if (c.state === 'running' || c.state === 'restarting' || c.state === 'paused') await ct.stop({ t: STOP_TIMEOUT_S }).catch(ignore304);
            await ct.remove({ force: true, v: false }).catch(ignore404);
          }),
        );
      await stopAll(found.filter((c) => !byDb(c)));
      await stopAll(found.filter(byDb));
      const nets = await this.docker.listNetworks({ filters: this.filter });
      for (const n of nets) await this.docker.getNetwork(n.Id).remove().catch(ignore404);
    } catch (e) {
      throw toDockerError(e, 'stop the runner');
    }
  }
}

/**
 * Extra labels for every object from MANAGED_AIRFLOW_RUNNER_LABELS ("k=v,k2=v2"), e.g. so CI can
 * find and remove what a run created. Our own label keys cannot be overridden this way.
 */
export function envLabels(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (env.MANAGED_AIRFLOW_RUNNER_LABELS ?? '').split(',')) {
    const i = pair.indexOf('=');
    const k = pair.slice(0, i).trim();
    if (i > 0 && k && ![LABEL_PROJECT, LABEL_FLAVOR, LABEL_COMPONENT, LABEL_PORT, LABEL_VERSION, LABEL_DIR, LABEL_ROLE, LABEL_DAGS].includes(k)) out[k] = pair.slice(i + 1).trim();
  }
  return out;
}

function cancelled(message: string): ManagedAirflowError {
  return new ManagedAirflowError('cancelled', 'runner.cancelled', message);
}

/**
 * A JWT for Airflow 3's REST API. The runner enables the simple auth manager's all-admins mode,
 * where `GET /auth/token` hands out a token without credentials (201 + JSON in current
 * versions, a 307 redirect carrying `?token=` in 3.0.0); otherwise try the local credentials.
 */
async function airflow3Token(base: string, auth: { username: string; password: string }): Promise<string | undefined> {
  const fromBody = (body: string) => {
    try {
      return (JSON.parse(body) as { access_token?: string }).access_token;
    } catch {
      return undefined;
    }
  };
  try {
    const g = await httpRequest(`${base}/auth/token`);
    if (g.status === 200 || g.status === 201) {
      const t = fromBody(g.body);
      if (t) return t;
    }
    if (g.status >= 300 && g.status < 400 && g.headers.location) {
      const t = new URL(g.headers.location, base).searchParams.get('token');
      if (t) return t;
    }
    const p = await httpRequest(`${base}/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(auth) });
    if (p.status < 300) return fromBody(p.body);
  } catch {
    /* no token endpoint: the API may not need one */
  }
  return undefined;
}

function ignore304(e: unknown): void {
  const code = (e as { statusCode?: number }).statusCode;
  if (code !== 304 && code !== 404) throw e;
}
function ignore404(e: unknown): void {
  if ((e as { statusCode?: number }).statusCode !== 404) throw e;
}

/** Files of a build context, minus what .dockerignore excludes (the Dockerfile is always sent). */
export function contextFiles(dir: string): string[] {
  const ig = ignore();
  const di = path.join(dir, '.dockerignore');
  if (existsSync(di)) ig.add(readFileSync(di, 'utf8'));
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const ent of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) {
        if (!ig.ignores(`${r}/`)) walk(r);
      } else if (!ig.ignores(r) || r === 'Dockerfile') out.push(r);
    }
  };
  walk('');
  return out;
}
