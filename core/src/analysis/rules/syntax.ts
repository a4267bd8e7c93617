import { handlesImportError, isGuarded, nodesOf, parameterName, rangeOf, underCompatGuard, versionTestNames } from '../facts';
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import type { Range } from '../types';

const FEATURE_NODES: ReadonlySet<string> = new Set(['named_expression', 'positional_separator', 'match_statement', 'with_clause', 'except_clause', 'except_group_clause', 'type_alias_statement', 'type_parameter', 'decorator', 'print_statement', 'exec_statement']);

/**
 * AF001: the file does not parse as Python (first ERROR/MISSING node of tree-sitter's error
 * recovery, plus Python 2 statements, IndentationErrors and compile-stage SyntaxErrors the grammar
 * still accepts).
 * AF151: syntax newer than the target's Python (walrus, `match`, `except*`, PEP 695/696/701/758 …),
 * types evaluated on import (`list[int]`, `int | None`), standard-library modules and names the
 * target's Python does not have yet or no longer has (`zoneinfo` on 3.8, `imp` on 3.12).
 */
export const syntaxRule: Rule = {
  infos: [
    { code: 'AF001', title: 'File does not parse as Python', defaultSeverity: 'error', help: 'Airflow cannot import a DAG file with a syntax error; the DAG disappears from the UI and an import error is shown.' },
    { code: 'AF151', title: 'Python syntax newer than the target Python', defaultSeverity: 'error', help: "The file uses syntax that the target platform's Python version cannot parse (or an annotation such as `list[int]` or `int | None` that it cannot evaluate when the definition runs, or a standard-library module or name that Python version does not have yet — or no longer has, such as `imp` on 3.12), so the DAG fails to import there (or the task fails when that code runs)." },
  ],
  run(ctx) {
    const root = ctx.facts.root;
    const py = parsePy(ctx.target.python) ?? [99, 0];
    // tree-sitter-python predates PEP 696: `def f[T = int]()` is an ERROR node that is valid 3.13 syntax
    const defaults = root.hasError ? typeParameterDefaults(root) : [];
    const skip = new Set(defaults.map((d) => d.id));
    if (!(root.hasError && reportParseError(ctx, root, skip)) && !indentationError(ctx, root)) compileError(ctx, root, py);
    checkFeatures(ctx, root, py, defaults);
  },
};

function parsePy(v: string | undefined): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(v ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function describe(n: Node): string {
  const t = n.text.split('\n')[0].trim();
  return t.length > 30 ? `${t.slice(0, 30)}…` : t;
}

/** ERROR nodes tree-sitter makes of a PEP 696 default in a type parameter list: `[T = int]` → ERROR(`T =`). */
function typeParameterDefaults(root: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'ERROR') {
      const last = n.child(n.childCount - 1);
      if (n.parent?.type === 'type_parameter' && last?.type === '=' && n.namedChildren.every((c) => c?.type === 'identifier' || c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern' || c?.type === 'type')) out.push(n);
      continue;
    }
    // `children` once: child(i) on a copy walks i siblings, so a reverse child(i) loop over a long block is quadratic
    const kids = n.children;
    for (let i = kids.length - 1; i >= 0; i--) if (kids[i].hasError) stack.push(kids[i]);
  }
  return out;
}

function reportParseError(ctx: RuleContext, root: Node, skip: ReadonlySet<number>): boolean {
  // Depth-first, first in source order: the earliest ERROR or MISSING node.
  const stack: Node[] = [root];
  let first: Node | undefined;
  while (stack.length) {
    const n = stack.pop()!;
    if (skip.has(n.id)) continue;
    if (n.isMissing || n.type === 'ERROR') {
      if (!first || n.startIndex < first.startIndex) first = n;
      continue;
    }
    if (!n.hasError) continue;
    const kids = n.children;
    for (let i = kids.length - 1; i >= 0; i--) if (kids[i].hasError || kids[i].isMissing) stack.push(kids[i]);
  }
  if (!first) return false;
  const line = first.startPosition.row + 1;
  let message: string;
  let range: Range = rangeOf(first);
  if (first.isMissing) {
    message = `Syntax error at line ${line}: missing \`${first.type}\`.`;
    // zero-width: widen to the character before so editors show it
    if (range.start.character > 0 && range.start.line === range.end.line && range.start.character === range.end.character) {
      range = { start: { line: range.start.line, character: range.start.character - 1 }, end: range.end };
    }
  } else {
    const tok = describe(first);
    message = tok ? `Syntax error at line ${line}: unexpected \`${tok}\`.` : `Syntax error at line ${line}.`;
    if (first.startPosition.row !== first.endPosition.row) {
      range = { start: range.start, end: { line: range.start.line, character: range.start.character + first.text.split('\n')[0].length } };
    }
  }
  ctx.report({ code: 'AF001', message: `${message} Airflow cannot import this file.`, range });
  return true;
}

/** Nodes that hold statements (the only places indentation matters); expressions are not entered. */
const STATEMENT_HOLDERS = /(^module$|^block$|_statement$|_clause$|^decorated_definition$|^function_definition$|^class_definition$|^case_clause$)/;

/**
 * IndentationErrors tree-sitter's lenient scanner accepts: a compound statement with an empty body
 * (`with DAG(...) as dag:` followed by unindented code: "expected an indented block"), statements of
 * one block at different columns ("unindent does not match any outer indentation level" /
 * "unexpected indent"), and an indented first line. One AF001, the first in source order.
 */
function indentationError(ctx: RuleContext, root: Node): boolean {
  let first: { row: number; col: number; message: string } | undefined;
  const consider = (row: number, col: number, message: string) => {
    if (!first || row < first.row) first = { row, col, message };
  };
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'module' || n.type === 'block') {
      const stmts = n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
      if (n.type === 'block' && !stmts.length) {
        const header = n.parent;
        const next = nextStatementStart(n);
        const row = next?.row ?? n.startPosition.row + 1;
        consider(row, next?.column ?? 0, `expected an indented block after the ${header?.type.replace(/_/g, ' ') ?? 'statement'} on line ${(header?.startPosition.row ?? 0) + 1}`);
      }
      // a UTF-8 BOM shifts the first line's column
      const bom = ctx.facts.text.startsWith('\ufeff');
      const colOf = (st: Node) => (bom && st.startPosition.row === 0 ? 0 : st.startPosition.column);
      let col = n.type === 'module' ? 0 : stmts[0] && colOf(stmts[0]);
      let lastRow = -1;
      for (const st of stmts) {
        const row = st.startPosition.row;
        const column = colOf(st);
        if (row !== lastRow && column !== col) {
          // Python compares with the indentation of the previous code line: deeper → "unexpected indent";
          // shallower but not a level on its stack → "unindent does not match …"
          consider(row, column, column > previousIndent(ctx.facts.text, row) ? 'unexpected indent' : 'unindent does not match any outer indentation level');
          col = column;
        }
        lastRow = st.endPosition.row;
      }
    }
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c && STATEMENT_HOLDERS.test(c.type)) stack.push(c);
    }
  }
  if (!first) return false;
  const lineText = ctx.facts.text.split('\n')[first.row] ?? '';
  ctx.report({
    code: 'AF001',
    message: `Indentation error at line ${first.row + 1}: ${first.message}. Airflow cannot import this file.`,
    range: { start: { line: first.row, character: first.col }, end: { line: first.row, character: Math.max(first.col + 1, lineText.trimEnd().length) } },
  });
  return true;
}

/**
 * SyntaxErrors CPython raises when it compiles a file that tree-sitter parses without complaint:
 * a repeated keyword argument (`BashOperator(task_id="a", …, task_id="b")`), a positional argument
 * after a keyword one or after `**kwargs`, `*args` after `**kwargs`, a parameter without default after
 * one with a default, a duplicate parameter name, `return` outside a function. The first one counts.
 */
function compileError(ctx: RuleContext, root: Node, py: [number, number]) {
  let first: { node: Node; message: string } | undefined;
  const consider = (node: Node, message: string) => {
    if (!first || node.startIndex < first.node.startIndex) first = { node, message };
  };
  for (const call of ctx.facts.calls) {
    const args = call.node.childForFieldName('arguments');
    if (args?.type !== 'argument_list') continue;
    const seen = new Set<string>();
    let keyword = false;
    let kwSplat = false;
    for (const a of args.namedChildren) {
      if (!a || a.type === 'comment' || a.type === 'line_continuation') continue;
      if (a.type === 'keyword_argument') {
        const name = a.childForFieldName('name')?.text ?? '';
        if (seen.has(name)) consider(a, `keyword argument repeated: ${name}`);
        seen.add(name);
        keyword = true;
      } else if (a.type === 'dictionary_splat') kwSplat = true;
      else if (a.type === 'list_splat') {
        if (kwSplat) consider(a, 'iterable argument unpacking follows keyword argument unpacking');
      } else if (kwSplat) consider(a, 'positional argument follows keyword argument unpacking');
      else if (keyword) consider(a, 'positional argument follows keyword argument');
    }
  }
  for (const fn of ctx.facts.functions) {
    const params = fn.node.childForFieldName('parameters');
    let defaults = false;
    let keywordOnly = false;
    const names = new Set<string>();
    for (const p of params?.namedChildren ?? []) {
      if (!p || p.type === 'comment' || p.type === 'line_continuation') continue;
      const name = parameterName(p);
      if (name) {
        if (names.has(name)) consider(p, `duplicate argument '${name}' in function definition`);
        names.add(name);
      }
      // `*args: int` / `**kw: Any` are typed_parameter nodes holding the splat pattern
      const splat = p.type === 'typed_parameter' ? p.namedChildren.find((c) => c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern')?.type : p.type;
      if (p.type === 'keyword_separator' || splat === 'list_splat_pattern') keywordOnly = true;
      else if (splat === 'dictionary_splat_pattern') continue;
      else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') defaults = true;
      else if ((p.type === 'identifier' || p.type === 'typed_parameter') && defaults && !keywordOnly) consider(p, 'non-default argument follows default argument');
    }
  }
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'function_definition') continue; // `return` inside a def is fine
    if (n.type === 'return_statement') consider(n, "'return' outside function");
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c && STATEMENT_HOLDERS.test(c.type)) stack.push(c);
    }
  }
  for (const [node, message] of statementErrors(ctx, root, py)) consider(node, message);
  if (!first) return;
  const f: { node: Node; message: string } = first;
  const r = rangeOf(f.node);
  ctx.report({
    code: 'AF001',
    message: `Syntax error at line ${r.start.line + 1}: ${f.message}. Airflow cannot import this file.`,
    range: r.start.line === r.end.line ? r : { start: r.start, end: { line: r.start.line, character: r.start.character + f.node.text.split('\n')[0].length } },
  });
}

/** Every node of the given types, in source order, from the flat arrays of the syntax tree copy. */
function scan(root: Node, types: ReadonlySet<string>): Node[] {
  const doc = root.doc;
  const ids = new Set<number>();
  doc.types.forEach((t, i) => types.has(t) && ids.add(i));
  const out: Node[] = [];
  if (!ids.size) return out;
  const typeIds = doc.typeIds;
  for (let at = 0; at < doc.count; at++) if (ids.has(typeIds[at])) out.push(doc.node(at));
  return out;
}

/** The innermost enclosing function (def or lambda), class or the module. */
function scopeOf(n: Node): Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') return p;
  return undefined;
}

const isAsyncDef = (fn: Node | undefined) => fn?.type === 'function_definition' && fn.child(0)?.type === 'async';

/**
 * Statements and tokens tree-sitter-python accepts that CPython 3 refuses: Python 2 leftovers (`x`,
 * `<>`, `0777`, `10L`, `raise E, "msg"`, `ur"…"`), `async`/`await` as names (keywords since 3.7),
 * `from __future__` after other code, `break`/`continue` outside a loop, `await` outside an async
 * function, `yield` outside a function, `nonlocal` at module level, `[x for x in a, b]` and
 * `f(x for x in a, b)`, an unparenthesized `:=` as a statement or assigned value, a bare `*` with
 * no keyword-only parameter after it. A cheap text test decides which node types are worth a scan.
 */
function statementErrors(ctx: RuleContext, root: Node, py: [number, number]): [Node, string][] {
  const text = ctx.facts.text;
  const out: [Node, string][] = [];
  const py37 = py[0] > 3 || (py[0] === 3 && py[1] >= 7);
  const types = new Set<string>(['for_in_clause']);
  if (/`|\b[uU][rRbB]['"]|\b[rRbB][uU]['"]/.test(text)) types.add('string_start');
  if (text.includes('<>')) types.add('comparison_operator');
  if (/\b0\d|\d[lL]\b/.test(text)) types.add('integer');
  if (/\braise\b[^\n#]*,/.test(text)) types.add('raise_statement');
  if (py37 && /\b(?:async|await)\b\s*[^\s(dfw]/.test(text)) types.add('identifier');
  if (/\b(?:break|continue)\b/.test(text)) types.add('break_statement').add('continue_statement');
  if (/\bawait\b/.test(text)) types.add('await');
  if (/\byield\b/.test(text)) types.add('yield');
  if (/\bnonlocal\b/.test(text)) types.add('nonlocal_statement');
  if (text.includes(':=')) types.add('named_expression');
  if (/\*\s*[,)]/.test(text)) types.add('keyword_separator');
  if (/\bexcept\b[^\n:#]*,[^\n:#]*\bas\b/.test(text)) types.add('except_clause');
  if (text.includes('__future__')) futureLate(root, out);
  for (const n of scan(root, types)) {
    switch (n.type) {
      case 'string_start': {
        const t = n.text;
        if (t === '`') out.push([n.parent ?? n, 'Python 2 backquote repr; use repr(...)']);
        else if (/^[a-zA-Z]*[uU][a-zA-Z]/.test(t) || /^[a-zA-Z]+[uU]/.test(t)) out.push([n.parent ?? n, `invalid string prefix ${t.replace(/['"]+$/, '')} (Python 2)`]);
        break;
      }
      case 'comparison_operator':
        if (n.children.some((c) => c?.type === '<>')) out.push([n, 'Python 2 `<>` operator; use !=']);
        break;
      case 'integer': {
        const t = n.text;
        if (/^\d[\d_]*[lL]$/.test(t)) out.push([n, 'Python 2 long integer suffix L']);
        else if (/^0[\d_]*[1-9][\d_]*$/.test(t)) out.push([n, 'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers']);
        break;
      }
      case 'raise_statement':
        if (n.namedChild(0)?.type === 'expression_list') out.push([n, 'Python 2 `raise E, value`; use raise E(value)']);
        break;
      case 'identifier':
        if (py37 && (n.text === 'async' || n.text === 'await')) out.push([n, `\`${n.text}\` is a reserved keyword since Python 3.7`]);
        break;
      case 'break_statement':
      case 'continue_statement':
        if (!inLoop(n)) out.push([n, `'${n.type === 'break_statement' ? 'break' : 'continue'}' outside loop`]);
        break;
      case 'await': {
        const scope = scopeOf(n);
        // `(await x for x in xs)` is an asynchronous generator expression, fine in a plain def (3.7+)
        if (inGeneratorExpression(n, scope)) break;
        // `await` at module level (outside any def) is refused too; a comprehension inside an async def is fine
        if (!isAsyncDef(scope)) out.push([n, scope?.type === 'function_definition' ? "'await' outside async function" : "'await' outside function"]);
        break;
      }
      case 'yield': {
        const scope = scopeOf(n);
        if (!scope || scope.type === 'class_definition') out.push([n, "'yield' outside function"]);
        break;
      }
      case 'nonlocal_statement':
        if (!scopeOf(n)) out.push([n, 'nonlocal declaration not allowed at module level']);
        break;
      case 'for_in_clause': {
        const inAt = n.children.findIndex((c) => c?.type === 'in');
        if (inAt >= 0 && n.children.slice(inAt + 1).some((c) => c?.type === ',')) {
          const gen = n.parent;
          const inCall = gen?.type === 'generator_expression' && gen.parent?.type === 'call';
          out.push([inCall ? gen! : n, inCall ? 'Generator expression must be parenthesized' : 'invalid syntax (an unparenthesized tuple after `in` of a comprehension)']);
        }
        break;
      }
      case 'named_expression': {
        const p = n.parent;
        if (p?.type === 'expression_statement' || ((p?.type === 'assignment' || p?.type === 'augmented_assignment') && p.childForFieldName('right')?.id === n.id)) out.push([n, 'invalid syntax (an assignment expression := needs parentheses here)']);
        break;
      }
      case 'except_clause':
        if (n.children.some((c) => c?.type === ',') && n.children.some((c) => c?.type === 'as' || c?.type === 'as_pattern')) out.push([n, 'multiple exception types must be parenthesized when using `as`']);
        break;
      case 'keyword_separator': {
        const after = n.nextNamedSibling;
        if (n.parent?.type === 'parameters' && (!after || after.type === 'dictionary_splat_pattern' || (after.type === 'typed_parameter' && after.namedChild(0)?.type === 'dictionary_splat_pattern'))) out.push([n, 'named arguments must follow bare *']);
        break;
      }
    }
  }
  return out;
}

/** Lib/__future__.py (3.7-3.13: the same list; `annotations` is 3.7+, an AF151 of its own). */
const FUTURE_FEATURES = new Set(['nested_scopes', 'generators', 'division', 'absolute_import', 'with_statement', 'print_function', 'unicode_literals', 'barry_as_FLUFL', 'generator_stop', 'annotations']);

/** `from __future__ import …` after code other than the docstring, comments and other future imports. */
function futureLate(root: Node, out: [Node, string][]) {
  let code = false;
  let first = true;
  for (const st of root.namedChildren) {
    if (!st || st.type === 'comment') continue;
    const docstring = first && st.type === 'expression_statement' && st.namedChildCount === 1 && st.namedChild(0)?.type === 'string';
    first = false;
    if (st.type === 'future_import_statement') {
      if (code) out.push([st, 'from __future__ imports must occur at the beginning of the file']);
      for (const name of st.namedChildren) {
        const feature = name?.type === 'aliased_import' ? name.namedChild(0)?.text : name?.text;
        if (name && feature && name.type !== 'comment' && !FUTURE_FEATURES.has(feature)) out.push([name, feature === 'braces' ? 'not a chance' : `future feature ${feature} is not defined`]);
      }
    } else if (!docstring) code = true;
  }
}

function leftmostSplat(n: Node | null): boolean {
  while (n && (n.type === 'subscript' || n.type === 'attribute' || n.type === 'call')) n = n.namedChild(0);
  return n?.type === 'list_splat';
}

function inGeneratorExpression(n: Node, scope: Node | undefined): boolean {
  for (let p = n.parent; p && p !== scope; p = p.parent) if (p.type === 'generator_expression') return true;
  return false;
}

/** `break`/`continue` inside a loop body of the same function (not the loop's `else:`). */
function inLoop(n: Node): boolean {
  let child: Node = n;
  for (let p = n.parent; p; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'lambda') return false;
    if ((p.type === 'for_statement' || p.type === 'while_statement') && child.type !== 'else_clause') {
      // the loop's own header (`for x in (break)`) cannot hold a statement; a body does
      if (child.type === 'block') return true;
    }
  }
  return false;
}

/** Indentation of the last line before `row` that holds code (not blank, not only a comment). */
function previousIndent(text: string, row: number): number {
  const lines = text.split('\n', row);
  for (let r = row - 1; r >= 0; r--) {
    const t = lines[r];
    const trimmed = t.trimStart();
    if (trimmed && !trimmed.startsWith('#')) return t.length - trimmed.length;
  }
  return 0;
}

/** Where the code after an (empty) block resumes: the next statement in an enclosing block. */
function nextStatementStart(n: Node): { row: number; column: number } | undefined {
  for (let cur: Node | null = n; cur; cur = cur.parent) {
    let sib = cur.nextNamedSibling;
    while (sib?.type === 'comment') sib = sib.nextNamedSibling;
    if (sib) return sib.startPosition;
  }
  return undefined;
}

interface Hit {
  node: Node;
  feature: string;
  needs: [number, number];
  range?: Range;
  /** What happens on an older Python (default: the file does not parse). */
  effect?: string;
  /** Gone from this Python on (removed standard-library modules and names): reported on it and newer. */
  removed?: [number, number];
  severity?: 'warning';
}

function checkFeatures(ctx: RuleContext, root: Node, py: [number, number], defaults: Node[]) {
  const hits: Hit[] = [];
  for (const d of defaults) {
    const next = d.nextNamedSibling;
    const r = rangeOf(d);
    hits.push({ node: d, feature: 'Type parameter default (PEP 696)', needs: [3, 13], range: next ? { start: r.start, end: rangeOf(next).end } : r });
  }
  const older = (v: [number, number]) => py[0] < v[0] || (py[0] === v[0] && py[1] < v[1]);
  let py2: Node | undefined;
  const visit = (n: Node) => {
    switch (n.type) {
      case 'named_expression': {
        // unparenthesized: in a set display / comprehension from 3.9 (the PEG parser), as an index from 3.10
        const p = n.parent;
        const inSet = (p?.type === 'set' || p?.type === 'set_comprehension') && p.child(0)?.type === '{';
        const index = p?.type === 'subscript' && p.childForFieldName('value')?.id !== n.id;
        if (index) hits.push({ node: n, feature: 'Unparenthesized assignment expression as an index', needs: [3, 10] });
        else if (inSet) hits.push({ node: n, feature: 'Unparenthesized assignment expression in a set', needs: [3, 9] });
        else hits.push({ node: n, feature: 'Assignment expression (:=, PEP 572)', needs: [3, 8] });
        break;
      }
      case 'positional_separator':
        hits.push({ node: n, feature: 'Positional-only parameters (/, PEP 570)', needs: [3, 8] });
        break;
      case 'match_statement':
        hits.push({ node: n, feature: 'match statement (PEP 634)', needs: [3, 10], range: rangeOf(n.child(0) ?? n) });
        break;
      case 'with_clause': {
        const paren = n.child(0)?.type === '(';
        const items = n.namedChildren.filter((c) => c?.type === 'with_item');
        const innerAs = items.some((i) => i?.namedChild(0)?.type === 'parenthesized_expression' && i.namedChild(0)?.namedChild(0)?.type === 'as_pattern');
        const as = firstOfType(n, 'as');
        if (paren && !as && items.length > 1) {
          // `with (a, b):` parses everywhere; before 3.9 it is one tuple, which is no context manager
          hits.push({ node: n, feature: 'Parenthesized context managers', needs: [3, 9], effect: 'the parentheses make one tuple, and entering it raises AttributeError (__enter__)' });
        } else if ((paren && as) || innerAs) {
          // CPython before 3.9 stops at the first `as` inside the parentheses
          hits.push({ node: n, feature: 'Parenthesized context managers', needs: [3, 9], range: as ? rangeOf(as) : undefined });
        }
        break;
      }
      case 'except_clause': {
        const star = n.children.some((c) => c?.type === '*');
        if (star) hits.push({ node: n, feature: 'except* (exception groups, PEP 654)', needs: [3, 11], range: rangeOf(n.child(0) ?? n) });
        // `except A, B:` (PEP 758) — commas directly in the clause, without `as`.
        const commas = n.children.filter((c) => c?.type === ',').length;
        // with `as` the types need parentheses on every Python, 3.14 included (AF001, compileError)
        if (commas > 0 && !n.children.some((c) => c?.type === 'as' || c?.type === 'as_pattern')) hits.push({ node: n, feature: 'except with unparenthesized exception types (PEP 758)', needs: [3, 14], range: clauseHead(n) });
        break;
      }
      case 'except_group_clause':
        hits.push({ node: n, feature: 'except* (exception groups, PEP 654)', needs: [3, 11], range: rangeOf(n.child(0) ?? n) });
        break;
      case 'type_alias_statement':
        // tree-sitter also reads `type(obj).attr = value` as one; the soft keyword needs a name after it
        if (!/^type\s+[A-Za-z_]\w*\s*[[=]/.test(n.text)) break;
        hits.push({ node: n, feature: 'type statement (PEP 695)', needs: [3, 12], range: rangeOf(n.child(0) ?? n) });
        break;
      case 'type_parameter':
        // `def f[T]()` / `class C[T]` — not the `list[int]` of an annotation (also a type_parameter node)
        // one finding per list: with a PEP 696 default in it, the 3.13 one
        if (defaults.some((d) => d.parent?.id === n.id)) break;
        if (n.parent?.type === 'function_definition' || n.parent?.type === 'class_definition') hits.push({ node: n, feature: 'Type parameter lists (PEP 695)', needs: [3, 12] });
        break;
      case 'decorator': {
        const expr = n.namedChildren.find((c) => c && c.type !== 'comment');
        if (expr && !isDottedOrCall(expr)) hits.push({ node: n, feature: 'Decorator with an arbitrary expression (PEP 614)', needs: [3, 9] });
        break;
      }
      case 'print_statement':
      case 'exec_statement':
        py2 ??= n;
        break;
    }
  };
  for (const n of nodesOf(ctx.facts, FEATURE_NODES)) visit(n);
  moreFeatures(ctx, root, py, hits);
  for (const str of ctx.facts.strings) stringFeatures(str.node, hits);
  if (!ctx.facts.futureAnnotations) annotationFeatures(ctx, hits, older);
  if (older([3, 10])) runtimeTypeFeatures(ctx, hits, older);
  if (older([3, 9])) dictUnionFeatures(ctx, hits);
  stdlibFeatures(ctx, hits);
  builtinFeatures(ctx, hits);
  if (py2 && !root.hasError) python2(ctx, py2);
  const seen = new Set<string>();
  for (const h of hits) {
    if (h.removed ? older(h.removed) : !older(h.needs)) continue;
    const r = h.range ?? rangeOf(h.node);
    const key = `${r.start.line}:${r.start.character}:${h.feature}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const runs = `${ctx.target.label} runs Python ${ctx.target.python}, where ${h.effect ?? 'this file does not parse'}`;
    ctx.report({
      code: 'AF151',
      severity: h.severity,
      message: h.removed ? `${h.feature} was removed in Python ${h.removed.join('.')}; ${runs}.` : `${h.feature} needs Python ${h.needs.join('.')}+; ${runs}.`,
      range: r.start.line === r.end.line ? r : { start: r.start, end: { line: r.start.line, character: r.start.character + h.node.text.split('\n')[0].length } },
      data: h.removed ? { feature: h.feature, removed: h.removed.join('.') } : { feature: h.feature, needs: h.needs.join('.') },
    });
  }
}

/**
 * Grammar changes found by a scan of the flat tree: starred items in an unparenthesized `return`/
 * `yield` tuple (3.8) and after `for … in` (3.9), `continue` in `finally:` (3.8), and for Python 3.5
 * targets the 3.6 syntax (variable annotations, `1_000`) and `from __future__ import annotations` (3.7).
 */
function moreFeatures(ctx: RuleContext, root: Node, py: [number, number], hits: Hit[]) {
  const text = ctx.facts.text;
  const before = (major: number, minor: number) => py[0] < major || (py[0] === major && py[1] < minor);
  const types = new Set<string>();
  if (before(3, 9) && text.includes('*')) types.add('return_statement').add('yield').add('for_statement');
  if (before(3, 11) && /\[\s*\*|,\s*\*|:\s*\*\s*[A-Za-z_]/.test(text)) types.add('subscript').add('splat_type');
  if (before(3, 8) && /\bcontinue\b/.test(text)) types.add('continue_statement');
  if (before(3, 6) && /\d_\d/.test(text)) types.add('integer').add('float');
  if (before(3, 6)) types.add('assignment');
  if (before(3, 7) && ctx.facts.futureAnnotations) types.add('future_import_statement');
  if (!types.size) return;
  const starred = (e: Node | null | undefined) => e?.type === 'expression_list' && e.namedChildren.some((c) => c?.type === 'list_splat');
  for (const n of scan(root, types)) {
    switch (n.type) {
      case 'return_statement':
      case 'yield':
        if (starred(n.namedChildren.find((c) => c?.type === 'expression_list'))) hits.push({ node: n, feature: `Unparenthesized tuple with a starred item in \`${n.type === 'yield' ? 'yield' : 'return'}\``, needs: [3, 8] });
        break;
      case 'for_statement':
        if (starred(n.childForFieldName('right'))) hits.push({ node: n, feature: 'Unparenthesized tuple with a starred item after `for … in`', needs: [3, 9], range: rangeOf(n.childForFieldName('right')!) });
        break;
      case 'subscript':
        // tree-sitter reads `X[*tuple[int, ...]]` as X[subscript(list_splat(tuple), …)]: the star is leftmost
        if (n.namedChildren.some((c, i) => i > 0 && leftmostSplat(c))) hits.push({ node: n, feature: 'Starred expression in a subscript (PEP 646)', needs: [3, 11] });
        break;
      case 'splat_type':
        hits.push({ node: n, feature: 'Starred annotation `*args: *Ts` (PEP 646)', needs: [3, 11] });
        break;
      case 'continue_statement':
        for (let p = n.parent; p; p = p.parent) {
          if (p.type === 'for_statement' || p.type === 'while_statement' || p.type === 'function_definition' || p.type === 'class_definition') break;
          if (p.type === 'finally_clause') {
            hits.push({ node: n, feature: '`continue` in a `finally:` block', needs: [3, 8] });
            break;
          }
        }
        break;
      case 'integer':
      case 'float':
        if (n.text.includes('_')) hits.push({ node: n, feature: 'Underscores in numeric literals (PEP 515)', needs: [3, 6] });
        break;
      case 'assignment':
        if (n.childForFieldName('type')) hits.push({ node: n, feature: 'Variable annotation (PEP 526)', needs: [3, 6] });
        break;
      case 'future_import_statement':
        if (/\bannotations\b/.test(n.text)) hits.push({ node: n, feature: '`from __future__ import annotations` (PEP 563)', needs: [3, 7], effect: 'this file does not compile (future feature annotations is not defined)' });
        break;
    }
  }
}

const BUILTIN_GENERICS = new Set(['list', 'dict', 'tuple', 'set', 'frozenset', 'type']);
const ANNOTATED: ReadonlySet<string> = new Set(['assignment']);

/**
 * Annotations Python evaluates when the definition runs (parameters, return types, module- and
 * class-level variable annotations; not those inside function bodies, not with
 * `from __future__ import annotations`): `list[int]` needs 3.9 (PEP 585: "'type' object is not
 * subscriptable" before), `int | None` needs 3.10 (PEP 604: "unsupported operand type(s) for |").
 * The file parses, but importing it raises TypeError. One finding per annotation: the first to fail.
 */
function annotationFeatures(ctx: RuleContext, hits: Hit[], older: (v: [number, number]) => boolean) {
  const generics = genericResolver(ctx);
  const flags = versionTestNames(ctx.facts);
  const annotations: Node[] = [];
  for (const fn of ctx.facts.functions) {
    for (const p of fn.node.childForFieldName('parameters')?.namedChildren ?? []) {
      const t = p && (p.type === 'typed_parameter' || p.type === 'typed_default_parameter') ? p.childForFieldName('type') : null;
      if (t) annotations.push(t);
    }
    const r = fn.node.childForFieldName('return_type');
    if (r) annotations.push(r);
  }
  for (const a of nodesOf(ctx.facts, ANNOTATED)) {
    const t = a.childForFieldName('type');
    if (t && !inFunctionBody(a)) annotations.push(t);
  }
  for (const ann of annotations) {
    // `if TYPE_CHECKING:` never runs; `if sys.version_info >= (3, 10):` runs where it works
    if (isGuarded(ann) || hasattrGuard(ann, flags)) continue;
    let first: Hit | undefined;
    const stack: Node[] = [ann];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === 'string') continue; // a string annotation is not evaluated
      let hit: Hit | undefined;
      const stdGeneric = (n.type === 'generic_type' || n.type === 'subscript') && !BUILTIN_GENERICS.has(n.namedChild(0)?.text ?? '') ? generics(n.namedChild(0)) : undefined;
      if (stdGeneric) {
        hit = { node: n, feature: `Subscripted \`${stdGeneric}[…]\` in an annotation (PEP 585)`, needs: [3, 9], effect: "importing this file raises TypeError (the class is not subscriptable; add `from __future__ import annotations` or use the typing alias)" };
      } else if (n.type === 'generic_type' && BUILTIN_GENERICS.has(n.namedChild(0)?.text ?? '')) {
        hit = { node: n, feature: `Subscripted builtin \`${n.namedChild(0)!.text}[…]\` in an annotation (PEP 585)`, needs: [3, 9], effect: `importing this file raises TypeError ('type' object is not subscriptable; add \`from __future__ import annotations\` or use typing.${n.namedChild(0)!.text === 'type' ? 'Type' : n.namedChild(0)!.text[0].toUpperCase() + n.namedChild(0)!.text.slice(1)})` };
      } else if (n.type === 'union_type' || (n.type === 'binary_operator' && n.childForFieldName('operator')?.text === '|')) {
        // tree-sitter reads `list[int] | None` as union_type but `int | None` as binary_operator
        hit = { node: n, feature: '`X | Y` union in an annotation (PEP 604)', needs: [3, 10], effect: 'importing this file raises TypeError (unsupported operand type(s) for |; add `from __future__ import annotations` or use typing.Optional/Union)' };
      }
      if (hit && older(hit.needs) && (!first || hit.needs[1] < first.needs[1])) first = hit;
      for (let i = n.namedChildCount - 1; i >= 0; i--) {
        const c = n.namedChild(i);
        if (c) stack.push(c);
      }
    }
    if (first) hits.push(first);
  }
}

type Ver = [number, number];
/** `{ '3.8': 'a b c' }` → `{ a: [3, 8], … }`. */
function byVersion(table: Record<string, string>): Record<string, Ver> {
  const out: Record<string, Ver> = {};
  for (const [v, names] of Object.entries(table)) for (const n of names.split(' ')) out[n] = v.split('.').map(Number) as Ver;
  return out;
}

/**
 * Standard-library names by the Python version that added them. Each checked with hasattr() in
 * CPython 3.6 … 3.13 (the version where it first exists); 3.14 from its "What's New".
 */
const STDLIB_NAMES: Record<string, Record<string, Ver>> = {
  typing: byVersion({
    '3.7': 'ForwardRef OrderedDict',
    '3.8': 'Literal Final final Protocol TypedDict runtime_checkable get_origin get_args SupportsIndex',
    '3.9': 'Annotated',
    '3.10': 'ParamSpec TypeAlias Concatenate TypeGuard is_typeddict ParamSpecArgs ParamSpecKwargs',
    '3.11': 'Self LiteralString Never assert_never assert_type reveal_type Required NotRequired dataclass_transform TypeVarTuple Unpack get_overloads clear_overloads',
    '3.12': 'override TypeAliasType',
    '3.13': 'ReadOnly TypeIs get_protocol_members is_protocol NoDefault',
  }),
  functools: byVersion({ '3.8': 'cached_property singledispatchmethod', '3.9': 'cache' }),
  datetime: byVersion({ '3.11': 'UTC' }),
  itertools: byVersion({ '3.10': 'pairwise', '3.12': 'batched' }),
  math: byVersion({ '3.8': 'prod isqrt dist comb perm', '3.9': 'lcm nextafter ulp', '3.11': 'cbrt exp2', '3.12': 'sumprod', '3.13': 'fma' }),
  enum: byVersion({ '3.11': 'StrEnum ReprEnum verify member nonmember EnumCheck FlagBoundary global_enum' }),
  contextlib: byVersion({ '3.7': 'nullcontext asynccontextmanager AsyncExitStack', '3.10': 'aclosing', '3.11': 'chdir' }),
  asyncio: byVersion({ '3.7': 'run create_task get_running_loop', '3.9': 'to_thread', '3.11': 'TaskGroup timeout Runner' }),
  shlex: byVersion({ '3.8': 'join' }),
  statistics: byVersion({ '3.8': 'fmean geometric_mean NormalDist', '3.10': 'correlation covariance linear_regression' }),
  types: byVersion({ '3.9': 'GenericAlias', '3.10': 'NoneType EllipsisType NotImplementedType UnionType', '3.12': 'get_original_bases' }),
  hashlib: byVersion({ '3.11': 'file_digest' }),
  operator: byVersion({ '3.11': 'call' }),
  logging: byVersion({ '3.11': 'getLevelNamesMapping' }),
  random: byVersion({ '3.9': 'randbytes', '3.12': 'binomialvariate' }),
  os: byVersion({ '3.9': 'waitstatus_to_exitcode', '3.13': 'process_cpu_count' }),
  inspect: byVersion({ '3.10': 'get_annotations' }),
  dataclasses: byVersion({ '3.10': 'KW_ONLY' }),
  warnings: byVersion({ '3.13': 'deprecated' }),
  copy: byVersion({ '3.13': 'replace' }),
  re: byVersion({ '3.7': 'Pattern Match', '3.11': 'NOFLAG' }),
  socket: byVersion({ '3.8': 'create_server' }),
  'importlib.metadata': byVersion({ '3.10': 'packages_distributions' }),
  'importlib.resources': byVersion({ '3.9': 'files as_file' }),
  'collections.abc': byVersion({ '3.12': 'Buffer' }),
};
/** Standard-library modules by the Python version that added them (import checked in CPython 3.6 … 3.13). */
const STDLIB_MODULES: Record<string, Ver> = byVersion({ '3.7': 'dataclasses contextvars importlib.resources', '3.8': 'importlib.metadata', '3.9': 'zoneinfo graphlib', '3.11': 'tomllib' });

const COLLECTIONS_ABCS = 'Awaitable Coroutine AsyncIterable AsyncIterator AsyncGenerator Hashable Iterable Iterator Generator Reversible Sized Container Callable Collection Set MutableSet Mapping MutableMapping MappingView KeysView ItemsView ValuesView Sequence MutableSequence ByteString';
/** Names removed from the standard library, by the version without them (hasattr() in 3.6 … 3.13; 3.14 from its "What's New"). */
const REMOVED_NAMES: Record<string, Record<string, Ver>> = {
  collections: byVersion({ '3.10': COLLECTIONS_ABCS }),
  time: byVersion({ '3.8': 'clock' }),
  platform: byVersion({ '3.8': 'linux_distribution dist' }),
  base64: byVersion({ '3.9': 'encodestring decodestring' }),
  fractions: byVersion({ '3.9': 'gcd' }),
  sys: byVersion({ '3.9': 'getcheckinterval setcheckinterval' }),
  asyncio: byVersion({ '3.11': 'coroutine' }),
  inspect: byVersion({ '3.11': 'getargspec' }),
  gettext: byVersion({ '3.11': 'lgettext' }),
  configparser: byVersion({ '3.12': 'SafeConfigParser' }),
  locale: byVersion({ '3.12': 'format' }),
  ssl: byVersion({ '3.12': 'wrap_socket match_hostname' }),
  pkgutil: byVersion({ '3.12': 'ImpImporter ImpLoader', '3.14': 'find_loader get_loader' }),
  unittest: byVersion({ '3.13': 'makeSuite findTestCases getTestCaseNames' }),
  ast: byVersion({ '3.14': 'Num Str Bytes NameConstant Ellipsis' }),
  'urllib.request': byVersion({ '3.14': 'URLopener FancyURLopener' }),
};
/**
 * Modules removed from the standard library (PEP 594 and earlier), by the version without them
 * (import checked in CPython 3.6 … 3.13). `distutils` is only a warning: setuptools, when installed,
 * puts its own copy in place (distutils-precedence.pth), so whether it imports depends on the image.
 */
const REMOVED_MODULES: Record<string, Ver> = byVersion({
  '3.10': 'formatter parser symbol',
  '3.11': 'binhex',
  '3.12': 'distutils imp asynchat asyncore smtpd',
  '3.13': 'aifc audioop cgi cgitb chunk crypt imghdr mailcap msilib nis nntplib ossaudiodev pipes sndhdr spwd sunau telnetlib uu xdrlib lib2to3 typing.io typing.re',
});

/** Standard-library classes subscriptable from Python 3.9 on (PEP 585; `X[int]` checked in CPython 3.8 and 3.9). */
const PEP585_CLASSES: Record<string, ReadonlySet<string>> = {
  'collections.abc': new Set(COLLECTIONS_ABCS.split(' ').filter((n) => n !== 'Hashable' && n !== 'Sized')),
  collections: new Set(['deque', 'defaultdict', 'OrderedDict', 'Counter', 'ChainMap']),
  re: new Set(['Pattern', 'Match']),
  contextlib: new Set(['AbstractContextManager', 'AbstractAsyncContextManager']),
  queue: new Set(['Queue', 'SimpleQueue']),
  os: new Set(['PathLike']),
};

/** `Callable` (from collections.abc), `collections.abc.Iterable`, `abc.Mapping` (import collections.abc as abc) → its dotted name when PEP 585 made it subscriptable. */
function genericResolver(ctx: RuleContext): (head: Node | null) => string | undefined {
  const names = new Map<string, string>();
  const modules = new Map<string, string>();
  for (const imp of ctx.facts.imports) {
    if (imp.kind === 'from' && imp.name && PEP585_CLASSES[imp.module]?.has(imp.name)) names.set(imp.alias ?? imp.name, `${imp.module}.${imp.name}`);
    if (imp.kind === 'import') modules.set(imp.alias ?? imp.module.split('.')[0], imp.alias ? imp.module : imp.module.split('.')[0]);
  }
  return (head) => {
    if (!head) return undefined;
    if (head.type === 'identifier') return names.get(head.text);
    if (head.type !== 'attribute' || !/^[\w.]+$/.test(head.text)) return undefined;
    const parts = head.text.split('.');
    const base = modules.get(parts[0]);
    if (!base) return undefined;
    const module = [base, ...parts.slice(1, -1)].join('.');
    return PEP585_CLASSES[module]?.has(parts[parts.length - 1]) ? `${module}.${parts[parts.length - 1]}` : undefined;
  };
}

const BUILTIN_TYPES = new Set([...BUILTIN_GENERICS, 'int', 'str', 'float', 'bool', 'bytes', 'bytearray', 'complex', 'object', 'memoryview', 'range', 'slice']);

/**
 * The same PEP 585 / PEP 604 types outside annotations, where code evaluates them on import
 * (module and class level; not function bodies, not under TYPE_CHECKING or a version test):
 * `Row = dict[str, Any]` needs 3.9, `MaybeInt = int | None` and `isinstance(x, int | str)` 3.10.
 * Only builtin names the file does not rebind, and classes from the standard library.
 */
function runtimeTypeFeatures(ctx: RuleContext, hits: Hit[], older: (v: [number, number]) => boolean) {
  const text = ctx.facts.text;
  const rebinds = (name: string) => new RegExp(`^\\s*${name}\\s*[:=][^=]|\\b(?:def|class)\\s+${name}\\b|\\bas\\s+${name}\\b|import\\s+${name}\\b|\\bfor\\s+${name}\\b|\\(\\s*${name}\\s*[,:=)]|,\\s*${name}\\s*[,:=)]`, 'm').test(text);
  const shadowed = new Map<string, boolean>();
  const builtin = (n: Node | null | undefined): boolean => {
    if (n?.type !== 'identifier' || !BUILTIN_TYPES.has(n.text)) return false;
    if (!shadowed.has(n.text)) shadowed.set(n.text, rebinds(n.text));
    return !shadowed.get(n.text);
  };
  const generics = genericResolver(ctx);
  const annotationOf = (n: Node): boolean => {
    for (let p = n.parent; p; p = p.parent) {
      if (p.type === 'type') return true;
      if (p.type.endsWith('_statement') || p.type === 'block' || p.type === 'module') return false;
    }
    return false;
  };
  const flags = versionTestNames(ctx.facts);
  const evaluated = (n: Node) => !inFunctionBody(n) && !annotationOf(n) && !isGuarded(n) && !hasattrGuard(n, flags) && !inString(n);
  const typeish = (n: Node | null | undefined): boolean => {
    while (n?.type === 'parenthesized_expression') n = n.namedChild(0);
    if (!n) return false;
    if (n.type === 'none' || builtin(n)) return true;
    if (n.type === 'subscript') return builtin(n.childForFieldName('value')) || !!generics(n.childForFieldName('value'));
    if (n.type === 'binary_operator' && n.childForFieldName('operator')?.text === '|') return typeish(n.childForFieldName('left')) && typeish(n.childForFieldName('right'));
    return false;
  };
  const subscriptOfType = (x: Node) => x.type === 'subscript' && (builtin(x.childForFieldName('value')) || !!generics(x.childForFieldName('value')));
  // one finding per expression: `list[tuple[float, float]]` is one (the outer)
  const insideFlagged = (n: Node) => {
    for (let p = n.parent; p && !p.type.endsWith('_statement') && p.type !== 'block'; p = p.parent) if (subscriptOfType(p)) return true;
    return false;
  };
  const types = new Set<string>();
  if (older([3, 9]) && text.includes('[')) types.add('subscript');
  if (older([3, 10]) && text.includes('|')) types.add('binary_operator');
  for (const n of scan(ctx.facts.root, types)) {
    if (n.type === 'subscript') {
      const head = n.childForFieldName('value');
      const std = builtin(head) ? head!.text : generics(head);
      if (!std || !evaluated(n) || insideFlagged(n)) continue;
      const alias = std === head?.text ? ` typing.${std === 'type' ? 'Type' : std[0].toUpperCase() + std.slice(1)}` : '';
      hits.push({ node: n, feature: `Subscripted \`${std}[…]\` (PEP 585)`, needs: [3, 9], effect: `importing this file raises TypeError (not subscriptable; use the typing alias${alias})` });
    } else if (n.childForFieldName('operator')?.text === '|' && n.parent?.type !== 'binary_operator') {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (!typeish(l) || !typeish(r) || (l?.type === 'none' && r?.type === 'none') || !evaluated(n) || (older([3, 9]) && insideFlagged(n))) continue;
      hits.push({ node: n, feature: '`X | Y` union of types (PEP 604)', needs: [3, 10], effect: 'importing this file raises TypeError (unsupported operand type(s) for |; use typing.Optional/Union)' });
    }
  }
}

function inString(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'string' || p.type === 'interpolation') return true;
  return false;
}

/** The longest dotted prefix of `module` (itself included) that `table` knows. */
function modulePrefix<T>(table: Record<string, T>, module: string): string | undefined {
  const parts = module.split('.');
  for (let i = parts.length; i >= 1; i--) {
    const m = parts.slice(0, i).join('.');
    if (Object.prototype.hasOwnProperty.call(table, m)) return m;
  }
  return undefined;
}

const own = <T>(table: Record<string, T> | undefined, key: string): T | undefined => (table && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined);

/**
 * `from typing import Literal` on Python 3.7, `import zoneinfo` on 3.8, `datetime.UTC` after
 * `import datetime` on 3.10 …: ImportError / AttributeError when the file (or the function) runs.
 * And the other way round: `import imp` on 3.12, `from collections import Mapping` on 3.10.
 */
function stdlibFeatures(ctx: RuleContext, hits: Hit[]) {
  const fnRows = ctx.facts.functions.map((f) => [f.node.startPosition.row, f.node.endPosition.row]);
  /** Local names bound to a standard-library module by `import m` / `import m as x`. */
  const modules = new Map<string, string>();
  const fromBound = new Set<string>();
  // `PY39 = sys.version_info >= (3, 9)` … `if PY39: import zoneinfo`: the import statement's own guard
  const flags = versionTestNames(ctx.facts);
  const importAt = new Map<number, Node>();
  if (flags.size) for (const s of scan(ctx.facts.root, IMPORTS)) importAt.set(s.startPosition.row, s);
  for (const imp of ctx.facts.imports) {
    if (imp.kind === 'import') {
      const local = imp.alias ?? imp.module.split('.')[0];
      const module = imp.alias ? imp.module : local;
      // `try: import collections.abc as abc except ImportError: import collections as abc`: either one
      if (modules.has(local) && modules.get(local) !== module) fromBound.add(local);
      modules.set(local, module);
    } else if (imp.kind === 'from' && imp.name) fromBound.add(imp.alias ?? imp.name);
    if (imp.guarded || imp.relative) continue;
    const row = imp.statementRange.start.line;
    const stmt = importAt.get(row);
    if (stmt && underCompatGuard(stmt, undefined, flags)) continue;
    const lazy = fnRows.some(([a, b]) => row > a && row <= b);
    const when = lazy ? 'the import in the function' : 'importing this file';
    const added = modulePrefix(STDLIB_MODULES, imp.module);
    const nameNeeds = imp.kind === 'from' && imp.name ? own(own(STDLIB_NAMES, imp.module), imp.name) : undefined;
    // `from importlib.resources import files`: the module is 3.7, the name 3.9 — the later one decides
    if (added && !(nameNeeds && (nameNeeds[0] > STDLIB_MODULES[added][0] || (nameNeeds[0] === STDLIB_MODULES[added][0] && nameNeeds[1] > STDLIB_MODULES[added][1])))) {
      hits.push({ node: ctx.facts.root, range: imp.moduleRange, feature: `the \`${added}\` module`, needs: STDLIB_MODULES[added], effect: `${when} raises ModuleNotFoundError` });
      continue;
    }
    const gone = modulePrefix(REMOVED_MODULES, imp.module);
    if (gone) {
      const shim = gone === 'distutils';
      hits.push({
        node: ctx.facts.root, range: imp.moduleRange, feature: `the \`${gone}\` module`, needs: [0, 0], removed: REMOVED_MODULES[gone], severity: shim ? 'warning' : undefined,
        effect: shim ? `${when} raises ModuleNotFoundError unless setuptools is installed (its distutils shim); use setuptools' own modules or packaging` : `${when} raises ModuleNotFoundError`,
      });
      continue;
    }
    if (imp.kind !== 'from' || !imp.name) continue;
    const needs = nameNeeds;
    if (needs) hits.push({ node: ctx.facts.root, range: imp.nameRange ?? imp.itemRange, feature: `\`${imp.module}.${imp.name}\``, needs, effect: `${when} raises ImportError${imp.module === 'typing' ? ' (typing_extensions has it)' : ''}` });
    const removed = own(own(REMOVED_NAMES, imp.module), imp.name);
    if (removed && !inHandlerRows(ctx.facts.root, row)) hits.push({ node: ctx.facts.root, range: imp.nameRange ?? imp.itemRange, feature: `\`${imp.module}.${imp.name}\``, needs: [0, 0], removed, effect: `${when} raises ImportError${imp.module === 'collections' ? ' (import it from collections.abc)' : ''}` });
  }
  // `datetime.UTC`, `functools.cache`, `collections.Mapping` through the module: AttributeError where it runs
  const heads = [...modules.keys()].filter((k) => !fromBound.has(k));
  if (!heads.length) return;
  const mentioned = new RegExp(`\\b(?:${heads.map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\s*\\.`);
  if (!mentioned.test(ctx.facts.text)) return;
  for (const a of scan(ctx.facts.root, ATTRIBUTE)) {
    const obj = a.childForFieldName('object');
    const name = a.childForFieldName('attribute')?.text;
    if (!obj || !name || !/^[\w.]+$/.test(obj.text)) continue;
    const [head, ...rest] = obj.text.split('.');
    const base = modules.get(head);
    if (!base || fromBound.has(head)) continue;
    const module = [base, ...rest].join('.');
    const needs = own(own(STDLIB_NAMES, module), name);
    const removed = own(own(REMOVED_NAMES, module), name);
    if (!needs && !removed) continue;
    if (isGuarded(a) || hasattrGuard(a, flags)) continue;
    const effect = `${inFunctionBody(a) ? 'the code raises' : 'importing this file raises'} AttributeError`;
    const feature = `\`${module}.${name}\``;
    if (needs) hits.push({ node: a, feature, needs, effect });
    if (removed && !inHandler(a)) hits.push({ node: a, feature, needs: [0, 0], removed, effect: `${effect}${module === 'collections' ? ' (use collections.abc)' : ''}` });
  }
}

const handlerRows = new WeakMap<Node, [number, number][]>();
function inHandlerRows(root: Node, row: number): boolean {
  let rows = handlerRows.get(root);
  if (!rows) handlerRows.set(root, (rows = scan(root, new Set(['except_clause'])).map((h) => [h.startPosition.row, h.endPosition.row])));
  return rows.some(([a, b]) => row > a && row <= b);
}

/** In an `except …:` block: a fallback for where the `try:` failed, typically an older Python. */
function inHandler(n: Node | undefined): boolean {
  for (let p = n?.parent; p; p = p.parent) if (p.type === 'except_clause') return true;
  return false;
}

const ATTRIBUTE: ReadonlySet<string> = new Set(['attribute']);
const IMPORTS: ReadonlySet<string> = new Set(['import_statement', 'import_from_statement']);
const IDENTIFIER: ReadonlySet<string> = new Set(['identifier']);

/** Builtins by the version that added them (hasattr(builtins, …) in CPython 3.6 … 3.13). */
const BUILTIN_NAMES: Record<string, Ver> = byVersion({ '3.7': 'breakpoint', '3.10': 'anext aiter EncodingWarning', '3.11': 'ExceptionGroup BaseExceptionGroup', '3.13': 'PythonFinalizationError' });
/** Keyword arguments newer than the function (TypeError: unexpected keyword argument; checked in each CPython). */
const NEW_KEYWORDS: Record<string, Record<string, Ver>> = {
  zip: byVersion({ '3.10': 'strict' }),
  'dataclasses.dataclass': byVersion({ '3.10': 'kw_only slots match_args', '3.11': 'weakref_slot' }),
  'dataclasses.field': byVersion({ '3.10': 'kw_only' }),
};

/**
 * Builtins a DAG may use before its Python has them: the names (`anext`, `ExceptionGroup` …; not
 * when the file binds the name itself), keyword arguments (`zip(strict=True)`,
 * `@dataclass(kw_only=True)`), and `str.removeprefix/removesuffix` (3.9) — a method, so the call is
 * judged by its name: every receiver but pandas' `.str` accessor, which has its own.
 */
function builtinFeatures(ctx: RuleContext, hits: Hit[]) {
  const text = ctx.facts.text;
  const names = Object.keys(BUILTIN_NAMES).filter((n) => text.includes(n));
  if (names.length) {
    const bound = new Set<string>();
    for (const imp of ctx.facts.imports) bound.add(imp.alias ?? imp.name ?? imp.module.split('.')[0]);
    for (const n of names) if (new RegExp(`\\b(?:def|class)\\s+${n}\\b|^\\s*${n}\\s*[:=][^=]|\\bas\\s+${n}\\b`, 'm').test(text)) bound.add(n);
    const wanted = names.filter((n) => !bound.has(n));
    if (wanted.length) {
      for (const id of scan(ctx.facts.root, IDENTIFIER)) {
        const needs = wanted.includes(id.text) ? BUILTIN_NAMES[id.text] : undefined;
        if (!needs) continue;
        const p = id.parent;
        if (p?.type === 'attribute' && p.childForFieldName('attribute')?.id === id.id) continue;
        if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === id.id) continue;
        if (isGuarded(id) || hasattrGuard(id, versionTestNames(ctx.facts))) continue;
        const handler = id.parent?.type === 'except_clause' || id.parent?.parent?.type === 'except_clause';
        const where = handler ? 'the except clause raises' : inFunctionBody(id) ? 'the code raises' : 'importing this file raises';
        hits.push({ node: id, feature: `the builtin \`${id.text}\``, needs, effect: `${where} NameError${handler ? ' when an exception reaches it' : ''}` });
      }
    }
  }
  const dataclasses = new Map<string, string>();
  for (const imp of ctx.facts.imports) {
    if (imp.module === 'dataclasses' && imp.kind === 'from' && imp.name) dataclasses.set(imp.alias ?? imp.name, `dataclasses.${imp.name}`);
    if (imp.module === 'dataclasses' && imp.kind === 'import') {
      dataclasses.set(`${imp.alias ?? 'dataclasses'}.dataclass`, 'dataclasses.dataclass');
      dataclasses.set(`${imp.alias ?? 'dataclasses'}.field`, 'dataclasses.field');
    }
  }
  for (const call of ctx.facts.calls) {
    const effect = `${inFunctionBody(call.node) ? 'the call raises' : 'importing this file raises'}`;
    if (call.method === 'removeprefix' || call.method === 'removesuffix') {
      const recv = call.receiver;
      if (recv && !(recv.type === 'attribute' && recv.childForFieldName('attribute')?.text === 'str') && !isGuarded(call.node)) {
        const fn = call.node.childForFieldName('function');
        const attr = fn?.childForFieldName('attribute');
        hits.push({ node: call.node, range: attr ? rangeOf(attr) : undefined, feature: `\`str.${call.method}()\``, needs: [3, 9], effect: `${effect} AttributeError` });
      }
      continue;
    }
    const callee = call.calleeText === 'zip' ? 'zip' : dataclasses.get(call.calleeText);
    const table = callee ? NEW_KEYWORDS[callee] : undefined;
    if (!table) continue;
    for (const a of call.node.childForFieldName('arguments')?.namedChildren ?? []) {
      if (a?.type !== 'keyword_argument') continue;
      const name = a.childForFieldName('name')?.text ?? '';
      const needs = own(table, name);
      if (needs) hits.push({ node: a, feature: `\`${callee}(${name}=…)\``, needs, effect: `${effect} TypeError (unexpected keyword argument)` });
    }
  }
}

/**
 * Code written for both Pythons: under `if hasattr(…):` (either branch: the test is about the
 * running Python) or `x if hasattr(…) else y`, and in the `else:` of a `try:` whose handler catches
 * AttributeError/ImportError (that only runs where the probe in the `try:` worked).
 */
function hasattrGuard(n: Node, flags: ReadonlySet<string>): boolean {
  // both branches of `if PY39:` where `PY39 = sys.version_info >= (3, 9)`
  if (flags.size && underCompatGuard(n, undefined, flags)) return true;
  for (let p = n.parent; p; p = p.parent) {
    const cond = p.type === 'if_statement' || p.type === 'elif_clause' ? p.childForFieldName('condition') : p.type === 'conditional_expression' ? p : null;
    if (cond?.text.includes('hasattr(')) return true;
    if (p.type === 'else_clause' && p.parent?.type === 'try_statement' && p.parent.namedChildren.some((h) => h?.type === 'except_clause' && handlesImportError(h))) return true;
  }
  return false;
}

const DICT_UNION_SITES: ReadonlySet<string> = new Set(['assignment', 'augmented_assignment', 'keyword_argument']);

/**
 * `a | b` / `a |= b` on two dicts (PEP 584) where the module runs it on import (module level, class
 * bodies, `with DAG(...)` blocks; not function bodies): before Python 3.9 dict has no `|`, so the
 * import raises TypeError. Only when both operands are certainly dicts (literals, comprehensions,
 * dict(...), or names assigned one of those once at module level) — sets and flags also use `|`.
 */
function dictUnionFeatures(ctx: RuleContext, hits: Hit[]) {
  const assigned = new Map<string, Node[]>();
  for (const a of nodesOf(ctx.facts, ['assignment'])) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type === 'identifier' && right && !inFunctionBody(a)) assigned.set(left.text, [...(assigned.get(left.text) ?? []), right]);
  }
  const isDict = (n: Node | null | undefined, depth = 0): boolean => {
    while (n?.type === 'parenthesized_expression') n = n.namedChild(0);
    if (!n || depth > 4) return false;
    if (n.type === 'dictionary' || n.type === 'dictionary_comprehension') return true;
    if (n.type === 'call') return n.childForFieldName('function')?.text === 'dict';
    if (n.type === 'identifier') {
      const vals = assigned.get(n.text);
      return vals?.length === 1 && isDict(vals[0], depth + 1);
    }
    if (n.type === 'binary_operator') return n.childForFieldName('operator')?.text === '|' && isDict(n.childForFieldName('left'), depth + 1) && isDict(n.childForFieldName('right'), depth + 1);
    return false;
  };
  for (const site of nodesOf(ctx.facts, DICT_UNION_SITES)) {
    if (inFunctionBody(site)) continue;
    let expr: Node | null;
    if (site.type === 'augmented_assignment') {
      if (site.childForFieldName('operator')?.text !== '|=') continue;
      if (!isDict(site.childForFieldName('left')) || !isDict(site.childForFieldName('right'))) continue;
      hits.push({ node: site, feature: 'dict union `|=` (PEP 584)', needs: [3, 9], effect: "importing this file raises TypeError (unsupported operand type(s) for |=: 'dict' and 'dict'; use a.update(b))" });
      continue;
    }
    expr = site.childForFieldName(site.type === 'keyword_argument' ? 'value' : 'right');
    while (expr?.type === 'parenthesized_expression') expr = expr.namedChild(0);
    if (expr?.type !== 'binary_operator' || expr.childForFieldName('operator')?.text !== '|') continue;
    if (!isDict(expr.childForFieldName('left')) || !isDict(expr.childForFieldName('right'))) continue;
    hits.push({ node: expr, feature: 'dict union `|` (PEP 584)', needs: [3, 9], effect: "importing this file raises TypeError (unsupported operand type(s) for |: 'dict' and 'dict'; use {**a, **b})" });
  }
}

function inFunctionBody(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda') return true;
    if (p.type === 'class_definition') return false;
  }
  return false;
}

function clauseHead(n: Node): Range {
  const colon = n.children.find((c) => c?.type === ':');
  const r = rangeOf(n);
  return colon ? { start: r.start, end: { line: colon.endPosition.row, character: colon.endPosition.column } } : r;
}

/** The pre-3.9 decorator grammar: a dotted name, optionally called once (`@a.b`, `@a.b(…)`; not `@a.b().c`). */
function isDottedOrCall(n: Node): boolean {
  const dotted = (x: Node | null): boolean => !!x && (x.type === 'identifier' || (x.type === 'attribute' && dotted(x.childForFieldName('object'))));
  if (n.type === 'call') return dotted(n.childForFieldName('function'));
  return dotted(n);
}

function firstOfType(n: Node, type: string): Node | undefined {
  const stack: Node[] = [n];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.type === type) return x;
    const kids = x.children;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return undefined;
}

/** f-string / t-string syntax: PEP 701 (3.12), `=` specifier (3.8), t-strings (3.14). */
function stringFeatures(n: Node, hits: Hit[]) {
  const start = n.child(0);
  if (start?.type !== 'string_start') return;
  const prefix = start.text.replace(/['"]+$/, '').toLowerCase();
  if (prefix.includes('t')) {
    hits.push({ node: n, feature: 'Template string literal (t"…", PEP 750)', needs: [3, 14], range: rangeOf(start) });
    return;
  }
  if (!prefix.includes('f')) return;
  hits.push({ node: n, feature: 'f-string (PEP 498)', needs: [3, 6], range: rangeOf(start) });
  const quote = start.text.slice(prefix.length);
  const triple = quote.length === 3;
  for (const c of n.namedChildren) {
    if (c?.type !== 'interpolation') continue;
    if (c.children.some((x) => x?.type === '=')) hits.push({ node: c, feature: 'f-string "=" specifier', needs: [3, 8] });
    if (/\bawait\b/.test(c.text) && firstOfType(c, 'await')) hits.push({ node: c, feature: '`await` in an f-string', needs: [3, 7] });
    const expr = c.namedChildren.filter((x) => x && x.type !== 'format_specifier' && x.type !== 'type_conversion');
    let pep701: string | undefined;
    for (const e of expr) {
      if (!e) continue;
      const text = e.text;
      if (text.includes('\\')) pep701 = 'backslash';
      else if (hasComment(e)) pep701 = 'comment';
      else if (!triple && c.text.includes('\n')) pep701 = 'line break';
      else if (nestedSameQuote(e, quote)) pep701 = 'nested quotes';
      if (pep701) break;
    }
    if (pep701) hits.push({ node: c, feature: `f-string with a ${pep701 === 'nested quotes' ? 'string reusing the enclosing quote' : pep701} inside a replacement field (PEP 701)`, needs: [3, 12] });
  }
}

function hasComment(n: Node): boolean {
  const stack: Node[] = [n];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.type === 'comment') return true;
    for (const c of x.children) if (c) stack.push(c);
  }
  return false;
}

function nestedSameQuote(n: Node, quote: string): boolean {
  const stack: Node[] = [n];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.type === 'string') {
      const s = x.child(0);
      if (s?.type === 'string_start') {
        const q = s.text.replace(/^[a-zA-Z]+/, '');
        // f"{'a'}" is fine before 3.12; f"{"a"}" and f'{f'{x}'}' are not.
        if (quote.length === 3 ? q === quote : q[0] === quote[0]) return true;
      }
    }
    for (const c of x.children) if (c) stack.push(c);
  }
  return false;
}

/** Python 2 statements tree-sitter-python still parses: `print "x"`, `exec "code"` (one AF001 per file). */
function python2(ctx: RuleContext, n: Node) {
  const kw = n.type === 'print_statement' ? 'print' : 'exec';
  ctx.report({
    code: 'AF001',
    message: `Syntax error at line ${n.startPosition.row + 1}: Python 2 \`${kw}\` statement; use ${kw}(...). Airflow cannot import this file.`,
    range: rangeOf(n.child(0) ?? n),
  });
}
