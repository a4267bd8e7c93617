import semver from 'semver';
import { firstAvailable, normaliseVersion, removedIn, type Availability } from '../../knowledge';
import { airflowDecoratorName, isDagConstructor, isTaskDecorator, operatorClass } from '../airflowNames';
import { callAt, parameterName, resolveExpr, underCompatGuard, versionTestNames, type ArgFact, type CallFact } from '../facts';
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import { addedBetweenScans, uncertainNote, cachedStatus, noteFor } from './scanGaps';
import type { Range } from '../types';

/**
 * AF111 keyword argument the target's DAG/operator does not accept (removed or not yet added),
 * AF112 deprecated argument. Checks DAG(...), @dag(...), operators, .partial(...), @task(...)
 * and the keys of `default_args` dicts (operator arguments).
 */
export const argumentsRule: Rule = {
  infos: [
    { code: 'AF111', title: 'Argument not accepted by the target Airflow', defaultSeverity: 'error', help: 'The DAG or operator argument was removed from, or not yet added to, the Airflow version the target runs; the DAG fails to import (or the argument is silently ignored).' },
    { code: 'AF112', title: 'Deprecated argument', defaultSeverity: 'warning', help: 'The argument still works in the target but is deprecated; rename it to the replacement.' },
  ],
  run(ctx) {
    const { facts } = ctx;
    const decoratorCalls = new Set<number>();
    // Without TaskFlow (1.10) the decorators themselves are the problem (AF131/AF102), not their arguments.
    const taskflow = ctx.kb.feature('taskflow');
    const noTaskflow = !!taskflow && cachedStatus(taskflow, ctx.target.airflow) === 'notYet';
    for (const d of facts.decorators) {
      if (!d.call) continue;
      const name = airflowDecoratorName(d.text, d.resolved, facts);
      if (!name) continue;
      decoratorCalls.add(d.call.node.id);
      if (noTaskflow) continue;
      if (name === 'dag') checkCall(ctx, d.call, ['DAG'], 'DAG', undefined, true);
      else if (isTaskDecorator(name)) {
        // `task` in the KB: the decorator's own parameters; then those of the operator it builds.
        const chain = ctx.kb.knowsCallable('task') ? ['task', 'BaseOperator'] : ['BaseOperator'];
        checkCall(ctx, d.call, chain, `@${name}`, ctx.kb.knowsCallable('task') ? undefined : TASK_DECORATOR_OWN);
        if (name === 'task' || name === 'task.python') checkPythonTaskUnknown(ctx, d.call, `@${name}`);
      }
    }
    // my_task.override(retries=0, pool="p")(…): the same keywords as @task(...) (2.3+; AF131 before).
    const override = ctx.kb.feature('task_override');
    const noOverride = noTaskflow || (!!override && cachedStatus(override, ctx.target.airflow) === 'notYet');
    const taskFns = noOverride ? new Map<string, string>() : taskflowFunctions(facts);
    for (const call of facts.calls) {
      if (call.method !== 'override' || call.receiver?.type !== 'identifier') continue;
      const name = taskFns.get(call.receiver.text);
      if (!name) continue;
      decoratorCalls.add(call.node.id);
      const chain = ctx.kb.knowsCallable('task') ? ['task', 'BaseOperator'] : ['BaseOperator'];
      checkCall(ctx, call, chain, `${call.receiver.text}.override (@${name})`, ctx.kb.knowsCallable('task') ? undefined : TASK_DECORATOR_OWN);
      if (name === 'task' || name === 'task.python') checkPythonTaskUnknown(ctx, call, `${call.receiver.text}.override (@${name})`);
    }
    const mappingFeature = ctx.kb.feature('dynamic_task_mapping');
    if (!noTaskflow) checkTaskflowCalls(ctx, !!mappingFeature && cachedStatus(mappingFeature, ctx.target.airflow) === 'notYet');
    for (const call of facts.calls) {
      if (decoratorCalls.has(call.node.id)) continue;
      if (isDagConstructor(call, facts)) {
        checkCall(ctx, call, ['DAG'], 'DAG', undefined, true);
        continue;
      }
      let cls = operatorClass(call, facts);
      let label = cls;
      if (!cls && call.method === 'partial' && call.receiver) {
        // BashOperator.partial(...)
        const inner: CallFact = { ...call, calleeText: call.receiver.text, resolved: undefined, method: undefined };
        inner.resolved = facts.bindings.get(call.receiver.text)?.target;
        cls = operatorClass({ ...inner, args: [...call.args, { name: 'task_id', value: call.node, range: call.range }] }, facts);
        label = cls ? `${cls}.partial` : undefined;
      }
      if (cls) {
        // A class the target does not have yet (BranchDayOfWeekOperator on 2.0) is the import's
        // finding (AF102), not each of its arguments'.
        const known = ctx.kb.knowsCallable(cls) && ctx.kb.argumentsOf(cls, ctx.target.airflow).length > 0;
        const sensor = /Sensor$/.test(cls) && ctx.kb.knowsCallable('BaseSensorOperator');
        const parent = !known && isImportedFromAirflow(call, facts) ? KB_PARENT[cls] : undefined;
        const chain = known ? [cls, ...(sensor ? ['BaseSensorOperator'] : []), 'BaseOperator'] : parent && ctx.kb.knowsCallable(parent) ? [parent, 'BaseOperator'] : ['BaseOperator'];
        const own = localInitParams(ctx, call, cls);
        // Every keyword of an Airflow-imported operator the KB describes completely is known.
        const complete = known && !own && isImportedFromAirflow(call, facts);
        checkCall(ctx, call, chain, label ?? cls, own, complete);
        // BashOperator.partial(...).expand(bash_commnd=[…]): expand() validates its keywords the same way
        const expand = complete && label?.endsWith('.partial') ? expandCallOf(call, facts) : undefined;
        for (const arg of expand?.args ?? []) {
          if (arg.name && !lookup(ctx, chain, arg.name)) checkUnknown(ctx, chain, `${cls}.expand`, arg.name, arg.nameRange!);
        }
      }
      if (call.method === 'get' && call.receiver) checkVariableGet(ctx, call);
    }
    checkTriggerRuleMembers(ctx);
  },
};

/** Values checkTriggerRule already judged as a trigger_rule= argument (node ids), per file. */
const judgedTriggerRules = new WeakMap<RuleContext, Set<number>>();

/**
 * `TriggerRule.DUMMY` anywhere else (`default_args` of an operator, a dict, a comparison): reading
 * a member the target's enum lacks raises AttributeError wherever it runs, at parse time when the
 * expression is module- or DAG-level. Only that is reported here (a deprecated member reads fine;
 * BaseOperator warns only when it receives it), and not under a version or hasattr guard.
 */
function checkTriggerRuleMembers(ctx: RuleContext) {
  if (!ctx.kb.knowsCallable('TriggerRule') || !/\bTriggerRule\.[A-Z]/.test(ctx.facts.text)) return;
  const judged = judgedTriggerRules.get(ctx);
  const versionNames = versionTestNames(ctx.facts);
  const stack: Node[] = [ctx.facts.root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'attribute' && /TriggerRule\.[A-Z][A-Z0-9_]*$/.test(n.text)) {
      if (!judged?.has(n.id) && !underCompatGuard(n, n.childForFieldName('attribute')?.text, versionNames)) checkTriggerRule(ctx, n, true);
      continue;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
}

/**
 * The two `Variable.get` signatures: the Task SDK's (`airflow.sdk`, 3.0+) takes `default=`, the
 * models one (1.10–3.x) `default_var=`; the other keyword is a TypeError in every version. Sources:
 * task-sdk/src/airflow/sdk/definitions/variable.py `def get(cls, key, default=NOTSET, deserialize_json=False)`
 * at 3.0.0, 3.1 (a6352d9fe4) and 3.2 (677e53436c); airflow/models.py 1.10.0 `get(cls, key, default_var=None,
 * deserialize_json=False, session=None)`, airflow/models/variable.py 1.10.15–2.11 and
 * airflow-core/src/airflow/models/variable.py 3.0.0–3.2 `get(cls, key, default_var=…, deserialize_json=False)`.
 * A migration to `from airflow.sdk import Variable` that keeps `default_var=` fails at the call.
 */
/**
 * What `Variable` is on the target. With `try: from airflow.sdk import Variable` / `except ImportError:
 * from airflow.models import Variable` the first import (in source order) that the target has wins.
 */
function variableTarget(ctx: RuleContext, receiver: string): string | undefined {
  const imports = ctx.facts.imports.filter((i) => i.kind === 'from' && i.name && (i.alias ?? i.name) === receiver && `${i.module}:${i.name}` in VARIABLE_GET);
  if (imports.length > 1) {
    for (const i of imports) {
      const av = ctx.kb.name(i.module, i.name!);
      const st = av ? cachedStatus(av, ctx.target.airflow) : undefined;
      if (st === 'available' || st === 'deprecated') return `${i.module}:${i.name}`;
    }
    return undefined;
  }
  return resolveExpr(receiver, ctx.facts.bindings);
}

const VARIABLE_GET: Record<string, { wrong: string; right: string; from: string; other: string }> = {
  'airflow.sdk:Variable': { wrong: 'default_var', right: 'default', from: 'airflow.sdk', other: 'airflow.models' },
  'airflow.sdk.definitions.variable:Variable': { wrong: 'default_var', right: 'default', from: 'airflow.sdk', other: 'airflow.models' },
  'airflow.models:Variable': { wrong: 'default', right: 'default_var', from: 'airflow.models', other: 'airflow.sdk' },
  'airflow.models.variable:Variable': { wrong: 'default', right: 'default_var', from: 'airflow.models', other: 'airflow.sdk' },
  'airflow:models.Variable': { wrong: 'default', right: 'default_var', from: 'airflow.models', other: 'airflow.sdk' },
};

function checkVariableGet(ctx: RuleContext, call: CallFact) {
  const sig = VARIABLE_GET[variableTarget(ctx, call.receiver!.text) ?? ''];
  if (!sig) return;
  for (const arg of call.args) {
    if (arg.name !== sig.wrong || !arg.nameRange) continue;
    ctx.report({
      code: 'AF111',
      message: `\`Variable.get()\` of ${sig.from} takes \`${sig.right}=\`, not \`${sig.wrong}=\` (that is the ${sig.other} Variable's keyword): the call raises TypeError (unexpected keyword argument '${sig.wrong}') in every Airflow version.`,
      range: arg.nameRange,
      fixes: [{ title: `Rename \`${sig.wrong}\` to \`${sig.right}\``, edits: [{ range: arg.nameRange, newText: sig.right }], isPreferred: true }],
      data: { argument: sig.wrong, unknown: true },
    });
  }
}

const TYPED_CONTEXT_KEYS = ['start_date', 'try_number', 'test_mode', 'expanded_ti_count', 'reason', 'templates_dict', 'exception'];

interface Signature {
  positional: string[]; // may be passed positionally, in order
  keyword: Set<string>; // may be passed by keyword
  required: string[];
  varArgs: boolean;
  varKw: boolean;
}

function signatureOf(fn: Node): Signature | undefined {
  const sig: Signature = { positional: [], keyword: new Set(), required: [], varArgs: false, varKw: false };
  let kwOnly = false;
  const posOnly: string[] = [];
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || p.type === 'comment') continue;
    switch (p.type) {
      case 'positional_separator':
        posOnly.push(...sig.positional);
        continue;
      case 'keyword_separator':
        kwOnly = true;
        continue;
      case 'list_splat_pattern':
        sig.varArgs = true;
        kwOnly = true;
        continue;
      case 'dictionary_splat_pattern':
        sig.varKw = true;
        continue;
    }
    const name = parameterName(p);
    if (!name) return undefined;
    if (!kwOnly) sig.positional.push(name);
    sig.keyword.add(name);
    if (p.type === 'identifier' || p.type === 'typed_parameter') sig.required.push(name);
  }
  for (const n of posOnly) sig.keyword.delete(n);
  return sig;
}

/**
 * Calls of TaskFlow functions: DecoratedOperator binds the call's arguments to the function's
 * signature when the task is created (`signature.bind(*op_args, **op_kwargs)`, 2.0+), and
 * `.expand()`/`.partial()` check their keywords (`_validate_arg_names`, 2.3+); a mismatch is a
 * TypeError while the DAG file is parsed. Parameters named after context keys are filled in by
 * Airflow, so they never count as missing.
 */
const contextKeySets = new WeakMap<RuleContext['kb'], ReadonlySet<string>>();
/** The context keys of every version plus the typed-only ones, once per knowledge base. */
function contextKeyNames(kb: RuleContext['kb']): ReadonlySet<string> {
  let s = contextKeySets.get(kb);
  if (!s) contextKeySets.set(kb, (s = new Set([...kb.contextKeys(), ...TYPED_CONTEXT_KEYS])));
  return s;
}

function checkTaskflowCalls(ctx: RuleContext, noMapping: boolean) {
  const { facts } = ctx;
  const fns = new Map<string, { node: Node; count: number; ok: boolean; injected?: readonly string[] }>();
  for (const f of facts.functions) {
    const prev = fns.get(f.name);
    const decorator = f.decorators.length === 1 ? airflowDecoratorName(f.decorators[0].text, f.decorators[0].resolved, facts) : undefined;
    const taskflow = isTaskDecorator(decorator);
    fns.set(f.name, { node: f.node, count: (prev?.count ?? 0) + 1, ok: taskflow, injected: decorator ? INJECTED_BY_DECORATOR[decorator] : undefined });
  }
  // Airflow defaults parameters named in its KNOWN_CONTEXT_KEYS (which also lists typed-only keys such as
  // start_date in 3.0, try_number, test_mode); names of any version count, so nothing valid is reported.
  const contextKeys = contextKeyNames(ctx.kb);
  // Before 2.8 the signature was bound as written: `def f(ti)` called as `f()` is a TypeError (missing
  // 'ti'); 2.8 defaults context-key parameters to None first (#33430, airflow/decorators/base.py 2.8.0).
  const airflow = normaliseVersion(ctx.target.airflow);
  const contextFilled = semver.gte(airflow, '2.8.0');
  if (semver.gte(airflow, '2.9.0')) checkContextDefaults(ctx, facts);
  const report = (range: Range, fn: string, what: string) =>
    ctx.report({ code: 'AF111', message: `${fn}() ${what}: Airflow binds TaskFlow arguments to the function's signature when it creates the task (TypeError), so the file fails to import; ${ctx.target.label} runs Airflow ${ctx.target.airflow}.`, range, data: { taskflowCall: fn } });
  for (const call of facts.calls) {
    if (call.hasStarArgs || call.node.parent?.type === 'decorator') continue;
    const mapping = call.method === 'expand' || call.method === 'partial';
    const name = mapping ? (call.receiver?.type === 'identifier' ? call.receiver.text : undefined) : call.calleeText;
    const entry = name ? fns.get(name) : undefined;
    if (!entry || entry.count !== 1 || !entry.ok || (mapping && noMapping)) continue;
    const sig = signatureOf(entry.node);
    if (!sig) continue;
    const given = new Set<string>();
    let positional = 0;
    let failed = false; // bind() stops at the first mismatch: one finding per call
    for (const a of call.args) {
      if (!a.name) {
        if (mapping) continue;
        if (positional >= sig.positional.length && !sig.varArgs) {
          report(rangeOfNode(a.value), name!, `takes ${sig.positional.length} positional argument${sig.positional.length === 1 ? '' : 's'} but more were given`);
          failed = true;
          break;
        }
        if (positional < sig.positional.length) given.add(sig.positional[positional]);
        positional++;
        continue;
      }
      if (!sig.keyword.has(a.name) && !sig.varKw) {
        report(a.nameRange!, mapping ? `${name}.${call.method}` : name!, `got an unexpected keyword argument \`${a.name}\``);
        failed = true;
        break;
      }
      given.add(a.name);
    }
    if (mapping || failed) continue;
    const missing = sig.required.filter((p) => !given.has(p) && !(contextFilled && contextKeys.has(p)) && !entry.injected?.includes(p));
    if (missing.length) report(call.calleeRange, name!, `is missing the required argument${missing.length === 1 ? '' : 's'} ${missing.map((m) => `\`${m}\``).join(', ')}`);
  }
}

/**
 * 2.9+ DecoratedOperator refuses a context-key parameter whose default is not None ("Context key
 * parameter ds can't have a default other than None", ValueError when the task is created:
 * airflow/decorators/base.py at 2.9.0, #38015; task-sdk bases/decorator.py 3.x). Only functions that
 * are called (a task is created) and defaults that are literals (never None) are reported.
 */
function checkContextDefaults(ctx: RuleContext, facts: RuleContext['facts']) {
  const called = new Set<string>();
  for (const c of facts.calls) {
    if (!c.method) called.add(c.calleeText);
    else if (c.receiver?.type === 'identifier') called.add(c.receiver.text);
  }
  const v = ctx.target.airflow;
  for (const f of facts.functions) {
    if (!called.has(f.name) || f.decorators.length !== 1 || !isTaskDecorator(airflowDecoratorName(f.decorators[0].text, f.decorators[0].resolved, facts))) continue;
    for (const p of f.node.childForFieldName('parameters')?.namedChildren ?? []) {
      if (p?.type !== 'default_parameter' && p?.type !== 'typed_default_parameter') continue;
      const name = parameterName(p);
      const value = p.childForFieldName('value');
      if (!name || !value || !LITERAL_DEFAULT.has(value.type)) continue;
      const av = ctx.kb.contextKey(name);
      const known = av ? ['available', 'deprecated'].includes(cachedStatus(av, v)) : TYPED_CONTEXT_KEYS.includes(name);
      if (!known) continue;
      ctx.report({
        code: 'AF111',
        message: `\`${name}\` is a context key, and from Airflow 2.9 a TaskFlow parameter named after one may only default to None: creating the task raises ValueError ("Context key parameter ${name} can't have a default other than None") and the file fails to import; ${ctx.target.label} runs Airflow ${v}. Default it to None (Airflow fills it in) or rename the parameter.`,
        range: rangeOfNode(value),
        data: { argument: name, contextDefault: true },
      });
    }
  }
}

const LITERAL_DEFAULT: ReadonlySet<string> = new Set(['string', 'concatenated_string', 'integer', 'float', 'true', 'false', 'list', 'dictionary', 'tuple', 'set']);

/**
 * Parameters a provider's TaskFlow decorator fills in itself, so a call need not pass them:
 * `@task.pyspark` defaults `spark` and `sc` to None and injects the session (SPARK_CONTEXT_KEYS,
 * airflow/providers/apache/spark/decorators/pyspark.py, arenadata/airflow 2.10.3; sweco/airflow 3.0.3),
 * `@task.snowpark` puts a placeholder `session` into op_kwargs (inject_session_into_op_kwargs,
 * providers/snowflake/src/airflow/providers/snowflake/decorators/snowpark.py, sweco/airflow 3.0.3).
 */
const INJECTED_BY_DECORATOR: Record<string, readonly string[]> = { 'task.pyspark': ['spark', 'sc'], 'task.snowpark': ['session'] };

/** What the plain @task operator (_PythonDecoratedOperator: DecoratedOperator + PythonOperator) takes besides the KB callables. */
const PYTHON_TASK_EXTRA = new Set(['op_args', 'op_kwargs', 'kwargs_to_upstream', 'python_callable', 'multiple_outputs', 'task_id']);

/**
 * `@task(retires=3)`: a keyword neither the decorator, PythonOperator nor BaseOperator has ever had
 * ends in BaseOperator's "Invalid arguments were passed" when the task is created (2.0+).
 */
function checkPythonTaskUnknown(ctx: RuleContext, call: CallFact, label: string) {
  const chain = ['task', 'PythonOperator', 'BaseOperator'];
  if (!chain.every((c) => ctx.kb.knowsCallable(c))) return;
  for (const arg of call.args) {
    if (!arg.name || PYTHON_TASK_EXTRA.has(arg.name) || lookup(ctx, chain, arg.name)) continue;
    checkUnknown(ctx, chain, label, arg.name, arg.nameRange!);
  }
}

/** Functions decorated with a TaskFlow task decorator (name → decorator, e.g. "task.virtualenv"). */
function taskflowFunctions(facts: RuleContext['facts']): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of facts.functions) {
    for (const d of f.decorators) {
      const name = airflowDecoratorName(d.text, d.resolved, facts);
      if (isTaskDecorator(name)) out.set(f.name, name!);
    }
  }
  return out;
}

/**
 * Parameters of the TaskFlow decorators themselves (`task(python_callable, multiple_outputs, **kwargs)`
 * since 2.0): not judged by BaseOperator's history (BaseOperator only gained `multiple_outputs` in 2.9).
 */
const TASK_DECORATOR_OWN = new Set(['python_callable', 'multiple_outputs']);

/**
 * Parameters that a class defined in this file declares in its own `__init__` (a custom
 * operator may legitimately take an argument whose name BaseOperator dropped).
 */
function localInitParams(ctx: RuleContext, call: CallFact, cls: string): Set<string> | undefined {
  if (call.resolved) return undefined;
  let byClass = initParamsCache.get(ctx.facts);
  if (!byClass) {
    byClass = new Map();
    for (const fn of ctx.facts.functions) {
      if (fn.name !== '__init__' || !fn.nested) continue;
      const owner = fn.node.parent?.parent;
      const name = owner?.type === 'class_definition' ? owner.childForFieldName('name')?.text : undefined;
      if (!name) continue;
      const params = byClass.get(name) ?? new Set<string>();
      for (const p of fn.params) if (p.kind === 'normal') params.add(p.name);
      byClass.set(name, params);
    }
    initParamsCache.set(ctx.facts, byClass);
  }
  const own = byClass.get(cls);
  return own?.size ? own : undefined;
}
const initParamsCache = new WeakMap<object, Map<string, Set<string>>>();

function lookup(ctx: RuleContext, chain: string[], arg: string): Availability | undefined {
  for (const c of chain) {
    const av = ctx.kb.argument(c, arg);
    if (av) return av;
  }
  return undefined;
}

/** `X.partial(...).expand(...)`: the expand call whose receiver is this partial call. */
function expandCallOf(partial: CallFact, facts: RuleContext['facts']): CallFact | undefined {
  const attr = partial.node.parent;
  if (attr?.type !== 'attribute' || attr.childForFieldName('attribute')?.text !== 'expand') return undefined;
  return callAt(facts, attr.parent);
}

/** The callee (or the receiver of `X.partial`) is bound by an import from an airflow module. */
/**
 * Airflow operators the KB does not describe whose constructor hands its other keywords to a KB
 * callable: the virtualenv / external-python operators pass **kwargs to PythonOperator.__init__
 * (1.10 airflow/operators/python_operator.py `super(PythonVirtualenvOperator, self).__init__(…,
 * provide_context=provide_context, …)`; 2.x airflow/operators/python.py `_BasePythonVirtualenvOperator(
 * PythonOperator)` → `super().__init__(…, **kwargs)`; 3.x providers/standard …/operators/python.py the
 * same, without provide_context). Their own parameters stay unknown, so only what the parent
 * removed or has not added yet is reported (e.g. provide_context=True on 3.x).
 */
const KB_PARENT: Record<string, string> = {
  PythonVirtualenvOperator: 'PythonOperator',
  BranchPythonVirtualenvOperator: 'PythonOperator',
  ExternalPythonOperator: 'PythonOperator',
  BranchExternalPythonOperator: 'PythonOperator',
};

function isImportedFromAirflow(call: CallFact, facts: RuleContext['facts']): boolean {
  const target = call.resolved ?? (call.method === 'partial' && call.receiver ? facts.bindings.get(call.receiver.text.split('.')[0])?.target : undefined);
  return !!target && /^airflow(\.|:|$)/.test(target);
}

/**
 * `complete`: the KB lists every parameter the callable (with its chain) has ever accepted, so a
 * keyword no scanned version knows is a mistake (a typo): DAG raises TypeError, BaseOperator
 * "Invalid arguments were passed to …" (AirflowException in 2.x, TypeError in 3.x; 1.10 warns).
 */
function checkCall(ctx: RuleContext, call: CallFact, chain: string[], label: string, ownParams?: Set<string>, complete = false) {
  const present = new Set(call.args.filter((a) => a.name).map((a) => a.name!));
  // Under `if AIRFLOW_V_2_4_PLUS:` / `else:` the author wrote each branch for the versions that run it:
  // which arguments a version accepts is no verdict there (as for imports); a misspelt one still is.
  const versionGuarded = underCompatGuard(call.node, undefined, versionTestNames(ctx.facts));
  for (const arg of call.args) {
    if (!arg.name || ownParams?.has(arg.name)) continue;
    if (complete && !lookup(ctx, chain, arg.name)) {
      checkUnknown(ctx, chain, label, arg.name, arg.nameRange!);
      continue;
    }
    if (versionGuarded) continue;
    if (arg.name === 'provide_context' && falsyProvideContext(ctx, chain, label, arg)) continue;
    checkName(ctx, chain, label, arg.name, arg.nameRange!, present);
    if (arg.name === 'default_args' && chain[0] === 'DAG') checkDefaultArgs(ctx, arg);
    if (arg.name === 'trigger_rule' && chain[0] !== 'DAG') checkTriggerRule(ctx, arg.value);
    if ((arg.name === 'default_view' || arg.name === 'orientation') && chain[0] === 'DAG') checkDagViewValue(ctx, arg.name, arg.value);
  }
}

/**
 * DAG(default_view=…, orientation=…): 1.10 stores any value; 2.0–2.11 `DAG.__init__` raises
 * AirflowException ("Invalid values of dag.default_view: only support …") for a value outside
 * DEFAULT_VIEW_PRESETS / ORIENTATION_PRESETS (airflow/models/dag.py at 2.0.0, 2.2.5, 2.3.0, 2.10.3;
 * sweco/airflow 2.11.0). 2.3 renamed the "tree" view to "grid": 2.0–2.2 reject "grid", 2.3+ map
 * "tree" to "grid" with a DeprecationWarning (RemovedInAirflow3Warning later). Both arguments are
 * gone in 3.0 (checkName reports that from the KB).
 */
function checkDagViewValue(ctx: RuleContext, name: 'default_view' | 'orientation', value: Node) {
  if (value.type !== 'string' || value.namedChildren.some((c) => c?.type === 'interpolation')) return;
  const content = value.namedChildren.find((c) => c?.type === 'string_content');
  const text = content?.text ?? '';
  const v = normaliseVersion(ctx.target.airflow);
  if (semver.lt(v, '2.0.0') || semver.gte(v, '3.0.0')) return;
  const grid = semver.gte(v, '2.3.0');
  const allowed = name === 'orientation' ? ['LR', 'TB', 'RL', 'BT'] : [grid ? 'grid' : 'tree', 'graph', 'duration', 'gantt', 'landing_times'];
  const range = content ? rangeOfNode(content) : rangeOfNode(value);
  const runs = `${ctx.target.label} runs Airflow ${ctx.target.airflow}`;
  const evidence = [{ repo: 'arenadata/airflow', path: 'airflow/models/dag.py', ref: grid ? '2.3.0' : '2.0.0' }];
  if (name === 'default_view' && text === 'tree' && grid) {
    ctx.report({
      code: 'AF112',
      message: `default_view "tree" is deprecated in Airflow ${ctx.target.airflow} (${ctx.target.label}): the tree view was renamed to "grid" in 2.3; DAG maps it with a warning. Use "grid" instead.`,
      range, evidence, data: { argument: name, value: text },
      fixes: content ? [{ title: 'Use "grid"', edits: [{ range, newText: 'grid' }], isPreferred: true }] : undefined,
    });
    return;
  }
  if (allowed.includes(text)) return;
  const renamed = name === 'default_view' && text === 'grid' ? ' ("grid" is the 2.3+ name of the tree view)' : '';
  const fixTo = renamed ? 'tree' : allowed.find((a) => a.toLowerCase() === text.toLowerCase());
  ctx.report({
    code: 'AF111',
    message: `${name} "${text}" is not accepted by Airflow ${ctx.target.airflow}${renamed}: DAG raises AirflowException ("Invalid values of dag.${name}: only support ${allowed.join(', ')}") and the file fails to import; ${runs}.${fixTo ? ` Use "${fixTo}" instead.` : ''}`,
    range, evidence, data: { argument: name, value: text },
    fixes: fixTo && content ? [{ title: `Use "${fixTo}"`, edits: [{ range, newText: fixTo }], isPreferred: true }] : undefined,
  });
}

/**
 * `trigger_rule="none_failed_or_skipped"` / `TriggerRule.DUMMY`: BaseOperator validates the value
 * (TriggerRule.is_valid) and raises for one the target's TriggerRule enum lacks (removed in 3.0, or
 * added later such as `none_failed_min_one_success` in 2.2); 2.2–2.x warn about the two renamed ones.
 * Facts: arguments.json pseudo-callable "TriggerRule" (value → availability).
 */
function checkTriggerRule(ctx: RuleContext, value: Node, accessOnly = false) {
  if (!ctx.kb.knowsCallable('TriggerRule')) return;
  if (accessOnly && value.type !== 'attribute') return;
  if (!accessOnly) {
    const judged = judgedTriggerRules.get(ctx) ?? new Set<number>();
    judgedTriggerRules.set(ctx, judged.add(value.id));
  }
  let rule: string | undefined;
  let range: Range;
  let member = false;
  if (value.type === 'string') {
    const content = value.namedChildren.find((c) => c?.type === 'string_content');
    if (!content || value.namedChildren.some((c) => c?.type === 'interpolation')) return;
    rule = content.text;
    range = rangeOfNode(content);
  } else if (value.type === 'attribute') {
    const obj = value.childForFieldName('object');
    const attr = value.childForFieldName('attribute');
    if (!obj || !attr || !/^[A-Z][A-Z0-9_]*$/.test(attr.text)) return;
    const root = obj.text.split('.')[0];
    const bound = ctx.facts.bindings.get(root)?.target ?? '';
    const isEnum = obj.text.endsWith('TriggerRule') && (bound.endsWith(':TriggerRule') || /(^|\.)trigger_rule$/.test(bound) || /^airflow(\.|$)/.test(bound));
    if (!isEnum) return;
    rule = attr.text.toLowerCase();
    range = rangeOfNode(attr);
    member = true;
  } else return;
  const av = ctx.kb.argument('TriggerRule', rule!);
  const v = ctx.target.airflow;
  const runs = `${ctx.target.label} runs Airflow ${v}`;
  const shown = member ? `TriggerRule.${rule!.toUpperCase()}` : `"${rule}"`;
  const evidence = av?.evidence?.slice(0, 3).map((e) => ({ repo: e.repo, path: e.path, ref: e.ref }));
  const data = { triggerRule: rule };
  if (!av) {
    if (accessOnly) return;
    // Not a value of any scanned Airflow: a typo that every version rejects.
    const known = ctx.kb.argumentsOf('TriggerRule', v);
    if (!known.length) return;
    ctx.report({ code: 'AF111', message: `trigger_rule ${shown} is not a trigger rule; Airflow raises "The trigger_rule must be one of …" (${runs}: ${[...known].sort().join(', ')}).`, range: range!, data });
    return;
  }
  const status = cachedStatus(av, v);
  if (status === 'available' || (accessOnly && status === 'deprecated')) return;
  const rep = av.replacement;
  const repAv = rep ? ctx.kb.argument('TriggerRule', rep) : undefined;
  const repOk = !!repAv && ['available', 'deprecated'].includes(cachedStatus(repAv, v));
  const repShown = rep ? (member ? `TriggerRule.${rep.toUpperCase()}` : `"${rep}"`) : '';
  const fixes = rep && repOk ? [{ title: `Use ${repShown}`, edits: [{ range: range!, newText: member ? rep.toUpperCase() : rep }], isPreferred: true }] : undefined;
  const instead = rep && repOk && status !== 'notYet' ? ` Use ${repShown} instead.` : '';
  if (status === 'deprecated') {
    ctx.report({ code: 'AF112', message: `trigger_rule ${shown} is deprecated in Airflow ${v} (${ctx.target.label}); Airflow maps it to ${repShown || 'its replacement'} with a warning.${instead}`, range: range!, fixes, evidence, data });
    return;
  }
  const gone = removedIn(av, v);
  const how = member ? 'the attribute does not exist (AttributeError)' : 'BaseOperator raises "The trigger_rule must be one of …"';
  const why = status === 'notYet' ? `only exists from Airflow ${firstAvailable(av)}` : gone ? `was removed in Airflow ${gone}` : 'does not exist';
  ctx.report({ code: 'AF111', message: `trigger_rule ${shown} ${why}: ${how}; ${runs}.${instead}`, range: range!, fixes: status === 'notYet' ? undefined : fixes, evidence, data });
}

/**
 * `provide_context=False` on 2.x: PythonOperator only drops the argument when it is true
 * (`if kwargs.get("provide_context"): warnings.warn(…); kwargs.pop(…)`, airflow/operators/python.py
 * 2.0.0 … 2.10.3), so a false value reaches BaseOperator, which raises "Invalid arguments were passed
 * to …" (AirflowException, [operators] allow_illegal_arguments is off by default). 1.10 accepts it,
 * 3.x has no such argument at all (checkName reports that).
 */
function falsyProvideContext(ctx: RuleContext, chain: string[], label: string, arg: CallFact['args'][number]): boolean {
  const v = arg.value;
  const falsy = v.type === 'false' || v.type === 'none' || (v.type === 'integer' && /^0+$/.test(v.text)) || (v.type === 'string' && /^[rbuRBU]*(""|'')$/.test(v.text));
  if (!falsy || !/^2\./.test(ctx.target.airflow)) return false;
  const av = lookup(ctx, chain, 'provide_context');
  if (!av || cachedStatus(av, ctx.target.airflow) !== 'deprecated') return false;
  ctx.report({
    code: 'AF111',
    message: `\`provide_context=${v.text}\` for ${label} fails on Airflow ${ctx.target.airflow}: PythonOperator only drops a true provide_context, so this one reaches BaseOperator, which raises "Invalid arguments were passed to ${label}"; ${ctx.target.label} runs Airflow ${ctx.target.airflow}. Remove the argument (the context is always passed since 2.0).`,
    range: arg.nameRange!,
    fixes: undefined,
    data: { argument: 'provide_context' },
  });
  return true;
}

function checkName(ctx: RuleContext, chain: string[], label: string, name: string, range: Range, present: Set<string>, inDefaultArgs = false) {
  const av = lookup(ctx, chain, name);
  if (!av) return;
  const v = ctx.target.airflow;
  const status = cachedStatus(av, v);
  if (status === 'available') return;
  const where = inDefaultArgs ? `in default_args (operator argument)` : `for ${label}`;
  const rep = av.replacement;
  const renameable = rep && /^[A-Za-z_]\w*$/.test(rep) && !present.has(rep);
  const repAv = rep ? lookup(ctx, chain, rep) : undefined;
  const repOk = !repAv || ['available', 'deprecated'].includes(cachedStatus(repAv, v));
  // Replacement and deprecation note describe the way forward; for an argument the target does not
  // have yet they would point past the target (e.g. `schedule` on 2.0), so they are left out.
  const forward = status !== 'notYet';
  const instead = rep && forward && repOk ? ` Use \`${rep}\` instead.` : '';
  const note = forward ? noteFor(av.note, status) : '';
  const fixes =
    renameable && repOk
      ? [{ title: `Rename \`${name}\` to \`${rep}\``, edits: [{ range, newText: inDefaultArgs ? rep! : rep! }], isPreferred: true }]
      : undefined;
  const evidence = av.evidence?.slice(0, 3).map((e) => ({ repo: e.repo, path: e.path, ref: e.ref }));
  const runs = `${ctx.target.label} runs Airflow ${v}`;
  const data = { argument: name, ...(inDefaultArgs ? { inDefaultArgs: true } : {}) };
  if (status === 'deprecated') {
    // 3.x BaseOperator warns about email_on_failure/email_on_retry only `if email and …`: without an
    // email anywhere in the file (call, default_args) they are silent.
    if (EMAIL_FLAGS.has(name) && !/(^|[^\w])email\s*=(?!=)|["']email["']\s*:/.test(ctx.facts.text)) return;
    ctx.report({ code: 'AF112', message: `Argument \`${name}\` ${where} is deprecated in Airflow ${v} (${ctx.target.label}).${instead}${note}`, range, fixes, evidence, data });
    return;
  }
  const gap = status === 'notYet' ? addedBetweenScans(ctx, av) : undefined;
  if (gap) {
    ctx.report({ code: 'AF111', severity: 'warning', message: `Argument \`${name}\` ${where} may not be accepted by Airflow ${v}; ${runs}.${uncertainNote(ctx, gap)}${instead}`, range, fixes, evidence, data: { ...data, uncertain: true } });
    return;
  }
  const gone = removedIn(av, v);
  const back = status === 'notYet' ? nextAvailable(av, v) : undefined;
  // A gap (sla_miss_callback: dropped in 3.1.0, accepted again from 3.2.0) is "not in the target", not "only from <first>".
  const why = status === 'notYet' && gone && back ? `is not accepted by Airflow ${v} (removed in ${gone}, accepted again from ${back})` : status === 'notYet' ? `is only accepted from Airflow ${firstAvailable(av)}` : gone ? `was removed in Airflow ${gone}` : 'is not accepted';
  if (inDefaultArgs) {
    // Operators take from default_args only the keys their signature has: an unknown key is
    // silently ignored (the setting has no effect), it does not break the DAG.
    ctx.report({ code: 'AF111', severity: 'warning', message: `\`${name}\` ${where} ${why}; ${runs}, which ignores it.${instead}${note}`, range, fixes, evidence, data });
    return;
  }
  if (chain[0] !== 'DAG' && semver.lt(normaliseVersion(v), '2.0.0')) {
    // Airflow 1.10's BaseOperator only warns about unknown keyword arguments
    // ("Invalid arguments were passed to … Support for passing such arguments will be dropped in
    // Airflow 2.0", PendingDeprecationWarning) and ignores them; 2.0 made that an AirflowException.
    ctx.report({ code: 'AF111', severity: 'warning', message: `Argument \`${name}\` ${where} ${why}; ${runs}, which ignores it with a warning ("Invalid arguments were passed to …").${instead}${note}`, range, fixes, evidence, data });
    return;
  }
  ctx.report({ code: 'AF111', message: `Argument \`${name}\` ${where} ${why}; ${runs}.${instead}${note}`, range, fixes, evidence, data });
}

function checkUnknown(ctx: RuleContext, chain: string[], label: string, name: string, range: Range) {
  const v = ctx.target.airflow;
  // The accepted names of a chain and the closest one to a keyword are pure functions of the
  // knowledge base: memoised (a DAG with a misspelt keyword in 200 tasks asks 200 times).
  let memo = unknownMemo.get(ctx.kb);
  if (!memo) unknownMemo.set(ctx.kb, (memo = new Map()));
  const key = `${v}\u0000${chain.join(',')}`;
  let m = memo.get(key);
  if (!m) memo.set(key, (m = { accepted: [...new Set(chain.flatMap((c) => ctx.kb.argumentsOf(c, v)))], guesses: new Map() }));
  const accepted = m.accepted;
  if (!accepted.length) return; // nothing known for this version: no basis for a verdict
  let guess = m.guesses.get(name);
  if (!m.guesses.has(name)) m.guesses.set(name, (guess = closest(name, accepted)));
  const runs = `${ctx.target.label} runs Airflow ${v}`;
  const hint = guess ? ` Did you mean \`${guess}\`?` : '';
  const fixes = guess ? [{ title: `Rename \`${name}\` to \`${guess}\``, edits: [{ range, newText: guess }], isPreferred: true }] : undefined;
  const data = { argument: name, unknown: true };
  if (chain[0] === 'DAG') {
    ctx.report({ code: 'AF111', message: `\`${name}\` is not an argument of ${label} in any Airflow version; DAG raises TypeError (unexpected keyword argument) and the file fails to import; ${runs}.${hint}`, range, fixes, data });
    return;
  }
  if (semver.lt(normaliseVersion(v), '2.0.0')) {
    ctx.report({ code: 'AF111', severity: 'warning', message: `\`${name}\` is not an argument of ${label} in any Airflow version; ${runs}, which ignores it with a warning ("Invalid arguments were passed to …").${hint}`, range, fixes, data });
    return;
  }
  const raises = /\.(partial|expand)$/.test(label) ? `TypeError ("${label}() got an unexpected keyword argument")` : `"Invalid arguments were passed to ${label}"`;
  ctx.report({ code: 'AF111', message: `\`${name}\` is not an argument of ${label} in any Airflow version; Airflow raises ${raises} and the file fails to import; ${runs}.${hint}`, range, fixes, data });
}

const unknownMemo = new WeakMap<object, Map<string, { accepted: string[]; guesses: Map<string, string | undefined> }>>();

/** The accepted name at edit distance ≤ 2 (≤ 1 for short names), if exactly one is that close. */
export function closest(name: string, names: string[]): string | undefined {
  return closestBy(name, names, editDistance);
}

/** `closest` over a given distance (`distance(a, b, max)` may stop at max + 1); exported for the property test. */
export function closestBy(name: string, names: string[], distance: (a: string, b: string, max: number) => number): string | undefined {
  const max = name.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestD = max + 1;
  let tie = false;
  for (const n of names) {
    const d = distance(name, n, max);
    if (d < bestD) {
      best = n;
      bestD = d;
      tie = false;
    } else if (d === bestD) tie = true;
  }
  return best && !tie ? best : undefined;
}

/** Optimal-string-alignment distance (insert, delete, substitute, swap two neighbours). */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  // Three rolling rows of the (a.length + 1) × (b.length + 1) table: rows i-2, i-1 and i.
  const w = b.length + 1;
  let prev2 = new Int32Array(w);
  let prev = new Int32Array(w);
  let cur = new Int32Array(w);
  for (let j = 0; j < w; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      let x = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) x = Math.min(x, prev2[j - 2] + 1);
      cur[j] = x;
    }
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[b.length];
}

const EMAIL_FLAGS = new Set(['email_on_failure', 'email_on_retry']);

function nextAvailable(av: Availability, version: string): string | undefined {
  const v = normaliseVersion(version);
  return av.available.map((r) => normaliseVersion(r.from)).filter((f) => semver.gt(f, v)).sort(semver.compare)[0];
}

/** `default_args={"retries": 1, ...}` or `default_args=dict(retries=1)` or a variable bound to either. */
function checkDefaultArgs(ctx: RuleContext, arg: ArgFact) {
  let value: Node | null = arg.value;
  if (value.type === 'identifier') value = findAssignedValue(ctx, value.text, arg.value.startIndex);
  if (!value) return;
  const keys: { name: string; range: Range; quoted: boolean; value: Node | null }[] = [];
  if (value.type === 'dictionary') {
    for (const pair of value.namedChildren) {
      if (pair?.type !== 'pair') continue;
      const k = pair.childForFieldName('key');
      if (k?.type === 'string') {
        const content = k.namedChildren.find((c) => c?.type === 'string_content');
        if (content) keys.push({ name: content.text, range: rangeOfNode(content), quoted: true, value: pair.childForFieldName('value') });
      }
    }
  } else if (value.type === 'call' && value.childForFieldName('function')?.text === 'dict') {
    for (const a of value.childForFieldName('arguments')?.namedChildren ?? []) {
      if (a?.type !== 'keyword_argument') continue;
      const n = a.childForFieldName('name');
      if (n) keys.push({ name: n.text, range: rangeOfNode(n), quoted: false, value: a.childForFieldName('value') });
    }
  }
  const present = new Set(keys.map((k) => k.name));
  for (const k of keys) {
    checkName(ctx, ['BaseOperator'], 'default_args', k.name, k.range, present, true);
    // every operator of the DAG gets this value, and rejects it like its own argument
    if (k.name === 'trigger_rule' && k.value) checkTriggerRule(ctx, k.value);
  }
}

function rangeOfNode(n: Node): Range {
  return n.doc.range(n.startIndex, n.endIndex);
}

/** The value of the last module-level `name = <value>` before `beforeIndex`. */
export function findAssignedValue(ctx: RuleContext, name: string, beforeIndex: number): Node | null {
  let found: Node | null = null;
  for (const stmt of ctx.facts.root.namedChildren) {
    if (!stmt || stmt.startIndex > beforeIndex) break;
    if (stmt.type !== 'expression_statement') continue;
    const a = stmt.namedChild(0);
    if (a?.type === 'assignment' && a.childForFieldName('left')?.text === name) found = a.childForFieldName('right');
  }
  return found;
}
