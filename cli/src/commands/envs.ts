import { ManagedAirflowError, toManagedError } from '../../../core/src/errors';
import { loadEnvironments, findEnvironment } from '../../../core/src/config/environments';
import type { EnvironmentConfig } from '../../../core/src/protocol/environments';
import { parseCommandArgs } from '../args';
import type { CliCommand, CliIO } from '../types';
import type { Connection } from '../../../core/src/platforms';

type Platforms = typeof import('../../../core/src/platforms');
/** The platform SDKs load only for commands that talk to an environment. */
export function platforms(): Platforms {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../../core/src/platforms') as Platforms;
}

export function checkFormat(command: string, format: string | undefined): 'text' | 'json' {
  if (format !== 'text' && format !== 'json') throw new ManagedAirflowError('usage', 'usage.format', `${command}: unknown --format "${format}"`, { hint: 'Use text or json.' });
  return format;
}

export function timeoutMs(command: string, raw: string | undefined): number {
  const s = Number(raw ?? 30);
  if (!Number.isFinite(s) || s <= 0) throw new ManagedAirflowError('usage', 'usage.timeout', `${command}: --timeout must be a positive number of seconds`);
  return s * 1000;
}

/** Resolve `--env NAME` against .vscode/settings.json found at or above the working directory. */
export function resolveEnv(command: string, io: CliIO, name: string | undefined): EnvironmentConfig {
  if (!name) throw new ManagedAirflowError('usage', 'usage.env', `${command}: --env NAME is required`, { hint: 'Run `managed-airflow envs list` to see the configured environments.' });
  const { environments, settingsFile } = loadEnvironments(io.cwd);
  return findEnvironment(environments, name, settingsFile);
}

/** Connect with secrets from the environment (AIRFLOW_USERNAME/PASSWORD, AIRFLOW_TOKEN, ASTRO_API_TOKEN) or the platform chain. */
export function connect(io: CliIO, env: EnvironmentConfig, timeout: number): Promise<Connection> {
  const p = platforms();
  return p.connectEnvironment(env, p.envVarCredentials(io.env), { mwaa: { env: io.env }, composer: { env: io.env }, astro: { env: io.env } }, { signal: io.signal, timeoutMs: timeout });
}

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

const USAGE = `Usage: managed-airflow envs list [--offline] [--timeout SECONDS] [--format text|json]

List the environments configured in .vscode/settings.json ("managedAirflow.environments") and,
unless --offline, connect to each to show its Airflow version, status, lint target and DAG bucket.

Credentials never come from flags: MWAA uses the AWS credential chain (profile, SSO, AWS_* variables),
Composer Google Application Default Credentials, Astro ASTRO_API_TOKEN, self-hosted Airflow
AIRFLOW_USERNAME + AIRFLOW_PASSWORD or AIRFLOW_TOKEN.

Exit codes: 0 all reachable (or --offline), 1 at least one environment failed, 2 usage/config errors.`;

export const envsCommand: CliCommand = {
  name: 'envs',
  summary: 'list configured remote environments (MWAA, Composer, Astro, self-hosted) with versions',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('envs', argv, { format: { type: 'string', default: 'text' }, offline: { type: 'boolean', default: false }, timeout: { type: 'string' } });
    const format = checkFormat('envs', values.format);
    const sub = positionals[0] ?? 'list';
    if (sub !== 'list' || positionals.length > 1) throw new ManagedAirflowError('usage', 'usage.subcommand', `envs: unknown subcommand "${positionals.join(' ')}"`, { hint: 'Use `managed-airflow envs list`.' });
    const timeout = timeoutMs('envs', values.timeout);
    const { environments, settingsFile } = loadEnvironments(io.cwd);
    const rows = await Promise.all(
      environments.map(async (env) => {
        const where = env.region ?? (env.project ? `${env.project}/${env.location ?? ''}` : undefined) ?? env.organization ?? env.url ?? '';
        const base = { name: env.name, platform: env.platform, location: where };
        if (values.offline) return base;
        try {
          const { info, client } = await connect(io, env, timeout);
          // An authenticated call: /version alone is public on Airflow 2, so it proves nothing about credentials.
          const dags = await client.listDags({ limit: 1 }, { signal: io.signal, timeoutMs: timeout });
          return { ...base, airflowVersion: info.airflowVersion, status: info.status, target: info.target, dags: dags.total, webUrl: info.webUrl, dagsDestination: info.dagsDestination, image: info.image, location: info.location ?? where };
        } catch (e) {
          const err = toManagedError(e);
          if (err.kind === 'cancelled') throw err;
          return { ...base, error: { code: err.code, message: err.message, hint: err.hint } };
        }
      }),
    );
    const failed = rows.filter((r) => 'error' in r).length;
    if (format === 'json') {
      io.stdout(JSON.stringify({ settingsFile: settingsFile ?? null, environments: rows }, null, 2) + '\n');
      return failed ? 1 : 0;
    }
    if (!rows.length) {
      io.stdout(`No environments configured${settingsFile ? ` in ${settingsFile}` : ' (no .vscode/settings.json found)'}.\nAdd entries to "managedAirflow.environments", e.g. {"name": "local", "platform": "airflow", "url": "http://127.0.0.1:8080"}.\n`);
      return 0;
    }
    const head = values.offline ? [['NAME', 'PLATFORM', 'LOCATION']] : [['NAME', 'PLATFORM', 'AIRFLOW', 'STATUS', 'TARGET', 'DAGS', 'LOCATION']];
    const body = rows.map((r: any) => (values.offline ? [r.name, r.platform, r.location] : [r.name, r.platform, r.airflowVersion ?? '-', r.error ? 'error' : (r.status ?? '-'), r.target ?? '-', r.dags === undefined ? '-' : String(r.dags), r.location ?? '']));
    io.stdout(table([...head, ...body]));
    for (const r of rows as any[]) if (r.error) io.stderr(`${r.error.message}${r.error.hint ? `\n  hint: ${r.error.hint}` : ''}\n`);
    return failed ? 1 : 0;
  },
};
