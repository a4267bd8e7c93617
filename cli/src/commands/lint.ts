import { readFileSync, writeFileSync } from 'node:fs';
import { ManagedAirflowError } from '../../../core/src/errors';
import { lintPaths, type LintRun } from '../../../core/src/analysis/project';
import { fixAll } from '../../../core/src/analysis/fixes';
import { createPythonParser } from '../../../core/src/analysis/parser';
import { analyzeText } from '../../../core/src/analysis/engine';
import { parseCommandArgs } from '../args';
import { formatJson, formatSarif, formatText } from '../format/lintOutput';
import type { CliCommand } from '../types';

const USAGE = `Usage: managed-airflow lint [paths…] [options]

Lint Airflow DAG files against the Airflow and Python version of a target platform.
Folders are walked like Airflow's DAG processor does (honouring .airflowignore).

Options:
  --target T        platform:version — mwaa:2.10.3, mwaa:3.0.6, composer:composer-3-airflow-2.10.5-build.5,
                    astro:12.1.0, astro:3.0-4, airflow:2.9.2 (see \`managed-airflow targets\`).
                    Default: managedAirflow.target in .vscode/settings.json, else detected per project
                    (Astro Dockerfile, requirements.txt constraints URL), else the newest MWAA version.
  --python X.Y      check syntax against this Python instead of the platform's
  --format F        text (default), json or sarif
  --select CODES    only these codes or prefixes, comma-separated (e.g. AF1,AF201)
  --ignore CODES    never report these codes or prefixes
  --fix             apply the preferred quick fixes in place, then report what is left
  --jobs N          lint on N threads (default: one below 200 files or 4 cores, else one per core, at most 8)
  -h, --help        this help

Exit codes: 0 no error-severity diagnostics, 1 some, 2 usage/configuration errors.`;

function codes(values: string[] | undefined): string[] | undefined {
  if (!values?.length) return undefined;
  const out = values.flatMap((v) => v.split(',')).map((s) => s.trim().toUpperCase()).filter(Boolean);
  for (const c of out) {
    if (!/^AF\d{0,3}$/.test(c)) throw new ManagedAirflowError('usage', 'lint.badCode', `"${c}" is not a rule code or prefix`, { hint: 'Codes look like AF101 or a prefix such as AF1.' });
  }
  return out;
}

export const lintCommand: CliCommand = {
  name: 'lint',
  summary: 'lint DAG files against the target platform’s Airflow and Python version',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('lint', argv, {
      target: { type: 'string', short: 't' },
      python: { type: 'string' },
      format: { type: 'string', short: 'f', default: 'text' },
      select: { type: 'string', multiple: true },
      ignore: { type: 'string', multiple: true },
      fix: { type: 'boolean', default: false },
      jobs: { type: 'string', short: 'j' },
    });
    const format = values.format ?? 'text';
    if (!['text', 'json', 'sarif'].includes(format)) {
      throw new ManagedAirflowError('usage', 'usage.format', `unknown --format "${format}"`, { hint: 'Use text, json or sarif.' });
    }
    const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
    if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1 || jobs > 64)) {
      throw new ManagedAirflowError('usage', 'lint.badJobs', `--jobs "${values.jobs}" is not a thread count`, { hint: 'Pass a whole number from 1 to 64, or leave --jobs out to use one thread per core on large folders.' });
    }
    const opts = {
      jobs,
      cwd: io.cwd,
      target: values.target,
      python: values.python,
      select: codes(values.select),
      ignore: codes(values.ignore),
    };
    const paths = positionals.length ? positionals : ['.'];
    let run: LintRun = await lintPaths(paths, opts);
    if (values.fix) {
      const parser = await createPythonParser();
      let total = 0;
      for (const f of run.files) {
        if (!f.diagnostics.some((d) => d.fixes?.length)) continue;
        const text = readFileSync(f.abs, 'utf8');
        const lintOpts = { target: f.target, select: opts.select, ignore: opts.ignore };
        const res = await fixAll(text, (t) => {
          const a = analyzeText(parser, t, f.abs, lintOpts);
          a.tree?.delete();
          return a.diagnostics;
        });
        if (res.fixed && res.text !== text) {
          writeFileSync(f.abs, res.text);
          total += res.fixed;
        }
      }
      parser.delete();
      io.stderr(`fixed ${total} problem${total === 1 ? '' : 's'}\n`);
      run = await lintPaths(paths, opts);
    }
    if (format === 'json') io.stdout(formatJson(run) + '\n');
    else if (format === 'sarif') io.stdout(formatSarif(run, io.cwd) + '\n');
    else io.stdout(formatText(run, io.isTTY && !io.env.NO_COLOR));
    // A project whose target could not be detected: the other projects were linted and reported above;
    // its files were not, which is a configuration error (exit 2) named with the file to fix.
    for (const s of run.skipped ?? []) {
      const e = s.error;
      io.stderr(`error: ${e.source ? `${e.source}: ` : ''}${e.message}\n`);
      if (e.hint) io.stderr(`hint: ${e.hint}\n`);
      io.stderr(`not linted (${s.files.length} file${s.files.length === 1 ? '' : 's'}): ${s.files.slice(0, 5).join(', ')}${s.files.length > 5 ? ', …' : ''}\n`);
    }
    if (run.skipped?.length) return 2;
    return run.files.some((f) => f.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
  },
};
