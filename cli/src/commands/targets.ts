import { ManagedAirflowError } from '../../../core/src/errors';
import { listTargets } from '../../../core/src/targets';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../types';

const USAGE = `Usage: managed-airflow targets [--platform mwaa|composer|astro|airflow] [--format text|json]

List every target the linter knows: platform versions with the Airflow and Python they run.`;

export const targetsCommand: CliCommand = {
  name: 'targets',
  summary: 'list supported lint targets (platform versions → Airflow and Python)',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseCommandArgs('targets', argv, { platform: { type: 'string' }, format: { type: 'string', default: 'text' } }, false);
    if (!['text', 'json'].includes(values.format ?? 'text')) throw new ManagedAirflowError('usage', 'usage.format', `unknown --format "${values.format}"`, { hint: 'Use text or json.' });
    let list = listTargets();
    if (values.platform) {
      if (!['mwaa', 'composer', 'astro', 'airflow'].includes(values.platform)) {
        throw new ManagedAirflowError('usage', 'usage.platform', `unknown --platform "${values.platform}"`, { hint: 'Use mwaa, composer, astro or airflow.' });
      }
      list = list.filter((t) => t.platform === values.platform);
    }
    if (values.format === 'json') {
      io.stdout(JSON.stringify(list, null, 2) + '\n');
      return 0;
    }
    const w = Math.max(10, ...list.map((t) => t.label.length));
    io.stdout(`${'TARGET'.padEnd(w)}  AIRFLOW   PYTHON  STATUS\n`);
    for (const t of list) io.stdout(`${t.label.padEnd(w)}  ${t.airflow.padEnd(8)}  ${t.python.padEnd(6)}  ${t.status ?? ''}\n`);
    return 0;
  },
};
