import { firstAvailable, removedIn, statusAt } from '../../knowledge';
import { airflowDecoratorName, isTaskDecorator } from '../airflowNames';
import type { FunctionFact, StringFact } from '../facts';
import { rangeOf } from '../facts';
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
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
    for (const s of ctx.facts.strings) {
      if (isDocstring(s.node) || isNonTemplatedArg(s.node)) continue;
      scanJinja(ctx, s);
    }
    for (const fn of taskCallables(ctx)) scanCallable(ctx, fn);
  },
};

const NON_TEMPLATED_ARGS = new Set(['doc_md', 'doc', 'doc_rst', 'doc_yaml', 'doc_json', 'description', 'task_id', 'dag_id', 'owner', 'tags']);

function isDocstring(n: Node): boolean {
  const p = n.parent;
  if (p?.type !== 'expression_statement' || p.namedChildCount !== 1) return false;
  return true;
}

function isNonTemplatedArg(n: Node): boolean {
  let p = n.parent;
  if (p?.type === 'concatenated_string') p = p.parent;
  if (p?.type !== 'keyword_argument') return false;
  return NON_TEMPLATED_ARGS.has(p.childForFieldName('name')?.text ?? '');
}

const JINJA_KEYWORDS = new Set(['if', 'else', 'elif', 'endif', 'for', 'in', 'endfor', 'not', 'and', 'or', 'is', 'none', 'None', 'true', 'false', 'True', 'False', 'set', 'endset', 'macro', 'endmacro', 'loop', 'raw', 'endraw', 'with', 'endwith', 'block', 'endblock', 'filter', 'endfilter', 'defined', 'undefined', 'range', 'lipsum', 'dict', 'cycler', 'joiner', 'namespace', 'self', 'caller', 'call', 'endcall', 'include', 'import', 'from', 'as', 'extends']);

/** Scan `{{ … }}` and `{% … %}` in a string for context variables (f-strings: `{{{{ … }}}}`). */
function scanJinja(ctx: RuleContext, s: StringFact) {
  const text = s.value;
  if (!text.includes('{{') && !text.includes('{%')) return;
  const open = s.isFString ? /\{\{\{\{([\s\S]*?)\}\}\}\}|\{\{%([\s\S]*?)%\}\}/g : /\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g;
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

function report(ctx: RuleContext, key: string, range: Range, where: 'template' | 'parameter' | 'lookup') {
  const av = ctx.kb.contextKey(key);
  if (!av) return;
  const v = ctx.target.airflow;
  const status = statusAt(av, v);
  if (status === 'available') return;
  const what = where === 'template' ? 'Template variable' : 'Context key';
  const instead = av.replacement ? ` Use \`${av.replacement}\` instead.` : '';
  const note = av.note ? ` ${av.note}` : '';
  const evidence = av.evidence?.slice(0, 3).map((e) => ({ repo: e.repo, path: e.path, ref: e.ref }));
  const simple = av.replacement && /^[A-Za-z_]\w*$/.test(av.replacement);
  const fixes = simple && where !== 'parameter' ? [{ title: `Replace \`${key}\` with \`${av.replacement}\``, edits: [{ range, newText: av.replacement! }], isPreferred: true }] : undefined;
  const runs = `${ctx.target.label} runs Airflow ${v}`;
  if (status === 'deprecated') {
    ctx.report({ code: 'AF121', severity: 'warning', message: `${what} \`${key}\` is deprecated in Airflow ${v}.${instead}${note}`, range, fixes, evidence, data: { contextKey: key } });
  } else if (status === 'notYet') {
    ctx.report({ code: 'AF121', message: `${what} \`${key}\` is only available from Airflow ${firstAvailable(av)}; ${runs}.${instead}${note}`, range, fixes, evidence, data: { contextKey: key } });
  } else {
    const gone = removedIn(av, v);
    ctx.report({ code: 'AF121', message: `${what} \`${key}\` ${gone ? `was removed in Airflow ${gone}` : 'does not exist'}; ${runs}.${instead}${note}`, range, fixes, evidence, data: { contextKey: key } });
  }
}

const CALLBACK_ARGS = /^(python_callable|on_(success|failure|retry|execute|skipped)_callback|sla_miss_callback|on_.*_callback)$/;

/** Functions that Airflow calls with the task context. */
function taskCallables(ctx: RuleContext): FunctionFact[] {
  const { facts } = ctx;
  const byName = new Map<string, FunctionFact[]>();
  for (const f of facts.functions) byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
  const out = new Set<FunctionFact>();
  for (const f of facts.functions) {
    if (f.decorators.some((d) => isTaskDecorator(airflowDecoratorName(d.text, d.resolved, facts)))) out.add(f);
  }
  for (const call of facts.calls) {
    for (const a of call.args) {
      if (!a.name || !CALLBACK_ARGS.test(a.name) || a.value.type !== 'identifier') continue;
      for (const f of byName.get(a.value.text) ?? []) out.add(f);
    }
  }
  return [...out];
}

function scanCallable(ctx: RuleContext, fn: FunctionFact) {
  const contextNames = new Set<string>(['context']);
  for (const p of fn.params) {
    if (p.kind === 'kwargs') contextNames.add(p.name);
    else if (p.kind === 'normal' && p.name !== 'self') report(ctx, p.name, p.range, 'parameter');
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
    if (!obj || obj.type !== 'identifier' || !contextNames.has(obj.text) || keyNode?.type !== 'string') continue;
    const content = keyNode.namedChildren.find((c) => c?.type === 'string_content');
    if (content) report(ctx, content.text, rangeOf(content), 'lookup');
  }
}
