import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LspTestClient } from '../support/lspClient';
import { BASH_OPERATOR_DAG } from '../support/dags';
import { applyEdits } from '../../core/src/analysis/fixes';

const SERVER = path.resolve(__dirname, '../../dist/server.js');

describe('language server over stdio (dist/server.js)', function () {
  this.timeout(60000);
  let dir: string;
  let client: LspTestClient;

  before(function () {
    if (!existsSync(SERVER)) throw new Error('dist/server.js is missing: run `npm run build` first');
  });
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ma-lsp-'));
    mkdirSync(path.join(dir, 'dags'));
    client = new LspTestClient(SERVER);
    client.configuration = { target: 'mwaa:3.0.6', lint: { debounceMs: 10 } };
    const init = await client.initialize(dir);
    assert.ok(init.capabilities.codeActionProvider, 'advertises code actions');
    assert.ok(init.capabilities.hoverProvider, 'advertises hovers');
  });
  afterEach(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes diagnostics, offers a quick fix, and the diagnostic disappears after applying it', async () => {
    const file = path.join(dir, 'dags', 'etl.py');
    const uri = `file://${file}`;
    let text = BASH_OPERATOR_DAG;
    writeFileSync(file, text);
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
    const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'AF101'));
    const af101 = diags.find((d) => d.code === 'AF101');
    assert.equal(af101.range.start.line, 1);
    assert.equal(af101.severity, 1);
    assert.match(af101.message, /bash_operator/);

    const actions = (await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: af101.range,
      context: { diagnostics: [af101], only: ['quickfix'] },
    })) as any[];
    const fix = actions.find((a) => a.kind === 'quickfix' && a.diagnostics?.[0]?.code === 'AF101');
    assert.ok(fix, `a quick fix for AF101; got ${JSON.stringify(actions.map((a) => a.title))}`);
    const edits = fix.edit.changes[uri];
    text = applyEdits(text, edits).text;
    assert.doesNotMatch(text, /bash_operator/);
    // Send the change the way VS Code does (incremental range edits), then expect AF101 gone.
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: edits.map((e: any) => ({ range: e.range, text: e.newText })),
    });
    const after = await client.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'AF101'));
    assert.ok(!after.some((d) => d.code === 'AF101' && d.severity === 1));
  });

  it('re-lints open documents when the target setting changes', async () => {
    const file = path.join(dir, 'dags', 'sdk.py');
    const uri = `file://${file}`;
    const text = 'from airflow.sdk import DAG\n\nwith DAG("sdk_dag", schedule=None):\n    pass\n';
    writeFileSync(file, text);
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
    await client.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'AF102'));
    client.configuration = { target: 'mwaa:2.10.3', lint: { debounceMs: 10 } };
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'AF102'));
    assert.equal(diags.find((d) => d.code === 'AF102').range.start.line, 0);
  });

  it('reports a clear diagnostic (not a crash) for an unknown target setting', async () => {
    const file = path.join(dir, 'dags', 'x.py');
    const uri = `file://${file}`;
    client.configuration = { target: 'mwaa:9.9.9' };
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: 'import airflow\n' } });
    const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0);
    assert.match(diags[0].message, /unknown target "mwaa:9\.9\.9".*Closest supported: mwaa:/s);
  });

  it('hover on an import shows availability across versions', async () => {
    const file = path.join(dir, 'dags', 'h.py');
    const uri = `file://${file}`;
    const text = 'from airflow.operators.bash_operator import BashOperator\n';
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
    await client.waitForDiagnostics(uri, () => true);
    const hover = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 30 } })) as any;
    assert.ok(hover, 'a hover');
    assert.match(hover.contents.value, /airflow\.operators\.bash_operator/);
    assert.match(hover.contents.value, /mwaa:3\.0\.6/);
  });
});

describe('language server: AF141 "add to requirements.txt" quick fix', function () {
  this.timeout(60000);
  const SNOW = 'from airflow.providers.snowflake.operators.snowflake import SnowflakeOperator\n';
  let dir: string;
  let client: LspTestClient | undefined;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ma-lsp-req-'));
    mkdirSync(path.join(dir, 'dags'));
    writeFileSync(path.join(dir, 'dags', 'snow.py'), SNOW);
  });
  afterEach(async () => {
    await client?.stop();
    client = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function openAndAsk(workspaceCapabilities: Record<string, unknown> = {}) {
    client = new LspTestClient(SERVER);
    client.configuration = { target: 'mwaa:2.10.3', lint: { debounceMs: 10 } };
    await client.initialize(dir, workspaceCapabilities);
    const uri = `file://${path.join(dir, 'dags', 'snow.py')}`;
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: SNOW } });
    const diag = (await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'AF141'))).find((d) => d.code === 'AF141');
    const actions = (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag], only: ['quickfix'] } })) as any[];
    return { uri, actions: actions.filter((a) => /^Add apache-airflow-providers-snowflake to /.test(a.title)) };
  }

  it('appends the provider to the existing requirements.txt; once saved the warning goes away', async () => {
    const req = path.join(dir, 'requirements.txt');
    writeFileSync(req, 'apache-airflow-providers-amazon'); // no final newline
    const { uri, actions } = await openAndAsk();
    assert.equal(actions.length, 1, 'one action');
    assert.equal(actions[0].title, 'Add apache-airflow-providers-snowflake to requirements.txt');
    const reqUri = `file://${req}`;
    const edits = actions[0].edit.changes[reqUri];
    assert.ok(edits, `edits requirements.txt: ${JSON.stringify(actions[0].edit)}`);
    writeFileSync(req, applyEdits(readFileSync(req, 'utf8'), edits).text);
    assert.equal(readFileSync(req, 'utf8'), 'apache-airflow-providers-amazon\napache-airflow-providers-snowflake\n');
    await client!.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: reqUri, type: 2 }] });
    await client!.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'AF141'));
  });

  it('creates requirements.txt at the workspace folder when there is none and the client can create files', async () => {
    const { actions } = await openAndAsk({ workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } });
    assert.equal(actions.length, 1);
    const [create, change] = actions[0].edit.documentChanges;
    const reqUri = `file://${path.join(dir, 'requirements.txt')}`;
    assert.deepEqual(create, { kind: 'create', uri: reqUri, options: { ignoreIfExists: true } });
    assert.equal(change.textDocument.uri, reqUri);
    assert.equal(applyEdits('', change.edits).text, 'apache-airflow-providers-snowflake\n');
  });

  it('offers nothing to create when the client cannot create files', async () => {
    const { actions } = await openAndAsk();
    assert.deepEqual(actions, []);
  });
});

describe('language server: the project target is read once per folder, again after a watched file changes', function () {
  this.timeout(60000);
  const DAG = 'from airflow.sdk import dag\n';
  let dir: string;
  let client: LspTestClient | undefined;
  afterEach(async () => {
    await client?.stop();
    client = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the Dockerfile target while editing, and follows the Dockerfile once the client reports its change', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ma-lsp-detect-'));
    mkdirSync(path.join(dir, 'dags'));
    const dockerfile = path.join(dir, 'Dockerfile');
    writeFileSync(dockerfile, 'FROM quay.io/astronomer/astro-runtime:12.1.0\n'); // Airflow 2.10: no airflow.sdk
    const file = path.join(dir, 'dags', 'sdk.py');
    writeFileSync(file, DAG);
    client = new LspTestClient(SERVER);
    client.configuration = { lint: { debounceMs: 10 } }; // no target setting: detection decides
    await client.initialize(dir);
    const uri = `file://${file}`;
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: DAG } });
    const first = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'AF102'));
    assert.match(first.find((x) => x.code === 'AF102').message, /astro:12\.1\.0/);

    // Astro Runtime 3.0 (Airflow 3.0) written, not yet reported by the client: edits still lint against the folder's known target.
    writeFileSync(dockerfile, 'FROM astrocrpublic.azurecr.io/runtime:3.0-4\n');
    // (the edit adds a second sdk import: its AF102 on line 2 shows the edit itself was linted against the old target)
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: DAG + 'from airflow.sdk import task\n' }] });
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'AF102' && x.range.start.line === 1), 5000);

    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: `file://${dockerfile}`, type: 2 }] });
    await client.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'AF102'));
  });
});
