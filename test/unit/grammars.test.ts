// Grammar tests (test/grammar/*.test.*) through vscode-tmgrammar-test, with the Python grammar VS Code
// ships (MagicPython, from tm-grammars) so the Jinja injection is tested inside real Python scopes.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('grammars', () => {
  it('pass the vscode-tmgrammar-test cases in test/grammar', function () {
    this.timeout(60000);
    let out: string;
    try {
      out = execFileSync(process.execPath, [
        require.resolve('vscode-tmgrammar-test/dist/unit.js'),
        '-g', require.resolve('tm-grammars/grammars/python.json'),
        'test/grammar/**/*.test.*',
      ], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      assert.fail(`grammar tests failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    }
    const passed = out.match(/run successfuly/g)?.length ?? 0;
    assert.ok(passed >= 2, `expected at least 2 grammar test files, output:\n${out}`);
  });

  it('are contributed with their files present', () => {
    const grammars: { scopeName: string; path: string; injectTo?: string[] }[] = pkg.contributes.grammars;
    const byScope = new Map(grammars.map((g) => [g.scopeName, g]));
    assert.deepEqual(byScope.get('jinja.injection.airflow')?.injectTo, ['source.python']);
    assert.ok(byScope.get('source.airflowignore'));
    for (const g of grammars) {
      const file = path.join(root, g.path);
      assert.ok(existsSync(file), `${g.path} missing`);
      assert.equal(JSON.parse(readFileSync(file, 'utf8')).scopeName, g.scopeName, `${g.path} scopeName`);
    }
    const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === 'airflowignore');
    assert.deepEqual(lang.filenames, ['.airflowignore']);
    assert.ok(existsSync(path.join(root, lang.configuration)));
  });

  it('walkthrough steps point at existing markdown and Managed Airflow commands', () => {
    const [wt] = pkg.contributes.walkthroughs;
    assert.equal(wt.steps.length, 4);
    for (const step of wt.steps) {
      assert.ok(existsSync(path.join(root, step.media.markdown)), `${step.media.markdown} missing`);
      assert.match(step.description, /\(command:managedAirflow\.[\w.]+\)/);
    }
  });
});
