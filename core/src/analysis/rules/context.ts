import semver from 'semver';
import { firstAvailable, normaliseVersion, removedIn } from '../../knowledge';
import { airflowDecoratorName, isTaskDecorator } from '../airflowNames';
import type { CallFact, FunctionFact, StringFact } from '../facts';
import { rangeOf } from '../facts';
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import { addedBetweenScans, uncertainNote, cachedStatus, noteFor } from './scanGaps';
import type { Range } from '../types';

/**
 * AF121: template variable / context key the target does not provide (removed or not yet
 * added; deprecated keys are warnings with the replacement). Looks at Jinja expressions in
 * string literals and at task callables (TaskFlow functions, python_callable=, callbacks):
 * parameters named after context keys and `context["key"]` / `kwargs.get("key")` lookups.
 */
export const contextRule: Rule = {
  infos: [
    { code: 'AF121', title: 'Template variable or context key unavailable in the target', defaultSeverity: 'error', help: 'The Jinja template variable or task-context key does not exist in the Airflow version the target runs (it renders empty or raises KeyError / UndefinedError); deprecated keys are reported as warnings.' },
  ],
  run(ctx) {
    if (!ctx.kb.contextKeys().length) return;
    const docNames = documentationNames(ctx);
    for (const s of ctx.facts.strings) {
      if (isDocstring(s.node) || isNonTemplatedArg(s.node) || isDocumentationValue(s.node, docNames)) continue;
      scanJinja(ctx, s, isFormatReceiver(s.node));
    }
    for (const c of taskCallables(ctx)) scanCallable(ctx, c);
  },
};

const NON_TEMPLATED_ARGS = new Set(['doc_md', 'doc', 'doc_rst', 'doc_yaml', 'doc_json', 'description', 'task_id', 'dag_id', 'owner', 'tags', 'dag_display_name', 'task_display_name', 'tooltip']);

/**
 * The expression a string literal is part of, through wrappers that keep it documentation:
 * `textwrap.dedent(...)`, `"...".strip()`, `"a" + "b"`, parentheses.
 */
function enclosingValue(n: Node): Node {
  let cur: Node = n;
  for (let i = 0; i < 8 && cur.parent; i++) {
    const p: Node = cur.parent;
    if (p.type === 'concatenated_string' || p.type === 'parenthesized_expression' || p.type === 'binary_operator' || p.type === 'argument_list') cur = p;
    else if (p.type === 'attribute' && p.childForFieldName('object')?.id === cur.id && p.parent?.type === 'call') cur = p.parent;
    else if (p.type === 'call' && p.childForFieldName('arguments')?.id === cur.id) cur = p;
    else break;
  }
  return cur;
}

function isDocstring(n: Node): boolean {
  const p = n.parent;
  if (p?.type !== 'expression_statement' || p.namedChildCount !== 1) return false;
  return true;
}

/** Names of variables passed as documentation (`doc_md=DOC`): their text is Markdown, never rendered. */
function documentationNames(ctx: RuleContext): Set<string> {
  const out = new Set<string>();
  for (const call of ctx.facts.calls) {
    for (const a of call.args) if (a.name && NON_TEMPLATED_ARGS.has(a.name) && a.value.type === 'identifier') out.add(a.value.text);
  }
  return out;
}

/** `DOC = """…"""` used as doc_md, or `task.doc_md = """…"""`. */
function isDocumentationValue(n: Node, docNames: Set<string>): boolean {
  const cur = enclosingValue(n);
  const p = cur.parent;
  if (p?.type !== 'assignment' || p.childForFieldName('right')?.id !== cur.id) return false;
  const left = p.childForFieldName('left');
  if (left?.type === 'identifier') return docNames.has(left.text);
  if (left?.type === 'attribute') return NON_TEMPLATED_ARGS.has(left.childForFieldName('attribute')?.text ?? '');
  return false;
}

/** `"…{{{{ ds }}}}…".format(x)`: like an f-string, doubled braces are literal braces. */
function isFormatReceiver(n: Node): boolean {
  let cur: Node = n;
  if (cur.parent?.type === 'concatenated_string') cur = cur.parent;
  if (cur.parent?.type === 'parenthesized_expression') cur = cur.parent;
  const attr = cur.parent;
  return attr?.type === 'attribute' && attr.childForFieldName('object')?.id === cur.id && attr.childForFieldName('attribute')?.text === 'format' && attr.parent?.type === 'call';
}

function isNonTemplatedArg(n: Node): boolean {
  const p = enclosingValue(n).parent;
  if (p?.type !== 'keyword_argument') return false;
  return NON_TEMPLATED_ARGS.has(p.childForFieldName('name')?.text ?? '');
}

const JINJA_KEYWORDS = new Set(['if', 'else', 'elif', 'endif', 'for', 'in', 'endfor', 'not', 'and', 'or', 'is', 'none', 'None', 'true', 'false', 'True', 'False', 'set', 'endset', 'macro', 'endmacro', 'loop', 'raw', 'endraw', 'with', 'endwith', 'block', 'endblock', 'filter', 'endfilter', 'defined', 'undefined', 'range', 'lipsum', 'dict', 'cycler', 'joiner', 'namespace', 'self', 'caller', 'call', 'endcall', 'include', 'import', 'from', 'as', 'extends']);

/** Scan `{{ … }}` and `{% … %}` in a string for context variables (f-strings: `{{{{ … }}}}`). */
function scanJinja(ctx: RuleContext, s: StringFact, doubledBraces = false) {
  // Jinja comments `{# … #}` and `{% raw %}…{% endraw %}` blocks are not evaluated; blank them out (keeping offsets).
  const text = s.value.replace(/\{#[\s\S]*?#\}|\{%-?\s*raw\s*-?%\}[\s\S]*?\{%-?\s*endraw\s*-?%\}/g, (m) => ' '.repeat(m.length));
  if (!text.includes('{{') && !text.includes('{%')) return;
  const open = s.isFString || doubledBraces ? /\{\{\{\{([\s\S]*?)\}\}\}\}|\{\{%([\s\S]*?)%\}\}/g : /\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g;
  // Names bound by the template itself ({% set x %}, {% for x in %}) are not context keys.
  const local = new Set<string>();
  for (const m of text.matchAll(/\{%-?\s*(?:set|for)\s+([\w\s,]+?)(?:=|\bin\b)/g)) for (const n of m[1].split(/[\s,]+/)) if (n) local.add(n);
  for (const m of text.matchAll(open)) {
    const expr = m[1] ?? m[2] ?? '';
    const exprStart = (m.index ?? 0) + m[0].indexOf(expr);
    for (const t of expr.matchAll(/[A-Za-z_]\w*/g)) {
      const name = t[0];
      const at = t.index ?? 0;
      const before = expr.slice(0, at).replace(/\s+$/, '');
      if (before.endsWith('.') || before.endsWith('|') || /\|\s*\w*\($/.test(before)) continue;
      if (/\bis\s*(not\s*)?$/.test(before)) continue; // `x is defined`
      if (JINJA_KEYWORDS.has(name) || local.has(name)) continue;
      // keyword arguments inside calls: macros.ds_add(ds, days=1) → skip `days`
      if (/^\s*=(?!=)/.test(expr.slice(at + name.length))) continue;
      if (inStringLiteral(expr, at)) continue;
      const offset = s.contentOffset + exprStart + at;
      report(ctx, name, stringRange(s, offset, name.length), 'template');
    }
  }
}

function inStringLiteral(expr: string, at: number): boolean {
  let quote: string | null = null;
  for (let i = 0; i < at; i++) {
    const c = expr[i];
    if (quote) {
      if (c === quote && expr[i - 1] !== '\\') quote = null;
    } else if (c === '"' || c === "'") quote = c;
  }
  return quote !== null;
}

/** Map an offset inside the string node's text to a document range (strings may span lines). */
function stringRange(s: StringFact, offset: number, length: number): Range {
  const nodeText = s.node.text;
  const before = nodeText.slice(0, offset);
  const lines = before.split('\n');
  const line = s.range.start.line + lines.length - 1;
  const character = lines.length === 1 ? s.range.start.character + before.length : lines[lines.length - 1].length;
  return { start: { line, character }, end: { line, character: character + length } };
}

/**
 * Names Airflow's Context type (2.3+ utils/context.pyi, 3.x sdk definitions/context.py) and
 * KNOWN_CONTEXT_KEYS list but no version's get_template_context sets (see the scripts/kb/overrides.json
 * evidence): only the failure e-mail template receives them. → what to use instead.
 */
const NEVER_IN_CONTEXT: Record<string, string> = { try_number: 'ti.try_number' };

function report(ctx: RuleContext, key: string, range: Range, where: 'template' | 'parameter' | 'lookup' | 'get') {
  const av = ctx.kb.contextKey(key);
  if (!av) {
    const use = NEVER_IN_CONTEXT[key];
    // a callable's parameter of that name just keeps its default; a template or lookup fails
    if (!use || where === 'parameter' || !Object.hasOwn(NEVER_IN_CONTEXT, key)) return;
    const fixes = where === 'template' ? [{ title: `Replace \`${key}\` with \`${use}\``, edits: [{ range, newText: use }], isPreferred: true }] : undefined;
    const effect = where === 'template' ? `\`{{ ${key} }}\` is undefined and rendering fails (StrictUndefined)` : `the lookup finds nothing (KeyError; None from .get)`;
    ctx.report({ code: 'AF121', message: `\`${key}\` is not in the task context of any Airflow version (typed, but only the failure e-mail template receives it): ${effect}; ${ctx.target.label} runs Airflow ${ctx.target.airflow}. Use \`${use}\` instead.`, range, fixes, data: { contextKey: key } });
    return;
  }
  const v = ctx.target.airflow;
  const status = cachedStatus(av, v);
  if (status === 'available') return;
  const what = where === 'template' ? 'Template variable' : 'Context key';
  const forward = status !== 'notYet';
  const repAv = av.replacement && /^[A-Za-z_]\w*$/.test(av.replacement) ? ctx.kb.contextKey(av.replacement) : undefined;
  const repOk = !repAv || ['available', 'deprecated'].includes(cachedStatus(repAv, v));
  const instead = av.replacement && forward && repOk ? ` Use \`${av.replacement}\` instead.` : '';
  const note = forward ? noteFor(av.note, status) : '';
  const evidence = av.evidence?.slice(0, 3).map((e) => ({ repo: e.repo, path: e.path, ref: e.ref }));
  const simple = av.replacement && /^[A-Za-z_]\w*$/.test(av.replacement);
  const fixes = simple && forward && repOk && where !== 'parameter' ? [{ title: `Replace \`${key}\` with \`${av.replacement}\``, edits: [{ range, newText: av.replacement! }], isPreferred: true }] : undefined;
  const runs = `${ctx.target.label} runs Airflow ${v}`;
  if (status === 'deprecated') {
    ctx.report({ code: 'AF121', severity: 'warning', message: `${what} \`${key}\` is deprecated in Airflow ${v} (${ctx.target.label}).${instead}${note}`, range, fixes, evidence, data: { contextKey: key } });
  } else if (status === 'notYet' && addedBetweenScans(ctx, av)) {
    ctx.report({ code: 'AF121', severity: 'warning', message: `${what} \`${key}\` may not be available in Airflow ${v}; ${runs}.${uncertainNote(ctx, addedBetweenScans(ctx, av)!)}${instead}`, range, fixes, evidence, data: { contextKey: key, uncertain: true } });
  } else if (status === 'notYet') {
    // `.get()` does not raise, but the task goes on with None where it expects the value
    const none = where === 'get' ? ' `.get()` returns None there.' : '';
    ctx.report({ code: 'AF121', message: `${what} \`${key}\` is only available from Airflow ${firstAvailable(av)}; ${runs}.${none}${instead}${note}`, range, fixes, evidence, data: { contextKey: key } });
  } else if (where === 'parameter' && TYPED_NOT_SET_3X.has(key) && semver.gte(normaliseVersion(v), '3.0.0')) {
    // Airflow 3 still lists the key in KNOWN_CONTEXT_KEYS and defaults such a parameter to None
    // (Airflow's own 3.0 example_passing_params_via_test_command takes `test_mode=None`): it works, it is just never set.
    ctx.report({ code: 'AF121', severity: 'warning', message: `${what} \`${key}\` is not set by Airflow ${v}'s task runner (${ctx.target.label}); the parameter always gets None.${note}`, range, evidence, data: { contextKey: key } });
  } else {
    const gone = removedIn(av, v);
    const none = where === 'get' ? ' `.get()` returns None there.' : '';
    ctx.report({ code: 'AF121', message: `${what} \`${key}\` ${gone ? `was removed in Airflow ${gone}` : 'does not exist'}; ${runs}.${none}${instead}${note}`, range, fixes, evidence, data: { contextKey: key } });
  }
}

/** Keys Airflow 3's Context type and KNOWN_CONTEXT_KEYS list but its task runner never sets (overrides.json). */
const TYPED_NOT_SET_3X = new Set(['test_mode', 'expanded_ti_count']);

const CALLBACK_ARGS = /^(on_(success|failure|retry|execute|skipped)_callback|sla_miss_callback|on_.*_callback)$/;
/** Operator methods Airflow calls with the context as their first argument after `self`. */
const CONTEXT_METHODS = new Set(['execute', 'poke', 'pre_execute', 'post_execute', 'execute_complete', 'on_kill', 'render_template_fields']);

/**
 * How Airflow hands the context to a function:
 * - `kwargs`: context keys are passed as keyword arguments (TaskFlow, python_callable): a
 *   parameter named after a key receives it, unless the caller binds it (op_kwargs/op_args,
 *   arguments at the TaskFlow call site).
 * - `positional`: one context dict as the first argument (callbacks; `execute(self, context)`).
 */
interface ContextCallable {
  fn: FunctionFact;
  mode: 'kwargs' | 'positional';
  /** Parameter names bound by the caller (never taken from the context). */
  bound: Set<string>;
  /** Number of leading positional parameters bound by the caller. */
  boundPositional: number;
  /** A TaskFlow function (decorated with @task…). */
  taskflow?: boolean;
}

/** Functions that Airflow calls with the task context. */
function taskCallables(ctx: RuleContext): ContextCallable[] {
  const { facts } = ctx;
  const byName = new Map<string, FunctionFact[]>();
  for (const f of facts.functions) byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
  const out = new Map<FunctionFact, ContextCallable>();
  const get = (fn: FunctionFact, mode: ContextCallable['mode']) => {
    let c = out.get(fn);
    if (!c) out.set(fn, (c = { fn, mode, bound: new Set(), boundPositional: 0 }));
    return c;
  };
  // Calls grouped by the identifier their callee starts with (string work only: node access is costly).
  const callsByRoot = new Map<string, CallFact[]>();
  for (const call of facts.calls) {
    const root = /^[A-Za-z_]\w*/.exec(call.calleeText)?.[0];
    if (root) {
      const l = callsByRoot.get(root);
      if (l) l.push(call);
      else callsByRoot.set(root, [call]);
    }
  }
  for (const f of facts.functions) {
    if (f.decorators.some((d) => isTaskDecorator(airflowDecoratorName(d.text, d.resolved, facts)))) {
      const c = get(f, 'kwargs');
      c.taskflow = true;
      // Arguments given where the TaskFlow function is called: `fn(a, b=1)`, `fn.override(...)(a)`, `fn.expand(b=…)`.
      for (const call of callsByRoot.get(f.name) ?? []) {
        const direct = call.calleeText === f.name || call.calleeText.startsWith(`${f.name}.override(`);
        const mapping = call.method === 'expand' || call.method === 'partial';
        if (!direct && !mapping) continue;
        for (const a of call.args) if (a.name) c.bound.add(a.name);
        if (call.hasStarArgs) c.bound.add('*'); // fn(**cfg) / fn(*values): any parameter may be given
        if (direct) c.boundPositional = Math.max(c.boundPositional, call.args.filter((a) => !a.name).length);
      }
    } else if (f.nested && CONTEXT_METHODS.has(f.name) && f.node.parent?.parent?.type === 'class_definition') {
      get(f, 'positional');
    }
  }
  for (const call of facts.calls) {
    const byArg = new Map(call.args.filter((a) => a.name).map((a) => [a.name!, a]));
    for (const a of call.args) {
      if (a.name !== 'python_callable' || (a.value.type !== 'identifier' && a.value.type !== 'lambda')) continue;
      for (const f of a.value.type === 'lambda' ? [lambdaFunction(a.value)] : byName.get(a.value.text) ?? []) {
        const c = get(f, 'kwargs');
        for (const k of dictKeys(byArg.get('op_kwargs')?.value)) c.bound.add(k);
        c.boundPositional = Math.max(c.boundPositional, sequenceLength(byArg.get('op_args')?.value));
      }
    }
    for (const a of call.args) {
      if (!a.name || !CALLBACK_ARGS.test(a.name)) continue;
      if (a.value.type === 'lambda') get(lambdaFunction(a.value), 'positional');
      else for (const id of callbackNames(a.value)) for (const f of byName.get(id) ?? []) if (!out.has(f)) get(f, 'positional');
    }
  }
  // default_args={"on_failure_callback": notify, ...}
  const pairs = /["']on_\w*_callback["']\s*:/.test(facts.text) ? facts.nodes?.get('pair') ?? [] : [];
  for (const n of pairs) {
    const key = stringContent(n.childForFieldName('key'));
    const value = n.childForFieldName('value');
    if (key && CALLBACK_ARGS.test(key) && value) for (const id of callbackNames(value)) for (const f of byName.get(id) ?? []) if (!out.has(f)) get(f, 'positional');
  }
  return [...out.values()];
}

/**
 * `def export_range(table, start_date=None, end_date=None)` on Airflow 2/3: a parameter with a
 * default named after a key only Airflow 1.10 had (end_date, latest_date, tables) is the function's
 * own parameter, not a leftover context key; it keeps its default and the task runs.
 */
function ownParameter(ctx: RuleContext, key: string): boolean {
  const av = ctx.kb.contextKey(key);
  if (!av || cachedStatus(av, ctx.target.airflow) !== 'removed') return false;
  return av.available.every((r) => r.to !== null && semver.lte(normaliseVersion(r.to), '2.0.0')) && semver.gte(normaliseVersion(ctx.target.airflow), '2.0.0');
}

/** The target's context has the key (so the author of a TaskFlow function on 2.0 meant the context value). */
function providedHere(ctx: RuleContext, key: string): boolean {
  const av = ctx.kb.contextKey(key);
  return !!av && ['available', 'deprecated'].includes(cachedStatus(av, ctx.target.airflow));
}

function parametersWithDefault(fn: Node): Set<string> {
  const out = new Set<string>();
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p?.type === 'default_parameter' || p?.type === 'typed_default_parameter') {
      const n = p.childForFieldName('name');
      if (n) out.add(n.text);
    }
  }
  return out;
}

/** A `lambda` passed as python_callable / callback, seen as a function (its body is an expression). */
function lambdaFunction(n: Node): FunctionFact {
  const params: FunctionFact['params'] = [];
  for (const p of n.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p) continue;
    if (p.type === 'identifier') params.push({ name: p.text, range: rangeOf(p), kind: 'normal' });
    else if (p.type === 'default_parameter') {
      const id = p.childForFieldName('name');
      if (id) params.push({ name: id.text, range: rangeOf(id), kind: 'normal' });
    } else if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') {
      const id = p.namedChild(0);
      if (id?.type === 'identifier') params.push({ name: id.text, range: rangeOf(id), kind: p.type === 'list_splat_pattern' ? 'args' : 'kwargs' });
    }
  }
  return { node: n, name: '<lambda>', nameRange: rangeOf(n), params, decorators: [], nested: true };
}

/** `cb` or `[cb1, cb2]` / `(cb1, cb2)`. */
function callbackNames(v: Node): string[] {
  if (v.type === 'identifier') return [v.text];
  if (v.type === 'list' || v.type === 'tuple') return v.namedChildren.filter((c) => c?.type === 'identifier').map((c) => c!.text);
  return [];
}

/** `ctx["k"] if "k" in ctx else …` / `if "k" in ctx: … ctx["k"]`: the code already handles a missing key. */
/**
 * `context.get("execution_date", fallback)` and `context.get("logical_date") or context.get("execution_date")`:
 * the code expects the key may be missing (compat code for several Airflow versions), so a missing key is
 * no failure there.
 */
function defensiveGet(call: Node): boolean {
  const args = call.childForFieldName('arguments')?.namedChildren.filter((c) => c && c.type !== 'comment') ?? [];
  if (args.length >= 2) return true;
  let p = call.parent;
  while (p?.type === 'parenthesized_expression') p = p.parent;
  return p?.type === 'boolean_operator' && p.childForFieldName('operator')?.text === 'or';
}

function membershipGuarded(n: Node, key: string, obj: string, stop: Node): boolean {
  const test = new RegExp(`["']${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']\\s+in\\s+${obj}\\b`);
  for (let p = n.parent; p && p.id !== stop.id; p = p.parent) {
    if (p.type === 'conditional_expression' || p.type === 'if_statement' || p.type === 'elif_clause') {
      const cond = p.type === 'conditional_expression' ? p.namedChild(1) : p.childForFieldName('condition');
      if (cond && test.test(cond.text)) return true;
    }
  }
  return false;
}

/** Keys of `{"a": …}` / `dict(a=…)`; a non-literal mapping binds everything we cannot see. */
function dictKeys(n: Node | undefined): string[] {
  if (!n) return [];
  if (n.type === 'dictionary') {
    return n.namedChildren.filter((p) => p?.type === 'pair').map((p) => stringContent(p!.childForFieldName('key'))).filter((k): k is string => !!k);
  }
  if (n.type === 'call' && n.childForFieldName('function')?.text === 'dict') {
    return (n.childForFieldName('arguments')?.namedChildren ?? []).filter((a) => a?.type === 'keyword_argument').map((a) => a!.childForFieldName('name')!.text);
  }
  return ['*'];
}

function sequenceLength(n: Node | undefined): number {
  if (!n) return 0;
  if (n.type === 'list' || n.type === 'tuple') return n.namedChildren.filter((c) => c && c.type !== 'comment').length;
  return Number.POSITIVE_INFINITY;
}

function stringContent(n: Node | null | undefined): string | undefined {
  if (n?.type !== 'string') return undefined;
  return n.namedChildren.find((c) => c?.type === 'string_content')?.text ?? '';
}

/**
 * Airflow 2.0's TaskFlow operator called the function with its own arguments only (no context):
 * `ds=None` stays None and `context["ds"]` of a `**context` parameter raises KeyError.
 */
function taskflowWithoutContext(ctx: RuleContext): boolean {
  const f = ctx.kb.feature('taskflow_context_kwargs');
  const tf = ctx.kb.feature('taskflow');
  return !!f && !!tf && cachedStatus(f, ctx.target.airflow) === 'notYet' && cachedStatus(tf, ctx.target.airflow) !== 'notYet';
}

function reportNoTaskflowContext(ctx: RuleContext, key: string, range: Range, where: 'parameter' | 'lookup') {
  const f = ctx.kb.feature('taskflow_context_kwargs')!;
  const evidence = f.evidence?.slice(0, 3).map((e) => ({ repo: e.repo, path: e.path, ref: e.ref }));
  const what = where === 'parameter' ? `parameter \`${key}\` stays at its default (or the call fails when it has none)` : `its **kwargs holds no \`${key}\``;
  ctx.report({
    code: 'AF121',
    message: `Context key \`${key}\`: before Airflow ${firstAvailable(f)} a TaskFlow function receives no context, so ${what}; ${ctx.target.label} runs Airflow ${ctx.target.airflow}. Use get_current_context() from airflow.operators.python inside the function.`,
    range, evidence, data: { contextKey: key },
  });
}

function scanCallable(ctx: RuleContext, c: ContextCallable) {
  const { fn } = c;
  const contextNames = new Set<string>(['context']);
  /** `**kwargs` of a TaskFlow function on Airflow 2.0: holds no context keys. */
  const emptyKwargs = new Set<string>();
  const noContext = !!c.taskflow && taskflowWithoutContext(ctx);
  const normal = fn.params.filter((p) => p.kind === 'normal' && p.name !== 'self' && p.name !== 'cls');
  const defaults = parametersWithDefault(fn.node);
  const starKwargs = new Set(fn.params.filter((p) => p.kind === 'kwargs').map((p) => p.name));
  if (c.mode === 'positional') {
    if (normal[0]) contextNames.add(normal[0].name);
  } else {
    for (const p of fn.params) if (p.kind === 'kwargs') (noContext ? emptyKwargs : contextNames).add(p.name);
    if (noContext) contextNames.delete('context');
    if (!c.bound.has('*')) {
      normal.forEach((p, i) => {
        if (i < c.boundPositional || c.bound.has(p.name)) return;
        if (noContext) {
          if (providedHere(ctx, p.name)) reportNoTaskflowContext(ctx, p.name, p.range, 'parameter');
        } else if (!(defaults.has(p.name) && ownParameter(ctx, p.name))) report(ctx, p.name, p.range, 'parameter');
      });
    }
  }
  const body = fn.node.childForFieldName('body');
  if (!body) return;
  // Variables assigned from get_current_context() hold the context too.
  const stack: Node[] = [body];
  const lookups: Node[] = [];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'function_definition' || n.type === 'class_definition') continue; // own scope
    if (n.type === 'assignment') {
      const right = n.childForFieldName('right');
      const left = n.childForFieldName('left');
      if (right?.type === 'call' && /(^|\.)get_current_context$/.test(right.childForFieldName('function')?.text ?? '') && left?.type === 'identifier') contextNames.add(left.text);
    }
    if (n.type === 'subscript' || n.type === 'call') lookups.push(n);
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c) stack.push(c);
    }
  }
  lookups.sort((a, b) => a.startIndex - b.startIndex);
  for (const n of lookups) {
    let obj: Node | null = null;
    let keyNode: Node | null | undefined = null;
    if (n.type === 'subscript') {
      obj = n.childForFieldName('value');
      keyNode = n.childForFieldName('subscript');
    } else {
      const f = n.childForFieldName('function');
      if (f?.type !== 'attribute' || f.childForFieldName('attribute')?.text !== 'get') continue;
      obj = f.childForFieldName('object');
      keyNode = n.childForFieldName('arguments')?.namedChild(0);
    }
    if (!obj || obj.type !== 'identifier' || keyNode?.type !== 'string') continue;
    const empty = emptyKwargs.has(obj.text) && !contextNames.has(obj.text);
    if (!contextNames.has(obj.text) && !empty) continue;
    const content = keyNode.namedChildren.find((c) => c?.type === 'string_content');
    // `**kwargs` also holds what the caller passes: op_kwargs={"end_date": …} / fn(end_date=…) is no context key.
    if (content && c.mode === 'kwargs' && starKwargs.has(obj.text) && (c.bound.has(content.text) || c.bound.has('*'))) continue;
    if (!content || membershipGuarded(n, content.text, obj.text, body) || (n.type === 'call' && defensiveGet(n))) continue;
    if (empty) {
      // `kwargs.get("ds")` returns None rather than raising; still never the context value.
      if (ctx.kb.contextKey(content.text)) reportNoTaskflowContext(ctx, content.text, rangeOf(content), 'lookup');
    } else report(ctx, content.text, rangeOf(content), n.type === 'call' ? 'get' : 'lookup');
  }
}
