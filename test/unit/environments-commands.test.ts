/**
 * Every command of the environments view, run through register(ctx) with a mocked `vscode`
 * module (scripted inputs, picks and confirmations) and in-memory Airflow clients.
 */
import { state, extensionContext, vscodeMock } from '../support/vscode-mock';
import assert from 'node:assert/strict';
import { Ctx } from '../../client/src/ctx';
import { register } from '../../client/src/environments';
import { EnvironmentsTreeProvider } from '../../client/src/environments/provider';
import type { EnvironmentsModel, TreeNode, DagNode, RunNode, TaskNode, ErrorNode } from '../../client/src/environments/model';
import { stubConnect, stubState, type StubState } from '../support/environments-stub';

describe('environments commands (mocked vscode)', () => {
  let ctx: Ctx;
  let model: EnvironmentsModel;
  let prod: StubState;
  let local: StubState;
  const run = (id: string, ...args: unknown[]) => state.commands.get(id)!(...args);

  async function nodes() {
    const [env, localEnv] = await model.getChildren();
    const kids = await model.getChildren(env);
    const dag = kids.find((k) => k.kind === 'dag') as DagNode;
    const runs = (await model.getChildren(dag)) as RunNode[];
    const failedRun = runs.find((r) => r.run.state === 'failed')!;
    const tasks = (await model.getChildren(failedRun)) as TaskNode[];
    return { env, localEnv, dag, runs, failedRun, task: tasks[0] };
  }

  beforeEach(() => {
    state.reset();
    state.config.set('managedAirflow.environments', [
      { name: 'prod', platform: 'mwaa', environment: 'prod-airflow', region: 'eu-west-1' },
      { name: 'local', platform: 'airflow', url: 'http://127.0.0.1:8080' },
    ]);
    prod = stubState({ dags: 3, runs: 3, importErrors: 1 });
    local = stubState({ dags: 1, runs: 1 });
    ctx = new Ctx(extensionContext() as any);
    ({ model } = register(ctx, { connect: stubConnect({ prod, local }).connect, mwaaWebLoginUrl: async () => 'https://prod.example/aws_mwaa/aws-console-sso?login=true#tok' }));
  });
  afterEach(() => ctx.dispose());

  it('the tree provider renders model items as TreeItems with codicons and theme colours', async () => {
    const { failedRun } = await nodes();
    const p = new EnvironmentsTreeProvider(model);
    const item: any = p.getTreeItem(failedRun);
    assert.equal(item.iconPath.id, 'error');
    assert.equal(item.iconPath.color.id, 'testing.iconFailed');
    assert.equal(item.contextValue, 'run:failed');
    assert.equal(item.collapsibleState, 1);
    assert.equal(p.getParent(failedRun)?.kind, 'dag');
    p.dispose();
  });

  it('trigger DAG: invalid conf is refused in the input box; valid conf + logical date are sent', async () => {
    const { dag } = await nodes();
    state.answers.input.push('[1, 2]');
    await run('managedAirflow.triggerDag', dag);
    assert.deepEqual(state.validation, ['conf must be a JSON object ({…}), not an array or a value']);
    assert.ok(!prod.calls.some((c) => c.startsWith('triggerRun')));
    state.answers.input.push('{"table": "orders"}', '2026-01-31');
    await run('managedAirflow.triggerDag', dag);
    assert.ok(prod.calls.includes('triggerRun:dag_0000'));
    const created = prod.runs.get('dag_0000')![0];
    assert.deepEqual(created.conf, { table: 'orders' });
    assert.equal(created.logicalDate, '2026-01-31T00:00:00.000Z');
    assert.match(state.messages.at(-1)!.text, /Triggered dag_0000: manual__3 \(queued\)/);
  });

  it('pause / unpause update the DAG node in place', async () => {
    const { dag } = await nodes();
    await run('managedAirflow.pauseDag', dag);
    assert.equal(dag.dag.isPaused, true);
    assert.equal(model.item(dag).contextValue, 'dag:paused:source');
    await run('managedAirflow.unpauseDag', dag);
    assert.equal(dag.dag.isPaused, false);
    assert.deepEqual(prod.calls.filter((c) => c.startsWith('setPaused')), ['setPaused:dag_0000:true', 'setPaused:dag_0000:false']);
  });

  it('clear a task (downstream choice + modal confirmation); cancelling sends nothing; clear a run', async () => {
    const { task, failedRun } = await nodes();
    state.answers.pick.push('This task and its downstream tasks');
    state.answers.warning.push(undefined);
    await run('managedAirflow.clearTask', task);
    assert.ok(!prod.calls.some((c) => c.startsWith('clear')), 'cancelled at the confirmation');
    state.answers.pick.push('This task and its downstream tasks');
    state.answers.warning.push('Clear');
    await run('managedAirflow.clearTask', task);
    assert.ok(prod.calls.includes(`clear:dag_0000:${failedRun.run.runId}:t0:down`));
    assert.match(state.messages.find((m) => m.level === 'warning')!.text, /and its downstream tasks/);
    state.answers.warning.push('Clear');
    await run('managedAirflow.clearRun', failedRun);
    assert.ok(prod.calls.includes(`clear:dag_0000:${failedRun.run.runId}::`));
  });

  it('open log: read-only virtual document with a header; try selector opens another try', async () => {
    const { task } = await nodes();
    await run('managedAirflow.openLog', task);
    const shown = state.shown.at(-1)!;
    assert.match(shown, /^managed-airflow-log:\/prod\/dag_0000\/scheduled__2026-01-29\/t0 \(try 2\)\.log$/);
    const provider = state.contentProviders.get('managed-airflow-log');
    const text = await provider.provideTextDocumentContent(vscodeMock.Uri.parse(shown), { onCancellationRequested: () => ({ dispose() {} }) });
    assert.match(text, /^# prod · dag_0000 · scheduled__2026-01-29 · t0 · try 2 of 2\n\nlog of t0 try 2\n$/);
    state.answers.pick.push('Try 1');
    await run('managedAirflow.selectLogTry', vscodeMock.Uri.parse(shown));
    assert.match(state.shown.at(-1)!, /\/t0 \(try 1\)\.log$/);
  });

  it('a running try is followed: the document says so and re-reads on a timer until closed', async () => {
    const { runs } = await nodes();
    const live = (await model.getChildren(runs[0])) as TaskNode[];
    assert.equal(live[0].ti.state, 'running');
    await run('managedAirflow.openLog', live[0]);
    const provider = state.contentProviders.get('managed-airflow-log');
    const text = await provider.provideTextDocumentContent(vscodeMock.Uri.parse(state.shown.at(-1)!), { onCancellationRequested: () => ({ dispose() {} }) });
    assert.match(text, /try 1 of 1 · running \(following\)/);
    assert.equal(provider.followers.size, 1);
    provider.dispose();
    assert.equal(provider.followers.size, 0);
  });

  it('open in web UI: deep links for DAGs/runs, a signed login link for an MWAA environment', async () => {
    const { env, dag } = await nodes();
    await run('managedAirflow.openInWebUi', dag);
    assert.equal(state.external.at(-1), 'https://web.example/dags/dag_0000/grid');
    await run('managedAirflow.openInWebUi', env);
    assert.equal(state.external.at(-1), 'https://prod.example/aws_mwaa/aws-console-sso?login=true#tok');
  });

  it('open source file: finds the local file for the remote fileloc', async () => {
    const { dag } = await nodes();
    state.files = ['other/x.py', 'dags/dag_0000.py', 'tests/dag_0000_test.py'];
    await run('managedAirflow.openDagSource', dag);
    assert.equal(state.shown.at(-1), 'file:/ws/dags/dag_0000.py');
    state.files = ['other/x.py'];
    await run('managedAirflow.openDagSource', dag);
    assert.match(state.messages.at(-1)!.text, /no local file matches \/usr\/local\/airflow\/dags\/dag_0000\.py/);
  });

  it('use as lint target: writes managedAirflow.target from the environment version', async () => {
    const { env } = await nodes();
    await run('managedAirflow.useAsLintTarget', env);
    assert.equal(state.config.get('managedAirflow.target'), 'mwaa:2.10.3');
  });

  it('add environment: writes the settings entry, keeps secrets only in SecretStorage', async () => {
    state.answers.pick.push('Self-hosted Airflow', 'Username and password');
    state.answers.input.push('http://127.0.0.1:9090', 'admin', 'p4ssw0rd-secret', 'dev');
    await run('managedAirflow.addEnvironment');
    const envs = state.config.get('managedAirflow.environments') as any[];
    assert.deepEqual(envs.at(-1), { name: 'dev', platform: 'airflow', url: 'http://127.0.0.1:9090', auth: 'basic' });
    assert.ok(!JSON.stringify([...state.config.values()]).includes('p4ssw0rd'));
    assert.equal(state.secrets.get('managedAirflow.environment/dev/password'), 'p4ssw0rd-secret');
    assert.equal(state.secrets.get('managedAirflow.environment/dev/username'), 'admin');
    assert.deepEqual((await model.getChildren()).map((n) => n.env), ['prod', 'local', 'dev']);
  });

  it('sign in stores new credentials and reloads; remove forgets settings entry and secrets', async () => {
    const { localEnv } = await nodes();
    state.answers.input.push('admin', 'pw2');
    await run('managedAirflow.signIn', localEnv);
    assert.equal(state.secrets.get('managedAirflow.environment/local/password'), 'pw2');
    state.answers.warning.push('Remove');
    await run('managedAirflow.removeEnvironment', localEnv);
    assert.deepEqual((state.config.get('managedAirflow.environments') as any[]).map((e) => e.name), ['prod']);
    assert.equal(state.secrets.has('managedAirflow.environment/local/password'), false);
  });

  it('failures never crash: error nodes in the tree, one error message (no stack) for commands', async () => {
    state.config.set('managedAirflow.environments', [{ name: 'gone', platform: 'airflow', url: 'http://127.0.0.1:1' }]);
    model.refresh();
    const [gone] = await model.getChildren();
    const [err] = (await model.getChildren(gone)) as ErrorNode[];
    assert.equal(err.kind, 'error');
    assert.equal(err.action, 'signIn');
    await run('managedAirflow.openLog', gone as TreeNode);
    const msg = state.messages.at(-1)!;
    assert.equal(msg.level, 'error');
    assert.doesNotMatch(msg.text, /at .*\.ts:\d+/);
  });

  it('an untrusted workspace shows an error node instead of connecting', async () => {
    state.trusted = false;
    model.refresh();
    const [env] = await model.getChildren();
    const [err] = (await model.getChildren(env)) as ErrorNode[];
    assert.match(err.error.message, /trusted workspace/);
    assert.equal(prod.calls.length, 0);
  });
});
