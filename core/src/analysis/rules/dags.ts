import semver from 'semver';
import { airflowDecoratorName } from '../airflowNames';
import { extractDagModel, exclusive, idArg, isTaskGroupCall, literalString, type DagInfo, type TaskInfo } from '../dagModel';
import type { ArgFact, CallFact } from '../facts';
import { callAt, nodesOf, rangeOf, resolveExpr } from '../facts';
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import { validateCron } from '../schedule';
import type { Range } from '../types';

const ASSIGNMENTS: ReadonlySet<string> = new Set(['assignment', 'augmented_assignment']);

/**
 * DAG-structure rules on the DAG model:
 *  AF221 missing / dynamic start_date (semantics per Airflow line, from Airflow's own code:
 *        < 2.8 `DAG.add_task` raises "DAG is missing the start_date parameter" when neither the
 *        DAG (start_date, default_args) nor the task has one; 2.8–2.x `DAG.__init__` raises it when
 *        a truthy schedule/schedule_interval/timetable is given without start_date; 3.x only
 *        requires one for `catchup=True` on a schedulable timetable),
 *  AF222 invalid schedule (cron/preset/timedelta; `@continuous` needs 2.6),
 *  AF224 task dependency cycle, AF225 duplicate task_id in one DAG (a warning on 1.10, where the
 *        second task is dropped; an error since 2.0: DuplicateTaskIdFound),
 *  AF226 dag_id / task_id / TaskGroup group_id that Airflow's key validation rejects,
 *  AF227 DAG params (Param) without a default or with a default its schema rejects, where Airflow
 *        validates them when the file is parsed.
 */
export const dagsRule: Rule = {
  infos: [
    { code: 'AF221', title: 'Missing or dynamic start_date', defaultSeverity: 'error', help: 'The DAG has no start_date where the target Airflow requires one (the file fails to import), or its start_date changes at every parse (datetime.now(), days_ago()), which makes scheduling unpredictable.' },
    { code: 'AF222', title: 'Invalid schedule', defaultSeverity: 'error', help: 'The schedule is not a valid cron expression, preset or positive timedelta for the target Airflow; the DAG fails to import (or never runs).' },
    { code: 'AF224', title: 'Task dependency cycle', defaultSeverity: 'error', help: 'The task dependencies form a cycle; Airflow refuses to load the DAG (AirflowDagCycleException).' },
    { code: 'AF226', title: 'Invalid dag_id, task_id or group_id', defaultSeverity: 'error', help: 'The id has characters Airflow does not allow (dag_id/task_id: letters, digits, _ . -; TaskGroup group_id from 2.1.3: letters, digits, _ -) or is too long; DAG/BaseOperator/TaskGroup raise and the file fails to import.' },
    { code: 'AF227', title: 'DAG Param without a valid default', defaultSeverity: 'error', help: 'A Param in the DAG params has no default, or a default that does not match its type/enum; Airflow 2.3–2.7 validate every DAG param when the file is parsed, 2.8+ (and 3.x) those of a DAG that has a schedule: the DAG fails to import.' },
    { code: 'AF225', title: 'Duplicate task_id in one DAG', defaultSeverity: 'error', help: 'Two tasks in the same DAG have the same task_id; Airflow 2+ raises DuplicateTaskIdFound and the file fails to import (1.10 silently drops the second task).' },
  ],
  run(ctx) {
    const model = extractDagModel(ctx.facts);
    if (!model.dags.length) return;
    const values = new ValueResolver(ctx);
    const airflow = semver.coerce(ctx.target.airflow)?.version ?? '0.0.0';
    for (const dag of model.dags) {
      checkStartDate(ctx, dag, values, airflow);
      checkSchedule(ctx, dag, values, airflow);
      checkCycles(ctx, dag);
      checkDuplicates(ctx, dag, airflow);
      checkIds(ctx, dag);
      checkParams(ctx, dag, values, airflow);
    }
    checkGroupIds(ctx, airflow);
  },
};

/**
 * Airflow's key validation (airflow/utils/helpers.py `validate_key`, called by DAG.__init__ for the
 * dag_id and BaseOperator.__init__ for the task_id: models.py 1.10.0, models/dag.py and
 * models/baseoperator.py 1.10.5–2.11, task-sdk definitions/_internal/node.py 3.x): at most 250
 * characters of `^[\w.-]+$` (1.10.0: `[A-Za-z0-9_\-\.]`), else AirflowException at parse time.
 * Python's `\w` is Unicode-aware; letters, digits and marks of any script pass here.
 */
const KEY_CHARS = /^[\p{L}\p{N}\p{M}_.-]+$/u;
/**
 * TaskGroup group_id (validate_group_key): `^[\w-]+$`, at most 200, no dots. 2.1.3–2.x check it
 * only with prefix_group_id=True (airflow/utils/task_group.py); 3.x always (attrs validator of
 * task-sdk definitions/taskgroup.py at 3.0.0 and 3.2 development).
 */
const GROUP_KEY_CHARS = /^[\p{L}\p{N}\p{M}_-]+$/u;

function keyProblem(id: string, chars: RegExp, max: number): string | undefined {
  if (!id.length) return 'is empty';
  if (id.length > max) return `is ${id.length} characters long (at most ${max})`;
  if (chars.test(id)) return undefined;
  const bad = [...new Set([...id].filter((c) => !chars.test(c)))].map((c) => (c === ' ' ? 'space' : `"${c}"`));
  return `contains ${bad.join(', ')}`;
}

function checkIds(ctx: RuleContext, dag: DagInfo) {
  const allowed = 'letters, digits, underscores, dots and dashes';
  if (dag.dagId !== undefined && dag.idRange) {
    const why = keyProblem(dag.dagId, KEY_CHARS, 250);
    if (why) ctx.report({ code: 'AF226', message: `dag_id "${dag.dagId.slice(0, 60)}" ${why}: a dag_id may only have ${allowed} (250 at most); DAG raises AirflowException and the file fails to import.`, range: dag.idRange, data: { dagId: dag.dagId } });
  }
  for (const t of dag.tasks) {
    if (t.taskId === undefined || !t.idRange) continue;
    const why = keyProblem(t.taskId, KEY_CHARS, 250);
    if (why) ctx.report({ code: 'AF226', message: `task_id "${t.taskId.slice(0, 60)}" ${why}: a task_id may only have ${allowed} (250 at most); the operator raises AirflowException and the file fails to import.`, range: t.idRange, data: { taskId: t.taskId } });
  }
}

const PARAM_CLASSES = new Set(['airflow.models.param:Param', 'airflow.models:Param', 'airflow.sdk:Param', 'airflow.sdk.definitions.param:Param']);

/**
 * DAG params resolved when the file is parsed (ParamsDict.validate → Param.resolve: "No value passed
 * and Param has no default value", or the jsonschema error of the default):
 *  - 2.3.x: DagBag.process_file calls dag.params.validate(); 2.3.4–2.7.x DAG.validate() does (called by
 *    the DagBag before bagging): every Param, whatever the schedule (airflow/models/dagbag.py 2.3.0,
 *    airflow/models/dag.py 2.3.4 … 2.7.3);
 *  - 2.8+: only when the timetable can be scheduled (validate_schedule_and_params, models/dag.py 2.8.0;
 *    task-sdk definitions/dag.py `_validate_params` 3.0.0). The 2.x default schedule is one day; 3.x's is None.
 * Before 2.3 params are only resolved when a run is triggered.
 */
function checkParams(ctx: RuleContext, dag: DagInfo, values: ValueResolver, airflow: string) {
  if (semver.lt(airflow, '2.3.0')) return;
  const paramsArg = kw(dag.call, 'params');
  const dict = paramsArg ? values.resolve(paramsArg.value) ?? paramsArg.value : undefined;
  if (dict?.type !== 'dictionary') return;
  if (semver.gte(airflow, '2.8.0')) {
    const args = scheduleArgs(dag);
    if (!args.length) {
      if (semver.gte(airflow, '3.0.0')) return;
    } else {
      const v = args.map((a) => values.resolve(a.value) ?? a.value)[0];
      const s = literalString(v);
      const schedulable = (s !== undefined && s.trim() !== '' && validateCron(s).valid) || (v.type === 'call' && /(^|\.)(timedelta|relativedelta)$/.test(v.childForFieldName('function')?.text ?? ''));
      if (!schedulable) return;
    }
  }
  const when = semver.lt(airflow, '2.8.0') ? 'Airflow 2.3–2.7 validate every DAG param when the file is parsed' : `Airflow ${semver.gte(airflow, '3.0.0') ? '3' : '2.8+'} validates the params of a DAG that has a schedule when the file is parsed`;
  for (const pair of dict.namedChildren) {
    if (pair?.type !== 'pair') continue;
    const key = literalString(pair.childForFieldName('key')) ?? pair.childForFieldName('key')?.text ?? '?';
    const value = pair.childForFieldName('value');
    const call = callAt(ctx.facts, value);
    if (!call || !PARAM_CLASSES.has(call.resolved ?? resolveExpr(call.calleeText, ctx.facts.bindings) ?? '')) continue;
    if (call.hasStarArgs) continue;
    const def = call.args.find((a) => a.name === 'default') ?? (call.args[0] && !call.args[0].name ? call.args[0] : undefined);
    const types = schemaTypes(call.args.find((a) => a.name === 'type')?.value);
    let why: string | undefined;
    if (!def) {
      why = 'has no default ("No value passed and Param has no default value")';
    } else {
      const t = jsonType(def.value);
      // jsonschema (draft 6+, what Param uses) counts an integral float (5.0) as an integer
      const integral = t === 'number' && Number.isInteger(Number(def.value.text.replace(/_/g, '').replace(/^-/, '')));
      if (t && types && !types.includes(t) && !(t === 'integer' && types.includes('number')) && !(integral && types.includes('integer'))) why = `defaults to ${def.value.text.slice(0, 30)}, which is not of type ${types.join(' or ')}`;
      const enumArg = call.args.find((a) => a.name === 'enum')?.value;
      if (!why && t && enumArg?.type === 'list') {
        const items = enumArg.namedChildren.filter((c): c is Node => !!c);
        if (items.every((c) => jsonType(c)) && !items.some((c) => c.text === def.value.text)) why = `defaults to ${def.value.text.slice(0, 30)}, which is not in its enum`;
      }
    }
    if (!why) continue;
    ctx.report({
      code: 'AF227',
      message: `Param "${key}" ${why}: ${when}, so the DAG fails to import (ParamValidationError / AirflowException); ${ctx.target.label} runs Airflow ${ctx.target.airflow}.${semver.gte(airflow, '2.8.0') ? ' A DAG with schedule=None may keep required params.' : ''}`,
      range: call.calleeRange,
      data: { param: key },
    });
  }
}

/** The JSON type of a literal (what jsonschema sees), if it is a literal. */
function jsonType(n: Node): string | undefined {
  switch (n.type) {
    case 'string': return n.namedChildren.some((c) => c?.type === 'interpolation') ? undefined : 'string';
    case 'concatenated_string': return 'string';
    case 'integer': return 'integer';
    case 'float': return 'number';
    case 'true': case 'false': return 'boolean';
    case 'none': return 'null';
    case 'list': case 'tuple': return 'array';
    case 'dictionary': return 'object';
    case 'unary_operator': return jsonType(n.namedChildren[0]!);
    default: return undefined;
  }
}

/** `type="string"` / `type=["null", "string"]` → the type names, when all are literals. */
function schemaTypes(n: Node | undefined): string[] | undefined {
  if (!n) return undefined;
  const one = literalString(n);
  if (one !== undefined) return [one];
  if (n.type !== 'list' && n.type !== 'tuple') return undefined;
  const out: string[] = [];
  for (const c of n.namedChildren) {
    const s = literalString(c);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

function checkGroupIds(ctx: RuleContext, airflow: string) {
  if (semver.lt(airflow, '2.1.3')) return;
  const check = (node: Node | undefined) => {
    const id = literalString(node);
    if (id === undefined || !node) return;
    const why = keyProblem(id, GROUP_KEY_CHARS, 200);
    if (why) ctx.report({ code: 'AF226', message: `TaskGroup group_id "${id.slice(0, 60)}" ${why}: a group_id may only have letters, digits, underscores and dashes (no dots, 200 at most) since Airflow 2.1.3 (on 2.x unless prefix_group_id=False); TaskGroup raises AirflowException and the file fails to import.`, range: rangeOf(node), data: { groupId: id } });
  };
  const always = semver.gte(airflow, '3.0.0');
  const noPrefix = (call: CallFact | undefined) => !always && call?.args.find((a) => a.name === 'prefix_group_id')?.value.text === 'False';
  for (const call of ctx.facts.calls) {
    if (!isTaskGroupCall(call, ctx.facts) || noPrefix(call)) continue;
    check(idArg(call, 'group_id'));
  }
  for (const d of ctx.facts.decorators) {
    if (!d.call || airflowDecoratorName(d.text, d.resolved, ctx.facts) !== 'task_group' || noPrefix(d.call)) continue;
    check(d.call.args.find((a) => a.name === 'group_id')?.value);
  }
}

function kw(call: CallFact | undefined, name: string): ArgFact | undefined {
  return call?.args.find((a) => a.name === name);
}

function dagAnchor(dag: DagInfo): Range {
  if (dag.idRange) return dag.idRange;
  if (dag.call) return dag.call.calleeRange;
  if (dag.fn) return dag.fn.nameRange;
  return dag.range;
}

function dagLabel(dag: DagInfo): string {
  return dag.dagId ? `DAG "${dag.dagId}"` : 'This DAG';
}

/** Module/DAG-level values of names: `default_args = {...}`, `SCHEDULE = "0 2 * * *"`. */
class ValueResolver {
  private assigns?: Map<string, Node[]>;
  private subscripts?: Map<string, { key: string; value: Node; at: number }[]>;
  private mutated?: Set<string>;
  constructor(private readonly ctx: RuleContext) {}

  private index() {
    if (this.assigns) return;
    this.assigns = new Map();
    this.subscripts = new Map();
    this.mutated = new Set();
    for (const n of nodesOf(this.ctx.facts, ASSIGNMENTS)) {
      const left = n.childForFieldName('left');
      if (n.type === 'augmented_assignment') {
        if (left?.type === 'identifier') this.mutated!.add(left.text);
        continue;
      }
      const right = n.childForFieldName('right');
      if (left?.type === 'identifier' && right) this.assigns!.get(left.text)?.push(right) ?? this.assigns!.set(left.text, [right]);
      if (left?.type === 'subscript' && right) {
        const obj = left.childForFieldName('value');
        const key = literalString(left.childForFieldName('subscript'));
        if (obj?.type === 'identifier') {
          if (key !== undefined) this.subscripts!.get(obj.text)?.push({ key, value: right, at: n.startIndex }) ?? this.subscripts!.set(obj.text, [{ key, value: right, at: n.startIndex }]);
          else this.mutated!.add(obj.text);
        }
      }
    }
    // default_args.update(...) / .setdefault(...) make the keys unknown
    for (const c of this.ctx.facts.calls) {
      if (c.method && /^(update|setdefault|pop|__setitem__)$/.test(c.method) && c.receiver?.type === 'identifier') this.mutated!.add(c.receiver.text);
    }
  }

  /** The expression a name was last assigned before `at` (one assignment only: otherwise unknown). */
  resolve(n: Node | undefined, depth = 0): Node | undefined {
    if (!n || depth > 5) return undefined;
    if (n.type !== 'identifier') return n;
    this.index();
    const all = this.assigns!.get(n.text) ?? [];
    const before = all.filter((a) => a.endIndex <= n.startIndex);
    if (all.length !== 1 || before.length !== 1) return undefined;
    return this.resolve(before[0], depth + 1);
  }

  /** Keys of a dict expression (literal, `dict(...)`, or a name bound to one). undefined = unknown. */
  dictKeys(n: Node | undefined): Map<string, Node> | undefined {
    if (!n) return undefined;
    const name = n.type === 'identifier' ? n.text : undefined;
    const v = this.resolve(n);
    if (!v) return undefined;
    const keys = new Map<string, Node>();
    if (v.type === 'dictionary') {
      for (const p of v.namedChildren) {
        if (!p || p.type === 'comment') continue;
        if (p.type !== 'pair') return undefined; // **splat, comprehension
        const k = literalString(p.childForFieldName('key'));
        if (k === undefined) return undefined;
        keys.set(k, p.childForFieldName('value')!);
      }
    } else if (v.type === 'call' && v.childForFieldName('function')?.text === 'dict') {
      for (const a of v.childForFieldName('arguments')?.namedChildren ?? []) {
        if (!a || a.type === 'comment') continue;
        if (a.type !== 'keyword_argument') return undefined;
        keys.set(a.childForFieldName('name')!.text, a.childForFieldName('value')!);
      }
    } else return undefined;
    if (name) {
      this.index();
      if (this.mutated!.has(name)) return undefined;
      for (const s of this.subscripts!.get(name) ?? []) keys.set(s.key, s.value);
    }
    return keys;
  }
}

function isNoneLiteral(n: Node | undefined): boolean {
  return !!n && (n.type === 'none' || n.text === 'None');
}

/** A literal that is falsy in Python: None, False, "", [], {}, 0. */
function falsyLiteral(n: Node): boolean {
  if (n.type === 'none' || n.type === 'false') return true;
  if (n.type === 'integer' && Number(n.text) === 0) return true;
  if ((n.type === 'list' || n.type === 'tuple' || n.type === 'dictionary') && n.namedChildCount === 0) return true;
  return literalString(n) === '';
}

const DYNAMIC = /^(now|utcnow|today|days_ago|yesterday|tomorrow)$/;

/** A call inside the value that yields "now": datetime.now(), days_ago(1), pendulum.today() … */
function dynamicCall(n: Node): Node | undefined {
  const stack: Node[] = [n];
  while (stack.length) {
    const c = stack.pop()!;
    if (c.type === 'call') {
      const f = c.childForFieldName('function');
      const last = f?.type === 'attribute' ? f.childForFieldName('attribute')?.text : f?.type === 'identifier' ? f.text : undefined;
      if (last && DYNAMIC.test(last)) return c;
    }
    if (c.type === 'lambda' || c.type === 'string') continue;
    for (const x of c.namedChildren) if (x) stack.push(x);
  }
  return undefined;
}

function checkStartDate(ctx: RuleContext, dag: DagInfo, values: ValueResolver, airflow: string) {
  const call = dag.call;
  const starArgs = !!call?.hasStarArgs;
  const startArg = kw(call, 'start_date');
  const defaultArgsArg = kw(call, 'default_args');
  const defaultKeys = defaultArgsArg ? values.dictKeys(defaultArgsArg.value) : new Map<string, Node>();
  const daStart = defaultKeys?.get('start_date');

  // Dynamic start dates: flagged on every version.
  for (const v of [startArg?.value, daStart]) {
    if (!v) continue;
    const resolved = values.resolve(v) ?? v;
    const dyn = dynamicCall(resolved);
    if (dyn) {
      ctx.report({
        code: 'AF221',
        severity: 'warning',
        message: `${dagLabel(dag)} has a dynamic start_date (${dyn.text.split('\n')[0].slice(0, 40)}): it moves at every parse, so runs may never be scheduled or be scheduled unpredictably. Use a fixed date, e.g. pendulum.datetime(2024, 1, 1, tz="UTC").`,
        range: rangeOf(v),
        data: { kind: 'dynamic' },
      });
    }
  }
  for (const t of dag.tasks) {
    const v = kw(t.call, 'start_date')?.value;
    const dyn = v && dynamicCall(values.resolve(v) ?? v);
    if (v && dyn) {
      ctx.report({ code: 'AF221', severity: 'warning', message: `Task ${t.taskId ? `"${t.taskId}" ` : ''}has a dynamic start_date (${dyn.text.slice(0, 40)}); use a fixed date.`, range: rangeOf(v), data: { kind: 'dynamic' } });
    }
  }

  // Missing start date.
  if (starArgs) return;
  const hasDagStart = !!startArg && !isNoneLiteral(startArg.value);
  if (hasDagStart) return;
  if (defaultArgsArg && !defaultKeys) return; // default_args we cannot read: may hold start_date
  const hasDefaultStart = defaultKeys?.has('start_date') ?? false;
  const label = `${ctx.target.label} runs Airflow ${ctx.target.airflow}`;
  if (semver.lt(airflow, '2.8.0')) {
    if (hasDefaultStart && !isNoneLiteral(daStart)) return;
    const missing = dag.tasks.find((t) => !t.call?.hasStarArgs && !kw(t.call, 'start_date') && !kw(t.call, 'default_args'));
    if (!missing) return;
    ctx.report({
      code: 'AF221',
      message: `${dagLabel(dag)} has no start_date (neither start_date= nor default_args["start_date"]): before Airflow 2.8, adding a task raises "${semver.lt(airflow, '2.0.0') ? 'Task' : 'DAG'} is missing the start_date parameter" and the file fails to import; ${label}.`,
      range: dagAnchor(dag),
      data: { kind: 'missing' },
    });
    return;
  }
  if (hasDefaultStart) return; // 2.8+: the key's presence is enough
  const schedule = scheduleArgs(dag).map((a) => values.resolve(a.value)).filter((v): v is Node => !!v);
  if (semver.lt(airflow, '3.0.0')) {
    const anyScheduling = scheduleArgs(dag).some((a) => {
      const v = values.resolve(a.value);
      return v ? !falsyLiteral(v) : false;
    });
    if (!anyScheduling) return;
    ctx.report({
      code: 'AF221',
      message: `${dagLabel(dag)} has a schedule but no start_date: Airflow 2.8–2.x raises "DAG is missing the start_date parameter" and the file fails to import; ${label}. Add start_date= (or default_args["start_date"]).`,
      range: dagAnchor(dag),
      data: { kind: 'missing' },
    });
    return;
  }
  // Airflow 3: required only for catchup=True on a timetable that can be scheduled.
  const catchup = kw(dag.call, 'catchup');
  if (!catchup || catchup.value.type !== 'true') return;
  const sched = kw(dag.call, 'schedule');
  if (!sched) return;
  const v = schedule[0];
  if (!v || falsyLiteral(v) || v.type === 'list' || /Asset|Dataset/.test(v.text)) return;
  ctx.report({
    code: 'AF221',
    message: `${dagLabel(dag)} sets catchup=True without a start_date: Airflow 3 raises "start_date is required when catchup=True"; ${label}.`,
    range: catchup.range,
    data: { kind: 'missing' },
  });
}

function scheduleArgs(dag: DagInfo): ArgFact[] {
  return ['schedule', 'schedule_interval', 'timetable'].map((n) => kw(dag.call, n)).filter((a): a is ArgFact => !!a);
}

function checkSchedule(ctx: RuleContext, dag: DagInfo, values: ValueResolver, airflow: string) {
  const sched = kw(dag.call, 'schedule');
  const interval = kw(dag.call, 'schedule_interval');
  const timetable = kw(dag.call, 'timetable');
  // 2.4–2.x: `at_most_one(schedule_interval, timetable, schedule)` counts truthy values (None does not
  // count) and raises ValueError("At most one allowed …"); 2.2–2.3 raise TypeError("cannot specify both
  // 'schedule_interval' and 'timetable'") for any schedule_interval given next to a timetable that is not
  // None (airflow/models/dag.py at 2.2.0 l.420-429, 2.4.0 l.477-479, 2.10.3 l.652).
  const set = (a: ArgFact | undefined) => {
    if (!a) return false;
    const v = values.resolve(a.value) ?? a.value;
    return !falsyLiteral(v) && !(v.type === 'identifier' && !values.resolve(a.value));
  };
  if (semver.gte(airflow, '2.4.0') && semver.lt(airflow, '3.0.0')) {
    const given = [interval, timetable, sched].filter(set);
    if (given.length > 1) {
      const names = given.map((a) => `${a!.name}=`).join(' and ');
      ctx.report({ code: 'AF222', message: `Both ${names} are given; Airflow raises ValueError ("At most one allowed for args 'schedule_interval', 'timetable', and 'schedule'") and the file fails to import — keep only schedule=.`, range: given[given.length - 1]!.range });
    }
  } else if (semver.gte(airflow, '2.2.0') && semver.lt(airflow, '2.4.0') && interval && timetable && set(timetable)) {
    ctx.report({ code: 'AF222', message: `Both schedule_interval= and timetable= are given; Airflow raises TypeError ("cannot specify both 'schedule_interval' and 'timetable'") and the file fails to import — keep only timetable=.`, range: interval.range });
  }
  for (const a of [sched, interval]) {
    if (!a) continue;
    const v = values.resolve(a.value);
    if (!v) continue;
    const s = literalString(v);
    if (s !== undefined) {
      const r = validateCron(s);
      if (!r.valid) {
        ctx.report({ code: 'AF222', message: `Invalid schedule "${s.slice(0, 60)}": ${r.error}.`, range: rangeOf(a.value), data: { schedule: s } });
        continue;
      }
      if (s.trim() === '@continuous' && semver.lt(airflow, '2.6.0')) {
        ctx.report({ code: 'AF222', message: `The @continuous schedule needs Airflow 2.6 or later; ${ctx.target.label} runs Airflow ${ctx.target.airflow}, where it is read as an invalid cron expression.`, range: rangeOf(a.value), data: { schedule: s } });
      }
      continue;
    }
    if (v.type === 'call') {
      const f = v.childForFieldName('function')?.text ?? '';
      // schedule=Dataset("…") (one dataset, not a list): 2.4–2.8 DAG.__init__ only takes a Collection of
      // datasets or a Timetable, anything else becomes schedule_interval and create_timetable raises
      // ValueError("Dataset(…) is not a valid interval."); 2.9.0 accepts a BaseDatasetEventInput
      // (models/dag.py at arenadata/airflow 2.8.1 l.580-589 and 2.9.0 l.602).
      if (a === sched && DATASET_CLASSES.has(resolveExpr(f, ctx.facts.bindings) ?? '') && semver.gte(airflow, '2.4.0') && semver.lt(airflow, '2.9.0')) {
        ctx.report({ code: 'AF222', message: `A single Dataset as schedule= needs Airflow 2.9 or later; ${ctx.target.label} runs Airflow ${ctx.target.airflow}, where DAG reads it as a schedule interval and raises ValueError ("Dataset(…) is not a valid schedule_interval" / "interval") when the file is imported. Pass a list: schedule=[dataset].`, range: rangeOf(a.value) });
        continue;
      }
      if (/(^|\.)timedelta$/.test(f)) {
        const secs = timedeltaSeconds(v);
        if (secs !== undefined && secs <= 0) ctx.report({ code: 'AF222', message: `The schedule timedelta is ${secs === 0 ? 'zero' : 'negative'}; Airflow requires a positive interval ("schedule interval must be positive").`, range: rangeOf(a.value) });
      }
    }
  }
}

const DATASET_CLASSES = new Set(['airflow.datasets:Dataset', 'airflow:Dataset']);

const UNIT_SECONDS: Record<string, number> = { weeks: 604800, days: 86400, hours: 3600, minutes: 60, seconds: 1, milliseconds: 0.001, microseconds: 0.000001 };
const POSITIONAL = ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks'];

function timedeltaSeconds(call: Node): number | undefined {
  let total = 0;
  let i = 0;
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (!a || a.type === 'comment') continue;
    let unit: string | undefined;
    let val: Node | null;
    if (a.type === 'keyword_argument') {
      unit = a.childForFieldName('name')?.text;
      val = a.childForFieldName('value');
    } else {
      unit = POSITIONAL[i++];
      val = a;
    }
    if (!unit || !(unit in UNIT_SECONDS) || !val) return undefined;
    const num = numberLiteral(val);
    if (num === undefined) return undefined;
    total += num * UNIT_SECONDS[unit];
  }
  return total;
}

function numberLiteral(n: Node): number | undefined {
  if (n.type === 'integer' || n.type === 'float') {
    const v = Number(n.text.replace(/_/g, ''));
    return Number.isFinite(v) ? v : undefined;
  }
  if (n.type === 'unary_operator') {
    const inner = n.namedChild(0);
    const v = inner ? numberLiteral(inner) : undefined;
    return v === undefined ? undefined : n.text.trim().startsWith('-') ? -v : v;
  }
  return undefined;
}

/** AF224: strongly connected components of the dependency graph (Tarjan, iterative). */
function checkCycles(ctx: RuleContext, dag: DagInfo) {
  if (!dag.edges.length) return;
  const adj = new Map<string, string[]>();
  for (const e of dag.edges) {
    if (e.from === e.to) continue;
    adj.get(e.from)?.push(e.to) ?? adj.set(e.from, [e.to]);
  }
  const byKey = new Map(dag.tasks.map((t) => [t.key, t]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  let counter = 0;
  const sccs: string[][] = [];
  for (const start of adj.keys()) {
    if (index.has(start)) continue;
    const work: { v: string; i: number }[] = [{ v: start, i: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const next = adj.get(top.v) ?? [];
      if (top.i < next.length) {
        const w = next[top.i++];
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) low.set(work[work.length - 1].v, Math.min(low.get(work[work.length - 1].v)!, low.get(top.v)!));
      if (low.get(top.v) === index.get(top.v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.v);
        if (comp.length > 1) sccs.push(comp);
      }
    }
  }
  for (const comp of sccs) {
    const tasks = comp.map((k) => byKey.get(k)).filter((t): t is TaskInfo => !!t);
    // A task created in a loop or helper may be several tasks at runtime: only certain cycles.
    if (tasks.length !== comp.length || tasks.some((t) => t.repeated)) continue;
    if (tasks.some((a) => tasks.some((b) => exclusive(a, b)))) continue;
    const inComp = new Set(comp);
    const path = cyclePath(comp[0], adj, inComp);
    const edge = dag.edges.filter((e) => inComp.has(e.from) && inComp.has(e.to)).sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character).pop()!;
    const name = (k: string) => byKey.get(k)?.taskId ?? byKey.get(k)?.variable ?? k;
    ctx.report({
      code: 'AF224',
      message: `Task dependency cycle in ${dagLabel(dag).replace(/^This DAG$/, 'this DAG')}: ${path.map(name).join(' → ')}. Airflow refuses to load a DAG with a cycle (AirflowDagCycleException).`,
      range: edge.range,
      data: { cycle: path.map(name) },
    });
  }
}

function cyclePath(start: string, adj: Map<string, string[]>, inComp: Set<string>): string[] {
  // BFS back to start inside the component
  const prev = new Map<string, string>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of adj.get(v) ?? []) {
      if (!inComp.has(w)) continue;
      if (w === start) {
        const path = [v];
        let c = v;
        while (c !== start) {
          c = prev.get(c)!;
          path.unshift(c);
        }
        return [...path, start];
      }
      if (!seen.has(w)) {
        seen.add(w);
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

function checkDuplicates(ctx: RuleContext, dag: DagInfo, airflow: string) {
  const byId = new Map<string, TaskInfo[]>();
  for (const t of dag.tasks) {
    if (t.taskId === undefined || t.groupPrefix === undefined || t.repeated) continue;
    const id = t.groupPrefix + t.taskId;
    const prior = byId.get(id) ?? [];
    // TaskFlow tasks get a unique id (`extract__1`) when theirs is taken; operators do not.
    const clash = prior.find((p) => !exclusive(p, t));
    if (clash && !t.autoUniqueId) {
      const old = semver.lt(airflow, '2.0.0');
      ctx.report({
        code: 'AF225',
        severity: old ? 'warning' : undefined,
        message: old
          ? `task_id "${id}" is already used in ${dagLabel(dag).replace(/^This DAG$/, 'this DAG')} (line ${clash.range.start.line + 1}); Airflow 1.10 drops this task with a warning (2.0+ refuses the file).`
          : `task_id "${id}" is already used in ${dagLabel(dag).replace(/^This DAG$/, 'this DAG')} (line ${clash.range.start.line + 1}); Airflow raises DuplicateTaskIdFound and the file fails to import.`,
        range: t.idRange ?? t.range,
        data: { taskId: id },
      });
    }
    prior.push(t);
    byId.set(id, prior);
  }
}
