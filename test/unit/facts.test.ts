import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { Query } from 'web-tree-sitter';
import { createPythonParser, type TsNode as Node, type Parser } from '../../core/src/analysis/parser';
import { extractFacts, stringParts } from '../../core/src/analysis/facts';

let parser: Parser;

/** What the tree says a literal's content is: between its string_start and string_end children. */
function fromTree(text: string, n: Node) {
  const start = n.firstChild?.type === 'string_start' ? n.firstChild : null;
  const end = n.lastChild?.type === 'string_end' ? n.lastChild : null;
  const nodeText = text.slice(n.startIndex, n.endIndex);
  const prefix = start ? text.slice(start.startIndex, start.endIndex) : '"';
  const contentStart = start ? start.endIndex - n.startIndex : 0;
  const contentEnd = end ? end.startIndex - n.startIndex : nodeText.length;
  return { value: nodeText.slice(contentStart, contentEnd), isFString: /f/i.test(prefix.replace(/['"]/g, '')), contentOffset: contentStart };
}

function stringsAgree(src: string) {
  const tree = parser.parse(src)!;
  try {
    const q = new Query(tree.language, '(string) @s');
    for (const { node } of q.captures(tree.rootNode)) {
      assert.deepEqual(stringParts(src.slice(node.startIndex, node.endIndex)), fromTree(src, node), `literal ${JSON.stringify(node.text)} in ${JSON.stringify(src)}`);
    }
  } finally {
    tree.delete();
  }
}

describe('facts', () => {
  before(async () => {
    parser = await createPythonParser();
  });

  it('string literal content from the text equals the tree’s string_start/string_end (prefixes, triple quotes, unterminated)', () => {
    for (const src of [
      `x = "abc"\ny = 'q'\nz = """doc\nmore"""\nw = '''a'b'''`,
      `a = f"{x} {y!r:>10}" rb'\\x00' Rb"""q""" u'x' BR'y' F'''{z}'''`,
      `a = ""\nb = ''\nc = """"""\nd = b""`,
      `x = "abc`,
      `x = '''abc`,
      `x = """abc"`,
      `x = "`,
      `f(f"{a['k']}", "{{ ds }}")`,
    ]) stringsAgree(src);
  });

  it('property: a generated literal (any prefix, quote, body) yields exactly its body, prefix kind and offset', () => {
    // Ground truth is the literal we wrote, not the tree: tree-sitter-python's scanner folds the
    // body of `r"\\"` into string_end, which the text-based reading gets right.
    const prefix = fc.constantFrom('', 'r', 'b', 'f', 'u', 'rb', 'Rb', 'BR', 'fr', 'RF');
    const quote = fc.constantFrom('"', "'", '"""', "'''");
    const body = fc.array(fc.constantFrom('a', ' ', 'x', '\\\\', '\\n', '1', '#', '('), { maxLength: 12 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(prefix, quote, body, (p, q, b) => {
        const literal = `${p}${q}${b}${q}`;
        assert.deepEqual(stringParts(literal), { value: b, isFString: /f/i.test(p), contentOffset: p.length + q.length });
        const src = `v = ${literal}\n`;
        const tree = parser.parse(src)!;
        const facts = extractFacts(tree, src);
        assert.equal(facts.strings.length, 1);
        assert.equal(facts.strings[0].value, b);
        tree.delete();
      }),
      { numRuns: 300 },
    );
  });

  it('calls and keyword arguments, also with comments between their parts', () => {
    const src = `from airflow.operators.bash import BashOperator
t = BashOperator(task_id="a", bash_command="echo")
u = BashOperator(  # a comment
    task_id="b",  # another
    retries=  # comment inside the keyword argument
        3,
)
v = (BashOperator  # between function and arguments
     (task_id="c"))
`;
    const tree = parser.parse(src)!;
    const facts = extractFacts(tree, src);
    const calls = facts.calls.filter((c) => c.calleeText === 'BashOperator');
    assert.equal(calls.length, 3);
    for (const c of calls) assert.equal(c.resolved, 'airflow.operators.bash:BashOperator');
    assert.deepEqual(calls.map((c) => c.args.map((a) => `${a.name}=${a.value.text}`)), [
      ['task_id="a"', 'bash_command="echo"'],
      ['task_id="b"', 'retries=3'],
      ['task_id="c"'],
    ]);
    const retries = calls[1].args[1];
    assert.deepEqual(retries.nameRange, { start: { line: 4, character: 4 }, end: { line: 4, character: 11 } });
    tree.delete();
  });
});
