import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { engineLinter } from '../../core/src/deploy/lint';
import { threadLinter } from '../../core/src/deploy/lint-thread';

/** The deploy gate's lint engine on a worker thread gives what the in-process engine gives. */
describe('deploy: the gate lint engine on a worker thread', function () {
  this.timeout(60_000);
  let dir: string;
  let files: string[];
  const opts = { target: 'mwaa:2.10.3', airflowVersion: '2.10.3' };

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ma-lint-thread-'));
    mkdirSync(path.join(dir, 'dags'));
    files = [path.join(dir, 'dags', 'broken.py'), path.join(dir, 'dags', 'ok.py'), path.join(dir, 'dags', 'same_id.py')];
    writeFileSync(files[0], 'from airflow.sdk import dag\n');
    writeFileSync(files[1], 'from datetime import datetime\nfrom airflow import DAG\n\nwith DAG("ok", start_date=datetime(2024, 1, 1), schedule=None) as dag:\n    pass\n');
    writeFileSync(files[2], 'from datetime import datetime\nfrom airflow import DAG\n\nwith DAG("ok", start_date=datetime(2024, 1, 1), schedule=None) as dag:\n    pass\n');
    // Node 20 cannot start a .ts worker: a shim registers tsx first (the CLI bundle ships lint-thread-worker.mjs)
    writeFileSync(path.join(dir, 'worker.cjs'), `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(path.resolve(__dirname, '../../core/src/deploy/lint-thread-worker.ts'))});\n`);
    writeFileSync(path.join(dir, 'crash.cjs'), 'throw new Error("worker failed to start");\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('same diagnostics and notes as in-process, including the cross-file duplicate dag_id rule', async () => {
    const expected = await engineLinter(dir)(files, opts);
    assert.ok(expected.diagnostics.some((d) => d.code === 'AF102' && d.file === files[0]), JSON.stringify(expected));
    assert.ok(expected.diagnostics.some((d) => d.code === 'AF223' && d.file === files[2]), JSON.stringify(expected));
    const viaThread = await threadLinter(dir, path.join(dir, 'worker.cjs'))(files, opts);
    assert.deepEqual(viaThread, expected);
  });

  it('an unknown target answers with the same note; no files lints nothing', async () => {
    const linter = threadLinter(dir, path.join(dir, 'worker.cjs'));
    assert.deepEqual(await linter(files, { target: 'mwaa:9.9.9', airflowVersion: '9.9.9' }), await engineLinter(dir)(files, { target: 'mwaa:9.9.9', airflowVersion: '9.9.9' }));
    assert.deepEqual(await linter([], opts), { diagnostics: [], notes: [] });
  });

  it('a worker that cannot start leaves the files to the in-process engine (same result)', async () => {
    const linter = threadLinter(dir, path.join(dir, 'crash.cjs'));
    assert.deepEqual(await linter(files, opts), await engineLinter(dir)(files, opts));
  });

  it('a missing worker file is the in-process engine too', async () => {
    const linter = threadLinter(dir, path.join(dir, 'missing.mjs'));
    assert.deepEqual(await linter(files, opts), await engineLinter(dir)(files, opts));
  });
});
