import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ManagedAirflowError } from '../errors';
import { findWorkspaceSettings, readSettingsFile } from '../config/environments';
import { walkFolder, defaultIgnoreSyntax } from '../deploy/walk';
import { detectTarget, defaultTarget, resolveTargetLabel, withPython, type ResolvedTarget } from '../targets';
import { createPythonParser, type Parser } from './parser';
import { chooseThreads, runLintJobs, type LintJob } from './lintPool';
import { findRequirements, readRequirementsPackages } from './requirements';
import { normaliseLintSettings, type LintSettings } from '../protocol/settings';
import type { Diagnostic, FileResult, SeverityOverride } from './types';
import { duplicateDagIdDiagnostics } from './workspace';

export interface LintPathsOptions {
  cwd?: string;
  /** A resolved target or a label; when absent: setting → detected per project → default. */
  target?: ResolvedTarget | string;
  python?: string;
  select?: string[];
  ignore?: string[];
  severity?: Record<string, SeverityOverride>;
  /** Threads to lint with (0/undefined = automatic: one below 200 files, else up to the cores). */
  jobs?: number;
}

export interface LintedFile extends FileResult {
  /** Absolute path. */
  abs: string;
  target: ResolvedTarget;
}

export interface LintRun {
  /** The target of the run (the first one when projects differ). */
  target: ResolvedTarget;
  /** Every distinct target used, with the files it applied to. */
  targets: { target: ResolvedTarget; files: number }[];
  files: LintedFile[];
  settingsFile?: string;
  /** Threads that linted the files (1 = in-process). */
  threads: number;
  /**
   * Files left unlinted because their project's target could not be detected (a Dockerfile or
   * constraints URL naming an unknown release): the error once per cause, with the files it kept
   * out (paths relative to cwd). When no file could be linted at all, lintPaths throws instead.
   */
  skipped?: { error: ManagedAirflowError; files: string[] }[];
}

/** Collect Python files under the given paths; folders honour `.airflowignore` like Airflow does. */
export function collectPythonFiles(paths: string[], cwd: string, airflowVersion?: string): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    if (!existsSync(abs)) {
      throw new ManagedAirflowError('usage', 'lint.pathNotFound', `path not found: ${p}`, { hint: 'Pass existing files or folders (relative to the current directory).' });
    }
    if (statSync(abs).isDirectory()) {
      for (const f of walkFolder(abs, defaultIgnoreSyntax(airflowVersion)).files) if (f.rel.endsWith('.py')) out.push(f.abs);
    } else out.push(abs);
  }
  return [...new Set(out)];
}

/** Lint files/folders: the engine behind `managed-airflow lint` and the deploy gate. */
export async function lintPaths(paths: string[], opts: LintPathsOptions = {}): Promise<LintRun> {
  const cwd = opts.cwd ?? process.cwd();
  const settingsFile = findWorkspaceSettings(cwd);
  const settings: LintSettings = normaliseLintSettings(settingsFile ? readSettingsFile(settingsFile) : {});
  const rootDir = settingsFile ? path.dirname(path.dirname(settingsFile)) : cwd;
  const python = opts.python ?? (settings.python || undefined);

  let fixed: ResolvedTarget | undefined;
  if (typeof opts.target === 'string') fixed = resolveTargetLabel(opts.target, { python, source: 'flag', sourceDetail: '--target' });
  else if (opts.target) fixed = opts.target;
  else if (settings.target) {
    try {
      fixed = resolveTargetLabel(settings.target, { python, source: 'setting', sourceDetail: 'managedAirflow.target' });
    } catch (e) {
      if (e instanceof ManagedAirflowError) throw new ManagedAirflowError(e.kind, e.code, e.message, { hint: e.hint, source: `${settingsFile} (managedAirflow.target)` });
      throw e;
    }
  }
  const byDir = new Map<string, ResolvedTarget | ManagedAirflowError>();
  let fallback: ResolvedTarget | undefined;
  /** The folder's target, or the detection error (one project's bad Dockerfile must not stop the others). */
  const targetFor = (file: string): ResolvedTarget | ManagedAirflowError => {
    if (fixed) return fixed;
    const dir = path.dirname(file);
    let t = byDir.get(dir);
    if (!t) {
      try {
        const found = detectTarget(dir, rootDir.length <= dir.length && dir.startsWith(rootDir) ? rootDir : undefined);
        t = found ? withPython(found, python) : (fallback ??= withPython(defaultTarget(), python));
      } catch (e) {
        if (!(e instanceof ManagedAirflowError)) throw e;
        t = e;
      }
      byDir.set(dir, t);
    }
    return t;
  };

  // .airflowignore syntax follows the Airflow version (regexp before 3.0, glob since): use the
  // fixed target, else the target detected for each folder given on the command line.
  const files = [
    ...new Set(
      paths.flatMap((p) => {
        const abs = path.resolve(cwd, p);
        const t = fixed ?? (existsSync(abs) && statSync(abs).isDirectory() ? targetFor(path.join(abs, '__init__.py')) : undefined);
        const version = t instanceof ManagedAirflowError ? undefined : t?.airflow;
        return collectPythonFiles([p], cwd, version);
      }),
    ),
  ];
  const reqCache = new Map<string, Set<string>>();
  const select = opts.select ?? settings.select;
  const ignore = opts.ignore ?? settings.ignore;
  const severity = { ...settings.severity, ...opts.severity };
  const skipped = new Map<ManagedAirflowError, string[]>();
  const jobs: LintJob[] = [];
  for (const abs of files) {
    const target = targetFor(abs);
    if (target instanceof ManagedAirflowError) {
      skipped.set(target, [...(skipped.get(target) ?? []), path.relative(cwd, abs) || abs]);
      continue;
    }
    const reqFile = findRequirements(path.dirname(abs), rootDir);
    const key = reqFile ?? '';
    if (!reqCache.has(key)) reqCache.set(key, readRequirementsPackages(reqFile));
    jobs.push({ index: jobs.length, abs, options: { target, select, ignore, severity, extraPackages: reqCache.get(key) } });
  }
  // Nothing could be linted: the detection error is the answer (exit 2), as for a single project.
  if (!jobs.length && skipped.size) throw [...skipped.keys()][0];
  let parser: Parser | undefined;
  const { results: linted, threads } = await runLintJobs(jobs, chooseThreads(jobs.length, opts.jobs), async () => (parser ??= await createPythonParser()));
  parser?.delete();
  const results: LintedFile[] = linted.map((r) => {
    const { abs, options } = jobs[r.index];
    const file = path.relative(cwd, abs) || abs;
    if (r.unreadable !== undefined) return { file, abs, target: options.target, dagIds: [], diagnostics: [unreadable(r.unreadable)] };
    return { file, abs, target: options.target, diagnostics: r.diagnostics, dagIds: r.dagIds };
  });
  // Workspace-wide rule: duplicate dag_id across the linted files.
  const dupes = duplicateDagIdDiagnostics(results.map((r) => ({ file: r.abs, dagIds: r.dagIds })), (abs) => path.relative(cwd, abs) || abs);
  for (const r of results) {
    const extra = dupes.get(r.abs);
    if (extra?.length) {
      const enabled = extra.filter((d) => isCodeEnabled(d.code, opts, settings));
      r.diagnostics.push(...enabled);
      r.diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    }
  }
  const counts = new Map<string, { target: ResolvedTarget; files: number }>();
  for (const r of results) {
    const c = counts.get(r.target.label) ?? { target: r.target, files: 0 };
    c.files++;
    counts.set(r.target.label, c);
  }
  const targets = [...counts.values()];
  const target = fixed ?? targets[0]?.target ?? withPython(defaultTarget(), python);
  return {
    target, targets: targets.length ? targets : [{ target, files: 0 }], files: results, settingsFile, threads,
    ...(skipped.size ? { skipped: [...skipped].map(([error, list]) => ({ error, files: list })) } : {}),
  };
}

function isCodeEnabled(code: string, opts: LintPathsOptions, s: LintSettings): boolean {
  const select = opts.select ?? s.select;
  const ignore = opts.ignore ?? s.ignore;
  if (select?.length && !select.some((p) => code.startsWith(p))) return false;
  if (ignore?.some((p) => code.startsWith(p))) return false;
  return ({ ...s.severity, ...opts.severity })[code] !== 'off';
}

function unreadable(msg: string): Diagnostic {
  return { code: 'AF001', severity: 'error', message: `File could not be read: ${msg}`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}
