import { ManagedAirflowError } from '../../../core/src/errors';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../types';
import { checkFormat, connect, resolveEnv, table, timeoutMs } from './envs';

const USAGE = `Usage:
  managed-airflow dags list    --env NAME [--limit N] [--format text|json]
  managed-airflow dags trigger --env NAME --dag ID [--conf JSON] [--logical-date ISO|none] [--format text|json]
  managed-airflow dags pause   --env NAME --dag ID [--format text|json]
  managed-airflow dags unpause --env NAME --dag ID [--format text|json]

List the DAGs of a configured environment (paging through the Airflow REST API; import errors are
counted), trigger a run (--conf must be a JSON object), or pause / unpause a DAG.
Common options: --timeout SECONDS (default 30). Credentials: see \`managed-airflow envs --help\`.`;

export const dagsCommand: CliCommand = {
  name: 'dags',
  summary: 'list, trigger, pause and unpause DAGs of a remote environment',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('dags', argv, {
      env: { type: 'string' },
      dag: { type: 'string' },
      conf: { type: 'string' },
      'logical-date': { type: 'string' },
      limit: { type: 'string' },
      format: { type: 'string', default: 'text' },
      timeout: { type: 'string' },
    });
    const format = checkFormat('dags', values.format);
    const sub = positionals[0];
    if (!sub || !['list', 'trigger', 'pause', 'unpause'].includes(sub) || positionals.length > 1) {
      throw new ManagedAirflowError('usage', 'usage.subcommand', `dags: expected list, trigger, pause or unpause${sub ? `, got "${positionals.join(' ')}"` : ''}`, { hint: 'Run `managed-airflow dags --help`.' });
    }
    if (sub !== 'list' && !values.dag) throw new ManagedAirflowError('usage', 'usage.dag', `dags ${sub}: --dag ID is required`);
    // Validate inputs before any network call.
    let conf: Record<string, unknown> = {};
    if (values.conf !== undefined) {
      if (sub !== 'trigger') throw new ManagedAirflowError('usage', 'usage.conf', `dags ${sub}: --conf only applies to trigger`);
      try {
        conf = JSON.parse(values.conf);
      } catch (e) {
        throw new ManagedAirflowError('usage', 'trigger.confInvalid', `dags trigger: --conf is not valid JSON: ${(e as Error).message}`, { hint: `Quote it for the shell, e.g. --conf '{"date": "2026-01-01"}'.` });
      }
      if (!conf || typeof conf !== 'object' || Array.isArray(conf)) throw new ManagedAirflowError('usage', 'trigger.confNotObject', 'dags trigger: --conf must be a JSON object ({…})');
    }
    let logicalDate: string | null | undefined;
    const ld = values['logical-date'];
    if (ld !== undefined) {
      if (/^none$/i.test(ld)) logicalDate = null;
      else if (Number.isNaN(Date.parse(ld))) throw new ManagedAirflowError('usage', 'trigger.dateInvalid', `dags trigger: --logical-date "${ld}" is not an ISO-8601 date`);
      else logicalDate = new Date(/T|Z|[+-]\d\d:?\d\d$/.test(ld) ? ld : `${ld}T00:00:00Z`).toISOString();
    }
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new ManagedAirflowError('usage', 'usage.limit', 'dags: --limit must be a positive integer');
    const env = resolveEnv(`dags ${sub}`, io, values.env);
    const { client, info } = await connect(io, env, timeoutMs('dags', values.timeout));
    const opts = { signal: io.signal, timeoutMs: timeoutMs('dags', values.timeout) };

    if (sub === 'list') {
      const dags = await client.listAllDags(opts, limit ?? 100_000);
      const importErrors = await client.listImportErrors({ limit: 100 }, opts).catch(() => undefined);
      if (format === 'json') {
        io.stdout(JSON.stringify({ environment: env.name, airflowVersion: info.airflowVersion, total: dags.length, dags, importErrors: importErrors?.items ?? [] }, null, 2) + '\n');
        return 0;
      }
      if (!dags.length) io.stdout(`No DAGs in ${env.name}.\n`);
      else io.stdout(table([['DAG', 'PAUSED', 'SCHEDULE', 'FILE'], ...dags.map((d) => [d.dagId, d.isPaused ? 'yes' : 'no', d.schedule ?? '-', d.relativeFileloc ?? d.fileloc])]));
      if (importErrors?.total) {
        io.stdout(`\n${importErrors.total} import error(s):\n`);
        for (const e of importErrors.items) io.stdout(`  ${e.filename}: ${e.stackTrace.trim().split('\n').pop()}\n`);
      }
      return 0;
    }
    const dagId = values.dag!;
    if (sub === 'trigger') {
      const run = await client.triggerRun(dagId, { conf, logicalDate }, opts);
      if (format === 'json') io.stdout(JSON.stringify({ environment: env.name, run }, null, 2) + '\n');
      else io.stdout(`Triggered ${dagId} on ${env.name}: run ${run.runId} (${run.state})\n`);
      return 0;
    }
    const dag = await client.setPaused(dagId, sub === 'pause', opts);
    if (format === 'json') io.stdout(JSON.stringify({ environment: env.name, dag }, null, 2) + '\n');
    else io.stdout(`${dagId} on ${env.name} is now ${dag.isPaused ? 'paused' : 'active (unpaused)'}\n`);
    return 0;
  },
};
