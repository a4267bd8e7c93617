import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { analyzeText } from '../../core/src/analysis/engine';
import { createPythonParser, type Parser } from '../../core/src/analysis/parser';
import { resolveTargetLabel } from '../../core/src/targets';
import { generateDag } from '../../bench/lint';

/**
 * Property tests: whatever the input (mutated, truncated, binary, huge), analyzeText returns
 * diagnostics without throwing, never reports an internal rule error (AF000), produces ranges
 * inside the document, and finishes each file within a generous bound.
 */
const TARGETS = ['mwaa:1.10.12', 'mwaa:2.10.3', 'mwaa:3.0.6'].map((l) => resolveTargetLabel(l));
const BOUND_MS = 2000;

let seedRand = 1;
const rand = () => {
  seedRand = (seedRand * 1664525 + 1013904223) >>> 0;
  return seedRand / 2 ** 32;
};
const BASE = [generateDag(1, 6, rand), generateDag(2, 6, rand), generateDag(3, 6, rand)];

function check(parser: Parser, text: string, targetIndex: number) {
  const t0 = performance.now();
  const r = analyzeText(parser, text, 'prop.py', { target: TARGETS[targetIndex % TARGETS.length] });
  const ms = performance.now() - t0;
  r.tree?.delete();
  assert.ok(ms < BOUND_MS, `analysis took ${ms.toFixed(0)} ms`);
  const internal = r.diagnostics.filter((d) => d.code === 'AF000');
  assert.deepEqual(internal.map((d) => d.message), []);
  // DAG model invariants: task keys unique per DAG, edges only between its own tasks.
  for (const dag of r.dagModel?.dags ?? []) {
    const keys = new Set(dag.tasks.map((t) => t.key));
    assert.equal(keys.size, dag.tasks.length, 'duplicate task keys');
    for (const e of dag.edges) assert.ok(keys.has(e.from) && keys.has(e.to), `edge ${e.from} -> ${e.to} outside the DAG`);
  }
  const lines = text.split('\n').length;
  for (const d of r.diagnostics) {
    assert.ok(d.range.start.line >= 0 && d.range.start.line < lines, `${d.code} starts outside the text`);
    assert.ok(d.range.end.line >= d.range.start.line, `${d.code} ends before it starts`);
  }
}

describe('engine properties (fast-check)', function () {
  this.timeout(120_000);
  let parser: Parser;
  before(async () => {
    parser = await createPythonParser();
  });

  it('mutated DAGs (deletions, insertions of Python tokens) never crash and stay bounded', () => {
    const token = fc.constantFrom('(', ')', '[', ']', '{', '}', ':', '>>', '<<', '"', "'", 'f"{', '\n', '    ', 'DAG(', '@task', 'with ', ' as ', '=', ',', '\\', '#', ':=', 'match ', 'except* ', 'type X = ', 'task_id="a"', 'chain(', '.expand(');
    fc.assert(
      fc.property(fc.nat(BASE.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(40), token), { maxLength: 12 }), fc.nat(2), (b, muts, ti) => {
        let text = BASE[b];
        for (const [pos, del, ins] of muts) {
          const p = pos % (text.length + 1);
          text = text.slice(0, p) + ins + text.slice(p + del);
        }
        check(parser, text, ti);
      }),
      { numRuns: 150 },
    );
  });

  it('truncated files never crash', () => {
    fc.assert(
      fc.property(fc.nat(BASE.length - 1), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(2), (b, frac, ti) => {
        check(parser, BASE[b].slice(0, Math.floor(BASE[b].length * frac)), ti);
      }),
      { numRuns: 100 },
    );
  });

  it('arbitrary unicode and binary-ish strings never crash', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), fc.nat(2), (s, ti) => check(parser, s, ti)),
      { numRuns: 150 },
    );
  });

  it('huge and deeply nested inputs stay bounded', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 50, max: 400 }), (kind, n) => {
        const text = kind === 1 ? `x = ${'('.repeat(n)}1${')'.repeat(n)}\n` : kind === 2 ? `x = ${'['.repeat(n)}\n` : BASE[0].repeat(Math.ceil(n / 20));
        check(parser, text, n);
      }),
      { numRuns: 12 },
    );
    // over the size limit: one AF001, no parse
    const big = analyzeText(parser, 'x = 1\n'.repeat(1_000_000), 'big.py', { target: TARGETS[1] });
    assert.deepEqual(big.diagnostics.map((d) => d.code), ['AF001']);
    const nul = analyzeText(parser, 'x = 1\u0000\n', 'nul.py', { target: TARGETS[1] });
    assert.deepEqual(nul.diagnostics.map((d) => d.code), ['AF001']);
  });
});
