// A scenario as a Machine: the explorer's view of threads running the modelled
// functions over the packed state, with the properties checked on its states.
import type { Fault, Machine, Moves, StateView, ThreadInfo, Transition } from './machine';
import { Status } from './machine';
import { K, type Func } from './ir';
import {
  FRAME, G, Layout, PAGE, PAGE_STRIDE, Pmd, PTE_PFN, QUEUE, SLOT, SLOT_STRIDE, THREAD, THREAD_ID_WORDS, TStatus,
} from './kernel/layout';
import type { Holds } from './objects/object';
import { describeEntry, isExceptional, isPmd, lookupSlot, pmdHuge, TASK_UNINTERRUPTIBLE } from './kernel/prims';
import { Step } from './kernel/step';
import type { ScenarioSpec } from './scenarios';
import { allocState, reachableFuncs, VM, type Program } from './vm';

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
  readonly vm: VM;
  /** Threads of one symmetry class, for the classes of two or more threads. */
  private readonly classes: number[][];
  private readonly init: Int32Array;

  constructor(readonly spec: ScenarioSpec, readonly prog: Program, opts: MachineOptions = {}) {
    const heads = spec.indexes.map((x) => x & ~K.PG_PMD_COLOUR);
    const fromEntries = (spec.entries ?? []).map(([x]) => x);
    const indexes = [...new Set([...spec.indexes, ...heads, ...fromEntries])].sort((a, b) => a - b);
    const regions = new Set(indexes.map((x) => x & ~K.PG_PMD_COLOUR));
    if (regions.size !== 1) throw new Error(`scenario ${spec.name}: indexes must lie in one PMD region`);
    const stack = Math.max(...spec.threads.map((t) => stackNeed(prog, t.fn)));
    this.L = new Layout(indexes, spec.pages ?? 1, opts.waitQueues ?? indexes.length, spec.threads.length, stack);
    this.threads = this.threadInfo();
    this.classes = [...new Set(this.threads.map((t) => t.symmetryClass))]
      .map((c) => this.threads.map((t, i) => (t.symmetryClass === c ? i : -1)).filter((i) => i >= 0))
      .filter((c) => c.length > 1);
    this.order = new Int32Array(this.L.nThreads);
    this.perm = new Int32Array(this.L.nThreads);
    this.vm = new VM(this.L, prog, (t) => this.threads[t].name, spec.threads.map((t) => t.fn), opts.reduce ?? true,
      opts.deadLocals ?? opts.reduce ?? true, opts.rememberSteps ?? true);
    if (opts.coverage) this.vm.recordCoverage();
    this.init = this.build(opts);
  }

  get name(): string { return this.spec.name; }

  /** The instructions the machine's steps ran, per function (with MachineOptions.coverage). */
  coverage(): Map<string, Set<number>> | null { return this.vm.coverage(); }

  get segments(): readonly number[] { return this.L.segments; }

  private threadInfo(): ThreadInfo[] {
    const keys: string[] = [];
    return this.spec.threads.map((t, i) => {
      const key = `${t.fn}(${t.args.join(',')})`;
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
    for (const [x, e] of spec.entries ?? []) {
      s[L.slotWord(L.slot(x), SLOT.ENTRY)] = e;
      if (isExceptional(e)) s[G.NREXCEPTIONAL]++;
    }
    for (const [x, p] of spec.ptes ?? []) s[L.slotWord(L.slot(x), SLOT.PTE)] = p;
    for (const [x, b] of spec.blocks ?? []) s[L.slotWord(L.slot(x), SLOT.BLOCK)] = b;
    spec.threads.forEach((t, i) => this.vm.start(s, i, t.fn, t.args));
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


  // --- properties ----------------------------------------------------------------

  /** Faults of a state; the clean case, which is nearly every state, allocates nothing (the
   *  array it returns is shared and frozen). */
  invariants(state: Int32Array): Fault[] {
    const { L } = this;
    let faults: Fault[] = NO_FAULTS;
    // Accounting: mapping->nrexceptional and ->nrpages count the tree's DAX entries and pages.
    // Writeback, truncate and the shrinkers trust them; they only change under tree_lock, so
    // they are checked whenever nobody holds it.
    if (state[G.TREE_LOCK] === 0) {
      let exc = 0;
      let pages = 0;
      for (let s = 0; s < L.indexes.length; s++) {
        const e = state[L.slotWord(s, SLOT.ENTRY)];
        if (e === 0) continue;
        if (isExceptional(e)) exc++; else pages++;
      }
      if (exc !== state[G.NREXCEPTIONAL]) {
        faults = [];
        faults.push({ kind: 'accounting', message: `mapping->nrexceptional is ${state[G.NREXCEPTIONAL]} but the tree holds ${exc} DAX entries`, detail: { nrexceptional: state[G.NREXCEPTIONAL], entries: exc } });
      }
      if (pages !== state[G.NRPAGES]) {
        if (faults === NO_FAULTS) faults = [];
        faults.push({ kind: 'accounting', message: `mapping->nrpages is ${state[G.NRPAGES]} but the tree holds ${pages} pages`, detail: { nrpages: state[G.NRPAGES], pages } });
      }
    }
    // Overlap: a huge PMD and PTEs never map the same range at once; the page table can hold
    // only one of them, and two mappings of one file offset would diverge.
    if (pmdHuge(state[G.PMD]) && this.anyPte(state)) {
      const ptes = L.indexes.filter((_x, s) => state[L.slotWord(s, SLOT.PTE)] !== 0);
      if (faults === NO_FAULTS) faults = [];
      faults.push({ kind: 'overlap', message: `a huge PMD and the PTE${ptes.length > 1 ? 's' : ''} of ${ptes.map(hex).join(', ')} map the same range`, detail: { pmd: state[G.PMD], ptes: ptes.map(hex).join(',') } });
    }
    return faults;
  }

  /** Whether any modelled index has a PTE. */
  private anyPte(state: Int32Array): boolean {
    const { L } = this;
    for (let s = 0; s < L.indexes.length; s++) if (state[L.slotWord(s, SLOT.PTE)] !== 0) return true;
    return false;
  }

  /** The key thread t sleeps on (its wait-queue entry), or -1. */
  private waitKey(state: Int32Array, t: number): number {
    const { L } = this;
    for (let q = 0; q < L.nQueues; q++) {
      for (let i = 0; i < L.nThreads; i++) {
        const v = state[L.queueWord(q, QUEUE.FIFO + i)];
        if (v !== 0 && (v & 0xff) === t + 1) return v >> 8;
      }
    }
    return -1;
  }

  quiescent(state: Int32Array): Fault[] {
    const { L } = this;
    const faults: Fault[] = [];
    const done = (t: number): boolean => this.status(state, t) === Status.Done;
    const name = (t: number): string => this.threads[t].name;
    for (let t = 0; t < L.nThreads; t++) {
      if (done(t)) continue;
      const othersDone = this.threads.every((_x, u) => u === t || done(u));
      const cur = this.vm.current(state, t)!;
      const ins = cur.ins;
      const prim = ins.k === 'prim' ? ins.name : '';
      if (prim === 'schedule' && state[L.thread(t) + THREAD.TASK_STATE] === TASK_UNINTERRUPTIBLE) {
        const key = this.waitKey(state, t);
        const s = lookupSlot(L, state, key);
        const e = s < 0 ? 0 : state[L.slotWord(s, SLOT.ENTRY)];
        const entryKey = s < 0 ? -1 : (e & K.RADIX_DAX_PMD ? L.indexes[s] & ~K.PG_PMD_COLOUR : key);
        const locked = isExceptional(e) && (e & K.RADIX_DAX_ENTRY_LOCK) !== 0 && entryKey === key;
        const q = L.queueOf(key);
        const waker = state[L.queueWord(q, QUEUE.LAST_WAKER)];
        const detail = {
          key: hex(key), entry: describeEntry(e),
          lastWaker: waker ? name(waker - 1) : 'none',
          nr_exclusive: waker ? state[L.queueWord(q, QUEUE.LAST_NR)] : -1,
          lastWakeKey: waker ? hex(state[L.queueWord(q, QUEUE.LAST_KEY)]) : 'none',
        };
        // Lost wakeup: an exclusive waiter must be woken by whoever unlocks, deletes or replaces
        // the entry it waits for; a sleeper whose entry is gone or unlocked was forgotten.
        if (!locked) {
          faults.push({
            kind: 'lost-wakeup', threads: [t], detail,
            message: `${name(t)} sleeps forever on key ${hex(key)} (${describeEntry(e)}); ` +
              (waker ? `last wake-up of that queue: ${name(waker - 1)} with nr_exclusive=${detail.nr_exclusive} on key ${detail.lastWakeKey}` : 'nobody ever woke that queue'),
          });
        } else if (othersDone) {
          // Entry left locked: every locked entry is unlocked by its locker, error paths included.
          faults.push({ kind: 'entry-left-locked', threads: [t], detail, message: `entry at ${hex(key)} is left locked (${describeEntry(e)}); ${name(t)} sleeps on it forever` });
        } else {
          faults.push({ kind: 'deadlock', threads: [t], detail, message: `${name(t)} waits on the locked entry at ${hex(key)} while no thread can run` });
        }
        continue;
      }
      if (prim === 'spin_lock_irq' || prim === 'xfs_ilock' || prim === 'lock_page' || prim === 'pmd_lock') {
        const holder = prim === 'spin_lock_irq' ? state[G.TREE_LOCK] - 1 : prim === 'pmd_lock' ? state[G.PTL] - 1
          : prim === 'xfs_ilock' ? (state[G.MMAPLOCK] < 0 ? -state[G.MMAPLOCK] - 1 : -1) : this.pageHolder(state, t);
        const what = prim === 'spin_lock_irq' ? 'mapping->tree_lock' : prim === 'xfs_ilock' ? 'XFS_MMAPLOCK' : prim === 'pmd_lock' ? 'the PMD lock' : 'a page lock';
        if (holder >= 0 && done(holder)) {
          // Lock imbalance: a lock is released on every path of the function that took it.
          faults.push({ kind: prim === 'lock_page' ? 'entry-left-locked' : 'lock-imbalance', threads: [t, holder], message: `${name(holder)} returned holding ${what}; ${name(t)} waits for it forever` });
        } else {
          // Deadlock: threads wait on each other.
          faults.push({ kind: 'deadlock', threads: holder >= 0 ? [t, holder] : [t], message: `${name(t)} waits for ${what}${holder >= 0 ? ` held by ${name(holder)}` : ''}` });
        }
        continue;
      }
      faults.push({ kind: 'deadlock', threads: [t], message: `${name(t)} cannot run at ${cur.fn.name}: ${ins.label}` });
    }
    if (this.threads.every((_x, t) => done(t))) {
      if (state[G.TREE_LOCK] !== 0) faults.push({ kind: 'lock-imbalance', message: `mapping->tree_lock still held by ${name(state[G.TREE_LOCK] - 1)} after every thread returned` });
      if (state[G.MMAPLOCK] !== 0) faults.push({ kind: 'lock-imbalance', message: 'XFS_MMAPLOCK still held after every thread returned' });
      if (state[G.PTL] !== 0) faults.push({ kind: 'lock-imbalance', message: `the PMD lock still held by ${name(state[G.PTL] - 1)} after every thread returned` });
      L.indexes.forEach((x, s) => {
        const e = state[L.slotWord(s, SLOT.ENTRY)];
        // Entry left locked: the next fault on the index would sleep forever.
        if (isExceptional(e) && e & K.RADIX_DAX_ENTRY_LOCK) faults.push({ kind: 'entry-left-locked', message: `entry at ${hex(x)} is still locked after every thread returned (${describeEntry(e)})`, detail: { index: hex(x), entry: describeEntry(e) } });
      });
      for (let p = 0; p < L.nPages; p++) {
        const h = state[L.pageWord(p, PAGE.LOCK)];
        if (h) faults.push({ kind: 'entry-left-locked', message: `page#${p} is still locked by ${name(h - 1)} after every thread returned` });
      }
      // Page references: once every thread returned, a page is referenced by the page cache
      // and by the PTEs that map it, nothing else; more is a leak, fewer a use after free.
      for (let p = 0; p < L.nPages; p++) {
        const ptes = L.indexes.filter((_x, s) => state[L.slotWord(s, SLOT.PTE)] === p + 1).length;
        const want = state[L.pageWord(p, PAGE.MAPPING)] + ptes;
        const ref = state[L.pageWord(p, PAGE.REF)];
        if (ref !== want) faults.push({ kind: 'refcount', message: `page#${p} holds ${ref} reference${ref === 1 ? '' : 's'} after every thread returned; the page cache and its PTEs account for ${want}`, detail: { page: p, refcount: ref, expected: want } });
      }
      // Stale mapping: a DAX pfn stays mapped only while the radix tree holds the entry that
      // covers it; otherwise writeback and truncate no longer see the mapping, and the block
      // can be reused under it.
      const stale = L.indexes.filter((x, s) => {
        if (state[L.slotWord(s, SLOT.PTE)] !== PTE_PFN) return false;
        const at = lookupSlot(L, state, x);
        return at < 0 || !isExceptional(state[L.slotWord(at, SLOT.ENTRY)]);
      });
      if (state[G.PMD] === Pmd.Devmap) {
        const head = L.indexes[0] & ~K.PG_PMD_COLOUR;
        const at = lookupSlot(L, state, head);
        if (at < 0 || !isPmd(state[L.slotWord(at, SLOT.ENTRY)])) stale.push(head);
      }
      if (stale.length) {
        faults.push({ kind: 'stale-mapping', message: `${stale.map(hex).join(', ')} still mapped to a DAX pfn without a radix tree entry after every thread returned`, detail: { mapped: stale.map(hex).join(',') } });
      }
      // Beyond EOF: once truncate has returned, nothing maps the file beyond i_size; a mapping
      // left there reaches blocks the filesystem has freed.
      const size = state[G.ISIZE];
      const beyond = L.indexes.filter((x, s) => x >= size && state[L.slotWord(s, SLOT.PTE)] !== 0);
      const region = L.indexes[0] & ~K.PG_PMD_COLOUR;
      if (pmdHuge(state[G.PMD]) && region + K.PG_PMD_NR > size) beyond.push(region);
      if (beyond.length) {
        faults.push({ kind: 'beyond-eof', message: `${beyond.map(hex).join(', ')} still mapped beyond i_size ${hex(size)} after every thread returned`, detail: { i_size: hex(size), mapped: beyond.map(hex).join(',') } });
      }
    }
    return faults;
  }

  private pageHolder(state: Int32Array, t: number): number {
    const { L } = this;
    for (let p = 0; p < L.nPages; p++) {
      const h = state[L.pageWord(p, PAGE.LOCK)];
      if (h && h !== t + 1) return h - 1;
    }
    return -1;
  }

  // --- the panel -----------------------------------------------------------------

  view(state: Int32Array): StateView {
    const { L } = this;
    const name = (v: number): string => (v > 0 ? this.threads[v - 1].name : 'none');
    const entries: StateView['entries'] = [];
    L.indexes.forEach((x, s) => {
      const e = state[L.slotWord(s, SLOT.ENTRY)];
      if (!e) return;
      entries.push({ index: x, order: isExceptional(e) && e & K.RADIX_DAX_PMD ? K.PMD_ORDER : 0, value: describeEntry(e), locked: isExceptional(e) ? (e & K.RADIX_DAX_ENTRY_LOCK) !== 0 : this.pageLocked(state, e) });
    });
    const waitqueues: StateView['waitqueues'] = [];
    for (let q = 0; q < L.nQueues; q++) {
      const ws: string[] = [];
      for (let i = 0; i < L.nThreads; i++) {
        const v = state[L.queueWord(q, QUEUE.FIFO + i)];
        if (v) ws.push(`${name(v & 0xff)} (key ${hex(v >> 8)})`);
      }
      const waker = state[L.queueWord(q, QUEUE.LAST_WAKER)];
      if (!ws.length && !waker) continue;
      const keys = L.indexes.filter((x) => L.queueOf(x) === q).map(hex);
      waitqueues.push({
        key: `wait_table[${q}] (keys ${keys.join(', ')})`, waiters: ws,
        lastWake: waker ? `${name(waker)}: key ${hex(state[L.queueWord(q, QUEUE.LAST_KEY)])}, nr_exclusive ${state[L.queueWord(q, QUEUE.LAST_NR)]}, woke ${state[L.queueWord(q, QUEUE.LAST_WOKEN)]}` : undefined,
      });
    }
    const mm = state[G.MMAPLOCK];
    const locks: StateView['locks'] = [
      { name: 'mapping->tree_lock', holder: state[G.TREE_LOCK] ? name(state[G.TREE_LOCK]) : null },
      { name: 'XFS_MMAPLOCK', holder: mm < 0 ? name(-mm) : mm > 0 ? `${mm} reader${mm > 1 ? 's' : ''}` : null },
    ];
    for (let p = 0; p < L.nPages; p++) {
      const h = state[L.pageWord(p, PAGE.LOCK)];
      if (h || state[L.pageWord(p, PAGE.REF)]) locks.push({ name: `page#${p} lock`, holder: h ? name(h) : null });
    }
    const threads: StateView['threads'] = this.threads.map((ti, t) => {
      const st = this.status(state, t);
      return { name: ti.name, status: st === Status.Done ? 'done' : st === Status.Blocked ? 'blocked' : 'runnable', at: this.vm.at(state, t) };
    });
    const other: Record<string, string | number> = {
      nrexceptional: state[G.NREXCEPTIONAL], nrpages: state[G.NRPAGES], i_size: hex(state[G.ISIZE]),
      pmd: ['none', 'huge zero page', 'devmap', 'pte table'][state[G.PMD]] ?? String(state[G.PMD]),
    };
    L.indexes.forEach((x, s) => {
      const p = state[L.slotWord(s, SLOT.PTE)];
      if (p) other[`pte ${hex(x)}`] = p < 0 ? 'pfn' : `page#${p - 1}`;
    });
    this.threads.forEach((ti, t) => {
      if (state[L.thread(t) + THREAD.STATUS] === TStatus.Done) other[`${ti.name} returned`] = hex(state[L.thread(t) + THREAD.RETVAL]);
    });
    return { entries, waitqueues, locks, threads, other };
  }

  private pageLocked(state: Int32Array, e: number): boolean {
    const p = (e >> 2) - 1;
    return p >= 0 && p < this.L.nPages && state[this.L.pageWord(p, PAGE.LOCK)] !== 0;
  }

  /** The functions of this machine's program, by name. */
  func(name: string): Func | undefined {
    const i = this.prog.byName.get(name);
    return i === undefined ? undefined : this.prog.funcs[i];
  }
}

/** The faults of a state that breaks no invariant. */
const NO_FAULTS: Fault[] = Object.freeze([]) as unknown as Fault[];

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
