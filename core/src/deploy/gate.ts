import path from 'node:path';
import { getKnowledgeBase } from '../knowledge';

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

const PIN = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*==\s*([A-Za-z0-9.+!-]+)\s*(?:;.*)?$/;
const norm = (n: string) => n.toLowerCase().replace(/[._]+/g, '-');

/**
 * requirements.txt pins that conflict with what the platform runs: an `apache-airflow` pin or a
 * constraints URL for another Airflow version (errors: the install fails or downgrades Airflow), and
 * provider pins that differ from the version the knowledge base says the platform preinstalls
 * (errors on MWAA, which installs under the constraints file; warnings elsewhere).
 */
export function checkRequirementPins(file: string, text: string, o: { airflowVersion: string; target?: string }): GateDiagnostic[] {
  const out: GateDiagnostic[] = [];
  const known = o.airflowVersion && o.airflowVersion !== 'unknown';
  const installed = o.target ? getKnowledgeBase().providersFor(o.target)?.packages : undefined;
  const installedNorm = new Map(Object.entries(installed ?? {}).map(([k, v]) => [norm(k), v]));
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/\s+#.*$/, '');
    const c = /--constraint[ =]\S*constraints-(\d+\.\d+\.\d+)\//.exec(line);
    if (c && known && c[1] !== o.airflowVersion) {
      out.push({ file, line: i + 1, column: 1, code: 'DEPLOY002', severity: 'error', message: `constraints file is for Airflow ${c[1]} but the environment runs Airflow ${o.airflowVersion}` });
    }
    const m = PIN.exec(line);
    if (!m) return;
    const name = norm(m[1]);
    const version = m[3];
    if (name === 'apache-airflow' && known && version !== o.airflowVersion) {
      out.push({ file, line: i + 1, column: 1, code: 'DEPLOY001', severity: 'error', message: `apache-airflow==${version} conflicts with the environment's Airflow ${o.airflowVersion}` });
      return;
    }
    const pre = installedNorm.get(name);
    if (pre && pre !== version) {
      // MWAA installs requirements.txt under the Airflow constraints file (it adds the --constraint line
      // itself from 2.7.2 on), so a different pin makes pip's resolver fail: an error there.
      const mwaa = o.target?.startsWith('mwaa:');
      out.push({
        file, line: i + 1, column: 1, code: 'DEPLOY003', severity: mwaa ? 'error' : 'warning',
        message: mwaa
          ? `${m[1]}==${version} conflicts with ${pre} pinned by the constraints ${o.target} installs with; the requirements install would fail`
          : `${m[1]}==${version} differs from ${pre} that ${o.target} preinstalls`,
      });
    }
  });
  return out;
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
  if (o.requirements) diags.push(...checkRequirementPins(o.requirements.file, o.requirements.text, { airflowVersion: o.airflowVersion, target: o.target }));
  const errors = diags.filter((d) => d.severity === 'error');
  const warnings = diags.filter((d) => d.severity === 'warning');
  return { blocked: errors.length > 0 && !o.force, forced: errors.length > 0 && !!o.force, errors, warnings, notes };
}

export function formatGateDiagnostic(d: GateDiagnostic, cwd: string): string {
  const f = path.isAbsolute(d.file) ? path.relative(cwd, d.file) || d.file : d.file;
  return `${f}:${d.line}:${d.column}: ${d.severity} ${d.code} ${d.message}`;
}
