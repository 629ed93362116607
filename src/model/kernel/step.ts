// One visible step of one thread over the packed state: what it touches, what it
// did in words, and the fault it commits, if any.
import type { Fault, ViolationKind } from '../machine';
import { G, Layout, OBJ, PTR_BASE, THREAD } from './layout';

export class Step {
  readonly reads: number[] = [];
  readonly writes: number[] = [];
  /** The state change in words, built only when a trace shows the step: per note, its text
   *  or formatter and the formatter's arguments (Step.note). */
  readonly notes: unknown[] = [];
  fault?: Fault;
  /** Set when the step only retried ('goto restart'): no progress for livelock detection. */
  retried = false;

  /** The thread region's base word. */
  base: number;
  /** The thread-relative words [lo, hi) of its own region the step may have written (frames,
   *  locals, stores through pointers); empty while lo >= hi. */
  lo: number;
  hi = 0;
  /** Local instructions run so far by the current advance (VM.advance). */
  n = 0;
  /** Lipton's merge of the step under way (VM.successor): whether it may take in more visible
   *  operations, whether it has passed one that is not an acquire, and the operation (an
   *  instruction of the VM) the step is named after. */
  merge = false;
  release = false;
  main: unknown = undefined;
  /** The words outside that range the step wrote (set()), each listed once in `dirty[0, nd)`;
   *  `marked` says which are listed. */
  readonly dirty: Int32Array;
  nd = 0;
  private readonly marked: Uint8Array;
  /** Room for the pairs changed() builds. */
  private readonly spans: Int32Array;

  /**
   * @param words the record of written words, shared by steps that never overlap in time (a
   *   machine runs one step at a time); a step of its own when not given
   */
  constructor(readonly L: Layout, public s: Int32Array, public t: number, readonly threadName: (t: number) => string,
    words?: { dirty: Int32Array; marked: Uint8Array; spans: Int32Array }) {
    this.base = L.thread(t);
    this.lo = L.threadStride;
    this.dirty = words ? words.dirty : new Int32Array(L.size);
    this.marked = words ? words.marked : new Uint8Array(L.size);
    this.spans = words ? words.spans : new Int32Array(2 * L.size + 4);
  }

  /** Writes word i of the state (outside the thread's stack: globals, slots, pages, queues, task states). */
  set(i: number, v: number): void {
    this.s[i] = v;
    if (this.marked[i] === 0) { this.marked[i] = 1; this.dirty[this.nd++] = i; }
  }

  /** Adds d to word i; the sum as C's `x += d` yields it before truncation. */
  add(i: number, d: number): number {
    const v = this.s[i] + d;
    this.set(i, v);
    return v;
  }

  /** Records a write of the thread-relative word off of the thread's own region. */
  touch(off: number): void {
    if (off < this.lo) this.lo = off;
    if (off >= this.hi) this.hi = off + 1;
  }

  /**
   * The words the step may have changed, as [from, to) pairs in ascending order: the words it
   * set(), its own thread's header and the range of its region it touched. Clears the record.
   */
  changed(): number[] {
    const d = this.dirty;
    const n = this.nd;
    for (let i = 1; i < n; i++) {
      const x = d[i];
      let j = i;
      for (; j > 0 && d[j - 1] > x; j--) d[j] = d[j - 1];
      d[j] = x;
    }
    // The pairs go to `spans` first: the array handed out is then made at its final length.
    const spans = this.spans;
    let m = 0;
    const b = this.base;
    // The thread's header (status, task state, preempt count, return value, stack pointer) and
    // the part of its stack the step touched, which may be empty.
    let ownFrom = b;
    const ownTo = b + THREAD.STACK;
    let stackFrom = this.lo < this.hi ? b + this.lo : -1;
    let k = 0;
    for (;;) {
      let from: number;
      let to: number;
      const next = k < n ? d[k] : 0x7fffffff;
      if (ownFrom >= 0 && ownFrom <= next) { from = ownFrom; to = ownTo; ownFrom = -1; }
      else if (stackFrom >= 0 && stackFrom <= next) { from = stackFrom; to = b + this.hi; stackFrom = -1; }
      else if (k < n) { from = next; to = next + 1; k++; }
      else break;
      if (m > 0 && from <= spans[m - 1]) { if (to > spans[m - 1]) spans[m - 1] = to; } else { spans[m++] = from; spans[m++] = to; }
    }
    for (let i = 0; i < n; i++) this.marked[d[i]] = 0;
    this.nd = 0;
    // Most steps change two to four ranges: literals of those lengths are allocated inline.
    switch (m) {
      case 2: return [spans[0], spans[1]];
      case 4: return [spans[0], spans[1], spans[2], spans[3]];
      case 6: return [spans[0], spans[1], spans[2], spans[3], spans[4], spans[5]];
      case 8: return [spans[0], spans[1], spans[2], spans[3], spans[4], spans[5], spans[6], spans[7]];
      default: {
        const out: number[] = [];
        for (let i = 0; i < m; i++) out.push(spans[i]);
        return out;
      }
    }
  }

  /** Points a probe (a step that only reads: guards, choices) at thread t of state s. */
  aim(s: Int32Array, t: number): this {
    this.s = s;
    this.t = t;
    this.base = this.L.thread(t);
    if (this.reads.length) this.reads.length = 0;
    if (this.writes.length) this.writes.length = 0;
    if (this.notes.length) this.notes.length = 0;
    this.fault = undefined;
    this.retried = false;
    return this;
  }

  read(obj: number): void { this.reads.push(obj); }
  write(obj: number): void { this.writes.push(obj); }
  /** Notes a state change: fixed text, or a formatter of up to three values (and the thread
   *  names) called only when the note is read. */
  note(text: string): void;
  note<A, B, C>(text: (a: A, b: B, c: C, name: (t: number) => string) => string, a: A, b?: B, c?: C): void;
  note(text: unknown, a?: unknown, b?: unknown, c?: unknown): void { this.notes.push(text, a, b, c); }

  /** The notes of the step, joined. */
  noteText(): string { return noteText(this.notes, this.threadName); }

  commit(kind: ViolationKind, message: string, detail?: Record<string, string | number | boolean>): void {
    if (!this.fault) this.fault = { kind, message, threads: [this.t], detail };
  }

  /** Writes through a pointer into this thread's stack (an out-parameter such as &slot). NULL is skipped. */
  storePtr(p: number, v: number): void {
    if (p === 0) return;
    const off = p - PTR_BASE;
    if (off < 0 || off >= this.L.threadStride) { this.commit('null-deref', `store through bad pointer 0x${(p >>> 0).toString(16)}`); return; }
    this.s[this.base + off] = v;
    this.touch(off);
  }

  holdsTreeLock(): boolean { return this.s[G.TREE_LOCK] === this.t + 1; }

  /** The radix tree and the mapping counters are only changed under mapping->tree_lock. */
  requireTreeLock(what: string): void {
    this.read(OBJ.TREE_LOCK);
    if (!this.holdsTreeLock()) this.commit('assertion', `${what} without mapping->tree_lock held`);
  }
}

/** The text of notes recorded by Step.note. */
export function noteText(notes: readonly unknown[], name: (t: number) => string): string {
  const out: string[] = [];
  for (let i = 0; i < notes.length; i += 4) {
    const f = notes[i];
    out.push(typeof f === 'string' ? f : (f as (a: unknown, b: unknown, c: unknown, n: (t: number) => string) => string)(notes[i + 1], notes[i + 2], notes[i + 3], name));
  }
  return out.join('; ');
}
