import type { CallFact, Facts } from './facts';
import type { Range } from './types';

/**
 * The DAG structure of one file: DAG definitions (constructor, `with DAG(...)`, `@dag`), their
 * tasks (operators, TaskFlow calls) and dependencies (>>, <<, set_upstream/downstream, chain).
 * Used by AF221–AF225, document symbols (outline) and hovers.
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
}

export interface DagInfo {
  dagId?: string;
  idRange?: Range;
  range: Range;
  kind: 'constructor' | 'context' | 'decorator';
  variable?: string;
  call?: CallFact;
  tasks: TaskInfo[];
  /** Dependency edges between task keys (taskId or variable). */
  edges: { from: string; to: string; range: Range }[];
}

export interface DagModel {
  dags: DagInfo[];
}

/** Placeholder until the DAG model extraction lands (returns no DAGs). */
export function extractDagModel(_facts: Facts): DagModel {
  return { dags: [] };
}
