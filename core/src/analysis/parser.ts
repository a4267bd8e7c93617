import { existsSync } from 'node:fs';
import path from 'node:path';
import { Language, Parser, type Tree } from 'web-tree-sitter';

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

export function loadPython(): Promise<Language> {
  ready ??= (async () => {
    const runtime = wasmPath('web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm');
    await Parser.init({ locateFile: () => runtime });
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

export type { Tree, Node, Parser } from 'web-tree-sitter';
export { Edit } from 'web-tree-sitter';
