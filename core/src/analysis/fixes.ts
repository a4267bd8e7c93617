import type { Diagnostic, Position, TextEdit } from './types';

function offsetAt(lineStarts: number[], p: Position, textLength: number): number {
  const base = lineStarts[p.line];
  if (base === undefined) return textLength;
  return Math.min(base + p.character, textLength);
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** Apply non-overlapping edits (later edits that overlap an earlier one are skipped). */
export function applyEdits(text: string, edits: TextEdit[]): { text: string; applied: number } {
  const starts = lineStartsOf(text);
  const withOffsets = edits
    .map((e) => ({ e, s: offsetAt(starts, e.range.start, text.length), t: offsetAt(starts, e.range.end, text.length) }))
    .sort((a, b) => a.s - b.s || a.t - b.t);
  const chosen: typeof withOffsets = [];
  let lastEnd = -1;
  for (const x of withOffsets) {
    if (x.s < lastEnd) continue;
    chosen.push(x);
    lastEnd = Math.max(x.t, x.s + (x.t === x.s ? 1 : 0));
  }
  let out = text;
  for (const x of chosen.reverse()) out = out.slice(0, x.s) + x.e.newText + out.slice(x.t);
  return { text: out, applied: chosen.length };
}

/** Preferred fixes of a diagnostics list, each fix's edits kept together. */
export function preferredFixEdits(diagnostics: Diagnostic[]): TextEdit[][] {
  const out: TextEdit[][] = [];
  for (const d of diagnostics) {
    const fix = d.fixes?.find((f) => f.isPreferred) ?? (d.fixes?.length === 1 ? d.fixes[0] : undefined);
    if (fix) out.push(fix.edits);
  }
  return out;
}

/**
 * "Fix all": apply every preferred fix, re-linting between rounds so fixes whose edits overlap
 * (e.g. two names of one import statement) are applied one after the other.
 */
export async function fixAll(text: string, lint: (text: string) => Promise<Diagnostic[]> | Diagnostic[], maxRounds = 10): Promise<{ text: string; fixed: number }> {
  let current = text;
  let fixed = 0;
  for (let round = 0; round < maxRounds; round++) {
    const groups = preferredFixEdits(await lint(current));
    if (!groups.length) break;
    // Apply whole fixes only: pick groups whose edits do not overlap the ones already chosen.
    const chosen: TextEdit[] = [];
    const starts = lineStartsOf(current);
    const taken: [number, number][] = [];
    let count = 0;
    for (const g of groups) {
      const spans = g.map((e) => [offsetAt(starts, e.range.start, current.length), offsetAt(starts, e.range.end, current.length)] as [number, number]);
      if (spans.some(([s, t]) => taken.some(([a, b]) => s < b && a < t || (s === t && s >= a && s < b)))) continue;
      taken.push(...spans);
      chosen.push(...g);
      count++;
    }
    if (!count) break;
    const next = applyEdits(current, chosen).text;
    if (next === current) break;
    current = next;
    fixed += count;
  }
  return { text: current, fixed };
}
