import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { lintText } from '../../core/src/analysis/engine';
import { resolveTargetLabel } from '../../core/src/targets';

/**
 * Structural-rule fixtures (test/fixtures/structural/*.py): realistic DAG files with inline
 * expectations for the syntax, credential, top-level and DAG-structure rules (AF0xx, AF15x, AF2xx
 * except the workspace-wide AF223):
 *
 *   x = 1  # expect: AF201 @ mwaa:2.10.3 astro:12.1.0   (a finding on this line for these targets)
 *   # clean-for: mwaa:3.0.6                            (no such finding at all for these targets)
 *
 * For every target a file names, the findings must be exactly the expected ones (code and line).
 */
const DIR = path.resolve(__dirname, '..', 'fixtures', 'structural');
const OURS = /^AF(0\d\d|15\d|2(0|1|2[1245])\d?)$/;

function expectations(text: string): Map<string, string[]> {
  const byTarget = new Map<string, string[]>();
  const add = (t: string, v?: string) => {
    if (!byTarget.has(t)) byTarget.set(t, []);
    if (v) byTarget.get(t)!.push(v);
  };
  text.split('\n').forEach((line, i) => {
    const e = /#\s*expect:\s*(AF\d{3}(?:\s*,\s*AF\d{3})*)\s*@\s*([^#]+)$/.exec(line);
    if (e) for (const t of e[2].trim().split(/\s+/)) for (const c of e[1].split(/\s*,\s*/)) add(t, `${c}:${i + 1}`);
    const c = /#\s*clean-for:\s*([^#]+)$/.exec(line);
    if (c) for (const t of c[1].trim().split(/\s+/)) add(t);
  });
  return byTarget;
}

describe('structural rules: fixture DAGs with inline expectations', () => {
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.py')).sort()) {
    const text = readFileSync(path.join(DIR, f), 'utf8');
    for (const [label, expected] of expectations(text)) {
      it(`${f} @ ${label}: ${expected.length ? expected.join(', ') : 'clean'}`, async () => {
        const r = await lintText(text, f, { target: resolveTargetLabel(label) });
        const got = r.diagnostics.filter((d) => OURS.test(d.code)).map((d) => `${d.code}:${d.range.start.line + 1}`);
        const detail = r.diagnostics.filter((d) => OURS.test(d.code)).map((d) => `${d.code}:${d.range.start.line + 1} ${d.message}`).join('\n  ');
        assert.deepEqual(got.sort(), [...expected].sort(), `findings:\n  ${detail}`);
      });
    }
  }
  it('the fixtures name at least one target each (no file silently untested)', () => {
    for (const f of readdirSync(DIR).filter((x) => x.endsWith('.py'))) assert.ok(expectations(readFileSync(path.join(DIR, f), 'utf8')).size > 0, f);
  });
});
