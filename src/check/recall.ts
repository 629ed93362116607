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

import { widen } from './arrays';
import { cachesOn } from '../model/caches';

/** A tree of remembered values per root (one root per function of the state). */
export class Recall<R> {
  /** Off (the caches switch, model/caches.ts): nothing is found, every value is a leaf of its own. */
  private readonly remembering = cachesOn();
  /** Per node, the block it reads: -1 while no path has gone through it. */
  private reads = new Int32Array(64);
  private nodes = 0;
  /** Edges: (node, block number) to the child, a node (>= 0) or ~leaf (below 0). */
  private readonly edges = new PairMap(1 << 10);
  /** The values of the leaves. */
  readonly values: R[] = [];
  /** Per leaf, the blocks its path reads as a mask (bit b for block b): a state whose
   *  blocks on it are those of a state with this leaf has it too. All bits when a block
   *  beyond 30 is read. */
  deps = new Int32Array(64);
  /** Per root, its leaf when the function reads no block: ~leaf, or 0. */
  private constant: Int32Array;
  /** The leaf after a step: (leaf, step) to the leaf after it. */
  private readonly later = new PairMap(1 << 8);

  constructor(roots: number) {
    this.constant = new Int32Array(roots);
    for (let r = 0; r < roots; r++) this.node();
  }

  /** The leaf of root r for the state of block numbers `ids`, or -1 when not known yet. */
  find(r: number, ids: Int32Array): number {
    if (!this.remembering) return -1;
    if (this.constant[r] !== 0) return ~this.constant[r];
    const reads = this.reads;
    const edges = this.edges;
    let n = r;
    for (;;) {
      const b = reads[n];
      if (b < 0) return -1;
      const e = edges.find(n, ids[b]);
      if (e < 0) return -1;
      const c = edges.value(e);
      if (c < 0) return ~c;
      n = c;
    }
  }

  /** The leaf after step `step` (a number the caller gives each distinct step) from a state of leaf p, or -1 when not known. */
  after(p: number, step: number): number {
    if (!this.remembering) return -1;
    const e = this.later.find(p, step);
    return e < 0 ? -1 : this.later.value(e);
  }

  /**
   * Remembers q as the leaf after step `step`, which rewrote the blocks of `mask`, from a
   * state of leaf p, when q's path reads only blocks that p's path or the step fixes. Masks
   * with a block beyond 30 (all bits) prove nothing.
   */
  remember(p: number, step: number, mask: number, q: number): void {
    if (!this.remembering) return;
    const fixed = this.deps[p] | mask;
    if (fixed < 0 || this.deps[q] < 0 || (this.deps[q] & ~fixed) !== 0) return;
    this.later.set(p, step, q);
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
    if (leaf === this.deps.length) this.deps = widen(this.deps, leaf);
    let deps = 0;
    for (const b of path) deps |= b < 31 ? 1 << b : -1;
    this.deps[leaf] = deps;
    if (!this.remembering) return leaf;
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
      const e = this.edges.find(n, ids[b]);
      if (e < 0) {
        const next = last ? ~leaf : this.node();
        this.edges.set(n, ids[b], next);
        n = next;
        continue;
      }
      const c = this.edges.value(e);
      if (last !== c < 0) throw new Error('recall: a function stopped reading where it read on from a state that agrees on the blocks before: it depends on more than the state');
      if (last) throw new Error('recall: a value added twice');
      n = c;
    }
    return leaf;
  }

  private node(): number {
    const n = this.nodes++;
    if (n === this.reads.length) this.reads = widen(this.reads, n);
    this.reads[n] = -1;
    return n;
  }
}

/** A map from pairs of non-negative integers to integers, by open addressing. */
class PairMap {
  /** Slot i holds [a + 1, b, value] at 3i; 0 in the first word of an empty slot. */
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(size: number) {
    this.slots = new Int32Array(3 * size);
    this.mask = size - 1;
  }

  /** The slot of (a, b), or -1. */
  find(a: number, b: number): number {
    const slots = this.slots;
    const mask = this.mask;
    for (let i = slotOf(a, b) & mask; ; i = (i + 1) & mask) {
      const e = 3 * i;
      if (slots[e] === 0) return -1;
      if (slots[e] === a + 1 && slots[e + 1] === b) return i;
    }
  }

  /** The value in slot i. */
  value(i: number): number {
    return this.slots[3 * i + 2];
  }

  /** Maps (a, b), which has no value yet, to v. */
  set(a: number, b: number, v: number): void {
    if (2 * ++this.count > this.mask + 1) {
      const old = this.slots;
      this.slots = new Int32Array(2 * old.length);
      this.mask = 2 * this.mask + 1;
      for (let e = 0; e < old.length; e += 3) if (old[e] !== 0) this.put(old[e] - 1, old[e + 1], old[e + 2]);
    }
    this.put(a, b, v);
  }

  private put(a: number, b: number, v: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = slotOf(a, b) & mask;
    while (slots[3 * i] !== 0) i = (i + 1) & mask;
    slots[3 * i] = a + 1;
    slots[3 * i + 1] = b;
    slots[3 * i + 2] = v;
  }
}

function slotOf(n: number, k: number): number {
  return Math.imul(n + 1, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca6b);
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
