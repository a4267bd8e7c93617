import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { walkFolder, defaultIgnoreSyntax } from '../../core/src/deploy/walk';
import { buildReproducibleZip } from '../../core/src/deploy/archive';
import { crc32cBase64, md5Hex } from '../../core/src/deploy/hash';
import { inScope, parseLocation } from '../../core/src/deploy/uri';
import { checkRequirementPins } from '../../core/src/deploy/requirements';
import { isRetryable, withRetry } from '../../core/src/deploy/retry';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ma-walk-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('deploy: local walk and .airflowignore', () => {
  const files = {
    'a.py': '',
    'scratch_1.py': '',
    'sub/b.py': '',
    'sub/scratch_2.py': '',
    'sub/.airflowignore': 'local_only\n',
    'sub/local_only.py': '',
    'other/local_only.py': '',
    'vendor/lib.py': '',
    '__pycache__/a.cpython-311.pyc': '',
    'x.pyc': '',
    'tests/test_a.py': '',
    '.git/config': '',
    '.vscode/settings.json': '{}',
    '.airflowignore': '# comment line\nscratch_\\d   # trailing comment\nvendor\n',
  };

  it('regexp syntax: re.search on the path relative to the DAG folder; nested files apply below their folder', () => {
    const dir = tree(files);
    try {
      const w = walkFolder(dir, 'regexp', { skipHidden: true });
      assert.deepEqual(w.files.map((f) => f.rel), ['.airflowignore', 'a.py', 'other/local_only.py', 'sub/.airflowignore', 'sub/b.py']);
      assert.ok(walkFolder(dir, 'regexp').files.some((f) => f.rel === '.vscode/settings.json'), 'hidden folders are only skipped on request');
      assert.ok(w.ignored.includes('vendor/'));
      assert.ok(w.ignored.includes('__pycache__/') && w.ignored.includes('x.pyc') && w.ignored.includes('tests/') && w.ignored.includes('.git/') && w.ignored.includes('.vscode/'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('glob syntax: gitignore wildmatch relative to the .airflowignore folder, with negation', () => {
    const dir = tree({
      'a.py': '',
      'keep_me.tmp.py': '',
      'x.tmp.py': '',
      'sub/b.py': '',
      'sub/c.py': '',
      'sub/.airflowignore': 'c.py\n',
      'c.py': '',
      'build/out.py': '',
      '.airflowignore': '*.tmp.py\n!keep_me.tmp.py\nbuild/\n',
    });
    try {
      const w = walkFolder(dir, 'glob');
      assert.deepEqual(w.files.map((f) => f.rel), ['.airflowignore', 'a.py', 'c.py', 'keep_me.tmp.py', 'sub/.airflowignore', 'sub/b.py']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('default syntax follows the Airflow version (regexp for 2.x, glob for 3.x)', () => {
    assert.equal(defaultIgnoreSyntax('2.10.3'), 'regexp');
    assert.equal(defaultIgnoreSyntax('3.0.6'), 'glob');
    assert.equal(defaultIgnoreSyntax('unknown'), 'regexp');
  });

  it('an invalid regexp line is reported, not fatal', () => {
    const dir = tree({ 'a.py': '', '.airflowignore': '(unclosed\n' });
    try {
      const w = walkFolder(dir, 'regexp');
      assert.equal(w.files.length, 2);
      assert.match(w.warnings[0], /invalid regular expression/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy: reproducible plugins.zip', () => {
  it('same content gives byte-identical zips regardless of mtimes, creation order and time zone', async () => {
    const dir = tree({ 'b/util.py': 'U = 1\n', 'a_plugin.py': 'P = 1\n' });
    const tz = process.env.TZ;
    try {
      const z1 = await buildReproducibleZip(walkFolder(dir).files);
      const later = new Date(Date.now() + 86400_000);
      utimesSync(path.join(dir, 'a_plugin.py'), later, later);
      process.env.TZ = 'Asia/Tokyo';
      const z2 = await buildReproducibleZip([...walkFolder(dir).files].reverse());
      assert.equal(md5Hex(z1), md5Hex(z2));
      // entries sorted: the first local header names a_plugin.py
      assert.equal(z1.subarray(30, 30 + 'a_plugin.py'.length).toString(), 'a_plugin.py');
      writeFileSync(path.join(dir, 'a_plugin.py'), 'P = 2\n');
      const z3 = await buildReproducibleZip(walkFolder(dir).files);
      assert.notEqual(md5Hex(z1), md5Hex(z3));
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy: locations, scope, checksums, retries', () => {
  it('parses destinations and rejects others', () => {
    assert.deepEqual(parseLocation('s3://bucket/dags'), { scheme: 's3', bucket: 'bucket', prefix: 'dags/' });
    assert.deepEqual(parseLocation('gs://b/x/y/'), { scheme: 'gs', bucket: 'b', prefix: 'x/y/' });
    assert.deepEqual(parseLocation('s3://b'), { scheme: 's3', bucket: 'b', prefix: '' });
    assert.throws(() => parseLocation('https://b/dags'), /not an s3:\/\/bucket\/prefix/);
  });
  it('scope: a prefix covers only keys below it; no dot segments', () => {
    const scope = { prefixes: ['dags/'], keys: ['plugins.zip'] };
    assert.ok(inScope('dags/a.py', scope));
    assert.ok(inScope('plugins.zip', scope));
    assert.ok(!inScope('dags-old/a.py', scope));
    assert.ok(!inScope('dags/', scope));
    assert.ok(!inScope('dags/../x.py', scope));
    assert.ok(!inScope('plugins.zip.bak', scope));
  });
  it('crc32c matches the standard check value', () => {
    assert.equal(Buffer.from(crc32cBase64(Buffer.from('123456789')), 'base64').readUInt32BE(), 0xe3069283);
  });
  it('retries throttling and 5xx only', async () => {
    assert.ok(isRetryable({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } }));
    assert.ok(isRetryable({ code: 429 }));
    assert.ok(isRetryable({ code: 'ECONNRESET' }));
    assert.ok(!isRetryable({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    let n = 0;
    const v = await withRetry(async () => {
      if (++n < 3) throw Object.assign(new Error('x'), { $metadata: { httpStatusCode: 500 } });
      return 'ok';
    }, { maxAttempts: 5, baseDelayMs: 1 });
    assert.equal(v, 'ok');
    assert.equal(n, 3);
    await assert.rejects(withRetry(async () => { throw Object.assign(new Error('denied'), { name: 'AccessDenied' }); }, { maxAttempts: 5, baseDelayMs: 1 }), /denied/);
  });
  it('requirements pins: airflow pin and constraints for another version are errors', () => {
    const d = checkRequirementPins('requirements.txt', '--constraint "https://raw.githubusercontent.com/apache/airflow/constraints-2.10.3/constraints-3.11.txt"\napache-airflow==2.10.3\nrequests==2.31.0\n', { airflowVersion: '2.10.3', target: 'mwaa:2.10.3' });
    assert.deepEqual(d, []);
    const bad = checkRequirementPins('r.txt', 'apache-airflow==2.9.0\n', { airflowVersion: '2.10.3' });
    assert.equal(bad[0].code, 'DEPLOY001');
    assert.equal(bad[0].line, 1);
    // provider pins against the knowledge base (mwaa:2.10.3 preinstalls apache-airflow-providers-amazon 9.0.0)
    const prov = checkRequirementPins('r.txt', 'requests\napache-airflow-providers-amazon==8.0.0\n', { airflowVersion: '2.10.3', target: 'mwaa:2.10.3' });
    assert.equal(prov.length, 1);
    assert.equal(prov[0].code, 'DEPLOY003');
    assert.equal(prov[0].severity, 'error');
    assert.equal(prov[0].line, 2);
    assert.match(prov[0].message, /9\.0\.0/);
    assert.deepEqual(checkRequirementPins('r.txt', 'apache-airflow-providers-amazon==9.0.0\n', { airflowVersion: '2.10.3', target: 'mwaa:2.10.3' }), []);
  });
});

describe('deploy settings: package.json and the typed view agree', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DEPLOY_SETTING_KEYS, normaliseDeploySettings } = require('../../core/src/protocol/settings') as typeof import('../../core/src/protocol/settings');
  const pkg = JSON.parse(require('node:fs').readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties;
  it('declares every deploy setting with a description, and the defaults match', () => {
    const defaults: Record<string, unknown> = {};
    for (const k of DEPLOY_SETTING_KEYS) {
      const p = props[`managedAirflow.${k}`];
      assert.ok(p?.markdownDescription, `managedAirflow.${k} missing or undocumented`);
      defaults[`managedAirflow.${k}`] = p.default;
    }
    assert.deepEqual(normaliseDeploySettings(defaults), normaliseDeploySettings({}));
    assert.deepEqual(Object.keys(props).filter((k) => k.startsWith('managedAirflow.deploy.')).sort(), DEPLOY_SETTING_KEYS.map((k) => `managedAirflow.${k}`).sort());
  });
  it('contributes "Deploy DAGs…" to the palette, the environment context menu and the editor title', () => {
    const cmd = pkg.contributes.commands.find((c: { command: string }) => c.command === 'managedAirflow.deployDags');
    assert.equal(cmd.title, 'Deploy DAGs…');
    assert.equal(cmd.category, 'Managed Airflow');
    const menus = pkg.contributes.menus;
    assert.ok(menus.commandPalette.some((m: { command: string }) => m.command === cmd.command));
    assert.ok(menus['view/item/context'].some((m: { command: string; when: string }) => m.command === cmd.command && m.when.includes('viewItem =~ /^environment:/')));
    assert.ok(menus['editor/title'].some((m: { command: string; when: string }) => m.command === cmd.command && m.when.includes('resourceLangId == python')));
  });
});

describe('deploy: diff keeps the environment objects', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { diffEntries } = require('../../core/src/deploy/plan') as typeof import('../../core/src/deploy/plan');
  it('a plugins.zip inside a synced prefix is never a deletion candidate', () => {
    const d = diffEntries([], [{ key: 'plugins.zip', size: 1 }, { key: 'old.py', size: 1 }], { prefixes: [''], keys: [] }, ['plugins.zip']);
    assert.deepEqual(d.remoteOnly, ['old.py']);
  });
});
