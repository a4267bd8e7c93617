import assert from 'node:assert/strict';
import { AutoRefresher, EnvironmentsModel, contextValue, stateIcon, formatDuration, type TreeNode, type MoreNode, type RunNode, type ErrorNode } from '../../client/src/environments/model';
import { ManagedAirflowError } from '../../core/src/errors';
import type { EnvironmentConfig } from '../../core/src/protocol/environments';
import { stubConnect, stubState } from '../support/environments-stub';

const ENVS: EnvironmentConfig[] = [
  { name: 'prod', platform: 'mwaa', environment: 'prod-airflow', region: 'eu-west-1' },
  { name: 'local', platform: 'airflow', url: 'http://127.0.0.1:8080' },
];

function setup(o: { dags?: number; runs?: number; importErrors?: number; pageSize?: number; envs?: EnvironmentConfig[] } = {}) {
  const prod = stubState({ dags: o.dags ?? 3, runs: o.runs ?? 3, importErrors: o.importErrors ?? 2 });
  const stub = stubConnect({ prod });
  const changes: (TreeNode | undefined)[] = [];
  const model = new EnvironmentsModel({ environments: () => o.envs ?? ENVS, connect: stub.connect, pageSize: o.pageSize ?? 100, now: () => Date.parse('2026-01-30T00:02:01Z') });
  model.onDidChange((n) => changes.push(n));
  return { model, prod, stub, changes };
}

const kinds = (nodes: TreeNode[]) => nodes.map((n) => n.kind);

describe('environments tree model', () => {
  it('roots come from settings only (no network until expanded)', async () => {
    const { model, stub } = setup();
    const roots = await model.getChildren();
    assert.deepEqual(roots.map((r) => r.id), ['env:prod', 'env:local']);
    assert.deepEqual(stub.connects, []);
    const item = model.item(roots[0]);
    assert.equal(item.label, 'prod');
    assert.equal(item.collapsible, 'collapsed');
    assert.match(item.description!, /^MWAA · eu-west-1/);
  });

  it('environment → Import errors group + DAGs; connection facts appear in the item', async () => {
    const { model, stub } = setup();
    const [prod] = await model.getChildren();
    const children = await model.getChildren(prod);
    assert.deepEqual(kinds(children), ['importErrors', 'dag', 'dag', 'dag']);
    assert.equal(stub.connects.length, 1);
    const it = model.item(prod);
    assert.match(it.description!, /Airflow 2\.10\.3/);
    assert.match(it.tooltip!, /Lint target: mwaa:2\.10\.3/);
    assert.equal(it.contextValue, 'environment:mwaa:connected:target:web');
    const errors = await model.getChildren(children[0]);
    assert.deepEqual(kinds(errors), ['importError', 'importError']);
    assert.equal(model.item(children[0]).description, '2');
  });

  it('DAG → runs → task instances → one log node per try (newest first); getParent walks back', async () => {
    const { model } = setup();
    const [prod] = await model.getChildren();
    const dag = (await model.getChildren(prod)).find((n) => n.kind === 'dag')!;
    const runs = await model.getChildren(dag);
    assert.deepEqual(runs.map((r) => (r as RunNode).run.state), ['running', 'failed', 'success']);
    const failed = runs[1];
    const tasks = await model.getChildren(failed);
    assert.deepEqual(tasks.map((t) => model.item(t).label), ['t0', 't1']);
    const tries = await model.getChildren(tasks[0]);
    assert.deepEqual(tries.map((t) => model.item(t).label), ['Log (try 2)', 'Log (try 1)']);
    assert.equal(model.item(tries[0]).command?.command, 'managedAirflow.openLog');
    assert.equal(model.getParent(tries[0]), tasks[0]);
    assert.equal(model.getParent(tasks[0]), failed);
    assert.equal(model.getParent(failed), dag);
    assert.equal(model.getParent(dag), prod);
    assert.equal(model.getParent(prod), undefined);
    // A task that never started has no log children and is not expandable.
    const running = await model.getChildren(runs[0]);
    const notStarted = running.find((t) => t.kind === 'task' && t.ti.tryNumber === 0)!;
    assert.equal(model.item(notStarted).collapsible, 'none');
  });

  it('environment nodes keep their identity across re-reads; the version appears as soon as it is known', async () => {
    const { model, changes } = setup();
    const [a] = await model.getChildren();
    const pending = model.getChildren(a);
    const [b] = await model.getChildren(); // the view re-reads roots while connecting
    assert.equal(a, b);
    await pending;
    assert.match(model.item(b).description!, /Airflow 2\.10\.3/);
    assert.ok(changes.includes(a), 'the environment item is redrawn when its connection is known');
  });

  it('an edited environment entry drops its connection and children', async () => {
    let envs: EnvironmentConfig[] = [{ name: 'prod', platform: 'mwaa', environment: 'prod-airflow', region: 'eu-west-1' }];
    const prod = stubState();
    const stub = stubConnect({ prod });
    const model = new EnvironmentsModel({ environments: () => envs, connect: stub.connect });
    const [env] = await model.getChildren();
    await model.getChildren(env);
    envs = [{ ...envs[0], region: 'us-east-1' }];
    const [same] = await model.getChildren();
    assert.equal(same, env);
    assert.equal((same as any).info, undefined);
    await model.getChildren(same);
    assert.equal(stub.connects.length, 2);
  });

  it('children are cached: expanding twice makes one request; concurrent expansions share it', async () => {
    const { model, prod } = setup();
    const [env] = await model.getChildren();
    await Promise.all([model.getChildren(env), model.getChildren(env)]);
    await model.getChildren(env);
    assert.equal(prod.calls.filter((c) => c.startsWith('listDags')).length, 1);
  });

  it('pages: first page + "Load more…", which appends the next page', async () => {
    const { model, prod, changes } = setup({ dags: 5, pageSize: 2, importErrors: 0 });
    const [env] = await model.getChildren();
    let children = await model.getChildren(env);
    assert.deepEqual(kinds(children), ['dag', 'dag', 'more']);
    const more = children[2] as MoreNode;
    assert.equal(model.item(more).description, '2 of 5');
    assert.equal(contextValue(more), 'more');
    await model.loadMore(more);
    children = await model.getChildren(env);
    assert.deepEqual(kinds(children), ['dag', 'dag', 'dag', 'dag', 'more']);
    await model.loadMore(children[4] as MoreNode);
    children = await model.getChildren(env);
    assert.deepEqual(children.map((c) => c.kind === 'dag' && c.dag.dagId), ['dag_0000', 'dag_0001', 'dag_0002', 'dag_0003', 'dag_0004']);
    assert.deepEqual(prod.calls.filter((c) => c.startsWith('listDags')), ['listDags:0', 'listDags:2', 'listDags:4']);
    assert.ok(changes.includes(env));
  });

  it('errors become a child node with the right action; Retry (refresh) reloads', async () => {
    const { model, prod } = setup();
    const [env, local] = await model.getChildren();
    // "local" has no stub state → credentials error → Sign in.
    const [err] = (await model.getChildren(local)) as ErrorNode[];
    assert.equal(err.kind, 'error');
    assert.deepEqual(model.item(local).icon, { id: 'warning', color: 'list.warningForeground' }, 'the environment shows it failed');
    assert.equal(err.action, 'signIn');
    assert.equal(model.item(err).command?.command, 'managedAirflow.signIn');
    assert.equal(model.item(err).description, 'Sign in…');
    assert.equal(contextValue(err), 'error:signIn');
    prod.fail = new ManagedAirflowError('network', 'platform.unreachable', 'prod: cannot reach x', { details: { action: 'retry' } });
    const [e2] = (await model.getChildren(env)) as ErrorNode[];
    assert.equal(e2.action, 'retry');
    assert.equal(model.item(e2).command?.command, 'managedAirflow.retry');
    prod.fail = undefined;
    model.refresh(e2);
    assert.deepEqual(kinds(await model.getChildren(env)), ['importErrors', 'dag', 'dag', 'dag']);
  });

  it('an invalid settings value shows one error node instead of crashing', async () => {
    const model = new EnvironmentsModel({
      environments: () => {
        throw new ManagedAirflowError('config', 'config.environments.secret', '"password" looks like a secret');
      },
      connect: async () => assert.fail('no connect'),
    });
    const roots = (await model.getChildren()) as ErrorNode[];
    assert.equal(roots.length, 1);
    assert.equal(roots[0].action, 'openSettings');
  });

  it('refresh(environment) drops its connection and children; refresh() resets everything', async () => {
    const { model, stub, prod } = setup();
    const [env] = await model.getChildren();
    await model.getChildren(env);
    model.refresh(env);
    await model.getChildren(env);
    assert.equal(stub.connects.length, 2);
    assert.equal(prod.calls.filter((c) => c.startsWith('listDags')).length, 2);
    model.refresh();
    const [again] = await model.getChildren();
    await model.getChildren(again);
    assert.equal(stub.connects.length, 3);
  });

  it('contextValue is stable and regex-friendly for every node kind', async () => {
    const { model } = setup();
    const [env] = await model.getChildren();
    const [, dag, , paused] = await model.getChildren(env);
    assert.equal(contextValue(dag), 'dag:active:source');
    assert.equal(contextValue(paused), 'dag:paused:source');
    const [running, failed] = await model.getChildren(dag);
    assert.equal(contextValue(running), 'run:running:live');
    assert.equal(contextValue(failed), 'run:failed');
    const [t0, t1] = await model.getChildren(failed);
    assert.equal(contextValue(t0), 'task:failed:logs');
    assert.equal(contextValue(t1), 'task:upstream_failed:logs');
    const [try2] = await model.getChildren(t0);
    assert.equal(contextValue(try2), 'log');
    const live = (await model.getChildren(running))[0];
    assert.equal(contextValue((await model.getChildren(live))[0]), 'log:live');
  });

  it('icons and colours by state; durations', async () => {
    assert.deepEqual(stateIcon('success'), { id: 'pass-filled', color: 'testing.iconPassed' });
    assert.deepEqual(stateIcon('failed'), { id: 'error', color: 'testing.iconFailed' });
    assert.equal(stateIcon('running').id, 'sync~spin');
    assert.equal(stateIcon('queued').id, 'clock');
    assert.equal(stateIcon(null).id, 'circle-large-outline');
    assert.equal(stateIcon('brand_new_state').id, 'circle-large-outline');
    assert.equal(formatDuration(45), '45s');
    assert.equal(formatDuration(125), '2m 5s');
    assert.equal(formatDuration(7322), '2h 2m');
    const { model } = setup();
    const [env] = await model.getChildren();
    const dag = (await model.getChildren(env))[1];
    const [running, failed] = await model.getChildren(dag);
    assert.equal(model.item(failed).description, 'failed · scheduled · 1m 30s');
    assert.match(model.item(running).description!, /running · scheduled · 2m 0s/);
    assert.match(model.item(failed).tooltip!, /Run: scheduled__2026-01-29/);
  });
});

describe('auto-refresh of running runs (backoff)', () => {
  it('polls only while live runs are loaded; backs off ×1.5 when nothing changes, resets on change, caps', async () => {
    const { model, prod } = setup();
    const timers: number[] = [];
    const refresher = new AutoRefresher(model, { baseMs: 1000, maxMs: 3000, setTimer: (_fn, ms) => (timers.push(ms), 0 as any), clearTimer: () => undefined });
    refresher.poke();
    assert.equal(timers.length, 0, 'nothing loaded → no timer');
    const [env] = await model.getChildren();
    const dag = (await model.getChildren(env))[1];
    const runs = (await model.getChildren(dag)) as RunNode[];
    assert.equal(model.liveRuns().length, 1);
    refresher.poke();
    assert.deepEqual(timers, [1000]);
    (refresher as any).timer = undefined;
    await refresher.tick();
    assert.equal(refresher.delayMs, 1500);
    (refresher as any).timer = undefined;
    await refresher.tick();
    assert.equal(refresher.delayMs, 2250);
    (refresher as any).timer = undefined;
    await refresher.tick();
    assert.equal(refresher.delayMs, 3000, 'capped');
    // The run finishes: state change → back to the base delay, then nothing live → no timer.
    prod.runs.get('dag_0000')![0].state = 'success';
    prod.runs.get('dag_0000')![0].endDate = '2026-01-30T00:05:00Z';
    (refresher as any).timer = undefined;
    const before = timers.length;
    await refresher.tick();
    assert.equal(refresher.delayMs, 1000);
    assert.equal(runs[0].run.state, 'success');
    assert.equal(model.liveRuns().length, 0);
    assert.equal(timers.length, before, 'no more polling');
    assert.equal(prod.calls.filter((c) => c.startsWith('getRun')).length, 4);
  });

  it('does not poll while the tree is hidden', async () => {
    const { model } = setup();
    let visible = false;
    const timers: number[] = [];
    const refresher = new AutoRefresher(model, { baseMs: 1000, active: () => visible, setTimer: (_f, ms) => (timers.push(ms), 0 as any), clearTimer: () => undefined });
    const [env] = await model.getChildren();
    await model.getChildren((await model.getChildren(env))[1]);
    refresher.poke();
    assert.deepEqual(timers, []);
    visible = true;
    refresher.poke();
    assert.deepEqual(timers, [1000]);
  });

  it('a failing refresh does not throw and keeps polling (slower)', async () => {
    const { model, prod } = setup();
    const refresher = new AutoRefresher(model, { baseMs: 1000, setTimer: () => 0 as any, clearTimer: () => undefined });
    const [env] = await model.getChildren();
    await model.getChildren((await model.getChildren(env))[1]);
    prod.fail = new ManagedAirflowError('network', 'platform.timeout', 'slow');
    await refresher.tick();
    assert.equal(refresher.delayMs, 1500);
  });
});
