import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { closest, closestBy } from '../../core/src/analysis/rules/arguments';

/** The did-you-mean of AF111 runs on rolling rows; this is the full-table definition it must match. */
function referenceDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}


describe('AF111 did-you-mean (closest)', () => {
  it('agrees with the full-table edit distance on random names', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', '_'), maxLength: 9 });
    fc.assert(fc.property(word, fc.array(word, { maxLength: 12 }), (name, names) => assert.equal(closest(name, names), closestBy(name, names, referenceDistance))), { numRuns: 3000, seed: 5 });
  });

  it('real keyword typos', () => {
    const names = ['task_id', 'retries', 'retry_delay', 'bash_command', 'env', 'owner', 'pool', 'queue'];
    for (const n of ['taks_id', 'retires', 'bash_comand', 'ownr', 'x', 'pool', 'retry_delays']) assert.equal(closest(n, names), closestBy(n, names, referenceDistance), n);
  });
});
