// The independence relation of the sleep sets (explore.ts): the footprints of steps.
//
// A thread's step from a state (every branch of it) has a footprint: the objects it reads
// and writes, united over its branches (two steps conflict when some branch of one conflicts
// with some branch of the other, which is when their unions do). A program has few distinct
// footprints, so each is kept once (interned) and a step's footprint is its number; the
// search finds it with the thread's moves (learned.ts), computed once per distinct moves.

import { widen } from './arrays';

/** Footprints below this number have their conflicts with each other remembered. */
const FP_MEMO = 1024;

/**
 * The interned footprints. Footprint f is data[at[f] ..] = [reads, writes, read ids...,
 * write ids...], with 32-bit masks of its ids (id mod 32): disjoint masks prove
 * independence at once, overlapping ones are checked id by id, once per pair of footprints.
 */
export class Footprints {
  private data = new Int32Array(1 << 10);
  private dataLen = 0;
  private at = new Int32Array(64);
  private rmask = new Int32Array(64);
  private wmask = new Int32Array(64);
  private count = 0;
  private table = new Int32Array(256);
  /** Per pair of footprints below memoSide (at most FP_MEMO): 0 not known yet, 1
   *  independent, 2 conflicting. */
  private memo = new Uint8Array(64 * 64);
  private memoSide = 64;
  /** The footprint being built by of(). */
  private block = new Int32Array(64);

  /** The number of the footprint of a step whose branches have these reads and writes. */
  of(branches: readonly { reads: readonly number[]; writes: readonly number[] }[]): number {
    let nr = 0;
    let nw = 0;
    for (const b of branches) {
      nr += b.reads.length;
      nw += b.writes.length;
    }
    if (2 + nr + nw > this.block.length) this.block = new Int32Array(2 * (2 + nr + nw));
    const c = this.block;
    c[0] = nr;
    c[1] = nw;
    let k = 2;
    for (const b of branches) for (const x of b.reads) c[k++] = x;
    for (const b of branches) for (const x of b.writes) c[k++] = x;
    return this.intern(k);
  }

  /** True when steps of footprints a and b conflict: a write of one meets a read or a write of the other. */
  conflict(a: number, b: number): boolean {
    if (((this.wmask[a] & (this.rmask[b] | this.wmask[b])) | (this.wmask[b] & this.rmask[a])) === 0) return false;
    const side = this.memoSide;
    if (a >= side || b >= side) return this.meet(a, b);
    const k = a * side + b;
    if (this.memo[k] === 0) this.memo[k] = this.meet(a, b) ? 2 : 1;
    return this.memo[k] === 2;
  }

  /** The number of the footprint block[0..k), interned when new. */
  private intern(k: number): number {
    const c = this.block;
    const h = blockHash(c, 0, k);
    const mask = this.table.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const f = this.table[i] - 1;
      if (f < 0) break;
      const o = this.at[f];
      const d = this.data;
      if (2 + d[o] + d[o + 1] !== k) continue;
      let j = 0;
      while (j < k && d[o + j] === c[j]) j++;
      if (j === k) return f;
    }
    return this.store(k, h);
  }

  private store(k: number, h: number): number {
    const f = this.count++;
    if (f === this.at.length) {
      this.at = widen(this.at, f);
      this.rmask = widen(this.rmask, f);
      this.wmask = widen(this.wmask, f);
    }
    if (this.dataLen + k > this.data.length) this.data = widen(this.data, this.dataLen + k);
    const c = this.block;
    const o = this.dataLen;
    this.data.set(c.subarray(0, k), o);
    this.dataLen += k;
    this.at[f] = o;
    let r = 0;
    let w = 0;
    for (let i = 2; i < 2 + c[0]; i++) r |= 1 << (c[i] & 31);
    for (let i = 2 + c[0]; i < k; i++) w |= 1 << (c[i] & 31);
    this.rmask[f] = r;
    this.wmask[f] = w;
    if (2 * this.count > this.table.length) {
      this.table = new Int32Array(2 * this.table.length);
      for (let g = 0; g < this.count; g++) this.place(g);
    } else this.place(f, h);
    if (f === this.memoSide && f < FP_MEMO) {
      const side = 2 * f;
      const m = new Uint8Array(side * side);
      for (let a = 0; a < f; a++) m.set(this.memo.subarray(a * f, (a + 1) * f), a * side);
      this.memo = m;
      this.memoSide = side;
    }
    return f;
  }

  private place(f: number, h = this.hashOf(f)): void {
    const mask = this.table.length - 1;
    let i = h & mask;
    while (this.table[i] !== 0) i = (i + 1) & mask;
    this.table[i] = f + 1;
  }

  private hashOf(f: number): number {
    const d = this.data;
    const o = this.at[f];
    return blockHash(d, o, 2 + d[o] + d[o + 1]);
  }

  /** Whether footprints a and b conflict, id by id. */
  private meet(a: number, b: number): boolean {
    const d = this.data;
    const ra = this.at[a] + 2;
    const wa = ra + d[ra - 2];
    const ea = wa + d[ra - 1];
    const rb = this.at[b] + 2;
    const wb = rb + d[rb - 2];
    const eb = wb + d[rb - 1];
    return meets(d, wa, ea, rb, wb) || meets(d, wa, ea, wb, eb) || meets(d, wb, eb, ra, wa);
  }
}

/** A hash of the footprint d[o..o + k). */
function blockHash(d: Int32Array, o: number, k: number): number {
  let h = k;
  for (let i = 0; i < k; i++) h = Math.imul(h ^ d[o + i], 0x9e3779b1) ^ (h >>> 15);
  return h;
}

/** Whether ids c[p..pe) and c[q..qe) share one. */
function meets(c: Int32Array, p: number, pe: number, q: number, qe: number): boolean {
  for (let i = p; i < pe; i++) {
    const o = c[i];
    for (let j = q; j < qe; j++) if (c[j] === o) return true;
  }
  return false;
}
