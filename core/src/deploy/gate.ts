import path from 'node:path';

export type GateSeverity = 'error' | 'warning' | 'information' | 'hint';

/** One finding of the lint gate, 1-based line/column as printed ("file:line:column"). */
export interface GateDiagnostic {
  file: string;
  line: number;
  column: number;
  code: string;
  severity: GateSeverity;
  message: string;
}

/** The lint engine as the gate needs it: lint these files against a target label. */
export type DeployLinter = (files: string[], opts: { target: string; airflowVersion: string }) => Promise<{ diagnostics: GateDiagnostic[]; notes?: string[] }>;

export interface GateResult {
  /** Errors exist and --force was not given. */
  blocked: boolean;
  /** Errors exist and --force overrode them. */
  forced: boolean;
  errors: GateDiagnostic[];
  warnings: GateDiagnostic[];
  notes: string[];
}

export interface GateOptions {
  target?: string;
  airflowVersion: string;
  linter?: DeployLinter;
  force?: boolean;
  requirements?: { file: string; text: string };
}

/** Lint before deploying: errors block (unless forced), warnings are shown. */
export async function lintGate(files: string[], o: GateOptions): Promise<GateResult> {
  const notes: string[] = [];
  const diags: GateDiagnostic[] = [];
  if (!o.linter) notes.push('the lint engine is not available; DAG files were not linted');
  else if (!o.target) notes.push(`the environment's Airflow version is unknown; DAG files were not linted (set "target" on the environment)`);
  else {
    const r = await o.linter(files, { target: o.target, airflowVersion: o.airflowVersion });
    diags.push(...r.diagnostics);
    notes.push(...(r.notes ?? []));
  }
  if (o.requirements) {
    // the knowledge base loads only when there is a requirements.txt to check (or files to lint)
    const { checkRequirementPins } = await import('./requirements.js');
    diags.push(...checkRequirementPins(o.requirements.file, o.requirements.text, { airflowVersion: o.airflowVersion, target: o.target }));
  }
  const errors = diags.filter((d) => d.severity === 'error');
  const warnings = diags.filter((d) => d.severity === 'warning');
  return { blocked: errors.length > 0 && !o.force, forced: errors.length > 0 && !!o.force, errors, warnings, notes };
}

export function formatGateDiagnostic(d: GateDiagnostic, cwd: string): string {
  const f = path.isAbsolute(d.file) ? path.relative(cwd, d.file) || d.file : d.file;
  return `${f}:${d.line}:${d.column}: ${d.severity} ${d.code} ${d.message}`;
}
