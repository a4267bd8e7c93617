import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hydrateArguments, hydrateContext, hydrateModules } from '../../core/src/knowledge/compact';
import { statusAt, type Availability } from '../../core/src/knowledge';
import { generate, parseArgs } from '../../scripts/kb/generate';
import { extractModuleFacts, pythonParser } from '../../scripts/kb/python';

/**
 * The generator end to end on a tiny synthetic Airflow history (a real git repository with three
 * tags), so that a regression in the Python extraction or the range merge fails here.
 */
const V1: Record<string, string> = {
  'airflow/__init__.py': `
from typing import TYPE_CHECKING
__version__ = "1.0.0"
__lazy_imports = {"DAG": (".models.dag", "DAG", False), "OldThing": (".models.dag", "DAG", True)}
if TYPE_CHECKING:
    from airflow.models.dag import HiddenFromRuntime
def __getattr__(name):
    module_path, attr, deprecated = __lazy_imports.get(name, ("", "", False))
    if deprecated:
        warnings.warn("old", DeprecationWarning)
`,
  'airflow/models/__init__.py': '',
  'airflow/models/dag.py': `
import warnings
class DAG:
    def __init__(self, dag_id, schedule_interval=None, concurrency=None, *, tags=None, **kwargs):
        if kwargs.get("legacy_flag") is not None:
            raise ValueError("legacy_flag is gone")
        self.dag_id = dag_id
def _private_helper():
    pass
`,
  'airflow/models/baseoperator.py': `
class BaseOperator:
    def __init__(self, task_id, retries=0, trigger_rule="all_success", **kwargs):
        if trigger_rule == "dummy":
            warnings.warn("trigger_rule 'dummy' is deprecated, use 'always'", DeprecationWarning)
`,
  'airflow/models/taskinstance.py': `
class TaskInstance:
    def get_template_context(self):
        return {"ds": ds, "execution_date": self.execution_date, "next_ds": nds}
`,
  'airflow/operators/__init__.py': '',
  'airflow/operators/old_operator.py': 'class OldOperator:\n    pass\n',
  'airflow/utils/__init__.py': '',
  'airflow/utils/dates.py': 'def days_ago(n):\n    return n\n',
  'airflow/providers/foo/__init__.py': '',
  'airflow/www/views.py': 'class View: pass\n',
};

const V2: Record<string, string> = {
  ...V1,
  'airflow/operators/new.py': 'class NewOperator:\n    pass\n\nclass _Internal:\n    pass\n',
  'airflow/operators/old_operator.py': `
import warnings
from airflow.operators.new import NewOperator  # noqa
warnings.warn("This module is deprecated. Please use \`airflow.operators.new\`.", DeprecationWarning, stacklevel=2)
`,
  'airflow/operators/__init__.py': `
from airflow.utils.deprecation_tools import add_deprecated_classes
__deprecated_classes = {
    "legacy": {"LegacyOperator": "airflow.providers.standard.operators.legacy.LegacyOperator"},
}
add_deprecated_classes(__deprecated_classes, __name__)
`,
  'airflow/utils/dates.py': `
import warnings
def days_ago(n):
    warnings.warn("Function \`days_ago\` is deprecated and will be removed", RemovedInAirflow3Warning, stacklevel=2)
    return n
`,
  'airflow/models/dag.py': `
import warnings
class DAG:
    def __init__(self, dag_id, schedule_interval=None, schedule=None, concurrency=None, max_active_tasks=16, **kwargs):
        if concurrency:
            warnings.warn("The 'concurrency' parameter is deprecated. Please use 'max_active_tasks'.", RemovedInAirflow3Warning, stacklevel=2)
        if isinstance(schedule, ArgNotSet):
            warnings.warn("Creating a DAG with an implicit schedule is deprecated. Set \`schedule\`.", RemovedInAirflow3Warning)
        if kwargs.get("provide_context"):
            warnings.warn("provide_context is deprecated as of 2.0 and is no longer required", DeprecationWarning)
`,
  'airflow/utils/context.py': `
class Context:
    _DEPRECATION_REPLACEMENTS = {
        "execution_date": ["data_interval_start", "logical_date"],
        "next_ds": ["{{ data_interval_end | ds }}"],
    }
`,
  'airflow/utils/context.pyi': `
from typing import TypedDict
class Context(TypedDict, total=False):
    ds: str
    execution_date: DateTime
    logical_date: DateTime
    next_ds: str | None
`,
  'airflow/exceptions.py': `
class AirflowException(Exception):
    pass
_MOVED = {"AirflowSkipException", "AirflowFailException"}
def __getattr__(name):
    if name in _MOVED:
        import warnings
        target_path = f"airflow.sdk.exceptions.{name}"
        warnings.warn(f"airflow.exceptions.{name} is deprecated. Use {target_path} instead.", DeprecationWarning)
        return import_string(target_path)
    raise AttributeError(name)
`,
  'airflow/configuration.py': `
import os, warnings
if os.environ.get("AIRFLOW_OLD_OPTION"):
    warnings.warn("The old option is deprecated", DeprecationWarning)
conf = object()
`,
};

const V3: Record<string, string> = { ...V2 };
delete V3['airflow/operators/old_operator.py'];
V3['airflow/utils/dates.py'] = 'def parse(s):\n    return s\n';
V3['airflow/models/dag.py'] = `
class DAG:
    def __init__(self, dag_id, schedule=None, max_active_tasks=16, **kwargs):
        pass
`;
V3['airflow/utils/context.pyi'] = `
from typing import TypedDict
class Context(TypedDict, total=False):
    ds: str
    logical_date: DateTime
`;
V3['airflow/utils/context.py'] = 'class Context:\n    pass\n';
V3['airflow/newmacros.py'] = 'def ds_add(ds, days):\n    return ds\n';
V3['airflow/macros/__init__.py'] = `
from airflow.utils.deprecation_tools import add_deprecated_classes
add_deprecated_classes({__name__: {"*": "airflow.newmacros"}}, package=__name__)
`;
V3['airflow/models/taskinstance.py'] = `
class TaskInstance:
    def get_template_context(self):
        context = {"ds": ds, "logical_date": self.logical_date}
        return Context(context)
`;

function git(dir: string, ...args: string[]) {
  return execFileSync('git', ['-C', dir, '-c', 'user.email=kb@test', '-c', 'user.name=kb', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' });
}

function writeTree(dir: string, files: Record<string, string>) {
  rmSync(path.join(dir, 'airflow'), { recursive: true, force: true });
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), text);
  }
}

describe('knowledge-base generator (synthetic git history)', function () {
  this.timeout(60_000);
  let tmp: string;
  let out: string;
  let modules: ReturnType<typeof hydrateModules>;
  let args: ReturnType<typeof hydrateArguments>;
  let context: ReturnType<typeof hydrateContext>;

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kb-gen-'));
    const work = path.join(tmp, 'work');
    mkdirSync(work);
    git(work, 'init', '-q');
    for (const [tag, files] of [['1.0.0', V1], ['2.0.0', V2], ['3.0.0', V3]] as const) {
      writeTree(work, files);
      git(work, 'add', '-A');
      git(work, 'commit', '-q', '-m', tag);
      git(work, 'tag', tag);
    }
    const versionsFile = path.join(tmp, 'versions.json');
    writeFileSync(versionsFile, JSON.stringify({
      versions: ['1.0.0', '2.0.0', '3.0.0'].map((v) => ({ version: v, repo: 'example/airflow', ref: v, layout: 'flat' })),
    }));
    out = path.join(tmp, 'out');
    mkdirSync(out);
    await generate(parseArgs([
      '--snapshot', `example/airflow=${path.join(work, '.git')}`, '--versions-file', versionsFile, '--out', out,
      '--cache', path.join(tmp, 'cache.json'), '--overrides', path.join(tmp, 'none.json'), '--quiet',
    ]));
    modules = hydrateModules(JSON.parse(readFileSync(path.join(out, 'modules.json'), 'utf8')));
    args = hydrateArguments(JSON.parse(readFileSync(path.join(out, 'arguments.json'), 'utf8')));
    context = hydrateContext(JSON.parse(readFileSync(path.join(out, 'context.json'), 'utf8')));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const st = (av: Availability | undefined, v: string) => (av ? statusAt(av, v) : 'missing');

  it('records the scanned versions and evidence with repo, path, tag and commit', () => {
    assert.deepEqual(modules.scannedVersions, ['1.0.0', '2.0.0', '3.0.0']);
    const ev = modules.modules['airflow.operators.old_operator'].evidence;
    assert.equal(ev[0].repo, 'example/airflow');
    assert.equal(ev[0].path, 'airflow/operators/old_operator.py');
    assert.equal(ev[0].ref, '1.0.0');
    assert.match(ev[0].commit ?? '', /^[0-9a-f]{40}$/);
    assert.ok(ev.some((e) => e.ref === '3.0.0' && /not present/.test(e.note ?? '')), 'absence evidence');
  });

  it('module shims: real → deprecated (warning at import, replacement from the message) → removed', () => {
    const m = modules.modules['airflow.operators.old_operator'];
    assert.equal(st(m, '1.0.0'), 'available');
    assert.equal(st(m, '2.0.0'), 'deprecated');
    assert.equal(st(m, '3.0.0'), 'removed');
    assert.equal(m.replacement, 'airflow.operators.new');
    assert.equal(st(modules.names['airflow.operators.old_operator:OldOperator'], '2.0.0'), 'removed');
    const reexported = modules.names['airflow.operators.old_operator:NewOperator'];
    assert.equal(st(reexported, '2.0.0'), 'deprecated');
    assert.equal(reexported.replacement, 'airflow.operators.new.NewOperator');
  });

  it('virtual modules from __deprecated_classes, with the provider distribution of the target', () => {
    const v = modules.modules['airflow.operators.legacy'];
    assert.equal(st(v, '1.0.0'), 'notYet');
    assert.equal(st(v, '2.0.0'), 'deprecated');
    const n = modules.names['airflow.operators.legacy:LegacyOperator'];
    assert.equal(n.replacement, 'airflow.providers.standard.operators.legacy.LegacyOperator');
    assert.equal(n.replacementProvider, 'apache-airflow-providers-standard');
  });

  it('deprecated functions, lazy-import tables, TYPE_CHECKING and private names', () => {
    const d = modules.names['airflow.utils.dates:days_ago'];
    assert.deepEqual(['1.0.0', '2.0.0', '3.0.0'].map((v) => st(d, v)), ['available', 'deprecated', 'removed']);
    assert.equal(st(modules.names['airflow:DAG'], '1.0.0'), 'available');
    assert.equal(st(modules.names['airflow:OldThing'], '1.0.0'), 'deprecated');
    assert.equal(modules.names['airflow:OldThing'].replacement, 'airflow.models.dag.DAG');
    assert.equal(modules.names['airflow:HiddenFromRuntime'], undefined);
    assert.equal(modules.names['airflow.models.dag:_private_helper'], undefined);
    assert.equal(modules.names['airflow.operators.new:_Internal'], undefined);
    assert.equal(st(modules.names['airflow.operators.new:NewOperator'], '1.0.0'), 'notYet');
  });

  it('__getattr__ over a set of moved names, and conditional module-level warnings', () => {
    const skip = modules.names['airflow.exceptions:AirflowSkipException'];
    assert.equal(st(skip, '2.0.0'), 'deprecated');
    assert.equal(skip.replacement, 'airflow.sdk.exceptions.AirflowSkipException');
    assert.equal(st(modules.names['airflow.exceptions:AirflowException'], '2.0.0'), 'available');
    // a module redirecting every attribute to another one ("*" under its own name)
    const dsAdd = modules.names['airflow.macros:ds_add'];
    assert.equal(st(dsAdd, '3.0.0'), 'deprecated');
    assert.equal(dsAdd.replacement, 'airflow.newmacros.ds_add');
    assert.equal(modules.names['airflow.macros:*'], undefined);
    // a warning under `if` is about an option, not about importing the module
    assert.equal(st(modules.modules['airflow.configuration'], '2.0.0'), 'available');
  });

  it('skips providers and the web UI', () => {
    assert.ok(!Object.keys(modules.modules).some((k) => k.startsWith('airflow.providers') || k.startsWith('airflow.www')));
  });

  it('constructor arguments: added, deprecated with replacement, removed; value and missing-argument warnings ignored', () => {
    const dag = args.callables.DAG.arguments;
    assert.deepEqual(['1.0.0', '2.0.0', '3.0.0'].map((v) => st(dag.concurrency, v)), ['available', 'deprecated', 'removed']);
    assert.equal(dag.concurrency.replacement, 'max_active_tasks');
    assert.deepEqual(['1.0.0', '2.0.0', '3.0.0'].map((v) => st(dag.schedule, v)), ['notYet', 'available', 'available']);
    assert.equal(st(dag.tags, '1.0.0'), 'available');
    assert.equal(st(dag.tags, '2.0.0'), 'removed');
    assert.equal(st(dag.provide_context, '2.0.0'), 'deprecated', 'argument consumed from **kwargs with a warning');
    assert.equal(dag.legacy_flag, undefined, 'argument rejected with raise is not accepted');
    assert.equal(dag.kwargs, undefined);
    assert.equal(st(args.callables.BaseOperator.arguments.trigger_rule, '1.0.0'), 'available');
  });

  it('context keys from get_template_context, Context TypedDict and _DEPRECATION_REPLACEMENTS', () => {
    const k = context.keys;
    assert.deepEqual(['1.0.0', '2.0.0', '3.0.0'].map((v) => st(k.execution_date, v)), ['available', 'deprecated', 'removed']);
    assert.equal(k.execution_date.replacement, 'logical_date');
    assert.equal(k.next_ds.replacement, '{{ data_interval_end | ds }}');
    assert.deepEqual(['1.0.0', '2.0.0', '3.0.0'].map((v) => st(k.logical_date, v)), ['notYet', 'available', 'available']);
    assert.equal(st(k.ds, '3.0.0'), 'available');
  });

  it('the extracted-facts cache reproduces the same output offline', async () => {
    const out2 = path.join(tmp, 'out2');
    mkdirSync(out2);
    await generate(parseArgs([
      '--offline', '--versions-file', path.join(tmp, 'versions.json'), '--out', out2, '--cache', path.join(tmp, 'cache.json'),
      '--overrides', path.join(tmp, 'none.json'), '--quiet', '--no-cache-write',
    ]));
    for (const f of ['modules.json', 'arguments.json', 'context.json']) {
      assert.equal(readFileSync(path.join(out2, f), 'utf8'), readFileSync(path.join(out, f), 'utf8'), f);
    }
  });
});

describe('knowledge-base Python extraction', () => {
  it('reads bindings under try/except and if, not under TYPE_CHECKING or inside functions', async () => {
    const parser = await pythonParser();
    const tree = parser.parse(`
from __future__ import annotations
import os
from os import path
try:
    from airflow.a import A
except ImportError:
    from airflow.b import B
if TYPE_CHECKING:
    from airflow.c import C
else:
    from airflow.d import D
def f():
    from airflow.e import E
    inner = 1
X: int = 1
__all__ = ["X", "path"]
`)!;
    const facts = extractModuleFacts(tree.rootNode, 'airflow.m', false);
    tree.delete();
    assert.deepEqual(Object.keys(facts.names).sort(), ['A', 'B', 'D', 'X', 'f', 'path'].sort());
  });
});

describe('knowledge-base data files', function () {
  this.timeout(120_000);
  it('are what the generator writes from the committed extracted-facts cache (no hand edits)', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'kb-check-'));
    try {
      await generate(parseArgs(['--offline', '--out', tmp, '--no-cache-write', '--quiet']));
      const dir = path.join(__dirname, '../../core/src/knowledge/data');
      for (const f of ['modules.json', 'arguments.json', 'context.json']) {
        assert.ok(readFileSync(path.join(tmp, f), 'utf8') === readFileSync(path.join(dir, f), 'utf8'), `${f} differs from the generator output; run npm run kb:generate`);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
