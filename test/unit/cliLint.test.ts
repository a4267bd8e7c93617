import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../cli/src/main';
import type { CliIO } from '../../cli/src/types';
import { BASH_OPERATOR_DAG } from '../support/dags';

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIO = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    cwd,
    env: {},
    isTTY: false,
    confirm: async () => false,
    signal: new AbortController().signal,
  };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}


describe('managed-airflow lint (CLI)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ma-cli-'));
    mkdirSync(path.join(dir, 'dags'));
    writeFileSync(path.join(dir, 'dags', 'etl.py'), BASH_OPERATOR_DAG);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('text output starts with the target and its source, exits 1 on errors', async () => {
    const t = io(dir);
    const code = await main(['lint', 'dags', '--target', 'mwaa:3.0.6'], t.io);
    const lines = t.out().split('\n');
    assert.match(lines[0], /^target: mwaa:3\.0\.6 \(Airflow 3\.0\.6, Python 3\.12; from --target\)$/);
    assert.match(t.out(), /dags\/etl\.py:2:\d+: AF101 error /);
    assert.equal(code, 1);
  });

  it('JSON output has the documented shape with 1-based positions and relative paths', async () => {
    const t = io(dir);
    const code = await main(['lint', 'dags', '--target', 'mwaa:3.0.6', '--format', 'json'], t.io);
    const j = JSON.parse(t.out());
    assert.deepEqual(Object.keys(j.target).slice(0, 4), ['platform', 'version', 'airflow', 'python']);
    assert.equal(j.target.platform, 'mwaa');
    assert.equal(j.target.airflow, '3.0.6');
    assert.equal(j.files, 1);
    const d = j.diagnostics.find((x: any) => x.code === 'AF101');
    assert.ok(d, JSON.stringify(j.diagnostics));
    assert.deepEqual(Object.keys(d), ['file', 'line', 'column', 'endLine', 'endColumn', 'code', 'severity', 'message']);
    assert.equal(d.file, 'dags/etl.py');
    assert.equal(d.line, 2);
    assert.equal(d.column, 6);
    assert.equal(d.severity, 'error');
    assert.equal(code, 1);
  });

  it('the same file is only a warning on an Airflow 2 target (exit 0)', async () => {
    const t = io(dir);
    const code = await main(['lint', 'dags', '--target', 'mwaa:2.10.3', '--format', 'json'], t.io);
    const j = JSON.parse(t.out());
    assert.ok(j.diagnostics.some((x: any) => x.code === 'AF103' && x.severity === 'warning'), JSON.stringify(j.diagnostics));
    assert.ok(!j.diagnostics.some((x: any) => x.severity === 'error'));
    assert.equal(code, 0);
  });

  it('SARIF 2.1.0 output carries rules, levels and regions', async () => {
    const t = io(dir);
    await main(['lint', 'dags', '--target', 'mwaa:3.0.6', '--format', 'sarif'], t.io);
    const s = JSON.parse(t.out());
    assert.equal(s.version, '2.1.0');
    const run = s.runs[0];
    assert.equal(run.tool.driver.name, 'managed-airflow');
    const ids = run.tool.driver.rules.map((r: any) => r.id);
    for (const code of ['AF101', 'AF102', 'AF103', 'AF111', 'AF121', 'AF131', 'AF141']) assert.ok(ids.includes(code), code);
    const r = run.results.find((x: any) => x.ruleId === 'AF101');
    assert.equal(r.level, 'error');
    assert.equal(run.tool.driver.rules[r.ruleIndex].id, 'AF101');
    assert.equal(r.locations[0].physicalLocation.artifactLocation.uri, 'dags/etl.py');
    assert.equal(r.locations[0].physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.equal(r.locations[0].physicalLocation.region.startLine, 2);
    assert.ok(run.originalUriBaseIds['%SRCROOT%'].uri.startsWith('file:///'));
  });

  it('--select / --ignore filter codes; --fix rewrites the import', async () => {
    let t = io(dir);
    await main(['lint', 'dags', '--target', 'mwaa:3.0.6', '--format', 'json', '--ignore', 'AF1'], t.io);
    assert.ok(!JSON.parse(t.out()).diagnostics.some((d: any) => d.code.startsWith('AF1')));
    t = io(dir);
    const code = await main(['lint', 'dags', '--target', 'mwaa:3.0.6', '--fix'], t.io);
    assert.match(t.err(), /fixed [1-9]\d* problem/);
    assert.doesNotMatch(readFileSync(path.join(dir, 'dags', 'etl.py'), 'utf8'), /bash_operator/);
    assert.doesNotMatch(t.out(), /AF101/);
    assert.equal(code, 0);
  });

  it('an unknown target is exit 2 with the closest supported versions', async () => {
    const t = io(dir);
    const code = await main(['lint', 'dags', '--target', 'mwaa:2.10.9'], t.io);
    assert.equal(code, 2);
    assert.match(t.err(), /unknown target "mwaa:2\.10\.9"/);
    assert.match(t.err(), /hint: Closest supported: mwaa:2\.10\.3/);
  });

  it('usage errors are exit 2 and name the problem', async () => {
    for (const [args, re] of [
      [['lint', '--bogus'], /bogus/],
      [['lint', 'nope/'], /path not found: nope\//],
      [['lint', '--format', 'xml'], /unknown --format "xml"/],
      [['lint', '--select', 'XYZ'], /not a rule code/],
      [['lint', '--jobs', 'many'], /--jobs "many" is not a thread count/],
      [['lint', '--jobs', '0'], /--jobs "0" is not a thread count/],
      [['frobnicate'], /unknown command "frobnicate"/],
    ] as [string[], RegExp][]) {
      const t = io(dir);
      assert.equal(await main(args, t.io), 2, args.join(' '));
      assert.match(t.err(), re);
    }
  });

  it('detects the target from an Astro Dockerfile when no flag or setting is given', async () => {
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM quay.io/astronomer/astro-runtime:12.1.0\n');
    const t = io(dir);
    await main(['lint', 'dags'], t.io);
    assert.match(t.out().split('\n')[0], /^target: astro:12\.1\.0 \(Airflow 2\.10\.\d+, Python 3\.12; from dockerfile .*Dockerfile\)$/);
  });

  it('a project whose target cannot be detected is exit 2 naming its file, and the other projects are still linted', async () => {
    // two projects side by side: "good" pins Airflow 3.0.6, "bad" a constraints release that does not exist
    for (const [name, req] of [['good', 'apache-airflow==3.0.6\n'], ['bad', '--constraint "https://raw.githubusercontent.com/apache/airflow/constraints-2.5.12/constraints-3.10.txt"\n']]) {
      mkdirSync(path.join(dir, name, 'dags'), { recursive: true });
      writeFileSync(path.join(dir, name, 'requirements.txt'), req);
      writeFileSync(path.join(dir, name, 'dags', 'etl.py'), BASH_OPERATOR_DAG);
    }
    let t = io(dir);
    assert.equal(await main(['lint', 'good', 'bad'], t.io), 2);
    assert.match(t.out(), /good\/dags\/etl\.py:2:\d+: AF101 error /);
    assert.match(t.out(), /1 file checked/);
    assert.match(t.err(), /bad\/requirements\.txt: unknown target "airflow:2\.5\.12"/);
    assert.match(t.err(), /hint: Closest supported: airflow:2\.5\.3/);
    assert.match(t.err(), /not linted \(1 file\): bad\/dags\/etl\.py/);
    t = io(dir);
    assert.equal(await main(['lint', 'good', 'bad', '--format', 'json'], t.io), 2);
    const j = JSON.parse(t.out());
    assert.equal(j.files, 1);
    assert.deepEqual(j.skipped.map((s: { files: string[] }) => s.files), [[path.join('bad', 'dags', 'etl.py')]]);
    // only the bad project: nothing to lint, the detection error alone (as before)
    t = io(dir);
    assert.equal(await main(['lint', 'bad'], t.io), 2);
    assert.equal(t.out(), '');
    assert.match(t.err(), /unknown target "airflow:2\.5\.12"/);
  });

  it('uses managedAirflow.target from .vscode/settings.json, and reports a bad value with the file', async () => {
    mkdirSync(path.join(dir, '.vscode'));
    writeFileSync(path.join(dir, '.vscode', 'settings.json'), '{\n  // comment\n  "managedAirflow.target": "airflow:2.9.2",\n}\n');
    let t = io(dir);
    await main(['lint', 'dags'], t.io);
    assert.match(t.out().split('\n')[0], /^target: airflow:2\.9\.2 .*from setting managedAirflow\.target\)$/);
    writeFileSync(path.join(dir, '.vscode', 'settings.json'), '{"managedAirflow.target": "mwaa:1.2.3"}');
    t = io(dir);
    assert.equal(await main(['lint', 'dags'], t.io), 2);
    assert.match(t.err(), /settings\.json \(managedAirflow\.target\): unknown target "mwaa:1\.2\.3"/);
  });

  it('without flag, setting or project files the embedded default (newest MWAA) is used and shown', async () => {
    const t = io(dir);
    await main(['lint', 'dags'], t.io);
    assert.match(t.out().split('\n')[0], /^target: mwaa:\d+\.\d+\.\d+ .*from default\)$/);
  });
});
