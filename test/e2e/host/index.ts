// Entry point VS Code loads from extensionTestsPath: runs the bundled suites with mocha inside the
// extension host (real `vscode` API, the real language client and server of the extension).
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

export function run(): Promise<void> {
  console.log(`[in-host] vscode ${vscode.version}, appHost=${vscode.env.appHost}, remote=${vscode.env.remoteName}, node ${process.version}`);
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000, reporter: 'spec', grep: process.env.E2E_HOST_GREP || undefined });
  const dir = path.join(__dirname, 'suite');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort()) {
    if (f.startsWith('bench') !== Boolean(process.env.E2E_BENCH)) continue;
    mocha.addFile(path.join(dir, f));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      console.log(`[in-host] done, failures=${failures}`);
      if (failures > 0) reject(new Error(`${failures} in-host tests failed`));
      else resolve();
    });
  });
}
