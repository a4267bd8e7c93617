import type { Diagnostic, Range } from './types';

/**
 * AF223: the same dag_id defined in more than one place across the workspace (Airflow keeps
 * only one of them, silently). Every occurrence gets a diagnostic naming the others.
 */
export function duplicateDagIdDiagnostics(results: { file: string; dagIds: { id: string; range: Range }[] }[]): Map<string, Diagnostic[]> {
  const where = new Map<string, { file: string; range: Range }[]>();
  for (const r of results) for (const d of r.dagIds) where.set(d.id, [...(where.get(d.id) ?? []), { file: r.file, range: d.range }]);
  const out = new Map<string, Diagnostic[]>();
  for (const [id, places] of where) {
    if (places.length < 2) continue;
    for (const p of places) {
      const others = places.filter((o) => o !== p).map((o) => `${o.file}:${o.range.start.line + 1}`);
      const d: Diagnostic = {
        code: 'AF223',
        severity: 'error',
        message: `dag_id "${id}" is also defined at ${others.join(', ')}; Airflow loads only one of them. Give each DAG a unique dag_id.`,
        range: p.range,
        data: { dagId: id, others },
      };
      out.set(p.file, [...(out.get(p.file) ?? []), d]);
    }
  }
  return out;
}
