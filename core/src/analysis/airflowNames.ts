import type { CallFact, DecoratorFact, Facts } from './facts';

/** Helpers that classify resolved names ("module:Name") as Airflow DAGs, operators, decorators. */

export function splitResolved(resolved: string): { module: string; name: string } | undefined {
  const i = resolved.indexOf(':');
  if (i < 0) return undefined;
  return { module: resolved.slice(0, i), name: resolved.slice(i + 1) };
}

export function isAirflowModule(module: string): boolean {
  return module === 'airflow' || module.startsWith('airflow.');
}

/** True if the file has `from airflow… import *` (names then may come from Airflow unresolved). */
export function hasAirflowStarImport(facts: Facts): boolean {
  return facts.imports.some((i) => i.kind === 'star' && isAirflowModule(i.module));
}

/** `DAG(...)` / `models.DAG(...)` / `airflow.DAG(...)` from any Airflow module. */
export function isDagConstructor(call: CallFact, facts: Facts): boolean {
  if (call.resolved) {
    const s = splitResolved(call.resolved);
    // `from airflow import models` binds a module as a name: `models.DAG` resolves to "airflow:models.DAG".
    return !!s && isAirflowModule(s.module) && s.name.split('.').pop() === 'DAG';
  }
  return call.calleeText === 'DAG' && hasAirflowStarImport(facts);
}

/** Class name of an operator/sensor call (`BashOperator(...)`, `bash.BashOperator(...)`), if it is one. */
export function operatorClass(call: CallFact, facts: Facts): string | undefined {
  const full = call.resolved ? splitResolved(call.resolved)?.name ?? call.resolved : call.calleeText;
  const name = full.slice(full.lastIndexOf('.') + 1);
  if (!name || !/^[A-Z]\w*(Operator|Sensor)$/.test(name)) return undefined;
  if (call.resolved) {
    const s = splitResolved(call.resolved);
    if (s && !isAirflowModule(s.module)) return undefined;
    return name;
  }
  // Unresolved: accept when the file uses Airflow and passes a task_id (custom operators too).
  return facts.isAirflowFile && call.args.some((a) => a.name === 'task_id') ? name : undefined;
}

/**
 * The Airflow decorator a decorator/callee resolves to, as "task", "task.sensor", "dag",
 * "setup", "task_group" … (undefined when it is not an Airflow decorator).
 */
export function airflowDecoratorName(text: string, resolved: string | undefined, facts: Facts): string | undefined {
  if (resolved) {
    const s = splitResolved(resolved);
    if (!s || !isAirflowModule(s.module)) return undefined;
    return s.name;
  }
  if (hasAirflowStarImport(facts) && /^(task|dag|task_group|setup|teardown)(\.|$)/.test(text)) return text;
  return undefined;
}

export function decoratorName(d: DecoratorFact, facts: Facts): string | undefined {
  return airflowDecoratorName(d.text, d.resolved, facts);
}

const TASK_DECORATOR = /^task(\.\w+)?$|^(setup|teardown)$/;
export function isTaskDecorator(name: string | undefined): boolean {
  return !!name && TASK_DECORATOR.test(name);
}
