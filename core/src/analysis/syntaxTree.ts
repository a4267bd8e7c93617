import type { Language, Node as TsNode, Point, Tree } from 'web-tree-sitter';

/**
 * A plain-JavaScript copy of a tree-sitter syntax tree, built in one cursor walk.
 *
 * Every property read on a web-tree-sitter `Node` (`type`, `endIndex`, `children`,
 * `childForFieldName`, `parent`, …) marshals the node into wasm memory, calls into wasm and
 * allocates a fresh `Node` object; the analysis reads the same properties of the same nodes many
 * times, and those round trips were most of its time. `SyntaxNode` offers the subset of the `Node`
 * API the analysis uses, answered from JavaScript: ids, types, field ids, offsets and parents are
 * copied once into typed arrays of the `SyntaxDoc`, one slot per node in pre-order (a 1,000-line
 * DAG has ~20,000 nodes), positions are computed from the text's line starts, `text` is a slice
 * of the source. `SyntaxNode` objects (and their children arrays) are made only for the nodes the
 * analysis looks at, once per node: a copy of 20,000 objects per keystroke was most of the
 * garbage an edit left behind. Node ids are tree-sitter's own, so maps keyed by `id` behave as
 * before. What the copy does not hold (`hasError`, `isMissing`) is asked of the real node, found
 * again through the child indices.
 */
export class SyntaxNode {
  private _children: SyntaxNode[] | undefined = undefined;
  /** Named children, when they differ from `children`. */
  private _named: SyntaxNode[] | undefined = undefined;

  constructor(
    readonly doc: SyntaxDoc,
    /** Pre-order position of this node in its copy (the slot of its data in `doc`). */
    readonly at: number,
  ) {}

  get id(): number {
    return this.doc.ids[this.at];
  }

  get typeId(): number {
    return this.doc.typeIds[this.at];
  }

  get startIndex(): number {
    return this.doc.starts[this.at];
  }

  get endIndex(): number {
    return this.doc.ends[this.at];
  }

  /** Field id of this node in its parent (0: none). */
  get fieldId(): number {
    return this.doc.fieldIds[this.at];
  }

  get parent(): SyntaxNode | null {
    const p = this.doc.parents[this.at];
    return p < 0 ? null : this.doc.node(p);
  }

  /** Position in `parent.children`. */
  get index(): number {
    return this.doc.indices[this.at];
  }

  get type(): string {
    return this.doc.types[this.typeId] ?? 'ERROR';
  }

  get isNamed(): boolean {
    return this.doc.isNamedAt(this.at);
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

  /** The children, made on first use; the children of a leaf share one empty array. */
  get children(): SyntaxNode[] {
    let c = this._children;
    if (!c) {
      const d = this.doc;
      c = EMPTY;
      for (let j = d.firstChildAt(this.at); j >= 0; j = d.nextSiblingAt(j)) (c === EMPTY ? (c = []) : c).push(d.node(j));
      this._children = c;
    }
    return c;
  }

  /** Counted in the slots when the children are not made yet (`n.childCount === 2` must not make them). */
  get childCount(): number {
    if (this._children) return this._children.length;
    const d = this.doc;
    let k = 0;
    for (let j = d.firstChildAt(this.at); j >= 0; j = d.nextSiblingAt(j)) k++;
    return k;
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

  /** Without making the other children when they are not made yet (`string` nodes are asked for their start only). */
  child(i: number): SyntaxNode | null {
    if (this._children) return this._children[i] ?? null;
    const d = this.doc;
    let j = i >= 0 ? d.firstChildAt(this.at) : -1;
    for (let k = 0; k < i && j >= 0; k++) j = d.nextSiblingAt(j);
    return j >= 0 ? d.node(j) : null;
  }

  namedChild(i: number): SyntaxNode | null {
    return this.namedChildren[i] ?? null;
  }

  get firstChild(): SyntaxNode | null {
    return this.child(0);
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
    const d = this.doc;
    const f = d.fieldId(name);
    if (!f) return null;
    const fields = d.fieldIds;
    for (let j = d.firstChildAt(this.at); j >= 0; j = d.nextSiblingAt(j)) if (fields[j] === f) return d.node(j);
    // tree-sitter also finds a field of a hidden rule made visible by an alias (the `case_clause`
    // alternatives of a match statement live in an aliased block): the cursor reports such a
    // field on the grandchild. When a grandchild has the field, tree-sitter decides.
    for (let j = d.firstChildAt(this.at); j >= 0; j = d.nextSiblingAt(j)) {
      for (let g = d.firstChildAt(j); g >= 0; g = d.nextSiblingAt(g)) if (fields[g] === f) return d.copyOf(this.real().childForFieldName(name));
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
    return this.doc.real(this.at);
  }
}

const EMPTY: SyntaxNode[] = [];
Object.freeze(EMPTY);

/**
 * What the nodes of one copied tree share: the text, its line starts, the tree and its language,
 * and the node data, one slot per node in pre-order (the root at 0, a node's descendants right
 * after it).
 */
export class SyntaxDoc {
  private lineStarts?: number[];
  private readonly fields: Map<string, number>;
  readonly types: string[];
  readonly named: boolean[];
  /** tree-sitter nodes already found, by slot (see real). */
  private readonly reals = new Map<number, TsNode>();
  /** Number of nodes. */
  readonly count: number;
  readonly ids: Int32Array;
  readonly typeIds: Uint16Array;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  readonly fieldIds: Uint16Array;
  /** Slot of the parent (-1 for the root). */
  readonly parents: Int32Array;
  /** Position of the node among its parent's children. */
  readonly indices: Int32Array;
  /** Slot after the node's last descendant. */
  readonly subtreeEnds: Int32Array;
  /** SyntaxNode of each slot, made on first use. */
  private readonly nodes: (SyntaxNode | undefined)[];

  constructor(
    readonly text: string,
    readonly tree: Tree,
    data: NodeData,
  ) {
    this.fields = fieldIds(tree.language);
    ({ types: this.types, named: this.named } = typeTables(tree.language));
    this.count = data.count;
    ({ ids: this.ids, typeIds: this.typeIds, starts: this.starts, ends: this.ends, fieldIds: this.fieldIds, parents: this.parents, indices: this.indices, subtreeEnds: this.subtreeEnds } = data);
    this.nodes = new Array(data.count);
  }

  /** The node in slot `at`. */
  node(at: number): SyntaxNode {
    return (this.nodes[at] ??= new SyntaxNode(this, at));
  }

  get root(): SyntaxNode {
    return this.node(0);
  }

  isNamedAt(at: number): boolean {
    const t = this.typeIds[at];
    return t === 65535 || this.named[t] === true;
  }

  /** Slot of the first child of slot `at`, or -1. */
  firstChildAt(at: number): number {
    return at + 1 < this.subtreeEnds[at] ? at + 1 : -1;
  }

  /** Slot of the next sibling of slot `at`, or -1. */
  nextSiblingAt(at: number): number {
    const p = this.parents[at];
    const next = this.subtreeEnds[at];
    return p >= 0 && next < this.subtreeEnds[p] ? next : -1;
  }

  fieldId(name: string): number {
    return this.fields.get(name) ?? 0;
  }

  /**
   * The tree-sitter node of slot `at`, found again from the root through child positions. All
   * children of the parent are fetched at once (one wasm call): `child(i)` scans i siblings, and
   * the error search asks every statement of a long block in turn.
   */
  real(at: number): TsNode {
    let r = this.reals.get(at);
    if (!r) {
      const p = this.parents[at];
      if (p < 0) r = this.tree.rootNode;
      else {
        const kids = this.real(p).children;
        for (let j = this.firstChildAt(p), i = 0; j >= 0; j = this.nextSiblingAt(j), i++) if (kids[i]) this.reals.set(j, kids[i]!);
        r = this.reals.get(at);
      }
      if (!r) throw new Error('syntax tree copy out of step with its tree');
      this.reals.set(at, r);
    }
    return r;
  }

  /** The copy of a tree-sitter node of this tree (rare). */
  copyOf(n: TsNode | null): SyntaxNode | null {
    if (!n) return null;
    const at = this.ids.indexOf(n.id);
    return at < 0 ? null : this.node(at);
  }

  /**
   * Row and column (UTF-16 code units) of an offset. tree-sitter counts rows at "\n" only and
   * columns from the last "\n", which is what this computes.
   */
  point(index: number): Point {
    const ls = this.lines();
    const row = lineAt(ls, index, 0);
    return { row, column: index - ls[row] };
  }

  /** LSP range (0-based lines, UTF-16 characters) of an offset span, without intermediate points. */
  range(start: number, end: number): { start: { line: number; character: number }; end: { line: number; character: number } } {
    const ls = this.lines();
    const a = lineAt(ls, start, 0);
    let b = a;
    // most spans end on their first line or a few lines below
    while (b + 1 < ls.length && ls[b + 1] <= end && b - a < 8) b++;
    if (b + 1 < ls.length && ls[b + 1] <= end) b = lineAt(ls, end, b);
    return { start: { line: a, character: start - ls[a] }, end: { line: b, character: end - ls[b] } };
  }

  private lines(): number[] {
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

/** The copied node data (see SyntaxDoc). */
interface NodeData {
  count: number;
  ids: Int32Array;
  typeIds: Uint16Array;
  starts: Uint32Array;
  ends: Uint32Array;
  fieldIds: Uint16Array;
  parents: Int32Array;
  indices: Int32Array;
  subtreeEnds: Int32Array;
}

/** Scratch arrays the walk fills, grown as needed and reused; each copy keeps exact-size slices. */
let scratch: NodeData = allocate(1 << 14);

function allocate(size: number): NodeData {
  return {
    count: 0, ids: new Int32Array(size), typeIds: new Uint16Array(size), starts: new Uint32Array(size), ends: new Uint32Array(size),
    fieldIds: new Uint16Array(size), parents: new Int32Array(size), indices: new Int32Array(size), subtreeEnds: new Int32Array(size),
  };
}

function grow(d: NodeData): NodeData {
  const bigger = allocate(d.ids.length * 2);
  for (const k of ['ids', 'typeIds', 'starts', 'ends', 'fieldIds', 'parents', 'indices', 'subtreeEnds'] as const) (bigger[k] as Int32Array).set(d[k] as Int32Array);
  return bigger;
}

/** Copy a parsed tree (see SyntaxNode). `direct: false` forces the public-API walk (tests). */
export function buildSyntaxTree(tree: Tree, text: string, direct = true): SyntaxNode {
  const cursor = tree.rootNode.walk();
  let data: NodeData;
  try {
    data = api && direct ? walkDirect(api, (tree as unknown as { 0: number })[0], cursor as unknown as { handles: number[] }) : walkPublic(cursor);
  } finally {
    cursor.delete();
  }
  return new SyntaxDoc(text, tree, data).root;
}

/** The cursor moves the copy needs, and the data of the node the cursor is on. */
interface CopyCursor {
  firstChild(): boolean;
  nextSibling(): boolean;
  up(): void;
  /** Store the id, type, offsets and (unless it is the root) field of the current node in slot `at`. */
  read(d: NodeData, at: number, root: boolean): void;
}

/** Depth-first copy into the scratch arrays, in pre-order; returns exact-size copies of them. */
function copyTree(c: CopyCursor): NodeData {
  let d = scratch;
  let count = 0;
  const add = (parent: number, index: number): number => {
    if (count === d.ids.length) scratch = d = grow(d);
    const at = count++;
    c.read(d, at, parent < 0);
    d.parents[at] = parent;
    d.indices[at] = index;
    return at;
  };
  let node = add(-1, 0);
  walk: for (;;) {
    if (c.firstChild()) {
      node = add(node, 0);
      continue;
    }
    for (;;) {
      const parent = d.parents[node];
      d.subtreeEnds[node] = count;
      if (parent < 0) break walk;
      if (c.nextSibling()) {
        node = add(parent, d.indices[node] + 1);
        break;
      }
      c.up();
      node = parent;
    }
  }
  return {
    count, ids: d.ids.slice(0, count), typeIds: d.typeIds.slice(0, count), starts: d.starts.slice(0, count), ends: d.ends.slice(0, count),
    fieldIds: d.fieldIds.slice(0, count), parents: d.parents.slice(0, count), indices: d.indices.slice(0, count), subtreeEnds: d.subtreeEnds.slice(0, count),
  };
}

function walkDirect(w: WasmCursorApi, tp: number, cursor: { handles: number[] }): NodeData {
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
      read: (d, at, root) => {
        d.ids[at] = nodeId(tp);
        d.typeIds[at] = typeId(tp);
        d.starts[at] = start(tp);
        d.ends[at] = end(tp);
        d.fieldIds[at] = root ? 0 : fieldId(tp);
      },
    });
  } finally {
    // The cursor's stack may have been reallocated: hand its final state back for delete().
    const h = w.HEAP32;
    for (let i = 0; i < 4; i++) cursor.handles[i] = h[(transferBuffer >> 2) + i];
  }
}

/** Same copy through the public TreeCursor API (when the wasm module is not at hand). */
function walkPublic(cursor: ReturnType<TsNode['walk']>): NodeData {
  return copyTree({
    firstChild: () => cursor.gotoFirstChild(),
    nextSibling: () => cursor.gotoNextSibling(),
    up: () => void cursor.gotoParent(),
    read: (d, at, root) => {
      d.ids[at] = cursor.nodeId;
      d.typeIds[at] = cursor.nodeTypeId;
      d.starts[at] = cursor.startIndex;
      d.ends[at] = cursor.endIndex;
      d.fieldIds[at] = root ? 0 : cursor.currentFieldId;
    },
  });
}
