import type { Tree } from 'web-tree-sitter';
import { buildSyntaxTree, type SyntaxNode as Node } from './syntaxTree';
import type { Range } from './types';

/**
 * One pass over a Python syntax tree that records what the rules need: imports (with aliases
 * and guards), name bindings to Airflow paths, calls with their keyword arguments, decorated
 * functions, string literals and functions. Positions are LSP-style (0-based, UTF-16).
 */

export interface ImportFact {
  kind: 'import' | 'from' | 'star';
  /** Absolute module path, e.g. "airflow.operators.bash" ("" for relative imports). */
  module: string;
  /** Imported name for `from m import name`. */
  name?: string;
  alias?: string;
  /** Range of the module path in the statement. */
  moduleRange: Range;
  /** Range of the imported name (from-imports). */
  nameRange?: Range;
  /** Range of `name as alias` (or the dotted module for `import`). */
  itemRange: Range;
  statementRange: Range;
  /** Number of names the statement imports (for rewriting a whole statement). */
  siblings: number;
  /** Under `if TYPE_CHECKING:` or in a `try:` body with an ImportError-style handler. */
  guarded: boolean;
  relative: boolean;
}

/** What a local name refers to, as a dotted Airflow path. */
export interface Binding {
  /** "airflow.operators.bash" (module) or "airflow.operators.bash:BashOperator" (name). */
  target: string;
  isModule: boolean;
}

export interface ArgFact {
  name?: string; // undefined for positional args
  value: Node;
  range: Range; // whole `name=value`
  nameRange?: Range;
}

export interface CallFact {
  node: Node;
  /** Callee as written, e.g. "DAG", "models.DAG", "BashOperator.partial". */
  calleeText: string;
  /** Resolved Airflow path "module:Name" (or module path) when the callee comes from an import. */
  resolved?: string;
  /** For attribute calls `x.expand(...)`: the method name and the receiver node. */
  method?: string;
  receiver?: Node;
  calleeRange: Range;
  range: Range;
  args: ArgFact[];
  hasStarArgs: boolean;
}

export interface DecoratorFact {
  node: Node;
  /** Decorator expression without args, e.g. "task.sensor". */
  text: string;
  /** Resolved "module:Name.attr" path when the base is an Airflow import. */
  resolved?: string;
  call?: CallFact;
  range: Range;
  /** The decorated function or class definition. */
  definition: Node;
}

export interface StringFact {
  node: Node;
  range: Range;
  /** Literal content without quotes/prefix (interpolations of f-strings left as-is). */
  value: string;
  isFString: boolean;
  /** Offset of `value` inside the node text, for mapping sub-ranges. */
  contentOffset: number;
}

export interface FunctionFact {
  node: Node;
  name: string;
  nameRange: Range;
  params: { name: string; range: Range; kind: 'normal' | 'args' | 'kwargs' }[];
  decorators: DecoratorFact[];
  /** True when nested in another function or class body. */
  nested: boolean;
}

export interface Facts {
  tree: Tree;
  /** The JavaScript copy of `tree` every fact's nodes belong to (syntaxTree.ts). */
  root: Node;
  text: string;
  imports: ImportFact[];
  bindings: Map<string, Binding>;
  calls: CallFact[];
  decorators: DecoratorFact[];
  strings: StringFact[];
  functions: FunctionFact[];
  /** `from __future__ import annotations` present. */
  futureAnnotations: boolean;
  /** Nodes of the INDEXED_TYPES, in source order, so rules need not walk the whole tree again. */
  nodes: Map<string, Node[]>;
  /** The file mentions Airflow (import of airflow.* or the word "airflow" with "dag"). */
  isAirflowFile: boolean;
}

/** Node types collected in `Facts.nodes` (syntax features, bindings, statements for the DAG model). */
/** Node types extractFacts itself turns into facts. */
const WALK_TYPES: ReadonlySet<string> = new Set(['import_statement', 'import_from_statement', 'future_import_statement', 'call', 'string', 'decorated_definition', 'function_definition']);

export const INDEXED_TYPES: ReadonlySet<string> = new Set([
  'expression_statement', 'for_statement', 'assignment', 'augmented_assignment', 'keyword_argument', 'pair', 'default_parameter', 'typed_default_parameter',
  'named_expression', 'positional_separator', 'match_statement', 'with_clause', 'except_clause', 'except_group_clause', 'type_alias_statement', 'type_parameter',
  'decorator', 'print_statement', 'exec_statement',
]);

const masks = new WeakMap<string[], Uint8Array>();
/** Per type id of a language: 1 = in INDEXED_TYPES, 2 = in WALK_TYPES. */
function typeMask(types: string[]): Uint8Array {
  let m = masks.get(types);
  if (!m) {
    m = new Uint8Array(types.length);
    types.forEach((t, i) => (m![i] = (INDEXED_TYPES.has(t) ? 1 : 0) | (WALK_TYPES.has(t) ? 2 : 0)));
    masks.set(types, m);
  }
  return m;
}

const callsById = new WeakMap<Facts, Map<number, CallFact>>();

/** The call fact of a `call` node (rules often hold the node, e.g. a keyword's value or a parent). */
export function callAt(facts: Facts, n: Node | null | undefined): CallFact | undefined {
  if (!n || n.type !== 'call') return undefined;
  let byId = callsById.get(facts);
  if (!byId) {
    byId = new Map();
    for (const c of facts.calls) byId.set(c.node.id, c);
    callsById.set(facts, byId);
  }
  return byId.get(n.id);
}

/** Indexed nodes of several types, merged in source order. */
export function nodesOf(facts: Facts, types: Iterable<string>): Node[] {
  const out: Node[] = [];
  for (const t of types) out.push(...(facts.nodes.get(t) ?? []));
  return out.sort((a, b) => a.startIndex - b.startIndex);
}

/** True when a function/class definition encloses `n`. */
function insideScope(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition' || p.type === 'class_definition') return true;
  return false;
}

/** The name a parameter of a `def` binds (`x`, `x: int`, `x=1`, `x: int = 1`, `*args`, `**kw`), if it has one. */
export function parameterName(p: Node): string | undefined {
  if (p.type === 'identifier') return p.text;
  if (p.type === 'typed_parameter' || p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') return p.namedChildren.find((c) => c?.type === 'identifier')?.text;
  return p.childForFieldName('name')?.text;
}

export function rangeOf(n: Node): Range {
  return n.doc.range(n.startIndex, n.endIndex);
}

/** An `if` condition that tests the running Airflow's version: `AIRFLOW_V_3_0_PLUS`, `Version(airflow_version) >= …`. */
const VERSION_TEST = /version|AIRFLOW_V_\d|AIRFLOW_\d/i;
/**
 * An `if` condition that tests a feature flag of the running Airflow: 2.6 shipped setup/teardown behind
 * `airflow.settings._ENABLE_AIP_52` (AIRFLOW_ENABLE_AIP_52=true), and its own example DAGs build them only
 * `if _ENABLE_AIP_52:` (arenadata/airflow 2.6.3, airflow/example_dags/example_setup_teardown.py).
 */
const FEATURE_FLAG = /\b_ENABLE_AIP_\d+\b/;

/**
 * True when `n` only runs where the running Airflow has what it uses: either branch of a version test
 * (`if AIRFLOW_V_2_7_PLUS:` … `else:` …), the body of a feature-flag test (`if _ENABLE_AIP_52:`), or the
 * body of `if hasattr(X, "member"):` for the member used. Feature uses there are not the target's problem.
 */
export function underCompatGuard(n: Node, member?: string, versionNames?: ReadonlySet<string>): boolean {
  let child: Node = n;
  for (let p = n.parent; p; child = p, p = p.parent) {
    if (p.type !== 'if_statement' && p.type !== 'elif_clause' && p.type !== 'conditional_expression') continue;
    const cond = p.type === 'conditional_expression' ? p.namedChild(1) : p.childForFieldName('condition');
    if (!cond || child.id === cond.id) continue;
    if (VERSION_TEST.test(cond.text)) return true;
    if (versionNames?.size && cond.text.match(/[A-Za-z_]\w*/g)?.some((w) => versionNames.has(w))) return true;
    const inBody = p.type === 'conditional_expression' ? p.namedChild(0)?.id === child.id : p.childForFieldName('consequence')?.id === child.id;
    if (!inBody) continue;
    if (FEATURE_FLAG.test(cond.text)) return true;
    if (member && new RegExp(`\\bhasattr\\([^()]*,\\s*['"]${member}['"]\\s*\\)`).test(cond.text)) return true;
  }
  return false;
}

const versionNamesMemo = new WeakMap<Facts, Set<string>>();

/** Module-level names bound to a version test (`MAPPING = Version(airflow_version) >= Version("2.3")`), for underCompatGuard. */
export function versionTestNames(facts: Facts): Set<string> {
  const memo = versionNamesMemo.get(facts);
  if (memo) return memo;
  const out = new Set<string>();
  versionNamesMemo.set(facts, out);
  for (const a of facts.nodes.get('assignment') ?? []) {
    if (a.parent?.type !== 'expression_statement' || a.parent.parent?.type !== 'module') continue;
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type === 'identifier' && right && VERSION_TEST.test(right.text) && /[<>]=?|==|!=|\bin\b/.test(right.text)) out.add(left.text);
  }
  return out;
}

/** True when `n` is inside `if TYPE_CHECKING:` or the body of a `try` that handles ImportError. */
export function isGuarded(n: Node): boolean {
  let child: Node = n;
  for (let p = n.parent; p; child = p, p = p.parent) {
    if (p.type === 'if_statement') {
      const cond = p.childForFieldName('condition');
      const consequence = p.childForFieldName('consequence');
      if (cond && consequence && child.id === consequence.id && /(^|\.)TYPE_CHECKING$/.test(cond.text.trim())) return true;
      // `if AIRFLOW_V_3_0_PLUS:` / `if Version(airflow_version) >= …:` — both branches are version-dependent.
      if (cond && child.id !== cond.id && VERSION_TEST.test(cond.text)) return true;
    }
    if (p.type === 'try_statement') {
      const body = p.childForFieldName('body');
      const handlers = p.namedChildren.filter((c): c is Node => !!c && c.type === 'except_clause');
      if (body && child.id === body.id && handlers.some((h) => handlesImportError(h))) return true;
    }
    // The fallback of `try: import new except ImportError: import old` only runs where the first failed.
    if (p.type === 'except_clause' && handlesImportError(p)) return true;
    if (p.type === 'function_definition' || p.type === 'class_definition') {
      // imports inside functions are lazily executed — still checked, not guarded
    }
  }
  return false;
}

/** An `except` clause that catches a failed import: bare, or naming ImportError (or a class above it) or AttributeError. */
export function handlesImportError(h: Node): boolean {
  const clause = h.namedChildren.find((c) => c && c.type !== 'block' && c.type !== 'comment');
  if (!clause) return true; // bare `except:`
  return /\b(ImportError|ModuleNotFoundError|Exception|BaseException|AttributeError)\b/.test(clause.text);
}

function dotted(n: Node | null): string {
  return n ? n.text.replace(/\s+/g, '') : '';
}

/** Resolve an expression like `models.DAG` or `bash.BashOperator` to an Airflow path via bindings. */
export function resolveExpr(expr: string, bindings: Map<string, Binding>): string | undefined {
  const parts = expr.split('.');
  // Longest bound prefix wins (`import airflow.operators.bash` binds "airflow").
  for (let i = parts.length; i >= 1; i--) {
    const head = parts.slice(0, i).join('.');
    const b = bindings.get(head);
    if (!b) continue;
    const rest = parts.slice(i);
    if (!rest.length) return b.target;
    if (b.isModule) {
      // module.attr… → "module.sub:Name" is ambiguous; prefer the deepest module + last name.
      const full = [b.target, ...rest];
      return `${full.slice(0, -1).join('.')}:${full[full.length - 1]}`;
    }
    return `${b.target}.${rest.join('.')}`;
  }
  return undefined;
}

const STRING_OPEN = /^([A-Za-z]*)("""|'''|"|')/;

/**
 * Content of a string literal's text: without prefix (r, b, f, rb, …) and quotes. An unterminated
 * literal (error recovery) keeps everything after the opening quote.
 */
export function stringParts(nodeText: string): { value: string; isFString: boolean; contentOffset: number } {
  const m = STRING_OPEN.exec(nodeText);
  if (!m) return { value: nodeText, isFString: false, contentOffset: 0 };
  const contentStart = m[0].length;
  const quote = m[2];
  const closed = nodeText.length >= contentStart + quote.length && nodeText.endsWith(quote);
  const contentEnd = closed ? nodeText.length - quote.length : nodeText.length;
  return { value: nodeText.slice(contentStart, contentEnd), isFString: /f/i.test(m[1]), contentOffset: contentStart };
}

export function extractFacts(tree: Tree, text: string): Facts {
  const root = buildSyntaxTree(tree, text);
  const facts: Facts = {
    tree,
    root,
    text,
    imports: [],
    bindings: new Map(),
    calls: [],
    decorators: [],
    strings: [],
    functions: [],
    futureAnnotations: false,
    isAirflowFile: false,
    nodes: new Map(),
  };

  const visitImport = (stmt: Node) => {
    const guarded = isGuarded(stmt);
    const statementRange = rangeOf(stmt);
    if (stmt.type === 'import_statement') {
      const items = stmt.childrenForFieldName('name').filter((x): x is Node => !!x);
      for (const item of items) {
        const nameNode = item.type === 'aliased_import' ? item.childForFieldName('name') : item;
        const aliasNode = item.type === 'aliased_import' ? item.childForFieldName('alias') : null;
        const module = dotted(nameNode);
        facts.imports.push({
          kind: 'import', module, alias: aliasNode?.text, moduleRange: rangeOf(nameNode!), itemRange: rangeOf(item), statementRange,
          siblings: items.length, guarded, relative: false,
        });
        if (aliasNode) facts.bindings.set(aliasNode.text, { target: module, isModule: true });
        else {
          // `import a.b.c` binds `a`; record the full dotted name too so `a.b.c.X` resolves.
          facts.bindings.set(module, { target: module, isModule: true });
          const head = module.split('.')[0];
          if (!facts.bindings.has(head)) facts.bindings.set(head, { target: head, isModule: true });
        }
      }
      return;
    }
    if (stmt.type === 'future_import_statement') {
      if (/\bannotations\b/.test(stmt.text)) facts.futureAnnotations = true;
      return;
    }
    // import_from_statement
    const modNode = stmt.childForFieldName('module_name');
    const relative = modNode?.type === 'relative_import';
    const module = relative ? '' : dotted(modNode);
    const star = stmt.namedChildren.some((c) => c?.type === 'wildcard_import');
    if (star) {
      facts.imports.push({ kind: 'star', module, moduleRange: rangeOf(modNode!), itemRange: rangeOf(stmt), statementRange, siblings: 1, guarded, relative });
      return;
    }
    const items = stmt.childrenForFieldName('name').filter((x): x is Node => !!x);
    for (const item of items) {
      const nameNode = item.type === 'aliased_import' ? item.childForFieldName('name') : item;
      const aliasNode = item.type === 'aliased_import' ? item.childForFieldName('alias') : null;
      const name = dotted(nameNode);
      facts.imports.push({
        kind: 'from', module, name, alias: aliasNode?.text, moduleRange: rangeOf(modNode!), nameRange: rangeOf(nameNode!), itemRange: rangeOf(item),
        statementRange, siblings: items.length, guarded, relative,
      });
      if (!relative) facts.bindings.set(aliasNode?.text ?? name, { target: `${module}:${name}`, isModule: false });
    }
  };

  const callFact = (n: Node): CallFact => {
    // A call's children are `function arguments` unless a comment sits between them: two positional
    // lookups are far cheaper than two field lookups (each scans the children in wasm).
    const two = n.childCount === 2;
    const fn = (two ? n.child(0) : n.childForFieldName('function'))!;
    const argsNode = two ? n.child(1) : n.childForFieldName('arguments');
    const args: ArgFact[] = [];
    let hasStarArgs = false;
    if (argsNode && argsNode.type === 'argument_list') {
      for (const a of argsNode.namedChildren) {
        if (!a || a.type === 'comment') continue;
        if (a.type === 'keyword_argument') {
          // `name = value` has three children; with a comment inside, ask by field.
          const plain = a.childCount === 3;
          const nm = plain ? a.child(0) : a.childForFieldName('name');
          const val = plain ? a.child(2) : a.childForFieldName('value');
          if (nm && val) args.push({ name: nm.text, value: val, range: rangeOf(a), nameRange: rangeOf(nm) });
        } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
          hasStarArgs = true;
        } else {
          args.push({ value: a, range: rangeOf(a) });
        }
      }
    }
    const calleeText = fn.type === 'identifier' || fn.type === 'attribute' ? dotted(fn) : fn.text.slice(0, 200);
    const fact: CallFact = { node: n, calleeText, calleeRange: rangeOf(fn), range: rangeOf(n), args, hasStarArgs };
    if (fn.type === 'attribute') {
      fact.method = fn.childForFieldName('attribute')?.text;
      fact.receiver = fn.childForFieldName('object') ?? undefined;
    }
    return fact;
  };

  const stringFact = (n: Node): StringFact => {
    // Prefix and quotes come from the text: asking the tree for string_start/string_end costs two
    // wasm round trips per literal (lastChild is linear in the child count), a third of the facts time.
    const nodeText = text.slice(n.startIndex, n.endIndex);
    return { node: n, range: rangeOf(n), ...stringParts(nodeText) };
  };

  // One pre-order pass over the slots of the copy (source order, outer before inner): only the
  // nodes that become facts are made into SyntaxNode objects.
  const pendingDecorators: Node[] = [];
  const doc = root.doc;
  const mask = typeMask(doc.types);
  const typeIds = doc.typeIds;
  for (let at = 0; at < doc.count; at++) {
    const m = mask[typeIds[at]];
    if (!m) continue;
    const n = doc.node(at);
    const type = n.type;
    if (m & 1) {
      const l = facts.nodes.get(type);
      if (l) l.push(n);
      else facts.nodes.set(type, [n]);
    }
    switch (type) {
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
        visitImport(n);
        at = doc.subtreeEnds[at] - 1; // nodes inside an import statement are not facts of their own
        break;
      case 'call':
        facts.calls.push(callFact(n));
        break;
      case 'string':
        facts.strings.push(stringFact(n));
        break;
      case 'decorated_definition':
        pendingDecorators.push(n);
        break;
      case 'function_definition': {
        const name = n.childForFieldName('name');
        const paramsNode = n.childForFieldName('parameters');
        const params: FunctionFact['params'] = [];
        for (const p of paramsNode?.namedChildren ?? []) {
          if (!p) continue;
          const kind = p.type === 'list_splat_pattern' ? 'args' : p.type === 'dictionary_splat_pattern' ? 'kwargs' : 'normal';
          const id = p.type === 'identifier' ? p : p.namedChildren.find((c) => c?.type === 'identifier');
          if (id) params.push({ name: id.text, range: rangeOf(id), kind });
        }
        if (name) facts.functions.push({ node: n, name: name.text, nameRange: rangeOf(name), params, decorators: [], nested: insideScope(n) });
        break;
      }
    }
  }
  // Sort calls and strings by position (the walk is depth-first but rules report in order).
  facts.calls.sort((a, b) => a.node.startIndex - b.node.startIndex);
  facts.strings.sort((a, b) => a.node.startIndex - b.node.startIndex);

  for (const call of facts.calls) {
    const r = resolveExpr(call.calleeText, facts.bindings);
    if (r) call.resolved = r;
  }
  const fnByNode = new Map(facts.functions.map((f) => [f.node.id, f]));
  for (const d of pendingDecorators) {
    const definition = d.childForFieldName('definition');
    if (!definition) continue;
    for (const dec of d.namedChildren) {
      if (!dec || dec.type !== 'decorator') continue;
      const expr = dec.namedChildren.find((c) => c && c.type !== 'comment');
      if (!expr) continue;
      const isCall = expr.type === 'call';
      const base = isCall ? expr.childForFieldName('function')! : expr;
      const text = dotted(base);
      const call = isCall ? facts.calls.find((c) => c.node.id === expr.id) : undefined;
      const fact: DecoratorFact = { node: dec, text, resolved: resolveExpr(text, facts.bindings), call, range: rangeOf(dec), definition };
      facts.decorators.push(fact);
      fnByNode.get(definition.id)?.decorators.push(fact);
    }
  }
  facts.isAirflowFile =
    facts.imports.some((i) => i.module === 'airflow' || i.module.startsWith('airflow.')) || /\bairflow\b/.test(text.slice(0, 20000));
  return facts;
}
