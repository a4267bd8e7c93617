import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ManagedAirflowError } from '../../core/src/errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict argv parsing shared by every command: unknown flags and missing values become a
 * usage error (exit 2) that names the flag and points to `--help`.
 */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals, strict: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new ManagedAirflowError('usage', 'usage.badArgs', `${command}: ${msg.replace(/^.*?: /, '')}`, {
      hint: `Run \`managed-airflow ${command} --help\` for the accepted options.`,
    });
  }
}
