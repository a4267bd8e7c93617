import { isManagedAirflowError, toManagedError } from '../../core/src/errors';
import { commands } from './commands';
import type { CliIO } from './types';

const VERSION = '0.1.0';

async function usage(): Promise<string> {
  const loaded = await Promise.all(commands.map((c) => c.load()));
  const width = Math.max(...loaded.map((c) => c.name.length));
  return [
    'managed-airflow — lint, run and deploy Apache Airflow DAGs for MWAA, Cloud Composer, Astro and self-hosted Airflow',
    '',
    'Usage: managed-airflow <command> [options]',
    '',
    'Commands:',
    ...loaded.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `managed-airflow <command> --help` for the options of a command.',
    'Exit codes: 0 OK, 1 problems found / refused, 2 usage, configuration, credential or environment errors.',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout((await usage()) + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`error: unknown command "${name}"\nhint: one of ${commands.map((c) => c.name).join(', ')}; see \`managed-airflow --help\`.\n`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage.trimEnd() + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    const err = toManagedError(e);
    io.stderr(`error: ${err.source ? `${err.source}: ` : ''}${err.message}\n`);
    if (err.hint) io.stderr(`hint: ${err.hint}\n`);
    if (!isManagedAirflowError(e) && e instanceof Error && io.env.MANAGED_AIRFLOW_DEBUG) io.stderr(`${e.stack}\n`);
    return isManagedAirflowError(e) ? err.exitCode : 2;
  }
}
