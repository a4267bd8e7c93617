import { lintPaths } from '../analysis/project';
import { createPythonParser } from '../analysis/parser';
import { resolveTargetLabel } from '../targets';
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
