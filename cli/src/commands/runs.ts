import { ManagedAirflowError } from '../../../core/src/errors';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../types';
import { checkFormat, connect, resolveEnv, table, timeoutMs } from './envs';

const USAGE = `Usage: managed-airflow runs list --env NAME --dag ID [--limit N] [--state STATE] [--format text|json]

List the runs of a DAG, newest first (default 25; --limit pages through the API as needed).
--state filters (queued, running, success, failed; repeatable). --timeout SECONDS (default 30).
Credentials: see \`managed-airflow envs --help\`.`;

function duration(start: string | null, end: string | null): string {
  if (!start) return '-';
  const s = ((end ? Date.parse(end) : Date.now()) - Date.parse(start)) / 1000;
  return s < 60 ? `${Math.round(s)}s` : s < 3600 ? `${Math.floor(s / 60)}m${Math.round(s % 60)}s` : `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}

export const runsCommand: CliCommand = {
  name: 'runs',
  summary: 'list the runs of a DAG on a remote environment',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('runs', argv, {
      env: { type: 'string' },
      dag: { type: 'string' },
      limit: { type: 'string' },
      state: { type: 'string', multiple: true },
      format: { type: 'string', default: 'text' },
      timeout: { type: 'string' },
    });
    const format = checkFormat('runs', values.format);
    if ((positionals[0] ?? 'list') !== 'list' || positionals.length > 1) throw new ManagedAirflowError('usage', 'usage.subcommand', `runs: unknown subcommand "${positionals.join(' ')}"`, { hint: 'Use `managed-airflow runs list --env NAME --dag ID`.' });
    if (!values.dag) throw new ManagedAirflowError('usage', 'usage.dag', 'runs list: --dag ID is required');
    const limit = Number(values.limit ?? 25);
    if (!(Number.isInteger(limit) && limit > 0)) throw new ManagedAirflowError('usage', 'usage.limit', 'runs: --limit must be a positive integer');
    const env = resolveEnv('runs list', io, values.env);
    const timeout = timeoutMs('runs', values.timeout);
    const { client } = await connect(io, env, timeout);
    const opts = { signal: io.signal, timeoutMs: timeout };
    const runs = [];
    let total = 0;
    for (let offset = 0; runs.length < limit; ) {
      const page = await client.listRuns(values.dag, { offset, limit: Math.min(client.pageSize, limit - runs.length), state: values.state }, opts);
      runs.push(...page.items);
      total = page.total;
      if (!page.hasMore || !page.items.length) break;
      offset += page.items.length;
    }
    if (format === 'json') {
      io.stdout(JSON.stringify({ environment: env.name, dagId: values.dag, total, runs }, null, 2) + '\n');
      return 0;
    }
    if (!runs.length) {
      io.stdout(`No runs of ${values.dag} on ${env.name}.\n`);
      return 0;
    }
    io.stdout(table([['RUN ID', 'STATE', 'TYPE', 'LOGICAL DATE', 'DURATION'], ...runs.map((r) => [r.runId, r.state, r.runType, r.logicalDate ?? '-', duration(r.startDate, r.endDate)])]));
    if (total > runs.length) io.stdout(`(${runs.length} of ${total}; use --limit to see more)\n`);
    return 0;
  },
};
