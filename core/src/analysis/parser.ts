import { existsSync } from 'node:fs';
import path from 'node:path';
import { Language, Node, Parser, type Tree } from 'web-tree-sitter';
import { useWasmModule } from './syntaxTree';

/**
 * tree-sitter-python through web-tree-sitter. The wasm files ship in dist/wasm when bundled;
 * from sources (tests, tsx) they are resolved from node_modules.
 */
let ready: Promise<Language> | undefined;

function wasmPath(file: string, pkgPath: string): string {
  const candidates = [path.join(__dirname, 'wasm', file), path.join(__dirname, '..', 'wasm', file)];
  for (const c of candidates) if (existsSync(c)) return c;
  return require.resolve(pkgPath);
}

/**
 * `Node.parent` in tree-sitter walks down from the root, scanning every child on the way: in a
 * `with DAG(...)` block of 1,000 statements each call scans ~500 siblings, and rules ask for the
 * parents of the same nodes again and again. Trees are immutable, so a node's parent is memoised
 * per tree (by node id, which is unique within a tree). A tree edited in place (`tree.edit`) keeps
 * its structure, and its old Node objects are stale by tree-sitter's own rules anyway.
 */
function memoiseParents(): void {
  const proto = Node.prototype as unknown as { parent: Node | null };
  const desc = Object.getOwnPropertyDescriptor(Node.prototype, 'parent');
  if (!desc?.get || (desc.get as { memoised?: boolean }).memoised) return;
  const compute = desc.get;
  const byTree = new WeakMap<Tree, Map<number, Node | null>>();
  const get = function (this: Node): Node | null {
    let m = byTree.get(this.tree);
    if (!m) byTree.set(this.tree, (m = new Map()));
    let p = m.get(this.id);
    if (p === undefined) {
      p = compute.call(this) as Node | null;
      m.set(this.id, p);
    }
    return p;
  };
  (get as { memoised?: boolean }).memoised = true;
  Object.defineProperty(proto, 'parent', { ...desc, get });
}

export function loadPython(): Promise<Language> {
  memoiseParents();
  ready ??= (async () => {
    const runtime = wasmPath('web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm');
    // emscripten makes this object the module: keep it for the direct cursor walk (syntaxTree.ts).
    const moduleOptions = { locateFile: () => runtime };
    await Parser.init(moduleOptions);
    useWasmModule(moduleOptions);
    return Language.load(wasmPath('tree-sitter-python.wasm', 'tree-sitter-python/tree-sitter-python.wasm'));
  })();
  return ready;
}

/** A parser bound to Python. Parsers are cheap; keep one per document for incremental re-parse. */
export async function createPythonParser(): Promise<Parser> {
  const lang = await loadPython();
  const p = new Parser();
  p.setLanguage(lang);
  return p;
}

/** Parse with a time budget so a pathological input cannot hang the server. */
export function parseWithBudget(parser: Parser, text: string, oldTree?: Tree | null, budgetMs = 2000): Tree | null {
  const deadline = performance.now() + budgetMs;
  return parser.parse(text, oldTree ?? null, { progressCallback: () => performance.now() > deadline });
}

export type { Tree, Parser } from 'web-tree-sitter';
/** The analysis works on the JavaScript copy of the tree (syntaxTree.ts); `TsNode` is tree-sitter's own. */
export type { SyntaxNode as Node } from './syntaxTree';
export type { Node as TsNode } from 'web-tree-sitter';
export { Edit } from 'web-tree-sitter';
