// Small machines for testing the explorer without the DAX model: threads run little
// programs over shared words, mutexes and one hashed exclusive wait queue, enough to
// reproduce a lost wakeup, a two-lock deadlock, a spin livelock and a locking fault.
import { Status, type Fault, type Machine, type StateView, type ThreadInfo, type Transition, type ViolationKind } from '../../../src/model/machine';
import type { Verdict } from '../../../src/check/types';

/** What one instruction did to the (copied) state. */
export interface Effect {
  note: string;
  reads: number[];
  writes: number[];
  progress?: boolean;
  fault?: Fault;
  /** Next pc; pc + 1 when absent. */
  next?: number;
  choice?: string;
}

export interface Instr {
  label: string;
  /** True when the thread cannot run this instruction now (a mutex held by another). */
  blocked?(s: Int32Array, t: number, m: ToyMachine): boolean;
  /** Runs on a copy of the state; several effects when the step branches (each on its own copy). */
  run(s: Int32Array, t: number, m: ToyMachine, branch: number): Effect;
  branches?: number;
  /** Every object the instruction may read or write, whatever the state (for Machine.future). */
  touches?(m: ToyMachine): number[];
}

export interface ToyThread { name: string; cls: number; prog: Instr[] }

export interface ToySpec {
  name: string;
  vars: string[];
  /** Vars holding a thread number + 1 (mutex holders): renamed by canonical(). */
  holders?: string[];
  init?: Record<string, number>;
  threads: ToyThread[];
  invariants?(s: Int32Array, m: ToyMachine): Fault[];
  /** The vars invariants() reads (Machine.invariantReads); needed with invariants for partial-order reduction. */
  invariantReads?: string[];
  /** Mutexes the machine itself reports as deadlocked (otherwise the explorer's own check does). */
  classifyLockWaits?: boolean;
}

/** Object id of the wait queue in footprints (vars are their own index). */
export const QUEUE = 10_000;

export class ToyMachine implements Machine {
  readonly name: string;
  readonly threads: ThreadInfo[];
  readonly n: number;
  private readonly varIndex = new Map<string, number>();
  private readonly holderSlots: number[];
  /** Set when every instruction says what it touches. */
  readonly future?: (s: Int32Array, t: number) => { reads: readonly number[]; writes: readonly number[] };
  readonly invariantReads?: readonly number[];

  constructor(readonly spec: ToySpec) {
    this.name = spec.name;
    this.n = spec.threads.length;
    this.threads = spec.threads.map((t) => ({ name: t.name, symmetryClass: t.cls }));
    spec.vars.forEach((v, i) => this.varIndex.set(v, 3 * this.n + i));
    this.holderSlots = (spec.holders ?? []).map((h) => this.v(h));
    if (spec.threads.every((th) => th.prog.every((i) => i.touches))) {
      // Jumps go forward or back to the same instruction, so a thread's future is what its
      // instructions from its pc on touch.
      const after = spec.threads.map((th) => th.prog.map((_, pc) => [...new Set(th.prog.slice(pc).flatMap((i) => i.touches!(this)))]));
      this.future = (s, t) => {
        const f = after[t][s[t]] ?? [];
        return { reads: f, writes: f };
      };
    }
    if (!spec.invariants) this.invariantReads = [];
    else if (spec.invariantReads) this.invariantReads = spec.invariantReads.map((v) => this.v(v));
  }

  /** Slot of a shared var. Thread t: pc at t, queue ticket at n+t, wait key at 2n+t. */
  v(name: string): number {
    const i = this.varIndex.get(name);
    if (i === undefined) throw new Error(`no var ${name}`);
    return i;
  }

  initial(): Int32Array {
    const s = new Int32Array(3 * this.n + this.spec.vars.length);
    for (const [k, val] of Object.entries(this.spec.init ?? {})) s[this.v(k)] = val;
    return s;
  }

  status(s: Int32Array, t: number): Status {
    const prog = this.spec.threads[t].prog;
    if (s[t] >= prog.length) return Status.Done;
    if (s[this.n + t] > 0) return Status.Blocked;
    return prog[s[t]].blocked?.(s, t, this) ? Status.Blocked : Status.Runnable;
  }

  successors(s: Int32Array, t: number): Transition[] {
    const ins = this.spec.threads[t].prog[s[t]];
    const out: Transition[] = [];
    for (let b = 0; b < (ins.branches ?? 1); b++) {
      const c = s.slice();
      const e = ins.run(c, t, this, b);
      c[t] = e.next ?? s[t] + 1;
      const tr: Transition = { thread: t, state: c, fn: this.spec.threads[t].name.split(':')[0], label: ins.label, note: e.note, reads: e.reads, writes: e.writes, progress: e.progress ?? true };
      if (e.fault) tr.fault = e.fault;
      if (e.choice) tr.choice = e.choice;
      out.push(tr);
    }
    return out;
  }

  canonical(s: Int32Array): Int32Array {
    const n = this.n;
    const perm = this.threads.map((_, t) => t); // perm[newSlot] = oldThread
    const classes = new Map<number, number[]>();
    this.threads.forEach((th, t) => { const l = classes.get(th.symmetryClass) ?? []; l.push(t); classes.set(th.symmetryClass, l); });
    for (const slots of classes.values()) {
      if (slots.length < 2) continue;
      const sorted = [...slots].sort((a, b) => s[a] - s[b] || s[n + a] - s[n + b] || s[2 * n + a] - s[2 * n + b]);
      slots.forEach((slot, i) => { perm[slot] = sorted[i]; });
    }
    if (perm.every((p, i) => p === i)) return s;
    const inv = new Int32Array(n);
    perm.forEach((old, slot) => { inv[old] = slot; });
    const c = s.slice();
    for (let slot = 0; slot < n; slot++) {
      const old = perm[slot];
      c[slot] = s[old]; c[n + slot] = s[n + old]; c[2 * n + slot] = s[2 * n + old];
    }
    for (const h of this.holderSlots) if (c[h] > 0) c[h] = inv[c[h] - 1] + 1;
    return c;
  }

  invariants(s: Int32Array): Fault[] {
    return this.spec.invariants?.(s, this) ?? [];
  }

  quiescent(s: Int32Array): Fault[] {
    const faults: Fault[] = [];
    for (let t = 0; t < this.n; t++) {
      if (this.status(s, t) !== Status.Blocked) continue;
      if (s[this.n + t] > 0) {
        faults.push({ kind: 'lost-wakeup', message: `${this.threads[t].name} sleeps forever on key ${s[2 * this.n + t]}`, threads: [t], detail: { key: s[2 * this.n + t] } });
      } else if (this.spec.classifyLockWaits) {
        faults.push({ kind: 'deadlock', message: `${this.threads[t].name} waits forever for a mutex`, threads: [t] });
      }
    }
    if (faults.length === 0 && this.threads.every((_, t) => this.status(s, t) === Status.Done)) {
      for (const h of this.holderSlots) {
        if (s[h] > 0) faults.push({ kind: 'entry-left-locked', message: `${this.spec.vars[h - 3 * this.n]} left locked by ${this.threads[s[h] - 1].name}`, threads: [s[h] - 1] });
      }
    }
    return faults;
  }

  view(s: Int32Array): StateView {
    const n = this.n;
    return {
      entries: [],
      waitqueues: [{ key: 'all', waiters: this.threads.filter((_, t) => s[n + t] > 0).map((th) => th.name) }],
      locks: this.holderSlots.map((h) => ({ name: this.spec.vars[h - 3 * n], holder: s[h] > 0 ? this.threads[s[h] - 1].name : null })),
      threads: this.threads.map((th, t) => {
        const st = this.status(s, t);
        return { name: th.name, status: st === Status.Done ? 'done' : st === Status.Blocked ? 'blocked' : 'runnable', at: String(s[t]) };
      }),
      other: Object.fromEntries(this.spec.vars.map((v) => [v, s[this.v(v)]])),
    };
  }

  /** Puts thread t at the tail of the wait queue, sleeping on `key`. */
  sleep(s: Int32Array, t: number, key: number): void {
    let last = 0;
    for (let u = 0; u < this.n; u++) last = Math.max(last, s[this.n + u]);
    s[this.n + t] = last + 1;
    s[2 * this.n + t] = key;
  }

  /** Wakes up to nr (0: all) waiters on `key`, in queue order; other keys do not count. */
  wake(s: Int32Array, key: number, nr: number): number {
    const n = this.n;
    const order = this.threads.map((_, t) => t).filter((t) => s[n + t] > 0).sort((a, b) => s[n + a] - s[n + b]);
    let woken = 0;
    for (const t of order) {
      if (s[2 * n + t] !== key) continue;
      const ticket = s[n + t];
      s[n + t] = 0;
      s[2 * n + t] = 0;
      for (let u = 0; u < n; u++) if (s[n + u] > ticket) s[n + u]--;
      woken++;
      if (nr && woken === nr) break;
    }
    return woken;
  }
}

// Instructions. Var names resolve against the machine at run time.

export const lock = (v: string): Instr => ({
  label: `mutex_lock(&${v})`,
  touches: (m) => [m.v(v)],
  blocked: (s, t, m) => s[m.v(v)] !== 0 && s[m.v(v)] !== t + 1,
  run: (s, t, m) => {
    const i = m.v(v);
    if (s[i] === t + 1) return { note: `${v} locked twice`, reads: [i], writes: [i], fault: { kind: 'lock-imbalance', message: `${v} locked twice`, threads: [t] } };
    s[i] = t + 1;
    return { note: `${v} locked`, reads: [i], writes: [i] };
  },
});

export const unlock = (v: string): Instr => ({
  label: `mutex_unlock(&${v})`,
  touches: (m) => [m.v(v)],
  run: (s, t, m) => {
    const i = m.v(v);
    if (s[i] !== t + 1) return { note: `${v} not held`, reads: [i], writes: [i], fault: { kind: 'lock-imbalance', message: `unlock of ${v}, which is not held`, threads: [t] } };
    s[i] = 0;
    return { note: `${v} unlocked`, reads: [i], writes: [i] };
  },
});

export const set = (v: string, val: number): Instr => ({
  label: `${v} = ${val}`,
  touches: (m) => [m.v(v)],
  run: (s, _t, m) => { s[m.v(v)] = val; return { note: `${v} = ${val}`, reads: [], writes: [m.v(v)] }; },
});

/** A thread-local step: touches nothing shared. */
export const local = (label: string): Instr => ({ label, touches: () => [], run: () => ({ note: label, reads: [], writes: [] }) });

/** Retries (without progress) until var v equals val. */
export const spinUntil = (v: string, val: number): Instr => ({
  label: `while (${v} != ${val}) cpu_relax()`,
  touches: (m) => [m.v(v)],
  run: (s, t, m) => {
    const i = m.v(v);
    if (s[i] !== val) return { note: `${v} is ${s[i]}, retry`, reads: [i], writes: [], progress: false, next: s[t] };
    return { note: `${v} is ${val}`, reads: [i], writes: [] };
  },
});

/**
 * Checks a condition and, if it holds, sleeps on `key` in one atomic step (as under the
 * tree lock); a woken thread runs the check again.
 */
export const sleepWhile = (cond: (s: Int32Array, m: ToyMachine) => boolean, key: number, vars: string[], label = `sleep on ${key}`): Instr => ({
  label,
  touches: (m) => [...vars.map((v) => m.v(v)), QUEUE],
  run: (s, t, m) => {
    const reads = vars.map((v) => m.v(v));
    if (cond(s, m)) {
      m.sleep(s, t, key);
      return { note: `asleep on ${key}`, reads: [...reads, QUEUE], writes: [QUEUE], next: s[t] };
    }
    return { note: 'no need to sleep', reads, writes: [] };
  },
});

export const wake = (key: number, nr: number): Instr => ({
  label: `__wake_up(wq, TASK_NORMAL, ${nr}, key ${key})`,
  touches: () => [QUEUE],
  run: (s, _t, m) => {
    const woken = m.wake(s, key, nr);
    return { note: `woke ${woken} waiter${woken === 1 ? '' : 's'} on ${key}`, reads: [QUEUE], writes: [QUEUE] };
  },
});

/** A choice the explorer branches on (an injected failure): jumps to `to[b]`. */
export const choose = (label: string, to: number[]): Instr => ({
  label,
  branches: to.length,
  touches: () => [],
  run: (_s, _t, _m, b) => ({ note: `branch ${b}`, reads: [], writes: [], next: to[b], choice: `${label}: ${b}` }),
});

// The machines.

/**
 * The shape of the PMD downgrade race: T1 holds the entry at key 0 and removes it, then
 * wakes waiters on key 0; each waiter slept on key 0 while the entry was locked, and
 * once woken takes the new PTE entry lock P, releases it and wakes key 1 (its own index).
 * Waking one waiter on key 0 leaves the others asleep forever.
 */
export function downgrade(wakeAll: boolean, waiters = 2, extraSteps = 0): ToyMachine {
  const waiter = (i: number): ToyThread => ({
    name: `T${i + 2}: pte fault`,
    cls: 1,
    prog: [
      sleepWhile((s, m) => s[m.v('E')] !== 0, 0, ['E'], 'get_unlocked_mapping_entry: sleep on 0x200'),
      ...Array.from({ length: extraSteps }, (_, k) => local(`local work ${k}`)),
      lock('P'),
      unlock('P'),
      wake(1, 1),
    ],
  });
  return new ToyMachine({
    name: `toy-downgrade-${wakeAll ? 'all' : 'one'}-${waiters}`,
    vars: ['E', 'P'],
    holders: ['E', 'P'],
    init: { E: 1 },
    threads: [
      { name: 'T1: pmd downgrade', cls: 0, prog: [unlock('E'), wake(0, wakeAll ? 0 : 1)] },
      ...Array.from({ length: waiters }, (_, i) => waiter(i)),
    ],
  });
}

export function twoLocks(classify = false): ToyMachine {
  return new ToyMachine({
    name: 'toy-two-locks',
    vars: ['A', 'B'],
    holders: ['A', 'B'],
    classifyLockWaits: classify,
    threads: [
      { name: 'T1: a then b', cls: 0, prog: [lock('A'), lock('B'), unlock('B'), unlock('A')] },
      { name: 'T2: b then a', cls: 1, prog: [lock('B'), lock('A'), unlock('A'), unlock('B')] },
    ],
  });
}

/** T1 takes E and, when leak, returns with it held; T2 spins until E is free. */
export function spinner(leak: boolean): ToyMachine {
  return new ToyMachine({
    name: `toy-spinner-${leak ? 'leak' : 'ok'}`,
    vars: ['E'],
    holders: ['E'],
    threads: [
      { name: 'T1: holder', cls: 0, prog: leak ? [lock('E')] : [lock('E'), unlock('E')] },
      { name: 'T2: spinner', cls: 1, prog: [spinUntil('E', 0), lock('E'), unlock('E')] },
    ],
  });
}

/** n threads each counting its own var k times: all steps independent. */
export function counters(n: number, k: number): ToyMachine {
  return new ToyMachine({
    name: `toy-counters-${n}x${k}`,
    vars: Array.from({ length: n }, (_, i) => `c${i}`),
    threads: Array.from({ length: n }, (_, i) => ({
      name: `T${i + 1}: count`,
      cls: i,
      prog: Array.from({ length: k }, (_, j) => set(`c${i}`, j + 1)),
    })),
  });
}

// Helpers for property tests over any machine.

/** The same machine with its threads listed in another order. */
export function permuted(m: Machine, perm: number[]): Machine {
  const inv = perm.map((_, i) => perm.indexOf(i));
  const remap = (f: Fault): Fault => ({ ...f, threads: f.threads?.map((t) => inv[t]) });
  return {
    name: m.name,
    threads: perm.map((p) => m.threads[p]),
    initial: () => m.initial(),
    status: (s, t) => m.status(s, perm[t]),
    successors: (s, t) => m.successors(s, perm[t]).map((tr): Transition => ({ ...tr, thread: t, fault: tr.fault && remap(tr.fault) })),
    canonical: (s) => m.canonical(s),
    invariants: (s) => m.invariants(s).map(remap),
    quiescent: (s) => m.quiescent(s).map(remap),
    view: (s) => m.view(s),
    future: m.future && ((s, t) => m.future!(s, perm[t])),
    invariantReads: m.invariantReads,
  };
}

/** Kind -> shortest trace length (livelock traces include a cycle, whose length symmetry may shorten). */
export function summary(v: Verdict): Record<string, number> {
  return Object.fromEntries(v.violations.map((x) => [x.kind, x.kind === 'livelock' ? 0 : x.trace.steps.length]));
}

/**
 * Kinds of violation that `walks` random schedules of at most `depth` steps run into
 * (step faults, invariants, quiescent faults and unclassified deadlocks).
 */
export function randomWalkKinds(m: Machine, seed: number, walks: number, depth: number): Set<ViolationKind> {
  const kinds = new Set<ViolationKind>();
  let rnd = seed >>> 0;
  const next = (k: number): number => { rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0; return (rnd >>> 8) % k; };
  for (let walk = 0; walk < walks; walk++) {
    let s = m.initial();
    for (let d = 0; d < depth; d++) {
      for (const f of m.invariants(s)) kinds.add(f.kind);
      const runnable = m.threads.map((_, t) => t).filter((t) => m.status(s, t) === Status.Runnable);
      if (runnable.length === 0) {
        const q = m.quiescent(s);
        for (const f of q) kinds.add(f.kind);
        if (q.length === 0 && m.threads.some((_, t) => m.status(s, t) === Status.Blocked)) kinds.add('deadlock');
        break;
      }
      const ts = m.successors(s, runnable[next(runnable.length)]);
      const tr = ts[next(ts.length)];
      if (tr.fault) { kinds.add(tr.fault.kind); break; }
      s = tr.state;
    }
  }
  return kinds;
}
