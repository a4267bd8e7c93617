import { CronExpressionParser } from 'cron-parser';
import cronstrue from 'cronstrue';

/**
 * Schedule strings as Airflow reads them (`schedule=` / `schedule_interval=`): presets, cron
 * expressions (croniter in Airflow; cron-parser here) — validated for AF222 and described in
 * words with the next run times for the hover.
 */

/** Airflow's own presets (airflow.utils.dates.cron_presets) plus croniter's `@annually`/`@midnight`. */
const PRESETS: Record<string, { cron?: string; text: string }> = {
  '@once': { text: 'Once, as soon as the DAG is unpaused.' },
  '@continuous': { text: 'Continuously: a new run starts as soon as the previous one finishes (max_active_runs must be 1).' },
  '@hourly': { cron: '0 * * * *', text: '' },
  '@daily': { cron: '0 0 * * *', text: '' },
  '@midnight': { cron: '0 0 * * *', text: '' },
  '@weekly': { cron: '0 0 * * 0', text: '' },
  '@monthly': { cron: '0 0 1 * *', text: '' },
  '@quarterly': { cron: '0 0 1 */3 *', text: '' },
  '@yearly': { cron: '0 0 1 1 *', text: '' },
  '@annually': { cron: '0 0 1 1 *', text: '' },
};

export interface ScheduleDescription {
  valid: boolean;
  /** The schedule in words. */
  text?: string;
  /** Next run times (ISO 8601, UTC). */
  nextRuns?: string[];
  error?: string;
  /** The preset name when the expression is one. */
  preset?: string;
}

export function isPreset(expr: string): boolean {
  return expr.trim().toLowerCase() in PRESETS;
}

/** Validate a cron expression the way Airflow (croniter) would accept it, with a readable error. */
const validated = new Map<string, { valid: true } | { valid: false; error: string }>();

export function validateCron(expr: string): { valid: true } | { valid: false; error: string } {
  // cron-parser is comparatively slow and workspaces repeat the same few schedules
  let r = validated.get(expr);
  if (!r) {
    r = validateUncached(expr);
    if (validated.size > 2000) validated.clear();
    validated.set(expr, r);
  }
  return r;
}

function validateUncached(expr: string): { valid: true } | { valid: false; error: string } {
  const e = expr.trim();
  if (!e) return { valid: false, error: 'the schedule is an empty string' };
  if (e.startsWith('@')) {
    if (isPreset(e)) return { valid: true };
    return { valid: false, error: `"${e}" is not a schedule preset (Airflow knows ${Object.keys(PRESETS).join(', ')})` };
  }
  const fields = e.split(/\s+/);
  if (fields.length < 5) return { valid: false, error: `a cron expression has 5 fields (minute hour day-of-month month day-of-week); "${e}" has ${fields.length}` };
  if (fields.length > 7) return { valid: false, error: `a cron expression has 5 fields; "${e}" has ${fields.length}` };
  // croniter reads a 6th field as seconds and a 7th as the year; cron-parser puts seconds first.
  const five = fields.slice(0, 5).join(' ');
  const expr6 = fields.length >= 6 ? `${fields[5]} ${five}` : five;
  try {
    const it = CronExpressionParser.parse(expr6, { currentDate: new Date(Date.UTC(2000, 0, 1)), tz: 'UTC' });
    it.next();
  } catch (err) {
    return { valid: false, error: cronError((err as Error).message) };
  }
  if (fields.length === 7 && !/^(\*|(19[7-9]\d|20\d\d)([-,/]\d+)*)$/.test(fields[6])) {
    return { valid: false, error: `the 7th (year) field "${fields[6]}" is not a year between 1970 and 2099` };
  }
  return { valid: true };
}

function cronError(message: string): string {
  if (/Invalid explicit day of month/i.test(message)) return 'the day of month never occurs in the given month(s), so the DAG would never run';
  if (/Constraint error, got value (\S+) expected range (\S+)/i.test(message)) {
    const m = /got value (\S+) expected range (\S+)/i.exec(message)!;
    return `value ${m[1]} is out of range (${m[2]})`;
  }
  return message.replace(/^Error:\s*/, '').replace(/\.$/, '');
}

/** Description for hovers: validity, words, next runs (UTC). */
export function describeSchedule(expr: string, now: Date = new Date(), count = 5): ScheduleDescription {
  const e = expr.trim();
  const v = validateCron(e);
  if (!v.valid) return { valid: false, error: v.error };
  const preset = e.startsWith('@') ? e.toLowerCase() : undefined;
  const cron = preset ? PRESETS[preset].cron : e.split(/\s+/).slice(0, 5).join(' ');
  if (!cron) return { valid: true, preset, text: PRESETS[preset!].text, nextRuns: [] };
  let text: string | undefined;
  try {
    text = cronstrue.toString(cron, { use24HourTimeFormat: true, verbose: false });
  } catch {
    text = undefined;
  }
  if (preset) text = `${preset} = \`${cron}\`${text ? ` — ${text}` : ''}`;
  const nextRuns: string[] = [];
  try {
    const it = CronExpressionParser.parse(cron, { currentDate: now, tz: 'UTC' });
    for (let i = 0; i < count; i++) nextRuns.push(it.next().toISOString() ?? '');
  } catch {
    // validated above; a failure here only means no run times to show
  }
  return { valid: true, preset, text, nextRuns: nextRuns.filter(Boolean) };
}
