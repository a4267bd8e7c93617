/**
 * What the shared vscode mock does not cover and the runner feature needs (diagnostics,
 * webview panels, workspace folders). Imported before any client module, because
 * `import * as vscode` copies the mock's properties when the client module loads.
 */
import path from 'node:path';
import type { RunnerFromWebview, RunnerToWebview } from '../../../core/src/protocol/runner';
import { vscodeMock, Uri } from '../../support/vscode-mock';

class Range {
  constructor(
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}
}
class Diagnostic {
  source?: string;
  code?: string;
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity: number,
  ) {}
}
export const diagnostics = new Map<string, Diagnostic[]>();
export const panels: Array<{ html: string; posted: RunnerToWebview[]; receive?: (m: RunnerFromWebview) => void; dispose(): void }> = [];
let folders: Array<{ uri: Uri }> = [];
export const setFolders = (f: Array<{ uri: Uri }>) => void (folders = f);
Object.assign(vscodeMock, {
  Range,
  Diagnostic,
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  ViewColumn: { Active: -1, One: 1 },
});
Object.assign(vscodeMock.languages, {
  createDiagnosticCollection: () => ({
    set: (uri: Uri, ds: Diagnostic[]) => diagnostics.set(uri.fsPath, ds),
    clear: () => diagnostics.clear(),
    dispose: () => diagnostics.clear(),
  }),
});
Object.assign(vscodeMock.window, {
  createWebviewPanel: () => {
    const p = {
      html: '',
      posted: [] as RunnerToWebview[],
      receive: undefined as ((m: RunnerFromWebview) => void) | undefined,
      visible: true,
      webview: {
        cspSource: 'vscode-webview://test',
        options: {},
        asWebviewUri: (u: Uri) => u,
        postMessage: async (m: RunnerToWebview) => (p.posted.push(m), true),
        onDidReceiveMessage: (l: (m: RunnerFromWebview) => void) => ((p.receive = l), { dispose() {} }),
        set html(v: string) {
          p.html = v;
        },
        get html() {
          return p.html;
        },
      },
      reveal() {},
      onDidDispose: () => ({ dispose() {} }),
      onDidChangeViewState: () => ({ dispose() {} }),
      dispose() {},
    };
    panels.push(p);
    return p;
  },
  registerWebviewPanelSerializer: () => ({ dispose() {} }),
});
Object.defineProperty(vscodeMock.workspace, 'workspaceFolders', { get: () => folders, configurable: true });
(vscodeMock.Uri as unknown as { joinPath: (u: Uri, ...p: string[]) => Uri }).joinPath ??= (u: Uri, ...p: string[]) => Uri.file(path.posix.join(u.path, ...p));


export const watchers: Array<{ pattern: unknown; change: Array<(u: Uri) => void> }> = [];
Object.assign(vscodeMock.workspace, {
  createFileSystemWatcher: (pattern: unknown) => {
    const w = { pattern, change: [] as Array<(u: Uri) => void> };
    watchers.push(w);
    const on = (l: (u: Uri) => void) => (w.change.push(l), { dispose() {} });
    return { onDidChange: on, onDidCreate: on, onDidDelete: on, dispose() {} };
  },
});
Object.assign(vscodeMock, {
  RelativePattern: class {
    constructor(
      readonly base: unknown,
      readonly pattern: string,
    ) {}
  },
});
