import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import {
  CodeAction,
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DocumentSymbol,
  ProposedFeatures,
  SymbolKind,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Parser, Tree } from '../../core/src/analysis/parser';
import { createPythonParser, Edit } from '../../core/src/analysis/parser';
import { analyzeText, type Analysis } from '../../core/src/analysis/engine';
import { fixAll } from '../../core/src/analysis/fixes';
import { hoverAt } from '../../core/src/analysis/hover';
import { findRequirements, readRequirementsPackages } from '../../core/src/analysis/requirements';
import { duplicateDagIdDiagnostics } from '../../core/src/analysis/workspace';
import { collectPythonFiles } from '../../core/src/analysis/project';
import { normaliseLintSettings, type LintSettings } from '../../core/src/protocol/settings';
import { FixAllCodeActionKind, FixAllCommand, LintStatusNotification, ResolveTargetRequest, type LintStatusParams, type ResolveTargetParams, type ResolveTargetResult } from '../../core/src/protocol/lsp';
import { detectTarget, defaultTarget, resolveTargetLabel, withPython, type ResolvedTarget } from '../../core/src/targets';
import { toManagedError } from '../../core/src/errors';
import { toLspDiagnostic } from './handlers/convert';
import { describeScheduleHover } from './handlers/scheduleHover';
import { addRequirementAction } from './handlers/requirementsAction';

/** One open document: its text, parser and last tree (incremental re-parse), last analysis. */
interface DocState {
  doc: TextDocument;
  parser: Parser;
  tree: Tree | null;
  analysis?: Analysis;
  timer?: NodeJS.Timeout;
  /** Bumped on every change; a lint whose version is stale is dropped. */
  generation: number;
}

export function startServer(connection: Connection): void {
  const docs = new Map<string, DocState>();
  const workspaceFolders: string[] = [];
  let hasConfigurationCapability = false;
  /** The client applies workspace edits that create files (the AF141 fix may create requirements.txt). */
  let canCreateFiles = false;
  /** dag ids of workspace files that are not open (for AF223), by absolute path. */
  const workspaceDagIds = new Map<string, { id: string; range: import('../../core/src/analysis/types').Range }[]>();
  const settingsCache = new Map<string, Promise<LintSettings>>();

  connection.onInitialize((params: InitializeParams) => {
    hasConfigurationCapability = !!params.capabilities.workspace?.configuration;
    const we = params.capabilities.workspace?.workspaceEdit;
    canCreateFiles = !!we?.documentChanges && !!we.resourceOperations?.includes('create');
    for (const f of params.workspaceFolders ?? []) workspaceFolders.push(fileURLToPath(f.uri));
    if (!workspaceFolders.length && params.rootUri) workspaceFolders.push(fileURLToPath(params.rootUri));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FixAllCodeActionKind], resolveProvider: false },
        hoverProvider: true,
        documentSymbolProvider: true,
        executeCommandProvider: { commands: [FixAllCommand] },
      },
      serverInfo: { name: 'managed-airflow-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (hasConfigurationCapability) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'managedAirflow' });
    void indexWorkspace();
  });

  async function settingsFor(uri: string): Promise<LintSettings> {
    let s = settingsCache.get(uri);
    if (!s) {
      s = (async () => {
        if (!hasConfigurationCapability) return normaliseLintSettings({});
        const raw = (await connection.workspace.getConfiguration({ scopeUri: uri, section: 'managedAirflow' })) as Record<string, unknown> | null;
        return normaliseLintSettings(raw ?? {});
      })();
      settingsCache.set(uri, s);
    }
    return s;
  }

  function filePath(uri: string): string | undefined {
    try {
      return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
    } catch {
      return undefined;
    }
  }

  function rootFor(file: string): string | undefined {
    return workspaceFolders.filter((w) => file.startsWith(w + path.sep) || file === w).sort((a, b) => b.length - a.length)[0];
  }

  /**
   * What a folder's project files say (target detected from Dockerfile / requirements / pyproject,
   * requirements.txt packages), read once per folder and forgotten on any watched-file change (the
   * client watches those files in the workspace): re-reading them on every keystroke was file I/O
   * in the edit path. Folders outside the workspace are not watched, so they are read every time.
   * A detection that throws (unknown runtime in the Dockerfile) is not kept: it is reported again.
   */
  const detectedCache = new Map<string, ResolvedTarget | undefined>();
  const requirementsCache = new Map<string, Set<string>>();
  function projectFact<T>(cache: Map<string, T>, file: string, read: (dir: string, root: string | undefined) => T): T {
    const dir = path.dirname(file);
    const root = rootFor(file);
    if (root && cache.has(dir)) return cache.get(dir)!;
    const value = read(dir, root);
    if (root) cache.set(dir, value);
    return value;
  }
  function forgetProjectFacts() {
    detectedCache.clear();
    requirementsCache.clear();
  }

  /** Setting → detected from the project (Dockerfile, requirements.txt) → default. */
  async function targetFor(uri: string): Promise<ResolvedTarget> {
    const s = await settingsFor(uri);
    const python = s.python || undefined;
    if (s.target) return resolveTargetLabel(s.target, { python, source: 'setting', sourceDetail: 'managedAirflow.target' });
    const file = filePath(uri);
    const detected = file ? projectFact(detectedCache, file, detectTarget) : undefined;
    return withPython(detected ?? defaultTarget(), python);
  }

  function scheduleLint(state: DocState, delay: number) {
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => void lint(state), delay);
  }

  async function lint(state: DocState) {
    const uri = state.doc.uri;
    const generation = state.generation;
    const started = performance.now();
    const status: LintStatusParams = { uri, errors: 0, warnings: 0, durationMs: 0 };
    try {
      const settings = await settingsFor(uri);
      if (!settings.enable) {
        void connection.sendDiagnostics({ uri, diagnostics: [] });
        return;
      }
      const target = await targetFor(uri);
      if (generation !== state.generation || !docs.has(uri)) return;
      const file = filePath(uri);
      const req = file ? projectFact(requirementsCache, file, (dir, root) => readRequirementsPackages(findRequirements(dir, root))) : new Set<string>();
      const text = state.doc.getText();
      const analysis = analyzeText(state.parser, text, file ?? uri, {
        target,
        select: settings.select,
        ignore: settings.ignore,
        severity: settings.severity,
        extraPackages: req,
      }, state.tree);
      if (state.tree && state.tree !== analysis.tree) state.tree.delete();
      state.tree = analysis.tree;
      state.analysis = analysis;
      status.target = target.label;
      publish(state, settings);
    } catch (e) {
      const err = toManagedError(e);
      status.error = err.hint ? `${err.message} — ${err.hint}` : err.message;
      connection.console.error(`lint ${uri}: ${err.format()}`);
      void connection.sendDiagnostics({
        uri,
        diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 1, source: 'managed-airflow', code: err.code, message: `Managed Airflow could not lint this file: ${status.error}` }],
      });
    } finally {
      status.durationMs = Math.round(performance.now() - started);
      const d = state.analysis?.diagnostics ?? [];
      status.errors = d.filter((x) => x.severity === 'error').length;
      status.warnings = d.filter((x) => x.severity === 'warning').length;
      void connection.sendNotification(LintStatusNotification, status);
    }
  }

  /** Publish a document's diagnostics plus AF223 (duplicate dag_id) against the workspace index. */
  function publish(state: DocState, settings: LintSettings) {
    const a = state.analysis;
    if (!a) return;
    const file = filePath(state.doc.uri) ?? state.doc.uri;
    const all = [...a.diagnostics];
    const enabled = !codeOff('AF223', settings);
    if (enabled && a.dagIds.length) {
      const entries = [{ file, dagIds: a.dagIds }];
      // one set of open paths per publish (not one per workspace file: AF223 runs on every edit)
      const open = openPaths();
      for (const [f, ids] of workspaceDagIds) if (f !== file && !open.has(f)) entries.push({ file: f, dagIds: ids });
      for (const s of docs.values()) {
        const p = filePath(s.doc.uri);
        if (s !== state && p && s.analysis) entries.push({ file: p, dagIds: s.analysis.dagIds });
      }
      const dup = duplicateDagIdDiagnostics(entries, (f) => {
        const root = rootFor(f);
        return root ? path.relative(root, f) : f;
      }).get(file) ?? [];
      for (const d of dup) {
        const sev = settings.severity.AF223;
        all.push(sev && sev !== 'off' ? { ...d, severity: sev } : d);
      }
    }
    state.analysis = { ...a, diagnostics: all };
    void connection.sendDiagnostics({ uri: state.doc.uri, version: state.doc.version, diagnostics: all.map(toLspDiagnostic) });
  }

  function codeOff(code: string, s: LintSettings): boolean {
    if (s.select.length && !s.select.some((p) => code.startsWith(p))) return true;
    if (s.ignore.some((p) => code.startsWith(p))) return true;
    return s.severity[code] === 'off';
  }

  function openPaths(): Set<string> {
    return new Set([...docs.keys()].map(filePath).filter((x): x is string => !!x));
  }

  /** Index dag_ids of every Python file in the workspace (background, after start-up). */
  async function indexWorkspace() {
    if (!workspaceFolders.length) return;
    const parser = await createPythonParser();
    try {
      for (const folder of workspaceFolders) {
        let files: string[] = [];
        try {
          files = collectPythonFiles([folder], folder);
        } catch {
          continue;
        }
        for (const f of files.slice(0, 20000)) {
          indexFile(parser, f);
          // Yield to the event loop so requests stay responsive while indexing.
          if (workspaceDagIds.size % 50 === 0) await new Promise((r) => setImmediate(r));
        }
      }
    } finally {
      parser.delete();
    }
    for (const s of docs.values()) void lint(s);
  }

  function indexFile(parser: Parser, file: string) {
    try {
      const text = readFileSync(file, 'utf8');
      if (!/\bdag\b|\bDAG\b/.test(text)) {
        workspaceDagIds.delete(file);
        return;
      }
      const a = analyzeText(parser, text, file, { target: defaultTarget(), select: ['AF0'] });
      a.tree?.delete();
      if (a.dagIds.length) workspaceDagIds.set(file, a.dagIds);
      else workspaceDagIds.delete(file);
    } catch {
      workspaceDagIds.delete(file);
    }
  }

  connection.onDidChangeWatchedFiles(async (params) => {
    forgetProjectFacts();
    const parser = await createPythonParser();
    try {
      for (const c of params.changes) {
        const f = filePath(c.uri);
        if (!f || !f.endsWith('.py')) continue;
        if (c.type === 3 || !existsSync(f)) workspaceDagIds.delete(f);
        else indexFile(parser, f);
      }
    } finally {
      parser.delete();
    }
    for (const s of docs.values()) void lint(s);
  });

  connection.onDidChangeConfiguration(() => {
    settingsCache.clear();
    forgetProjectFacts();
    for (const s of docs.values()) scheduleLint(s, 0);
  });

  connection.onDidOpenTextDocument(async (p) => {
    const doc = TextDocument.create(p.textDocument.uri, p.textDocument.languageId, p.textDocument.version, p.textDocument.text);
    const state: DocState = { doc, parser: await createPythonParser(), tree: null, generation: 0 };
    const old = docs.get(doc.uri);
    if (old) closeState(old);
    docs.set(doc.uri, state);
    void lint(state);
  });

  connection.onDidChangeTextDocument(async (p) => {
    const state = docs.get(p.textDocument.uri);
    if (!state) return;
    for (const change of p.contentChanges) applyChange(state, change);
    state.doc = TextDocument.update(state.doc, [], p.textDocument.version);
    state.generation++;
    const s = await settingsFor(state.doc.uri);
    scheduleLint(state, s.debounceMs);
  });

  /** Tell tree-sitter about the edit so the next parse is incremental. */
  function applyChange(state: DocState, change: TextDocumentContentChangeEvent) {
    if (!state.tree || !('range' in change)) {
      state.tree?.delete();
      state.tree = null;
      state.doc = TextDocument.update(state.doc, [change], state.doc.version);
      return;
    }
    const doc = state.doc;
    const startIndex = doc.offsetAt(change.range.start);
    const oldEndIndex = doc.offsetAt(change.range.end);
    const newEndIndex = startIndex + change.text.length;
    const lines = change.text.split('\n');
    const newEndPosition = {
      row: change.range.start.line + lines.length - 1,
      column: lines.length === 1 ? change.range.start.character + change.text.length : lines[lines.length - 1].length,
    };
    state.tree.edit(new Edit({
      startIndex,
      oldEndIndex,
      newEndIndex,
      startPosition: { row: change.range.start.line, column: change.range.start.character },
      oldEndPosition: { row: change.range.end.line, column: change.range.end.character },
      newEndPosition,
    }));
    // Later changes in the same batch are relative to the updated text.
    state.doc = TextDocument.update(state.doc, [change], state.doc.version);
  }

  function closeState(state: DocState) {
    if (state.timer) clearTimeout(state.timer);
    state.tree?.delete();
    state.parser.delete();
  }

  connection.onDidCloseTextDocument((p) => {
    const state = docs.get(p.textDocument.uri);
    if (!state) return;
    closeState(state);
    docs.delete(p.textDocument.uri);
    settingsCache.delete(p.textDocument.uri);
    void connection.sendDiagnostics({ uri: p.textDocument.uri, diagnostics: [] });
  });

  connection.onCodeAction(async (params) => {
    const state = docs.get(params.textDocument.uri);
    const a = state?.analysis;
    if (!state || !a) return [];
    const actions: CodeAction[] = [];
    const only = params.context.only;
    const wantsQuickFix = !only || only.some((k) => CodeActionKind.QuickFix.startsWith(k) || k.startsWith(CodeActionKind.QuickFix));
    if (wantsQuickFix) {
      for (const lspDiag of params.context.diagnostics) {
        const idx = (lspDiag.data as { index?: number } | undefined)?.index;
        const d = idx !== undefined ? a.diagnostics[idx] : undefined;
        if (!d || d.code !== lspDiag.code) continue;
        const dist = d.code === 'AF141' ? (d.data?.distribution as string | undefined) : undefined;
        const dagFile = filePath(state.doc.uri);
        const add = dist && dagFile ? addRequirementAction(lspDiag, dist, dagFile, rootFor(dagFile), canCreateFiles) : undefined;
        if (add) actions.push(add);
        for (const fix of d.fixes ?? []) {
          actions.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [lspDiag],
            isPreferred: fix.isPreferred,
            edit: { changes: { [state.doc.uri]: fix.edits } },
          });
        }
      }
    }
    const fixable = a.diagnostics.filter((d) => d.fixes?.length).length;
    const wantsFixAll = !only || only.some((k) => FixAllCodeActionKind.startsWith(k) || k === CodeActionKind.Source || k === CodeActionKind.SourceFixAll);
    if (fixable > 0 && (wantsFixAll || (wantsQuickFix && fixable > 1))) {
      const edit = await fixAllEdit(state);
      if (edit) {
        actions.push({ title: 'Managed Airflow: fix all auto-fixable problems', kind: wantsFixAll && only ? FixAllCodeActionKind : CodeActionKind.QuickFix, edit: { changes: { [state.doc.uri]: [edit] } } });
      }
    }
    return actions;
  });

  async function fixAllEdit(state: DocState) {
    const text = state.doc.getText();
    const target = await targetFor(state.doc.uri);
    const settings = await settingsFor(state.doc.uri);
    const parser = await createPythonParser();
    try {
      const res = await fixAll(text, (t) => {
        const a = analyzeText(parser, t, state.doc.uri, { target, select: settings.select, ignore: settings.ignore, severity: settings.severity });
        a.tree?.delete();
        return a.diagnostics;
      });
      if (!res.fixed || res.text === text) return undefined;
      return { range: { start: { line: 0, character: 0 }, end: state.doc.positionAt(text.length) }, newText: res.text };
    } finally {
      parser.delete();
    }
  }

  connection.onExecuteCommand(async (params) => {
    if (params.command !== FixAllCommand) return;
    const uri = params.arguments?.[0] as string | undefined;
    const state = uri ? docs.get(uri) : undefined;
    if (!state) return;
    const edit = await fixAllEdit(state);
    if (edit) await connection.workspace.applyEdit({ label: 'Managed Airflow: fix all', edit: { changes: { [state.doc.uri]: [edit] } } });
  });

  connection.onHover(async (params) => {
    const state = docs.get(params.textDocument.uri);
    const facts = state?.analysis?.facts;
    if (!state || !facts) return null;
    const target = await targetFor(state.doc.uri).catch(() => undefined);
    if (!target) return null;
    const h = hoverAt(facts, params.position, target, describeScheduleHover);
    return h ? { contents: { kind: 'markdown', value: h.markdown }, range: h.range } : null;
  });

  connection.onDocumentSymbol((params) => {
    const model = docs.get(params.textDocument.uri)?.analysis?.dagModel;
    if (!model) return [];
    return model.dags.map((dag): DocumentSymbol => ({
      name: dag.dagId ?? dag.variable ?? 'DAG',
      detail: dag.kind === 'decorator' ? '@dag' : 'DAG',
      kind: SymbolKind.Class,
      range: dag.range,
      selectionRange: dag.idRange ?? dag.range,
      children: dag.tasks.map((t) => ({
        name: t.taskId ?? t.variable ?? '(task)',
        detail: t.className ?? (t.kind === 'taskflow' ? '@task' : ''),
        kind: t.kind === 'taskflow' ? SymbolKind.Function : SymbolKind.Method,
        range: containRange(t.range, dag.range),
        selectionRange: containRange(t.idRange ?? t.range, t.range),
      })),
    }));
  });

  connection.onRequest(ResolveTargetRequest, async (p: ResolveTargetParams): Promise<ResolveTargetResult> => {
    try {
      return { target: await targetFor(p.uri) };
    } catch (e) {
      const err = toManagedError(e);
      return { error: { message: err.message, hint: err.hint, source: err.source } };
    }
  });

  connection.onShutdown(() => {
    for (const s of docs.values()) closeState(s);
    docs.clear();
  });

  connection.listen();
}

/** Child ranges must lie within their parent's (LSP requirement); clamp when a task sits outside. */
function containRange(inner: import('../../core/src/analysis/types').Range, outer: import('../../core/src/analysis/types').Range) {
  const before = (a: { line: number; character: number }, b: { line: number; character: number }) => a.line < b.line || (a.line === b.line && a.character < b.character);
  if (before(inner.start, outer.start) || before(outer.end, inner.end)) return outer;
  return inner;
}

if (require.main === module) {
  startServer(createConnection(ProposedFeatures.all));
}

export { pathToFileURL };
