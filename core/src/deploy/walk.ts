import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';

/** How `.airflowignore` lines are read: Airflow's `[core] dag_ignore_file_syntax` (regexp before 3.0, glob since). */
export type IgnoreSyntax = 'regexp' | 'glob';

export interface WalkedFile {
  /** Path relative to the walked root, '/'-separated. */
  rel: string;
  abs: string;
  size: number;
  /** For the deploy's hash cache (state.ts): the file's identity besides its size. */
  mtimeMs?: number;
  ctimeMs?: number;
  ino?: number;
}

export interface WalkResult {
  files: WalkedFile[];
  /** Relative paths left out by `.airflowignore` or the built-in exclusions (directories end with '/'). */
  ignored: string[];
  warnings: string[];
}

/** Never deployed, whatever `.airflowignore` says: caches, VCS data, virtualenvs and tests. */
const EXCLUDED_DIRS = new Set(['__pycache__', '.git', 'tests', 'test', '.pytest_cache', '.mypy_cache', '.ruff_cache', 'node_modules', '.venv', 'venv']);
const EXCLUDED_FILE = /\.py[co]$|^\.DS_Store$/;

export function defaultIgnoreSyntax(airflowVersion: string | undefined): IgnoreSyntax {
  const major = Number((airflowVersion ?? '').split('.')[0]);
  return major >= 3 ? 'glob' : 'regexp';
}

type Rule = (rel: string, isDir: boolean) => boolean | undefined;

/** Strip Airflow-style comments: everything from '#' on, and surrounding blanks. */
function ignoreLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/\s*#.*/, '').trim())
    .filter(Boolean);
}

/**
 * Regexp syntax as Airflow implements it: each line is searched (Python `re.search`) in the
 * path relative to the DAG folder root, for files and directories alike.
 */
function regexpRules(lines: string[], file: string, warnings: string[]): Rule[] {
  const rules: Rule[] = [];
  for (const line of lines) {
    try {
      const re = new RegExp(line);
      rules.push((rel) => (re.test(rel) ? true : undefined));
    } catch (e) {
      warnings.push(`${file}: ignoring invalid regular expression ${JSON.stringify(line)} (${(e as Error).message})`);
    }
  }
  return rules;
}

/** Glob syntax as Airflow implements it (gitignore wildmatch, relative to the `.airflowignore`'s folder, negation allowed). */
function globRule(lines: string[], baseRel: string): Rule {
  const ig = ignore().add(lines);
  return (rel, isDir) => {
    const local = baseRel ? rel.slice(baseRel.length + 1) : rel;
    const r = ig.test(isDir ? `${local}/` : local);
    if (r.ignored) return true;
    if (r.unignored) return false;
    return undefined;
  };
}

/**
 * Walk a DAG (or plugins/data) folder the way Airflow's DAG processor does: `.airflowignore` in any
 * folder applies to that folder and below; ignored folders are not entered.
 */
export function walkFolder(root: string, syntax: IgnoreSyntax = 'regexp', opts: { skipHidden?: boolean } = {}): WalkResult {
  const steps = walkSteps(root, syntax, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * walkFolder that yields to the event loop every `sliceMs` of work: deploy walks while its remote
 * listing is being requested, and the request should not wait for the whole walk.
 */
export async function walkFolderSliced(root: string, syntax: IgnoreSyntax = 'regexp', opts: { skipHidden?: boolean } = {}, sliceMs = 2): Promise<WalkResult> {
  const steps = walkSteps(root, syntax, opts);
  let sliceStart = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - sliceStart > sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

/** The walk itself, one step per directory entry. */
function* walkSteps(root: string, syntax: IgnoreSyntax, opts: { skipHidden?: boolean }): Generator<void, WalkResult> {
  const files: WalkedFile[] = [];
  const ignored: string[] = [];
  const warnings: string[] = [];
  if (!existsSync(root)) return { files, ignored, warnings };

  function* visit(dirAbs: string, dirRel: string, inherited: Rule[]): Generator<void> {
    let rules = inherited;
    const ignoreFile = path.join(dirAbs, '.airflowignore');
    if (existsSync(ignoreFile)) {
      const lines = ignoreLines(readFileSync(ignoreFile, 'utf8'));
      const shown = dirRel ? `${dirRel}/.airflowignore` : '.airflowignore';
      rules = [...inherited, ...(syntax === 'regexp' ? regexpRules(lines, shown, warnings) : [globRule(lines, dirRel)])];
    }
    const isIgnored = (rel: string, isDir: boolean) => {
      let out = false;
      for (const r of rules) {
        const v = r(rel, isDir);
        if (v !== undefined) out = v;
        // regexp rules only ever ignore; a match is final
        if (v === true && syntax === 'regexp') return true;
      }
      return out;
    };
    const entries = readdirSync(dirAbs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of entries) {
      yield;
      const abs = path.join(dirAbs, ent.name);
      const rel = dirRel ? `${dirRel}/${ent.name}` : ent.name;
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      if (ent.isSymbolicLink()) {
        // follow file links; directory links are not followed (loops, and Airflow does not follow them by default)
        try {
          const st = statSync(abs);
          isFile = st.isFile();
          isDir = false;
        } catch {
          continue;
        }
      }
      if (isDir) {
        // deploy skips hidden folders (.vscode, .github, .idea …): tooling, never DAG code
        if (EXCLUDED_DIRS.has(ent.name) || (opts.skipHidden && ent.name.startsWith('.')) || isIgnored(rel, true)) {
          ignored.push(`${rel}/`);
          continue;
        }
        yield* visit(abs, rel, rules);
      } else if (isFile) {
        if (EXCLUDED_FILE.test(ent.name) || isIgnored(rel, false)) {
          ignored.push(rel);
          continue;
        }
        const st = statSync(abs);
        files.push({ rel, abs, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino });
      }
    }
  }
  yield* visit(path.resolve(root), '', []);
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, ignored, warnings };
}
