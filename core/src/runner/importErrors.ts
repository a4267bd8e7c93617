import path from 'node:path';
import type { RunnerImportError } from '../protocol/runner';

export interface RawImportError {
  filename: string;
  stack_trace: string;
}

/**
 * Locate an Airflow import error on a host file: the traceback's last frame inside the DAGs
 * folder gives the line (syntax errors and runtime errors alike); the container path is
 * mapped back through the DAGs mount.
 */
export function locateImportError(raw: RawImportError, dagsMount: { host: string; container: string }): RunnerImportError {
  const trace = raw.stack_trace ?? '';
  const frames = [...trace.matchAll(/File "([^"]+)", line (\d+)/g)].map((m) => ({ file: m[1], line: Number(m[2]) }));
  const inDags = (f: string) => f === raw.filename || f.startsWith(dagsMount.container.replace(/\/$/, '') + '/');
  const frame = [...frames].reverse().find((f) => inDags(f.file));
  const containerPath = frame?.file ?? raw.filename;
  const lines = trace.split('\n').map((l) => l.trim()).filter(Boolean);
  return {
    containerPath,
    file: toHostPath(containerPath, dagsMount),
    line: frame?.line,
    message: lines[lines.length - 1] ?? 'Import error',
    stackTrace: trace,
  };
}

export function toHostPath(containerPath: string, mount: { host: string; container: string }): string | undefined {
  const rel = path.posix.relative(mount.container, containerPath);
  if (rel.startsWith('..') || path.posix.isAbsolute(rel)) return undefined;
  return path.join(mount.host, ...rel.split('/'));
}
