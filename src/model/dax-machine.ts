// A scenario as a Machine: the explorer's view of threads running the modelled
// functions over the packed state, with the properties checked on its states.
import type { Fault, Machine, Moves, StateView, ThreadInfo, Transition } from './machine';
import { Status } from './machine';
import type { Func } from './ir';
import { K } from './objects/constants';
import {
  FRAME, G, Layout, PAGE_STRIDE, Pmd, SLOT, SLOT_STRIDE, THREAD, THREAD_ID_WORDS, TStatus,
} from './kernel/layout';
import type { Holds } from './objects/object';
import { entryPageIndexes, isExceptional } from './objects/radix/entries';
import { DATA_BEFORE } from './objects/inode/index';
import { Filesystem } from './objects/inode/state';
import { objectsView } from './objects/index';
import { CRED_OWNER, establishMapping, S_DAX, S_REFLINK } from './objects/lease/index';
import { initDevices } from './objects/daxdev/index';
import { establishDevice } from './objects/devmap/index';
import { FINAL, INVARIANTS, NO_FAULTS, RETURNED, STUCK, type PropertyContext } from './properties/index';
import { Step } from './kernel/step';
import type { ScenarioSpec } from './scenarios';
import { allocState, reachableFuncs, VM, type Program } from './vm';
import { FutureAnalysis, TouchSet, type Future } from './future';

const hex = (x: number): string => `0x${(x >>> 0).toString(16)}`;

export interface MachineOptions {
  /** Wait-table queues; fewer queues than keys makes keys share a queue (hash collisions). */
  waitQueues?: number;
  /** Overrides the scenario's radix_tree_preload() failure budget. */
  enomem?: number;
  /** Off: every visible operation is its own step (no quiet reads, no atomic critical sections). */
  reduce?: boolean;
  /** Off: dead locals keep their values, so states that differ only there stay apart (on by
   *  default with the reductions). */
  deadLocals?: boolean;
  /** Off: every step runs its code, none is found remembered (memo.ts; on by default). */
  rememberSteps?: boolean;
  /** Record which instructions the steps run (DaxMachine.coverage()). */
  coverage?: boolean;
  /** What mapping->nrpages counts in the era the functions follow (Api.accounting). */
  accounting?: 'entries' | 'pages';
  /** Who holds references to a DAX page in the era the functions follow (Api.pageRefs). */
  pageRefs?: 'pins' | 'mapping';
  /** The era ties DAX pages to their file (Api.associates). */
  associates?: boolean;
}

/** Words of stack a call of fn needs at most (the call graph has no recursion). */
function stackNeed(prog: Program, fn: string, seen: Set<string> = new Set()): number {
  const f = prog.funcs[prog.byName.get(fn)!];
  if (seen.has(fn)) throw new Error(`${fn} is recursive: the model needs a bounded stack`);
  seen.add(fn);
  let deepest = 0;
  for (const ins of f.code) if (ins.k === 'call') deepest = Math.max(deepest, stackNeed(prog, ins.fn, seen));
  seen.delete(fn);
  return FRAME.LOCALS + f.locals.length + deepest;
}

/** Functions a thread can reach, for the scenario listing. */
export function reachable(prog: Program, roots: string[]): string[] {
  return reachableFuncs(prog, roots).map((f) => f.name);
}

export class DaxMachine implements Machine {
  readonly threads: ThreadInfo[];
  readonly L: Layout;
  readonly diagnostic: readonly number[];
  readonly vm: VM;
  /** Threads of one symmetry class, for the classes of two or more threads. */
  private readonly classes: number[][];
  /** Every object the invariants read, when each says (Property.observes). */
  readonly invariantReads?: readonly number[];
  /** Per thread, the part of the state holding its stack, which alone decides its future. */
  readonly futureParts: readonly number[];
  private readonly futures: FutureAnalysis;
  private readonly init: Int32Array;

  constructor(readonly spec: ScenarioSpec, readonly prog: Program, opts: MachineOptions = {}) {
    const heads = spec.indexes.map((x) => x & ~K.PG_PMD_COLOUR);
    const fromEntries = (spec.entries ?? []).map(([x]) => x);
    const indexes = [...new Set([...spec.indexes, ...heads, ...fromEntries])].sort((a, b) => a - b);
    const regions = new Set(indexes.map((x) => x & ~K.PG_PMD_COLOUR));
    if (regions.size !== 1) throw new Error(`scenario ${spec.name}: indexes must lie in one PMD region`);
    const stack = Math.max(...spec.threads.map((t) => stackNeed(prog, t.fn)));
    this.L = new Layout(indexes, spec.pages ?? 1, opts.waitQueues ?? indexes.length, spec.threads.length, stack);
    this.diagnostic = this.L.diagnosticWords();
    this.threads = this.threadInfo();
    this.classes = [...new Set(this.threads.map((t) => t.symmetryClass))]
      .map((c) => this.threads.map((t, i) => (t.symmetryClass === c ? i : -1)).filter((i) => i >= 0))
      .filter((c) => c.length > 1);
    this.order = new Int32Array(this.L.nThreads);
    this.perm = new Int32Array(this.L.nThreads);
    this.vm = new VM(this.L, prog, (t) => this.threads[t].name, spec.threads.map((t) => t.fn), opts.reduce ?? true,
      opts.deadLocals ?? opts.reduce ?? true, opts.rememberSteps ?? true);
    if (opts.coverage) this.vm.recordCoverage();
    this.vm.onReturn = (w, value) => {
      for (const p of RETURNED) {
        const f = p.returned!(w, spec.threads[w.t], value);
        if (f) { w.commit(f.kind, f.message, f.detail); return; }
      }
    };
    this.ctx = {
      st: new Int32Array(0), L: this.L,
      name: (t) => this.threads[t].name,
      done: (t) => this.status(this.ctx.st, t) === Status.Done,
      mustMapPmd: !!spec.mustMapPmd,
      entries: spec.threads.map((t) => t.fn),
      accounting: opts.accounting ?? 'entries',
      pageRefs: opts.pageRefs ?? 'pins',
    };
    this.init = this.build(opts);
    this.futures = new FutureAnalysis(prog, this.L, this.init, this.L.objectIds(), (x, t) => {
      const entry = spec.threads[t];
      for (const p of RETURNED) if (p.returnTouches) p.returnTouches(x, entry); else x.everything();
    });
    this.futureParts = this.threads.map((_x, t) => this.L.segments.indexOf(this.L.thread(t)));
    if (INVARIANTS.every((p) => p.observes)) this.invariantReads = observed(this.L, this.init);
  }

  /** What thread t may still touch in state s (Machine.future; model/future.ts). */
  future(s: Int32Array, t: number): Future { return this.futures.future(s, t); }

  get name(): string { return this.spec.name; }

  /** The instructions the machine's steps ran, per function (with MachineOptions.coverage). */
  coverage(): Map<string, Set<number>> | null { return this.vm.coverage(); }

  get segments(): readonly number[] { return this.L.segments; }

  private threadInfo(): ThreadInfo[] {
    const keys: string[] = [];
    return this.spec.threads.map((t, i) => {
      const key = `${t.fn}(${t.args.join(',')})${t.cred ?? ''}`;
      let c = keys.indexOf(key);
      if (c < 0) { c = keys.length; keys.push(key); }
      return { name: `T${i + 1}: ${t.name}`, symmetryClass: c };
    });
  }

  private build(opts: MachineOptions): Int32Array {
    const { spec, L } = this;
    const s = new Int32Array(L.size);
    s[G.ISIZE] = spec.isize;
    s[G.ENOMEM_BUDGET] = opts.enomem ?? spec.enomem ?? 0;
    s[G.PMD] = spec.pmd ?? Pmd.None;
    s[G.PMD_EXTENT] = spec.pmdExtent === false ? 0 : spec.pmdAlloc ? 2 : 1;
    s[G.VM_SHARED] = spec.vmShared === false ? 0 : 1;
    const region = L.indexes[0] & ~K.PG_PMD_COLOUR;
    s[G.VM_START] = spec.vm?.[0] ?? region;
    s[G.VM_END] = spec.vm?.[1] ?? region + K.PG_PMD_NR;
    s[G.FS_MMAPLOCK] = spec.fsMmaplock ? 1 : 0;
    s[G.FILESYSTEM] = spec.fs === 'ext4' ? Filesystem.Ext4 : Filesystem.Xfs;
    for (const [x, e] of spec.entries ?? []) {
      s[L.slotWord(L.slot(x), SLOT.ENTRY)] = e;
      if (!isExceptional(e)) continue;
      if (opts.accounting === 'pages') s[G.NRPAGES] += e & K.RADIX_DAX_PMD ? K.PG_PMD_NR : 1;
      else s[G.NREXCEPTIONAL]++;
      // Where the mapping holds its pages (seed 002's step 1/), an entry in place holds them.
      if (opts.pageRefs === 'mapping' && !(e & K.DAX_ZAP)) for (const i of entryPageIndexes(L, e)) s[L.slotWord(L.slot(i), SLOT.MAPREF)]++;
      if (opts.associates) for (const i of entryPageIndexes(L, e)) s[L.slotWord(L.slot(i), SLOT.ASSOC)] = 1;
    }
    for (const [x, bits] of spec.tags ?? []) s[L.slotWord(L.slot(x), SLOT.TAGS)] = bits;
    for (const [x, n] of spec.pins ?? []) s[L.slotWord(L.slot(x), SLOT.PINS)] = n;
    for (const x of spec.written ?? []) s[L.slotWord(L.slot(x), SLOT.DATA)] = DATA_BEFORE;
    for (const [x, p] of spec.ptes ?? []) s[L.slotWord(L.slot(x), SLOT.PTE)] = p;
    for (const [x, b] of spec.blocks ?? []) s[L.slotWord(L.slot(x), SLOT.BLOCK)] = b;
    s[G.INODE_FLAGS] = (spec.inode?.dax === false ? 0 : S_DAX) | (spec.inode?.reflink ? S_REFLINK : 0);
    if (spec.mapDirect) establishMapping(s, spec.inode?.dax !== false);
    if (spec.daxDevices) initDevices(s, spec.daxDevices, spec.dmTable ?? []);
    if (spec.device) establishDevice(s, spec.device.pmd, spec.device.ptes ?? 0, spec.device.vma ?? false);
    spec.threads.forEach((t, i) => this.vm.start(s, i, t.fn, t.args));
    spec.threads.forEach((t, i) => { s[L.thread(i) + THREAD.CRED] = t.cred ?? CRED_OWNER; });
    // Each thread stands at its first visible step.
    for (let t = 0; t < L.nThreads; t++) {
      const w = new Step(L, s, t, (u) => this.threads[u].name);
      this.vm.advance(w);
      if (w.fault) throw new Error(`scenario ${spec.name}: ${this.threads[t].name} faults before its first step: ${w.fault.message}`);
      if (this.vm.forgetDead) this.vm.forget(w, true);
    }
    return s;
  }

  initial(): Int32Array { return this.init.slice(); }

  status(state: Int32Array, thread: number): Status { return this.vm.status(state, thread); }

  successors(state: Int32Array, thread: number): Transition[] { return this.vm.successors(state, thread); }

  moves(state: Int32Array, thread: number): Moves { return this.vm.moves(state, thread); }

  // --- symmetry ------------------------------------------------------------------

  /** Applies a thread permutation (perm[old] = new) to a state: thread regions move, and every
   *  thread id stored in the state (lock holders, queue entries, last wakers) is renamed. */
  permute(state: Int32Array, perm: ArrayLike<number>): Int32Array {
    const out = allocState(state.length);
    this.permuteInto(state, perm, out);
    return out;
  }

  private permuteInto(state: Int32Array, perm: ArrayLike<number>, out: Int32Array): void {
    const { L } = this;
    out.set(state);
    for (let t = 0; t < L.nThreads; t++) {
      out.set(state.subarray(L.thread(t), L.thread(t) + L.threadStride), L.thread(perm[t]));
    }
    const { globals, fields } = THREAD_ID_WORDS;
    for (const { at, holds } of globals) out[at] = renamed(holds, perm, state[at]);
    const records: [number, number, number, readonly { at: number; holds: Holds; perThread: boolean }[]][] = [
      [L.slotBase, L.indexes.length, SLOT_STRIDE, fields.index],
      [L.pageBase, L.nPages, PAGE_STRIDE, fields.page],
      [L.queueBase, L.nQueues, L.queueStride, fields.queue],
    ];
    for (const [base, n, stride, words] of records) {
      for (let r = 0; r < n; r++) {
        for (const { at, holds, perThread } of words) {
          for (let i = 0, end = perThread ? L.nThreads : 1; i < end; i++) {
            const w = base + r * stride + at + i;
            out[w] = renamed(holds, perm, state[w]);
          }
        }
      }
    }
  }

  /** Threads in the order canonical() gives them, and its scratch states. */
  private readonly order: Int32Array;
  private readonly perm: Int32Array;
  /** canonical()'s ties, kept between calls. */
  private readonly ties: number[] = [];
  private scratch = new Int32Array(0);
  private best = new Int32Array(0);

  /** Compares the regions of threads a and b of a state, word by word. */
  private cmpRegions(state: Int32Array, a: number, b: number): number {
    const { L } = this;
    const ra = L.thread(a);
    const rb = L.thread(b);
    for (let i = 0; i < L.threadStride; i++) {
      const d = state[ra + i] - state[rb + i];
      if (d !== 0) return d;
    }
    return 0;
  }

  /**
   * The representative of a state's symmetry class: within each class, threads are ordered by
   * their regions (stack, task state), which hold no thread ids; threads whose regions tie are
   * told apart only by the ids stored elsewhere, so every order of a tie is tried and the least
   * resulting state wins. Every permutation of a class yields the same candidates, hence the
   * same representative.
   */
  canonical(state: Int32Array): Int32Array {
    if (this.classes.length === 0) return state;
    const { L, order, perm } = this;
    for (let t = 0; t < L.nThreads; t++) perm[t] = t;
    // Ties: [start, end) ranges of `order` whose threads' regions are equal.
    const ties = this.ties;
    ties.length = 0;
    let at = 0;
    for (const cls of this.classes) {
      // Insertion sort of the class by region (classes are a few threads).
      for (let i = 0; i < cls.length; i++) {
        const t = cls[i];
        let j = at + i;
        while (j > at && this.cmpRegions(state, order[j - 1], t) > 0) { order[j] = order[j - 1]; j--; }
        order[j] = t;
      }
      for (let i = 0; i < cls.length; i++) perm[order[at + i]] = cls[i];
      for (let i = 0; i < cls.length;) {
        let j = i + 1;
        while (j < cls.length && this.cmpRegions(state, order[at + i], order[at + j]) === 0) j++;
        if (j - i > 1) ties.push(at + i, at + j);
        i = j;
      }
      at += cls.length;
    }
    if (ties.length === 0) {
      for (let t = 0; t < L.nThreads; t++) if (perm[t] !== t) return this.permute(state, perm);
      return state;
    }
    if (this.scratch.length !== state.length) {
      this.scratch = new Int32Array(state.length);
      this.best = new Int32Array(state.length);
    }
    let found = false;
    // Every order of every tie: the slots of a tie's threads are dealt out in all orders.
    const tryTies = (k: number): void => {
      if (k === ties.length) {
        this.permuteInto(state, perm, this.scratch);
        if (!found || less(this.scratch, this.best)) { this.best.set(this.scratch); found = true; }
        return;
      }
      const from = ties[k];
      const to = ties[k + 1];
      const slots: number[] = [];
      for (let i = from; i < to; i++) slots.push(perm[order[i]]);
      for (const o of orderings(to - from)) {
        for (let i = from; i < to; i++) perm[order[i]] = slots[o[i - from]];
        tryTies(k + 2);
      }
      for (let i = from; i < to; i++) perm[order[i]] = slots[i - from];
    };
    tryTies(0);
    const out = allocState(state.length);
    out.set(this.best);
    return out;
  }


  // --- properties (src/model/properties) -----------------------------------------

  /** What the properties read, kept between calls: invariants() runs on every state. */
  private readonly ctx: PropertyContext;

  /** Faults of a state; the clean case, which is nearly every state, allocates nothing (the
   *  array it returns is shared and frozen). */
  invariants(state: Int32Array): Fault[] {
    this.ctx.st = state;
    let faults: Fault[] = NO_FAULTS;
    for (const p of INVARIANTS) {
      const f = p.invariant!(this.ctx);
      if (f.length) faults = faults.length ? [...faults, ...f] : f;
    }
    return faults;
  }

  quiescent(state: Int32Array): Fault[] {
    const { L, ctx } = this;
    ctx.st = state;
    const faults: Fault[] = [];
    for (let t = 0; t < L.nThreads; t++) {
      if (ctx.done(t)) continue;
      const cur = this.vm.current(state, t)!;
      const stuck = { t, ins: cur.ins, fn: cur.fn.name, othersDone: this.threads.every((_x, u) => u === t || ctx.done(u)) };
      let why: Fault | null = null;
      for (const p of STUCK) if ((why = p.stuck!(ctx, stuck)) !== null) break;
      faults.push(why ?? { kind: 'deadlock', threads: [t], message: `${ctx.name(t)} cannot run at ${cur.fn.name}: ${cur.ins.label}` });
    }
    if (this.threads.every((_x, t) => ctx.done(t))) for (const p of FINAL) faults.push(...p.final!(ctx));
    return faults;
  }

  // --- the panel -----------------------------------------------------------------

  view(state: Int32Array): StateView {
    const { L } = this;
    const name = (v: number): string => (v > 0 ? this.threads[v - 1].name : 'none');
    const out = objectsView(state, { L, name });
    out.threads = this.threads.map((ti, t) => {
      const st = this.status(state, t);
      return { name: ti.name, status: st === Status.Done ? 'done' : st === Status.Blocked ? 'blocked' : 'runnable', at: this.vm.at(state, t) };
    });
    this.threads.forEach((ti, t) => {
      if (state[L.thread(t) + THREAD.STATUS] === TStatus.Done) out.other[`${ti.name} returned`] = hex(state[L.thread(t) + THREAD.RETVAL]);
    });
    return out;
  }

  /** The functions of this machine's program, by name. */
  func(name: string): Func | undefined {
    const i = this.prog.byName.get(name);
    return i === undefined ? undefined : this.prog.funcs[i];
  }
}

/** Every object the invariants read. */
function observed(L: Layout, start: Int32Array): readonly number[] {
  const x = new TouchSet(L, start, L.objectIds());
  for (const p of INVARIANTS) p.observes!(x);
  return x.result().reads;
}

/** A thread id + 1 stored in the state, renamed by perm; 0 (none) stays. */
function rename(perm: ArrayLike<number>, v: number): number { return v > 0 ? perm[v - 1] + 1 : v; }

/** A word holding a thread id as `holds` says, renamed by perm. */
function renamed(holds: Holds, perm: ArrayLike<number>, v: number): number {
  switch (holds) {
    case 'thread': return rename(perm, v);
    case 'rwsem': return v < 0 ? -rename(perm, -v) : v;
    case 'waiter': return v === 0 ? 0 : (v & ~0xff) | rename(perm, v & 0xff);
  }
}

function less(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/** Every order of 0..n-1, computed once per n. */
const ORDERINGS: number[][][] = [];
function orderings(n: number): number[][] {
  return ORDERINGS[n] ??= permutationsOf(Array.from({ length: n }, (_x, i) => i));
}

function permutationsOf(xs: number[]): number[][] {
  if (xs.length <= 1) return [xs.slice()];
  const out: number[][] = [];
  xs.forEach((x, i) => {
    for (const rest of permutationsOf([...xs.slice(0, i), ...xs.slice(i + 1)])) out.push([x, ...rest]);
  });
  return out;
}
