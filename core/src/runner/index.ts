/** Local runner (Docker, vscode-free): flavours mwaa | astro | oss. */
import path from 'node:path';
import { resolveTarget } from '../targets';
import type { RunnerFlavor } from '../protocol/runner';
import { detectFlavor } from './spec';

export * from './spec';
export * from './runner';
export { choosePort, isPortFree, DEFAULT_PORT } from './ports';
export { fetchHealth, isHealthy } from './health';
export { locateImportError, toHostPath } from './importErrors';
export { toDockerError } from './docker';

/**
 * Flavour and Airflow version for a project when the user did not choose them: the lint
 * target decides (so local, lint and remote agree). `target` is the target setting or flag
 * ('' = detect from the project, else the default target).
 */
export function runnerDefaults(opts: { projectDir: string; target?: string; flavor?: RunnerFlavor; airflowVersion?: string; python?: string }): {
  flavor: RunnerFlavor;
  airflowVersion: string;
  python: string;
  targetLabel?: string;
} {
  const projectDir = path.resolve(opts.projectDir);
  if (opts.flavor && opts.airflowVersion) return { flavor: opts.flavor, airflowVersion: opts.airflowVersion, python: opts.python ?? '3.12' };
  const t = resolveTarget({ setting: opts.target, projectDir });
  const fromTarget: RunnerFlavor = t.platform === 'mwaa' ? 'mwaa' : t.platform === 'astro' ? 'astro' : 'oss';
  return {
    flavor: opts.flavor ?? detectFlavor(projectDir) ?? fromTarget,
    airflowVersion: opts.airflowVersion ?? t.airflow,
    python: opts.python ?? t.python,
    targetLabel: t.label,
  };
}
