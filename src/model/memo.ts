// Steps remembered. A step of a thread is a function of the words it reads: run from any
// state that agrees with the state it was first taken from on those words, it reads the
// same values in the same order, so it writes the same words with the same values, has the
// same footprint and ends the same way (this is what LTSmin's cache layer does per
// transition group; here the dependencies are read off the step itself, so they are exact
// whatever the modelled code does). A search meets the same step from thousands of states
// (the other threads stand elsewhere), so a step is run once and found from there on (VM.moves).
//
// A step is recorded by running it over a view of the state that notes each word's first
// access (Recorder): a word read before the step writes it is an input, with its value in
// the state the step started from; a word the step writes is an output, with its value in
// the successor. A remembered step is found by its thread, its outcome and the live part of
// its thread's stack (where the thread stands, its locals: most of what it reads); the
// inputs outside that part are then compared one by one.

/** Remembered steps a VM keeps at most; a search with more distinct steps runs the rest. */
const MAX_STEPS = 1 << 16;

/**
 * Notes the first access to each word of a state while a step runs over `view`, a proxy
 * of the state that reads and writes it through.
 */
export class Recorder {
  /** Per word: READ_FIRST when its first access was a read, WRITTEN once written, 0 before any access. */
  private readonly seen: Uint8Array;
  /** Words read before being written, in the order they were first read. */
  readonly inputs: number[] = [];
  /** Words written, each once. */
  readonly outputs: number[] = [];
  private target: Int32Array = new Int32Array(0);
  readonly view: Int32Array;
  /** Set when the step used the view otherwise than by reading and writing words and its
   *  length: it may have read any word, and its inputs are not known. */
  whole = false;

  constructor(size: number) {
    this.seen = new Uint8Array(size);
    const seen = this.seen;
    const inputs = this.inputs;
    const outputs = this.outputs;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.view = new Proxy(new Int32Array(size), {
      get(_o, key) {
        const i = indexOf(key);
        if (i < 0) {
          // Any other use of the array (a copy, a view, a search) may read any word.
          if (key !== 'length') self.whole = true;
          const v = Reflect.get(self.target, key) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(self.target) : v;
        }
        if (seen[i] === 0) { seen[i] = READ_FIRST; inputs.push(i); }
        return self.target[i];
      },
      set(_o, key, v: number) {
        const i = indexOf(key);
        if (i < 0) return Reflect.set(self.target, key, v);
        if ((seen[i] & WRITTEN) === 0) { seen[i] |= WRITTEN; outputs.push(i); }
        self.target[i] = v;
        return true;
      },
    });
  }

  /** Starts recording a step over `s`. */
  begin(s: Int32Array): Int32Array {
    for (const i of this.inputs) this.seen[i] = 0;
    for (const i of this.outputs) this.seen[i] = 0;
    this.inputs.length = 0;
    this.outputs.length = 0;
    this.target = s;
    this.whole = false;
    return this.view;
  }
}

const READ_FIRST = 1;
const WRITTEN = 2;

/** The word a property key of a typed array names, or -1. */
function indexOf(key: string | symbol): number {
  if (typeof key !== 'string') return -1;
  const c = key.charCodeAt(0);
  if (c < 48 || c > 57) return -1;
  const i = Number(key);
  return Number.isInteger(i) ? i : -1;
}

/** One remembered step: its inputs outside its thread's region, its outputs. */
export interface Entry<R> {
  /** Inputs outside the region, and their values there. */
  inAt: Int32Array;
  inVal: Int32Array;
  /** Outputs and their values in the successor. */
  outAt: Int32Array;
  outVal: Int32Array;
  result: R;
}

/** The remembered steps of one thread and outcome from one content of the thread's region. */
interface Group<R> {
  hash: number;
  thread: number;
  choice: number;
  own: Int32Array;
  steps: Entry<R>[];
}

/**
 * The steps of one machine, remembered. R is what the machine keeps of a step besides its
 * writes (its footprint, fault, progress, the statement it is named after).
 */
export class StepMemo<R> {
  private groups: Group<R>[] = [];
  private count = 0;
  /** Open addressing: group + 1 per slot, 0 when empty. */
  private table = new Int32Array(1 << 8);
  /** The hash and the group of the last find(), for the add() after a miss. */
  private lastHash = 0;
  private lastGroup: Group<R> | null = null;
  /** Per thread, the group its last find() met: the next one is likely from the same place
   *  (a search expands states in turn that differ in another thread's step). */
  private recent: (Group<R> | null)[] = [];

  /**
   * @param base the first word of a thread's own region
   * @param live the words of the thread's region, from its base, that the key holds (the
   *   thread's header and frames); a function of those words themselves
   */
  constructor(private readonly base: (thread: number) => number, private readonly live: (s: Int32Array, thread: number) => number) {}

  /** Whether add() keeps one more step. */
  get room(): boolean { return this.count < MAX_STEPS; }

  /** The steps remembered. */
  get size(): number { return this.count; }

  /** The remembered step of `thread` with outcome `choice` from state s, or null. */
  find(s: Int32Array, thread: number, choice: number): Entry<R> | null {
    const g = this.group(s, thread, choice);
    this.lastGroup = g;
    if (g === null) return null;
    const steps = g.steps;
    for (let k = 0; k < steps.length; k++) {
      const e = steps[k];
      const at = e.inAt;
      const val = e.inVal;
      let j = 0;
      while (j < at.length && s[at[j]] === val[j]) j++;
      if (j === at.length) return e;
    }
    return null;
  }

  /** The group of the thread's live region in s, or null. */
  private group(s: Int32Array, thread: number, choice: number): Group<R> | null {
    const b = this.base(thread);
    const n = this.live(s, thread);
    const r = thread < this.recent.length ? this.recent[thread] : null;
    if (r !== null && r.choice === choice && r.own.length === n && same(r.own, s, b, n)) return r;
    const g = this.lookup(s, thread, choice, b, n);
    if (g !== null) {
      while (this.recent.length <= thread) this.recent.push(null);
      this.recent[thread] = g;
    }
    return g;
  }

  /** group() by the hash of the region. */
  private lookup(s: Int32Array, thread: number, choice: number, b: number, n: number): Group<R> | null {
    let h = Math.imul(thread + 1, 0x9e3779b1) ^ choice ^ n;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ s[b + i], 0x85ebca6b) ^ (h >>> 15);
    this.lastHash = h;
    const table = this.table;
    const mask = table.length - 1;
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const slot = table[k];
      if (slot === 0) return null;
      const g = this.groups[slot - 1];
      if (g.hash === h && g.thread === thread && g.choice === choice && g.own.length === n && same(g.own, s, b, n)) return g;
    }
  }

  /**
   * Remembers the step just recorded by `rec` (after a find() of the same step that found
   * nothing): taken by `thread` with outcome `choice` from s, to successor `next`.
   */
  add(s: Int32Array, thread: number, choice: number, rec: Recorder, next: Int32Array, result: R): Entry<R> {
    const b = this.base(thread);
    const end = b + this.live(s, thread);
    let g = this.lastGroup;
    if (g === null) {
      g = { hash: this.lastHash, thread, choice, own: s.slice(b, end), steps: [] };
      this.groups.push(g);
      if (2 * this.groups.length > this.table.length) {
        this.table = new Int32Array(2 * this.table.length);
        this.groups.forEach((x, k) => this.place(x.hash, k));
      } else this.place(g.hash, this.groups.length - 1);
    }
    const e = entry(s, b, end, rec, next, result);
    g.steps.push(e);
    this.count++;
    this.lastGroup = null;
    return e;
  }

  /** The live words of thread t's region in s, from its first word: [base, base + live). */
  region(s: Int32Array, thread: number): [number, number] {
    const b = this.base(thread);
    return [b, b + this.live(s, thread)];
  }

  private place(h: number, k: number): void {
    const mask = this.table.length - 1;
    let i = h & mask;
    while (this.table[i] !== 0) i = (i + 1) & mask;
    this.table[i] = k + 1;
  }
}

/**
 * The step just recorded by `rec`, taken from s to `next` by a thread whose live region is
 * [b, end): the inputs outside the region with their values in s, the outputs with theirs in next.
 */
export function entry<R>(s: Int32Array, b: number, end: number, rec: Recorder, next: Int32Array, result: R): Entry<R> {
  // A step that used its state otherwise than word by word may have read any word.
  const inputs = rec.whole ? Array.from(s.keys()).filter((i) => i < b || i >= end) : rec.inputs.filter((i) => i < b || i >= end);
  const outputs = Int32Array.from(rec.outputs).sort();
  return {
    inAt: Int32Array.from(inputs),
    inVal: Int32Array.from(inputs, (i) => s[i]),
    outAt: outputs,
    outVal: outputs.map((i) => next[i]),
    result,
  };
}

/** Whether own[0, n) is s[b, b + n). */
function same(own: Int32Array, s: Int32Array, b: number, n: number): boolean {
  let i = 0;
  while (i < n && own[i] === s[b + i]) i++;
  return i === n;
}
