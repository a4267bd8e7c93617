import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CliIO } from '../../../../cli/src/types';
import { deployCommand } from '../../../../cli/src/commands/deploy';

/** A temporary project: .vscode/settings.json with the environments, plus the given files. */
export function makeProject(environments: unknown[], files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ma-deploy-'));
  writeProject(dir, files);
  mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  writeFileSync(path.join(dir, '.vscode', 'settings.json'), JSON.stringify({ 'managedAirflow.environments': environments }, null, 2));
  return dir;
}

export function writeProject(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
}

export function removeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  questions: string[];
  json?: any;
}

/** The deploy state (core/src/deploy/state.ts) of in-process test deploys: never the user's ~/.cache. */
let cacheDir: string | undefined;
function testCacheDir(): string {
  if (!cacheDir) {
    const dir = mkdtempSync(path.join(tmpdir(), 'ma-deploy-cache-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    cacheDir = dir;
  }
  return cacheDir;
}

/** Run `managed-airflow deploy` in-process with a captured IO. */
export async function runDeploy(argv: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; answers?: boolean[]; signal?: AbortSignal; onStderr?: (line: string) => void }): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const questions: string[] = [];
  const answers = [...(o.answers ?? [])];
  const io: CliIO = {
    stdout: (t) => (stdout += t),
    stderr: (t) => {
      stderr += t;
      o.onStderr?.(t);
    },
    cwd: o.cwd,
    env: { ...process.env, MANAGED_AIRFLOW_CACHE_DIR: testCacheDir(), ...o.env },
    isTTY: false,
    confirm: async (q) => {
      questions.push(q);
      return answers.shift() ?? false;
    },
    signal: o.signal ?? new AbortController().signal,
  };
  let code: number;
  try {
    code = await deployCommand.run(argv, io);
  } catch (e) {
    const err = e as { message?: string; hint?: string; exitCode?: number };
    stderr += `error: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`;
    code = typeof err.exitCode === 'number' ? err.exitCode : 2;
  }
  let json: any;
  if (argv.includes('json')) {
    try {
      json = JSON.parse(stdout);
    } catch {
      /* not JSON */
    }
  }
  return { code, stdout, stderr, questions, json };
}
