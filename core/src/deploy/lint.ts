import { analyzeText } from '../analysis/engine';
import { lintPaths } from '../analysis/project';
import { createPythonParser } from '../analysis/parser';
import { defaultTarget, resolveTargetLabel } from '../targets';
import type { DeployLinter, GateDiagnostic } from './gate';

/**
 * The deploy gate on the project's lint engine (the same as `managed-airflow lint`, with the
 * workspace's select/ignore/severity settings): the files are linted against the environment's
 * real target; a target the knowledge base does not know falls back to its plain Airflow version.
 */
export function engineLinter(cwd: string): DeployLinter {
  // Load the parser (WebAssembly) now, while the deploy plan waits on the network.
  createPythonParser().then((p) => p.delete(), () => undefined);
  return async (files, { target, airflowVersion }) => {
    const notes: string[] = [];
    let label = target;
    try {
      resolveTargetLabel(target, { source: 'environment' });
    } catch {
      try {
        resolveTargetLabel(`airflow:${airflowVersion}`, { source: 'environment' });
        label = `airflow:${airflowVersion}`;
        notes.push(`target ${target} is not in the knowledge base; linted against ${label}`);
      } catch {
        return { diagnostics: [], notes: [`target ${target} is not in the knowledge base; DAG files were not linted`] };
      }
    }
    if (!files.length) return { diagnostics: [], notes };
    const run = await lintPaths(files, { cwd, target: label });
    const diagnostics: GateDiagnostic[] = [];
    for (const f of run.files) {
      for (const d of f.diagnostics) {
        diagnostics.push({ file: f.abs, line: d.range.start.line + 1, column: d.range.start.character + 1, code: d.code, severity: d.severity, message: d.message });
      }
    }
    return { diagnostics, notes };
  };
}

/** A small, typical DAG: linting it once compiles the parser, the rules and the knowledge-base lookups. */
const WARM_UP_DAG = `from datetime import datetime
from airflow import DAG
from airflow.decorators import task
from airflow.operators.bash import BashOperator
from airflow.operators.empty import EmptyOperator

with DAG("managed_airflow_warm_up", start_date=datetime(2024, 1, 1), schedule="@daily", catchup=False, tags=["x"]) as dag:
    @task
    def hello(name: str) -> str:
        return f"hello {name}"

    EmptyOperator(task_id="start") >> BashOperator(task_id="run", bash_command="echo {{ ds }}") >> hello("x")
`;

/**
 * Warm the engine up before there is anything to lint (the deploy gate's thread does this while
 * the plan is made): the first lint in a process pays for compiling the parser and the rules, and
 * the deploy gate sits between the plan and the first upload. Results are discarded; nothing is cached.
 */
export async function warmUpLintEngine(): Promise<void> {
  const parser = await createPythonParser();
  try {
    analyzeText(parser, WARM_UP_DAG, 'managed-airflow-warm-up.py', { target: defaultTarget() }).tree?.delete();
  } finally {
    parser.delete();
  }
}
