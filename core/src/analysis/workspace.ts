import type { Diagnostic, Range } from './types';

/**
 * The DAG folder a file would be deployed and loaded from: its nearest ancestor directory named
 * `dags` (MWAA's and Composer's `dags/` prefix, Astro's `dags/`), or '' for files outside any such
 * folder (all of those count as one folder, as when a repository root is the DAG folder). Two DAGs
 * only collide when Airflow loads them into the same DagBag: a dag_id reused by a listing in
 * `docs/`, a fixture in `tests/dags/` or a copy in `examples/dags/` does not clash with `dags/`.
 */
export function dagFolderOf(file: string): string {
  const parts = file.split(/[\\/]/);
  for (let i = parts.length - 2; i >= 0; i--) if (parts[i] === 'dags') return parts.slice(0, i + 1).join('/');
  return '';
}

/**
 * AF223: the same dag_id defined in more than one place of the same DAG folder (Airflow keeps
 * only one of them, silently). Every occurrence gets a diagnostic naming the others, shown
 * through `display` (e.g. relative to the current directory).
 */
export function duplicateDagIdDiagnostics(results: { file: string; dagIds: { id: string; range: Range }[] }[], display: (file: string) => string = (f) => f): Map<string, Diagnostic[]> {
  const where = new Map<string, { id: string; file: string; range: Range }[]>();
  for (const r of results) {
    const folder = dagFolderOf(r.file);
    for (const d of r.dagIds) {
      const key = `${folder}\u0000${d.id}`;
      const list = where.get(key);
      if (list) list.push({ id: d.id, file: r.file, range: d.range });
      else where.set(key, [{ id: d.id, file: r.file, range: d.range }]);
    }
  }
  const out = new Map<string, Diagnostic[]>();
  for (const places of where.values()) {
    if (places.length < 2) continue;
    for (const p of places) {
      const others = places.filter((o) => o !== p).map((o) => `${display(o.file)}:${o.range.start.line + 1}`);
      const d: Diagnostic = {
        code: 'AF223',
        severity: 'error',
        message: `dag_id "${p.id}" is also defined at ${others.join(', ')}; Airflow loads only one of them. Give each DAG a unique dag_id.`,
        range: p.range,
        data: { dagId: p.id, others },
      };
      out.set(p.file, [...(out.get(p.file) ?? []), d]);
    }
  }
  return out;
}

