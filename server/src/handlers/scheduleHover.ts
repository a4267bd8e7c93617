import type { Facts } from '../../../core/src/analysis/facts';
import type { HoverInfo } from '../../../core/src/analysis/hover';
import type { Position } from '../../../core/src/analysis/types';

/** Hover for `schedule=` / `schedule_interval=` strings: the schedule in words and next runs. */
export function describeScheduleHover(facts: Facts, pos: Position): HoverInfo | undefined {
  for (const call of facts.calls) {
    for (const a of call.args) {
      if ((a.name !== 'schedule' && a.name !== 'schedule_interval') || a.value.type !== 'string') continue;
      const r = { start: { line: a.value.startPosition.row, character: a.value.startPosition.column }, end: { line: a.value.endPosition.row, character: a.value.endPosition.column } };
      const inside = (pos.line > r.start.line || (pos.line === r.start.line && pos.character >= r.start.character)) && (pos.line < r.end.line || (pos.line === r.end.line && pos.character <= r.end.character));
      if (!inside) continue;
      const expr = a.value.text.replace(/^[rbuRBU]*(['"]{1,3})/, '').replace(/(['"]{1,3})$/, '');
      return scheduleMarkdown(expr, r);
    }
  }
  return undefined;
}

function scheduleMarkdown(expr: string, range: HoverInfo['range']): HoverInfo | undefined {
  // The schedule module (AF222) provides the description; loaded lazily so a missing module never breaks hovers.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  let mod: { describeSchedule?: (e: string) => { valid: boolean; text?: string; nextRuns?: string[]; error?: string } } = {};
  try {
    mod = require('../../../core/src/analysis/schedule');
  } catch {
    return undefined;
  }
  if (!mod.describeSchedule) return undefined;
  const d = mod.describeSchedule(expr);
  const lines = [`**Schedule** \`${expr}\``, ''];
  if (!d.valid) lines.push(`❌ ${d.error ?? 'invalid schedule'}`);
  else {
    if (d.text) lines.push(d.text);
    if (d.nextRuns?.length) lines.push('', 'Next runs (UTC):', ...d.nextRuns.slice(0, 5).map((r) => `- ${r}`));
  }
  return { markdown: lines.join('\n'), range };
}
