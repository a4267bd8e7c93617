/** Contract of one `managed-airflow <name>` command. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Current working directory (paths in output are relative to it). */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Whether stdout is a TTY (colour, progress bars). */
  isTTY: boolean;
  /** Ask a yes/no question on the terminal; resolves false when stdin is not interactive. */
  confirm: (question: string) => Promise<boolean>;
  /** Fires when the user presses Ctrl-C. */
  signal: AbortSignal;
}

export interface CliCommand {
  /** First word(s) after `managed-airflow`, e.g. "lint", "deploy", "envs", "dags", "runs", "local". */
  name: string;
  summary: string;
  /** Full `--help` text. */
  usage: string;
  /** Returns the process exit code. Throw ManagedAirflowError for usage/config errors (exit 2). */
  run(argv: string[], io: CliIO): Promise<number>;
}
