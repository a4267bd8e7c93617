/**
 * Lint benchmark.
 *  1. Workspace: 1,000 generated, realistic DAG files (classic operators, TaskFlow, task groups,
 *     dynamic mapping, sensors; imports from Airflow 1.10 to 3.x) written to .bench/lint-workspace,
 *     linted in one process with one shared parser by our engine and, in the same run on the same
 *     files, by ruff-wasm (@astral-sh/ruff-wasm-nodejs, Workspace API, AIR rules selected).
 *     Both read the files from disk inside the timed section; three rounds each, best kept.
 *  2. Edit latency: a 1,000-line DAG, ≥ 200 single-character edits, each applied with
 *     tree.edit + incremental parse (analyzeText with the old tree) — p50/p95 of the whole
 *     diagnostics computation.
 * Results: table on stdout and bench/results/lint.json.
 *
 *   node --import tsx bench/lint.ts [--files 1000] [--edits 300]
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { analyzeText } from '../core/src/analysis/engine';
import { createPythonParser, Edit, type Tree } from '../core/src/analysis/parser';
import { extractFacts } from '../core/src/analysis/facts';
import { buildSyntaxTree } from '../core/src/analysis/syntaxTree';
import { extractDagModel } from '../core/src/analysis/dagModel';
import { allRules } from '../core/src/analysis/rules';
import type { RuleContext } from '../core/src/analysis/rule';
import { getKnowledgeBase } from '../core/src/knowledge';
import { resolveTargetLabel } from '../core/src/targets';
import { availableParallelism } from 'node:os';
import { chooseThreads, runLintJobs, workerEntry } from '../core/src/analysis/lintPool';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, '.bench');

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};

/** Deterministic PRNG so every run lints the same workspace. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const IMPORT_SETS = [
  // 1.10 style
  `from airflow import DAG\nfrom airflow.operators.bash_operator import BashOperator\nfrom airflow.operators.python_operator import PythonOperator\nfrom airflow.operators.dummy_operator import DummyOperator\nfrom airflow.utils.dates import days_ago\n`,
  // 2.x style
  `from airflow import DAG\nfrom airflow.operators.bash import BashOperator\nfrom airflow.operators.python import PythonOperator\nfrom airflow.operators.empty import EmptyOperator as DummyOperator\nfrom airflow.decorators import task, task_group\n`,
  // 3.x style
  `from airflow.sdk import DAG, task, task_group\nfrom airflow.providers.standard.operators.bash import BashOperator\nfrom airflow.providers.standard.operators.python import PythonOperator\nfrom airflow.providers.standard.operators.empty import EmptyOperator as DummyOperator\n`,
  // providers-heavy 2.x
  `from airflow import DAG\nfrom airflow.operators.bash import BashOperator\nfrom airflow.operators.python import PythonOperator\nfrom airflow.operators.empty import EmptyOperator as DummyOperator\nfrom airflow.providers.amazon.aws.operators.s3 import S3CreateObjectOperator\nfrom airflow.providers.amazon.aws.sensors.s3 import S3KeySensor\nfrom airflow.providers.postgres.operators.postgres import PostgresOperator\nfrom airflow.decorators import task, task_group\n`,
];

export function generateDag(i: number, tasks: number, rand: () => number): string {
  const style = i % IMPORT_SETS.length;
  const lines: string[] = [`"""Generated DAG ${i}: nightly ingestion for source ${i % 37}."""`, 'from datetime import datetime, timedelta', 'import pendulum', '', IMPORT_SETS[style]];
  const schedule = ['"@daily"', '"0 3 * * *"', 'timedelta(hours=6)', 'None', '"*/30 9-17 * * 1-5"'][i % 5];
  const schedKw = style === 0 ? 'schedule_interval' : 'schedule';
  const start = style === 0 ? 'days_ago(1)' : 'pendulum.datetime(2024, 1, 1, tz="UTC")';
  lines.push(
    'default_args = {',
    '    "owner": "data-eng",',
    '    "retries": 2,',
    '    "retry_delay": timedelta(minutes=5),',
    ...(i % 3 === 0 ? ['    "execution_timeout": timedelta(hours=1),'] : []),
    '}',
    '',
    `def _transform(ds, **context):`,
    `    """Transform one partition."""`,
    `    rows = context["ti"].xcom_pull(task_ids="extract_0")`,
    `    return [r * 2 for r in rows or []]`,
    '',
  );
  const taskflow = style !== 0 && i % 2 === 0;
  if (taskflow) {
    lines.push('@task', 'def extract(n: int) -> list:', '    return list(range(n))', '', '@task(retries=1)', 'def load(rows: list) -> None:', '    print(len(rows))', '');
  }
  lines.push(`with DAG(`, `    dag_id="ingest_${i}",`, `    default_args=default_args,`, `    start_date=${start},`, `    ${schedKw}=${schedule},`, `    catchup=False,`, `    tags=["generated", "team-${i % 7}"],`, `) as dag:`);
  lines.push('    start = DummyOperator(task_id="start")', '    end = DummyOperator(task_id="end")');
  let prev = 'start';
  for (let t = 0; t < tasks; t++) {
    const kind = Math.floor(rand() * 4);
    const name = `t_${t}`;
    if (kind === 0) lines.push(`    ${name} = BashOperator(task_id="bash_${t}", bash_command="echo {{ ds }} && sleep ${t % 5}")`);
    else if (kind === 1) lines.push(`    ${name} = PythonOperator(task_id="py_${t}", python_callable=_transform, op_kwargs={"n": ${t}})`);
    else if (kind === 2 && taskflow) lines.push(`    ${name} = load(extract.override(task_id="extract_${t}")(${t}))`);
    else lines.push(`    ${name} = BashOperator.partial(task_id="mapped_${t}").expand(bash_command=["echo a", "echo b"])`);
    lines.push(`    ${prev} >> ${name}`);
    prev = name;
  }
  lines.push(`    ${prev} >> end`, '');
  return lines.join('\n');
}

/** A ~1,000-line DAG for the edit benchmark. */
export function bigDag(): string {
  const rand = rng(42);
  let text = '';
  let tasks = 200;
  for (;;) {
    text = generateDag(1, tasks, rand);
    const n = text.split('\n').length;
    if (n >= 1000) return text;
    tasks += Math.ceil((1000 - n) / 2) + 1;
  }
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export async function bench() {
  const FILES = arg('files', 1000);
  // the 1/5/15-minute load averages when the run starts and ends: timings on a shared machine mean little without them
  const loadAtStart = loadavg().map((x) => Number(x.toFixed(2)));
  const EDITS = Math.max(200, arg('edits', 300));
  const dir = path.join(OUT, 'lint-workspace');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rand = rng(7);
  const files: string[] = [];
  let totalLines = 0;
  for (let i = 0; i < FILES; i++) {
    const text = generateDag(i, 8 + Math.floor(rand() * 25), rand);
    totalLines += text.split('\n').length;
    const f = path.join(dir, `dag_${String(i).padStart(4, '0')}.py`);
    writeFileSync(f, text);
    files.push(f);
  }
  const target = resolveTargetLabel('mwaa:2.10.3');
  const parser = await createPythonParser();

  // ruff-wasm: one Workspace (AIR rules, preview for the AIR3xx migration rules), same files.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ruff = require('@astral-sh/ruff-wasm-nodejs') as typeof import('@astral-sh/ruff-wasm-nodejs');
  const ws = new ruff.Workspace({ preview: true, lint: { select: ['AIR'] } }, ruff.PositionEncoding.Utf16);

  const runOurs = () => {
    let diags = 0;
    const t0 = performance.now();
    for (const f of files) {
      const r = analyzeText(parser, readFileSync(f, 'utf8'), f, { target });
      diags += r.diagnostics.length;
      r.tree?.delete();
    }
    return { ms: performance.now() - t0, diags };
  };
  const runRuff = () => {
    let diags = 0;
    const t0 = performance.now();
    for (const f of files) diags += (ws.check(readFileSync(f, 'utf8')) as unknown[]).length;
    return { ms: performance.now() - t0, diags };
  };
  // warm-up (JIT, wasm instantiation, knowledge base load) on a few files, then alternate rounds
  for (const f of files.slice(0, 20)) {
    analyzeText(parser, readFileSync(f, 'utf8'), f, { target }).tree?.delete();
    ws.check(readFileSync(f, 'utf8'));
  }
  // The floor for any tree-sitter based linter: parsing alone (same files, same reads).
  const runParseOnly = () => {
    const t0 = performance.now();
    for (const f of files) parser.parse(readFileSync(f, 'utf8'))?.delete();
    return { ms: performance.now() - t0, diags: 0 };
  };
  // What `managed-airflow lint` does on a folder this size: worker threads (one per core), the
  // bundled worker when built (else the TypeScript source through tsx), start-up included.
  const bundledWorker = path.join(ROOT, 'dist', 'lint-worker.js');
  const entry = existsSync(bundledWorker) ? { file: bundledWorker } : workerEntry();
  // the threaded row always uses threads (the CLI's automatic choice stays on one thread below 4 cores)
  const threads = chooseThreads(FILES, Math.max(2, Math.min(availableParallelism(), 8)));
  const runPool = async () => {
    const t0 = performance.now();
    const { results, threads: used } = await runLintJobs(files.map((abs, index) => ({ index, abs, options: { target } })), threads, async () => parser, entry);
    return { ms: performance.now() - t0, diags: results.reduce((n, r) => n + r.diagnostics.length, 0), used };
  };
  const pool: { ms: number; diags: number; used: number }[] = [];
  const ours: { ms: number; diags: number }[] = [];
  const theirs: { ms: number; diags: number }[] = [];
  const parseOnly: { ms: number; diags: number }[] = [];
  for (let round = 0; round < 3; round++) {
    ours.push(runOurs());
    theirs.push(runRuff());
    parseOnly.push(runParseOnly());
    pool.push(await runPool());
  }
  if (pool.some((r) => r.diags !== ours[0].diags)) throw new Error(`threads found ${pool.map((r) => r.diags)} diagnostics, one thread ${ours[0].diags}`);
  const best = (xs: { ms: number }[]) => Math.min(...xs.map((x) => x.ms));
  const oursMs = best(ours);
  const ruffMs = best(theirs);

  // Edit latency on a 1,000-line DAG.
  const big = bigDag();
  const file = path.join(dir, 'big_dag.py');
  writeFileSync(file, big);
  const editParser = await createPythonParser();
  let text = big;
  let prevAnalysis = analyzeText(editParser, text, file, { target });
  let tree: Tree | null = prevAnalysis.tree;
  const erand = rng(99);
  const times: number[] = [];
  const fullTimes: number[] = [];
  const lineStarts = () => {
    const s = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) s.push(i + 1);
    return s;
  };
  for (let e = 0; e < EDITS; e++) {
    // type or delete one character inside a string/identifier somewhere in the file
    const starts = lineStarts();
    const line = 20 + Math.floor(erand() * (starts.length - 30));
    const lineText = text.slice(starts[line], (starts[line + 1] ?? text.length + 1) - 1);
    const col = Math.max(0, Math.min(lineText.length - 1, 4 + Math.floor(erand() * Math.max(1, lineText.length - 5))));
    const startIndex = starts[line] + col;
    const insert = e % 2 === 0;
    const newText = insert ? 'x' : '';
    const oldEndIndex = insert ? startIndex : startIndex + (lineText.length > 5 ? 1 : 0);
    const t0 = performance.now();
    text = text.slice(0, startIndex) + newText + text.slice(oldEndIndex);
    tree!.edit(new Edit({
      startIndex,
      oldEndIndex,
      newEndIndex: startIndex + newText.length,
      startPosition: { row: line, column: col },
      oldEndPosition: { row: line, column: col + (oldEndIndex - startIndex) },
      newEndPosition: { row: line, column: col + newText.length },
    }));
    const next = analyzeText(editParser, text, file, { target }, tree);
    times.push(performance.now() - t0);
    tree?.delete();
    tree = next.tree;
    prevAnalysis = next;
    if (e % 10 === 0) {
      // peer in the same run: a full (non-incremental) parse + analysis of the same text
      const t1 = performance.now();
      analyzeText(parser, text, file, { target }).tree?.delete();
      fullTimes.push(performance.now() - t1);
    }
  }
  tree?.delete();

  // Where the time goes on the 1,000-line DAG: best of 20 per stage (full parse, facts, DAG model, each rule).
  const stages: Record<string, number> = {};
  const kb = getKnowledgeBase();
  const keep = (k: string, ms: number) => (stages[k] = Math.min(stages[k] ?? Infinity, ms));
  for (let i = 0; i < 20; i++) {
    let t = performance.now();
    const tr = parser.parse(big)!;
    keep('parse', performance.now() - t);
    t = performance.now();
    buildSyntaxTree(tr, big);
    keep('syntaxTreeCopy', performance.now() - t);
    t = performance.now();
    const facts = extractFacts(tr, big);
    keep('facts', performance.now() - t);
    t = performance.now();
    extractDagModel(facts);
    keep('dagModel', performance.now() - t);
    for (const r of allRules) {
      t = performance.now();
      r.run({ file, facts, target, kb, options: { target }, report() {} } as RuleContext);
      keep(`rules ${r.infos.map((x) => x.code).join('/')}`, performance.now() - t);
    }
    tr.delete();
  }
  for (const k of Object.keys(stages)) stages[k] = Number(stages[k].toFixed(2));

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    loadAverage: { start: loadAtStart, end: loadavg().map((x) => Number(x.toFixed(2))) },
    workspace: {
      files: FILES,
      lines: totalLines,
      target: target.label,
      ours: { bestMs: Math.round(oursMs), filesPerSec: Math.round((FILES / oursMs) * 1000), diagnostics: ours[0].diags, roundsMs: ours.map((r) => Math.round(r.ms)) },
      ruffWasm: { version: ruff.Workspace.version(), bestMs: Math.round(ruffMs), filesPerSec: Math.round((FILES / ruffMs) * 1000), diagnostics: theirs[0].diags, roundsMs: theirs.map((r) => Math.round(r.ms)), rules: 'AIR (preview)' },
      speedupVsRuff: Number((ruffMs / oursMs).toFixed(2)),
      oursThreads: { threads: pool[0].used, bestMs: Math.round(best(pool)), filesPerSec: Math.round((FILES / best(pool)) * 1000), diagnostics: pool[0].diags, roundsMs: pool.map((r) => Math.round(r.ms)), speedupVsRuff: Number((ruffMs / best(pool)).toFixed(2)), worker: entry ? path.relative(ROOT, entry.file) : 'none' },
      treeSitterParseOnly: { bestMs: Math.round(best(parseOnly)), filesPerSec: Math.round((FILES / best(parseOnly)) * 1000), ratioToRuff: Number((ruffMs / best(parseOnly)).toFixed(2)) },
    },
    edits: {
      fileLines: big.split('\n').length,
      edits: times.length,
      p50Ms: Number(pct(times, 50).toFixed(2)),
      p95Ms: Number(pct(times, 95).toFixed(2)),
      maxMs: Number(Math.max(...times).toFixed(2)),
      fullReanalysisP50Ms: Number(pct(fullTimes, 50).toFixed(2)),
      diagnosticsAfterLastEdit: prevAnalysis.diagnostics.length,
      stagesBestMs: stages,
    },
  };
  const resultFile = path.join(ROOT, 'bench', 'results', 'lint.json');
  mkdirSync(path.dirname(resultFile), { recursive: true });
  writeFileSync(resultFile, JSON.stringify(result, null, 2) + '\n');
  const w = result.workspace;
  const rows = [
    ['measure', 'Managed Airflow', 'ruff-wasm ' + w.ruffWasm.version, 'ratio'],
    [`lint ${FILES} DAG files (${totalLines} lines)`, `${w.ours.bestMs} ms (${w.ours.filesPerSec} files/s)`, `${w.ruffWasm.bestMs} ms (${w.ruffWasm.filesPerSec} files/s)`, `${w.speedupVsRuff}× ${w.speedupVsRuff >= 1 ? 'faster' : 'slower'}`],
    [`  on ${w.oursThreads.threads} threads (--jobs), same files`, `${w.oursThreads.bestMs} ms (${w.oursThreads.filesPerSec} files/s)`, '', `${w.oursThreads.speedupVsRuff}× ${w.oursThreads.speedupVsRuff >= 1 ? 'faster' : 'slower'}`],
    [`  (tree-sitter parse only, same files)`, `${w.treeSitterParseOnly.bestMs} ms (${w.treeSitterParseOnly.filesPerSec} files/s)`, '', `${w.treeSitterParseOnly.ratioToRuff}× of ruff's full lint`],
    [`edit → diagnostics, ${result.edits.fileLines}-line DAG, ${result.edits.edits} edits`, `p50 ${result.edits.p50Ms} ms / p95 ${result.edits.p95Ms} ms`, '', `full re-analysis p50 ${result.edits.fullReanalysisP50Ms} ms`],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((x, c) => x.padEnd(widths[c])).join(' | '));
  console.log(`\nstages on the ${result.edits.fileLines}-line DAG (best of 20, ms): ${Object.entries(stages).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`\nwritten ${path.relative(process.cwd(), resultFile)}`);
  return result;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  bench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
