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
  /** Why the state could not be read (Docker not running, socket permission…), for the panel. */
  problem?: { message: string; hint?: string };
}

/** One DAG import error, located on a file of the project. */
export interface RunnerImportError {
  /** Path as Airflow reports it (inside the container). */
  containerPath: string;
  /** Absolute path on the host (undefined when the file is not under a mounted folder). */
  file?: string;
  /** How to show the file (workspace-relative in the editor); set by the adapter. */
  displayPath?: string;
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

/** Typed view of the `managedAirflow.runner.*` settings declared in package.json. */
export interface RunnerSettings {
  /** undefined = from the lint target. */
  flavor?: RunnerFlavor;
  /** '' = the lint target's Airflow version. */
  airflowVersion: string;
  /** '' = the flavour's default image. */
  image: string;
  /** 0 = 8080 or the next free port. */
  port: number;
}

/** Setting keys (without the `managedAirflow.` prefix) covered by RunnerSettings. */
export const RUNNER_SETTING_KEYS = ['runner.flavor', 'runner.airflowVersion', 'runner.image', 'runner.port'] as const;

/** Accepts the nested object `getConfiguration('managedAirflow').get('runner')` returns. */
export function normaliseRunnerSettings(raw: Record<string, unknown>): RunnerSettings {
  const flavor = raw.flavor;
  const port = Number(raw.port);
  return {
    flavor: RUNNER_FLAVORS.includes(flavor as RunnerFlavor) ? (flavor as RunnerFlavor) : undefined,
    airflowVersion: typeof raw.airflowVersion === 'string' ? raw.airflowVersion.trim() : '',
    image: typeof raw.image === 'string' ? raw.image.trim() : '',
    port: Number.isInteger(port) && port > 0 && port <= 65535 ? port : 0,
  };
}

/** Command ids of the local runner (declared in package.json contributes.commands). */
export const RUNNER_COMMANDS = [
  'managedAirflow.runner.open',
  'managedAirflow.runner.start',
  'managedAirflow.runner.stop',
  'managedAirflow.runner.restart',
  'managedAirflow.runner.reset',
  'managedAirflow.runner.openUi',
  'managedAirflow.runner.testDag',
] as const;
