import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import type { Diagnostic, Severity } from '../../../core/src/analysis/types';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export const DIAGNOSTIC_SOURCE = 'managed-airflow';

/** Core diagnostic → LSP diagnostic. `data.index` points back into the analysis for code actions. */
export function toLspDiagnostic(d: Diagnostic, index: number): LspDiagnostic {
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: `https://github.com/managed-airflow/managed-airflow/blob/main/docs/rules.md#${d.code.toLowerCase()}` },
    source: DIAGNOSTIC_SOURCE,
    message: d.message,
    data: { index, code: d.code },
  };
}
