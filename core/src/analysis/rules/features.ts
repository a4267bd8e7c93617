import semver from 'semver';
import { firstAvailable, normaliseVersion, removedIn, type FeatureDetector } from '../../knowledge';
import { airflowDecoratorName, isDagConstructor, isTaskDecorator, operatorClass, splitResolved } from '../airflowNames';
import { extractDagModel } from '../dagModel';
import { callAt, nodesOf, underCompatGuard, versionTestNames, type CallFact, type Facts } from '../facts';
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import { cachedStatus } from './scanGaps';
import type { Range } from '../types';

/**
 * AF131: DAG-authoring feature the target's Airflow does not have (dynamic task mapping before
 * 2.3, @task.sensor before 2.5, setup/teardown before 2.7 …). Features and how to recognise
 * them come from the knowledge base (features.json `detect`).
 */
export const featuresRule: Rule = {
  infos: [
    { code: 'AF131', title: 'Feature not available in the target Airflow', defaultSeverity: 'error', help: 'The DAG uses an Airflow feature (decorator, method or class) that the target Airflow version does not have yet, or no longer has.' },
  ],
  run(ctx) {
    const features = ctx.kb.features();
    if (!features.length) return;
    const taskish = taskishNames(ctx.facts);
    const groups = taskGroupFunctions(ctx.facts);
    // methods some feature detects on @task_group functions only (group.expand(…) needs 2.5, not 2.3)
    const groupMethods = new Set(features.flatMap(([, f]) => (f.detect ?? []).flatMap((d) => ('method' in d && d.receiver === 'task_group' ? [d.method] : []))));
    const seen = new Set<string>();
    for (const [id, f] of features) {
      const status = cachedStatus(f, ctx.target.airflow);
      if (status === 'available' || status === 'deprecated') continue;
      for (const hit of findUses(ctx, f.detect ?? [], taskish, groups, groupMethods)) {
        // One report per feature and line (a decorator and its call, `Asset(Asset(…))`…).
        const key = `${id}@${hit.range.start.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const v = ctx.target.airflow;
        const when = status === 'notYet' ? `needs Airflow ${firstAvailable(f)} or later` : `was removed in Airflow ${removedIn(f, v) ?? '?'}`;
        const evidence = f.evidence?.slice(0, 3).map((e) => ({ repo: e.repo, path: e.path, ref: e.ref }));
        ctx.report({
          code: 'AF131',
          message: `${f.title} (${hit.what}) ${when}; ${ctx.target.label} runs Airflow ${v}.${f.note ? ` ${f.note}` : ''}`,
          range: hit.range, evidence, data: { feature: id },
        });
      }
    }
    checkDagShift(ctx);
  },
};

/**
 * `dag >> task` / `task << dag` assigned the task to the DAG in 1.10 (BaseOperator.__rshift__ /
 * __rrshift__ special-cased DAG: airflow/models/baseoperator.py at 1.10.15). 2.0 removed that
 * (UPDATING.md 2.0.0 "Assigning task to a DAG using bitwise shift (bit-shift) operators are no longer
 * supported"): TaskMixin.__rrshift__ calls set_upstream(dag), and BaseOperator._set_relatives calls
 * `dag.update_relative(…)`, which no DAG class defines (airflow/models/dag.py 2.0.0–2.11.0, task-sdk
 * definitions/dag.py 3.x) — AttributeError when the file is parsed.
 */
function checkDagShift(ctx: RuleContext) {
  if (semver.lt(normaliseVersion(ctx.target.airflow), '2.0.0')) return;
  const dagVars = new Set(extractDagModel(ctx.facts).dags.map((d) => d.variable).filter((v): v is string => !!v));
  const isDag = (n: Node | null): boolean => {
    if (!n) return false;
    if (n.type === 'parenthesized_expression') return isDag(n.namedChildren[0] ?? null);
    if (n.type === 'identifier') return dagVars.has(n.text);
    if (n.type === 'call') {
      const c = callAt(ctx.facts, n);
      return !!c && isDagConstructor(c, ctx.facts);
    }
    return false;
  };
  const shifts: Node[] = [];
  const collect = (n: Node | null) => {
    if (n?.type !== 'binary_operator') return;
    shifts.push(n);
    collect(n.childForFieldName('left'));
    collect(n.childForFieldName('right'));
  };
  for (const st of nodesOf(ctx.facts, ['expression_statement'])) for (const c of st.namedChildren) collect(c);
  for (const n of shifts) {
    const op = n.childForFieldName('operator')?.type;
    if (op !== '>>' && op !== '<<') continue;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    // the innermost `dag >> t` of a chain `dag >> t1 >> t2` is its own binary_operator node
    const dagSide = isDag(left) ? left : isDag(right) ? right : undefined;
    if (!dagSide) continue;
    ctx.report({
      code: 'AF131',
      message: `Assigning a task to a DAG with \`${n.text.length > 40 ? `${dagSide.text} ${op} …` : n.text}\` was removed in Airflow 2.0 (the DAG is not a task: AttributeError 'DAG' object has no attribute 'update_relative', the file fails to import); ${ctx.target.label} runs Airflow ${ctx.target.airflow}. Create the task inside \`with DAG(...)\` or pass \`dag=${dagSide.type === 'identifier' ? dagSide.text : 'dag'}\`.`,
      range: rangeOfNode(n),
      data: { feature: 'dag_bitshift' },
    });
  }
}


function rangeOfNode(n: Node): Range {
  return { start: { line: n.startPosition.row, character: n.startPosition.column }, end: { line: n.endPosition.row, character: n.endPosition.column } };
}

/** Local names that denote tasks: TaskFlow functions, operator classes, variables holding tasks. */
function taskishNames(facts: Facts): Set<string> {
  const names = new Set<string>();
  for (const f of facts.functions) {
    if (f.decorators.some((d) => isTaskDecorator(airflowDecoratorName(d.text, d.resolved, facts)) || airflowDecoratorName(d.text, d.resolved, facts) === 'task_group')) names.add(f.name);
  }
  for (const [local, b] of facts.bindings) {
    const s = splitResolved(b.target);
    if (s && /(Operator|Sensor)$/.test(s.name)) names.add(local);
  }
  // t = SomeOperator(...) / t = my_task(...)
  for (const call of facts.calls) {
    const p = call.node.parent;
    if (p?.type !== 'assignment') continue;
    const left = p.childForFieldName('left');
    if (left?.type === 'identifier' && (operatorClass(call, facts) || names.has(call.calleeText))) names.add(left.text);
  }
  return names;
}

/** Names of @task_group-decorated functions. */
function taskGroupFunctions(facts: Facts): Set<string> {
  const out = new Set<string>();
  for (const f of facts.functions) if (f.decorators.some((d) => airflowDecoratorName(d.text, d.resolved, facts) === 'task_group')) out.add(f.name);
  return out;
}

/** Root identifier of a receiver chain: `a.partial(x=1)` → "a", `BashOperator` → "BashOperator". */
function rootName(n: Node | undefined): string | undefined {
  let cur: Node | null | undefined = n;
  while (cur) {
    if (cur.type === 'identifier') return cur.text;
    if (cur.type === 'call') cur = cur.childForFieldName('function');
    else if (cur.type === 'attribute') cur = cur.childForFieldName('object');
    else return undefined;
  }
  return undefined;
}

/** Local names bound by guarded imports (`try: … except ImportError:`, TYPE_CHECKING, version checks). */
function guardedLocals(facts: Facts): Set<string> {
  const out = new Set<string>();
  for (const imp of facts.imports) {
    if (!imp.guarded) continue;
    if (imp.kind === 'from' && imp.name) out.add(imp.alias ?? imp.name);
    else if (imp.kind === 'import') out.add(imp.alias ?? imp.module.split('.')[0]);
  }
  return out;
}

/** The attribute a `hasattr()` test would name for a decorator: `task.sensor` → "sensor", `setup` → "setup". */
function member(decorator: string): string {
  return decorator.split('.').pop() ?? decorator;
}

function findUses(ctx: RuleContext, detect: FeatureDetector[], taskish: Set<string>, groups: Set<string>, groupMethods: Set<string>): { range: Range; what: string }[] {
  const { facts } = ctx;
  const hits: { range: Range; what: string }[] = [];
  const guarded = guardedLocals(facts);
  const isGuarded = (text: string) => guarded.has(text.split('.')[0]);
  const versions = versionTestNames(facts);
  for (const d of detect) {
    if ('decorator' in d) {
      const want = d.decorator.includes(':') ? d.decorator.split(':')[1] : d.decorator.replace(/^airflow\.(decorators|sdk)\./, '');
      for (const dec of facts.decorators) {
        if (isGuarded(dec.text) || airflowDecoratorName(dec.text, dec.resolved, facts) !== want || underCompatGuard(dec.node, member(want), versions)) continue;
        hits.push({ range: rangeOfNode(dec.node), what: `@${dec.text}` });
      }
      // task.bash(...)(fn) / task.sensor(fn) used as plain calls
      for (const call of facts.calls) {
        if (!call.resolved || !want.includes('.') || call.node.parent?.type === 'decorator') continue;
        if (airflowDecoratorName(call.calleeText, call.resolved, facts) !== want || underCompatGuard(call.node, member(want), versions)) continue;
        hits.push({ range: call.calleeRange, what: call.calleeText });
      }
    } else if ('method' in d) {
      for (const call of facts.calls) {
        if (call.method !== d.method) continue;
        const root = rootName(call.receiver);
        if (!root || !isTaskish(root, call, taskish)) continue;
        const onGroup = groups.has(root);
        if (d.receiver === 'task_group' ? !onGroup : onGroup && groupMethods.has(d.method)) continue;
        if (underCompatGuard(call.node, d.method, versions)) continue;
        const fn = call.node.childForFieldName('function');
        const attr = fn?.childForFieldName('attribute');
        hits.push({ range: attr ? rangeOfNode(attr) : call.calleeRange, what: `.${d.method}()` });
      }
    } else if ('operands' in d) {
      hits.push(...operatorUses(ctx, d.operands));
    } else if ('name' in d) {
      const [module, name] = d.name.split(':');
      // The import itself is AF101/AF102's business when the KB knows the name or its module;
      // otherwise it is the only place to say it. Uses (`Dataset("s3://…")`) are this feature's.
      if (!ctx.kb.name(module, name) && !ctx.kb.module(module)) {
        for (const imp of facts.imports) {
          if (imp.kind === 'from' && imp.module === module && imp.name === name && !imp.guarded) hits.push({ range: imp.nameRange ?? imp.itemRange, what: name });
        }
      }
      for (const call of facts.calls) {
        if (call.resolved !== `${module}:${name}` || isGuarded(call.calleeText) || call.node.parent?.type === 'decorator' || underCompatGuard(call.node, name, versions)) continue;
        hits.push({ range: call.calleeRange, what: `${call.calleeText}(…)` });
      }
    }
  }
  return hits;
}

/**
 * `schedule=(orders | refunds) & fx` where the operands are instances of `cls` (Dataset(…) calls, or
 * names assigned one): the `|`/`&` operators only exist from the feature's version on. Looked for in
 * `schedule=` arguments, where they are used.
 */
function operatorUses(ctx: RuleContext, cls: string): { range: Range; what: string }[] {
  const { facts } = ctx;
  const [module, name] = cls.split(':');
  const isInstance = (c: CallFact) => c.resolved === cls || c.resolved === `airflow:${name}` || (c.resolved?.startsWith(`${module}:`) && c.resolved.endsWith(`:${name}`));
  const instances = facts.calls.filter(isInstance);
  if (!instances.length) return [];
  const bound = new Set<string>();
  for (const c of instances) {
    const p = c.node.parent;
    const left = p?.type === 'assignment' ? p.childForFieldName('left') : null;
    if (left?.type === 'identifier') bound.add(left.text);
  }
  const ids = new Set(instances.map((c) => c.node.id));
  const operand = (n: Node | null): boolean => {
    while (n?.type === 'parenthesized_expression') n = n.namedChild(0);
    if (!n) return false;
    if (n.type === 'identifier') return bound.has(n.text);
    if (n.type === 'call') return ids.has(n.id);
    if (n.type === 'binary_operator') return isCondition(n);
    return false;
  };
  const isCondition = (n: Node): boolean => /^[|&]$/.test(n.childForFieldName('operator')?.text ?? '') && (operand(n.childForFieldName('left')) || operand(n.childForFieldName('right')));
  const hits: { range: Range; what: string }[] = [];
  for (const call of facts.calls) {
    const sched = call.args.find((a) => a.name === 'schedule');
    if (!sched) continue;
    const stack: Node[] = [sched.value];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === 'binary_operator' && isCondition(n)) {
        const op = n.childForFieldName('operator')!;
        hits.push({ range: rangeOfNode(op), what: `${name} ${op.text} ${name}` });
      }
      for (let i = n.namedChildCount - 1; i >= 0; i--) {
        const c = n.namedChild(i);
        if (c) stack.push(c);
      }
    }
  }
  return hits;
}

function isTaskish(root: string, _call: CallFact, taskish: Set<string>): boolean {
  return taskish.has(root);
}
