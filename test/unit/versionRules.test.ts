import { strict as assert } from 'node:assert';
import { lintText } from '../../core/src/analysis/engine';
import { applyEdits, fixAll } from '../../core/src/analysis/fixes';
import type { Diagnostic, LintOptions } from '../../core/src/analysis/types';
import { detectFromDockerfile, resolveTargetLabel } from '../../core/src/targets';
import { addedBetweenScans } from '../../core/src/analysis/rules/scanGaps';

/** Lint `src` against a target label; returns the version-rule diagnostics (AF1xx). */
async function lint(src: string, label: string, opts: Partial<LintOptions> = {}): Promise<Diagnostic[]> {
  const r = await lintText(src, 'dag.py', { target: resolveTargetLabel(label), ...opts });
  return r.diagnostics.filter((d) => d.code.startsWith('AF1'));
}

/** The single diagnostic with `code` (fails when there are none or several). */
function one(diags: Diagnostic[], code: string): Diagnostic {
  const found = diags.filter((d) => d.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got: ${diags.map((d) => `${d.code}@${d.range.start.line + 1} ${d.message}`).join(' | ') || 'none'}`);
  return found[0];
}

function codes(diags: Diagnostic[]): string[] {
  return diags.map((d) => `${d.code}:${d.range.start.line + 1}`);
}

/** Apply the preferred fix of a diagnostic to the source. */
function applyFix(src: string, d: Diagnostic): string {
  const fix = d.fixes?.find((f) => f.isPreferred) ?? d.fixes?.[0];
  assert.ok(fix, `${d.code} has no quick fix: ${d.message}`);
  return applyEdits(src, fix.edits).text;
}

const BASH_1X = `from airflow.operators.bash_operator import BashOperator\n\nt = BashOperator(task_id="t", bash_command="echo hi")\n`;

describe('version rules: imports (AF101 / AF102 / AF103)', () => {
  it('a removal quotes the older deprecation warning as history; a deprecation states it plainly', async () => {
    const src = 'from datetime import datetime\nfrom airflow import DAG\nfrom airflow.utils.dates import days_ago\nDAG("d", start_date=datetime(2024, 1, 1), schedule_interval=None)\n';
    const on3 = await lint(src, 'mwaa:3.0.6');
    for (const code of ['AF101', 'AF111']) {
      const d = one(on3, code);
      assert.match(d.message, /was removed in Airflow 3\.0\.0; .*Earlier releases warned: "[^"]*deprecated/, d.message);
    }
    const on2 = await lint(src, 'mwaa:2.10.3');
    for (const code of ['AF103', 'AF112']) {
      const d = one(on2, code);
      assert.match(d.message, /is deprecated in Airflow 2\.10\.3/, d.message);
      assert.doesNotMatch(d.message, /Earlier releases warned/, d.message);
    }
  });

  it('airflow.operators.bash_operator: clean on 1.10, AF103 warning on 2.10, AF101 error on 3.0', async () => {
    assert.deepEqual(await lint(BASH_1X, 'mwaa:1.10.12'), []);
    const w = one(await lint(BASH_1X, 'mwaa:2.10.3'), 'AF103');
    assert.equal(w.severity, 'warning');
    assert.equal(w.range.start.line, 0);
    assert.match(w.message, /airflow\.operators\.bash_operator/);
    assert.match(w.message, /Use `airflow\.operators\.bash\.BashOperator` instead/);
    const e = one(await lint(BASH_1X, 'mwaa:3.0.6'), 'AF101');
    assert.equal(e.severity, 'error');
    assert.match(e.message, /removed in Airflow 3\.0\.0; mwaa:3\.0\.6 runs Airflow 3\.0\.6/);
    assert.match(e.message, /airflow\.providers\.standard/);
  });

  it('the AF103 quick fix rewrites the import to the 2.x path and the warning is gone', async () => {
    const fixed = applyFix(BASH_1X, one(await lint(BASH_1X, 'mwaa:2.10.3'), 'AF103'));
    assert.equal(fixed.split('\n')[0], 'from airflow.operators.bash import BashOperator');
    assert.deepEqual(await lint(fixed, 'mwaa:2.10.3'), []);
  });

  it('the AF101 quick fix on 3.0 imports from the standard provider and the error is gone', async () => {
    const fixed = applyFix(BASH_1X, one(await lint(BASH_1X, 'mwaa:3.0.6'), 'AF101'));
    assert.equal(fixed.split('\n')[0], 'from airflow.providers.standard.operators.bash import BashOperator');
    assert.deepEqual(codes(await lint(fixed, 'mwaa:3.0.6')), []);
  });

  it('from airflow.sdk import DAG: AF102 on 2.10, clean on 3.0', async () => {
    const src = 'from airflow.sdk import DAG\n';
    const e = one(await lint(src, 'mwaa:2.10.3'), 'AF102');
    assert.equal(e.severity, 'error');
    assert.match(e.message, /airflow\.sdk/);
    assert.match(e.message, /from Airflow 3\.0\.0; mwaa:2\.10\.3 runs Airflow 2\.10\.3/);
    assert.deepEqual(await lint(src, 'mwaa:3.0.6'), []);
    assert.deepEqual(await lint(src, 'astro:3.0-4'), []);
  });

  it('EmptyOperator: AF102 on mwaa:2.2.2, clean on 2.3 and 2.10, deprecated shim on 3.0', async () => {
    const src = 'from airflow.operators.empty import EmptyOperator\n';
    one(await lint(src, 'mwaa:2.2.2'), 'AF102');
    assert.deepEqual(await lint(src, 'airflow:2.3.0'), []);
    assert.deepEqual(await lint(src, 'mwaa:2.10.3'), []);
    one(await lint(src, 'mwaa:3.0.6'), 'AF103');
  });

  it('airflow.decorators on 1.10 is AF102', async () => {
    one(await lint('from airflow.decorators import dag, task\n', 'mwaa:1.10.12'), 'AF102');
  });

  it('days_ago: clean on 2.2, deprecated (AF103) on 2.10, removed (AF101) on 3.0', async () => {
    const src = 'from airflow.utils.dates import days_ago\n';
    assert.deepEqual(await lint(src, 'mwaa:2.2.2'), []);
    one(await lint(src, 'mwaa:2.10.3'), 'AF103');
    const e = one(await lint(src, 'mwaa:3.0.6'), 'AF101');
    assert.equal(e.range.start.character, src.indexOf('days_ago'), 'points at the name, not the module');
  });

  it('airflow.contrib.* is deprecated on 2.x and removed on 3.0', async () => {
    const src = 'from airflow.contrib.hooks.aws_hook import AwsHook\n';
    assert.deepEqual(await lint(src, 'mwaa:1.10.12'), []);
    one(await lint(src, 'mwaa:2.10.3'), 'AF103');
    one(await lint(src, 'mwaa:3.0.6'), 'AF101');
  });

  it('aliases: `import airflow.operators.bash_operator as bo` is judged and fixed keeping the alias', async () => {
    const src = 'import airflow.operators.bash_operator as bo\n\nbo.BashOperator(task_id="x", bash_command="true")\n';
    const e = one(await lint(src, 'mwaa:3.0.6'), 'AF101');
    const fixed = applyFix(src, e);
    assert.match(fixed.split('\n')[0], /^import airflow\.providers\.standard\.operators\.bash as bo$/);
    assert.deepEqual(await lint(fixed, 'mwaa:3.0.6'), []);
  });

  it('`from airflow.operators import bash_operator` (a submodule as a name) is judged', async () => {
    one(await lint('from airflow.operators import bash_operator\n', 'mwaa:3.0.6'), 'AF101');
    one(await lint('from airflow.operators import bash_operator\n', 'mwaa:2.10.3'), 'AF103');
  });

  it('one bad name among several: the fix splits the statement and keeps the others', async () => {
    const src = 'from airflow.operators.python import PythonOperator, get_current_context\n';
    const diags = await lint(src, 'mwaa:3.0.6');
    const dep = diags.find((d) => d.code === 'AF103' && /PythonOperator/.test(d.message));
    assert.ok(dep, codes(diags).join(','));
    const fixed = applyFix(src, dep);
    assert.match(fixed, /^from airflow\.operators\.python import get_current_context\nfrom airflow\.providers\.standard\.operators\.python import PythonOperator\n$/);
  });

  it('star imports are judged by their module', async () => {
    one(await lint('from airflow.operators.bash_operator import *\n', 'mwaa:3.0.6'), 'AF101');
    assert.deepEqual(await lint('from airflow.operators.bash import *\n', 'mwaa:2.10.3'), []);
  });

  it('guarded imports (try/except ImportError, TYPE_CHECKING, version checks) are never reported', async () => {
    const src = [
      'from typing import TYPE_CHECKING',
      'try:',
      '    from airflow.sdk import DAG',
      'except ImportError:',
      '    from airflow.models import DAG',
      'if TYPE_CHECKING:',
      '    from airflow.utils.context import Context',
      'from airflow import __version__',
      'if __version__.startswith("3"):',
      '    from airflow.providers.standard.operators.bash import BashOperator',
      'else:',
      '    from airflow.operators.bash_operator import BashOperator',
      '',
    ].join('\n');
    for (const label of ['mwaa:1.10.12', 'mwaa:2.10.3', 'mwaa:3.0.6']) assert.deepEqual(codes(await lint(src, label)), [], label);
  });

  it('names in comments and docstrings are never reported', async () => {
    const src = '"""Was: from airflow.operators.bash_operator import BashOperator, schedule_interval, {{ execution_date }}"""\n# from airflow.contrib.hooks.aws_hook import AwsHook\nx = 1\n';
    assert.deepEqual(await lint(src, 'mwaa:3.0.6'), []);
  });

  it('the same import gets three different verdicts on three targets', async () => {
    const src = 'from airflow.operators.dummy import DummyOperator\n';
    one(await lint(src, 'mwaa:1.10.12'), 'AF102');
    assert.deepEqual(await lint(src, 'mwaa:2.2.2'), []);
    one(await lint(src, 'mwaa:2.4.3'), 'AF103');
    one(await lint(src, 'mwaa:3.0.6'), 'AF101');
  });
});

const SCHEDULE_INTERVAL = 'from datetime import datetime\nfrom airflow import DAG\n\nwith DAG("d", start_date=datetime(2024, 1, 1), schedule_interval="@daily"):\n    pass\n';
const SCHEDULE = SCHEDULE_INTERVAL.replace('schedule_interval=', 'schedule=');

describe('version rules: arguments (AF111 / AF112)', () => {
  it('schedule_interval: clean before 2.4, AF112 on 2.4–2.11, AF111 on 3.0', async () => {
    for (const label of ['mwaa:1.10.12', 'mwaa:2.2.2']) assert.deepEqual(await lint(SCHEDULE_INTERVAL, label), [], label);
    for (const label of ['mwaa:2.4.3', 'mwaa:2.10.3', 'mwaa:2.11.0']) {
      const w = one(await lint(SCHEDULE_INTERVAL, label), 'AF112');
      assert.equal(w.severity, 'warning');
      assert.match(w.message, /`schedule_interval`.*Use `schedule` instead/);
    }
    const e = one(await lint(SCHEDULE_INTERVAL, 'mwaa:3.0.6'), 'AF111');
    assert.equal(e.severity, 'error');
    assert.equal(e.range.start.line, 3);
    assert.equal(SCHEDULE_INTERVAL.split('\n')[3].slice(e.range.start.character, e.range.end.character), 'schedule_interval');
    assert.match(e.message, /removed in Airflow 3\.0\.0; mwaa:3\.0\.6 runs Airflow 3\.0\.6\. Use `schedule` instead/);
  });

  it('schedule: AF111 before 2.4, clean from 2.4 and on 3.x', async () => {
    const e = one(await lint(SCHEDULE, 'mwaa:2.2.2'), 'AF111');
    assert.match(e.message, /only accepted from Airflow 2\.4\.0; mwaa:2\.2\.2 runs Airflow 2\.2\.2/);
    one(await lint(SCHEDULE, 'mwaa:1.10.12'), 'AF111');
    for (const label of ['mwaa:2.4.3', 'mwaa:2.10.3', 'mwaa:3.0.6', 'airflow:3.1.0']) assert.deepEqual(await lint(SCHEDULE, label), [], label);
  });

  it('the rename fix turns schedule_interval into schedule and the diagnostic disappears (2.10 and 3.0)', async () => {
    for (const label of ['mwaa:2.10.3', 'mwaa:3.0.6']) {
      const d = (await lint(SCHEDULE_INTERVAL, label)).find((x) => x.code === 'AF111' || x.code === 'AF112')!;
      const fixed = applyFix(SCHEDULE_INTERVAL, d);
      assert.equal(fixed, SCHEDULE);
      assert.deepEqual(await lint(fixed, label), [], label);
    }
  });

  it('@dag(...) arguments and operator arguments are checked too', async () => {
    const src = 'from airflow.decorators import dag, task\nfrom airflow.operators.bash import BashOperator\n\n@dag(schedule_interval=None, concurrency=2)\ndef d():\n    BashOperator(task_id="b", bash_command="true", task_concurrency=1)\n';
    const diags = await lint(src, 'mwaa:3.0.6');
    assert.deepEqual(diags.filter((d) => d.code === 'AF111').map((d) => d.data?.argument).sort(), ['concurrency', 'schedule_interval', 'task_concurrency']);
    const on210 = await lint(src, 'mwaa:2.10.3');
    assert.deepEqual(on210.filter((d) => d.code === 'AF112').map((d) => d.data?.argument).sort(), ['concurrency', 'schedule_interval', 'task_concurrency']);
    assert.ok(!on210.some((d) => d.severity === 'error'), codes(on210).join(','));
  });

  it('fail_stop is accepted on 2.7–2.x and rejected on 3.0; fail_fast is the other way round', async () => {
    const stop = 'from airflow import DAG\nDAG("d", schedule=None, fail_stop=True)\n';
    const fast = 'from airflow.sdk import DAG\nDAG("d", schedule=None, fail_fast=True)\n';
    assert.deepEqual(await lint(stop, 'mwaa:2.10.3'), []);
    one(await lint(stop, 'mwaa:2.6.3'), 'AF111');
    one(await lint(stop, 'mwaa:3.0.6'), 'AF111');
    assert.deepEqual(await lint(fast, 'mwaa:3.0.6'), []);
  });

  it('a default_args key the target dropped is a warning (Airflow ignores it), not an error', async () => {
    const src = 'from airflow import DAG\nargs = {"owner": "me", "task_concurrency": 1}\nDAG("d", schedule=None, default_args=args)\n';
    const w = one(await lint(src, 'mwaa:3.0.6'), 'AF111');
    assert.equal(w.severity, 'warning');
    assert.equal(w.range.start.line, 1);
    assert.match(w.message, /ignores it/);
    one(await lint(src, 'mwaa:2.10.3'), 'AF112');
  });

  it('TaskFlow parameters of the decorator itself (multiple_outputs) are valid since 2.0', async () => {
    const src = 'from airflow.decorators import task\n\n@task(multiple_outputs=True, retries=2)\ndef f():\n    return {}\n';
    assert.deepEqual(await lint(src, 'mwaa:2.0.2'), []);
  });

  it('a custom operator taking its own argument named like a dropped BaseOperator argument is not flagged', async () => {
    const src = [
      'from airflow.models.baseoperator import BaseOperator',
      'class ExportOperator(BaseOperator):',
      '    def __init__(self, *, concurrency=1, **kwargs):',
      '        super().__init__(**kwargs)',
      '        self.concurrency = concurrency',
      'ExportOperator(task_id="e", concurrency=4)',
      'ExportOperator(task_id="f", task_concurrency=4)',
      '',
    ].join('\n');
    assert.deepEqual(codes(await lint(src, 'mwaa:3.0.6')), ['AF111:7']);
  });
});

describe('version rules: context (AF121)', () => {
  const JINJA = 'from airflow.operators.bash import BashOperator\nBashOperator(task_id="t", bash_command="echo {{ execution_date }} {{ ds }}")\n';

  it('{{ execution_date }}: clean on 1.10/2.0, warning from 2.2, error on 3.0', async () => {
    assert.deepEqual(await lint(JINJA, 'mwaa:2.0.2'), []);
    const w = one(await lint(JINJA, 'mwaa:2.10.3'), 'AF121');
    assert.equal(w.severity, 'warning');
    const e = one((await lint(JINJA, 'mwaa:3.0.6')).filter((d) => d.code === 'AF121'), 'AF121');
    assert.equal(e.severity, 'error');
    assert.equal(JINJA.split('\n')[1].slice(e.range.start.character, e.range.end.character), 'execution_date');
    assert.match(e.message, /`execution_date`.*removed in Airflow 3\.0\.0; mwaa:3\.0\.6 runs Airflow 3\.0\.6.*`logical_date`/);
  });

  it('the fix replaces the template variable and the diagnostic disappears', async () => {
    const e = (await lint(JINJA, 'mwaa:3.0.6')).find((d) => d.code === 'AF121')!;
    const fixed = applyFix(JINJA, e);
    assert.match(fixed, /echo \{\{ logical_date \}\} \{\{ ds \}\}/);
    assert.deepEqual((await lint(fixed, 'mwaa:3.0.6')).filter((d) => d.code === 'AF121'), []);
  });

  it('context["…"] / kwargs.get("…") in python callables, parameters named after keys', async () => {
    const src = [
      'from airflow.providers.standard.operators.python import PythonOperator',
      'def f(next_ds, **kwargs):',
      '    a = kwargs["execution_date"]',
      '    b = kwargs.get("prev_ds")',
      '    c = kwargs["ds"]',
      'PythonOperator(task_id="p", python_callable=f)',
      '',
    ].join('\n');
    const diags = (await lint(src, 'mwaa:3.0.6')).filter((d) => d.code === 'AF121');
    assert.deepEqual(diags.map((d) => `${d.range.start.line + 1}:${d.data?.contextKey}`), ['2:next_ds', '3:execution_date', '4:prev_ds']);
    assert.ok(diags.every((d) => d.severity === 'error'));
  });

  it('f-strings: only doubled braces are Jinja', async () => {
    const src = 'from airflow.operators.bash import BashOperator\nx = 1\nBashOperator(task_id="t", bash_command=f"echo {x} {{{{ next_ds }}}} {{execution_date}}")\n';
    const diags = (await lint(src, 'mwaa:3.0.6')).filter((d) => d.code === 'AF121');
    assert.deepEqual(diags.map((d) => d.data?.contextKey), ['next_ds']);
  });

  it('local variables and explicitly bound parameters that shadow keys are not context keys', async () => {
    const src = [
      'from airflow.decorators import task',
      'from airflow.operators.python import PythonOperator',
      'def g(execution_date):',
      '    print(execution_date)',
      'def h(**context):',
      '    execution_date = context["logical_date"]',
      '    return execution_date',
      'PythonOperator(task_id="g", python_callable=g, op_kwargs={"execution_date": "{{ logical_date }}"})',
      'PythonOperator(task_id="h", python_callable=h)',
      '@task',
      'def load(conf):',
      '    return conf',
      'load({"a": 1})',
      '',
    ].join('\n');
    assert.deepEqual((await lint(src, 'mwaa:3.0.6')).filter((d) => d.code === 'AF121'), []);
  });

  it('callbacks get the context as one argument: its name is not a key, its lookups are checked', async () => {
    const src = 'from airflow.sdk import DAG\ndef cb(conf):\n    print(conf["execution_date"])\nDAG("d", schedule=None, on_failure_callback=cb)\n';
    const diags = (await lint(src, 'mwaa:3.0.6')).filter((d) => d.code === 'AF121');
    assert.deepEqual(diags.map((d) => `${d.range.start.line + 1}:${d.data?.contextKey}`), ['3:execution_date']);
  });
});

describe('version rules: features (AF131)', () => {
  const MAPPED = 'from airflow.decorators import task\n\n@task\ndef add(x):\n    return x + 1\n\nadd.expand(x=[1, 2, 3])\n';

  it('.expand: AF131 on 2.2, clean on 2.3+', async () => {
    const e = one(await lint(MAPPED, 'mwaa:2.2.2'), 'AF131');
    assert.equal(e.range.start.line, 6);
    assert.match(e.message, /needs Airflow 2\.3\.0 or later; mwaa:2\.2\.2 runs Airflow 2\.2\.2/);
    assert.deepEqual(await lint(MAPPED, 'airflow:2.3.4'), []);
    assert.deepEqual(await lint(MAPPED, 'mwaa:3.0.6').then((d) => d.filter((x) => x.code === 'AF131')), []);
  });

  it('functools.partial is not dynamic task mapping', async () => {
    const src = 'import functools\nfrom airflow.decorators import task\nf = functools.partial(print, 1)\n';
    assert.deepEqual(await lint(src, 'mwaa:2.2.2'), []);
  });

  it('@task.bash before 2.9, @task.sensor before 2.5, @task.run_if before 2.10', async () => {
    const src = 'from airflow.decorators import task\n\n@task.bash\ndef a():\n    return "true"\n\n@task.sensor(poke_interval=5)\ndef b():\n    return True\n\n@task.run_if(lambda c: True)\n@task\ndef c():\n    pass\n';
    assert.deepEqual(codes(await lint(src, 'mwaa:2.4.3')), ['AF131:3', 'AF131:7', 'AF131:11']);
    assert.deepEqual(codes(await lint(src, 'mwaa:2.9.2')), ['AF131:11']);
    assert.deepEqual(codes(await lint(src, 'mwaa:2.10.3')), []);
  });
});

describe('version rules: providers (AF141)', () => {
  const SNOW = 'from airflow.providers.snowflake.operators.snowflake import SnowflakeOperator\nfrom airflow.providers.amazon.aws.hooks.s3 import S3Hook\n';

  it('a provider MWAA does not install is AF141 unless requirements.txt adds it', async () => {
    const w = one(await lint(SNOW, 'mwaa:2.10.3'), 'AF141');
    assert.equal(w.range.start.line, 0);
    assert.match(w.message, /apache-airflow-providers-snowflake/);
    assert.deepEqual(await lint(SNOW, 'mwaa:2.10.3', { extraPackages: new Set(['apache-airflow-providers-snowflake']) }), []);
  });

  it('on Airflow 1.10 the package to add is the backport one, and it counts when requirements.txt lists it', async () => {
    const w = (await lint(SNOW, 'mwaa:1.10.12')).find((d) => d.code === 'AF141' && d.range.start.line === 0)!;
    assert.match(w.message, /backport package apache-airflow-backport-providers-snowflake/);
    assert.equal(w.data?.distribution, 'apache-airflow-backport-providers-snowflake');
    const both = new Set(['apache-airflow-backport-providers-snowflake', 'apache-airflow-backport-providers-amazon']);
    assert.deepEqual(await lint(SNOW, 'airflow:1.10.15', { extraPackages: both }), []);
    // the 2.x distribution cannot be installed on 1.10: listing it does not silence the warning
    const twoX = new Set(['apache-airflow-providers-snowflake', 'apache-airflow-providers-amazon']);
    assert.equal((await lint(SNOW, 'airflow:1.10.15', { extraPackages: twoX })).filter((d) => d.code === 'AF141').length, 2);
  });

  it('FROM apache/airflow:<v> (not slim): the image extras count as installed, and the message names the image', async () => {
    const src = 'from airflow.providers.amazon.aws.hooks.s3 import S3Hook\nfrom airflow.providers.snowflake.hooks.snowflake import SnowflakeHook\nfrom airflow.providers.databricks.hooks.databricks import DatabricksHook\n';
    const image = detectFromDockerfile('FROM apache/airflow:2.10.2-python3.11\n', 'Dockerfile')!;
    assert.equal(image.image, 'apache/airflow:2.10.2-python3.11');
    const d = (await lintText(src, 'x.py', { target: image })).diagnostics.filter((x) => x.code === 'AF141');
    assert.deepEqual(d.map((x) => x.range.start.line), [2], 'databricks is no image extra');
    assert.match(d[0].message, /which the apache\/airflow:2\.10\.2-python3\.11 image \(airflow:2\.10\.2\) does not install/);
    const slim = detectFromDockerfile('FROM apache/airflow:slim-2.10.2\n', 'Dockerfile')!;
    assert.equal(slim.image, undefined, 'the slim image has no extras');
    assert.equal((await lintText(src, 'x.py', { target: slim })).diagnostics.filter((x) => x.code === 'AF141').length, 3);
  });

  it('the standard provider ships with Airflow 3 on MWAA', async () => {
    assert.deepEqual(await lint('from airflow.providers.standard.operators.bash import BashOperator\n', 'mwaa:3.0.6'), []);
  });
});

describe('version rules: fix all', () => {
  it('fixes every fixable finding of a 2.x DAG for 3.0 and leaves only what needs a human', async () => {
    const src = [
      'from datetime import datetime',
      'from airflow import DAG',
      'from airflow.operators.bash_operator import BashOperator',
      '',
      'with DAG("d", start_date=datetime(2024, 1, 1), schedule_interval="@daily", concurrency=2):',
      '    BashOperator(task_id="b", bash_command="echo {{ execution_date }}")',
      '',
    ].join('\n');
    const target = resolveTargetLabel('mwaa:3.0.6');
    const lintFn = async (t: string) => (await lintText(t, 'dag.py', { target })).diagnostics;
    const { text } = await fixAll(src, lintFn);
    assert.match(text, /from airflow\.providers\.standard\.operators\.bash import BashOperator/);
    assert.match(text, /schedule="@daily"/);
    assert.match(text, /\{\{ logical_date \}\}/);
    const left = (await lintFn(text)).filter((d) => d.code.startsWith('AF1'));
    assert.match(text, /max_active_tasks=2/);
    assert.deepEqual(codes(left), []);
  });
});

describe('version rules: what to use instead on an older target', () => {
  it('EmptyOperator on 2.2: points to DummyOperator and the fix keeps the local name', async () => {
    const src = 'from airflow.operators.empty import EmptyOperator\n\nEmptyOperator(task_id="e")\n';
    const e = one(await lint(src, 'mwaa:2.2.2'), 'AF102');
    assert.match(e.message, /On Airflow 2\.2\.2 use `airflow\.operators\.dummy\.DummyOperator` instead/);
    assert.doesNotMatch(e.message, /providers\.standard/, 'a 3.x provider is no advice for 2.2');
    const fixed = applyFix(src, e);
    assert.equal(fixed.split('\n')[0], 'from airflow.operators.dummy import DummyOperator as EmptyOperator');
    assert.deepEqual(await lint(fixed, 'mwaa:2.2.2'), []);
  });

  it('airflow.sdk names on 2.10: every name of the statement gets its 2.x home', async () => {
    const src = 'from airflow.sdk import DAG, task\n';
    const e = one(await lint(src, 'mwaa:2.10.3'), 'AF102');
    const fixed = applyFix(src, e);
    assert.deepEqual(await lint(fixed, 'mwaa:2.10.3'), [], fixed);
    assert.match(fixed, /import DAG/);
    assert.match(fixed, /from airflow\.decorators import task/);
  });
});

describe('version rules: one older module for names that live together', () => {
  it('from airflow.sdk import dag, task on 2.10 → from airflow.decorators import dag, task', async () => {
    const src = 'from airflow.sdk import dag, task\n';
    const e = one(await lint(src, 'mwaa:2.10.3'), 'AF102');
    assert.match(e.message, /use `airflow\.decorators\.dag`, `airflow\.decorators\.task` instead/);
    const fixed = applyFix(src, e);
    assert.equal(fixed, 'from airflow.decorators import dag, task\n');
    assert.deepEqual(await lint(fixed, 'mwaa:2.10.3'), []);
  });
});

describe('version rules: removed modules with renamed classes', () => {
  it('DummyOperator on 3.0: the fix imports EmptyOperator under the old local name, then nothing is left', async () => {
    const src = 'from airflow.operators.dummy import DummyOperator\n\nDummyOperator(task_id="start")\n';
    const e = one(await lint(src, 'mwaa:3.0.6'), 'AF101');
    assert.match(e.message, /Use `airflow\.providers\.standard\.operators\.empty\.EmptyOperator`/);
    const fixed = applyFix(src, e);
    assert.equal(fixed.split('\n')[0], 'from airflow.providers.standard.operators.empty import EmptyOperator as DummyOperator');
    assert.deepEqual(await lint(fixed, 'mwaa:3.0.6'), []);
  });

  it('several names from a removed module move together', async () => {
    const src = 'from airflow.operators.python_operator import PythonOperator, BranchPythonOperator\n';
    const e = one(await lint(src, 'mwaa:3.0.6'), 'AF101');
    const fixed = applyFix(src, e);
    assert.equal(fixed, 'from airflow.providers.standard.operators.python import PythonOperator, BranchPythonOperator\n');
    assert.deepEqual(await lint(fixed, 'mwaa:3.0.6'), []);
  });

  it('Assets on 2.10 point to the Dataset module, not a package re-export', async () => {
    const e = one(await lint('from airflow.sdk import Asset\n', 'mwaa:2.10.3'), 'AF102');
    assert.match(e.message, /use `airflow\.datasets\.Dataset` instead/);
  });

  it('a lone @dag import goes back to airflow.decorators (the shortest home), not airflow.models.dag', async () => {
    const src = 'from airflow.sdk import dag\n';
    const e = one(await lint(src, 'mwaa:2.10.3'), 'AF102');
    assert.match(e.message, /use `airflow\.decorators\.dag` instead/);
    assert.equal(applyFix(src, e), 'from airflow.decorators import dag\n');
  });

  it('airflow.sdk names Airflow 2 never deprecated get their Airflow 2 homes, and the rewrite lints clean', async () => {
    // No replacement fact links airflow.models.Variable → airflow.sdk.Variable (2.x does not deprecate it): same-named objects of public core modules.
    const src = 'from airflow.sdk import Variable, Connection, BaseHook, BaseSensorOperator, TaskInstanceState, chain\n';
    const e = one(await lint(src, 'mwaa:2.10.3'), 'AF102');
    assert.match(e.message, /use `airflow\.models\.Variable`, `airflow\.models\.Connection`, `airflow\.hooks\.base\.BaseHook`, `airflow\.sensors\.base\.BaseSensorOperator`, `airflow\.utils\.state\.TaskInstanceState`, `airflow\.models\.baseoperator\.chain` instead/);
    const fixed = applyFix(src, e);
    assert.deepEqual(await lint(fixed, 'mwaa:2.10.3'), [], fixed);
    // the module named after the object wins over modules that merely import it (airflow.sentry, airflow.configuration)
    for (const [name, home] of [['WeightRule', 'airflow.utils.weight_rule'], ['TriggerRule', 'airflow.utils.trigger_rule'], ['Context', 'airflow.utils.context'], ['XComArg', 'airflow.models.xcom_arg']]) {
      const d = one(await lint(`from airflow.sdk import ${name}\n`, 'airflow:2.9.3'), 'AF102');
      assert.match(d.message, new RegExp(`use \`${home.replace(/\./g, '\\.')}\\.${name}\``), name);
    }
    // 1.10 has its own homes; a name 1.10 lacks gets no advice
    assert.match(one(await lint('from airflow.sdk import BaseHook\n', 'airflow:1.10.15'), 'AF102').message, /`airflow\.hooks\.base_hook\.BaseHook`/);
    assert.doesNotMatch(one(await lint('from airflow.sdk import Label\n', 'airflow:1.10.15'), 'AF102').message, / use /);
  });
});

describe('version rules: targets between scanned releases', () => {
  // A fake rule context: only what addedBetweenScans reads (the scanned releases and the target).
  const ctxFor = (airflow: string) =>
    ({ kb: { scannedVersions: ['2.10.5', '2.11.1', '3.0.0', '3.1.0'] }, target: { airflow } }) as unknown as Parameters<typeof addedBetweenScans>[0];
  const restored = { available: [{ from: '2.0.0', to: '3.0.0' }, { from: '3.1.0', to: null }], evidence: [] };
  const brandNew = { available: [{ from: '3.0.0', to: null }], evidence: [] };

  it('a shim missing from 3.0.0 but back in 3.1.0 is uncertain on 3.0.6 (patch releases restore shims)', () => {
    assert.deepEqual(addedBetweenScans(ctxFor('3.0.6'), restored), { before: '3.0.0', after: '3.1.0' });
  });

  it('on a scanned release the verdict stands', () => {
    assert.equal(addedBetweenScans(ctxFor('3.0.0'), restored), undefined);
  });

  it('a brand-new API is never assumed backported (airflow.sdk on 2.11.2)', () => {
    assert.equal(addedBetweenScans(ctxFor('2.11.2'), brandNew), undefined);
  });
});

describe('version rules: quick fixes only for drop-in replacements', () => {
  it('SubDagOperator on 3.x: no fix that would alias TaskGroup as SubDagOperator', async () => {
    for (const label of ['mwaa:3.0.6', 'airflow:3.1.0']) {
      const e = one(await lint('from airflow.operators.subdag import SubDagOperator\n', label), 'AF101');
      for (const f of e.fixes ?? []) for (const ed of f.edits) assert.doesNotMatch(ed.newText, /TaskGroup as SubDagOperator/, label);
    }
  });

  it('Asset on 2.10: advice names Dataset, but no automatic rename', async () => {
    const e = one(await lint('from airflow.sdk import Asset\n', 'mwaa:2.10.3'), 'AF102');
    assert.match(e.message, /airflow\.datasets\.Dataset/);
    assert.equal(e.fixes, undefined);
  });

  it('a lookup guarded by `"key" in context` is not reported', async () => {
    const src = 'from airflow.sdk import task\n@task\ndef f(**context):\n    return context["next_ds"] if "next_ds" in context else None\n';
    assert.deepEqual(await lint(src, 'mwaa:3.0.6'), []);
  });
});

describe('version rules: messages never advise something the target lacks', () => {
  it('`timetable` on 2.0 does not suggest `schedule` (2.4+) nor quote its later deprecation', async () => {
    const e = one(await lint('from airflow import DAG\nDAG("d", timetable=None)\n', 'mwaa:2.0.2'), 'AF111');
    assert.match(e.message, /only accepted from Airflow 2\.2\.0; mwaa:2\.0\.2 runs Airflow 2\.0\.2\.$/);
    assert.equal(e.fixes, undefined);
  });

  it('a deprecated template variable names the target', async () => {
    const w = one(await lint('x = "{{ execution_date }}"\nimport airflow\n', 'mwaa:2.10.3'), 'AF121');
    assert.match(w.message, /deprecated in Airflow 2\.10\.3 \(mwaa:2\.10\.3\)\. Use `logical_date` instead/);
  });
});

describe('version rules: documentation strings are never templates', () => {
  it('doc_md through textwrap.dedent, a DOC variable built with dedent, .strip(), and display names', async () => {
    const src = [
      'import textwrap',
      'from airflow.sdk import DAG',
      'DOC = textwrap.dedent("""Reruns used {{ execution_date }}.""")',
      'with DAG("d", schedule=None, doc_md=DOC, dag_display_name="{{ next_ds }}") as dag:',
      '    dag.doc_md = "Old: {{ prev_ds }}".strip()',
      'DAG("e", schedule=None, doc_md=textwrap.dedent("""{{ tomorrow_ds }}"""))',
      '',
    ].join('\n');
    assert.deepEqual(await lint(src, 'mwaa:3.0.6'), []);
  });

  it('a templated argument wrapped the same way is still checked', async () => {
    const src = 'import textwrap\nfrom airflow.providers.standard.operators.bash import BashOperator\nBashOperator(task_id="b", bash_command=textwrap.dedent("""echo {{ next_ds }}"""))\n';
    one(await lint(src, 'mwaa:3.0.6'), 'AF121');
  });
});

describe('version rules: callbacks wherever they are attached', () => {
  it('callback lists and callbacks in default_args get their context lookups checked', async () => {
    const src = [
      'from airflow.sdk import DAG',
      'def a(context):',
      '    return context["next_ds"]',
      'def b(ctx):',
      '    return ctx["prev_ds"]',
      'DAG("d", schedule=None, on_success_callback=[a], default_args={"on_failure_callback": b})',
      '',
    ].join('\n');
    const diags = (await lint(src, 'mwaa:3.0.6')).filter((d) => d.code === 'AF121');
    assert.deepEqual(diags.map((d) => `${d.range.start.line + 1}:${d.data?.contextKey}`), ['3:next_ds', '5:prev_ds']);
  });
});

describe('version rules: Datasets and Assets (AF131 at the uses, AF102 at the import)', () => {
  it('Datasets before 2.4: the import is AF102, each Dataset(...) is AF131; clean on 2.4', async () => {
    const src = 'from airflow.datasets import Dataset\n\norders = Dataset("s3://lake/orders/")\n';
    assert.deepEqual(codes(await lint(src, 'mwaa:2.2.2')), ['AF102:1', 'AF131:3']);
    assert.deepEqual(await lint(src, 'mwaa:2.4.3'), []);
  });

  it('Assets before 3.0: same split; a guarded fallback import is never reported', async () => {
    assert.deepEqual(codes(await lint('from airflow.sdk import Asset\n\nx = Asset("s3://a")\n', 'mwaa:2.10.3')), ['AF102:1', 'AF131:3']);
    const guarded = 'try:\n    from airflow.datasets import Dataset as Asset\nexcept ImportError:\n    from airflow.sdk import Asset\n\nx = Asset("s3://a")\n';
    for (const label of ['mwaa:2.10.3', 'mwaa:3.0.6']) assert.deepEqual(codes(await lint(guarded, label)), [], label);
  });
});

describe('version rules: submodules and attribute calls', () => {
  it('`from airflow import macros` imports the submodule: fine wherever airflow.macros exists', async () => {
    for (const label of ['mwaa:1.10.12', 'mwaa:2.2.2', 'mwaa:3.0.6']) assert.deepEqual(await lint('from airflow import macros\n', label), [], label);
  });

  it('`dates.days_ago(2)` through `from airflow.utils import dates` is AF101 on 3.0 at the attribute', async () => {
    const src = 'from airflow.utils import dates\nfrom airflow.sdk import DAG\nDAG("d", schedule=None, start_date=dates.days_ago(2))\n';
    const e = one(await lint(src, 'mwaa:3.0.6'), 'AF101');
    assert.equal(e.range.start.line, 2);
    assert.equal(src.split('\n')[2].slice(e.range.start.character, e.range.end.character), 'days_ago');
    assert.deepEqual(await lint(src.replace('from airflow.sdk import DAG', 'from airflow import DAG').replace('schedule=None', 'schedule_interval=None'), 'mwaa:2.2.2'), []);
  });

  it('`baseoperator.chain(...)` on 1.10 is AF102 (chain lived in airflow.utils.helpers then)', async () => {
    one(await lint('from airflow.models import baseoperator\nbaseoperator.chain()\n', 'mwaa:1.10.12'), 'AF102');
  });
});

describe('version rules: fail_stop → fail_fast', () => {
  it('the 3.0 rename fix turns fail_stop into fail_fast and the error is gone', async () => {
    const src = 'from airflow.sdk import DAG\nDAG("d", schedule=None, fail_stop=True)\n';
    const e = one(await lint(src, 'mwaa:3.0.6'), 'AF111');
    assert.match(e.message, /Use `fail_fast` instead/);
    const fixed = applyFix(src, e);
    assert.equal(fixed, src.replace('fail_stop', 'fail_fast'));
    assert.deepEqual(await lint(fixed, 'mwaa:3.0.6'), []);
  });
});

describe('version rules: Airflow 1.10 plugin imports', () => {
  const src = 'from airflow.hooks import SSHHook\nfrom airflow.operators import MyCustomOperator\nfrom airflow.operators.my_plugin import OtherOperator\nimport airflow.sensors.bahs\n';
  it('names and modules plugins merge into airflow.{operators,sensors,hooks,…} are no typos on 1.10', async () => {
    assert.deepEqual(codes(await lint(src, 'mwaa:1.10.12')), []);
  });
  it('on 2.x those packages take no plugins: plugin-style imports fail, near misses are typos again', async () => {
    const d = await lint(src, 'mwaa:2.0.2');
    assert.deepEqual(codes(d), ['AF101:1', 'AF101:2', 'AF101:3', 'AF101:4']);
    assert.match(d[3].message, /Did you mean `airflow\.sensors\.bash`/);
  });
});

describe('version rules: 1.10 plugin-style imports on Airflow 2+', () => {
  const src = [
    'from airflow.operators import MyCustomOperator',
    'from airflow.operators.my_plugin import OtherOperator',
    'from airflow.hooks.my_plugin import MyHook',
    'from airflow.sensors import MySensor',
    'from airflow.macros.hive2 import helper  # a macros plugin named like a module (airflow.macros.hive)',
    'from airflow.operators import bash_operator',
    'from airflow.operators.bahs import BashOperator',
    '',
  ].join('\n');
  it('every plugin-style import fails on 2.x and 3.x; macro plugins still work; a near miss keeps its did-you-mean', async () => {
    // line 6: bash_operator is a deprecated alias on 2.x (AF103, filtered out here) and gone in 3.0
    for (const [t, six] of [['mwaa:2.10.3', []], ['mwaa:3.0.6', ['AF101:6']]] as const) {
      const d = await lint(src, t);
      assert.deepEqual(codes(d).filter((c) => !c.startsWith('AF103')), ['AF101:1', 'AF101:2', 'AF101:3', 'AF101:4', ...six, 'AF101:7'], t);
      assert.match(d[0].message, /no longer exposes plugin operators, sensors and hooks/);
      assert.match(d.find((x) => x.range.start.line === 6)!.message, /Did you mean `airflow\.operators\.bash`/);
    }
  });
  it('all fine on 1.10 (plugins are merged there), except the 2.x-only typo target', async () => {
    assert.deepEqual(codes(await lint(src, 'mwaa:1.10.12')).filter((c) => !c.startsWith('AF103')), []);
  });
});

describe('version rules: defensive context lookups (AF121)', () => {
  const src = [
    'from datetime import datetime',
    'from airflow.decorators import task',
    'from airflow.operators.python import get_current_context',
    '@task',
    'def a():',
    '    context = get_current_context()',
    '    one = context.get("logical_date") or context.get("execution_date") or datetime.utcnow()',
    '    two = context.get("execution_date", None)',
    '    three = (context.get("execution_date")) or None',
    '    four = context.get("execution_date")',
    '    five = context["execution_date"]',
    '    return one, two, three, four, five',
    '',
  ].join('\n');
  it('a .get with a default or an `or` fallback expects the key may be missing; plain lookups are still reported', async () => {
    assert.deepEqual(codes((await lint(src, 'mwaa:3.0.6')).filter((d) => d.code === 'AF121')), ['AF121:10', 'AF121:11']);
    assert.deepEqual(codes((await lint(src, 'mwaa:2.0.2')).filter((d) => d.code === 'AF121')), [], 'logical_date on 2.0 is behind the or-fallback');
  });
});
