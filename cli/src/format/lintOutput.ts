import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { allRuleInfos } from '../../../core/src/analysis/rules';
import type { LintRun } from '../../../core/src/analysis/project';
import type { Severity } from '../../../core/src/analysis/types';
import { describeTarget, type ResolvedTarget } from '../../../core/src/targets';

const VERSION = '0.1.0';

export interface FlatDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  severity: Severity;
  message: string;
}

/** 1-based lines/columns, paths relative to cwd with forward slashes. */
export function flatten(run: LintRun): FlatDiagnostic[] {
  const out: FlatDiagnostic[] = [];
  for (const f of run.files) {
    const file = f.file.split(path.sep).join('/');
    for (const d of f.diagnostics) {
      out.push({
        file,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        endLine: d.range.end.line + 1,
        endColumn: d.range.end.character + 1,
        code: d.code,
        severity: d.severity,
        message: d.message,
      });
    }
  }
  return out;
}

function targetJson(t: ResolvedTarget) {
  return { platform: t.platform, version: t.version, airflow: t.airflow, python: t.python, label: t.label, source: t.source, notes: t.notes };
}

export function formatJson(run: LintRun): string {
  return JSON.stringify(
    {
      target: targetJson(run.target),
      targets: run.targets.map((t) => ({ ...targetJson(t.target), files: t.files })),
      files: run.files.length,
      diagnostics: flatten(run),
      // projects whose target could not be detected (their files were not linted; exit code 2)
      ...(run.skipped?.length ? { skipped: run.skipped.map((s) => ({ source: s.error.source, message: s.error.message, hint: s.error.hint, files: s.files })) } : {}),
    },
    null,
    2,
  );
}

const COLORS: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', information: '\x1b[36m', hint: '\x1b[2m' };

export function formatText(run: LintRun, color: boolean): string {
  const c = (s: string, code: string) => (color ? `${code}${s}\x1b[0m` : s);
  const lines: string[] = [];
  if (run.targets.length <= 1) lines.push(`target: ${describeTarget(run.target)}`);
  else {
    lines.push(`targets: ${run.targets.length} (detected per project)`);
    for (const t of run.targets) lines.push(`  ${describeTarget(t.target)} — ${t.files} file${t.files === 1 ? '' : 's'}`);
  }
  for (const t of run.targets) for (const n of t.target.notes) lines.push(c(`note: ${t.target.label}: ${n}`, '\x1b[2m'));
  const diags = flatten(run);
  for (const d of diags) {
    lines.push(`${d.file}:${d.line}:${d.column}: ${c(d.code, '\x1b[1m')} ${c(d.severity, COLORS[d.severity])} ${d.message}`);
  }
  const count = (s: Severity) => diags.filter((d) => d.severity === s).length;
  const e = count('error');
  const w = count('warning');
  const other = diags.length - e - w;
  lines.push(
    `${run.files.length} file${run.files.length === 1 ? '' : 's'} checked: ${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}${other ? `, ${other} other` : ''}`,
  );
  return lines.join('\n') + '\n';
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** SARIF 2.1.0 for GitHub code scanning (uriBaseId %SRCROOT% = the current directory). */
export function formatSarif(run: LintRun, cwd: string): string {
  const rules = allRuleInfos();
  const index = new Map(rules.map((r, i) => [r.code, i]));
  const results = [];
  for (const f of run.files) {
    const uri = f.file.split(path.sep).join('/');
    for (const d of f.diagnostics) {
      const ruleIndex = index.get(d.code);
      results.push({
        ruleId: d.code,
        ...(ruleIndex !== undefined ? { ruleIndex } : {}),
        level: SARIF_LEVEL[d.severity],
        message: { text: d.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
              region: { startLine: d.range.start.line + 1, startColumn: d.range.start.character + 1, endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1 },
            },
          },
        ],
        partialFingerprints: { primaryLocationLineHash: `${d.code}:${uri}:${d.message.length}:${d.range.start.line + 1}` },
        properties: { target: f.target.label },
      });
    }
  }
  const base = pathToFileURL(cwd.endsWith(path.sep) ? cwd : cwd + path.sep).href;
  return JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'managed-airflow',
              version: VERSION,
              informationUri: 'https://github.com/managed-airflow/managed-airflow',
              rules: rules.map((r) => ({
                id: r.code,
                name: r.title.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').map((w) => w[0].toUpperCase() + w.slice(1)).join(''),
                shortDescription: { text: r.title },
                fullDescription: { text: r.help },
                help: { text: r.help },
                defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] },
              })),
            },
          },
          originalUriBaseIds: { '%SRCROOT%': { uri: base } },
          columnKind: 'utf16CodeUnits',
          invocations: [{ executionSuccessful: true }],
          results,
          properties: { target: targetJson(run.target) },
        },
      ],
    },
    null,
    2,
  );
}
