import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { clearPlan, confValidationMessage, logPath, logRefOf, logicalDateValidationMessage, matchLocalDagFile, parseConf, parseLogPath, parseLogicalDate, webUrlFor, lintTargetFor } from '../../client/src/environments/actions';
import { runAddEnvironmentFlow, secretKey, type FlowUI } from '../../client/src/environments/addEnvironment';
import { ENVIRONMENT_COMMANDS } from '../../client/src/environments/commands';
import { EnvironmentsModel, contextValue, type TreeNode, type RunNode, type TaskNode } from '../../client/src/environments/model';
import { targetLabel } from '../../core/src/platforms';
import { validateEnvironments } from '../../core/src/config/environments';
import { stubConnect, stubState } from '../support/environments-stub';

async function loadedTree() {
  const prod = stubState({ dags: 3, runs: 3, importErrors: 1 });
  const model = new EnvironmentsModel({ environments: () => [{ name: 'prod', platform: 'mwaa', environment: 'p', region: 'eu-west-1' }], connect: stubConnect({ prod }).connect });
  const [env] = await model.getChildren();
  const [importErrors, dag, , pausedDag] = await model.getChildren(env);
  const [runningRun, failedRun] = (await model.getChildren(dag)) as RunNode[];
  const [task] = (await model.getChildren(failedRun)) as TaskNode[];
  const [tryNode] = await model.getChildren(task);
  const [importError] = await model.getChildren(importErrors);
  return { model, env, importErrors, importError, dag, pausedDag, runningRun, failedRun, task, tryNode };
}

describe('environments actions: trigger input validation', () => {
  it('conf: empty → {}, object ok, arrays/values/bad JSON rejected with a message', () => {
    assert.deepEqual(parseConf(''), {});
    assert.deepEqual(parseConf('  {"a": [1, 2], "b": {"c": null}} '), { a: [1, 2], b: { c: null } });
    assert.throws(() => parseConf('[1]'), /must be a JSON object/);
    assert.throws(() => parseConf('"x"'), /must be a JSON object/);
    assert.throws(() => parseConf('{a: 1}'), (e: any) => e.code === 'trigger.confInvalid');
    assert.equal(confValidationMessage('{}'), undefined);
    assert.match(confValidationMessage('{') ?? '', /not valid JSON/);
  });

  it('logical date: empty → default (now), "none" → null, dates normalised to UTC ISO', () => {
    assert.equal(parseLogicalDate(''), undefined);
    assert.equal(parseLogicalDate('none'), null);
    assert.equal(parseLogicalDate('2026-01-31'), '2026-01-31T00:00:00.000Z');
    assert.equal(parseLogicalDate('2026-01-31T06:30:00+02:00'), '2026-01-31T04:30:00.000Z');
    assert.equal(parseLogicalDate('2026-01-31 06:30'), '2026-01-31T06:30:00.000Z');
    assert.throws(() => parseLogicalDate('tomorrow'), /not an ISO-8601 date/);
    assert.throws(() => parseLogicalDate('2026-13-45'), /not an ISO-8601 date/);
    assert.match(logicalDateValidationMessage('31/01/2026') ?? '', /ISO-8601/);
  });
});

describe('environments actions: clear, web UI, source file, lint target, logs', () => {
  it('clear a task (with or without downstream) or a whole run, with a confirmation question', async () => {
    const t = await loadedTree();
    const withDown = clearPlan(t.task, true);
    assert.deepEqual(withDown.request, { runId: t.failedRun.run.runId, taskIds: ['t0'], includeDownstream: true, onlyFailed: false });
    assert.match(withDown.question, /Clear task "t0" and its downstream tasks of run scheduled__2026-01-29 \(DAG dag_0000\) on prod\?/);
    assert.equal(clearPlan(t.task, false).request.includeDownstream, false);
    const run = clearPlan(t.failedRun, false);
    assert.deepEqual(run.request, { runId: 'scheduled__2026-01-29', onlyFailed: false });
    assert.match(run.question, /Clear all task instances of run/);
  });

  it('web UI links: Airflow 2 grid vs Airflow 3 React UI', async () => {
    const t = await loadedTree();
    const af2 = { name: 'prod', platform: 'mwaa' as const, webUrl: 'https://x.on.aws', airflowVersion: '2.10.3' };
    assert.equal(webUrlFor(t.dag, af2), 'https://x.on.aws/dags/dag_0000/grid');
    assert.equal(webUrlFor(t.failedRun, af2), 'https://x.on.aws/dags/dag_0000/grid?dag_run_id=scheduled__2026-01-29');
    assert.match(webUrlFor(t.task, af2)!, /task_id=t0&tab=logs$/);
    const af3 = { ...af2, airflowVersion: '3.0.6' };
    assert.equal(webUrlFor(t.failedRun, af3), 'https://x.on.aws/dags/dag_0000/runs/scheduled__2026-01-29');
    assert.equal(webUrlFor(t.env, af3), 'https://x.on.aws/');
    assert.equal(webUrlFor(t.env, { ...af2, webUrl: undefined }), undefined);
  });

  it('finds the local file for a remote fileloc (MWAA, Composer, Astro/OSS paths; longest suffix; dags folder wins)', () => {
    const files = ['dags/etl/daily.py', 'other/daily.py', 'dags/daily.py', 'tests/dags/etl/daily.py', 'README.py'];
    assert.equal(matchLocalDagFile('/usr/local/airflow/dags/etl/daily.py', files, { dagsFolder: 'dags' }), 'dags/etl/daily.py');
    assert.equal(matchLocalDagFile('/home/airflow/gcs/dags/daily.py', files, { dagsFolder: 'dags' }), 'dags/daily.py');
    assert.equal(matchLocalDagFile('/opt/airflow/dags/etl/daily.py', ['tests/dags/etl/daily.py']), 'tests/dags/etl/daily.py');
    assert.equal(matchLocalDagFile('/somewhere/else/etl/daily.py', files, { relativeFileloc: 'etl/daily.py', dagsFolder: 'dags' }), 'dags/etl/daily.py');
    assert.equal(matchLocalDagFile('/usr/local/airflow/dags/missing.py', files), undefined);
  });

  it('"Use as lint target" labels: mwaa:<AirflowVersion>, composer:<image>, astro:<runtime>, airflow:<version>', () => {
    assert.equal(targetLabel('mwaa', { airflowVersion: '2.10.3' }), 'mwaa:2.10.3');
    assert.equal(targetLabel('composer', { image: 'composer-3-airflow-2.10.5-build.5', airflowVersion: '2.10.5' }), 'composer:composer-3-airflow-2.10.5-build.5');
    assert.equal(targetLabel('astro', { image: '3.0-7', airflowVersion: '3.0.6' }), 'astro:3.0-7');
    assert.equal(targetLabel('airflow', { airflowVersion: '2.9.2+composer' }), 'airflow:2.9.2');
    assert.equal(targetLabel('mwaa', {}), undefined);
    assert.equal(lintTargetFor({ name: 'x', platform: 'mwaa', target: 'mwaa:2.10.3' }), 'mwaa:2.10.3');
  });

  it('log document URIs round-trip (odd characters, map index) and come from task and try nodes', async () => {
    const ref = { env: 'prod env', dagId: 'd/1', runId: 'manual__2026-01-01T00:00:00+00:00', taskId: 'group.task', tryNumber: 3, mapIndex: 4 };
    const { path: p, query } = logPath(ref);
    assert.equal(query, 'map=4');
    assert.deepEqual(parseLogPath(p, query), ref);
    assert.deepEqual(parseLogPath(logPath({ ...ref, mapIndex: -1 }).path, ''), { ...ref, mapIndex: -1 });
    assert.throws(() => parseLogPath('/x/y'), /not a log document/);
    const t = await loadedTree();
    assert.deepEqual(logRefOf(t.task), { env: 'prod', dagId: 'dag_0000', runId: 'scheduled__2026-01-29', taskId: 't0', tryNumber: 2, mapIndex: -1 });
    assert.equal(logRefOf(t.tryNode)?.tryNumber, 2);
    assert.equal(logRefOf(t.dag), undefined);
  });
});

describe('environments: "Add environment…" guided flow', () => {
  function scripted(answers: unknown[]) {
    const asked: string[] = [];
    const passwords: string[] = [];
    const invalid: string[] = [];
    const ui: FlowUI = {
      async pick(_t, items, o) {
        asked.push(`pick:${o?.placeholder ?? items.map((i) => i.label).join('|')}`);
        const a = answers.shift();
        if (a === undefined) return undefined;
        const found = items.find((i) => i.value === a || i.label === a);
        assert.ok(found, `answer ${String(a)} not offered`);
        return found.value;
      },
      async input(_t, o) {
        asked.push(`input:${o.prompt}`);
        if (o.password) passwords.push(o.prompt);
        const a = answers.shift() as string | undefined;
        if (a !== undefined && o.validate) {
          const msg = o.validate(a);
          if (msg) {
            invalid.push(msg);
            return undefined;
          }
        }
        return a;
      },
      busy: (_t, work) => work(),
    };
    return { ui, asked, passwords, invalid };
  }
  const deps = (ui: FlowUI) => ({
    ui,
    existingNames: ['local'],
    listMwaa: async (region: string) => (region === 'eu-west-1' ? [{ name: 'prod-airflow' }, { name: 'dev-airflow' }] : []),
    listComposer: async () => [{ id: 'stage', detail: 'RUNNING · composer-3-airflow-2.10.5-build.5' }],
    awsProfiles: async () => ['data', 'sandbox'],
  });

  it('MWAA: profile → region → pick from ListEnvironments → name', async () => {
    const s = scripted(['mwaa', 'data', 'eu-west-1', 'prod-airflow', 'prod']);
    const r = await runAddEnvironmentFlow(deps(s.ui));
    assert.deepEqual(r, { config: { name: 'prod', platform: 'mwaa', environment: 'prod-airflow', region: 'eu-west-1', profile: 'data' }, secrets: {} });
  });

  it('Composer: project + location → pick from the list', async () => {
    const s = scripted(['composer', 'my-project', 'europe-west1', 'stage', 'stage']);
    s.asked.length = 0;
    const r = await runAddEnvironmentFlow(deps(s.ui));
    assert.deepEqual(r?.config, { name: 'stage', platform: 'composer', project: 'my-project', location: 'europe-west1', environment: 'stage' });
  });

  it('Astro: organization + deployment + token (password input, secret kept out of the config)', async () => {
    const s = scripted(['astro', 'org1', 'dep1', 'astro-secret-token', 'astro-prod']);
    const r = await runAddEnvironmentFlow(deps(s.ui));
    assert.deepEqual(r?.config, { name: 'astro-prod', platform: 'astro', organization: 'org1', deployment: 'dep1' });
    assert.deepEqual(r?.secrets, { token: 'astro-secret-token' });
    assert.equal(s.passwords.length, 1);
    assert.ok(!JSON.stringify(r?.config).includes('astro-secret'));
    validateEnvironments([r!.config], 'test');
  });

  it('self-hosted: URL (validated, no credentials in it) + user/password; name must be unique', async () => {
    const s = scripted(['airflow', 'http://127.0.0.1:8080', 'basic', 'admin', 'pw', 'local']);
    // "local" exists: the validator refuses it (a real input box keeps asking; the script gives up).
    assert.equal(await runAddEnvironmentFlow(deps(s.ui)), undefined);
    assert.deepEqual(s.invalid, ['"local" is already configured']);
    const s2 = scripted(['airflow', 'http://admin:pw@host:8080']);
    assert.equal(await runAddEnvironmentFlow(deps(s2.ui)), undefined);
    assert.deepEqual(s2.invalid, ['Do not put credentials in the URL; you will be asked for them next']);
    const s3 = scripted(['airflow', 'https://airflow.corp.example', 'token', 'tok', 'corp']);
    const r3 = await runAddEnvironmentFlow(deps(s3.ui));
    assert.deepEqual(r3, { config: { name: 'corp', platform: 'airflow', url: 'https://airflow.corp.example', auth: 'token' }, secrets: { token: 'tok' } });
    const s4 = scripted(['airflow', 'http://127.0.0.1:8080', 'basic', 'admin', 'pw', 'dev']);
    assert.deepEqual((await runAddEnvironmentFlow(deps(s4.ui)))?.secrets, { username: 'admin', password: 'pw' });
  });

  it('cancelling at any step adds nothing', async () => {
    for (let n = 0; n < 4; n++) {
      const answers = ['mwaa', 'data', 'eu-west-1', 'prod-airflow'].slice(0, n);
      const s = scripted(answers);
      assert.equal(await runAddEnvironmentFlow(deps(s.ui)), undefined);
    }
    assert.equal(secretKey('prod', 'token'), 'managedAirflow.environment/prod/token');
  });
});

describe('environments: manifest contributions agree with the code', () => {
  const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
  const c = pkg.contributes;

  it('view container (activity bar, own icon) and the Environments view with welcome content', () => {
    const container = c.viewsContainers.activitybar.find((v: any) => v.id === 'managedAirflow');
    assert.equal(container.icon, 'media/airflow.svg');
    assert.match(readFileSync(path.resolve(__dirname, '../../media/airflow.svg'), 'utf8'), /<svg[\s\S]*currentColor/);
    assert.ok(c.views.managedAirflow.some((v: any) => v.id === 'managedAirflow.environments'));
    const welcome = c.viewsWelcome.filter((w: any) => w.view === 'managedAirflow.environments');
    assert.ok(welcome.some((w: any) => w.contents.includes('command:managedAirflow.addEnvironment')));
  });

  it('every command is declared with the category; internal ones are hidden from the palette', () => {
    const declared = new Map(c.commands.map((x: any) => [x.command, x]));
    const hidden = new Set(c.menus.commandPalette.filter((m: any) => m.when === 'false').map((m: any) => m.command));
    for (const cmd of ENVIRONMENT_COMMANDS) {
      const d: any = declared.get(cmd.id);
      assert.ok(d, `${cmd.id} not declared`);
      assert.equal(d.category, 'Managed Airflow');
      assert.equal(hidden.has(cmd.id), !!cmd.internal, `${cmd.id} palette visibility`);
    }
  });

  it('activation stays light: the tree never imports the cloud SDKs statically (they load on first use)', () => {
    const dir = path.resolve(__dirname, '../../client/src/environments');
    for (const f of ['index.ts', 'model.ts', 'actions.ts', 'provider.ts', 'logs.ts', 'addEnvironment.ts', 'commands.ts']) {
      const src = readFileSync(path.join(dir, f), 'utf8');
      const valueImports = [...src.matchAll(/^import (?!type )[^;]*from '([^']+)'/gm)].map((m) => m[1]);
      const heavy = valueImports.filter((m) => /core\/src\/platforms(\/(index|mwaa|composer|astro))?$|@aws-sdk|@google-cloud|google-auth-library/.test(m));
      assert.deepEqual(heavy, [], `${f} imports ${heavy.join(', ')} at load time`);
    }
  });

  it('index.ts registers exactly the declared commands', () => {
    const src = readFileSync(path.resolve(__dirname, '../../client/src/environments/index.ts'), 'utf8');
    const registered = [...src.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
    assert.deepEqual(registered, ENVIRONMENT_COMMANDS.map((x) => x.id).sort());
  });

  it('context-menu `when` regexes match the contextValues they are meant for (and not others)', async () => {
    const t = await loadedTree();
    const entries = c.menus['view/item/context'].filter((m: any) => m.when.includes('view == managedAirflow.environments'));
    const matches = (cmd: string, node: TreeNode) =>
      entries.some((e: any) => {
        if (e.command !== cmd) return false;
        const m = /viewItem =~ \/(.*)\/$/.exec(e.when);
        return !!m && new RegExp(m[1]).test(contextValue(node));
      });
    assert.ok(matches('managedAirflow.pauseDag', t.dag) && !matches('managedAirflow.pauseDag', t.pausedDag));
    assert.ok(matches('managedAirflow.unpauseDag', t.pausedDag) && !matches('managedAirflow.unpauseDag', t.dag));
    assert.ok(matches('managedAirflow.triggerDag', t.dag) && !matches('managedAirflow.triggerDag', t.failedRun));
    assert.ok(matches('managedAirflow.clearRun', t.failedRun) && matches('managedAirflow.clearTask', t.task));
    assert.ok(matches('managedAirflow.openLog', t.task) && matches('managedAirflow.openLog', t.tryNode));
    assert.ok(matches('managedAirflow.openDagSource', t.dag) && matches('managedAirflow.openDagSource', t.importError) && !matches('managedAirflow.openDagSource', t.importErrors));
    assert.ok(matches('managedAirflow.useAsLintTarget', t.env) && !matches('managedAirflow.useAsLintTarget', t.dag));
    assert.ok(matches('managedAirflow.openInWebUi', t.failedRun));
  });

  it('the managedAirflow.environments schema documents every EnvironmentConfig field and accepts the README examples', () => {
    const schema = c.configuration.properties['managedAirflow.environments'];
    assert.equal(schema.type, 'array');
    const props = schema.items.properties;
    for (const k of ['name', 'platform', 'environment', 'region', 'profile', 'project', 'location', 'organization', 'deployment', 'url', 'auth', 'destination', 'dagsFolder', 'target']) {
      assert.ok(props[k]?.markdownDescription, `${k} undocumented`);
    }
    assert.ok(!Object.keys(props).some((k) => /password|token|secret/i.test(k)), 'no secret fields in settings');
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('managedAirflow.environments'));
  });
});
