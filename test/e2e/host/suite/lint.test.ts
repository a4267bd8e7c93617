// The linter as VS Code users meet it: real language client + server, diagnostics, hovers, quick
// fixes, document symbols and the target setting, through the public `vscode` API.
import { strict as assert } from 'node:assert';
import path from 'node:path';
import * as vscode from 'vscode';
import { afCode, EXTENSION_ID, poll, waitForDiagnostics } from './util';

const ws = process.env.E2E_WORKSPACE!;
const uri = (rel: string) => vscode.Uri.file(path.join(ws, rel));

async function setTarget(target: string): Promise<void> {
  await vscode.workspace.getConfiguration('managedAirflow').update('target', target, vscode.ConfigurationTarget.Workspace);
}

describe('linter in the extension host', () => {
  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    await ext.activate();
  });
  after(async () => {
    await setTarget('mwaa:3.0.6');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('registers its commands', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['managedAirflow.selectTarget', 'managedAirflow.restartServer', 'managedAirflow.showLogs']) {
      assert.ok(all.includes(id), `${id} not registered`);
    }
  });

  it('publishes AF101 for an import Airflow 3 removed', async () => {
    const doc = await vscode.workspace.openTextDocument(uri('dags/legacy_imports.py'));
    await vscode.window.showTextDocument(doc);
    const diags = await waitForDiagnostics(doc.uri, (d) => d.some((x) => afCode(x) === 'AF101'));
    const af101 = diags.find((x) => afCode(x) === 'AF101')!;
    assert.equal(af101.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(af101.range.start.line, 3, 'on the import line');
  });

  it('shows version availability when hovering the import', async () => {
    const doc = await vscode.workspace.openTextDocument(uri('dags/legacy_imports.py'));
    const pos = new vscode.Position(3, doc.lineAt(3).text.indexOf('bash_operator') + 2);
    const hovers = await poll('hover', async () => {
      const hs = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
      const text = hs.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      return /\d+\.\d+/.test(text) ? text : undefined;
    });
    assert.match(hovers, /3\.0/, `hover should mention Airflow 3.0:\n${hovers}`);
  });

  it('quick fix rewrites the import and the diagnostic disappears', async () => {
    const doc = await vscode.workspace.openTextDocument(uri('dags/legacy_imports.py'));
    const diags = await waitForDiagnostics(doc.uri, (d) => d.some((x) => afCode(x) === 'AF101'));
    const af101 = diags.find((x) => afCode(x) === 'AF101')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider', doc.uri, af101.range, vscode.CodeActionKind.QuickFix.value);
    // the fix for this diagnostic (not the file-wide "fix all"), with its edit resolved
    const fix = actions.find((a) => a.edit && a.kind?.value === vscode.CodeActionKind.QuickFix.value && !/fix all/i.test(a.title));
    assert.ok(fix, `no quick fix for AF101; got: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    assert.doesNotMatch(doc.lineAt(3).text, /bash_operator/);
    await waitForDiagnostics(doc.uri, (d) => !d.some((x) => afCode(x) === 'AF101'));
    await doc.save();
  });

  it('re-lints when the target changes (airflow.sdk exists only from Airflow 3.0)', async () => {
    const doc = await vscode.workspace.openTextDocument(uri('dags/sdk_dag.py'));
    await vscode.window.showTextDocument(doc);
    await waitForDiagnostics(doc.uri, (d) => !d.some((x) => afCode(x) === 'AF102'), 'no AF102 on mwaa:3.0.6');
    await setTarget('mwaa:2.10.3');
    const on210 = await waitForDiagnostics(doc.uri, (d) => d.some((x) => afCode(x) === 'AF102'), 'AF102 on mwaa:2.10.3');
    assert.equal(on210.find((x) => afCode(x) === 'AF102')!.range.start.line, 2);
    await setTarget('mwaa:3.0.6');
    await waitForDiagnostics(doc.uri, (d) => !d.some((x) => afCode(x) === 'AF102'), 'AF102 gone again on mwaa:3.0.6');
  });

  it('lists the DAG and its tasks as document symbols', async () => {
    const doc = await vscode.workspace.openTextDocument(uri('dags/legacy_imports.py'));
    await vscode.window.showTextDocument(doc);
    const symbols = await poll('document symbols', async () => {
      const s = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
      return s?.length ? s : undefined;
    });
    const names: string[] = [];
    const walk = (list: vscode.DocumentSymbol[]) => list.forEach((x) => { names.push(x.name); walk(x.children ?? []); });
    walk(symbols);
    assert.ok(names.includes('legacy_imports'), `DAG symbol missing: ${names}`);
    assert.ok(names.includes('hello'), `task symbol missing: ${names}; children of the DAG: ${JSON.stringify(symbols[0].children)}`);
  });

  it('gives .airflowignore files their own language', async () => {
    const doc = await vscode.workspace.openTextDocument(uri('.airflowignore'));
    assert.equal(doc.languageId, 'airflowignore');
  });

  it('contributes the getting-started walkthrough, each step on a registered command', async () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const steps: { completionEvents: string[] }[] = pkg.contributes.walkthroughs[0].steps;
    const ids = steps.map((s) => s.completionEvents[0].replace(/^onCommand:/, ''));
    assert.deepEqual(ids, ['managedAirflow.selectTarget', 'managedAirflow.addEnvironment', 'managedAirflow.runner.open', 'managedAirflow.deployDags']);
    const all = await vscode.commands.getCommands(true);
    for (const id of ids) assert.ok(all.includes(id), `${id} (walkthrough step) is not registered`);
  });
});
