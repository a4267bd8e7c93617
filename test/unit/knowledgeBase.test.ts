import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { getKnowledgeBase, statusAt, type Availability, type AvailabilityStatus } from '../../core/src/knowledge';
import { hydrateContext, hydrateModules, type CompactContext } from '../../core/src/knowledge/compact';

/**
 * Facts of the generated knowledge base (modules.json, arguments.json, context.json) checked
 * against what Airflow's sources say at each release. Each expectation was verified by reading
 * the file at the tag (see the evidence in the data and docs/knowledge-base.md).
 */
const kb = getKnowledgeBase();

function expectStatus(label: string, av: Availability | undefined, expected: Record<string, AvailabilityStatus>) {
  assert.ok(av, `${label}: not in the knowledge base`);
  for (const [version, status] of Object.entries(expected)) {
    assert.equal(statusAt(av, version), status, `${label} @ ${version}`);
  }
  assert.ok(av.evidence.length > 0, `${label}: no evidence`);
  for (const e of av.evidence) assert.ok(e.repo && e.path && e.ref, `${label}: incomplete evidence ${JSON.stringify(e)}`);
}

const name = (dotted: string) => {
  const [m, n] = dotted.split(':');
  return kb.name(m, n);
};

describe('knowledge base: modules and names', () => {
  it('covers the first and last patch release of every minor line from 1.10 to 3.x', () => {
    const v = kb.scannedVersions;
    for (const x of ['1.10.0', '1.10.15', '2.0.0', '2.0.2', '2.1.0', '2.1.4', '2.2.0', '2.2.5', '2.3.0', '2.3.4', '2.4.0', '2.4.3', '2.5.0', '2.5.3',
      '2.6.0', '2.6.3', '2.7.0', '2.7.3', '2.8.0', '2.8.4', '2.9.0', '2.9.3', '2.10.0', '2.10.5', '2.11.0', '2.11.1', '3.0.0', '3.1.0', '3.1.1', '3.2.0', '3.3.0']) {
      assert.ok(v.includes(x), `version ${x} not scanned`);
    }
  });

  it('airflow.utils.dates:days_ago — 1.10 and 2.x, deprecated in later 2.x, removed in 3.0', () => {
    expectStatus('days_ago', name('airflow.utils.dates:days_ago'), {
      '1.10.12': 'available', '2.0.2': 'available', '2.2.5': 'available', '2.3.0': 'deprecated', '2.10.3': 'deprecated', '2.11.1': 'deprecated',
      '3.0.0': 'removed', '3.0.6': 'removed', '3.3.1': 'removed',
    });
  });

  it('airflow.operators.bash_operator — 1.10 real module, 2.x deprecated shim to airflow.operators.bash, gone in 3.0', () => {
    const m = kb.module('airflow.operators.bash_operator');
    expectStatus('bash_operator', m, { '1.10.12': 'available', '2.0.2': 'deprecated', '2.10.3': 'deprecated', '2.11.0': 'deprecated', '3.0.6': 'removed' });
    assert.equal(m!.replacement, 'airflow.operators.bash');
    expectStatus('bash_operator:BashOperator', name('airflow.operators.bash_operator:BashOperator'), { '1.10.15': 'available', '2.4.3': 'deprecated', '3.0.0': 'removed' });
  });

  it('airflow.operators.bash:BashOperator — from 2.0, deprecated in 3.x for the standard provider', () => {
    const av = name('airflow.operators.bash:BashOperator');
    expectStatus('bash:BashOperator', av, { '1.10.15': 'notYet', '2.0.0': 'available', '2.10.3': 'available', '2.11.1': 'available', '3.0.6': 'deprecated', '3.2.1': 'deprecated' });
    assert.equal(av!.replacement, 'airflow.providers.standard.operators.bash.BashOperator');
    assert.equal(av!.replacementProvider, 'apache-airflow-providers-standard');
    expectStatus('module airflow.operators.bash', kb.module('airflow.operators.bash'), { '1.10.15': 'notYet', '2.0.0': 'available', '3.0.0': 'deprecated' });
  });

  it('EmptyOperator appears in 2.3; DummyOperator is deprecated for it and gone in 3.0', () => {
    expectStatus('empty:EmptyOperator', name('airflow.operators.empty:EmptyOperator'), { '2.2.2': 'notYet', '2.2.5': 'notYet', '2.3.0': 'available', '2.10.3': 'available', '3.0.6': 'deprecated' });
    const dummy = name('airflow.operators.dummy:DummyOperator');
    expectStatus('dummy:DummyOperator', dummy, { '1.10.15': 'notYet', '2.0.2': 'available', '2.2.5': 'available', '2.3.0': 'deprecated', '2.10.3': 'deprecated', '3.0.0': 'removed', '3.0.6': 'removed' });
    assert.equal(dummy!.replacement, 'airflow.operators.empty.EmptyOperator');
    expectStatus('dummy_operator:DummyOperator', name('airflow.operators.dummy_operator:DummyOperator'), { '1.10.12': 'available', '2.0.2': 'deprecated', '3.0.0': 'removed' });
  });

  it('airflow.decorators:task — from 2.0; still plain in 3.0; deprecated for airflow.sdk.task from 3.1', () => {
    const av = name('airflow.decorators:task');
    expectStatus('decorators:task', av, { '1.10.15': 'notYet', '2.0.0': 'available', '2.10.3': 'available', '3.0.0': 'available', '3.0.6': 'available', '3.1.0': 'deprecated', '3.2.1': 'deprecated' });
    assert.equal(av!.replacement, 'airflow.sdk.task');
    expectStatus('module airflow.decorators', kb.module('airflow.decorators'), { '1.10.15': 'notYet', '2.0.0': 'available', '3.2.0': 'available' });
  });

  it('airflow.sdk and its DAG / task / Asset exist from 3.0', () => {
    expectStatus('airflow.sdk', kb.module('airflow.sdk'), { '2.10.3': 'notYet', '2.11.1': 'notYet', '3.0.0': 'available', '3.3.1': 'available' });
    for (const n of ['DAG', 'task', 'Asset', 'dag', 'Variable']) {
      expectStatus(`airflow.sdk:${n}`, kb.name('airflow.sdk', n), { '1.10.12': 'notYet', '2.10.3': 'notYet', '3.0.0': 'available', '3.1.0': 'available' });
    }
  });

  it('airflow.datasets:Dataset — 2.4+, deprecated alias of airflow.sdk Asset in 3.0/3.1, module removed in 3.2', () => {
    const av = name('airflow.datasets:Dataset');
    expectStatus('datasets:Dataset', av, { '2.3.4': 'notYet', '2.4.0': 'available', '2.10.3': 'available', '3.0.0': 'deprecated', '3.1.7': 'deprecated', '3.2.0': 'removed' });
    // "remove modules that are supposed to be removed in Airflow 3.2" (#62927) deleted airflow/datasets
    expectStatus('module airflow.datasets', kb.module('airflow.datasets'), { '2.3.4': 'notYet', '2.4.0': 'available', '3.1.7': 'available', '3.2.1': 'removed' });
    assert.match(av!.replacement ?? '', /^airflow\.sdk(\.definitions\.asset)?\.Asset$/);
    expectStatus('from airflow import Dataset', kb.name('airflow', 'Dataset'), { '2.3.4': 'notYet', '2.4.0': 'available', '3.0.0': 'deprecated' });
  });

  it('airflow.contrib.*: real in 1.10, deprecated shims through 2.x, removed in 3.0', () => {
    const contrib110 = Object.entries(getAllModules()).filter(([k, av]) => k.startsWith('airflow.contrib.') && statusAt(av, '1.10.15') === 'available');
    assert.ok(contrib110.length > 200, `only ${contrib110.length} airflow.contrib modules in 1.10.15`);
    for (const [k, av] of contrib110) {
      assert.notEqual(statusAt(av, '3.0.0'), 'available', `${k} still available in 3.0.0`);
      assert.notEqual(statusAt(av, '3.0.0'), 'deprecated', `${k} still importable in 3.0.0`);
    }
    expectStatus('contrib.operators.bigquery_operator', kb.module('airflow.contrib.operators.bigquery_operator'), {
      '1.10.12': 'available', '2.0.2': 'deprecated', '2.5.1': 'deprecated', '2.10.3': 'deprecated', '3.0.0': 'removed',
    });
    assert.equal(kb.module('airflow.contrib.operators.bigquery_operator')!.replacementProvider, 'apache-airflow-providers-google');
    expectStatus('contrib aws_hook:AwsHook', name('airflow.contrib.hooks.aws_hook:AwsHook'), { '1.10.12': 'available', '2.4.3': 'deprecated', '3.0.6': 'removed' });
  });

  it('lazy-import tables: from airflow import DAG works everywhere; from airflow.models import DAG too', () => {
    expectStatus('airflow:DAG', kb.name('airflow', 'DAG'), { '1.10.0': 'available', '2.10.3': 'available', '3.0.0': 'available', '3.2.0': 'available' });
    expectStatus('airflow.models:DAG', kb.name('airflow.models', 'DAG'), { '1.10.12': 'available', '2.10.3': 'available', '3.0.0': 'available' });
    // the 1.10 plugin-style package imports warned and were dropped in 2.0
    expectStatus('airflow.operators:BashOperator', kb.name('airflow.operators', 'BashOperator'), { '1.10.12': 'deprecated', '2.0.0': 'removed' });
  });

  it('__getattr__ tables: moved exceptions (3.2), ImportError alias (2.10), models.dag DAG (3.1); conditional warnings are not module deprecations', () => {
    const skip = kb.name('airflow.exceptions', 'AirflowSkipException');
    expectStatus('exceptions:AirflowSkipException', skip, { '1.10.12': 'available', '3.0.0': 'available', '3.2.0': 'deprecated' });
    assert.equal(skip!.replacement, 'airflow.sdk.exceptions.AirflowSkipException');
    expectStatus('models:ImportError', kb.name('airflow.models', 'ImportError'), { '2.9.3': 'available', '2.10.0': 'deprecated', '3.0.0': 'removed' });
    expectStatus('models.dag:DAG', kb.name('airflow.models.dag', 'DAG'), { '1.10.12': 'available', '3.0.6': 'available', '3.1.0': 'deprecated' });
    assert.equal(kb.name('airflow.models.dag', 'DAG')!.replacement, 'airflow.sdk.DAG');
    const dsAdd = kb.name('airflow.macros', 'ds_add');
    expectStatus('macros:ds_add', dsAdd, { '1.10.12': 'available', '3.0.6': 'available', '3.1.0': 'deprecated', '3.2.0': 'deprecated' });
    assert.equal(dsAdd!.replacement, 'airflow.sdk.execution_time.macros.ds_add');
    expectStatus('airflow.configuration', kb.module('airflow.configuration'), { '1.10.12': 'available', '2.10.3': 'available', '3.0.0': 'available' });
  });

  it('namesOf lists what `from module import *` brings at a version', () => {
    assert.ok(kb.namesOf('airflow.operators.bash', '2.10.3').includes('BashOperator'));
    assert.ok(!kb.namesOf('airflow.operators.bash', '1.10.12').includes('BashOperator'));
    assert.ok(kb.namesOf('airflow.sdk', '3.0.0').includes('DAG'));
    assert.ok(!kb.namesOf('airflow.utils.dates', '3.0.0').includes('days_ago'));
    // no private names
    assert.ok(kb.namesOf('airflow.models.dag', '2.10.3').every((n) => !n.startsWith('_')));
  });

  it('skips providers, tests, web UI, migrations and private modules', () => {
    const keys = Object.keys(getAllModules());
    assert.ok(keys.length > 500);
    for (const k of keys) {
      // The web server / REST API packages themselves are recorded (hand overrides), never their contents.
      assert.ok(!/^airflow\.(providers|www|www_rbac|ui|migrations|api_connexion|api_fastapi)\./.test(k), k);
      assert.ok(!/^airflow\.(providers|ui|migrations|api_fastapi)$/.test(k), k);
      assert.ok(!/(^|\.)_[^_]/.test(k), k);
    }
  });

  it('knows when airflow.www, www_rbac and api_connexion existed (removed packages, contents not scanned)', () => {
    const status = (m: string, v: string) => statusAt(kb.module(m)!, v);
    assert.equal(status('airflow.www', '2.10.5'), 'available');
    assert.equal(status('airflow.www', '3.0.0'), 'removed');
    assert.equal(status('airflow.www_rbac', '1.10.15'), 'available');
    assert.equal(status('airflow.www_rbac', '2.0.0'), 'removed');
    assert.equal(status('airflow.api_connexion', '1.10.15'), 'notYet');
    assert.equal(status('airflow.api_connexion', '2.11.0'), 'available');
    assert.equal(status('airflow.api_connexion', '3.1.0'), 'removed');
  });

  it('PY36 … PY312 on the airflow package: deprecated 2.9–2.11 (served by __getattr__), gone in 3.0', () => {
    for (const n of ['PY36', 'PY311', 'PY312']) {
      assert.equal(statusAt(kb.name('airflow', n)!, '2.10.5'), 'deprecated', n);
      assert.equal(statusAt(kb.name('airflow', n)!, '3.0.0'), 'removed', n);
    }
    assert.equal(statusAt(kb.name('airflow', 'PY310')!, '2.8.4'), 'available');
    assert.equal(statusAt(kb.name('airflow', 'PY312')!, '2.8.4'), 'notYet');
  });
});

describe('knowledge base: DAG / operator arguments', () => {
  const arg = (c: string, a: string) => kb.argument(c, a);

  it('DAG schedule_interval → schedule (deprecated 2.4, removed 3.0), schedule from 2.4', () => {
    const si = arg('DAG', 'schedule_interval');
    expectStatus('schedule_interval', si, { '1.10.12': 'available', '2.3.4': 'available', '2.4.0': 'deprecated', '2.10.3': 'deprecated', '3.0.0': 'removed' });
    assert.equal(si!.replacement, 'schedule');
    expectStatus('schedule', arg('DAG', 'schedule'), { '1.10.12': 'notYet', '2.3.4': 'notYet', '2.4.0': 'available', '2.10.3': 'available', '3.0.6': 'available' });
    const tt = arg('DAG', 'timetable');
    expectStatus('timetable', tt, { '2.1.4': 'notYet', '2.2.0': 'available', '2.4.0': 'deprecated', '3.0.0': 'removed' });
    assert.equal(tt!.replacement, 'schedule');
  });

  it('weekday / datetime branching: the execution-day flags → use_task_logical_date (deprecated 2.3.3, removed 3.0)', () => {
    for (const [c, a] of [['DayOfWeekSensor', 'use_task_execution_day'], ['BranchDayOfWeekOperator', 'use_task_execution_day'], ['BranchDateTimeOperator', 'use_task_execution_date']]) {
      expectStatus(`${c}:${a}`, arg(c, a), { '2.3.2': 'available', '2.3.3': 'deprecated', '2.10.5': 'deprecated', '3.0.0': 'removed' });
      assert.equal(arg(c, a)!.replacement, 'use_task_logical_date');
      expectStatus(`${c}:use_task_logical_date`, arg(c, 'use_task_logical_date'), { '2.3.2': 'notYet', '2.3.3': 'available', '3.2.0': 'available' });
    }
    expectStatus('DayOfWeekSensor:week_day (contrib in 1.10)', arg('DayOfWeekSensor', 'week_day'), { '1.10.15': 'available', '3.0.0': 'available' });
    assert.equal(arg('BranchDateTimeOperator', 'use_task_execution_day'), undefined);
  });

  it('DAG concurrency → max_active_tasks; fail_stop (2.7–2.x) → fail_fast (3.0)', () => {
    const c = arg('DAG', 'concurrency');
    expectStatus('concurrency', c, { '1.10.12': 'available', '2.2.0': 'deprecated', '2.10.3': 'deprecated', '3.0.0': 'removed' });
    assert.equal(c!.replacement, 'max_active_tasks');
    expectStatus('max_active_tasks', arg('DAG', 'max_active_tasks'), { '2.1.4': 'notYet', '2.2.0': 'available' });
    expectStatus('fail_stop', arg('DAG', 'fail_stop'), { '2.6.3': 'notYet', '2.7.0': 'available', '2.11.1': 'available', '3.0.0': 'removed' });
    expectStatus('fail_fast', arg('DAG', 'fail_fast'), { '2.11.1': 'notYet', '3.0.0': 'available' });
    // renamed without a deprecation period: the replacement comes from scripts/kb/overrides.json, with evidence
    const fs = arg('DAG', 'fail_stop')!;
    assert.equal(fs.replacement, 'fail_fast');
    assert.ok(fs.evidence.some((e) => /Rename fail stop dag property to fail fast/.test(e.note ?? '')));
    // absence evidence points at the file the arguments were read from at that version
    assert.ok(fs.evidence.some((e) => e.path === 'task-sdk/src/airflow/sdk/definitions/dag.py' && /not present/.test(e.note ?? '')));
  });

  it('SLA: accepted with a "feature removed" warning in 3.0 (sla, sla_miss_callback)', () => {
    expectStatus('BaseOperator sla', arg('BaseOperator', 'sla'), { '1.10.12': 'available', '2.10.3': 'available', '3.0.0': 'deprecated' });
    expectStatus('DAG sla_miss_callback', arg('DAG', 'sla_miss_callback'), { '2.10.3': 'available', '3.0.0': 'deprecated' });
  });

  it('SLA: sla_miss_callback left the 3.1.0 DAG and came back with a warning in 3.1.1 (#56127, override)', () => {
    const av = arg('DAG', 'sla_miss_callback');
    // 3.1.0 lies in the gap between two ranges: statusAt calls a fact that comes back later 'notYet'
    expectStatus('DAG sla_miss_callback', av, { '3.0.6': 'deprecated', '3.1.0': 'notYet', '3.1.1': 'deprecated', '3.1.8': 'deprecated', '3.2.0': 'deprecated', '3.3.1': 'deprecated' });
    assert.ok(av!.evidence.some((e) => e.commit === '9cd9c9f9f770bc21c3b0895fd67e8f735b2d5902' && /3\.1\.1/.test(e.note ?? '')));
  });

  it('retry policies (AIP-105) are new in 3.3: BaseOperator retry_policy and airflow.sdk.definitions.retry_policy (overrides)', () => {
    const rp = arg('BaseOperator', 'retry_policy');
    expectStatus('BaseOperator retry_policy', rp, { '2.10.3': 'notYet', '3.0.6': 'notYet', '3.2.1': 'notYet', '3.3.0': 'available', '3.3.1': 'available' });
    assert.ok(rp!.evidence.some((e) => e.path === 'task-sdk/src/airflow/sdk/bases/operator.py' && e.repo === 'apache/airflow'));
    expectStatus('module retry_policy', kb.module('airflow.sdk.definitions.retry_policy'), { '3.2.1': 'notYet', '3.3.1': 'available' });
    for (const n of ['ExceptionRetryPolicy', 'RetryAction', 'RetryDecision', 'RetryPolicy', 'RetryRule']) {
      expectStatus(`retry_policy:${n}`, kb.name('airflow.sdk.definitions.retry_policy', n), { '3.2.0': 'notYet', '3.3.1': 'available' });
    }
    // ChainRetryPolicy is 3.4 (providers/common/compat/_retry_policy.py): not claimed
    assert.equal(kb.name('airflow.sdk.definitions.retry_policy', 'ChainRetryPolicy'), undefined);
  });

  it('BaseOperator task_concurrency → max_active_tis_per_dag; PythonOperator provide_context dropped from the signature in 2.0', () => {
    const tc = arg('BaseOperator', 'task_concurrency');
    expectStatus('task_concurrency', tc, { '1.10.12': 'available', '2.2.0': 'deprecated', '3.0.0': 'removed' });
    assert.equal(tc!.replacement, 'max_active_tis_per_dag');
    // 2.x pops it from **kwargs with a DeprecationWarning ("provide_context is deprecated as of 2.0")
    expectStatus('provide_context', arg('PythonOperator', 'provide_context'), { '1.10.12': 'available', '2.0.2': 'deprecated', '2.10.3': 'deprecated', '3.0.0': 'removed' });
    // BashOperator xcom_push raised AirflowException in 2.x: not accepted
    expectStatus('BashOperator xcom_push', arg('BashOperator', 'xcom_push'), { '1.10.12': 'available', '2.0.0': 'removed' });
    // a value deprecation (trigger_rule="none_failed_or_skipped") does not deprecate the argument
    expectStatus('trigger_rule', arg('BaseOperator', 'trigger_rule'), { '2.2.0': 'available', '2.10.3': 'available' });
    // a missing-argument warning (implicit schedule) does not deprecate `schedule`
    expectStatus('schedule 2.10', arg('DAG', 'schedule'), { '2.10.1': 'available', '2.11.0': 'available' });
  });

  it('operator subclasses keep their parents\' arguments (ShortCircuitOperator(PythonOperator) with its own **kwargs __init__)', () => {
    expectStatus('ShortCircuitOperator op_args', arg('ShortCircuitOperator', 'op_args'), { '1.10.12': 'available', '2.3.0': 'available', '2.10.3': 'available', '3.0.0': 'available' });
    expectStatus('ShortCircuitOperator ignore_downstream_trigger_rules', arg('ShortCircuitOperator', 'ignore_downstream_trigger_rules'), { '2.2.5': 'notYet', '2.3.0': 'available' });
    expectStatus('BranchPythonOperator python_callable', arg('BranchPythonOperator', 'python_callable'), { '1.10.12': 'available', '3.2.0': 'available' });
  });

  it('TriggerDagRunOperator execution_date → logical_date; sensors', () => {
    const ed = arg('TriggerDagRunOperator', 'execution_date');
    expectStatus('TriggerDagRunOperator execution_date', ed, { '1.10.12': 'available', '2.10.3': 'deprecated', '3.0.0': 'removed' });
    assert.equal(ed!.replacement, 'logical_date');
    expectStatus('TriggerDagRunOperator python_callable', arg('TriggerDagRunOperator', 'python_callable'), { '1.10.12': 'available', '2.0.0': 'removed' });
    expectStatus('BaseSensorOperator mode', arg('BaseSensorOperator', 'mode'), { '1.10.0': 'notYet', '1.10.2': 'available', '3.0.0': 'available' });
    expectStatus('ExternalTaskSensor external_task_ids', arg('ExternalTaskSensor', 'external_task_ids'), { '2.1.4': 'notYet', '2.2.0': 'available', '3.0.0': 'available' });
  });

  it('knows DAG, BaseOperator, task, PythonOperator, BranchPythonOperator, BashOperator', () => {
    for (const c of ['DAG', 'BaseOperator', 'task', 'PythonOperator', 'BranchPythonOperator', 'BashOperator']) assert.ok(kb.knowsCallable(c), c);
    expectStatus('@task multiple_outputs', arg('task', 'multiple_outputs'), { '1.10.15': 'notYet', '2.0.0': 'available', '3.0.0': 'available' });
    assert.ok(kb.argumentsOf('DAG', '2.10.3').includes('dag_id'));
    assert.ok(kb.argumentsOf('BaseOperator', '3.0.0').includes('task_id'));
    assert.ok(!kb.argumentsOf('DAG', '3.0.0').includes('schedule_interval'));
  });
});

describe('knowledge base: template context keys', () => {
  const key = (k: string) => kb.contextKey(k);

  it('execution_date: deprecated 2.2 → logical_date, removed in 3.0', () => {
    const av = key('execution_date');
    expectStatus('execution_date', av, { '1.10.12': 'available', '2.1.4': 'available', '2.2.0': 'deprecated', '2.10.3': 'deprecated', '3.0.0': 'removed' });
    assert.equal(av!.replacement, 'logical_date');
    expectStatus('logical_date', key('logical_date'), { '2.1.4': 'notYet', '2.2.5': 'available', '3.0.0': 'available' });
  });

  it('next_ds / prev_ds / tomorrow_ds / yesterday_ds / next_execution_date / prev_execution_date', () => {
    const next = key('next_ds');
    expectStatus('next_ds', next, { '1.10.12': 'available', '2.2.2': 'deprecated', '3.0.0': 'removed' });
    assert.equal(next!.replacement, '{{ data_interval_end | ds }}');
    for (const k of ['prev_ds', 'tomorrow_ds', 'yesterday_ds', 'next_execution_date', 'prev_execution_date', 'next_ds_nodash', 'prev_ds_nodash']) {
      expectStatus(k, key(k), { '1.10.12': 'available', '2.4.3': 'deprecated', '3.0.6': 'removed' });
    }
    assert.equal(key('next_execution_date')!.replacement, 'data_interval_end');
  });

  it('keys that stay: ds, ds_nodash, ts, ti, task_instance, dag_run, params, var, macros, run_id, templates_dict', () => {
    for (const k of ['ds', 'ds_nodash', 'ts', 'ti', 'task_instance', 'dag_run', 'params', 'var', 'macros', 'run_id', 'templates_dict', 'task', 'dag']) {
      expectStatus(k, key(k), { '1.10.12': 'available', '2.10.3': 'available', '3.0.0': 'available', '3.2.0': 'available' });
    }
    // Airflow 3's Context type still lists test_mode, but the task runner's get_template_context has it commented out
    // (task-sdk execution_time/task_runner.py, 3.0.0 l.175 … 3.2.0): override in scripts/kb/overrides.json
    expectStatus('test_mode', key('test_mode'), { '1.10.12': 'available', '2.10.3': 'available', '3.0.0': 'removed', '3.2.0': 'removed' });
    expectStatus('conn', key('conn'), { '1.10.15': 'notYet', '2.2.0': 'available', '3.0.0': 'available' });
    expectStatus('data_interval_start', key('data_interval_start'), { '2.1.4': 'notYet', '2.2.0': 'available', '3.0.0': 'available' });
  });

  it('datasets → assets: triggering_dataset_events (2.4–2.x) vs triggering_asset_events (3.0+); inlet/outlet events 2.10+', () => {
    expectStatus('triggering_dataset_events', key('triggering_dataset_events'), { '2.3.4': 'notYet', '2.4.0': 'available', '2.11.1': 'available', '3.0.0': 'removed' });
    expectStatus('triggering_asset_events', key('triggering_asset_events'), { '2.11.1': 'notYet', '3.0.0': 'available' });
    assert.equal(key('triggering_dataset_events')!.replacement, 'triggering_asset_events');
    expectStatus('inlet_events', key('inlet_events'), { '2.9.3': 'notYet', '2.10.0': 'available', '3.0.0': 'available' });
    expectStatus('outlet_events', key('outlet_events'), { '2.9.3': 'notYet', '2.10.0': 'available', '3.0.0': 'available' });
    expectStatus('map_index_template', key('map_index_template'), { '2.8.4': 'notYet', '2.9.0': 'available' });
    expectStatus('conf', key('conf'), { '1.10.12': 'available', '2.10.3': 'available', '3.0.0': 'removed' });
  });
});

describe('knowledge base: compact on-disk form', () => {
  const compact: CompactContext = {
    format: 'compact-1',
    versions: ['1.10.0', '2.2.0', '3.0.0'],
    scannedVersions: ['1.10.0', '2.2.0', '3.0.0'],
    sources: [['o/r', '1.10.0', 'a'.repeat(40)], ['o/r', '2.2.0', 'b'.repeat(40), 'src note'], ['o/r', '3.0.0', '']],
    evidence: [[0, 'p.py', -1], [1, 'q.py', 0], [2, 'q.py', 1]],
    notes: ['deprecated here', 'not present at this ref'],
    keys: {
      execution_date: { a: [0, 2], d: [1, 2], r: 'logical_date', n: 0, e: [0, 1, 2] },
      ds: { a: [0, -1], e: [0] },
    },
  };

  it('hydrates ranges, replacement, notes and evidence (shared between facts)', () => {
    const c = hydrateContext(compact);
    assert.deepEqual(c.keys.execution_date.available, [{ from: '1.10.0', to: '3.0.0' }]);
    assert.deepEqual(c.keys.execution_date.deprecated, [{ from: '2.2.0', to: '3.0.0' }]);
    assert.equal(c.keys.execution_date.replacement, 'logical_date');
    assert.equal(c.keys.execution_date.note, 'deprecated here');
    assert.deepEqual(c.keys.execution_date.evidence[1], { repo: 'o/r', path: 'q.py', ref: '2.2.0', commit: 'b'.repeat(40), note: 'deprecated here — src note' });
    assert.equal(c.keys.execution_date.evidence[2].commit, undefined);
    assert.deepEqual(c.keys.ds.available, [{ from: '1.10.0', to: null }]);
    assert.equal(c.keys.ds.evidence[0], c.keys.execution_date.evidence[0]);
    assert.equal(statusAt(c.keys.execution_date, '2.10.3'), 'deprecated');
    assert.equal(statusAt(c.keys.execution_date, '3.0.6'), 'removed');
  });

  it('is lazy but enumerable and read-only; plain (non-compact) data passes through', () => {
    const c = hydrateContext(compact);
    assert.deepEqual(Object.keys(c.keys).sort(), ['ds', 'execution_date']);
    assert.equal(Object.entries(c.keys).length, 2);
    assert.ok('ds' in c.keys && !('nope' in c.keys));
    assert.equal(c.keys.nope, undefined);
    assert.equal(c.keys.ds, c.keys.ds, 'memoised');
    assert.throws(() => {
      'use strict';
      (c.keys as Record<string, unknown>).x = 1;
    });
    const plain = { scannedVersions: ['2.0.0'], modules: {}, names: {} };
    assert.equal(hydrateModules(plain), plain);
  });
});

describe('knowledge base: size budget', () => {
  it('the generated files stay under 2.5 MB together (they ship in the VSIX)', () => {
    const dir = path.join(__dirname, '../../core/src/knowledge/data');
    const total = ['modules.json', 'arguments.json', 'context.json'].reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
    assert.ok(total < 2.5 * 1024 * 1024, `${total} bytes`);
  });
});

function getAllModules(): Record<string, Availability> {
  const out: Record<string, Availability> = {};
  for (const k of kb.modulePaths()) out[k] = kb.module(k)!;
  return out;
}
