// One visible step of one thread over the packed state: what it touches, what it
// did in words, and the fault it commits, if any.
import type { Fault, ViolationKind } from '../machine';
import { G, Layout, OBJ, PTR_BASE } from './layout';

export class Step {
  readonly reads: number[] = [];
  readonly writes: number[] = [];
  /** The state change in words, built only when a trace shows the step. */
  readonly notes: (() => string)[] = [];
  fault?: Fault;
  /** Set when the step only retried ('goto restart'): no progress for livelock detection. */
  retried = false;

  /** The thread region's base word. */
  base: number;
  /** Above this thread-relative word, the step has written nothing in its thread's region
   *  (the end of the deepest frame it reached, or of a word it stored through a pointer). */
  hi = 0;

  constructor(readonly L: Layout, public s: Int32Array, public t: number, readonly threadName: (t: number) => string) {
    this.base = L.thread(t);
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
  note(text: () => string): void { this.notes.push(text); }

  commit(kind: ViolationKind, message: string, detail?: Record<string, string | number | boolean>): void {
    if (!this.fault) this.fault = { kind, message, threads: [this.t], detail };
  }

  /** Writes through a pointer into this thread's stack (an out-parameter such as &slot). NULL is skipped. */
  storePtr(p: number, v: number): void {
    if (p === 0) return;
    const off = p - PTR_BASE;
    if (off < 0 || off >= this.L.threadStride) { this.commit('null-deref', `store through bad pointer 0x${(p >>> 0).toString(16)}`); return; }
    this.s[this.base + off] = v;
    if (off >= this.hi) this.hi = off + 1;
  }

  holdsTreeLock(): boolean { return this.s[G.TREE_LOCK] === this.t + 1; }

  /** The radix tree and the mapping counters are only changed under mapping->tree_lock. */
  requireTreeLock(what: string): void {
    this.read(OBJ.TREE_LOCK);
    if (!this.holdsTreeLock()) this.commit('assertion', `${what} without mapping->tree_lock held`);
  }
}
