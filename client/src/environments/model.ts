/**
 * The environments tree as a vscode-free model: node types, lazy paged children, parents,
 * labels/icons/contextValue as plain data, error nodes. The TreeDataProvider (provider.ts) only
 * converts these to vscode.TreeItem; unit tests drive this model directly.
 *
 *   environment ─┬─ Import errors (n) ── file
 *                ├─ DAG ── run ── task instance ── log (try N)
 *                └─ Load more…            (every list is paged)
 */
import { toManagedError, type ManagedAirflowError } from '../../../core/src/errors';
import { errorAction, type ErrorAction } from '../../../core/src/platforms/errors';
import type { EnvironmentConfig } from '../../../core/src/protocol/environments';
import type { AirflowClient } from '../../../core/src/platforms/airflow';
import type { DagRunSummary, DagSummary, EnvironmentInfo, ImportErrorSummary, TaskInstanceSummary } from '../../../core/src/platforms/types';

/** The part of AirflowClient the tree uses (unit tests pass in-memory stand-ins). */
export type TreeClient = Pick<AirflowClient, 'listDags' | 'listImportErrors' | 'listRuns' | 'listTaskInstances' | 'getRun' | 'getDag' | 'getLog' | 'triggerRun' | 'setPaused' | 'clear'>;

export interface TreeConnection {
  info: EnvironmentInfo;
  client: TreeClient;
}

interface Base {
  /** Stable id (also the TreeItem id, so expansion state survives refreshes). */
  id: string;
  parentId?: string;
  env: string;
}
export interface EnvNode extends Base {
  kind: 'environment';
  config: EnvironmentConfig;
  info?: EnvironmentInfo;
  /** Set when connecting or listing failed (the error itself is the first child). */
  failed?: boolean;
}
export interface ImportErrorsNode extends Base {
  kind: 'importErrors';
  total: number;
}
export interface ImportErrorNode extends Base {
  kind: 'importError';
  error: ImportErrorSummary;
}
export interface DagNode extends Base {
  kind: 'dag';
  dag: DagSummary;
}
export interface RunNode extends Base {
  kind: 'run';
  dagId: string;
  run: DagRunSummary;
}
export interface TaskNode extends Base {
  kind: 'task';
  dagId: string;
  runId: string;
  ti: TaskInstanceSummary;
}
export interface TryNode extends Base {
  kind: 'try';
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
  /** Whether this is the current try of a task that is still running (its log grows). */
  live: boolean;
}
export interface MoreNode extends Base {
  kind: 'more';
  loaded: number;
  total: number;
}
export interface ErrorNode extends Base {
  kind: 'error';
  error: ManagedAirflowError;
  action: ErrorAction;
}
export interface MessageNode extends Base {
  kind: 'message';
  text: string;
}

export type TreeNode = EnvNode | ImportErrorsNode | ImportErrorNode | DagNode | RunNode | TaskNode | TryNode | MoreNode | ErrorNode | MessageNode;

export type Collapsible = 'none' | 'collapsed' | 'expanded';

export interface ItemData {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** Codicon id and optional theme colour id. */
  icon: { id: string; color?: string };
  collapsible: Collapsible;
  contextValue: string;
  command?: { command: string; title: string; arguments: unknown[] };
}

export const RUNNING_STATES = new Set(['running', 'queued', 'scheduled', 'restarting', 'up_for_retry', 'up_for_reschedule', 'deferred']);

const STATE_ICONS: Record<string, { id: string; color?: string }> = {
  success: { id: 'pass-filled', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  queued: { id: 'clock', color: 'charts.yellow' },
  scheduled: { id: 'clock', color: 'charts.yellow' },
  up_for_retry: { id: 'debug-restart', color: 'charts.yellow' },
  up_for_reschedule: { id: 'history', color: 'charts.yellow' },
  restarting: { id: 'debug-restart', color: 'charts.blue' },
  deferred: { id: 'watch', color: 'charts.purple' },
  upstream_failed: { id: 'warning', color: 'charts.orange' },
  skipped: { id: 'debug-step-over', color: 'disabledForeground' },
  removed: { id: 'trash', color: 'disabledForeground' },
};

export function stateIcon(state: string | null | undefined): { id: string; color?: string } {
  return (state && STATE_ICONS[state]) || { id: 'circle-large-outline', color: 'disabledForeground' };
}

const PLATFORM_LABEL: Record<EnvironmentConfig['platform'], string> = { mwaa: 'MWAA', composer: 'Composer', astro: 'Astro', airflow: 'Airflow' };
const PLATFORM_ICON: Record<EnvironmentConfig['platform'], string> = { mwaa: 'cloud', composer: 'cloud', astro: 'rocket', airflow: 'server-environment' };

/**
 * The one place that defines contextValue (package.json `when` clauses match these with regexes,
 * e.g. `viewItem =~ /^dag:/`, `viewItem =~ /^run:/`, `viewItem =~ /^environment:.*:connected/`).
 */
export function contextValue(node: TreeNode): string {
  switch (node.kind) {
    case 'environment':
      return `environment:${node.config.platform}${node.info ? ':connected' : ''}${node.info?.target ? ':target' : ''}${node.info?.webUrl ? ':web' : ''}`;
    case 'dag':
      return `dag:${node.dag.isPaused ? 'paused' : 'active'}${node.dag.fileloc ? ':source' : ''}`;
    case 'run':
      return `run:${node.run.state}${RUNNING_STATES.has(node.run.state) ? ':live' : ''}`;
    case 'task':
      return `task:${node.ti.state ?? 'none'}${node.ti.tryNumber > 0 ? ':logs' : ''}`;
    case 'try':
      return `log${node.live ? ':live' : ''}`;
    case 'importErrors':
      return 'importErrors';
    case 'importError':
      return 'importError';
    case 'more':
      return 'more';
    case 'error':
      return `error:${node.action}`;
    case 'message':
      return 'message';
  }
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${Math.round(seconds % 60)}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z');
}

function runDuration(run: DagRunSummary, now: number): number | null {
  if (!run.startDate) return null;
  const end = run.endDate ? Date.parse(run.endDate) : now;
  return (end - Date.parse(run.startDate)) / 1000;
}

export interface ModelDeps {
  environments(): EnvironmentConfig[];
  connect(config: EnvironmentConfig, signal: AbortSignal): Promise<TreeConnection>;
  pageSize?: number;
  now?: () => number;
}

interface ChildList {
  nodes: TreeNode[];
  /** Offset of the next page for paged lists, undefined when complete. */
  next?: number;
  total?: number;
}

export class EnvironmentsModel {
  private readonly nodes = new Map<string, TreeNode>();
  private readonly children = new Map<string, ChildList>();
  private readonly inflight = new Map<string, Promise<TreeNode[]>>();
  private readonly connections = new Map<string, Promise<TreeConnection>>();
  private readonly controllers = new Set<AbortController>();
  private readonly listeners = new Set<(node: TreeNode | undefined) => void>();
  readonly pageSize: number;
  private readonly now: () => number;

  constructor(private readonly deps: ModelDeps) {
    this.pageSize = deps.pageSize ?? 100;
    this.now = deps.now ?? Date.now;
  }

  /** Subscribe to changes (undefined = whole tree). */
  onDidChange(listener: (node: TreeNode | undefined) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private fire(node: TreeNode | undefined): void {
    for (const l of this.listeners) l(node);
  }

  private register<T extends TreeNode>(node: T): T {
    this.nodes.set(node.id, node);
    return node;
  }

  get(id: string): TreeNode | undefined {
    return this.nodes.get(id);
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parentId ? this.nodes.get(node.parentId) : undefined;
  }

  /** Root nodes come from settings only: no network until an environment is expanded. */
  roots(): TreeNode[] {
    let configs: EnvironmentConfig[];
    try {
      configs = this.deps.environments();
    } catch (e) {
      const err = toManagedError(e);
      return [this.register({ kind: 'error', id: 'settings-error', env: '', error: err, action: 'openSettings' })];
    }
    return configs.map((config) => {
      const id = `env:${config.name}`;
      const prev = this.nodes.get(id) as EnvNode | undefined;
      // Keep node identity across re-reads: async results (connection info) land on the node the view shows.
      if (prev) {
        if (JSON.stringify(prev.config) !== JSON.stringify(config)) {
          prev.config = config;
          prev.info = undefined;
          prev.failed = false;
          this.connections.delete(prev.env);
          this.forget(id);
        }
        return prev;
      }
      return this.register<EnvNode>({ kind: 'environment', id, env: config.name, config });
    });
  }

  /** Connection of an environment (cached; dropped on refresh of the environment). */
  connection(env: string, signal?: AbortSignal): Promise<TreeConnection> {
    let c = this.connections.get(env);
    if (!c) {
      const node = this.nodes.get(`env:${env}`) as EnvNode | undefined;
      const config = node?.config ?? this.deps.environments().find((e) => e.name === env);
      if (!config) return Promise.reject(toManagedError(new Error(`unknown environment ${env}`)));
      const pending = this.deps.connect(config, signal ?? new AbortController().signal);
      c = pending;
      this.connections.set(env, pending);
      pending.then(
        (conn) => {
          // Only if this connection is still current (not dropped by a refresh meanwhile).
          const current = this.nodes.get(`env:${env}`) as EnvNode | undefined;
          if (current && this.connections.get(env) === pending) {
            current.info = conn.info;
            // Show version/status in the environment's description now.
            this.fire(current);
          }
        },
        () => {
          if (this.connections.get(env) === pending) this.connections.delete(env);
        },
      );
    }
    return c;
  }

  /** Lazy children: loaded on first expansion, then cached until refresh. */
  getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return Promise.resolve(this.roots());
    const cached = this.children.get(node.id);
    if (cached) return Promise.resolve(cached.nodes);
    let p = this.inflight.get(node.id);
    if (!p) {
      const ac = new AbortController();
      this.controllers.add(ac);
      p = this.load(node, ac.signal)
        .then((list) => {
          this.children.set(node.id, list);
          if (node.kind === 'environment' && node.failed) {
            node.failed = false;
            this.fire(node);
          }
          return list.nodes;
        })
        .catch((e) => {
          const err = toManagedError(e);
          if (err.kind === 'cancelled') return [];
          if (node.kind === 'environment' && !node.failed) {
            node.failed = true;
            // Redraw the environment itself (warning icon); its children are the error item.
            queueMicrotask(() => this.fire(node));
          }
          // Errors become a child the user can act on; nothing is cached, so Retry reloads.
          return [this.register<ErrorNode>({ kind: 'error', id: `${node.id}/error`, parentId: node.id, env: node.env, error: err, action: errorAction(err) })];
        })
        .finally(() => {
          this.controllers.delete(ac);
          this.inflight.delete(node.id);
        });
      this.inflight.set(node.id, p);
    }
    return p;
  }

  private more(parent: TreeNode, list: ChildList): ChildList {
    if (list.next !== undefined) {
      list.nodes.push(this.register<MoreNode>({ kind: 'more', id: `${parent.id}/more`, parentId: parent.id, env: parent.env, loaded: list.nodes.filter((n) => n.kind !== 'more' && n.kind !== 'importErrors').length, total: list.total ?? 0 }));
    }
    return list;
  }

  private async load(node: TreeNode, signal: AbortSignal, offset = 0): Promise<ChildList> {
    const limit = this.pageSize;
    switch (node.kind) {
      case 'environment': {
        const { client } = await this.connection(node.env, signal);
        const [dags, errors] = await Promise.all([client.listDags({ offset, limit }, { signal }), offset === 0 ? client.listImportErrors({ limit: 1 }, { signal }).catch(() => undefined) : undefined]);
        const nodes: TreeNode[] = [];
        if (errors && errors.total > 0) nodes.push(this.register<ImportErrorsNode>({ kind: 'importErrors', id: `${node.id}/import-errors`, parentId: node.id, env: node.env, total: errors.total }));
        for (const dag of dags.items) nodes.push(this.register<DagNode>({ kind: 'dag', id: `${node.id}/dag:${dag.dagId}`, parentId: node.id, env: node.env, dag }));
        if (!nodes.length) nodes.push(this.register<MessageNode>({ kind: 'message', id: `${node.id}/empty`, parentId: node.id, env: node.env, text: 'No DAGs' }));
        return this.more(node, { nodes, next: dags.hasMore ? offset + dags.items.length : undefined, total: dags.total });
      }
      case 'importErrors': {
        const { client } = await this.connection(node.env, signal);
        const page = await client.listImportErrors({ offset, limit }, { signal });
        const nodes = page.items.map((error) => this.register<ImportErrorNode>({ kind: 'importError', id: `${node.id}/${error.id}`, parentId: node.id, env: node.env, error }));
        return this.more(node, { nodes, next: page.hasMore ? offset + page.items.length : undefined, total: page.total });
      }
      case 'dag': {
        const { client } = await this.connection(node.env, signal);
        const page = await client.listRuns(node.dag.dagId, { offset, limit }, { signal });
        const nodes: TreeNode[] = page.items.map((run) => this.register<RunNode>({ kind: 'run', id: `${node.id}/run:${run.runId}`, parentId: node.id, env: node.env, dagId: node.dag.dagId, run }));
        if (!nodes.length) nodes.push(this.register<MessageNode>({ kind: 'message', id: `${node.id}/empty`, parentId: node.id, env: node.env, text: 'No runs yet' }));
        return this.more(node, { nodes, next: page.hasMore ? offset + page.items.length : undefined, total: page.total });
      }
      case 'run': {
        const { client } = await this.connection(node.env, signal);
        const page = await client.listTaskInstances(node.dagId, node.run.runId, { offset, limit }, { signal });
        const nodes = page.items.map((ti) => this.register<TaskNode>({ kind: 'task', id: `${node.id}/task:${ti.taskId}:${ti.mapIndex}`, parentId: node.id, env: node.env, dagId: node.dagId, runId: node.run.runId, ti }));
        return this.more(node, { nodes, next: page.hasMore ? offset + page.items.length : undefined, total: page.total });
      }
      case 'task': {
        const tries = Math.max(node.ti.tryNumber, 0);
        const nodes: TreeNode[] = [];
        for (let t = tries; t >= 1; t--) {
          nodes.push(this.register<TryNode>({ kind: 'try', id: `${node.id}/try:${t}`, parentId: node.id, env: node.env, dagId: node.dagId, runId: node.runId, taskId: node.ti.taskId, mapIndex: node.ti.mapIndex, tryNumber: t, live: t === tries && RUNNING_STATES.has(node.ti.state ?? '') }));
        }
        if (!nodes.length) nodes.push(this.register<MessageNode>({ kind: 'message', id: `${node.id}/empty`, parentId: node.id, env: node.env, text: 'Not started yet: no log' }));
        return { nodes };
      }
      default:
        return { nodes: [] };
    }
  }

  /** "Load more…": fetch the next page and append it to the parent's children. */
  async loadMore(more: MoreNode): Promise<TreeNode | undefined> {
    const parent = this.getParent(more);
    const list = parent && this.children.get(parent.id);
    if (!parent || !list || list.next === undefined) return parent;
    const ac = new AbortController();
    this.controllers.add(ac);
    try {
      const page = await this.load(parent, ac.signal, list.next);
      const kept = list.nodes.filter((n) => n.kind !== 'more');
      const extra = page.nodes.filter((n) => n.kind !== 'more' && n.kind !== 'message' && n.kind !== 'importErrors');
      const merged: ChildList = { nodes: [...kept, ...extra], next: page.next, total: page.total };
      this.children.set(parent.id, this.more(parent, merged));
    } finally {
      this.controllers.delete(ac);
    }
    this.fire(parent);
    return parent;
  }

  private forget(id: string, includeSelf = false): void {
    const list = this.children.get(id);
    this.children.delete(id);
    for (const child of list?.nodes ?? []) this.forget(child.id, true);
    if (includeSelf) this.nodes.delete(id);
  }

  /** Drop cached children below `node` (or everything) and notify the view. */
  refresh(node?: TreeNode): void {
    if (!node) {
      for (const ac of this.controllers) ac.abort();
      this.controllers.clear();
      this.children.clear();
      this.connections.clear();
      for (const [id, n] of this.nodes) {
        if (n.kind !== 'environment') this.nodes.delete(id);
        else {
          n.info = undefined;
          n.failed = false;
        }
      }
      this.fire(undefined);
      return;
    }
    const target = node.kind === 'error' || node.kind === 'more' || node.kind === 'message' ? this.getParent(node) : node;
    if (!target) return this.refresh();
    if (target.kind === 'environment') {
      this.connections.delete(target.env);
      target.info = undefined;
    }
    this.forget(target.id);
    this.fire(target);
  }

  /** Re-read one run (auto-refresh of running runs); returns whether anything changed. */
  async refreshRun(node: RunNode, signal?: AbortSignal): Promise<boolean> {
    const { client } = await this.connection(node.env, signal);
    const fresh = await client.getRun(node.dagId, node.run.runId, { signal });
    const changed = fresh.state !== node.run.state || fresh.endDate !== node.run.endDate;
    const hadTasks = this.children.has(node.id);
    node.run = fresh;
    // Task states move while a run is live: reload them if the user has them open.
    if (hadTasks) this.forget(node.id);
    if (changed || hadTasks) this.fire(node);
    return changed;
  }

  /** Loaded runs that are still moving (auto-refresh watches these). */
  liveRuns(): RunNode[] {
    const out: RunNode[] = [];
    for (const n of this.nodes.values()) if (n.kind === 'run' && RUNNING_STATES.has(n.run.state) && this.isLoaded(n)) out.push(n);
    return out;
  }

  private isLoaded(node: TreeNode): boolean {
    const parent = node.parentId ? this.children.get(node.parentId) : undefined;
    return !!parent?.nodes.includes(node);
  }

  /** Update a DAG node after pause/unpause without reloading the list. */
  updateDag(node: DagNode, dag: DagSummary): void {
    node.dag = dag;
    this.fire(node);
  }

  /** Find a loaded node (e.g. to reveal it). */
  find(predicate: (n: TreeNode) => boolean): TreeNode | undefined {
    for (const n of this.nodes.values()) if (predicate(n)) return n;
    return undefined;
  }

  dispose(): void {
    for (const ac of this.controllers) ac.abort();
    this.listeners.clear();
  }

  /** Everything the view needs to draw one node. */
  item(node: TreeNode): ItemData {
    const base = { id: node.id, contextValue: contextValue(node) };
    switch (node.kind) {
      case 'environment': {
        const c = node.config;
        const i = node.info;
        const where = c.region ?? (c.project ? `${c.project}/${c.location ?? ''}` : undefined) ?? c.organization ?? c.url;
        const tooltip = [
          `${c.name} — ${PLATFORM_LABEL[c.platform]}`,
          i?.airflowVersion ? `Airflow ${i.airflowVersion}` : undefined,
          i?.image ? `Image/runtime: ${i.image}` : undefined,
          i?.status ? `Status: ${i.status}` : undefined,
          where ? `Location: ${i?.location ?? where}` : undefined,
          i?.dagsDestination ? `DAGs: ${i.dagsDestination}` : undefined,
          i?.webUrl ? `Web UI: ${i.webUrl}` : undefined,
          i?.target ? `Lint target: ${i.target}` : undefined,
        ].filter(Boolean);
        return {
          ...base,
          label: c.name,
          description: [PLATFORM_LABEL[c.platform], i?.airflowVersion ? `Airflow ${i.airflowVersion}` : where, i?.status && i.status !== 'AVAILABLE' && i.status !== 'RUNNING' && i.status !== 'HEALTHY' && i.status !== 'reachable' ? i.status : undefined].filter(Boolean).join(' · '),
          tooltip: tooltip.join('\n'),
          icon: node.failed ? { id: 'warning', color: 'list.warningForeground' } : { id: PLATFORM_ICON[c.platform] },
          collapsible: 'collapsed',
        };
      }
      case 'importErrors':
        return { ...base, label: 'Import errors', description: String(node.total), tooltip: `${node.total} DAG file(s) failed to import`, icon: { id: 'bug', color: 'errorForeground' }, collapsible: 'collapsed' };
      case 'importError':
        return {
          ...base,
          label: node.error.filename.split('/').pop() ?? node.error.filename,
          description: formatTime(node.error.timestamp),
          tooltip: `${node.error.filename}\n\n${node.error.stackTrace}`,
          icon: { id: 'error', color: 'errorForeground' },
          collapsible: 'none',
        };
      case 'dag': {
        const d = node.dag;
        return {
          ...base,
          label: d.displayName || d.dagId,
          description: [d.isPaused ? 'paused' : undefined, d.schedule, d.tags.length ? d.tags.join(', ') : undefined].filter(Boolean).join(' · '),
          tooltip: [d.dagId, d.description ?? undefined, d.schedule ? `Schedule: ${d.schedule}` : undefined, `Owners: ${d.owners.join(', ') || '—'}`, d.fileloc ? `File: ${d.fileloc}` : undefined, d.isPaused ? 'Paused' : 'Active'].filter(Boolean).join('\n'),
          icon: d.isPaused ? { id: 'debug-pause', color: 'disabledForeground' } : { id: 'type-hierarchy-sub' },
          collapsible: 'collapsed',
        };
      }
      case 'run': {
        const r = node.run;
        const dur = formatDuration(runDuration(r, this.now()));
        return {
          ...base,
          label: formatTime(r.logicalDate ?? r.runAfter) || r.runId,
          description: [r.state, r.runType, dur].filter(Boolean).join(' · '),
          tooltip: [`Run: ${r.runId}`, `State: ${r.state}`, `Type: ${r.runType}`, r.logicalDate ? `Logical date: ${r.logicalDate}` : 'No logical date', r.startDate ? `Started: ${r.startDate}` : undefined, r.endDate ? `Ended: ${r.endDate}` : undefined, dur ? `Duration: ${dur}` : undefined, r.conf && Object.keys(r.conf).length ? `Conf: ${JSON.stringify(r.conf)}` : undefined].filter(Boolean).join('\n'),
          icon: stateIcon(r.state),
          collapsible: 'collapsed',
        };
      }
      case 'task': {
        const t = node.ti;
        return {
          ...base,
          label: t.displayName + (t.mapIndex >= 0 ? ` [${t.mapIndex}]` : ''),
          description: [t.state ?? 'no status', formatDuration(t.duration), t.tryNumber > 1 ? `try ${t.tryNumber}` : undefined].filter(Boolean).join(' · '),
          tooltip: [`Task: ${t.taskId}`, `State: ${t.state ?? 'none'}`, t.operator ? `Operator: ${t.operator}` : undefined, `Try ${t.tryNumber} of ${t.maxTries + 1}`, t.startDate ? `Started: ${t.startDate}` : undefined, t.endDate ? `Ended: ${t.endDate}` : undefined, t.hostname ? `Host: ${t.hostname}` : undefined].filter(Boolean).join('\n'),
          icon: stateIcon(t.state),
          collapsible: t.tryNumber > 0 ? 'collapsed' : 'none',
        };
      }
      case 'try':
        return {
          ...base,
          label: `Log (try ${node.tryNumber})`,
          description: node.live ? 'running' : undefined,
          tooltip: `Open the log of ${node.taskId}, try ${node.tryNumber}`,
          icon: { id: 'output' },
          collapsible: 'none',
          command: { command: 'managedAirflow.openLog', title: 'Open Log', arguments: [node] },
        };
      case 'more':
        return { ...base, label: 'Load more…', description: `${node.loaded} of ${node.total}`, icon: { id: 'ellipsis' }, collapsible: 'none', command: { command: 'managedAirflow.loadMore', title: 'Load More', arguments: [node] } };
      case 'error': {
        const actionTitle = node.action === 'signIn' ? 'Sign in' : node.action === 'openSettings' ? 'Open settings' : node.action === 'retry' ? 'Retry' : undefined;
        const cmd = node.action === 'signIn' ? 'managedAirflow.signIn' : node.action === 'openSettings' ? 'managedAirflow.openEnvironmentSettings' : 'managedAirflow.retry';
        return {
          ...base,
          label: node.error.message,
          description: actionTitle ? `${actionTitle}…` : undefined,
          tooltip: [node.error.message, node.error.hint].filter(Boolean).join('\n\n'),
          icon: { id: node.action === 'signIn' ? 'key' : 'error', color: 'errorForeground' },
          collapsible: 'none',
          command: actionTitle ? { command: cmd, title: actionTitle, arguments: [node] } : undefined,
        };
      }
      case 'message':
        return { ...base, label: node.text, icon: { id: 'info' }, collapsible: 'none' };
    }
  }
}

/**
 * Auto-refresh of running runs with backoff: starts at `baseMs`, grows ×1.5 (up to `maxMs`) while
 * nothing changes, snaps back to `baseMs` when a state changes; stops when nothing is live.
 */
export class AutoRefresher {
  private timer?: ReturnType<typeof setTimeout>;
  delayMs: number;
  private ticking = false;
  private disposed = false;

  constructor(
    private readonly model: EnvironmentsModel,
    private readonly opts: {
      baseMs?: number;
      maxMs?: number;
      setTimer?: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
      clearTimer?: (t: ReturnType<typeof setTimeout>) => void;
      /** Poll only while this says the tree is on screen. */
      active?: () => boolean;
    } = {},
  ) {
    this.delayMs = opts.baseMs ?? 5000;
  }

  get scheduled(): boolean {
    return this.timer !== undefined;
  }

  /** Call after the tree changed: arms the timer if live runs are visible. */
  poke(): void {
    if (this.disposed || this.timer || this.ticking) return;
    if (this.opts.active && !this.opts.active()) return;
    if (!this.model.liveRuns().length) return;
    // unref: a pending refresh never keeps a process (tests, CLI) alive.
    const set = this.opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms).unref());
    this.timer = set(() => {
      this.timer = undefined;
      void this.tick();
    }, this.delayMs);
  }

  async tick(): Promise<void> {
    this.ticking = true;
    let changed = false;
    try {
      for (const run of this.model.liveRuns()) {
        try {
          changed = (await this.model.refreshRun(run)) || changed;
        } catch {
          // A failing refresh must not break the tree; the next tick (slower) tries again.
        }
      }
    } finally {
      this.ticking = false;
    }
    const base = this.opts.baseMs ?? 5000;
    this.delayMs = changed ? base : Math.min(Math.round(this.delayMs * 1.5), this.opts.maxMs ?? 60_000);
    this.poke();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) (this.opts.clearTimer ?? clearTimeout)(this.timer);
    this.timer = undefined;
  }
}
