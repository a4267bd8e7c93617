import * as vscode from 'vscode';

export const EXTENSION_ID = 'managed-airflow.managed-airflow';

import { poll } from '../../../support/poll';
export { poll };

/** The rule code of a Managed Airflow diagnostic (AF101 …), else undefined. */
export function afCode(d: vscode.Diagnostic): string | undefined {
  const c = typeof d.code === 'object' && d.code ? d.code.value : d.code;
  return typeof c === 'string' && /^AF\d{3}$/.test(c) ? c : undefined;
}

export function afDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => afCode(d));
}

/** Waits until the extension's diagnostics for `uri` satisfy `ok` (re-checked on every change). */
export function waitForDiagnostics(uri: vscode.Uri, ok: (d: vscode.Diagnostic[]) => boolean, what = 'diagnostics', timeoutMs = 30000): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const d = afDiagnostics(uri);
      if (!ok(d)) return false;
      cleanup();
      resolve(d);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      cleanup();
      const now = afDiagnostics(uri).map((d) => `${afCode(d)}@${d.range.start.line + 1}: ${d.message}`);
      reject(new Error(`timed out waiting for ${what} on ${uri.fsPath}; now: ${JSON.stringify(now)}`));
    }, timeoutMs);
    const cleanup = () => {
      sub.dispose();
      clearTimeout(timer);
    };
    check();
  });
}
