import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { createPythonParser, type Parser, type TsNode } from '../../core/src/analysis/parser';
import { buildSyntaxTree, type SyntaxNode } from '../../core/src/analysis/syntaxTree';
import { generateDag } from '../../bench/lint';

/**
 * The analysis reads the JavaScript copy of the syntax tree (syntaxTree.ts) instead of
 * web-tree-sitter nodes; every verdict depends on the copy answering exactly as tree-sitter does.
 * These tests compare the two node by node, on every property the copy offers, over the DAG corpus,
 * the examples, generated DAGs and random (often broken) edits of them.
 */

const ROOT = path.resolve(__dirname, '..', '..');

function pyFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...pyFiles(p));
    else if (e.endsWith('.py')) out.push(p);
  }
  return out;
}

let parser: Parser;
let fields: string[];

/** Compare the copy with tree-sitter's tree, every node, every property. Returns the node count. */
function agree(text: string, where: string, direct = true): number {
  const tree = parser.parse(text)!;
  try {
    const copy = buildSyntaxTree(tree, text, direct);
    let count = 0;
    const stack: [SyntaxNode, TsNode][] = [[copy, tree.rootNode]];
    while (stack.length) {
      const [a, b] = stack.pop()!;
      count++;
      const at = `${where}: ${b.type} at ${b.startIndex}`;
      assert.equal(a.id, b.id, `${at}: id`);
      assert.equal(a.type, b.type, `${at}: type`);
      assert.equal(a.typeId, b.typeId, `${at}: typeId`);
      assert.equal(a.isNamed, b.isNamed, `${at}: isNamed`);
      assert.equal(a.startIndex, b.startIndex, `${at}: startIndex`);
      assert.equal(a.endIndex, b.endIndex, `${at}: endIndex`);
      assert.deepEqual(a.startPosition, b.startPosition, `${at}: startPosition`);
      assert.deepEqual(a.endPosition, b.endPosition, `${at}: endPosition`);
      const range = { start: { line: b.startPosition.row, character: b.startPosition.column }, end: { line: b.endPosition.row, character: b.endPosition.column } };
      assert.deepEqual(a.doc.range(a.startIndex, a.endIndex), range, `${at}: range`);
      assert.equal(a.text, b.text, `${at}: text`);
      assert.equal(a.parent?.id, b.parent?.id, `${at}: parent`);
      assert.equal(a.childCount, b.childCount, `${at}: childCount`);
      assert.equal(a.namedChildCount, b.namedChildCount, `${at}: namedChildCount`);
      assert.deepEqual(a.namedChildren.map((x) => x.id), b.namedChildren.map((x) => x!.id), `${at}: namedChildren`);
      for (let i = 0; i < a.namedChildCount; i++) assert.equal(a.namedChild(i)?.id, b.namedChild(i)?.id, `${at}: namedChild(${i})`);
      assert.equal(a.firstChild?.id, b.firstChild?.id, `${at}: firstChild`);
      assert.equal(a.lastChild?.id, b.lastChild?.id, `${at}: lastChild`);
      if (a.childCount) {
        for (const f of fields) {
          assert.equal(a.childForFieldName(f)?.id, b.childForFieldName(f)?.id, `${at}: childForFieldName(${f})`);
          assert.deepEqual(a.childrenForFieldName(f).map((x) => x.id), b.childrenForFieldName(f).map((x) => x!.id), `${at}: childrenForFieldName(${f})`);
        }
      }
      if (a.type === 'ERROR' || a.startIndex === a.endIndex || a.type === 'block') {
        assert.equal(a.nextNamedSibling?.id, b.nextNamedSibling?.id, `${at}: nextNamedSibling`);
        assert.equal(a.nextSibling?.id, b.nextSibling?.id, `${at}: nextSibling`);
        assert.equal(a.previousSibling?.id, b.previousSibling?.id, `${at}: previousSibling`);
        assert.equal(a.hasError, b.hasError, `${at}: hasError`);
        assert.equal(a.isMissing, b.isMissing, `${at}: isMissing`);
      }
      const bc = b.children;
      assert.equal(a.children.length, bc.length, `${at}: children`);
      for (let i = 0; i < bc.length; i++) {
        assert.equal(a.child(i)?.id, bc[i]!.id, `${at}: child(${i})`);
        assert.equal(a.children[i].index, i, `${at}: index`);
        stack.push([a.children[i], bc[i]!]);
      }
    }
    assert.equal(copy.hasError, tree.rootNode.hasError, `${where}: root hasError`);
    // A second copy asked only through child(i)/firstChild, before any children array is made
    // (those walk the node slots), answers the same.
    const lazy: [SyntaxNode, TsNode][] = [[buildSyntaxTree(tree, text, direct), tree.rootNode]];
    while (lazy.length) {
      const [a, b] = lazy.pop()!;
      const bc = b.children;
      const at = `${where}: ${b.type} at ${b.startIndex} (unmade children)`;
      assert.equal(a.firstChild?.id, b.firstChild?.id, `${at}: firstChild`);
      assert.equal(a.child(bc.length), null, `${at}: child past the end`);
      for (let i = bc.length - 1; i >= 0; i--) {
        const c = a.child(i);
        assert.equal(c?.id, bc[i]!.id, `${at}: child(${i})`);
        lazy.push([c!, bc[i]!]);
      }
    }
    return count;
  } finally {
    tree.delete();
  }
}

describe('syntax tree copy (syntaxTree.ts) answers as tree-sitter does', () => {
  before(async () => {
    parser = await createPythonParser();
    fields = parser.language!.fields.filter((f): f is string => !!f);
  });

  it('every node of the DAG corpus and the examples', () => {
    const files = [...pyFiles(path.join(ROOT, 'test', 'fixtures')), ...pyFiles(path.join(ROOT, 'examples'))];
    assert.ok(files.length > 50);
    let nodes = 0;
    for (const f of files) nodes += agree(readFileSync(f, 'utf8'), path.relative(ROOT, f));
    assert.ok(nodes > 10000);
  });

  it('the fallback walk through the public cursor API copies the same tree', () => {
    for (const f of pyFiles(path.join(ROOT, 'examples'))) agree(readFileSync(f, 'utf8'), path.relative(ROOT, f), false);
  });

  it('positions with CRLF, lone CR, tabs, non-BMP characters and an unterminated last line', () => {
    agree('x = "é😀"\r\ny = f"{x!r:>{10}}"  # 😀\r\n\tz = 1\r', 'crlf');
    agree('def f(a, *, b=1, **k):\n    return [i for i in a if i]\n\nclass C(Base, metaclass=M):\n    """doc"""\n    x: int = 1', 'defs');
    agree('', 'empty');
  });

  it('random edits of real DAGs (broken syntax, ERROR and MISSING nodes)', () => {
    const corpus = pyFiles(path.join(ROOT, 'test', 'fixtures', 'dags')).slice(0, 20).map((f) => readFileSync(f, 'utf8'));
    const rand = (() => {
      let s = 3;
      return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    })();
    corpus.push(generateDag(5, 12, rand), generateDag(6, 12, rand));
    fc.assert(
      fc.property(
        fc.nat({ max: corpus.length - 1 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat({ max: 6 }), fc.constantFrom('', '(', ')', ':', '"', "'", '\n', '    ', 'x', ',', '=', '[', '😀', 'f"{', '\\')), { minLength: 1, maxLength: 4 }),
        (i, edits) => {
          let text = corpus[i];
          for (const [at, del, ins] of edits) {
            const p = Math.floor(at * text.length);
            text = text.slice(0, p) + ins + text.slice(p + del);
          }
          agree(text, `edit of corpus file ${i}`);
        },
      ),
      { numRuns: 60, seed: 11 },
    );
  });
});
