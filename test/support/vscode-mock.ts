/**
 * A small in-memory `vscode` module for unit tests of command handlers: scripted answers for
 * input boxes, quick picks and modal messages; settings, secrets, documents and external URLs
 * are recorded. Installed by redirecting `require('vscode')` (the real module only exists inside
 * the editor). Only what the environments feature touches is implemented.
 */
import Module from 'node:module';
import path from 'node:path';

type Listener<T> = (v: T) => unknown;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  event = (l: Listener<T>) => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(v: T) {
    for (const l of [...this.listeners]) l(v);
  }
  dispose() {
    this.listeners = [];
  }
}

export class Uri {
  constructor(
    readonly scheme: string,
    readonly path: string,
    readonly query = '',
  ) {}
  static from(o: { scheme: string; path: string; query?: string }) {
    return new Uri(o.scheme, o.path, o.query ?? '');
  }
  static parse(s: string) {
    const m = /^([a-z-]+):(.*?)(?:\?(.*))?$/.exec(s);
    return m ? new Uri(m[1], m[2], m[3] ?? '') : new Uri('file', s);
  }
  static file(p: string) {
    return new Uri('file', p);
  }
  get fsPath() {
    return this.path;
  }
  toString() {
    return `${this.scheme}:${this.path}${this.query ? `?${this.query}` : ''}`;
  }
}

export const state = {
  config: new Map<string, unknown>(),
  secrets: new Map<string, string>(),
  answers: { input: [] as (string | undefined)[], pick: [] as (string | undefined)[], warning: [] as (string | undefined)[], info: [] as (string | undefined)[] },
  asked: [] as string[],
  validation: [] as string[],
  messages: [] as { level: string; text: string }[],
  shown: [] as string[],
  external: [] as string[],
  executed: [] as { id: string; args: unknown[] }[],
  files: [] as string[],
  workspaceRoot: '/ws',
  commands: new Map<string, (...a: any[]) => unknown>(),
  contentProviders: new Map<string, any>(),
  configEmitter: new EventEmitter<{ affectsConfiguration(k: string): boolean }>(),
  trusted: true,
  reset() {
    this.config.clear();
    this.secrets.clear();
    this.answers = { input: [], pick: [], warning: [], info: [] };
    this.asked = [];
    this.validation = [];
    this.messages = [];
    this.shown = [];
    this.external = [];
    this.executed = [];
    this.files = [];
    this.commands.clear();
    this.contentProviders.clear();
    this.trusted = true;
  },
};

const disposable = { dispose() {} };
const token = { isCancellationRequested: false, onCancellationRequested: () => disposable };

async function openTextDocument(uri: Uri) {
  const provider = state.contentProviders.get(uri.scheme);
  const text = provider ? await provider.provideTextDocumentContent(uri, token) : '';
  return { uri, getText: () => text, languageId: 'plaintext' };
}

export const vscodeMock = {
  EventEmitter,
  Uri,
  Disposable: class {
    constructor(private readonly fn: () => void) {}
    dispose() {
      this.fn();
    }
  },
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  TreeItem: class {
    id?: string;
    description?: string;
    tooltip?: string;
    contextValue?: string;
    iconPath?: unknown;
    command?: unknown;
    constructor(
      readonly label: string,
      readonly collapsibleState: number,
    ) {}
  },
  ThemeIcon: class {
    constructor(
      readonly id: string,
      readonly color?: unknown,
    ) {}
  },
  ThemeColor: class {
    constructor(readonly id: string) {}
  },
  ProgressLocation: { Notification: 15, Window: 10 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  window: {
    createOutputChannel: () => ({ info() {}, warn() {}, error() {}, debug() {}, trace() {}, show() {}, dispose() {}, appendLine() {} }),
    createTreeView: (_id: string, o: { treeDataProvider: unknown }) => ({ ...disposable, provider: o.treeDataProvider, visible: true, onDidChangeVisibility: () => disposable, reveal: async () => undefined }),
    async showInputBox(o: { prompt?: string; validateInput?: (v: string) => string | undefined }) {
      state.asked.push(`input:${o.prompt}`);
      const a = state.answers.input.shift();
      if (a !== undefined && o.validateInput) {
        const msg = o.validateInput(a);
        if (msg) {
          state.validation.push(msg);
          return undefined;
        }
      }
      return a;
    },
    async showQuickPick(items: any[], o: { title?: string; placeHolder?: string } = {}) {
      state.asked.push(`pick:${o.title ?? o.placeHolder ?? ''}`);
      const a = state.answers.pick.shift();
      if (a === undefined) return undefined;
      return items.find((i) => (typeof i === 'string' ? i === a : i.label === a || i.value === a));
    },
    async showWarningMessage(text: string, ..._items: unknown[]) {
      state.messages.push({ level: 'warning', text });
      return state.answers.warning.shift();
    },
    async showInformationMessage(text: string) {
      state.messages.push({ level: 'info', text });
      return state.answers.info.shift();
    },
    async showErrorMessage(text: string) {
      state.messages.push({ level: 'error', text });
      return undefined;
    },
    withProgress: (_o: unknown, task: (p: unknown, t: unknown) => unknown) => Promise.resolve(task({ report() {} }, token)),
    async showTextDocument(doc: any) {
      state.shown.push(doc instanceof Uri ? doc.toString() : doc.uri.toString());
      return {};
    },
    createTerminal: () => ({ show() {}, sendText() {} }),
    activeTextEditor: undefined as unknown,
  },
  workspace: {
    get isTrusted() {
      return state.trusted;
    },
    getConfiguration(section?: string) {
      const full = (k: string) => (section ? `${section}.${k}` : k);
      return {
        get: (k: string, d?: unknown) => (state.config.has(full(k)) ? state.config.get(full(k)) : d),
        update: async (k: string, v: unknown) => {
          state.config.set(full(k), v);
          state.configEmitter.fire({ affectsConfiguration: (x: string) => full(k).startsWith(x) });
        },
      };
    },
    onDidChangeConfiguration: (l: Listener<any>) => state.configEmitter.event(l),
    onDidGrantWorkspaceTrust: () => disposable,
    onDidCloseTextDocument: () => disposable,
    registerTextDocumentContentProvider(scheme: string, p: unknown) {
      state.contentProviders.set(scheme, p);
      return disposable;
    },
    openTextDocument,
    async findFiles() {
      return state.files.map((f) => Uri.file(path.posix.join(state.workspaceRoot, f)));
    },
    asRelativePath: (u: Uri) => path.posix.relative(state.workspaceRoot, u.path),
  },
  languages: { setTextDocumentLanguage: async (d: unknown) => d },
  commands: {
    registerCommand(id: string, fn: (...a: any[]) => unknown) {
      state.commands.set(id, fn);
      return { dispose: () => state.commands.delete(id) };
    },
    async executeCommand(id: string, ...args: unknown[]) {
      state.executed.push({ id, args });
      return state.commands.get(id)?.(...args);
    },
  },
  env: {
    async openExternal(u: Uri) {
      state.external.push(u.toString());
      return true;
    },
  },
};

let installed = false;
/** Make `require('vscode')` resolve to this mock (idempotent). */
export function installVscodeMock(): void {
  if (installed) return;
  installed = true;
  const M = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
  const orig = M._resolveFilename;
  const id = '\0vscode-mock';
  M._resolveFilename = function (req: string, ...rest: unknown[]) {
    return req === 'vscode' ? id : orig.call(this, req, ...rest);
  };
  M._cache[id] = { id, filename: id, loaded: true, exports: vscodeMock } as unknown;
}

export function extensionContext() {
  return {
    subscriptions: [] as unknown[],
    secrets: {
      get: async (k: string) => state.secrets.get(k),
      store: async (k: string, v: string) => void state.secrets.set(k, v),
      delete: async (k: string) => void state.secrets.delete(k),
      onDidChange: () => disposable,
    },
  };
}

installVscodeMock();
