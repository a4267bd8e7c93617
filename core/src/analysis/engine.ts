import type { Parser, Tree } from 'web-tree-sitter';
import { getKnowledgeBase } from '../knowledge';
import { createPythonParser, parseWithBudget } from './parser';
import { extractFacts, rangeOf, type Facts } from './facts';
import { allRules, ruleInfo } from './rules';
import type { Diagnostic, FileResult, LintOptions, Range, Severity } from './types';
import type { RuleContext } from './rule';
import { branchesOf, exclusive, extractDagModel, type DagModel } from './dagModel';

/** Matches a code against a list of codes/prefixes ("AF1" matches "AF101"). */
export function codeMatches(code: string, patterns: string[] | undefined): boolean {
  return !!patterns?.some((p) => p && code.startsWith(p.trim().toUpperCase()));
}

function isEnabled(code: string, o: LintOptions): boolean {
  if (o.select?.length && !codeMatches(code, o.select)) return false;
  if (codeMatches(code, o.ignore)) return false;
  return o.severity?.[code] !== 'off';
}

/** Result of analysing one document: the facts/tree (for hovers, symbols) and diagnostics. */
export interface Analysis extends FileResult {
  tree: Tree | null;
  facts?: Facts;
  dagModel?: DagModel;
}

const MAX_BYTES = 5 * 1024 * 1024;

/**
 * Lint one file's text. Never throws on bad input: unparsable/binary/huge files become an
 * AF001 diagnostic. Pass a parser + previous tree for incremental re-parse in the server.
 */
export function analyzeText(parser: Parser, text: string, file: string, options: LintOptions, oldTree?: Tree | null): Analysis {
  const diagnostics: Diagnostic[] = [];
  const top = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  if (text.length > MAX_BYTES) {
    if (isEnabled('AF001', options)) {
      diagnostics.push({ code: 'AF001', severity: 'error', message: `File is larger than ${MAX_BYTES / 1024 / 1024} MB and was not analysed.`, range: top });
    }
    return { file, diagnostics, dagIds: [], tree: null };
  }
  if (text.includes('\u0000')) {
    if (isEnabled('AF001', options)) {
      diagnostics.push({ code: 'AF001', severity: 'error', message: 'File contains NUL bytes (binary?) and does not parse as Python.', range: top });
    }
    return { file, diagnostics, dagIds: [], tree: null };
  }
  const tree = parseWithBudget(parser, text, oldTree);
  if (!tree) {
    if (isEnabled('AF001', options)) diagnostics.push({ code: 'AF001', severity: 'error', message: 'Parsing timed out; the file was not analysed.', range: top });
    return { file, diagnostics, dagIds: [], tree: null };
  }
  const facts = extractFacts(tree, text);
  const dagModel = extractDagModel(facts);
  const kb = getKnowledgeBase();
  for (const rule of allRules) {
    if (!rule.infos.some((i) => isEnabled(i.code, options))) continue;
    const ctx: RuleContext = {
      file,
      facts,
      target: options.target,
      kb,
      options,
      report(d) {
        if (!isEnabled(d.code, options)) return;
        const override = options.severity?.[d.code];
        const severity: Severity = override && override !== 'off' ? override : d.severity ?? ruleInfo(d.code)?.defaultSeverity ?? 'warning';
        diagnostics.push({ ...d, severity });
      },
    };
    try {
      rule.run(ctx);
    } catch (e) {
      // A rule bug must never take the whole file (or the server) down; surface it instead.
      diagnostics.push({ code: 'AF000', severity: 'information', message: `Internal error in rule ${rule.infos[0]?.code}: ${(e as Error).message}`, range: top });
    }
  }
  diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.code.localeCompare(b.code));
  return { file, diagnostics, dagIds: definedDagIds(dagModel), tree, facts, dagModel };
}

/**
 * The DAG ids a file registers, for AF223. The same id in two branches of one `if`/`try`
 * (`if AIRFLOW_V_2_4_PLUS: DAG(…, schedule=…) else: DAG(…, schedule_interval=…)`) is one DAG: only
 * one branch runs, so only the first counts.
 */
function definedDagIds(model: DagModel): { id: string; range: Range }[] {
  const dags = model.dags.filter((d) => d.dagId && d.registered).map((d) => {
    const node = d.call?.node ?? d.fn?.node;
    return { d, branches: node ? branchesOf(node) : [] };
  });
  return dags
    .filter((x, i) => !dags.slice(0, i).some((y) => y.d.dagId === x.d.dagId && exclusive(x, y)))
    .map(({ d }) => ({ id: d.dagId!, range: d.idRange ?? d.range }));
}

let shared: Parser | undefined;
/** Convenience for one-shot use (CLI, tests): shares one parser per process. */
export async function lintText(text: string, file: string, options: LintOptions): Promise<Analysis> {
  shared ??= await createPythonParser();
  return analyzeText(shared, text, file, options);
}

export { rangeOf };
