import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chooseThreads, runLintJobs, workerEntry, PARALLEL_THRESHOLD, type LintJob } from '../../core/src/analysis/lintPool';
import { lintPaths } from '../../core/src/analysis/project';
import { createPythonParser } from '../../core/src/analysis/parser';
import { resolveTargetLabel } from '../../core/src/targets';

const DAG = (i: number) => `from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.empty import EmptyOperator
with DAG("dag_${i % 40}", schedule_interval="@daily") as dag:
    a = BashOperator(task_id="a", bash_command="echo {{ execution_date }}")
    b = EmptyOperator(task_id="b")
    a >> b
`;

describe('parallel lint pool', function () {
  this.timeout(120_000);
  let dir: string;
  const files: string[] = [];
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ma-pool-'));
    for (let i = 0; i < 60; i++) {
      const f = path.join(dir, `dag_${String(i).padStart(3, '0')}.py`);
      writeFileSync(f, i === 7 ? 'def broken(:\n' : DAG(i));
      files.push(f);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const jobsFor = (target: string): LintJob[] => files.map((abs, index) => ({ index, abs, options: { target: resolveTargetLabel(target) } }));
  const strip = (rs: { index: number; diagnostics: unknown[]; dagIds: unknown[] }[]) => JSON.stringify(rs);

  it('chooses one thread for small runs and never more threads than batches', () => {
    assert.equal(chooseThreads(10), 1);
    assert.equal(chooseThreads(PARALLEL_THRESHOLD - 1), 1);
    assert.ok(chooseThreads(5000) >= 1);
    assert.equal(chooseThreads(5000, undefined, 2), 1, 'two cores: one thread (measured faster)');
    assert.equal(chooseThreads(5000, undefined, 4), 4);
    assert.equal(chooseThreads(5000, undefined, 32), 8);
    assert.equal(chooseThreads(5000, 2, 2), 2, '--jobs still forces threads');
    assert.equal(chooseThreads(20, 8), 2); // 20 files make 2 batches of 16
    assert.equal(chooseThreads(1000, 3), 3);
  });

  it('worker threads give exactly the in-process results, in file order', async () => {
    assert.ok(workerEntry(), 'a worker entry (bundle or TypeScript source) is found');
    for (const target of ['mwaa:2.10.3', 'mwaa:3.0.6']) {
      const serial = await runLintJobs(jobsFor(target), 1, createPythonParser);
      const parallel = await runLintJobs(jobsFor(target), 3, createPythonParser);
      assert.equal(serial.threads, 1);
      assert.ok(parallel.threads >= 2, `threads used: ${parallel.threads}`);
      assert.equal(strip(parallel.results), strip(serial.results));
      assert.deepEqual(parallel.results.map((r) => r.index), files.map((_, i) => i));
      // the verdicts differ by target (schedule_interval is gone in 3.0), so the target reached the workers
      assert.ok(serial.results[0].diagnostics.length > 0);
    }
  });

  it('a worker that cannot start leaves the work to the caller: same results, one thread', async () => {
    const serial = await runLintJobs(jobsFor('mwaa:2.10.3'), 1, createPythonParser);
    const broken = await runLintJobs(jobsFor('mwaa:2.10.3'), 2, createPythonParser, { file: path.join(dir, 'no-such-worker.js') });
    assert.equal(broken.threads, 1);
    assert.equal(strip(broken.results), strip(serial.results));
  });

  it('lintPaths on threads: same diagnostics and the workspace rule (duplicate dag_id) still spans all files', async () => {
    const one = await lintPaths([dir], { target: 'mwaa:2.10.3', jobs: 1 });
    const three = await lintPaths([dir], { target: 'mwaa:2.10.3', jobs: 3 });
    assert.equal(one.threads, 1);
    assert.ok(three.threads >= 2);
    assert.deepEqual(three.files, one.files);
    const dupes = three.files.flatMap((f) => f.diagnostics.filter((d) => d.code === 'AF223'));
    // dag_0 … dag_19 are defined twice (files i and i + 40), except dag_7 whose first file does not parse
    assert.equal(dupes.length, 38);
    assert.ok(three.files.find((f) => f.file.endsWith('dag_007.py'))!.diagnostics.some((d) => d.code === 'AF001'));
  });
});
