/**
 * Plain data shared by every platform client (MWAA, Composer, Astro, self-hosted Airflow) and
 * their users (environments tree, CLI, deploy). No SDK types leak out of core/src/platforms.
 */
import type { PlatformKind } from '../protocol/environments';

/** Airflow REST API generation: `/api/v1` (Airflow 2.x) or `/api/v2` (Airflow 3.x). */
export type ApiVersion = 'v1' | 'v2';

/** Every network call takes these; `timeoutMs` defaults per client (see DEFAULT_TIMEOUT_MS). */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface Page<T> {
  items: T[];
  /** `total_entries` reported by the server (the whole filtered collection). */
  total: number;
  offset: number;
  limit: number;
  /** Whether another page exists after this one. */
  hasMore: boolean;
}

export interface PageRequest {
  offset?: number;
  limit?: number;
}

export interface DagSummary {
  dagId: string;
  displayName: string;
  isPaused: boolean;
  /** Absolute path of the DAG file on the Airflow workers (e.g. /usr/local/airflow/dags/etl.py). */
  fileloc: string;
  /** Path relative to the bundle / dags folder (Airflow 3 only). */
  relativeFileloc?: string;
  owners: string[];
  tags: string[];
  /** Schedule as text: cron, preset, timetable summary. */
  schedule?: string;
  description?: string | null;
  hasImportErrors?: boolean;
  nextRun?: string | null;
}

/** Airflow DagRun states plus anything newer a server may send. */
export type RunState = 'queued' | 'running' | 'success' | 'failed' | (string & {});

export interface DagRunSummary {
  runId: string;
  dagId: string;
  state: RunState;
  runType: string;
  /** `logical_date` (Airflow 3: may be null); Airflow 2 also sent it as `execution_date`. */
  logicalDate: string | null;
  /** When the run was (or will be) scheduled: Airflow 3 `run_after`, Airflow 2 falls back to the logical date. */
  runAfter: string | null;
  startDate: string | null;
  endDate: string | null;
  conf: Record<string, unknown> | null;
  note?: string | null;
}

export interface TaskInstanceSummary {
  taskId: string;
  displayName: string;
  dagId: string;
  runId: string;
  state: string | null;
  /** Current (latest) try; tries 1..tryNumber have logs. */
  tryNumber: number;
  maxTries: number;
  mapIndex: number;
  startDate: string | null;
  endDate: string | null;
  /** Seconds. */
  duration: number | null;
  operator?: string | null;
  hostname?: string | null;
}

export interface ImportErrorSummary {
  id: number;
  filename: string;
  stackTrace: string;
  timestamp: string;
}

export interface LogChunk {
  /** Plain text of the log (structured Airflow 3 lines are rendered as text). */
  content: string;
  /** Pass back to read the rest; undefined/null when the server says the log is complete. */
  continuationToken?: string | null;
}

export interface TriggerRequest {
  conf?: Record<string, unknown>;
  /** ISO-8601 logical date; null = "no logical date" (Airflow 3), undefined = server default (now). */
  logicalDate?: string | null;
  runId?: string;
  note?: string;
}

export interface ClearRequest {
  runId: string;
  /** Task ids to clear; undefined clears the whole run. */
  taskIds?: string[];
  includeDownstream?: boolean;
  includeUpstream?: boolean;
  onlyFailed?: boolean;
  dryRun?: boolean;
}

export interface ClearedTask {
  taskId: string;
  runId: string;
}

export interface AirflowVersionInfo {
  /** e.g. "2.10.3", "3.0.2" (vendor suffixes like +composer / +astro.1 stripped). */
  version: string;
  /** As reported, e.g. "2.10.5+composer". */
  raw: string;
  apiVersion: ApiVersion;
}

/** What the tree and CLI show for one configured environment (platform facts, no secrets). */
export interface EnvironmentInfo {
  name: string;
  platform: PlatformKind;
  /** Airflow version if known (platform API or /version). */
  airflowVersion?: string;
  /** Platform-side status, e.g. MWAA AVAILABLE/CREATING, Composer RUNNING, Astro HEALTHY. */
  status?: string;
  /** Human-readable location: region, project/location, organization. */
  location?: string;
  /** Airflow web UI base URL (with scheme). */
  webUrl?: string;
  /** Where DAG files go: s3://bucket/prefix, gs://bucket/dags. */
  dagsDestination?: string;
  /** Lint target label: mwaa:<v>, composer:<image>, astro:<runtime>, airflow:<v>. */
  target?: string;
  /** Platform image / runtime: Composer image version, Astro runtime. */
  image?: string;
}
