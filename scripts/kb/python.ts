/**
 * Static extraction of knowledge-base facts from one Airflow Python source file (tree-sitter).
 * Nothing is executed: we read what the file binds at module level, its deprecation warnings,
 * lazy-import / deprecated-class tables, constructor parameters and template-context keys.
 */
import type { Node, Parser } from 'web-tree-sitter';
import { createPythonParser } from '../../core/src/analysis/parser';

let parserPromise: Promise<Parser> | undefined;
export function pythonParser(): Promise<Parser> {
  parserPromise ??= createPythonParser();
  return parserPromise;
}

/** A Python literal as far as we can evaluate it statically. */
export type PyValue = string | number | boolean | null | PyValue[] | { [k: string]: PyValue } | { $unknown: string };

export interface NameFact {
  via: 'def' | 'class' | 'assign' | 'import' | 'lazy' | 'deprecated-map' | 'importer';
  deprecated?: boolean;
  replacement?: string;
  note?: string;
}

export interface ModuleFacts {
  names: Record<string, NameFact>;
  /** Airflow modules this file star-imports (`from airflow.x import *`): their names are re-exported. */
  starImports: string[];
  /** Module-level deprecation warning (emitted when the module is imported). */
  moduleWarning?: { message: string; replacement?: string };
  /** Virtual submodules created by add_deprecated_classes: submodule → (name → target dotted path). */
  virtual: Record<string, Record<string, string>>;
  /** Airflow 1.10 AirflowImporter tables: submodule → names importable from the package. */
  importer: Record<string, string[]>;
  /** `__all__` when it is a literal list. */
  all?: string[];
  /** `add_deprecated_classes({__name__: {"*": target}})`: every name of `target`, deprecated (3.1+ airflow.macros). */
  selfWildcard?: string;
}

const DEPRECATION_CATEGORY = /Deprecat|RemovedInAirflow|FutureWarning/;
const AIRFLOW_PATH = /\bairflow(?:\.[A-Za-z_][A-Za-z0-9_]*)+/;

function isPrivate(name: string): boolean {
  return name.startsWith('_');
}

/** Concatenated text of a (possibly implicitly concatenated / f-) string expression. */
export function stringText(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'string') {
    let out = '';
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (c.type === 'string_content' || c.type === 'escape_sequence') out += c.text;
      else if (c.type === 'interpolation') out += '{' + (c.namedChildren[0]?.text ?? '') + '}';
    }
    return out;
  }
  if (node.type === 'concatenated_string') {
    return node.namedChildren.map((c) => stringText(c) ?? '').join('');
  }
  if (node.type === 'parenthesized_expression') return stringText(node.namedChildren[0]);
  if (node.type === 'binary_operator' && node.childForFieldName('operator')?.text === '+') {
    const l = stringText(node.childForFieldName('left'));
    const r = stringText(node.childForFieldName('right'));
    if (l !== undefined || r !== undefined) return (l ?? '') + (r ?? '');
  }
  if (node.type === 'call') {
    // "...".format(...) and similar: take the receiver string
    const fn = node.childForFieldName('function');
    if (fn?.type === 'attribute') return stringText(fn.childForFieldName('object'));
  }
  return undefined;
}

/** Evaluate a literal expression (dicts, lists, tuples, strings, numbers, booleans). */
export function literal(node: Node | null | undefined): PyValue {
  if (!node) return { $unknown: '' };
  switch (node.type) {
    case 'string':
    case 'concatenated_string':
      return stringText(node) ?? { $unknown: node.text };
    case 'integer':
    case 'float':
      return Number(node.text);
    case 'true':
      return true;
    case 'false':
      return false;
    case 'none':
      return null;
    case 'list':
    case 'tuple':
    case 'set':
      return node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').map((c) => literal(c));
    case 'parenthesized_expression':
      return literal(node.namedChildren.find((c) => c && c.type !== 'comment'));
    case 'dictionary': {
      const out: { [k: string]: PyValue } = {};
      for (const pair of node.namedChildren) {
        if (!pair || pair.type !== 'pair') continue;
        const keyNode = pair.childForFieldName('key');
        let key: string | undefined = stringText(keyNode);
        if (key === undefined && keyNode?.type === 'identifier' && keyNode.text === '__name__') key = '__name__';
        if (key === undefined) continue;
        out[key] = literal(pair.childForFieldName('value'));
      }
      return out;
    }
    default:
      return { $unknown: node.text.slice(0, 80) };
  }
}

function isUnknown(v: PyValue): v is { $unknown: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && '$unknown' in v;
}

/** Is this `if` condition about TYPE_CHECKING (a block that never runs)? */
function isTypeCheckingCondition(cond: Node | null): boolean {
  return !!cond && /\bTYPE_CHECKING\b/.test(cond.text) && !/\bnot\s+TYPE_CHECKING\b/.test(cond.text);
}

/**
 * Statements that execute at import time: module children, descending into if/try/with blocks
 * (both branches of an `if`, since either may run) but not into TYPE_CHECKING blocks,
 * functions or classes.
 */
export function moduleLevelStatements(root: Node, conditional?: Set<number>): Node[] {
  const out: Node[] = [];
  let depth = 0; // > 0 inside an `if` branch or an `except` clause
  const visitCond = (block: Node | null) => {
    depth++;
    visitBlock(block);
    depth--;
  };
  const visitBlock = (block: Node | null) => {
    if (!block) return;
    for (const st of block.namedChildren) {
      if (!st) continue;
      switch (st.type) {
        case 'if_statement': {
          if (isTypeCheckingCondition(st.childForFieldName('condition'))) {
            // `else` of `if TYPE_CHECKING` does run
            for (const alt of st.childrenForFieldName('alternative')) if (alt?.type === 'else_clause') visitBlock(alt.childForFieldName('body'));
            break;
          }
          visitCond(st.childForFieldName('consequence'));
          for (const alt of st.childrenForFieldName('alternative')) {
            if (!alt) continue;
            if (alt.type === 'elif_clause') visitCond(alt.childForFieldName('consequence'));
            else visitCond(alt.childForFieldName('body'));
          }
          break;
        }
        case 'try_statement':
          visitBlock(st.childForFieldName('body'));
          for (const c of st.namedChildren) {
            if (!c) continue;
            if (c.type === 'except_clause' || c.type === 'except_group_clause') {
              const body = c.namedChildren.find((x) => x?.type === 'block');
              visitCond(body ?? null);
            } else if (c.type === 'else_clause' || c.type === 'finally_clause') {
              visitBlock(c.childForFieldName('body') ?? c.namedChildren.find((x) => x?.type === 'block') ?? null);
            }
          }
          break;
        case 'with_statement':
          visitBlock(st.childForFieldName('body'));
          break;
        default:
          out.push(st);
          if (depth > 0) conditional?.add(st.id);
      }
    }
  };
  visitBlock(root);
  return out;
}

/** The call inside an expression statement, if the statement is a bare call. */
function statementCall(st: Node): Node | undefined {
  if (st.type !== 'expression_statement') return undefined;
  const e = st.namedChildren[0];
  return e?.type === 'call' ? e : undefined;
}

function calleeName(call: Node): string {
  return call.childForFieldName('function')?.text ?? '';
}

/** A `warnings.warn(...)` / `warn(...)` call with a deprecation category: its message. */
export function deprecationWarningMessage(call: Node): string | undefined {
  const fn = calleeName(call);
  if (!/(^|\.)warn$/.test(fn)) return undefined;
  const args = call.childForFieldName('arguments');
  if (!args) return undefined;
  const positional = args.namedChildren.filter((a): a is Node => !!a && a.type !== 'keyword_argument' && a.type !== 'comment');
  const kw = new Map<string, Node>();
  for (const a of args.namedChildren) {
    if (a?.type === 'keyword_argument') {
      const n = a.childForFieldName('name')?.text;
      const v = a.childForFieldName('value');
      if (n && v) kw.set(n, v);
    }
  }
  const msgNode = positional[0] ?? kw.get('message');
  const category = (positional[1] ?? kw.get('category'))?.text ?? '';
  const message = stringText(msgNode) ?? msgNode?.text ?? '';
  if (DEPRECATION_CATEGORY.test(category) || (/deprecat/i.test(message) && /Warning/.test(category))) return message;
  return undefined;
}

/** Message of any `warnings.warn(...)` call, whatever its category. */
function anyWarningMessage(call: Node): string | undefined {
  if (!/(^|\.)warn$/.test(calleeName(call))) return undefined;
  const first = call.childForFieldName('arguments')?.namedChildren.find((a) => a && a.type !== 'comment');
  return first ? stringText(first) ?? first.text : undefined;
}

/** First dotted `airflow.…` path mentioned in a message (the replacement it recommends). */
export function airflowPathIn(message: string): string | undefined {
  const m = AIRFLOW_PATH.exec(message.replace(/`/g, ' '));
  return m ? m[0].replace(/\.$/, '') : undefined;
}

/** Does this function/class body warn about deprecation when used? Returns the message. */
function bodyDeprecation(def: Node): string | undefined {
  const body = def.childForFieldName('body');
  if (!body) return undefined;
  if (def.type === 'class_definition') {
    for (const st of body.namedChildren) {
      const fn = st?.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
      // a constructor that warns: `__init__`, or `__new__` for alias classes that build another
      // class (3.0–3.1 timetables/datasets.py DatasetOrTimeSchedule.__new__ → AssetOrTimeSchedule)
      const name = fn?.type === 'function_definition' ? fn.childForFieldName('name')?.text : undefined;
      if (name === '__init__' || name === '__new__') {
        const w = directWarn(fn!.childForFieldName('body'));
        if (w) return w;
      }
    }
    return undefined;
  }
  return directWarn(body);
}

/** A deprecation warn() among the statements of a block (not nested in if/for: those are conditional). */
function directWarn(block: Node | null): string | undefined {
  if (!block) return undefined;
  for (const st of block.namedChildren) {
    if (!st) continue;
    const call = statementCall(st);
    if (call) {
      const msg = deprecationWarningMessage(call);
      if (msg !== undefined) return msg;
    }
  }
  return undefined;
}

/** `@deprecated(...)` decorators (python-deprecated / typing_extensions) on a decorated definition. */
function decoratorDeprecation(decorated: Node): string | undefined {
  for (const d of decorated.namedChildren) {
    if (d?.type !== 'decorator') continue;
    const expr = d.namedChildren[0];
    const name = expr?.type === 'call' ? calleeName(expr) : expr?.text ?? '';
    if (!/(^|\.)deprecated$/.test(name)) continue;
    if (expr?.type === 'call') {
      const args = expr.childForFieldName('arguments');
      let reason = '';
      for (const a of args?.namedChildren ?? []) {
        if (!a) continue;
        if (a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'reason') reason = stringText(a.childForFieldName('value')) ?? '';
        else if (a.type === 'string' || a.type === 'concatenated_string') reason ||= stringText(a) ?? '';
      }
      return reason || 'deprecated';
    }
    return 'deprecated';
  }
  return undefined;
}

function resolveRelative(currentModule: string, isPackage: boolean, rel: string): string {
  const dots = /^\.*/.exec(rel)![0].length;
  if (dots === 0) return rel;
  const parts = currentModule.split('.');
  const base = isPackage ? parts : parts.slice(0, -1);
  const up = base.slice(0, base.length - (dots - 1));
  const rest = rel.slice(dots);
  return rest ? [...up, rest].join('.') : up.join('.');
}

/**
 * Extract the module-level facts of one file. `moduleName` is its dotted module path and
 * `isPackage` whether it is an `__init__.py` (both needed to resolve relative imports).
 */
export function extractModuleFacts(root: Node, moduleName: string, isPackage: boolean): ModuleFacts {
  const facts: ModuleFacts = { names: {}, starImports: [], virtual: {}, importer: {} };
  const dicts = new Map<string, PyValue>();
  const collections = new Map<string, string[]>();
  const importedFrom = new Map<string, string>(); // local name → source dotted path
  const set = (name: string, f: NameFact) => {
    if (isPrivate(name)) return;
    const prev = facts.names[name];
    // a real definition beats a lazy table entry; otherwise the first binding wins
    if (!prev || (prev.via === 'lazy' && f.via !== 'lazy')) facts.names[name] = f;
  };
  const conditional = new Set<number>();
  const statements = moduleLevelStatements(root, conditional);
  let getattrDef: Node | undefined;

  for (const st0 of statements) {
    let st = st0;
    let decoratorMsg: string | undefined;
    if (st.type === 'decorated_definition') {
      decoratorMsg = decoratorDeprecation(st);
      st = st.childForFieldName('definition') ?? st;
    }
    if (st.type === 'function_definition' || st.type === 'class_definition') {
      const name = st.childForFieldName('name')?.text;
      if (!name) continue;
      if (name === '__getattr__') getattrDef = st;
      const msg = decoratorMsg ?? bodyDeprecation(st);
      set(name, {
        via: st.type === 'class_definition' ? 'class' : 'def',
        ...(msg !== undefined ? { deprecated: true, replacement: airflowPathIn(msg), note: msg.slice(0, 240) } : {}),
      });
      continue;
    }
    if (st.type === 'import_from_statement') {
      const modNode = st.childForFieldName('module_name');
      const source = resolveRelative(moduleName, isPackage, modNode?.text ?? '');
      if (source === '__future__') continue;
      if (st.namedChildren.some((c) => c?.type === 'wildcard_import')) {
        if (source.startsWith('airflow')) facts.starImports.push(source);
        continue;
      }
      for (const c of st.childrenForFieldName('name')) {
        if (!c) continue;
        let orig: string;
        let local: string;
        if (c.type === 'aliased_import') {
          orig = c.childForFieldName('name')?.text ?? '';
          local = c.childForFieldName('alias')?.text ?? orig;
        } else {
          orig = c.text;
          local = orig;
        }
        importedFrom.set(local, `${source}.${orig}`);
        if (source === 'airflow' || source.startsWith('airflow.')) set(local, { via: 'import' });
      }
      continue;
    }
    if (st.type === 'expression_statement') {
      const e = st.namedChildren[0];
      if (!e) continue;
      if (e.type === 'assignment' || e.type === 'augmented_assignment') {
        const left = e.childForFieldName('left');
        const right = e.childForFieldName('right');
        const targets: string[] = [];
        if (left?.type === 'identifier') targets.push(left.text);
        else if (left?.type === 'pattern_list' || left?.type === 'tuple_pattern')
          for (const t of left.namedChildren) if (t?.type === 'identifier') targets.push(t.text);
        for (const t of targets) {
          if (t === '__all__') {
            const v = literal(right);
            if (Array.isArray(v)) {
              const names = v.filter((x): x is string => typeof x === 'string');
              facts.all = e.type === 'augmented_assignment' ? [...(facts.all ?? []), ...names] : names;
            }
            continue;
          }
          if (right?.type === 'dictionary') dicts.set(t, literal(right));
          else if (right && ['set', 'list', 'tuple', 'call'].includes(right.type)) {
            const inner = right.type === 'call' && /^(frozenset|set|tuple|list)$/.test(calleeName(right)) ? right.childForFieldName('arguments')?.namedChildren[0] : right;
            const v = right.type === 'call' && !inner ? undefined : literal(inner);
            if (Array.isArray(v) && v.length && v.every((x) => typeof x === 'string')) collections.set(t, v as string[]);
          }
          if (e.type === 'assignment') set(t, { via: 'assign' });
        }
        continue;
      }
      if (e.type === 'call') {
        const fn = calleeName(e);
        const msg = deprecationWarningMessage(e);
        // only an unconditional warning marks the module itself deprecated (configuration.py warns
        // under `if` about deprecated options, not about the module)
        if (msg !== undefined && conditional.has(st.id)) continue;
        if (msg !== undefined && !facts.moduleWarning) {
          facts.moduleWarning = { message: msg.slice(0, 300), replacement: airflowPathIn(msg) };
          continue;
        }
        if (/(^|\.)add_deprecated_classes$/.test(fn)) {
          const arg0 = e.childForFieldName('arguments')?.namedChildren.find((a) => a && a.type !== 'comment');
          const table = arg0?.type === 'identifier' ? dicts.get(arg0.text) : literal(arg0);
          if (table && typeof table === 'object' && !Array.isArray(table) && !isUnknown(table)) {
            for (const [sub, m] of Object.entries(table)) {
              if (!m || typeof m !== 'object' || Array.isArray(m) || isUnknown(m)) continue;
              const entries: Record<string, string> = {};
              for (const [n, target] of Object.entries(m)) if (typeof target === 'string') entries[n] = target;
              facts.virtual[sub] = { ...(facts.virtual[sub] ?? {}), ...entries };
            }
          }
          continue;
        }
        if (/(^|\.)extend$/.test(fn) && e.childForFieldName('function')?.childForFieldName('object')?.text === '__all__') {
          const v = literal(e.childForFieldName('arguments')?.namedChildren[0]);
          if (Array.isArray(v)) facts.all = [...(facts.all ?? []), ...v.filter((x): x is string => typeof x === 'string')];
        }
        if (/AirflowImporter$/.test(fn)) {
          const args = e.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
          const table = args[1]?.type === 'identifier' ? dicts.get(args[1].text) : undefined;
          if (table && typeof table === 'object' && !Array.isArray(table) && !isUnknown(table)) {
            for (const [sub, names] of Object.entries(table)) {
              if (Array.isArray(names)) facts.importer[sub] = names.filter((x): x is string => typeof x === 'string');
            }
          }
        }
      }
    }
  }
  // 1.10's AirflowImporter may be instantiated as `airflow_importer = AirflowImporter(...)` (an assignment)
  for (const st of statements) {
    const e = st.type === 'expression_statement' ? st.namedChildren[0] : undefined;
    const right = e?.type === 'assignment' ? e.childForFieldName('right') : undefined;
    if (right?.type === 'call' && /AirflowImporter$/.test(calleeName(right))) {
      const args = right.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
      const table = args[1]?.type === 'identifier' ? dicts.get(args[1].text) : undefined;
      if (table && typeof table === 'object' && !Array.isArray(table) && !isUnknown(table)) {
        for (const [sub, names] of Object.entries(table)) {
          if (Array.isArray(names)) facts.importer[sub] = names.filter((x): x is string => typeof x === 'string');
        }
      }
    }
  }
  for (const [sub, names] of Object.entries(facts.importer)) {
    for (const n of names) set(n, { via: 'importer', replacement: `${moduleName}.${sub}.${n}` });
  }
  // PEP 562 `def __getattr__`: the names it serves come from module-level tables (dicts, sets,
  // lists) or inline literals it tests `name` against.
  if (getattrDef) {
    const bodyNode = getattrDef.childForFieldName('body')!;
    const body = bodyNode.text;
    const tableNames = [...dicts.keys(), ...collections.keys()].filter((t) => new RegExp(`\\b${t.replace(/[$]/g, '\\$')}\\b`).test(body));
    // Conditions that only select a table entry (`name in X`, `if not module_path`, `if deprecated`)
    // do not make a warning conditional; `name == "X"` makes it specific to X.
    const selecting = (c: string) =>
      /^\s*(not\s+)?[A-Za-z_]*(path|deprecated|target)[A-Za-z_]*\s*$/i.test(c) ||
      /\bname\s+(not\s+)?in\b/.test(c) || tableNames.some((t) => c.includes(t));
    let warns = false;
    const warnedNames = new Set<string>();
    let warnMessage: string | undefined;
    for (const call of allDescendants(bodyNode, 'call')) {
      const msg = deprecationWarningMessage(call);
      if (msg === undefined) continue;
      warnMessage ??= msg;
      const conds: string[] = [];
      for (let p: Node | null = call.parent; p && p.id !== bodyNode.id; p = p.parent) {
        if (p.type === 'if_statement' || p.type === 'elif_clause') conds.push(p.childForFieldName('condition')?.text ?? '');
      }
      const named = conds.flatMap((c) => [...c.matchAll(/\bname\s*(?:==|!=)\s*["']([A-Za-z_][A-Za-z0-9_]*)["']/g)].map((m) => m[1]));
      if (named.length) named.forEach((n) => warnedNames.add(n));
      else if (conds.every(selecting)) warns = true;
    }
    // replacement: an f-string template such as f"airflow.sdk.exceptions.{name}", else the message's path
    let template: string | undefined;
    for (const str of allDescendants(bodyNode, 'string')) {
      const t = stringText(str) ?? '';
      const m = /\bairflow(?:\.[A-Za-z_][A-Za-z0-9_]*)*\.\{name\}/.exec(t);
      if (m && !m[0].startsWith(`${moduleName}.{`)) {
        template = m[0];
        break;
      }
    }
    const messagePath = warnMessage !== undefined ? airflowPathIn(warnMessage) : undefined;
    const replacementFor = (n: string) =>
      template ? template.replace('{name}', n) : messagePath && messagePath !== moduleName && !messagePath.endsWith(`.${n}`) ? `${messagePath}.${n}` : messagePath;
    const served = (n: string, deprecated: boolean, target?: string) =>
      set(n, { via: 'lazy', ...(deprecated ? { deprecated: true, replacement: target ?? replacementFor(n), note: warnMessage?.slice(0, 240) } : {}) });
    // `if name != "ImportError": … else: warn(…)` serves that one name too
    for (const m of body.matchAll(/\bname\s*(?:==|!=)\s*["']([A-Za-z_][A-Za-z0-9_]*)["']/g)) served(m[1], warns || warnedNames.has(m[1]));
    // inline literals: `if name not in ("DAG", "dag")`, `if name in {"a", "b"}`
    for (const cmp of allDescendants(bodyNode, 'comparison_operator')) {
      if (!/^name\s+(not\s+)?in\b/.test(cmp.text)) continue;
      const listed = literal(cmp.namedChildren[cmp.namedChildren.length - 1]);
      if (Array.isArray(listed)) for (const n of listed) if (typeof n === 'string') served(n, warns || warnedNames.has(n));
    }
    for (const t of tableNames) {
      const coll = collections.get(t);
      if (coll) for (const n of coll) served(n, warns || warnedNames.has(n));
      const table = dicts.get(t);
      if (!table || typeof table !== 'object' || Array.isArray(table) || isUnknown(table)) continue;
      for (const [name, value] of Object.entries(table)) {
        let target: string | undefined;
        let deprecated = warns || warnedNames.has(name);
        if (typeof value === 'string') target = `${resolveRelative(moduleName, isPackage, value)}.${name}`;
        else if (Array.isArray(value) && typeof value[0] === 'string') {
          const mod = resolveRelative(moduleName, isPackage, value[0]);
          const attr = typeof value[1] === 'string' ? value[1] : name;
          target = attr ? `${mod}.${attr}` : mod;
          if (typeof value[2] === 'boolean') deprecated = value[2];
        }
        set(name, { via: 'lazy', ...(deprecated ? { deprecated: true, replacement: target, note: warnMessage?.slice(0, 240) } : {}) });
      }
    }
  }
  // __deprecated_classes with the module's own name (Airflow 3.1+): names of this very module
  for (const key of ['__name__', moduleName]) {
    const own = facts.virtual[key];
    if (!own) continue;
    delete facts.virtual[key];
    for (const [n, target] of Object.entries(own)) {
      if (n === '*') {
        facts.selfWildcard = target;
        continue;
      }
      if (isPrivate(n)) continue;
      const prev = facts.names[n];
      if (!prev || prev.via === 'lazy' || prev.via === 'import') facts.names[n] = { via: 'deprecated-map', deprecated: true, replacement: target };
    }
  }
  // names re-exported only through __all__ (e.g. `from os import path`; listed explicitly)
  for (const n of facts.all ?? []) {
    if (!facts.names[n] && importedFrom.has(n)) set(n, { via: 'import' });
  }
  return facts;
}

/** The first deprecation warning raised anywhere inside class `className` (e.g. 1.10's AirflowImporter). */
export function classDeprecationWarning(root: Node, className: string): string | undefined {
  const cls = topLevelClasses(root).get(className);
  if (!cls) return undefined;
  for (const call of allDescendants(cls, 'call')) {
    const msg = deprecationWarningMessage(call);
    if (msg !== undefined) return msg;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Classes: constructor parameters (def __init__ or attrs fields) and their deprecations.

export interface ParamFact {
  deprecated?: boolean;
  replacement?: string;
  note?: string;
}
export interface ClassParams {
  params: Record<string, ParamFact>;
  bases: string[];
  /** true when the parameters come from attrs fields rather than a def __init__ */
  attrs: boolean;
  hasInit: boolean;
  /** `__init__` takes `**kwargs` (so the base classes' arguments are accepted too) */
  varKeyword: boolean;
}

/** Top-level class definitions by name (including decorated ones). */
export function topLevelClasses(root: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const st0 of moduleLevelStatements(root)) {
    const st = st0.type === 'decorated_definition' ? st0.childForFieldName('definition') : st0;
    if (st?.type === 'class_definition') {
      const n = st.childForFieldName('name')?.text;
      if (n) out.set(n, st0);
    }
  }
  return out;
}

function classBody(cls: Node): Node | null {
  const def = cls.type === 'decorated_definition' ? cls.childForFieldName('definition') : cls;
  return def?.childForFieldName('body') ?? null;
}

function methodsOf(cls: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const st0 of classBody(cls)?.namedChildren ?? []) {
    if (!st0) continue;
    const st = st0.type === 'decorated_definition' ? st0.childForFieldName('definition') : st0;
    if (st?.type === 'function_definition') {
      const n = st.childForFieldName('name')?.text;
      if (n && !out.has(n)) out.set(n, st0);
    }
  }
  return out;
}

function allDescendants(node: Node, type: string): Node[] {
  return node.descendantsOfType(type).filter((n): n is Node => !!n);
}

/** Keyword-capable parameter names of a function definition (excluding self, *args, **kwargs). */
function parameterNames(fn: Node): string[] {
  const def = fn.type === 'decorated_definition' ? fn.childForFieldName('definition') : fn;
  const params = def?.childForFieldName('parameters');
  const out: string[] = [];
  for (const p of params?.namedChildren ?? []) {
    if (!p) continue;
    if (p.type === 'positional_separator') {
      out.length = 0; // names before `/` are positional-only: not keyword arguments
      continue;
    }
    let name: string | undefined;
    if (p.type === 'identifier') name = p.text;
    else if (p.type === 'typed_parameter') name = p.namedChildren.find((c) => c?.type === 'identifier')?.text;
    else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') name = p.childForFieldName('name')?.text;
    if (name && name !== 'self' && name !== 'cls') out.push(name);
  }
  return out;
}

/** Identifiers quoted or mentioned in a warning message that are parameter names. */
function mentionedParams(message: string, known: Set<string>): string[] {
  const out: string[] = [];
  for (const m of message.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) if (known.has(m[0]) && !out.includes(m[0])) out.push(m[0]);
  return out;
}

/**
 * Deprecations announced by warn() calls in a method body: the parameter tested by the enclosing
 * `if` and named in the message is deprecated; another parameter named in the message (or an
 * `allKnown` one) is the replacement.
 */
function deprecatedParamsIn(body: Node, own: Set<string>, allKnown: Set<string>): Record<string, ParamFact> {
  const out: Record<string, ParamFact> = {};
  for (const call of allDescendants(body, 'call')) {
    // uncategorised warnings count when they say the feature is gone (3.x `sla`: "The SLA feature is removed")
    const any = anyWarningMessage(call);
    const msg = deprecationWarningMessage(call) ?? (any !== undefined && /deprecat|feature is removed|will be removed/i.test(any) ? any : undefined);
    if (msg === undefined) continue;
    let cond = '';
    for (let p: Node | null = call.parent; p && p.id !== body.id; p = p.parent) {
      if (p.type === 'if_statement' || p.type === 'elif_clause') cond += ' ' + (p.childForFieldName('condition')?.text ?? '');
    }
    // warnings about leaving an argument out (`isinstance(x, ArgNotSet)`, `x is NOTSET`) are not about using it
    if (/isinstance\([^)]*ArgNotSet\)|\bis\s+NOTSET\b/.test(cond) && !/\bnot\s+isinstance\(/.test(cond)) continue;
    const inCond = new Set(mentionedParams(cond, own));
    const mentioned = mentionedParams(msg, new Set([...own, ...allKnown]));
    const dep = mentioned.find((m) => inCond.has(m) && own.has(m)) ?? (inCond.size === 1 ? [...inCond][0] : undefined);
    if (!dep) continue;
    // `if trigger_rule == "dummy"` deprecates a value, not the argument
    if (new RegExp(`\\b${dep}\\s*(==|!=|in\\b)|(==|!=)\\s*(self\\.)?${dep}\\b`).test(cond)) continue;
    const replacement = mentioned.find((m) => m !== dep);
    out[dep] = { deprecated: true, ...(replacement ? { replacement } : {}), note: msg.slice(0, 240) };
  }
  return out;
}

/** Constructor parameters of a class (def __init__, or attrs fields for attrs classes). */
export function classParams(cls: Node, allKnown: Set<string> = new Set()): ClassParams {
  const def = cls.type === 'decorated_definition' ? cls.childForFieldName('definition')! : cls;
  const bases = (def.childForFieldName('superclasses')?.namedChildren ?? [])
    .filter((b): b is Node => !!b && b.type !== 'keyword_argument')
    .map((b) => b.text.split('.').pop()!);
  const methods = methodsOf(cls);
  const init = methods.get('__init__');
  const params: Record<string, ParamFact> = {};
  const decorators = cls.type === 'decorated_definition' ? cls.namedChildren.filter((d) => d?.type === 'decorator').map((d) => d!.text) : [];
  const isAttrs = decorators.some((d) => /@(attrs?\.)?(define|s|frozen|mutable|attrs)\b/.test(d));
  if (init) {
    for (const n of parameterNames(init)) params[n] = {};
    const body = (init.type === 'decorated_definition' ? init.childForFieldName('definition') : init)?.childForFieldName('body');
    // arguments consumed from **kwargs (`kwargs.pop("provide_context")`, `"x" in kwargs`) are accepted too
    if (body) for (const n of kwargsAccessed(body)) params[n] ??= {};
    if (body) Object.assign(params, mergeDeprecations(params, deprecatedParamsIn(body, new Set(Object.keys(params)), allKnown)));
    const initDef = init.type === 'decorated_definition' ? init.childForFieldName('definition') : init;
    const varKeyword = !!initDef?.childForFieldName('parameters')?.namedChildren.some((p) => p?.type === 'dictionary_splat_pattern');
    return { params, bases, attrs: false, hasInit: true, varKeyword };
  }
  if (isAttrs) {
    for (const st of classBody(cls)?.namedChildren ?? []) {
      if (st?.type !== 'expression_statement') continue;
      const a = st.namedChildren[0];
      if (a?.type !== 'assignment' || !a.childForFieldName('type')) continue;
      const left = a.childForFieldName('left');
      if (left?.type !== 'identifier') continue;
      const type = a.childForFieldName('type')?.text ?? '';
      if (/^ClassVar\b/.test(type)) continue;
      const right = a.childForFieldName('right');
      let name = left.text.replace(/^_+/, '');
      if (right?.type === 'call' && /(^|\.)(field|attrib|ib)$/.test(calleeName(right))) {
        const args = right.childForFieldName('arguments')?.namedChildren ?? [];
        let init = true;
        for (const kw of args) {
          if (kw?.type !== 'keyword_argument') continue;
          const k = kw.childForFieldName('name')?.text;
          const v = kw.childForFieldName('value');
          if (k === 'init' && v?.text === 'False') init = false;
          if (k === 'alias') name = stringText(v) ?? name;
        }
        if (!init) continue;
      }
      if (left.text.startsWith('__')) continue;
      params[name] = {};
    }
    // deprecations raised from validators / __attrs_post_init__ / __init__ hooks
    const own = new Set(Object.keys(params));
    for (const m of methods.values()) {
      const body = (m.type === 'decorated_definition' ? m.childForFieldName('definition') : m)?.childForFieldName('body');
      if (!body) continue;
      const found = deprecatedParamsIn(body, own, allKnown);
      // `@<field>.validator` methods warn about their own field without testing it in an `if`
      if (m.type === 'decorated_definition') {
        const dec = m.namedChildren.find((d) => d?.type === 'decorator')?.text ?? '';
        const fm = /^@([A-Za-z_][A-Za-z0-9_]*)\.validator$/.exec(dec.trim());
        const field = fm?.[1].replace(/^_+/, '');
        if (field && own.has(field)) {
          for (const call of allDescendants(body, 'call')) {
            // a validator that warns whenever its field is set: any warning category counts
            const msg = deprecationWarningMessage(call) ?? anyWarningMessage(call);
            if (msg === undefined) continue;
            const repl = mentionedParams(msg, new Set([...own, ...allKnown])).find((x) => x !== field);
            found[field] = { deprecated: true, ...(repl ? { replacement: repl } : {}), note: msg.slice(0, 240) };
          }
        }
      }
      Object.assign(params, mergeDeprecations(params, found));
    }
    return { params, bases, attrs: true, hasInit: false, varKeyword: false };
  }
  return { params, bases, attrs: false, hasInit: false, varKeyword: true };
}

/** Names read from a `**kwargs` dict in a body: kwargs.get/pop("x"), kwargs["x"], "x" in kwargs. */
function kwargsAccessed(body: Node): string[] {
  const out = new Set<string>();
  // `if kwargs.get("xcom_push") is not None: raise …` rejects the argument rather than accepting it
  const rejected = (n: Node): boolean => {
    for (let p: Node | null = n.parent; p && p.id !== body.id; p = p.parent) {
      const ifst = p.parent;
      if (ifst && (ifst.type === 'if_statement' || ifst.type === 'elif_clause') && ifst.childForFieldName('condition')?.id === p.id) {
        const cons = ifst.childForFieldName('consequence');
        if (cons?.namedChildren.some((st) => st?.type === 'raise_statement')) return true;
      }
      if (p.type === 'if_statement' && p.childForFieldName('condition')?.id === n.id) break;
    }
    const direct = n.parent?.type === 'if_statement' || n.parent?.type === 'elif_clause' ? n.parent : undefined;
    return !!direct?.childForFieldName('consequence')?.namedChildren.some((st) => st?.type === 'raise_statement');
  };
  for (const call of allDescendants(body, 'call')) {
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'attribute' || fn.childForFieldName('object')?.text !== 'kwargs') continue;
    if (!['get', 'pop'].includes(fn.childForFieldName('attribute')?.text ?? '')) continue;
    const k = stringText(call.childForFieldName('arguments')?.namedChildren[0]);
    if (k && !rejected(call)) out.add(k);
  }
  for (const sub of allDescendants(body, 'subscript')) {
    if (sub.childForFieldName('value')?.text !== 'kwargs') continue;
    const k = stringText(sub.childForFieldName('subscript'));
    if (k && !rejected(sub)) out.add(k);
  }
  for (const cmp of allDescendants(body, 'comparison_operator')) {
    const m = /^["']([A-Za-z_][A-Za-z0-9_]*)["']\s+in\s+kwargs$/.exec(cmp.text);
    if (m && !rejected(cmp)) out.add(m[1]);
  }
  return [...out].filter((n) => !n.startsWith('_') && /^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
}

/** Keyword parameters of a module-level function (e.g. the `task` / `python_task` decorator). */
export function functionParams(root: Node, name: string): Record<string, ParamFact> | undefined {
  for (const st0 of moduleLevelStatements(root)) {
    const st = st0.type === 'decorated_definition' ? st0.childForFieldName('definition') : st0;
    if (st?.type !== 'function_definition' || st.childForFieldName('name')?.text !== name) continue;
    const out: Record<string, ParamFact> = {};
    for (const n of parameterNames(st)) out[n] = {};
    return out;
  }
  return undefined;
}

function mergeDeprecations(params: Record<string, ParamFact>, found: Record<string, ParamFact>): Record<string, ParamFact> {
  const out: Record<string, ParamFact> = {};
  for (const [k, v] of Object.entries(found)) if (k in params) out[k] = v;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Template context keys.

/** Keys of a TypedDict class named `className` (annotated class-body names). */
export function typedDictKeys(root: Node, className: string): string[] {
  const out: string[] = [];
  for (const cls of allDescendants(root, 'class_definition')) {
    if (cls.childForFieldName('name')?.text !== className) continue;
    if (!/TypedDict/.test(cls.childForFieldName('superclasses')?.text ?? '')) continue;
    for (const st of cls.childForFieldName('body')?.namedChildren ?? []) {
      if (st?.type !== 'expression_statement') continue;
      const a = st.namedChildren[0];
      const left = a?.type === 'assignment' ? a.childForFieldName('left') : undefined;
      if (left?.type === 'identifier' && a?.childForFieldName('type')) out.push(left.text);
    }
  }
  return out;
}

/** A context key as built by get_template_context; `deprecated_proxy(...)` values (2.2.0–2.2.2) are deprecated. */
export interface ContextKeyFact {
  deprecated?: boolean;
  replacement?: string;
}

/** String keys of dict literals assigned to / returned from `fnName`, plus `context["k"] = …` stores. */
export function contextKeysOfFunction(root: Node, fnName: string): Map<string, ContextKeyFact> {
  const keys = new Map<string, ContextKeyFact>();
  for (const fn of allDescendants(root, 'function_definition')) {
    if (fn.childForFieldName('name')?.text !== fnName) continue;
    const body = fn.childForFieldName('body');
    if (!body) continue;
    for (const d of allDescendants(body, 'dictionary')) {
      // only dicts that are the context itself: returned, or assigned to a *context* variable
      const p = d.parent;
      const target = p?.type === 'assignment' ? p.childForFieldName('left')?.text ?? '' : '';
      // Context({...}) and context.update({...}) / self._cached_template_context.update({...})
      const callee = p?.type === 'argument_list' && p.parent?.type === 'call' ? calleeName(p.parent) : '';
      const viaCall = /(^|\.)Context$/.test(callee) || /context\w*\.update$/i.test(callee);
      if (p?.type !== 'return_statement' && !/context/i.test(target) && !viaCall) continue;
      for (const pair of d.namedChildren) {
        if (pair?.type !== 'pair') continue;
        const k = stringText(pair.childForFieldName('key'));
        if (!k) continue;
        const v = pair.childForFieldName('value');
        const fact: ContextKeyFact = {};
        if (v?.type === 'call' && /deprecated_proxy$/.test(calleeName(v))) {
          fact.deprecated = true;
          for (const a of v.childForFieldName('arguments')?.namedChildren ?? []) {
            if (a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'replacement') fact.replacement = stringText(a.childForFieldName('value'));
          }
        }
        if (!keys.has(k)) keys.set(k, fact);
      }
    }
    for (const k of subscriptStores(body, /context/i)) if (!keys.has(k)) keys.set(k, {});
  }
  return keys;
}

/** `<var>["key"] = …` stores where <var> matches `varPattern`. */
export function subscriptStores(node: Node, varPattern: RegExp): string[] {
  const out: string[] = [];
  for (const a of allDescendants(node, 'assignment')) {
    const left = a.childForFieldName('left');
    if (left?.type !== 'subscript') continue;
    const obj = left.childForFieldName('value')?.text ?? '';
    if (!varPattern.test(obj)) continue;
    const k = stringText(left.childForFieldName('subscript'));
    if (k) out.push(k);
  }
  return out;
}

/** A module- or class-level dict literal assigned to `name` anywhere in the file. */
export function dictAssignedTo(root: Node, name: string): Record<string, PyValue> | undefined {
  for (const a of allDescendants(root, 'assignment')) {
    if (a.childForFieldName('left')?.text !== name) continue;
    const v = literal(a.childForFieldName('right'));
    if (v && typeof v === 'object' && !Array.isArray(v) && !isUnknown(v)) return v;
  }
  return undefined;
}

/** A set/list/tuple/frozenset literal of strings assigned to `name` anywhere in the file. */
export function stringCollectionAssignedTo(root: Node, name: string): string[] | undefined {
  for (const a of allDescendants(root, 'assignment')) {
    if (a.childForFieldName('left')?.text !== name) continue;
    let right = a.childForFieldName('right');
    if (right?.type === 'call') right = right.childForFieldName('arguments')?.namedChildren[0] ?? null;
    const v = literal(right);
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  }
  return undefined;
}

/** `NAME = "value"` string members of a (top-level) class, e.g. the TriggerRule enum: value → member name. */
export function enumStringMembers(root: Node, className: string): Map<string, string> {
  const out = new Map<string, string>();
  const cls = topLevelClasses(root).get(className);
  const body = cls ? classBody(cls) : null;
  for (const st of body?.namedChildren ?? []) {
    if (st?.type !== 'expression_statement') continue;
    const a = st.namedChildren[0];
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    const v = stringText(a.childForFieldName('right'));
    if (left?.type === 'identifier' && /^[A-Z][A-Z0-9_]*$/.test(left.text) && v !== undefined) out.set(v, left.text);
  }
  return out;
}

/**
 * Values of `param` that a function warns about: `if param == "old": warnings.warn("… use `new` …")`
 * (BaseOperator.__init__ and `trigger_rule="none_failed_or_skipped"`). Returns value → warning message.
 */
export function deprecatedParamValues(root: Node, param: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const ifs of allDescendants(root, 'if_statement')) {
    const cond = ifs.childForFieldName('condition');
    if (cond?.type !== 'comparison_operator' || cond.namedChildren.length !== 2) continue;
    const [l, r] = cond.namedChildren;
    if (l?.text !== param || !/==/.test(cond.text)) continue;
    const value = stringText(r);
    if (value === undefined) continue;
    for (const call of allDescendants(ifs.childForFieldName('consequence')!, 'call')) {
      const msg = deprecationWarningMessage(call);
      if (msg !== undefined) {
        out.set(value, msg);
        break;
      }
    }
  }
  return out;
}
