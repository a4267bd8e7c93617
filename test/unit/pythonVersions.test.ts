import { strict as assert } from 'node:assert';
import { lintText } from '../../core/src/analysis/engine';
import { resolveTargetLabel } from '../../core/src/targets';

/**
 * AF001/AF151 against the Python a target runs, one construct per case. Every verdict was taken
 * from the real interpreters: `compile()` and then `exec()` of the snippet in CPython 3.6.15,
 * 3.7.16, 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 (pyenv builds); hasattr()/import for
 * the standard-library tables. `bad` lists the Pythons where the finding is expected ("CODE:line",
 * ":w" for a warning), `good` those where the file must be clean of AF001/AF151.
 */
interface Case {
  name: string;
  src: string;
  bad: [string[], string[]];
  good: string[];
}

const C = (name: string, src: string, badPys: string[], findings: string[], good: string[]): Case => ({ name, src, bad: [badPys, findings], good });

const CASES: Case[] = [
  // grammar: CPython compile() refuses before the version, accepts from it
  C('starred item in an unparenthesized return tuple', 'def f():\n    a = [1]\n    return 1, *a\n', ['3.7'], ['AF151:3'], ['3.8', '3.12']),
  C('starred item in an unparenthesized yield tuple', 'def g():\n    a = [1]\n    yield 1, *a\n', ['3.7'], ['AF151:3'], ['3.8']),
  C('starred items after for-in', 'a = [1]\nfor x in *a, *a:\n    pass\n', ['3.7', '3.8'], ['AF151:2'], ['3.9']),
  C('continue in finally', 'for i in range(2):\n    try:\n        pass\n    finally:\n        continue\n', ['3.7'], ['AF151:5'], ['3.8']),
  C('continue in a loop inside finally was always fine', 'try:\n    pass\nfinally:\n    for i in range(2):\n        continue\n', [], [], ['3.7']),
  C('unparenthesized := as an index', 'a = [1, 2]\nb = a[i := 0]\n', ['3.8', '3.9'], ['AF151:2'], ['3.10']),
  C('unparenthesized := in a set display', 's = {i := 1, 2}\n', ['3.8'], ['AF151:1'], ['3.9']),
  C('decorator: attribute of a call', 'class A:\n    def b(self):\n        return self\n    def c(self, f):\n        return f\na = A()\n@a.b().c\ndef f():\n    pass\n', ['3.7', '3.8'], ['AF151:7'], ['3.9']),
  C('decorator: dotted name called once is old grammar', 'import functools\n@functools.lru_cache(maxsize=None)\ndef f():\n    pass\n', [], [], ['3.7']),
  C('parenthesized with-items over several lines (CPython 3.8 stops at the first `as`)', 'with (\n    open(__file__) as f,\n    open(__file__) as g,\n):\n    pass\n', ['3.7', '3.8'], ['AF151:2'], ['3.9']),
  C('f-string: line break inside a replacement field', 'x = 1\ns = f"{x\n}"\n', ['3.8', '3.11'], ['AF151:2'], ['3.12']),
  C('starred expression in a subscript (PEP 646)', 'a = {}\nb = (1, 2)\na[*b] = 1\n', ['3.8', '3.10'], ['AF151:3'], ['3.11']),
  C('type parameter default (PEP 696)', 'def f[T = int]():\n    pass\n', ['3.11', '3.12'], ['AF151:1'], ['3.13']),
  C('class type parameter default (PEP 696)', 'class C[T = int]:\n    pass\n', ['3.12'], ['AF151:1'], ['3.13']),
  C('`type(obj).attr = v` is an assignment, not a type statement', 'class B:\n    pass\nb = B()\ntype(b).x = 1\n', [], [], ['3.7', '3.11']),
  C('line continuations between keyword arguments', 'def f(*a, **k):\n    return a\nx = f(1,\\\n      b=1,\\\n      c=2)\n', [], [], ['3.7', '3.12']),
  C('f-strings on Python 3.5', 'x = 1\ns = f"{x}"\n', ['3.5'], ['AF151:2'], ['3.6']),
  C('variable annotations and 1_000 on Python 3.5', 'x: int = 1_000\n', ['3.5'], ['AF151:1', 'AF151:1'], ['3.6']),
  C('from __future__ import annotations before 3.7', 'from __future__ import annotations\nimport os\n', ['3.6'], ['AF151:1'], ['3.7']),
  // compile-stage errors tree-sitter accepts: AF001 on every Python 3
  C('Python 2 backquotes', 'x = `1`\n', ['3.7', '3.12'], ['AF001:1'], []),
  C('Python 2 <>', 'x = 1 <> 2\n', ['3.7', '3.12'], ['AF001:1'], []),
  C('Python 2 octal literal', 'mode = 0755\n', ['3.7', '3.12'], ['AF001:1'], []),
  C('0 and 0o755 are fine', 'a = 0\nb = 00\nc = 0o755\nd = 0.5\n', [], [], ['3.7', '3.12']),
  C('Python 2 long literal', 'x = 10L\n', ['3.7'], ['AF001:1'], []),
  C('Python 2 raise E, msg', 'raise ValueError, "x"\n', ['3.7'], ['AF001:1'], []),
  C('Python 2 ur"" prefix', 'x = ur"abc"\n', ['3.7'], ['AF001:1'], []),
  C('async as a name from 3.7', 'def f(**kw):\n    pass\nf(async=True)\n', ['3.7', '3.12'], ['AF001:3'], ['3.6']),
  C('from __future__ after other code', 'import os\nfrom __future__ import annotations\n', ['3.7', '3.12'], ['AF001:2'], []),
  C('from __future__ after the docstring and comments is fine', '"""doc"""\n# c\nfrom __future__ import annotations\nimport os\n', [], [], ['3.7']),
  C('break outside a loop', 'if True:\n    break\n', ['3.7', '3.12'], ['AF001:2'], []),
  C('break in the else of a loop is outside it', 'for i in []:\n    pass\nelse:\n    break\n', ['3.8'], ['AF001:4'], []),
  C('await in a plain def', 'def f():\n    await g()\n', ['3.7', '3.12'], ['AF001:2'], []),
  C('await in an async def and its comprehensions is fine', 'async def f(xs):\n    return [await x for x in xs]\n', [], [], ['3.7']),
  C('await in a generator expression of a plain def is an async generator expression', 'def f(xs):\n    return (x * 2 for x in xs if await g(x))\n', [], [], ['3.7', '3.12']),
  C('an unknown __future__ feature', 'from __future__ import braces\n', ['3.7', '3.12'], ['AF001:1'], []),
  C('starred type in a subscript, as tree-sitter nests it', 'x = tuple[*tuple[int, ...]]\n', ['3.10'], ['AF151:1'], ['3.11']),
  C('yield outside a function', 'yield 1\n', ['3.7'], ['AF001:1'], []),
  C('unparenthesized generator with another argument', 'f(x for x in y, 1)\n', ['3.7', '3.12'], ['AF001:1'], []),
  C('bare := statement', 'x := 1\n', ['3.8', '3.12'], ['AF001:1'], []),
  C('except A, B (PEP 758) without `as`: 3.14 only (no 3.14 interpreter here: from the PEP)', 'try:\n    pass\nexcept ValueError, TypeError:\n    pass\n', ['3.7', '3.13'], ['AF151:3'], ['3.14']),
  C('except A, B as e: parentheses needed on every Python, 3.14 included (PEP 758)', 'try:\n    pass\nexcept ValueError, TypeError as e:\n    pass\n', ['3.7', '3.13', '3.14'], ['AF001:3'], []),
  C('except (A, B) as e is fine', 'try:\n    pass\nexcept (ValueError, TypeError) as e:\n    pass\n', [], [], ['3.7', '3.14']),
  C('t-strings (PEP 750): 3.14 only (from the PEP)', 'x = 1\ns = t"{x}"\n', ['3.13'], ['AF151:2'], ['3.14']),
  C('bare * without keyword-only parameters', 'def f(*):\n    pass\n', ['3.7'], ['AF001:1'], []),
  // runtime-evaluated annotations and types (exec() raises TypeError)
  C('annotation under if TYPE_CHECKING is not evaluated', 'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    x: list[int] = []\n', [], [], ['3.7', '3.8']),
  C('collections.abc generic in an annotation', 'from collections.abc import Callable\ndef f(cb: Callable[[int], str]):\n    pass\n', ['3.7', '3.8'], ['AF151:2'], ['3.9']),
  C('collections.abc generic through the module', 'import collections.abc\ndef f(cb: collections.abc.Iterable[int]):\n    pass\n', ['3.8'], ['AF151:2'], ['3.9']),
  C('module-level alias dict[str, int]', 'Row = dict[str, int]\n', ['3.7', '3.8'], ['AF151:1'], ['3.9']),
  C('module-level alias int | None', 'Opt = int | None\n', ['3.8', '3.9'], ['AF151:1'], ['3.10']),
  C('isinstance with a union at module level', 'x = isinstance(1, int | str)\n', ['3.9'], ['AF151:1'], ['3.10']),
  C('one finding per alias: the outer generic', 'from typing import Callable\nVadFn = Callable[[str, float], list[tuple[float, float]]]\n', ['3.8'], ['AF151:2'], ['3.9']),
  C('a union inside a generic alias: the generic on 3.8, the union on 3.9', 'X = dict[str, int | None]\n', ['3.8', '3.9'], ['AF151:1'], ['3.10']),
  C('alias inside a function body is not evaluated on import', 'def f():\n    Row = dict[str, int]\n    return Row\n', [], [], ['3.7']),
  C('a rebound builtin name and int flags are not types', 'list = {0: 1}\nx = list[0]\nimport re\nF = re.I | re.M\nA = 1 | 2\n', [], [], ['3.7']),
  // standard library (hasattr()/import in each interpreter)
  C('datetime.UTC through the module', 'import datetime\nx = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)\n', ['3.7', '3.10'], ['AF151:2'], ['3.11']),
  C('an import behind a module-level version flag', 'import sys\nPY39 = sys.version_info >= (3, 9)\nif PY39:\n    from zoneinfo import ZoneInfo\nelse:\n    ZoneInfo = None\n', [], [], ['3.7', '3.8']),
  C('datetime.UTC behind hasattr', 'import datetime\ntz = datetime.UTC if hasattr(datetime, "UTC") else datetime.timezone.utc\n', [], [], ['3.7']),
  C('datetime.UTC in try/except AttributeError', 'import datetime\ntry:\n    tz = datetime.UTC\nexcept AttributeError:\n    tz = datetime.timezone.utc\n', [], [], ['3.7']),
  C('functools.cache as a decorator', 'import functools\n@functools.cache\ndef f():\n    pass\n', ['3.8'], ['AF151:2'], ['3.9']),
  C('itertools.batched', 'import itertools\nx = list(itertools.batched([1, 2, 3], 2))\n', ['3.11'], ['AF151:2'], ['3.12']),
  C('typing through an alias', 'import typing as t\nX: t.TypeAlias = int\n', ['3.9'], ['AF151:2'], ['3.10']),
  C('enum.StrEnum', 'from enum import StrEnum\n', ['3.10'], ['AF151:1'], ['3.11']),
  C('importlib.metadata', 'from importlib.metadata import version\n', ['3.7'], ['AF151:1'], ['3.8']),
  C('importlib.resources.files: the name is newer than the module', 'from importlib.resources import files\n', ['3.7', '3.8'], ['AF151:1'], ['3.9']),
  C('str.removeprefix', 'x = "abc".removeprefix("a")\n', ['3.8'], ['AF151:1'], ['3.9']),
  C("pandas' .str.removeprefix is not str's", 'x = df["a"].str.removeprefix("x")\n', [], [], ['3.8']),
  C('zip(strict=True)', 'x = list(zip([1], [2], strict=True))\n', ['3.9'], ['AF151:1'], ['3.10']),
  C('@dataclass(kw_only=True)', 'from dataclasses import dataclass\n@dataclass(kw_only=True)\nclass A:\n    x: int = 1\n', ['3.9'], ['AF151:2'], ['3.10']),
  C('the builtin ExceptionGroup', 'eg = ExceptionGroup("x", [ValueError()])\n', ['3.10'], ['AF151:1'], ['3.11']),
  C('ExceptionGroup from the backport', 'from exceptiongroup import ExceptionGroup\nx = ExceptionGroup\n', [], [], ['3.10']),
  // removed from the standard library
  C('imp (removed in 3.12)', 'import imp\n', ['3.12', '3.13'], ['AF151:1'], ['3.11']),
  C('telnetlib (removed in 3.13)', 'import telnetlib\n', ['3.13'], ['AF151:1'], ['3.12']),
  C('distutils (removed in 3.12; setuptools may shim it): a warning', 'from distutils.util import strtobool\n', ['3.12'], ['AF151:1:w'], ['3.11']),
  C('collections.Mapping (removed in 3.10)', 'from collections import Mapping\n', ['3.10'], ['AF151:1'], ['3.9']),
  C('collections.Mapping as a fallback import is fine', 'try:\n    from collections.abc import Mapping\nexcept ImportError:\n    from collections import Mapping\n', [], [], ['3.12']),
  C('asyncio.coroutine (removed in 3.11)', 'import asyncio\n@asyncio.coroutine\ndef f():\n    yield\n', ['3.11'], ['AF151:2'], ['3.10']),
];

async function findings(src: string, python: string): Promise<string[]> {
  const r = await lintText(src, 'dag.py', { target: resolveTargetLabel('airflow:2.6.3', { python }) });
  return r.diagnostics.filter((d) => d.code === 'AF001' || d.code === 'AF151').map((d) => `${d.code}:${d.range.start.line + 1}${d.severity === 'warning' ? ':w' : ''}`);
}

describe('AF001/AF151 against the target Python (verdicts of CPython 3.6-3.13)', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      for (const py of c.bad[0]) assert.deepEqual(await findings(c.src, py), c.bad[1], `Python ${py}`);
      for (const py of c.good) assert.deepEqual(await findings(c.src, py), [], `Python ${py}`);
    });
  }

  it('messages name the version that added or removed the feature', async () => {
    const r = await lintText('import imp\nimport zoneinfo\n', 'dag.py', { target: resolveTargetLabel('mwaa:3.0.6') });
    assert.deepEqual(r.diagnostics.filter((d) => d.code === 'AF151').map((d) => d.message), [
      'the `imp` module was removed in Python 3.12; mwaa:3.0.6 runs Python 3.12, where importing this file raises ModuleNotFoundError.',
    ]);
  });
});
