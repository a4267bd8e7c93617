import path from 'node:path';
import { ManagedAirflowError } from '../../../core/src/errors';
import { RUNNER_FLAVORS, normaliseRunnerSettings, type RunnerFlavor, type RunnerSettings, type RunnerStatus } from '../../../core/src/protocol/runner';
import { findWorkspaceSettings, readSettingsFile } from '../../../core/src/config/environments';
import type { LocalRunner as LocalRunnerType } from '../../../core/src/runner';

type RunnerModule = typeof import('../../../core/src/runner');
let runnerModule: RunnerModule | undefined;
/** dockerode loads only when a `local` subcommand runs, not for every CLI command. */
function lib(): RunnerModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (runnerModule ??= require('../../../core/src/runner') as RunnerModule);
}
const runnerFor = (cwd: string): LocalRunnerType => new (lib().LocalRunner)(cwd);
import { parseCommandArgs } from '../args';
import type { CliCommand, CliIO } from '../types';

const usage = `Usage: managed-airflow local <subcommand> [options]

Run the project's Airflow locally in Docker (run from the project folder, the one with dags/).

Subcommands:
  start [--flavor mwaa|astro|oss] [--airflow VERSION] [--image TAG] [--port N]
        [--postgres-image TAG] [--sqs-image TAG] [--database sqlite|postgres] [--target LABEL]
        [--pull] [--timeout SECONDS]
      Create and start the containers and wait until Airflow is healthy. Defaults come from
      managedAirflow.runner.* in .vscode/settings.json, then the lint target (--target /
      managedAirflow.target, else detected from the project, else the default).
      --port: exactly this port (error if taken); default 8080 or the next free port.
      --pull: pull missing images with progress (never done silently). MWAA images are built
      from aws/amazon-mwaa-docker-images; the error says how.
  status [--format text|json]   state (starting|healthy|unhealthy|stopped), UI URL, one entry per component
  logs [--follow] [--component NAME] [--tail N]
  test-dag DAG_ID               airflow dags test DAG_ID in the scheduler container, output streamed
  import-errors [--format text|json]   DAG import errors of the running Airflow, as file:line
  stop                          stop and remove the containers and network (the database volume stays)
  reset [--yes]                 stop and also remove the metadata database volume

Exit codes: 0 ok; 1 unhealthy / DAG test failed / import errors found / reset declined;
2 usage, config or Docker problems (daemon down, image missing, port in use…).`;

function flavorOf(v: string | undefined): RunnerFlavor | undefined {
  if (v === undefined) return undefined;
  if (!RUNNER_FLAVORS.includes(v as RunnerFlavor)) {
    throw new ManagedAirflowError('usage', 'usage.badArgs', `local start: --flavor must be one of ${RUNNER_FLAVORS.join(', ')}, not "${v}"`, { hint: 'Run `managed-airflow local --help`.' });
  }
  return v as RunnerFlavor;
}

function intOf(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ManagedAirflowError('usage', 'usage.badArgs', `local: --${name} must be a whole number, not "${v}"`, { hint: 'Run `managed-airflow local --help`.' });
  return n;
}

export function formatStatus(st: RunnerStatus): string {
  if (st.state === 'stopped') return 'stopped (no containers)';
  const head = `${st.state}  ${st.url ?? ''}  (${st.flavor ?? '?'}, Airflow ${st.airflowVersion ?? '?'})`;
  const rows = st.components.map((c) => `  ${c.name.padEnd(14)} ${c.container.padEnd(9)} ${c.health ?? '-'}${c.exitCode !== undefined ? ` (exit ${c.exitCode})` : ''}`);
  return [head, ...rows].join('\n');
}

/** `managedAirflow.runner.*` and `managedAirflow.target` from the nearest .vscode/settings.json (as the editor uses them). */
function workspaceSettings(cwd: string): { runner: RunnerSettings; target?: string } {
  const file = findWorkspaceSettings(cwd);
  const raw = file ? readSettingsFile(file) : {};
  const pick = (k: string) => raw[`managedAirflow.runner.${k}`];
  const target = raw['managedAirflow.target'];
  return {
    runner: normaliseRunnerSettings({ flavor: pick('flavor'), airflowVersion: pick('airflowVersion'), image: pick('image'), port: pick('port') }),
    target: typeof target === 'string' && target.trim() ? target : undefined,
  };
}

async function start(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    'local start',
    argv,
    {
      flavor: { type: 'string' },
      airflow: { type: 'string' },
      image: { type: 'string' },
      port: { type: 'string' },
      'postgres-image': { type: 'string' },
      'sqs-image': { type: 'string' },
      database: { type: 'string' },
      target: { type: 'string' },
      pull: { type: 'boolean' },
      timeout: { type: 'string' },
    },
    false,
  );
  if (values.database !== undefined && values.database !== 'sqlite' && values.database !== 'postgres') {
    throw new ManagedAirflowError('usage', 'usage.badArgs', `local start: --database must be sqlite or postgres, not "${values.database}"`, { hint: 'Run `managed-airflow local --help`.' });
  }
  // Flags, then the workspace settings, then the lint target.
  const ws = workspaceSettings(io.cwd);
  const d = lib().runnerDefaults({
    projectDir: io.cwd,
    target: values.target ?? ws.target,
    flavor: flavorOf(values.flavor) ?? ws.runner.flavor,
    airflowVersion: values.airflow ?? (ws.runner.airflowVersion || undefined),
  });
  const runner = runnerFor(io.cwd);
  const timeout = intOf('timeout', values.timeout);
  io.stderr(`Starting ${d.flavor} runner, Airflow ${d.airflowVersion}${d.targetLabel && !values.airflow ? ` (from target ${d.targetLabel})` : ''}\n`);
  const st = await runner.start({
    projectDir: io.cwd,
    flavor: d.flavor,
    airflowVersion: d.airflowVersion,
    python: d.python,
    image: values.image ?? (ws.runner.image || undefined),
    postgresImage: values['postgres-image'],
    sqsImage: values['sqs-image'],
    database: values.database as 'sqlite' | 'postgres' | undefined,
    port: intOf('port', values.port) ?? (ws.runner.port || undefined),
    pull: values.pull,
    healthTimeoutMs: timeout !== undefined ? timeout * 1000 : undefined,
    signal: io.signal,
    onProgress: (m) => io.stderr(`  ${m}\n`),
  });
  io.stdout(`Airflow is ${st.state} at ${st.url}\n`);
  return 0;
}

async function status(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs('local status', argv, { format: { type: 'string' } }, false);
  const st = await runnerFor(io.cwd).status();
  if (values.format === 'json') io.stdout(JSON.stringify(st, null, 2) + '\n');
  else if (values.format === undefined || values.format === 'text') io.stdout(formatStatus(st) + '\n');
  else throw new ManagedAirflowError('usage', 'usage.badArgs', `local status: --format must be text or json`, { hint: 'Run `managed-airflow local --help`.' });
  return st.state === 'unhealthy' ? 1 : 0;
}

async function logs(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs('local logs', argv, { follow: { type: 'boolean', short: 'f' }, component: { type: 'string' }, tail: { type: 'string' } }, false);
  const runner = runnerFor(io.cwd);
  const st = await runner.status();
  if (st.state === 'stopped') throw new ManagedAirflowError('conflict', 'runner.notRunning', 'The local runner is not running', { hint: 'Start it with `managed-airflow local start`.' });
  const width = Math.max(...st.components.map((c) => c.name.length));
  const single = !!values.component;
  const handle = await runner.logs({
    component: values.component,
    follow: values.follow,
    tail: intOf('tail', values.tail),
    onLine: (l) => (l.stream === 'stderr' && single ? io.stderr : io.stdout)(single ? `${l.text}\n` : `${l.component.padEnd(width)} | ${l.text}\n`),
  });
  if (values.follow) {
    const onAbort = () => handle.stop();
    io.signal.addEventListener('abort', onAbort, { once: true });
    await handle.done.catch(() => undefined);
    io.signal.removeEventListener('abort', onAbort);
  }
  return 0;
}

async function testDag(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs('local test-dag', argv, {});
  if (positionals.length !== 1) throw new ManagedAirflowError('usage', 'usage.badArgs', 'local test-dag: expected exactly one DAG_ID', { hint: 'Usage: managed-airflow local test-dag DAG_ID' });
  const code = await runnerFor(io.cwd).testDag(positionals[0], (text, stream) => (stream === 'stderr' ? io.stderr : io.stdout)(text + '\n'));
  io.stderr(code === 0 ? `DAG test of ${positionals[0]} passed\n` : `DAG test of ${positionals[0]} failed (exit code ${code})\n`);
  return code === 0 ? 0 : 1;
}

async function importErrors(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs('local import-errors', argv, { format: { type: 'string' } }, false);
  const errs = await runnerFor(io.cwd).importErrors();
  if (values.format === 'json') io.stdout(JSON.stringify(errs, null, 2) + '\n');
  else {
    for (const e of errs) io.stdout(`${e.file ? path.relative(io.cwd, e.file) : e.containerPath}${e.line ? `:${e.line}` : ''}: ${e.message}\n`);
    io.stderr(`${errs.length} import error(s)\n`);
  }
  return errs.length ? 1 : 0;
}

async function stop(argv: string[], io: CliIO, reset: boolean): Promise<number> {
  const { values } = parseCommandArgs(reset ? 'local reset' : 'local stop', argv, reset ? { yes: { type: 'boolean', short: 'y' } } : {}, false);
  const runner = runnerFor(io.cwd);
  if (reset && !values.yes && !(await io.confirm('Reset removes the local metadata database (DAG runs, connections, variables). Continue?'))) {
    io.stderr('reset declined (pass --yes to skip the question)\n');
    return 1;
  }
  await (reset ? runner.reset() : runner.stop());
  io.stdout(reset ? 'Local runner stopped and its metadata database removed\n' : 'Local runner stopped\n');
  return 0;
}

export const command: CliCommand = {
  name: 'local',
  summary: 'Run Airflow locally in Docker (MWAA-, Astro- or OSS-style): start, status, logs, test-dag, stop, reset',
  usage,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (!sub || sub === '--help' || sub === '-h' || sub === 'help' || rest.includes('--help') || rest.includes('-h')) {
      io.stdout(usage + '\n');
      return 0;
    }
    switch (sub) {
      case 'start':
        return start(rest, io);
      case 'status':
        return status(rest, io);
      case 'logs':
        return logs(rest, io);
      case 'test-dag':
        return testDag(rest, io);
      case 'import-errors':
        return importErrors(rest, io);
      case 'stop':
        return stop(rest, io, false);
      case 'reset':
        return stop(rest, io, true);
      default:
        throw new ManagedAirflowError('usage', 'usage.badArgs', `local: unknown subcommand "${sub}"`, { hint: 'Run `managed-airflow local --help` (start, status, logs, test-dag, import-errors, stop, reset).' });
    }
  },
};
export const localCommand = command;
