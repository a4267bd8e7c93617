/**
 * Action logic of the environments tree without vscode: input validation (trigger conf, logical
 * date), clear requests and their confirmation text, web-UI links, the local file for a remote
 * `fileloc`, the lint target of an environment, and the log-document URI format.
 */
import { ManagedAirflowError } from '../../../core/src/errors';
import { webLinks } from '../../../core/src/platforms/links';
import type { ClearRequest, EnvironmentInfo } from '../../../core/src/platforms/types';
import type { RunNode, TaskNode, TreeNode } from './model';

/** Parse the optional trigger conf: empty → {}, else must be a JSON object. */
export function parseConf(text: string | undefined): Record<string, unknown> {
  const t = (text ?? '').trim();
  if (!t) return {};
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch (e) {
    throw new ManagedAirflowError('usage', 'trigger.confInvalid', `conf is not valid JSON: ${(e as Error).message}`, { hint: 'Enter a JSON object, e.g. {"date": "2026-01-01"}, or leave it empty.' });
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw new ManagedAirflowError('usage', 'trigger.confNotObject', 'conf must be a JSON object ({…}), not an array or a value', { hint: 'Wrap the values in an object, e.g. {"ids": [1, 2]}.' });
  }
  return v as Record<string, unknown>;
}

/** Validation message for an input box (undefined = valid). */
export function confValidationMessage(text: string): string | undefined {
  try {
    parseConf(text);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Logical date input: empty → server default (now); "none" → no logical date (Airflow 3); else ISO 8601. */
export function parseLogicalDate(text: string | undefined): string | null | undefined {
  const t = (text ?? '').trim();
  if (!t) return undefined;
  if (/^none$/i.test(t)) return null;
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(t) || Number.isNaN(Date.parse(t))) {
    throw new ManagedAirflowError('usage', 'trigger.dateInvalid', `"${t}" is not an ISO-8601 date`, { hint: 'Use e.g. 2026-01-31 or 2026-01-31T06:00:00Z; leave empty for now.' });
  }
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/.test(t) ? t.replace(' ', 'T') : `${t.replace(' ', 'T')}Z`;
  return new Date(iso).toISOString();
}

export function logicalDateValidationMessage(text: string): string | undefined {
  try {
    parseLogicalDate(text);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export interface ClearPlan {
  dagId: string;
  request: ClearRequest;
  /** Modal confirmation text. */
  question: string;
}

/** Clear a task instance (optionally with downstream) or a whole run. */
export function clearPlan(node: TaskNode | RunNode, includeDownstream: boolean): ClearPlan {
  if (node.kind === 'task') {
    return {
      dagId: node.dagId,
      request: { runId: node.runId, taskIds: [node.ti.taskId], includeDownstream, onlyFailed: false },
      question: `Clear task "${node.ti.taskId}"${includeDownstream ? ' and its downstream tasks' : ''} of run ${node.runId} (DAG ${node.dagId}) on ${node.env}? The scheduler will run ${includeDownstream ? 'them' : 'it'} again.`,
    };
  }
  return {
    dagId: node.dagId,
    request: { runId: node.run.runId, onlyFailed: false },
    question: `Clear all task instances of run ${node.run.runId} (DAG ${node.dagId}) on ${node.env}? The scheduler will run the whole run again.`,
  };
}

/** Web UI link for a node (environment home, DAG, run, task). */
export function webUrlFor(node: TreeNode, info: EnvironmentInfo | undefined): string | undefined {
  if (!info?.webUrl) return undefined;
  const major = Number((info.airflowVersion ?? '2').split('.')[0]) || 2;
  const links = webLinks(info.webUrl, major);
  switch (node.kind) {
    case 'environment':
      return links.home;
    case 'dag':
      return links.dag(node.dag.dagId);
    case 'run':
      return links.run(node.dagId, node.run.runId);
    case 'task':
      return links.task(node.dagId, node.runId, node.ti.taskId);
    case 'try':
      return links.task(node.dagId, node.runId, node.taskId);
    default:
      return links.home;
  }
}

/** Folders DAG files live in on each platform's workers (stripped to get a relative path). */
const REMOTE_DAG_ROOTS = ['/usr/local/airflow/dags/', '/home/airflow/gcs/dags/', '/opt/airflow/dags/', '/usr/local/airflow/', '/files/dags/'];

/**
 * The local file that matches a remote `fileloc`: the workspace-relative path (from `candidates`,
 * e.g. all *.py files) sharing the longest path suffix with it; ties prefer the DAGs folder.
 */
export function matchLocalDagFile(fileloc: string, candidates: string[], opts: { relativeFileloc?: string; dagsFolder?: string } = {}): string | undefined {
  const norm = (p: string) => p.replace(/\\/g, '/');
  let rel = opts.relativeFileloc ? norm(opts.relativeFileloc) : undefined;
  if (!rel) {
    const f = norm(fileloc);
    const root = REMOTE_DAG_ROOTS.find((r) => f.startsWith(r));
    rel = root ? f.slice(root.length) : f.split('/').pop();
  }
  if (!rel) return undefined;
  const want = rel.split('/').filter(Boolean);
  let best: { path: string; score: number } | undefined;
  for (const c of candidates) {
    const parts = norm(c).split('/').filter(Boolean);
    let score = 0;
    while (score < want.length && score < parts.length && parts[parts.length - 1 - score] === want[want.length - 1 - score]) score++;
    if (score === 0) continue;
    const folder = opts.dagsFolder ? norm(opts.dagsFolder).replace(/\/+$/, '') : undefined;
    const inDags = folder && norm(c).startsWith(`${folder}/`) ? 0.5 : 0;
    // The whole relative path matches exactly under the DAGs folder (or the root): the best evidence.
    const exact = norm(c) === want.join('/') || (folder && norm(c) === `${folder}/${want.join('/')}`) ? 1 : 0;
    const s = score + inDags + exact - 0.01 * (parts.length - score);
    if (!best || s > best.score) best = { path: c, score: s };
  }
  return best?.path;
}

/** Lint-target label for "Use as lint target" (undefined when the version is not known yet). */
export function lintTargetFor(info: EnvironmentInfo | undefined): string | undefined {
  return info?.target;
}

// ---- log documents: managed-airflow-log:/<env>/<dag>/<run>/<task> (try <n>).log?map=<i> ----

export const LOG_SCHEME = 'managed-airflow-log';

export interface LogRef {
  env: string;
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
  mapIndex: number;
}

export function logPath(ref: LogRef): { path: string; query: string } {
  const e = encodeURIComponent;
  // The file name is what the editor tab shows: "extract (try 2).log".
  return { path: `/${e(ref.env)}/${e(ref.dagId)}/${e(ref.runId)}/${e(ref.taskId)} (try ${ref.tryNumber}).log`, query: ref.mapIndex >= 0 ? `map=${ref.mapIndex}` : '' };
}

export function parseLogPath(path: string, query = ''): LogRef {
  const m = /^\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+) \(try (\d+)\)\.log$/.exec(path);
  if (!m) throw new ManagedAirflowError('usage', 'log.badUri', `not a log document: ${path}`);
  const map = /(?:^|&)map=(-?\d+)/.exec(query)?.[1];
  return { env: decodeURIComponent(m[1]), dagId: decodeURIComponent(m[2]), runId: decodeURIComponent(m[3]), taskId: decodeURIComponent(m[4]), tryNumber: Number(m[5]), mapIndex: map ? Number(map) : -1 };
}

export function logRefOf(node: TreeNode): LogRef | undefined {
  if (node.kind === 'try') return { env: node.env, dagId: node.dagId, runId: node.runId, taskId: node.taskId, tryNumber: node.tryNumber, mapIndex: node.mapIndex };
  if (node.kind === 'task' && node.ti.tryNumber > 0) return { env: node.env, dagId: node.dagId, runId: node.runId, taskId: node.ti.taskId, tryNumber: node.ti.tryNumber, mapIndex: node.ti.mapIndex };
  return undefined;
}

