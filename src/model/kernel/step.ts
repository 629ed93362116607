// One visible step of one thread over the packed state: what it touches, what it
// did in words, and the fault it commits, if any.
import type { Fault, ViolationKind } from '../machine';
import { Layout, PTR_BASE } from './layout';

/**
 * What a step records as it runs, kept in room shared by the steps of one machine (one runs at
 * a time): the words it wrote, the objects it read and wrote, its notes. A transition copies
 * out what it keeps.
 */
export class StepRecord {
  /** Object ids read and written (OBJ), in the order the step touched them. */
  reads: Int32Array = new Int32Array(16);
  writes: Int32Array = new Int32Array(16);
  /** Per note, its text or formatter and the formatter's three arguments (Step.note). */
  readonly notes: unknown[] = [];

}

const NONE: readonly never[] = [];

/** A hash of the footprint whose read ids are r[ro, ro + nr) and write ids w[wo, wo + nw). */
function footprintHash(r: Int32Array, ro: number, nr: number, w: Int32Array, wo: number, nw: number): number {
  let h = Math.imul(nr + 1, 0x9e3779b1) ^ nw;
  for (let i = 0; i < nr; i++) h = Math.imul(h ^ r[ro + i], 0x85ebca6b) ^ (h >>> 13);
  for (let i = 0; i < nw; i++) h = Math.imul(h ^ w[wo + i], 0xc2b2ae35) ^ (h >>> 16);
  return h;
}

/**
 * The distinct footprints of a machine's steps, numbered in the order they first occur: steps
 * with equal footprints get one number and share one pair of arrays, and a remembered step
 * (memo.ts) keeps the number instead of the ids.
 */
export class FootprintTable {
  /** Footprint f is [nr, nw, read ids..., write ids...] at data[at[f]]. */
  private data = new Int32Array(1 << 10);
  private used = 0;
  private at: number[] = [];
  readonly reads: (readonly number[])[] = [];
  readonly writes: (readonly number[])[] = [];
  /** Open addressing: footprint + 1 per slot, 0 when empty. */
  private table = new Int32Array(256);

  /** The number of the footprint the step has recorded so far. */
  intern(w: Step): number {
    const h = footprintHash(w.rec.reads, 0, w.nr, w.rec.writes, 0, w.nw);
    const mask = this.table.length - 1;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const f = this.table[i] - 1;
      if (f < 0) break;
      if (this.is(f, w)) return f;
    }
    return this.add(w, i);
  }

  /** Whether footprint f is the step's. */
  private is(f: number, w: Step): boolean {
    const { reads, writes } = w.rec;
    const nr = w.nr;
    const nw = w.nw;
    const d = this.data;
    const o = this.at[f];
    if (d[o] !== nr || d[o + 1] !== nw) return false;
    let j = 0;
    while (j < nr && d[o + 2 + j] === reads[j]) j++;
    if (j < nr) return false;
    let k = 0;
    while (k < nw && d[o + 2 + nr + k] === writes[k]) k++;
    return k === nw;
  }

  /** Stores the step's footprint in empty slot i of the table. */
  private add(w: Step, i: number): number {
    const f = this.at.length;
    const n = 2 + w.nr + w.nw;
    if (this.used + n > this.data.length) {
      const d = new Int32Array(2 * (this.used + n));
      d.set(this.data);
      this.data = d;
    }
    const o = this.used;
    this.data[o] = w.nr;
    this.data[o + 1] = w.nw;
    this.data.set(w.rec.reads.subarray(0, w.nr), o + 2);
    this.data.set(w.rec.writes.subarray(0, w.nw), o + 2 + w.nr);
    this.used += n;
    this.at.push(o);
    this.reads.push(w.reads);
    this.writes.push(w.writes);
    this.table[i] = f + 1;
    if (2 * this.at.length > this.table.length) {
      this.table = new Int32Array(2 * this.table.length);
      const mask = this.table.length - 1;
      for (let g = 0; g < this.at.length; g++) {
        const oo = this.at[g];
        const nr = this.data[oo];
        let k = footprintHash(this.data, oo + 2, nr, this.data, oo + 2 + nr, this.data[oo + 1]) & mask;
        while (this.table[k] !== 0) k = (k + 1) & mask;
        this.table[k] = g + 1;
      }
    }
    return f;
  }
}

/** Ids a[0, n) as a new array; the usual short lists as literals, which are allocated inline. */
function ids(a: Int32Array, n: number): readonly number[] {
  switch (n) {
    case 0: return NONE;
    case 1: return [a[0]];
    case 2: return [a[0], a[1]];
    case 3: return [a[0], a[1], a[2]];
    case 4: return [a[0], a[1], a[2], a[3]];
    default: {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push(a[i]);
      return out;
    }
  }
}

function grown(a: Int32Array): Int32Array {
  const b = new Int32Array(2 * a.length);
  b.set(a);
  return b;
}

export class Step {
  /** Counts of object ids read and written (in rec.reads, rec.writes) and of note words (in rec.notes). */
  nr = 0;
  nw = 0;
  nn = 0;
  fault?: Fault;
  /** Set when the step may be going round a loop (it starts inside one, or in a function
   *  called from one): no progress, for livelock detection. */
  inLoop = false;

  /** The thread region's base word. */
  base: number;
  /** The lowest thread-relative word of its own region the step may have written (frames,
   *  locals, stores through pointers); the region's stride while none. */
  lo: number;
  /** Local instructions run so far by the current advance (VM.advance). */
  n = 0;
  /** Lipton's merge of the step under way (VM.successor): whether it may take in more visible
   *  operations, whether it has passed one that is not an acquire, and the operation (an
   *  instruction of the VM) the step is named after. */
  merge = false;
  release = false;
  main: unknown = undefined;
  /** Whether note() records: off while a search runs that reads no notes. */
  keepNotes = true;
  /** Where the step records what it does. */
  readonly rec: StepRecord;

  /**
   * @param rec room shared by steps that never overlap in time (a machine runs one step at a
   *   time); a step of its own when not given
   */
  constructor(readonly L: Layout, public s: Int32Array, public t: number, readonly threadName: (t: number) => string,
    rec?: StepRecord) {
    this.base = L.thread(t);
    this.lo = L.threadStride;
    this.rec = rec ?? new StepRecord();
  }

  /** Writes word i of the state (outside the thread's stack: globals, slots, pages, queues, task states). */
  set(i: number, v: number): void {
    this.s[i] = v;
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
  }

  /** Points a probe (a step that only reads: guards, choices) at thread t of state s. */
  aim(s: Int32Array, t: number): this {
    this.s = s;
    this.t = t;
    this.base = this.L.thread(t);
    this.nr = 0;
    this.nw = 0;
    this.nn = 0;
    this.fault = undefined;
    this.inLoop = false;
    return this;
  }

  /** Points the step at thread t of s, a state it is about to take a step in: as new. */
  begin(s: Int32Array, t: number): this {
    this.aim(s, t);
    this.lo = this.L.threadStride;
    this.n = 0;
    this.merge = false;
    this.release = false;
    this.main = undefined;
    return this;
  }

  read(obj: number): void {
    const r = this.rec;
    if (this.nr === r.reads.length) r.reads = grown(r.reads);
    r.reads[this.nr++] = obj;
  }
  write(obj: number): void {
    const r = this.rec;
    if (this.nw === r.writes.length) r.writes = grown(r.writes);
    r.writes[this.nw++] = obj;
  }

  /** The objects the step read and wrote so far, as arrays of their own. */
  get reads(): readonly number[] { return ids(this.rec.reads, this.nr); }
  get writes(): readonly number[] { return ids(this.rec.writes, this.nw); }
  /** Its notes so far (Step.note), as an array of its own. */
  get notes(): readonly unknown[] {
    const n = this.rec.notes;
    switch (this.nn) {
      case 0: return NONE;
      case 4: return [n[0], n[1], n[2], n[3]];
      case 8: return [n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7]];
      default: return n.slice(0, this.nn);
    }
  }
  /** Notes a state change: fixed text, or a formatter of up to three values (and the thread
   *  names) called only when the note is read. */
  note(text: string): void;
  note<A, B, C>(text: (a: A, b: B, c: C, name: (t: number) => string) => string, a: A, b?: B, c?: C): void;
  note(text: unknown, a?: unknown, b?: unknown, c?: unknown): void {
    if (!this.keepNotes) return;
    const notes = this.rec.notes;
    const k = this.nn;
    if (k === notes.length) notes.push(text, a, b, c);
    else { notes[k] = text; notes[k + 1] = a; notes[k + 2] = b; notes[k + 3] = c; }
    this.nn = k + 4;
  }

  /** The notes of the step, joined. */
  noteText(): string { return noteText(this.notes, this.threadName); }

  commit(kind: ViolationKind, message: string, detail?: Record<string, string | number | boolean>): void {
    // A warning earlier in the step gives way to what went wrong after it, and is said with it.
    if (this.fault?.code === 'warn') message = `${message} (after ${this.fault.message})`;
    else if (this.fault) return;
    this.fault = { kind, message, threads: [this.t], detail };
  }

  /** Writes through a pointer into this thread's stack (an out-parameter such as &slot). NULL is skipped. */
  storePtr(p: number, v: number): void {
    if (p === 0) return;
    const off = p - PTR_BASE;
    if (off < 0 || off >= this.L.threadStride) { this.commit('null-deref', `store through bad pointer 0x${(p >>> 0).toString(16)}`); return; }
    this.s[this.base + off] = v;
    this.touch(off);
  }

  /** Reads word k of a record on this thread's stack through a pointer to it (an xa_state). */
  loadPtr(p: number, k = 0): number {
    const off = p + k - PTR_BASE;
    if (p === 0 || off < 0 || off >= this.L.threadStride) { this.commit('null-deref', `load through bad pointer 0x${(p >>> 0).toString(16)}`); return 0; }
    return this.s[this.base + off];
  }

  /** A kernel warning: reported like any fault, but the path goes on, as the kernel does. */
  warn(message: string): void {
    if (!this.fault) this.fault = { kind: 'assertion', message, threads: [this.t], code: 'warn' };
  }

  /** A fault after which the thread cannot go on: its run stops at it. */
  halt(kind: ViolationKind, message: string): void {
    if (this.fault && this.fault.code !== 'warn') return;
    if (this.fault) message = `${message} (after ${this.fault.message})`;
    this.fault = { kind, message, threads: [this.t], code: 'halt' };
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
