import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { lintText } from '../../core/src/analysis/engine';
import { lintPaths, type LintRun } from '../../core/src/analysis/project';
import type { Diagnostic } from '../../core/src/analysis/types';
import { normaliseDist } from '../../core/src/analysis/requirements';
import { resolveTargetLabel, type ResolvedTarget } from '../../core/src/targets';

/**
 * The DAG corpus (test/fixtures/dags/<airflow line>/…): realistic DAG files, each declaring
 * its own expectations in comments:
 *
 *   # valid-for: mwaa:2.10.3 airflow:2.9.2        no error-severity diagnostic for these targets
 *   # expect: AF101 line 3 @ mwaa:3.0.6 astro:3.0-4
 *   # expect: AF103 warning line 3 @ mwaa:2.10.3  (severity defaults to the code's default)
 *   from x import y  # expect: AF101 @ mwaa:3.0.6  (trailing form: the line of the comment)
 *   # requirements: apache-airflow-providers-snowflake   (what the project's requirements.txt adds)
 *
 * For every target a file names, the version-rule diagnostics (AF1xx) and every error-severity
 * diagnostic must be exactly the expected ones (code, line, severity): nothing missing, nothing
 * extra. Warnings of other rule families (AF2xx) are not the corpus' business.
 */

const ROOT = path.resolve(__dirname, '..', 'fixtures', 'dags');
const DEFAULT_SEVERITY: Record<string, string> = { AF101: 'error', AF102: 'error', AF103: 'warning', AF111: 'error', AF112: 'warning', AF121: 'error', AF131: 'error', AF141: 'warning' };

interface Expected {
  code: string;
  line: number; // 1-based
  severity: string;
}

interface CorpusFile {
  rel: string;
  text: string;
  targets: Map<string, Expected[]>;
  requirements: Set<string>;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (e.endsWith('.py')) out.push(p);
  }
  return out;
}

const EXPECT = /^(AF\d{3})(?:\s+(error|warning|information|hint))?(?:\s+line\s+(\d+))?\s*@\s*(.+?)\s*$/;
const VALID = /#\s*valid-for:\s*([^#]+)$/;
const REQS = /#\s*requirements:\s*([^#]+)$/;

function parseCorpusFile(file: string): CorpusFile {
  const text = readFileSync(file, 'utf8');
  const targets = new Map<string, Expected[]>();
  const requirements = new Set<string>();
  const add = (label: string) => {
    if (!targets.has(label)) targets.set(label, []);
    return targets.get(label)!;
  };
  text.split('\n').forEach((line, i) => {
    // A line may carry several "# expect: …" comments (one per verdict).
    const parts = line.split(/#\s*expect:\s*/);
    for (const part of parts.slice(1)) {
      const e = EXPECT.exec(part.trim());
      assert.ok(e, `${file}:${i + 1}: cannot parse "expect: ${part.trim()}"`);
      const [, code, severity, lineNo, labels] = e;
      assert.ok(lineNo || !/^\s*$/.test(parts[0]), `${file}:${i + 1}: a whole-line "expect" needs "line N"`);
      const at = lineNo ? Number(lineNo) : i + 1;
      for (const label of labels.split(/\s+/)) add(label).push({ code, line: at, severity: severity ?? DEFAULT_SEVERITY[code] ?? 'error' });
    }
    const v = VALID.exec(line);
    if (v) for (const label of v[1].trim().split(/\s+/)) add(label);
    const r = REQS.exec(line);
    if (r) for (const dist of r[1].trim().split(/\s+/)) requirements.add(normaliseDist(dist));
  });
  return { rel: path.relative(ROOT, file), text, targets, requirements };
}

/** The diagnostics the corpus judges: every AF1xx, and every error of any code. */
function judged(d: Diagnostic): boolean {
  return /^AF1\d\d$/.test(d.code) || d.severity === 'error';
}

function fmt(e: { code: string; line: number; severity: string }): string {
  return `${e.code} ${e.severity} line ${e.line}`;
}

const files = walk(ROOT).map(parseCorpusFile);
const targetCache = new Map<string, ResolvedTarget>();
function target(label: string): ResolvedTarget {
  let t = targetCache.get(label);
  if (!t) targetCache.set(label, (t = resolveTargetLabel(label)));
  return t;
}

describe('DAG corpus', () => {
  it('has files for every Airflow era, each naming targets', () => {
    const eras = new Set(files.map((f) => f.rel.split(path.sep)[0]));
    for (const era of ['1.10', '2.0-2.2', '2.3-2.6', '2.7-2.10', '2.11', '3.x', 'tricky']) assert.ok(eras.has(era), `no DAGs for ${era}`);
    for (const f of files) assert.ok(f.targets.size > 0, `${f.rel} names no target`);
    assert.ok(files.length >= 30, `only ${files.length} corpus files`);
  });

  it('every target label in the corpus resolves', () => {
    for (const f of files) for (const label of f.targets.keys()) assert.doesNotThrow(() => target(label), `${f.rel}: ${label}`);
  });

  for (const f of files) {
    describe(f.rel, () => {
      for (const [label, expected] of f.targets) {
        it(`@ ${label}: ${expected.length ? expected.map(fmt).join(', ') : 'valid'}`, async () => {
          const t = target(label);
          const result = await lintText(f.text, f.rel, { target: t, extraPackages: f.requirements });
          const got = result.diagnostics.filter(judged).map((d) => ({ code: d.code, line: d.range.start.line + 1, severity: d.severity, message: d.message }));
          const key = (e: { code: string; line: number; severity: string }) => fmt(e);
          const want = expected.map(key).sort();
          const have = got.map(key).sort();
          // Multisets: the same code may be expected twice on one line.
          const left = [...have];
          const missing = want.filter((w) => {
            const i = left.indexOf(w);
            if (i < 0) return true;
            left.splice(i, 1);
            return false;
          });
          const extra = got.filter((g) => {
            const i = left.indexOf(key(g));
            if (i < 0) return false;
            left.splice(i, 1);
            return true;
          });
          assert.ok(
            !missing.length && !extra.length,
            `${f.rel} @ ${label} (Airflow ${t.airflow}):\n  missing: ${missing.join('; ') || '-'}\n  extra:   ${extra.map((e) => `${key(e)}: ${e.message}`).join('\n           ') || '-'}`,
          );
          for (const d of result.diagnostics.filter((x) => x.severity === 'error' && /^AF1/.test(x.code))) {
            // Error messages say what the target runs.
            assert.ok(d.message.includes(t.airflow), `${d.code} message does not name Airflow ${t.airflow}: ${d.message}`);
          }
        });
      }
    });
  }
});

/**
 * The bundled examples (examples/<project>): what `npm run lint:examples` shows. Good DAGs must
 * stay clean of errors for their detected target; the upgrade-problem DAGs must keep showing
 * version findings; files excluded by .airflowignore are not linted.
 */
describe('examples/ (lint:examples)', () => {
  const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
  const good = [
    'mwaa-2.10/dags/s3_ingest.py', 'mwaa-2.10/dags/snowflake_daily.py', 'mwaa-2.10/plugins/operators/audit_operator.py',
    'mwaa-3.0/dags/orders_sdk.py', 'mwaa-3.0/dags/asset_consumers.py',
    'astro-12/dags/example_astronauts.py', 'astro-12/dags/daily_revenue.py',
    'airflow-3/dags/etl_sdk.py',
  ];
  const upgrade: Record<string, string[]> = {
    'mwaa-2.10/dags/legacy_reports.py': ['AF102', 'AF103', 'AF112', 'AF121', 'AF131'],
    'mwaa-3.0/dags/migrated_from_2x.py': ['AF101', 'AF103', 'AF111', 'AF121'],
    'astro-12/dags/airflow3_preview.py': ['AF102', 'AF111', 'AF121', 'AF131'],
    'airflow-3/dags/legacy_etl.py': ['AF101', 'AF111', 'AF121'],
  };
  const expectedTargets: Record<string, string> = { 'mwaa-2.10': 'airflow:2.10.3', 'mwaa-3.0': 'airflow:3.0.6', 'astro-12': 'astro:12.1.0', 'airflow-3': 'airflow:3.0.6' };
  let run: LintRun;
  before(async () => {
    run = await lintPaths(['.'], { cwd: EXAMPLES });
  });

  it('each project is linted against the target detected from its Dockerfile / requirements.txt', () => {
    for (const f of run.files) assert.equal(f.target.label, expectedTargets[f.file.split(path.sep)[0]], f.file);
  });

  it('.airflowignore keeps drafts, scratch files and tests out', () => {
    const linted = run.files.map((f) => f.file.split(path.sep).join('/'));
    for (const f of ['mwaa-2.10/dags/scratch/wip_dag.py', 'mwaa-3.0/dags/drafts/new_idea.py', 'airflow-3/dags/etl_sdk_test.py']) assert.ok(!linted.includes(f), f);
    for (const f of [...good, ...Object.keys(upgrade)]) assert.ok(linted.includes(f), `${f} not linted`);
  });

  for (const f of good) {
    it(`${f}: no errors, no version findings`, () => {
      const r = run.files.find((x) => x.file.split(path.sep).join('/') === f)!;
      const bad = r.diagnostics.filter((d) => d.severity === 'error' || d.code.startsWith('AF1'));
      assert.deepEqual(bad.map((d) => `${d.code}@${d.range.start.line + 1}: ${d.message}`), []);
    });
  }

  for (const [f, want] of Object.entries(upgrade)) {
    it(`${f}: shows ${want.join(', ')}`, () => {
      const r = run.files.find((x) => x.file.split(path.sep).join('/') === f)!;
      const got = new Set(r.diagnostics.map((d) => d.code));
      for (const c of want) assert.ok(got.has(c), `${c} missing; got ${[...got].join(', ')}`);
      assert.ok(r.diagnostics.some((d) => d.severity === 'error'), 'an upgrade-problem DAG has at least one error');
    });
  }
});
