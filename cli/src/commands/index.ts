import type { CliCommand } from '../types';

/**
 * Every `managed-airflow` command, in help order, loaded on demand: running `lint` must not pay
 * for the AWS/Google SDKs or dockerode that `deploy`, `envs` or `local` pull in (esbuild keeps
 * dynamically imported modules lazy inside the bundle). Add new commands here (one line each).
 */
export interface CommandEntry {
  name: string;
  load: () => Promise<CliCommand>;
}

export const commands: CommandEntry[] = [
  { name: 'lint', load: async () => (await import('./lint.js')).lintCommand },
  { name: 'targets', load: async () => (await import('./targets.js')).targetsCommand },
  { name: 'deploy', load: async () => (await import('./deploy.js')).deployCommand },
  { name: 'envs', load: async () => (await import('./envs.js')).envsCommand },
  { name: 'dags', load: async () => (await import('./dags.js')).dagsCommand },
  { name: 'runs', load: async () => (await import('./runs.js')).runsCommand },
  { name: 'local', load: async () => (await import('./local.js')).localCommand },
];
