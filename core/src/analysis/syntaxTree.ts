import type { Language, Node as TsNode, Point, Tree } from 'web-tree-sitter';

/**
 * A plain-JavaScript copy of a tree-sitter syntax tree, built in one cursor walk.
 *
 * Every property read on a web-tree-sitter `Node` (`type`, `endIndex`, `children`,
 * `childForFieldName`, `parent`, …) marshals the node into wasm memory, calls into wasm and
 * allocates a fresh `Node` object; the analysis reads the same properties of the same nodes many
 * times, and those round trips were most of its time. `SyntaxNode` offers the subset of the `Node`
 * API the analysis uses, answered from JavaScript fields: children, field names, types and offsets
 * are copied once (a 1,000-line DAG has ~20,000 nodes and copies in ~4 ms), positions are
 * computed from the text's line starts, `text` is a slice of the source. Node ids are
 * tree-sitter's own, so maps keyed by `id` behave as before. What the copy does not hold
 * (`hasError`, `isMissing`) is asked of the real node, found again through the child indices.
 */
export class SyntaxNode {
  /** Set by the builder; the children of a leaf share one empty array. */
  children: SyntaxNode[] = EMPTY;
  /** Named children, when they differ from `children` (few fields: every field costs on ~20,000 nodes). */
  private _named: SyntaxNode[] | undefined = undefined;

  constructor(
    readonly doc: SyntaxDoc,
    readonly id: number,
    readonly typeId: number,
    readonly startIndex: number,
    readonly endIndex: number,
    /** Field id of this node in its parent (0: none). */
    readonly fieldId: number,
    readonly parent: SyntaxNode | null,
    /** Position in `parent.children`. */
    readonly index: number,
  ) {}

  get type(): string {
    return this.doc.types[this.typeId] ?? 'ERROR';
  }

  get isNamed(): boolean {
    return this.typeId === 65535 || this.doc.named[this.typeId] === true;
  }

  get text(): string {
    return this.doc.text.slice(this.startIndex, this.endIndex);
  }

  get startPosition(): Point {
    return this.doc.point(this.startIndex);
  }

  get endPosition(): Point {
    return this.doc.point(this.endIndex);
  }

  get tree(): Tree {
    return this.doc.tree;
  }

  get childCount(): number {
    return this.children.length;
  }

  get namedChildren(): SyntaxNode[] {
    if (!this._named) {
      const c = this.children;
      let all = true;
      for (let i = 0; i < c.length; i++) if (!c[i].isNamed) all = false;
      this._named = all ? c : c.filter((x) => x.isNamed);
    }
    return this._named;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  child(i: number): SyntaxNode | null {
    return this.children[i] ?? null;
  }

  namedChild(i: number): SyntaxNode | null {
    return this.namedChildren[i] ?? null;
  }

  get firstChild(): SyntaxNode | null {
    return this.children[0] ?? null;
  }

  get lastChild(): SyntaxNode | null {
    return this.children[this.children.length - 1] ?? null;
  }

  get firstNamedChild(): SyntaxNode | null {
    return this.namedChild(0);
  }

  get lastNamedChild(): SyntaxNode | null {
    const n = this.namedChildren;
    return n[n.length - 1] ?? null;
  }

  /**
   * Siblings are asked of tree-sitter (rare: error recovery paths): its sibling search has its own
   * rules around zero-width nodes, which a lookup in `parent.children` would not reproduce.
   */
  get nextSibling(): SyntaxNode | null {
    return this.doc.copyOf(this.real().nextSibling);
  }

  get previousSibling(): SyntaxNode | null {
    return this.doc.copyOf(this.real().previousSibling);
  }

  get nextNamedSibling(): SyntaxNode | null {
    return this.doc.copyOf(this.real().nextNamedSibling);
  }

  get previousNamedSibling(): SyntaxNode | null {
    return this.doc.copyOf(this.real().previousNamedSibling);
  }

  childForFieldName(name: string): SyntaxNode | null {
    const f = this.doc.fieldId(name);
    if (!f) return null;
    const c = this.children;
    for (let i = 0; i < c.length; i++) if (c[i].fieldId === f) return c[i];
    // tree-sitter also finds a field of a hidden rule made visible by an alias (the `case_clause`
    // alternatives of a match statement live in an aliased block): the cursor reports such a
    // field on the grandchild. When a grandchild has the field, tree-sitter decides.
    for (let i = 0; i < c.length; i++) {
      const g = c[i].children;
      for (let j = 0; j < g.length; j++) if (g[j].fieldId === f) return this.doc.copyOf(this.real().childForFieldName(name));
    }
    return null;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    const f = this.doc.fieldId(name);
    return f ? this.children.filter((c) => c.fieldId === f) : [];
  }

  get isError(): boolean {
    return this.type === 'ERROR';
  }

  /** Rare (syntax errors only): asked of tree-sitter. */
  get hasError(): boolean {
    return this.real().hasError;
  }

  get isMissing(): boolean {
    return this.real().isMissing;
  }

  equals(other: SyntaxNode): boolean {
    return this.doc === other.doc && this.id === other.id;
  }

  toString(): string {
    return this.real().toString();
  }

  /** The web-tree-sitter node this one copies. */
  real(): TsNode {
    let r = this.doc.reals.get(this);
    if (!r) {
      r = (this.parent ? this.parent.real().child(this.index) : this.doc.tree.rootNode) ?? undefined;
      if (!r) throw new Error('syntax tree copy out of step with its tree');
      this.doc.reals.set(this, r);
    }
    return r;
  }
}

const EMPTY: SyntaxNode[] = [];
Object.freeze(EMPTY);

/** What the nodes of one copied tree share: the text, its line starts, the tree and its language. */
export class SyntaxDoc {
  private lineStarts?: number[];
  private readonly fields: Map<string, number>;
  readonly types: string[];
  readonly named: boolean[];
  /** tree-sitter nodes already found for copies (SyntaxNode.real). */
  readonly reals = new Map<SyntaxNode, TsNode>();

  constructor(
    readonly text: string,
    readonly tree: Tree,
  ) {
    this.fields = fieldIds(tree.language);
    ({ types: this.types, named: this.named } = typeTables(tree.language));
  }

  fieldId(name: string): number {
    return this.fields.get(name) ?? 0;
  }

  /** The copy of a tree-sitter node of this tree (a descendant search by position, rare). */
  copyOf(n: TsNode | null): SyntaxNode | null {
    if (!n || !this.root) return null;
    const stack: SyntaxNode[] = [this.root];
    while (stack.length) {
      const cur = stack.pop()!;
      if (cur.id === n.id) return cur;
      for (const c of cur.children) if (c.startIndex <= n.startIndex && n.endIndex <= c.endIndex) stack.push(c);
    }
    return null;
  }

  /** Set once the copy is built. */
  root?: SyntaxNode;

  /**
   * Row and column (UTF-16 code units) of an offset. tree-sitter counts rows at "\n" only and
   * columns from the last "\n", which is what this computes.
   */
  point(index: number): Point {
    const ls = this.starts();
    const row = lineAt(ls, index, 0);
    return { row, column: index - ls[row] };
  }

  /** LSP range (0-based lines, UTF-16 characters) of an offset span, without intermediate points. */
  range(start: number, end: number): { start: { line: number; character: number }; end: { line: number; character: number } } {
    const ls = this.starts();
    const a = lineAt(ls, start, 0);
    let b = a;
    // most spans end on their first line or a few lines below
    while (b + 1 < ls.length && ls[b + 1] <= end && b - a < 8) b++;
    if (b + 1 < ls.length && ls[b + 1] <= end) b = lineAt(ls, end, b);
    return { start: { line: a, character: start - ls[a] }, end: { line: b, character: end - ls[b] } };
  }

  private starts(): number[] {
    let ls = this.lineStarts;
    if (!ls) {
      ls = [0];
      const t = this.text;
      let i = t.indexOf('\n');
      while (i !== -1) {
        ls.push(i + 1);
        i = t.indexOf('\n', i + 1);
      }
      this.lineStarts = ls;
    }
    return ls;
  }
}

/** Last line (index into line starts) starting at or before `index`, searching from line `lo`. */
function lineAt(ls: number[], index: number, lo: number): number {
  let hi = ls.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ls[mid] <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const fieldCache = new WeakMap<Language, Map<string, number>>();
function fieldIds(lang: Language): Map<string, number> {
  let m = fieldCache.get(lang);
  if (!m) {
    m = new Map();
    lang.fields.forEach((f, i) => {
      if (f && !m!.has(f)) m!.set(f, i);
    });
    fieldCache.set(lang, m);
  }
  return m;
}

const namedCache = new WeakMap<Language, { types: string[]; named: boolean[] }>();
function typeTables(lang: Language): { types: string[]; named: boolean[] } {
  let t = namedCache.get(lang);
  if (!t) {
    const types: string[] = [];
    const named: boolean[] = [];
    for (let i = 0; i < lang.types.length; i++) {
      types.push(lang.types[i] || 'ERROR');
      named.push(lang.nodeTypeIsNamed(i));
    }
    t = { types, named };
    namedCache.set(lang, t);
  }
  return t;
}

/**
 * The emscripten module behind web-tree-sitter, when `Parser.init` was given our options object
 * (emscripten uses that object as the module, so its exports land on it). With it the copy calls
 * the cursor functions directly: the cursor state stays in the transfer buffer between calls
 * instead of being copied in and out of JavaScript on every step.
 */
interface WasmCursorApi {
  _ts_init(): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  HEAP32: Int32Array;
}

let api: WasmCursorApi | undefined;
let transferBuffer = 0;

/** Called once web-tree-sitter is initialised with `moduleObject` as its module options. */
export function useWasmModule(moduleObject: object): void {
  const m = moduleObject as Partial<WasmCursorApi>;
  if (typeof m._ts_init === 'function' && typeof m._ts_tree_cursor_goto_first_child_wasm === 'function' && m.HEAP32) {
    api = m as WasmCursorApi;
    transferBuffer = api._ts_init();
  }
}

/** Copy a parsed tree (see SyntaxNode). `direct: false` forces the public-API walk (tests). */
export function buildSyntaxTree(tree: Tree, text: string, direct = true): SyntaxNode {
  const doc = new SyntaxDoc(text, tree);
  const cursor = tree.rootNode.walk();
  try {
    if (api && direct) return (doc.root = walkDirect(api, doc, (tree as unknown as { 0: number })[0], cursor as unknown as { handles: number[] }));
    return (doc.root = walkPublic(doc, cursor));
  } finally {
    cursor.delete();
  }
}

/** The cursor moves the copy needs, and `make` for the node the cursor is on. */
interface CopyCursor {
  firstChild(): boolean;
  nextSibling(): boolean;
  up(): void;
  make(parent: SyntaxNode | null, index: number): SyntaxNode;
}

/**
 * Depth-first copy. Children collect on one stack and are sliced off when their parent is done:
 * exact-size arrays (pushing onto a fresh array would leave ~17 empty slots on each of ~10,000 arrays).
 */
function copyTree(c: CopyCursor): SyntaxNode {
  const pending: SyntaxNode[] = [];
  const marks: number[] = [];
  const root = c.make(null, 0);
  let node = root;
  for (;;) {
    if (c.firstChild()) {
      marks.push(pending.length);
      node = c.make(node, 0);
      pending.push(node);
      continue;
    }
    for (;;) {
      const parent = node.parent;
      if (!parent) return root;
      if (c.nextSibling()) {
        node = c.make(parent, node.index + 1);
        pending.push(node);
        break;
      }
      c.up();
      const m = marks.pop()!;
      parent.children = pending.slice(m);
      pending.length = m;
      node = parent;
    }
  }
}

function walkDirect(w: WasmCursorApi, doc: SyntaxDoc, tp: number, cursor: { handles: number[] }): SyntaxNode {
  // `walk()` left the new cursor's state in the transfer buffer; every call below reads and
  // updates it there. Nothing else touches the buffer until the walk ends.
  const firstChild = w._ts_tree_cursor_goto_first_child_wasm;
  const nextSibling = w._ts_tree_cursor_goto_next_sibling_wasm;
  const up = w._ts_tree_cursor_goto_parent_wasm;
  const typeId = w._ts_tree_cursor_current_node_type_id_wasm;
  const fieldId = w._ts_tree_cursor_current_field_id_wasm;
  const nodeId = w._ts_tree_cursor_current_node_id_wasm;
  const start = w._ts_tree_cursor_start_index_wasm;
  const end = w._ts_tree_cursor_end_index_wasm;
  try {
    return copyTree({
      firstChild: () => firstChild(tp) !== 0,
      nextSibling: () => nextSibling(tp) !== 0,
      up: () => void up(tp),
      make: (parent, index) => new SyntaxNode(doc, nodeId(tp), typeId(tp), start(tp), end(tp), parent ? fieldId(tp) : 0, parent, index),
    });
  } finally {
    // The cursor's stack may have been reallocated: hand its final state back for delete().
    const h = w.HEAP32;
    for (let i = 0; i < 4; i++) cursor.handles[i] = h[(transferBuffer >> 2) + i];
  }
}

/** Same copy through the public TreeCursor API (when the wasm module is not at hand). */
function walkPublic(doc: SyntaxDoc, cursor: ReturnType<TsNode['walk']>): SyntaxNode {
  return copyTree({
    firstChild: () => cursor.gotoFirstChild(),
    nextSibling: () => cursor.gotoNextSibling(),
    up: () => void cursor.gotoParent(),
    make: (parent, index) => new SyntaxNode(doc, cursor.nodeId, cursor.nodeTypeId, cursor.startIndex, cursor.endIndex, parent ? cursor.currentFieldId : 0, parent, index),
  });
}
