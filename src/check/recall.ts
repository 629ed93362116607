// Functions of a state, remembered by the blocks they read.
//
// A deterministic function of a state (what a thread does from it, which invariants it
// breaks) reads some of its words, each next word decided by the values read before. In
// the visited set a state is a row of block numbers (store.ts), and equal numbers are equal
// words; so the blocks such a function reads, in the order it first reads each, form a
// path in a decision tree: each node reads one block, and the block's number picks the
// child, down to the value the function had. A state that agrees with one the function
// was computed on in the blocks along the path gets that value again, read off its block
// numbers alone, without decoding the state or running the function (the transition
// caching of LTSmin, with dependencies observed per state rather than declared per group).
//
// Most states of a search differ in a few blocks from states met before, so a thread's
// moves are computed a few thousand times in a search of a hundred thousand states, and
// found in a few steps down the tree the rest of the time.
//
// A leaf fixes the blocks along its path: every state that has it agrees there. A step
// from a state fixes the blocks it rewrites (their new numbers are part of the step). So
// after a step from a state whose leaf is p, the blocks p's path reads and those the step
// rewrote are known without the state; a leaf whose path reads no others is the leaf after
// that step from every state with leaf p, and is remembered as such (`after`), in the
// manner of a transition cache from (leaf, step) to leaf.

/** A tree of remembered values per root (one root per function of the state). */
export class Recall<R> {
  /** Per node, the block it reads: -1 while no path has gone through it. */
  private reads = new Int32Array(64);
  private nodes = 0;
  /** Edges: slot i holds [node + 1, block number, child] at 3i; child >= 0 is a node,
   *  ~leaf below 0. 0 in the first word of an empty slot. */
  private edges = new Int32Array(3 << 10);
  private edgeMask = (1 << 10) - 1;
  private nEdges = 0;
  /** The values of the leaves. */
  readonly values: R[] = [];
  /** Per leaf, the blocks its path reads as a mask (bit b for block b): a state whose
   *  blocks on it are those of a state with this leaf has it too. All bits when a block
   *  beyond 30 is read. */
  deps = new Int32Array(64);
  /** Per root, its leaf when the function reads no block: ~leaf, or 0. */
  private constant: Int32Array;
  /** The leaf after a step: slot i holds [leaf + 1, step, leaf after] at 3i; 0 when empty. */
  private later = new Int32Array(3 << 8);
  private laterMask = (1 << 8) - 1;
  private nLater = 0;

  constructor(roots: number) {
    this.constant = new Int32Array(roots);
    for (let r = 0; r < roots; r++) this.node();
  }

  /** The leaf of root r for the state of block numbers `ids`, or -1 when not known yet. */
  find(r: number, ids: Int32Array): number {
    if (this.constant[r] !== 0) return ~this.constant[r];
    const reads = this.reads;
    const edges = this.edges;
    const mask = this.edgeMask;
    let n = r;
    for (;;) {
      const b = reads[n];
      if (b < 0) return -1;
      const k = ids[b];
      let i = slotOf(n, k) & mask;
      for (;; i = (i + 1) & mask) {
        const e = 3 * i;
        const from = edges[e];
        if (from === 0) return -1;
        if (from === n + 1 && edges[e + 1] === k) {
          const c = edges[e + 2];
          if (c < 0) return ~c;
          n = c;
          break;
        }
      }
    }
  }

  /** The leaf after step `step` (a number the caller gives each distinct step) from a state of leaf p, or -1 when not known. */
  after(p: number, step: number): number {
    const later = this.later;
    const mask = this.laterMask;
    for (let i = slotOf(p, step) & mask; ; i = (i + 1) & mask) {
      const e = 3 * i;
      if (later[e] === 0) return -1;
      if (later[e] === p + 1 && later[e + 1] === step) return later[e + 2];
    }
  }

  /**
   * Remembers q as the leaf after step `step`, which rewrote the blocks of `mask`, from a
   * state of leaf p, when q's path reads only blocks that p's path or the step fixes. Masks
   * with a block beyond 30 (all bits) prove nothing.
   */
  remember(p: number, step: number, mask: number, q: number): void {
    const fixed = this.deps[p] | mask;
    if (fixed < 0 || this.deps[q] < 0 || (this.deps[q] & ~fixed) !== 0) return;
    if (2 * ++this.nLater > this.laterMask + 1) {
      const old = this.later;
      this.later = new Int32Array(2 * old.length);
      this.laterMask = 2 * this.laterMask + 1;
      for (let e = 0; e < old.length; e += 3) if (old[e] !== 0) this.putLater(old[e] - 1, old[e + 1], old[e + 2]);
    }
    this.putLater(p, step, q);
  }

  private putLater(p: number, step: number, q: number): void {
    const later = this.later;
    const mask = this.laterMask;
    let i = slotOf(p, step) & mask;
    while (later[3 * i] !== 0) i = (i + 1) & mask;
    later[3 * i] = p + 1;
    later[3 * i + 1] = step;
    later[3 * i + 2] = q;
  }

  /**
   * Remembers `value` as root r's for the state of block numbers `ids`, whose function read
   * the blocks `path` in that order; returns its leaf. The path must agree with the tree: a
   * node reads the same block whichever state it is reached from, or the function depends
   * on more than the state.
   */
  add(r: number, path: readonly number[], ids: Int32Array, value: R): number {
    const leaf = this.values.length;
    this.values.push(value);
    if (leaf === this.deps.length) this.deps = grow(this.deps);
    let deps = 0;
    for (const b of path) deps |= b < 31 ? 1 << b : -1;
    this.deps[leaf] = deps;
    if (path.length === 0) {
      if (this.reads[r] >= 0) throw new Error('recall: a function read no word of one state and some words of another');
      this.constant[r] = ~leaf;
      return leaf;
    }
    let n = r;
    for (let j = 0; j < path.length; j++) {
      const b = path[j];
      if (this.reads[n] < 0) this.reads[n] = b;
      else if (this.reads[n] !== b) throw new Error(`recall: a function read block ${b} where it read block ${this.reads[n]} of a state that agrees on the blocks before: it depends on more than the state`);
      const last = j === path.length - 1;
      const c = this.child(n, ids[b]);
      if (c === null) {
        const next = last ? ~leaf : this.node();
        this.link(n, ids[b], next);
        n = next;
        continue;
      }
      if (last !== c < 0) throw new Error('recall: a function stopped reading where it read on from a state that agrees on the blocks before: it depends on more than the state');
      if (last) throw new Error('recall: a value added twice');
      n = c;
    }
    return leaf;
  }

  private node(): number {
    const n = this.nodes++;
    if (n === this.reads.length) this.reads = grow(this.reads);
    this.reads[n] = -1;
    return n;
  }

  private child(n: number, k: number): number | null {
    const edges = this.edges;
    const mask = this.edgeMask;
    for (let i = slotOf(n, k) & mask; ; i = (i + 1) & mask) {
      const e = 3 * i;
      if (edges[e] === 0) return null;
      if (edges[e] === n + 1 && edges[e + 1] === k) return edges[e + 2];
    }
  }

  private link(n: number, k: number, c: number): void {
    if (2 * ++this.nEdges > this.edgeMask + 1) {
      const old = this.edges;
      this.edges = new Int32Array(2 * old.length);
      this.edgeMask = 2 * this.edgeMask + 1;
      for (let e = 0; e < old.length; e += 3) if (old[e] !== 0) this.put(old[e] - 1, old[e + 1], old[e + 2]);
    }
    this.put(n, k, c);
  }

  private put(n: number, k: number, c: number): void {
    const edges = this.edges;
    const mask = this.edgeMask;
    let i = slotOf(n, k) & mask;
    while (edges[3 * i] !== 0) i = (i + 1) & mask;
    edges[3 * i] = n + 1;
    edges[3 * i + 1] = k;
    edges[3 * i + 2] = c;
  }
}

function slotOf(n: number, k: number): number {
  return Math.imul(n + 1, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca6b);
}

/** A copy of `a` twice as long. */
export function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(2 * a.length);
  b.set(a);
  return b;
}

/** The blocks holding `words` (blockOf: per word, its block), each once, in the order of
 *  their first word in the list. */
export function blocksIn(words: ArrayLike<number>, blockOf: Int32Array, into: number[] = []): number[] {
  for (let k = 0; k < words.length; k++) {
    const b = blockOf[words[k]];
    if (!into.includes(b)) into.push(b);
  }
  return into;
}
