import { strict as assert } from 'node:assert';
import { createPythonParser, type Parser } from '../../core/src/analysis/parser';
import { extractFacts } from '../../core/src/analysis/facts';
import { extractDagModel, type DagInfo } from '../../core/src/analysis/dagModel';
import { lintText } from '../../core/src/analysis/engine';
import { resolveTargetLabel } from '../../core/src/targets';

let parser: Parser;
function model(src: string) {
  return extractDagModel(extractFacts(parser.parse(src)!, src));
}
const edges = (d: DagInfo) => d.edges.map((e) => `${e.from}>${e.to}`).sort();
const ids = (d: DagInfo) => d.tasks.map((t) => t.key);

describe('DAG model', () => {
  before(async () => {
    parser = await createPythonParser();
  });

  it('with DAG(...) as dag: tasks, groups, partial/expand, >> << lists, chain, set_downstream', () => {
    const m = model(`from airflow import DAG
from airflow.operators.bash import BashOperator as B
from airflow.models.baseoperator import chain, cross_downstream
from airflow.utils.task_group import TaskGroup
with DAG("etl") as dag:
    a = B(task_id="a", bash_command="x")
    b = B(task_id="b", bash_command="x")
    c = B.partial(task_id="c").expand(bash_command=["x"])
    with TaskGroup("grp"):
        d = B(task_id="d", bash_command="x")
    a >> [b, c] >> d
    d << c
    chain(a, b)
    b.set_downstream(c)
    cross_downstream([a], [d])
`);
    assert.equal(m.dags.length, 1);
    const d = m.dags[0];
    assert.equal(d.dagId, 'etl');
    assert.equal(d.kind, 'context');
    assert.equal(d.variable, 'dag');
    assert.deepEqual(ids(d), ['a', 'b', 'c', 'grp.d']);
    assert.deepEqual(d.tasks.map((t) => t.variable), ['a', 'b', 'c', 'd']);
    assert.deepEqual(edges(d), ['a>b', 'a>c', 'a>grp.d', 'b>c', 'b>grp.d', 'c>grp.d']);
  });

  it('@dag functions (dag_id from kwarg or name), TaskFlow ids (decorator kwarg, override, name) and data passing', () => {
    const m = model(`from airflow.decorators import dag, task
@task
def extract():
    return 1
@task(task_id="xform")
def transform(x):
    return x
@task.python
def load(x):
    pass
@dag(schedule=None)
def pipeline():
    load(transform(extract()))
    e = extract.override(task_id="e2")()
    load.expand(x=e)
@dag(dag_id="named")
def other():
    pass
pipeline()
other()
`);
    assert.deepEqual(m.dags.map((d) => [d.dagId, d.kind]), [['pipeline', 'decorator'], ['named', 'decorator']]);
    const p = m.dags[0];
    assert.deepEqual(p.tasks.map((t) => t.taskId), ['load', 'xform', 'extract', 'e2', 'load']);
    assert.ok(p.tasks.every((t) => t.kind === 'taskflow' && t.autoUniqueId));
    assert.deepEqual(edges(p), ['e2>load#4', 'extract>xform', 'xform>load']);
  });

  it('dag= keyword attaches module-level tasks; tasks inside task callables belong to no DAG', () => {
    const m = model(`import airflow
from airflow.decorators import task
from airflow.operators.bash import BashOperator
dag = airflow.DAG(dag_id="m")
t1 = BashOperator(task_id="t1", bash_command="x", dag=dag)
orphan = BashOperator(task_id="orphan", bash_command="x")
@task
def runtime():
    BashOperator(task_id="inner", bash_command="x").execute({})
`);
    assert.equal(m.dags.length, 1);
    assert.equal(m.dags[0].kind, 'constructor');
    assert.deepEqual(m.dags[0].tasks.map((t) => t.taskId), ['t1']);
  });

  it('helper functions called inside a DAG contribute their tasks (marked repeated); loops mark repeated', () => {
    const m = model(`from airflow import DAG
from airflow.operators.bash import BashOperator
def make(i):
    return BashOperator(task_id=f"t{i}", bash_command="x")
with DAG("h") as dag:
    first = make(0)
    for i in range(3):
        BashOperator(task_id="loop", bash_command="x")
`);
    const d = m.dags[0];
    assert.equal(d.tasks.length, 2);
    assert.ok(d.tasks.every((t) => t.repeated));
  });

  it('non-literal ids stay unknown; names in strings and comments are not tasks', () => {
    const m = model(`from airflow import DAG
from airflow.operators.bash import BashOperator
NAME = "x"
with DAG(f"dag_{NAME}") as dag:
    # t = BashOperator(task_id="commented")
    s = "BashOperator(task_id='in_string')"
    t = BashOperator(task_id=NAME + "_t", bash_command="x")
`);
    assert.equal(m.dags[0].dagId, undefined);
    assert.deepEqual(m.dags[0].tasks.map((t) => [t.taskId, t.variable]), [[undefined, 't']]);
  });

  it('star imports and models.DAG are recognised; a local class named DAG is not', () => {
    assert.equal(model(`from airflow.models import *\nd = DAG("s")\n`).dags.length, 1);
    assert.equal(model(`from airflow import models\nd = models.DAG("s")\n`).dags[0].dagId, 's');
    assert.equal(model(`class DAG:\n    pass\nd = DAG("s")\n`).dags.length, 0);
  });
});

describe('DAG model: registration', () => {
  before(async () => {
    parser = await createPythonParser();
  });
  it('a @dag function never called registers no DAG id (no AF223 against it)', async () => {
    const src = `from airflow.decorators import dag\n@dag(dag_id="a")\ndef a():\n    pass\n@dag(dag_id="b")\ndef b():\n    pass\nb()\n`;
    const r = await lintText(src, 'x.py', { target: resolveTargetLabel('mwaa:2.10.3') });
    assert.deepEqual(r.dagIds.map((d) => d.id), ['b']);
    assert.deepEqual(model(src).dags.map((d) => [d.dagId, d.registered]), [['a', false], ['b', true]]);
  });
});
