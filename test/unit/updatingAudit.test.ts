import { strict as assert } from 'node:assert';
import { lintText } from '../../core/src/analysis/engine';
import { applyEdits } from '../../core/src/analysis/fixes';
import type { Diagnostic } from '../../core/src/analysis/types';
import { resolveTargetLabel } from '../../core/src/targets';

/**
 * Changes listed in Airflow's UPDATING.md / RELEASE_NOTES.rst (1.10 → 2.11) that a DAG author
 * trips over: each is reported on the releases where the code fails, and nowhere else.
 */
async function lint(src: string, label: string, code?: string): Promise<Diagnostic[]> {
  const r = await lintText(src, 'dag.py', { target: resolveTargetLabel(label) });
  return r.diagnostics.filter((d) => (code ? d.code === code : true));
}

function at(diags: Diagnostic[]): string[] {
  return diags.map((d) => `${d.code}:${d.range.start.line + 1}`);
}

describe('UPDATING audit: deprecated imports point to what the target has', () => {
  const src = 'from airflow.operators.dummy_operator import DummyOperator\n\nt = DummyOperator(task_id="t")\n';
  it('2.0–2.2: dummy_operator → airflow.operators.dummy (EmptyOperator only exists from 2.3)', async () => {
    for (const label of ['airflow:2.0.2', 'airflow:2.2.5']) {
      const [d] = await lint(src, label, 'AF103');
      assert.ok(d, label);
      assert.match(d.message, /Use `airflow\.operators\.dummy\.DummyOperator` instead/, d.message);
      assert.doesNotMatch(d.message, /EmptyOperator/, d.message);
      const fix = d.fixes?.find((f) => f.isPreferred) ?? d.fixes?.[0];
      assert.ok(fix, 'quick fix');
      const fixed = applyEdits(src, fix.edits).text;
      assert.match(fixed, /^from airflow\.operators\.dummy import DummyOperator$/m, fixed);
      assert.deepEqual(at(await lint(fixed, label)).filter((c) => c.startsWith('AF1')), []);
    }
  });
  it('2.3+: EmptyOperator', async () => {
    const [d] = await lint(src, 'airflow:2.3.4', 'AF103');
    assert.match(d.message, /Use `airflow\.operators\.empty\.EmptyOperator` instead/, d.message);
  });
});

describe('UPDATING audit: assigning tasks with dag >> task (removed in 2.0)', () => {
  const src = [
    'from datetime import datetime',
    'from airflow import DAG',
    'from airflow.operators.bash_operator import BashOperator',
    'dag = DAG("d", start_date=datetime(2020, 1, 1), schedule_interval=None)',
    'a = BashOperator(task_id="a", bash_command="echo")',
    'b = BashOperator(task_id="b", bash_command="echo", dag=dag)',
    'dag >> a',
    'a << dag',
    'a >> b',
    'FLAGS = 1 << 3',
    '',
  ].join('\n');
  it('is an error from 2.0 only, at the shift with the DAG', async () => {
    assert.deepEqual(at(await lint(src, 'airflow:1.10.15', 'AF131')), []);
    for (const label of ['airflow:2.0.2', 'airflow:2.10.5', 'airflow:2.11.0']) {
      assert.deepEqual(at(await lint(src, label, 'AF131')), ['AF131:7', 'AF131:8'], label);
    }
  });
  it('a with-block DAG variable counts too; a task shift does not', async () => {
    const w = 'from datetime import datetime\nfrom airflow import DAG\nfrom airflow.operators.bash import BashOperator\nwith DAG("d", start_date=datetime(2021, 1, 1)) as dag:\n    a = BashOperator(task_id="a", bash_command="echo")\n    b = BashOperator(task_id="b", bash_command="echo")\n    a >> b\ndag >> a\n';
    assert.deepEqual(at(await lint(w, 'airflow:2.6.3', 'AF131')), ['AF131:8']);
  });
});

describe('UPDATING audit: DAG default_view / orientation values (2.0 validates, 2.3 renames tree → grid)', () => {
  const src = [
    'from datetime import datetime',
    'from airflow import DAG',
    'a = DAG("a", start_date=datetime(2021, 1, 1), default_view="tree", orientation="LR")',
    'b = DAG("b", start_date=datetime(2021, 1, 1), default_view="grid", orientation="TB")',
    'c = DAG("c", start_date=datetime(2021, 1, 1), default_view="graph", orientation="lr")',
    '',
  ].join('\n');
  const views = async (label: string) => (await lint(src, label)).filter((d) => d.data?.argument === 'default_view' || d.data?.argument === 'orientation').map((d) => `${d.code}:${d.range.start.line + 1}:${d.data?.value}`);
  it('1.10 stores any value', async () => {
    assert.deepEqual(await views('airflow:1.10.15'), []);
  });
  it('2.0–2.2: "grid" and a wrong-case orientation raise', async () => {
    assert.deepEqual(await views('airflow:2.0.2'), ['AF111:4:grid', 'AF111:5:lr']);
    const grid = (await lint(src, 'airflow:2.2.5')).find((d) => d.data?.value === 'grid')!;
    assert.equal(applyEdits(src, grid.fixes![0].edits).text.split('\n')[3], 'b = DAG("b", start_date=datetime(2021, 1, 1), default_view="tree", orientation="TB")');
  });
  it('2.3–2.11: "tree" is deprecated (AF112 with a fix to "grid"), "grid" is fine', async () => {
    for (const label of ['airflow:2.3.4', 'airflow:2.11.0']) assert.deepEqual(await views(label), ['AF112:3:tree', 'AF111:5:lr'], label);
  });
});

describe('UPDATING audit: AF226 ids Airflow rejects (validate_key / validate_group_key)', () => {
  const src = [
    'from datetime import datetime',
    'from airflow import DAG',
    'from airflow.operators.bash import BashOperator',
    'from airflow.utils.task_group import TaskGroup',
    'with DAG("sales report/daily", start_date=datetime(2021, 1, 1)) as dag:',
    '    ok = BashOperator(task_id="load.stage-1_ü", bash_command="echo")',
    '    bad = BashOperator(task_id="load stage!", bash_command="echo")',
    '    with TaskGroup("raw.files") as g1:',
    '        BashOperator(task_id="a", bash_command="echo")',
    '    with TaskGroup("raw files", prefix_group_id=False) as g2:',
    '        BashOperator(task_id="b", bash_command="echo")',
    '    with TaskGroup("fine-group_2") as g3:',
    '        BashOperator(task_id="c", bash_command="echo")',
    '',
  ].join('\n');
  it('dag_id and task_id everywhere; group ids from 2.1.3 (with a prefix), on 3.x always', async () => {
    assert.deepEqual(at(await lint(src, 'airflow:2.0.2', 'AF226')), ['AF226:5', 'AF226:7']);
    assert.deepEqual(at(await lint(src, 'airflow:2.1.2', 'AF226')), ['AF226:5', 'AF226:7']);
    assert.deepEqual(at(await lint(src, 'airflow:2.1.4', 'AF226')), ['AF226:5', 'AF226:7', 'AF226:8']);
    assert.deepEqual(at(await lint(src, 'airflow:2.10.5', 'AF226')), ['AF226:5', 'AF226:7', 'AF226:8']);
    assert.deepEqual(at(await lint(src, 'airflow:3.0.0', 'AF226')), ['AF226:5', 'AF226:7', 'AF226:8', 'AF226:10']);
  });
  it('a valid DAG has none', async () => {
    const ok = 'from datetime import datetime\nfrom airflow import DAG\nfrom airflow.operators.bash import BashOperator\nwith DAG("good.dag-id_1", start_date=datetime(2021, 1, 1)) as dag:\n    BashOperator(task_id="task.one-1", bash_command="echo")\n    BashOperator(task_id=f"t_{dag.dag_id} x", bash_command="echo")\n';
    assert.deepEqual(at(await lint(ok, 'airflow:2.10.5', 'AF226')), []);
  });
});

describe('UPDATING audit: TaskFlow parameters named after context keys', () => {
  const src = [
    'from datetime import datetime',
    'from airflow.decorators import dag, task',
    '@dag(start_date=datetime(2022, 1, 1), schedule_interval=None)',
    'def tf():',
    '    @task',
    '    def needs_ds(ds):',
    '        print(ds)',
    '    @task',
    '    def defaults(x, ds="1970-01-01", ti=None, params={"a": 1}, run_id=None):',
    '        print(x, ds, ti, params)',
    '    @task',
    '    def good(x, ds=None, **context):',
    '        print(x, ds)',
    '    needs_ds()',
    '    defaults(1)',
    '    good(1)',
    'tf()',
    '',
  ].join('\n');
  const af111 = async (label: string) => at(await lint(src, label, 'AF111'));
  it('2.2–2.7 bind the signature as written: a context key without default is a missing argument', async () => {
    assert.deepEqual(await af111('airflow:2.2.5'), ['AF111:14']);
    assert.deepEqual(await af111('airflow:2.7.3'), ['AF111:14']);
  });
  it('2.8 fills context-key parameters with None', async () => {
    assert.deepEqual(await af111('airflow:2.8.4'), []);
  });
  it('2.9+ rejects a context-key default other than None (ValueError), at the default', async () => {
    for (const label of ['airflow:2.9.3', 'airflow:2.11.0']) assert.deepEqual(await af111(label), ['AF111:9', 'AF111:9'], label);
    const d = (await lint(src, 'airflow:2.9.3', 'AF111'))[0];
    assert.match(d.message, /Context key parameter ds can't have a default other than None/);
  });
});

describe('UPDATING audit: AF227 DAG params validated at parse time (2.3–2.7 always, 2.8+ with a schedule)', () => {
  const src = [
    'from datetime import datetime',
    'from airflow import DAG',
    'from airflow.models.param import Param',
    'with DAG("manual", start_date=datetime(2022, 1, 1), schedule_interval=None,',
    '         params={"who": Param(type="string"), "n": Param(5, type="integer"), "opt": Param(None, type=["null", "string"])}) as d1:',
    '    pass',
    'with DAG("daily", start_date=datetime(2022, 1, 1), schedule_interval="@daily",',
    '         params={"n": Param("5", type="integer"), "e": Param("c", enum=["a", "b"]), "x": Param(3, type="number"), "plain": 3, "f": Param(5.0, type="integer")}) as d2:',
    '    pass',
    '',
  ].join('\n');
  const af227 = async (label: string) => (await lint(src, label, 'AF227')).map((d) => `${d.range.start.line + 1}:${d.data?.param}`);
  it('2.2 resolves params only when a run is triggered', async () => {
    assert.deepEqual(await af227('airflow:2.2.5'), []);
  });
  it('2.3–2.7: every DAG', async () => {
    for (const label of ['airflow:2.3.4', 'airflow:2.7.3']) assert.deepEqual(await af227(label), ['5:who', '8:n', '8:e'], label);
  });
  // ("f": Param(5.0, type="integer") is valid: jsonschema draft 6+ counts an integral float as an integer)
  it('2.8+: only a DAG with a schedule (#31301)', async () => {
    for (const label of ['airflow:2.8.4', 'airflow:2.11.0']) assert.deepEqual(await af227(label), ['8:n', '8:e'], label);
  });
});

describe('UPDATING audit: schedule / schedule_interval / timetable together (AF222)', () => {
  const src = [
    'from datetime import datetime, timedelta',
    'from airflow import DAG',
    'from airflow.timetables.interval import DeltaDataIntervalTimetable',
    'NONE = None',
    'a = DAG("a", start_date=datetime(2022, 1, 1), schedule=None, schedule_interval="@daily")',
    'b = DAG("b", start_date=datetime(2022, 1, 1), schedule="@daily", schedule_interval=NONE)',
    'c = DAG("c", start_date=datetime(2022, 1, 1), schedule="@daily", schedule_interval="@hourly")',
    'd = DAG("d", start_date=datetime(2022, 1, 1), timetable=DeltaDataIntervalTimetable(timedelta(days=1)), schedule_interval=None)',
    '',
  ].join('\n');
  const af222 = async (label: string) => at(await lint(src, label, 'AF222'));
  it('2.2–2.3: any schedule_interval next to a timetable raises TypeError', async () => {
    assert.deepEqual(await af222('airflow:2.3.4'), ['AF222:8']);
  });
  it('2.4–2.x: only two truthy values raise (at_most_one); None does not count', async () => {
    for (const label of ['airflow:2.4.3', 'airflow:2.10.5']) assert.deepEqual(await af222(label), ['AF222:7'], label);
  });
});
