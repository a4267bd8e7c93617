import { airflowDecoratorName, isAirflowModule, isDagConstructor, isTaskDecorator, operatorClass, splitResolved } from './airflowNames';
import { nodesOf, rangeOf, type CallFact, type Facts, type FunctionFact } from './facts';
import type { Node } from './parser';

const STATEMENTS: ReadonlySet<string> = new Set(['expression_statement', 'for_statement']);
import type { Range } from './types';

/**
 * The DAG structure of one file: DAG definitions (constructor, `with DAG(...)`, `@dag`), their
 * tasks (operators, TaskFlow calls) and dependencies (>>, <<, set_upstream/downstream, chain).
 * Used by AF221–AF225, document symbols (outline) and hovers.
 *
 * The model is static and deliberately conservative: a task id is only known when it is a
 * literal, a dependency only when both ends resolve to tasks, so rules built on it report what
 * Airflow would certainly see.
 */
export interface TaskInfo {
  taskId?: string;
  idRange?: Range;
  range: Range;
  /** Variable the task is assigned to, if any. */
  variable?: string;
  kind: 'operator' | 'taskflow';
  /** Operator class or decorated function name. */
  className?: string;
  call?: CallFact;
  /** Unique key of the task inside its DAG (what `edges` refer to). */
  key: string;
  /**
   * Created inside a loop/comprehension, or inside a function that may run several times
   * (helper, @task_group): one source task may be several runtime tasks.
   */
  repeated: boolean;
  /** TaskFlow ids are made unique by Airflow (`extract__1`); operator ids are not. */
  autoUniqueId: boolean;
  /** `if`/`try` branches the task sits in: "<node id>:<branch index>" from outermost to innermost. */
  branches: string[];
  /** TaskGroup prefix ("group." …) when known; undefined inside a @task_group function. */
  groupPrefix?: string;
}

export interface DagInfo {
  dagId?: string;
  idRange?: Range;
  range: Range;
  kind: 'constructor' | 'context' | 'decorator';
  variable?: string;
  /** The DAG(...) call, or the `@dag(...)` decorator call (absent for a bare `@dag`). */
  call?: CallFact;
  /** The `with` body or the @dag function body. */
  body?: Node;
  /** The @dag-decorated function. */
  fn?: FunctionFact;
  /** False for a @dag function that is never called in the file (Airflow then sees no DAG). */
  registered: boolean;
  tasks: TaskInfo[];
  /** Dependency edges between task keys (taskId or variable). */
  edges: { from: string; to: string; range: Range }[];
}

export interface DagModel {
  dags: DagInfo[];
}

const cache = new WeakMap<Facts, DagModel>();

/** Literal text of a plain (non-f, non-interpolated) string or concatenation, else undefined. */
export function literalString(n: Node | null | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'concatenated_string') {
    let out = '';
    for (const c of n.namedChildren) {
      const v = c?.type === 'string' ? literalString(c) : undefined;
      if (v === undefined) return undefined;
      out += v;
    }
    return out;
  }
  if (n.type !== 'string') return undefined;
  // Fast path from the text: plain (non f/t) literal without escapes.
  const m = /^([rRuUbB]{0,2})('''|"""|'|")([^\\]*)\2$/s.exec(n.text);
  if (m && !m[3].includes(m[2])) return m[3];
  let out = '';
  for (const c of n.children) {
    if (!c) continue;
    if (c.type === 'string_start') {
      if (/[fFtT]/.test(c.text.replace(/['"]/g, ''))) {
        // an f-string without interpolations is still a literal
        if (n.children.some((x) => x?.type === 'interpolation')) return undefined;
      }
    } else if (c.type === 'string_content') out += c.text;
    else if (c.type === 'escape_sequence') out += unescape(c.text);
    else if (c.type === 'interpolation') return undefined;
  }
  return out;
}

function unescape(s: string): string {
  const m: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
  return s.length === 2 && s[1] in m ? m[s[1]] : s.length === 2 ? s[1] : s;
}

function kwarg(call: CallFact | undefined, name: string) {
  return call?.args.find((a) => a.name === name);
}

/** First positional argument or keyword `name`. */
export function idArg(call: CallFact | undefined, name: string): Node | undefined {
  if (!call) return undefined;
  const kw = kwarg(call, name);
  if (kw) return kw.value;
  const pos = call.args[0];
  return pos && !pos.name ? pos.value : undefined;
}

const IDENT = /^[A-Za-z_]\w*$/;
const LOOP_TYPES = new Set(['for_statement', 'while_statement', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

/** Resolve `chain`, `cross_downstream`, `chain_linear` (from Airflow, or unresolved in an Airflow file). */
function helperName(call: CallFact, facts: Facts): 'chain' | 'cross_downstream' | 'chain_linear' | undefined {
  const raw = call.resolved ? splitResolved(call.resolved) : undefined;
  if (call.resolved && (!raw || !isAirflowModule(raw.module))) return undefined;
  const name = raw ? raw.name.split('.').pop() : call.calleeText;
  if (!raw && !facts.isAirflowFile) return undefined;
  return name === 'chain' || name === 'cross_downstream' || name === 'chain_linear' ? name : undefined;
}

export function isTaskGroupCall(call: CallFact, facts: Facts): boolean {
  if (call.resolved) {
    const s = splitResolved(call.resolved);
    return !!s && isAirflowModule(s.module) && s.name.split('.').pop() === 'TaskGroup';
  }
  return call.calleeText === 'TaskGroup' && facts.isAirflowFile;
}

export function extractDagModel(facts: Facts): DagModel {
  const hit = cache.get(facts);
  if (hit) return hit;
  const model = build(facts);
  cache.set(facts, model);
  return model;
}


interface TaskRec {
  info: TaskInfo;
  node: Node;
  dag?: DagInfo;
  /** `dag=` keyword naming a variable. */
  dagVar?: string;
  place: Place;
  /** The expression that evaluates to the task (outermost of `.partial().expand()` chains). */
  outer: Node;
  isTaskflow: boolean;
}

function build(facts: Facts): DagModel {
  const dags: DagInfo[] = [];
  const ctx: ModelCtx = { fnByNode: new Map(), dagByWith: new Map(), dagFnNodes: new Map(), groupByWith: new Map(), groupFnNodes: new Map(), taskflowNodes: new Set(), placeCache: new Map() };
  for (const f of facts.functions) ctx.fnByNode.set(f.node.id, f);
  const taskflowFns = new Map<string, FunctionFact>();
  for (const f of facts.functions) {
    for (const d of f.decorators) {
      const name = airflowDecoratorName(d.text, d.resolved, facts);
      if (isTaskDecorator(name)) {
        taskflowFns.set(f.name, f);
        ctx.taskflowNodes.add(f.node.id);
      } else if (name === 'task_group') {
        const idNode = idArg(d.call, 'group_id');
        ctx.groupFnNodes.set(f.node.id, idNode ? literalString(idNode) ?? null : f.name);
      }
    }
  }

  // --- DAGs -------------------------------------------------------------------------------
  const decoratorCalls = new Set<number>();
  for (const d of facts.decorators) if (d.call) decoratorCalls.add(d.call.node.id);
  for (const call of facts.calls) {
    if (decoratorCalls.has(call.node.id)) continue;
    const isGroup = isTaskGroupCall(call, facts);
    if (!isGroup && !isDagConstructor(call, facts)) continue;
    const withStmt = withStatementOf(call.node);
    if (isGroup) {
      if (!withStmt) continue;
      const gid = literalString(idArg(call, 'group_id'));
      const noPrefix = kwarg(call, 'prefix_group_id')?.value.text === 'False';
      ctx.groupByWith.set(withStmt.id, noPrefix ? '' : gid ?? null);
      continue;
    }
    const idNode = idArg(call, 'dag_id');
    const dagId = literalString(idNode);
    const info: DagInfo = {
      dagId,
      idRange: dagId !== undefined && idNode ? rangeOf(idNode) : undefined,
      range: call.range,
      kind: withStmt ? 'context' : 'constructor',
      call,
      registered: true,
      tasks: [],
      edges: [],
    };
    if (withStmt) {
      info.range = rangeOf(withStmt);
      info.body = withStmt.childForFieldName('body') ?? undefined;
      const asTarget = call.node.parent?.type === 'as_pattern' ? call.node.parent.childForFieldName('alias') : null;
      const id = asTarget?.type === 'as_pattern_target' ? asTarget.namedChild(0) : asTarget;
      if (id?.type === 'identifier') info.variable = id.text;
      ctx.dagByWith.set(withStmt.id, info);
    } else {
      const v = assignedName(call.node);
      if (v) info.variable = v;
    }
    dags.push(info);
  }
  for (const f of facts.functions) {
    const d = f.decorators.find((x) => airflowDecoratorName(x.text, x.resolved, facts) === 'dag');
    if (!d) continue;
    const idNode = idArg(d.call, 'dag_id');
    const lit = literalString(idNode);
    const info: DagInfo = {
      dagId: idNode ? lit : f.name,
      idRange: idNode ? (lit !== undefined ? rangeOf(idNode) : undefined) : f.nameRange,
      range: rangeOf(f.node.parent?.type === 'decorated_definition' ? f.node.parent : f.node),
      kind: 'decorator',
      call: d.call,
      body: f.node.childForFieldName('body') ?? undefined,
      fn: f,
      registered: facts.calls.some((c) => c.calleeText === f.name),
      tasks: [],
      edges: [],
    };
    ctx.dagFnNodes.set(f.node.id, info);
    dags.push(info);
  }
  dags.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  // `dag = DAG(...)` may be assigned again for a second DAG in the same file: `dag=dag` means the
  // DAG assigned last before the task is created.
  const dagsByVar = new Map<string, DagInfo[]>();
  for (const d of dags) if (d.variable) dagsByVar.set(d.variable, [...(dagsByVar.get(d.variable) ?? []), d]);
  const dagForVar = (name: string, at: number): DagInfo | undefined => {
    const list = dagsByVar.get(name);
    if (!list) return undefined;
    const before = list.filter((d) => (d.call?.node.startIndex ?? 0) < at);
    return before.length ? before[before.length - 1] : list[0];
  };

  // --- tasks ------------------------------------------------------------------------------
  const recs: TaskRec[] = [];
  const recByNode = new Map<number, TaskRec>(); // task call and outer expression node ids → task
  for (const call of facts.calls) {
    if (decoratorCalls.has(call.node.id)) continue;
    const t = classifyTask(call, facts, taskflowFns);
    if (!t) continue;
    const outer = outerExpr(call.node);
    const dagKw = kwarg(call, 'dag');
    const pl = place(call.node, ctx);
    const rec: TaskRec = {
      info: { kind: t.kind, className: t.className, taskId: t.taskId, idRange: t.idRange, range: call.range, call, key: '', repeated: pl.repeated, autoUniqueId: t.kind === 'taskflow', branches: pl.branches },
      node: call.node,
      outer,
      place: pl,
      isTaskflow: t.kind === 'taskflow',
      dagVar: dagKw?.value.type === 'identifier' ? dagKw.value.text : undefined,
      dag: pl.runtime ? undefined : pl.dag,
    };
    const v = assignedName(outer);
    if (v) rec.info.variable = v;
    rec.info.groupPrefix = pl.groups.some((g) => g === null) ? undefined : pl.groups.filter((g) => g).map((g) => `${g}.`).join('');
    recs.push(rec);
    recByNode.set(outer.id, rec);
    recByNode.set(call.node.id, rec);
  }

  // Tasks created in helper / @task_group functions belong to the DAG where the function is called.
  const callsByName = new Map<string, CallFact[]>();
  for (const c of facts.calls) {
    if (c.method || !IDENT.test(c.calleeText)) continue;
    const l = callsByName.get(c.calleeText);
    if (l) l.push(c);
    else callsByName.set(c.calleeText, [c]);
  }
  const fnDag = new Map<number, DagInfo | null>();
  const dagOfFunction = (f: FunctionFact, depth: number): DagInfo | undefined => {
    if (fnDag.has(f.node.id)) return fnDag.get(f.node.id) ?? undefined;
    fnDag.set(f.node.id, null);
    let found: DagInfo | undefined;
    for (const c of callsByName.get(f.name) ?? []) {
      const pl = place(c.node, ctx);
      if (pl.runtime) continue;
      found = pl.dag ?? (pl.ownerFn && depth < 8 ? dagOfFunction(pl.ownerFn, depth + 1) : undefined);
      if (found) break;
    }
    fnDag.set(f.node.id, found ?? null);
    return found;
  };
  const keysByDag = new Map<DagInfo, Set<string>>();
  for (const rec of recs) {
    if (!rec.dag && !rec.place.runtime && rec.place.ownerFn) rec.dag = dagOfFunction(rec.place.ownerFn, 0);
    if (!rec.dag && !rec.place.runtime && rec.dagVar) rec.dag = dagForVar(rec.dagVar, rec.node.startIndex);
    if (!rec.dag) continue;
    const dag = rec.dag;
    let taken = keysByDag.get(dag);
    if (!taken) keysByDag.set(dag, (taken = new Set()));
    const i = dag.tasks.length;
    const fullId = rec.info.taskId !== undefined && rec.info.groupPrefix !== undefined ? rec.info.groupPrefix + rec.info.taskId : undefined;
    let key = fullId ?? (rec.info.variable ? `$${rec.info.variable}` : `#${i}`);
    if (taken.has(key)) key = `${key}#${i}`;
    taken.add(key);
    rec.info.key = key;
    dag.tasks.push(rec.info);
  }

  // --- dependencies -------------------------------------------------------------------------
  new DependencyResolver(facts, recs, recByNode).run();
  for (const d of dags) {
    const seen = new Set<string>();
    d.edges = d.edges.filter((e) => {
      const k = `${e.from}\u0000${e.to}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
  return { dags };
}

/** The `with` statement whose item is exactly this call (`with DAG(...) as dag:`). */
function withStatementOf(call: Node): Node | undefined {
  let p = call.parent;
  if (p?.type === 'as_pattern') p = p.parent;
  if (p?.type !== 'with_item') return undefined;
  const clause = p.parent;
  const stmt = clause?.parent;
  return stmt?.type === 'with_statement' ? stmt : undefined;
}

/** `x = <node>` → "x" (also `x: T = <node>`). */
function assignedName(n: Node): string | undefined {
  const p = n.parent;
  if (p?.type !== 'assignment') return undefined;
  if (p.childForFieldName('right')?.id !== n.id) return undefined;
  const left = p.childForFieldName('left');
  return left?.type === 'identifier' ? left.text : undefined;
}

/** Climb method chains and `.output`: `Op.partial(...).expand(...)` → the expand call. */
function outerExpr(n: Node): Node {
  let cur = n;
  for (;;) {
    const p = cur.parent;
    const pt = p?.type;
    if (p && pt === 'attribute' && p.childForFieldName('object')?.id === cur.id) {
      const attr = p.childForFieldName('attribute')?.text;
      const gp = p.parent;
      if (attr === 'output') {
        cur = p;
        continue;
      }
      if (gp?.type === 'call' && gp.childForFieldName('function')?.id === p.id && (attr === 'expand' || attr === 'expand_kwargs' || attr === 'partial' || attr === 'override' || attr === 'as_setup' || attr === 'as_teardown')) {
        cur = gp;
        continue;
      }
    }
    if (p && pt === 'call' && p.childForFieldName('function')?.id === cur.id) {
      // `f.override(...)(...)`
      cur = p;
      continue;
    }
    if (p && pt === 'parenthesized_expression') {
      cur = p;
      continue;
    }
    return cur;
  }
}

/** Decide whether a call creates a task. */
function classifyTask(
  call: CallFact,
  facts: Facts,
  taskflowFns: Map<string, FunctionFact>,
): { kind: 'operator' | 'taskflow'; className?: string; taskId?: string; idRange?: Range } | undefined {
  // TaskFlow: f(...), f.override(...)(...), f.expand(...), f.partial(...).expand(...)
  const root = /^[A-Za-z_]\w*/.exec(call.calleeText)?.[0];
  const fn = root && taskflowFns.has(root) ? call.node.childForFieldName('function') : null;
  const tf = fn ? taskflowRoot(fn, taskflowFns) : undefined;
  if (tf) {
    // only the outermost call of the chain is the task (`f.override(...)` alone is not one)
    if (outerCall(call.node).id !== call.node.id) return undefined;
    const deco = tf.fn.decorators.find((d) => d.call);
    const overrideCall = findOverride(fn!);
    const idNode = (overrideCall && overrideCall.childForFieldName('arguments') ? kwNode(overrideCall, 'task_id') : undefined) ?? (deco?.call ? kwarg(deco.call, 'task_id')?.value : undefined);
    const lit = idNode ? literalString(idNode) : tf.fn.name;
    return { kind: 'taskflow', className: tf.fn.name, taskId: lit, idRange: idNode && lit !== undefined ? rangeOf(idNode) : undefined };
  }
  // Operator.partial(task_id=…) (the following .expand is not another task)
  let cls = operatorClass(call, facts);
  if (!cls && call.method === 'partial' && call.receiver) {
    const inner: CallFact = { ...call, calleeText: call.receiver.text, method: undefined, resolved: facts.bindings.get(call.receiver.text)?.target };
    if (inner.resolved === undefined && call.receiver.type === 'attribute') {
      const head = call.receiver.text.split('.')[0];
      const b = facts.bindings.get(head);
      if (b?.isModule) inner.resolved = `${b.target}:${call.receiver.text.split('.').pop()}`;
    }
    cls = operatorClass(inner, facts);
  }
  if (!cls) return undefined;
  const idNode = kwarg(call, 'task_id')?.value;
  const lit = literalString(idNode);
  return { kind: 'operator', className: cls, taskId: lit, idRange: idNode && lit !== undefined ? rangeOf(idNode) : undefined };
}

function kwNode(call: Node, name: string): Node | undefined {
  const args = call.childForFieldName('arguments');
  for (const a of args?.namedChildren ?? []) {
    if (a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) return a.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

/** The `f.override(...)` call inside a callee chain, if any. */
function findOverride(fn: Node): Node | undefined {
  let cur: Node | null = fn;
  while (cur) {
    if (cur.type === 'call') {
      const f = cur.childForFieldName('function');
      if (f?.type === 'attribute' && f.childForFieldName('attribute')?.text === 'override') return cur;
      cur = f;
    } else if (cur.type === 'attribute') cur = cur.childForFieldName('object');
    else return undefined;
  }
  return undefined;
}

/** Root TaskFlow function of a callee chain (`extract`, `extract.override(...)`, `extract.partial(...).expand`). */
function taskflowRoot(fn: Node, taskflowFns: Map<string, FunctionFact>): { fn: FunctionFact } | undefined {
  let cur: Node | null = fn;
  while (cur) {
    if (cur.type === 'identifier') {
      const f = taskflowFns.get(cur.text);
      return f ? { fn: f } : undefined;
    }
    if (cur.type === 'attribute') {
      const attr = cur.childForFieldName('attribute')?.text;
      if (attr !== 'expand' && attr !== 'expand_kwargs' && attr !== 'partial' && attr !== 'override') return undefined;
      cur = cur.childForFieldName('object');
    } else if (cur.type === 'call') cur = cur.childForFieldName('function');
    else return undefined;
  }
  return undefined;
}

/** Walk context: DAG lexically enclosing a node, the plain function creating it, groups, loops, branches. */
interface Place {
  dag?: DagInfo;
  /** Innermost plain (helper / @task_group) function between the node and its DAG. */
  ownerFn?: FunctionFact;
  /** Inside a task callable, a method or a lambda: runs when a task executes, not when the DAG is parsed. */
  runtime: boolean;
  repeated: boolean;
  branches: string[];
  /** Group ids from outer to inner (null = not a literal / unknown). */
  groups: (string | null)[];
}

interface ModelCtx {
  fnByNode: Map<number, FunctionFact>;
  dagByWith: Map<number, DagInfo>;
  dagFnNodes: Map<number, DagInfo>;
  groupByWith: Map<number, string | null>;
  /** @task_group function node → its group id (null when not a literal). */
  groupFnNodes: Map<number, string | null>;
  taskflowNodes: Set<number>;
  /** place() of block nodes (what their ancestors contribute). */
  placeCache: Map<number, Place>;
}

/** Statements and expressions whose parts run one at a time: where they sit is a task's `branches`. */
const BRANCHING: ReadonlySet<string> = new Set(['if_statement', 'try_statement', 'conditional_expression', 'match_statement']);

function place(n: Node, ctx: ModelCtx): Place {
  const out: Place = { runtime: false, repeated: false, branches: [], groups: [] };
  let child: Node = n;
  for (let p = n.parent; p; child = p, p = p.parent) {
    const t = p.type; // each .type crosses into wasm: read it once
    if (t === 'block' || t === 'module') {
      // Everything above a block is the same for all nodes inside it: compute it once.
      let outer = ctx.placeCache.get(p.id);
      if (!outer) ctx.placeCache.set(p.id, (outer = place(p, ctx)));
      return {
        dag: outer.dag,
        runtime: outer.runtime,
        ownerFn: out.ownerFn ?? outer.ownerFn,
        repeated: outer.repeated || out.repeated,
        branches: [...outer.branches, ...out.branches],
        groups: [...outer.groups, ...out.groups],
      };
    }
    if (LOOP_TYPES.has(t)) {
      // the iterable of a for statement runs once; its body repeats
      if (!(t === 'for_statement' && p.childForFieldName('right')?.id === child.id)) out.repeated = true;
    } else if (BRANCHING.has(t)) {
      out.branches.unshift(`${p.id}:${branchIndex(p, child)}`);
    } else if (t === 'with_statement') {
      if (ctx.groupByWith.has(p.id)) out.groups.unshift(ctx.groupByWith.get(p.id)!);
      const d = ctx.dagByWith.get(p.id);
      if (d) {
        out.dag = d;
        return out;
      }
    } else if (t === 'function_definition') {
      const d = ctx.dagFnNodes.get(p.id);
      if (d) {
        out.dag = d;
        return out;
      }
      if (ctx.taskflowNodes.has(p.id) || p.parent?.parent?.type === 'class_definition' || p.parent?.parent?.parent?.type === 'class_definition') {
        out.runtime = true;
        return out;
      }
      const f = ctx.fnByNode.get(p.id);
      if (f && !out.ownerFn) out.ownerFn = f;
      // a @task_group function contributes its group id; calling it twice makes `group__1`
      if (ctx.groupFnNodes.has(p.id)) out.groups.unshift(null);
      out.repeated = true;
    } else if (t === 'lambda') {
      out.runtime = true;
      return out;
    }
  }
  return out;
}

function branchIndex(stmt: Node, child: Node): number {
  let i = 0;
  for (const c of stmt.namedChildren) {
    if (!c) continue;
    if (c.id === child.id) return i;
    i++;
  }
  return -1;
}

/** The `if`/`try`/`match` branches a node sits in, as TaskInfo.branches ("<statement id>:<branch index>"). */
export function branchesOf(n: Node): string[] {
  const out: string[] = [];
  let child: Node = n;
  for (let p = n.parent; p; child = p, p = p.parent) {
    if (BRANCHING.has(p.type)) out.unshift(`${p.id}:${branchIndex(p, child)}`);
  }
  return out;
}

/** True when two tasks can never both be created in one parse (different branches of one `if`/`try`). */
export function exclusive(a: Pick<TaskInfo, 'branches'>, b: Pick<TaskInfo, 'branches'>): boolean {
  for (const x of a.branches) {
    const [id, br] = x.split(':');
    const y = b.branches.find((z) => z.startsWith(`${id}:`));
    if (y && y.split(':')[1] !== br) return true;
  }
  return false;
}

/**
 * Dependency edges. Expressions are evaluated to sets of tasks: task calls, variables bound to
 * tasks (the latest assignment before the use), lists/tuples, `>>`/`<<` chains (value = right
 * operand), `.output`, TaskFlow results passed into other tasks.
 */
class DependencyResolver {
  private readonly assigns = new Map<string, { at: number; value: Node }[]>();
  private readonly forVars = new Map<string, { at: number; end: number; iter: Node }[]>();
  private readonly recByOuter: Map<number, TaskRec>;
  private readonly callByNode = new Map<number, CallFact>();

  constructor(
    private readonly facts: Facts,
    private readonly recs: TaskRec[],
    recByNode: Map<number, TaskRec>,
  ) {
    this.recByOuter = recByNode;
    for (const c of facts.calls) this.callByNode.set(c.node.id, c);
  }

  run() {
    if (!this.recs.some((r) => r.dag)) return;
    // One statement-level walk: assignments and for-loops (name bindings), shift statements.
    const shifts: Node[] = [];
    for (const n of nodesOf(this.facts, STATEMENTS)) {
      if (n.type === 'for_statement') {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        if (left?.type === 'identifier' && right) this.add(this.forVars, left.text, { at: right.endIndex, end: n.endIndex, iter: right });
        continue;
      }
      for (const c of n.namedChildren) {
        if (!c) continue;
        if (c.type === 'assignment') this.assignment(c);
        else if (c.type === 'binary_operator') shifts.push(c);
      }
    }
    for (const s of shifts) this.evalShift(s);
    const done = new Set<TaskRec>();
    for (const call of this.facts.calls) {
      if (call.method === 'set_downstream' || call.method === 'set_upstream') {
        const from = this.evalExpr(call.receiver ?? null);
        const to = call.args.filter((a) => !a.name).flatMap((a) => this.evalExpr(a.value));
        if (call.method === 'set_downstream') this.connect(from, to, call.range);
        else this.connect(to, from, call.range);
        continue;
      }
      const helper = helperName(call, this.facts);
      if (helper) {
        const items = call.args.filter((a) => !a.name).map((a) => ({ node: a.value, tasks: this.evalExpr(a.value) }));
        if (helper === 'cross_downstream') {
          if (items.length >= 2) this.connect(items[0].tasks, items[1].tasks, call.range);
          continue;
        }
        for (let i = 0; i + 1 < items.length; i++) {
          const a = items[i];
          const b = items[i + 1];
          const aList = isSeq(a.node);
          const bList = isSeq(b.node);
          if (helper === 'chain' && aList && bList && a.tasks.length === b.tasks.length) {
            // chain([a, b], [c, d]) pairs a→c, b→d
            for (let k = 0; k < a.tasks.length; k++) this.connect([a.tasks[k]], [b.tasks[k]], call.range);
          } else this.connect(a.tasks, b.tasks, call.range);
        }
        continue;
      }
      // Data passing: XComArgs among the arguments of a task call (and of its .partial/.expand chain) make upstream edges.
      const rec = this.recByOuter.get(call.node.id);
      if (rec && rec.dag && !done.has(rec)) {
        done.add(rec);
        const ups: TaskRec[] = [];
        // Walk the chain from the outermost expression down to the task call, using the
        // arguments facts already extracted (no new nodes unless a value may reference a task).
        let cur: Node | null = rec.outer;
        for (let guard = 0; cur && guard < 20; guard++) {
          const cf = this.callByNode.get(cur.id);
          if (cf) {
            for (const a of cf.args) {
              if (a.name === 'task_id' || a.name === 'dag') continue;
              if (this.mayReference(a.value.text)) ups.push(...this.xcomRefs(a.value));
            }
            if (cur.id === rec.node.id) break;
            cur = cf.receiver ?? (cf.method ? null : cur.childForFieldName('function'));
          } else if (cur.type === 'attribute') cur = cur.childForFieldName('object');
          else break;
        }
        this.connect(ups.filter((u) => u !== rec), [rec], call.range);
      }
    }
  }

  private assignment(n: Node) {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (left?.type === 'identifier' && right) this.add(this.assigns, left.text, { at: n.endIndex, value: right });
    else if (left && right && (left.type === 'pattern_list' || left.type === 'tuple_pattern') && (right.type === 'expression_list' || right.type === 'tuple')) {
      const ls = left.namedChildren.filter((x): x is Node => !!x);
      const rs = right.namedChildren.filter((x): x is Node => !!x);
      if (ls.length === rs.length) ls.forEach((l, i) => l.type === 'identifier' && this.add(this.assigns, l.text, { at: n.endIndex, value: rs[i] }));
    }
    // chained `a = b = Op(...)`
    if (right?.type === 'assignment') this.assignment(right);
  }

  private refNames?: Set<string>;

  /** Cheap text pre-check: does the expression mention a task variable or a TaskFlow function at all? */
  private mayReference(text: string): boolean {
    if (!this.refNames) {
      this.refNames = new Set();
      for (const r of this.recs) {
        if (r.info.variable) this.refNames.add(r.info.variable);
        if (r.isTaskflow && r.info.className) this.refNames.add(r.info.className);
      }
      for (const [k, v] of this.assigns) if (v.length) this.refNames.add(k);
      for (const k of this.forVars.keys()) this.refNames.add(k);
    }
    for (const m of text.matchAll(/[A-Za-z_]\w*/g)) if (this.refNames.has(m[0])) return true;
    return false;
  }

  private add<T>(m: Map<string, T[]>, k: string, v: T) {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
  }

  private depth = 0;

  /** Tasks an expression evaluates to. */
  evalExpr(n: Node | null): TaskRec[] {
    if (!n || this.depth > 50) return [];
    this.depth++;
    try {
      const rec = this.recByOuter.get(n.id);
      if (rec) return [rec];
      switch (n.type) {
        case 'parenthesized_expression':
          return this.evalExpr(n.namedChildren.find((c) => c && c.type !== 'comment') ?? null);
        case 'list':
        case 'tuple':
        case 'expression_list':
        case 'set':
          return n.namedChildren.flatMap((c) => (c && c.type !== 'comment' ? this.evalExpr(c) : []));
        case 'list_splat':
          return this.evalExpr(n.namedChild(0));
        case 'binary_operator': {
          const op = n.childForFieldName('operator')?.text;
          if (op === '>>' || op === '<<') return this.evalExpr(n.childForFieldName('right'));
          if (op === '+') return [...this.evalExpr(n.childForFieldName('left')), ...this.evalExpr(n.childForFieldName('right'))];
          return [];
        }
        case 'attribute': {
          const attr = n.childForFieldName('attribute')?.text;
          if (attr === 'output') return this.evalExpr(n.childForFieldName('object'));
          return [];
        }
        case 'subscript':
          // xcom_result["key"] is still the task's output
          return this.evalExpr(n.childForFieldName('value')).filter((r) => r.isTaskflow || n.childForFieldName('value')?.type === 'attribute');
        case 'identifier':
          return this.lookup(n);
        default:
          return [];
      }
    } finally {
      this.depth--;
    }
  }

  /** Tasks a name refers to at a position: latest assignment before it (or an enclosing for loop). */
  private lookup(id: Node): TaskRec[] {
    const name = id.text;
    const at = id.startIndex;
    let best: { at: number; value: Node } | undefined;
    for (const a of this.assigns.get(name) ?? []) if (a.at <= at && (!best || a.at > best.at)) best = a;
    const loop = (this.forVars.get(name) ?? []).filter((f) => f.at <= at && at <= f.end).pop();
    if (loop && (!best || loop.at > best.at)) {
      // `for t in tasks:` → every task of the iterable
      return this.evalExpr(loop.iter);
    }
    if (!best) return [];
    return this.evalExpr(best.value);
  }

  /** TaskFlow results / `.output` referenced (anywhere) in an argument expression. */
  private xcomRefs(n: Node): TaskRec[] {
    const out: TaskRec[] = [];
    const stack: Node[] = [n];
    while (stack.length) {
      const c = stack.pop()!;
      const rec = this.recByOuter.get(c.id);
      if (rec && (rec.isTaskflow || c.type === 'attribute')) {
        out.push(rec);
        continue;
      }
      if (c.type === 'identifier') {
        const p = c.parent;
        // attribute names and keyword names are not references
        if (p?.type === 'attribute' && p.childForFieldName('attribute')?.id === c.id) continue;
        if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === c.id) continue;
        const isOutput = p?.type === 'attribute' && p.childForFieldName('attribute')?.text === 'output';
        for (const r of this.lookup(c)) if (r.isTaskflow || isOutput || this.boundToOutput(c)) out.push(r);
        continue;
      }
      if (c.type === 'lambda' || c.type === 'string') continue;
      for (let i = c.namedChildCount - 1; i >= 0; i--) {
        const x = c.namedChild(i);
        if (x) stack.push(x);
      }
    }
    return out;
  }

  /** `x = SomeOperator(...).output` → x is an XComArg. */
  private boundToOutput(id: Node): boolean {
    let best: { at: number; value: Node } | undefined;
    for (const a of this.assigns.get(id.text) ?? []) if (a.at <= id.startIndex && (!best || a.at > best.at)) best = a;
    return best?.value.type === 'attribute' && best.value.childForFieldName('attribute')?.text === 'output';
  }

  private evalShift(n: Node): TaskRec[] {
    const op = n.childForFieldName('operator')?.text;
    if (op !== '>>' && op !== '<<') return this.evalExpr(n);
    const leftNode = n.childForFieldName('left');
    const left = leftNode?.type === 'binary_operator' ? this.evalShift(leftNode) : this.evalExpr(leftNode);
    const right = this.evalExpr(n.childForFieldName('right'));
    if (op === '>>') this.connect(left, right, rangeOf(n));
    else this.connect(right, left, rangeOf(n));
    return right;
  }

  private connect(from: TaskRec[], to: TaskRec[], range: Range) {
    for (const a of from) {
      for (const b of to) {
        if (!a.dag || a.dag !== b.dag) continue;
        a.dag.edges.push({ from: a.info.key, to: b.info.key, range });
      }
    }
  }
}

function isSeq(n: Node): boolean {
  return n.type === 'list' || n.type === 'tuple';
}

/** Outermost call of a `f.override(...)(...)` / `f.partial(...).expand(...)` chain. */
function outerCall(n: Node): Node {
  let cur = n;
  for (;;) {
    const p = cur.parent;
    if (p?.type === 'attribute' && p.childForFieldName('object')?.id === cur.id) {
      const attr = p.childForFieldName('attribute')?.text;
      const gp = p.parent;
      if (gp?.type === 'call' && gp.childForFieldName('function')?.id === p.id && (attr === 'expand' || attr === 'expand_kwargs' || attr === 'override' || attr === 'partial')) {
        cur = gp;
        continue;
      }
    } else if (p?.type === 'call' && p.childForFieldName('function')?.id === cur.id) {
      cur = p;
      continue;
    }
    return cur;
  }
}
