/**
 * Local runner types shared by core/src/runner, the CLI, the extension host and the runner
 * webview (media/src/runnerPanel.ts). Plain data only: everything here crosses postMessage.
 */
export type RunnerFlavor = 'mwaa' | 'astro' | 'oss';
export const RUNNER_FLAVORS: readonly RunnerFlavor[] = ['mwaa', 'astro', 'oss'];

/** Overall state, as `managed-airflow local status` prints it. */
export type RunnerState = 'starting' | 'healthy' | 'unhealthy' | 'stopped';

export interface ComponentStatus {
  /** Component name: postgres, sqs, webserver, api-server, scheduler, dag-processor, triggerer, worker, airflow. */
  name: string;
  /** Docker container state: created | running | restarting | exited | dead | missing. */
  container: string;
  /** Health as Airflow reports it for this component (null when Airflow does not report it). */
  health: 'healthy' | 'unhealthy' | 'unknown' | null;
  /** Exit code when the container exited. */
  exitCode?: number;
}

export interface RunnerStatus {
  state: RunnerState;
  flavor?: RunnerFlavor;
  airflowVersion?: string;
  /** Airflow UI, e.g. http://127.0.0.1:8080 (present while containers exist). */
  url?: string;
  port?: number;
  components: ComponentStatus[];
}

/** One DAG import error, located on a file of the project. */
export interface RunnerImportError {
  /** Path as Airflow reports it (inside the container). */
  containerPath: string;
  /** Absolute path on the host (undefined when the file is not under a mounted folder). */
  file?: string;
  /** 1-based line, when the traceback names one in that file. */
  line?: number;
  /** Last line of the traceback, e.g. "SyntaxError: invalid syntax". */
  message: string;
  stackTrace: string;
}

export interface RunnerLogLine {
  component: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** What the panel lets people choose. */
export interface RunnerPanelConfig {
  flavor: RunnerFlavor;
  airflowVersion: string;
  port: number;
}

/** Extension host → webview. */
export type RunnerToWebview =
  | { type: 'init'; config: RunnerPanelConfig; versions: string[]; status: RunnerStatus; importErrors: RunnerImportError[] }
  | { type: 'status'; status: RunnerStatus }
  | { type: 'busy'; action: RunnerAction | null; detail?: string }
  | { type: 'log'; lines: RunnerLogLine[] }
  | { type: 'logReset' }
  | { type: 'importErrors'; errors: RunnerImportError[] }
  | { type: 'error'; message: string; hint?: string }
  | { type: 'testDagOutput'; dagId: string; text: string; done?: { exitCode: number } };

export type RunnerAction = 'start' | 'stop' | 'restart' | 'reset' | 'openUi' | 'testDag' | 'pull';

/** Webview → extension host. */
export type RunnerFromWebview =
  | { type: 'ready' }
  | { type: 'action'; action: RunnerAction; dagId?: string }
  | { type: 'config'; config: Partial<RunnerPanelConfig> }
  | { type: 'openFile'; file: string; line?: number };
