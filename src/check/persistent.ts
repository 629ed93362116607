// Partial-order reduction of states: persistent sets (Godefroid 1996, ch. 4; Valmari's
// stubborn sets), chosen from the footprints of the threads' next steps and the objects
// the machine says each thread may still touch (Machine.future).
//
// What is chosen. At a state s with enabled threads E, a set P of threads is persistent
// when no step outside P, on any path from s that takes only steps of threads outside P,
// conflicts with the next step of a thread in P. Built as a closure: start from one enabled
// thread t; every live thread v outside P whose future meets the next step of a thread u of
// P joins P (u's step writes what v may read or write, or reads what v may write). A blocked
// thread cannot join (its step is not enabled at s: the set would need the steps that wake
// it), and neither can a visible step (below): the closure then fails and t is no seed.
// The smallest closure over all seeds is taken; when none is smaller than E, E is
// explored. Steps of threads outside P are independent of P's steps, so by the Machine
// contract they commute with them, neither enables nor disables them, and leave them the
// same steps (same reads, same branches, same faults).
//
// Visible steps. A step that writes an object invariants() reads (Machine.invariantReads)
// is visible: a reduced set holds only invisible steps, so between the states of a
// reduced expansion the invariants' inputs do not change.
//
// Cycle proviso (explore.ts). A state is expanded with a reduced set only if every
// successor by a step of the set comes after it in the store (new, or found but not yet
// expanded: ids are given in order of discovery and states expanded in order of id);
// otherwise every enabled thread is explored. So a reduced state's steps lead to states of
// larger ids: a walk along reduced steps climbs and, the store being finite,
// reaches a fully expanded state, and every cycle holds one. No step is postponed forever
// around a cycle (the ignoring problem). A state that the sleep sets reopen after a
// reduced expansion is expanded in full.
//
// What is preserved (P(s) persistent, invisible unless P(s) = E, the proviso). Let w be a
// path from a visited state s.
//  - Quiescent states (no thread can run; so every final state): if w ends in a quiescent
//    state q, some thread of P(s) steps in w (a step of P(s) not taken stays enabled, and
//    q has none); its first step commutes to the front of w. By induction on |w| the
//    reduced graph reaches q itself by a permutation of w: the same state, at the same
//    length, so the quiescent faults and their shortest traces are unchanged.
//  - Invariant faults and step faults: if w ends in a state x that breaks an invariant,
//    or a thread b's step from x commits a fault, either some step of P(s) is in w (it
//    commutes to the front as above), or none is: then a step a of P(s) is invisible and
//    independent of every step of w and of b's step (b outside P(s): b's future; b in
//    P(s): b has not stepped, so its step from x is its step from s, explored there), so
//    a·w reaches a(x), whose invariant inputs are x's, and b's step from a(x) is b's step
//    from x. The path grew by one; the proviso bounds how often: prepending reduced steps
//    walks the reduced graph up in id to a fully expanded state, where the first step of
//    w is explored. So every kind of fault the full search finds, the reduced search
//    finds, but possibly by a longer path.
//  - Symmetry: the argument holds for each stored (canonical) state, a real state of the
//    machine; a permutation of a path to a fault is a path to the permuted fault, and the
//    proviso is stated on the stored graph's ids.
//  - Sleep sets: a reduced set holds no sleeping thread (a closure that needs one fails), so
//    every step of P(s) is explored and the proviso sees each of its edges; a child's sleep
//    set holds only threads asleep at s or explored before at s (Godefroid 1996, ch. 6:
//    sleep sets over persistent sets preserve what persistent sets preserve). A sleeping
//    step in P(s) would be an edge the proviso never sees: a thread spinning in a
//    self-loop, asleep, would stand for the others at every state around it.
//    Sleep sets replace a pruned path by a permutation of it, of the same length, so the
//    depth of a quiescent state in the reduced graph is still the length of its shortest
//    path in the full graph (the breadth-first order and the depth repair of explore.ts
//    do the rest).
//  - Livelock: a terminal component C of the full graph, with an edge, reached from the
//    root. The reduced graph reaches a state of C: a path w into C is, by the argument
//    for quiescent states read the other way, a prefix up to permutation of a reduced
//    path w', and the state after w' is reached from one of C, so it lies in C. Every
//    state of C has an enabled thread, so a nonempty persistent set, whose steps stay in
//    C. The states of C the reduced graph holds, finitely many, each with a step to
//    another of them, make a cycle. So a reduced graph without a cycle proves there is no
//    livelock. That needs the reduced graph closed under the steps of its persistent sets,
//    which sleep sets break (a sleeping step may lead to a state the search never keeps):
//    where persistent sets must answer it, the search runs without sleep sets
//    (explore.ts).
// Shortest traces: quiescent faults keep their lengths; invariant and step faults may be
// found later on a longer path, and a livelock is a cycle whose shortest form only the
// full graph shows. So a reduced search that finds an invariant or step fault, that
// keeps a cycle while the livelock property is on, or that stopped before the end with a
// fault found or a step without progress seen (at the first fault, or out of budget: a
// fault of another kind may lie shallower), is answered by the unreduced search
// (explore.ts). Otherwise its answer is the full search's: no fault, or quiescent faults
// only, each kind found (the argument above) at its shortest length, and no livelock.

import type { Machine } from '../model/machine';
import type { Footprints } from './footprints';

export class PersistentSets {
  /** Per thread, the footprint number of its future at the state being expanded. */
  private readonly futures: Int32Array;
  /** The footprint that reads what the invariants read: a step conflicting with it is visible. */
  private readonly observed: number;
  /** Futures by thread and the block number of the part that decides them (Machine.futureParts). */
  private readonly remembered = new Map<number, number>();

  constructor(private readonly machine: Machine, private readonly footprints: Footprints) {
    this.futures = new Int32Array(machine.threads.length);
    this.observed = footprints.of([{ reads: machine.invariantReads ?? [], writes: [] }]);
  }

  /** Whether a machine says enough for persistent sets. */
  static supported(m: Machine): boolean {
    return typeof m.future === 'function' && m.invariantReads !== undefined;
  }

  /**
   * The threads to explore at the state `words` (block numbers `ids`): a persistent set of
   * invisible steps smaller than `enabled` and clear of the sleep set `asleep`, or `enabled`
   * itself. `live` holds the threads not done, and cur[t] the footprint of enabled thread t's
   * next step.
   */
  choose(words: () => Int32Array, ids: Int32Array, enabled: number, live: number, asleep: number, cur: Int32Array): number {
    if ((enabled & (enabled - 1)) === 0) return enabled;
    for (let m = live; m !== 0; m &= m - 1) {
      const v = 31 - Math.clz32(m & -m);
      this.futures[v] = this.futureOf(words, ids, v);
    }
    let best = enabled;
    let bestSize = popcount(enabled);
    for (let m = enabled & ~asleep; m !== 0; m &= m - 1) {
      const p = this.closure(31 - Math.clz32(m & -m), enabled & ~asleep, live, cur);
      if (p >= 0 && popcount(p) < bestSize) {
        best = p;
        bestSize = popcount(p);
        if (bestSize === 1) break;
      }
    }
    return best;
  }

  /** The footprint number of thread v's future, remembered by the part that decides it. */
  private futureOf(words: () => Int32Array, ids: Int32Array, v: number): number {
    const parts = this.machine.futureParts;
    const key = parts ? ids[parts[v]] * 32 + v : -1;
    if (key >= 0) {
      const f = this.remembered.get(key);
      if (f !== undefined) return f;
    }
    const f = this.footprints.of([this.machine.future!(words(), v)]);
    if (key >= 0) this.remembered.set(key, f);
    return f;
  }

  /** The persistent closure of seed t within `enabled`, or -1 when it needs a thread outside
   *  it (blocked, or asleep) or a visible step. */
  private closure(t: number, enabled: number, live: number, cur: Int32Array): number {
    let p = 0;
    let todo = 1 << t;
    while (todo !== 0) {
      const u = 31 - Math.clz32(todo & -todo);
      todo &= todo - 1;
      if (this.visible(cur[u])) return -1;
      p |= 1 << u;
      for (let m = live & ~p & ~todo; m !== 0; m &= m - 1) {
        const v = 31 - Math.clz32(m & -m);
        if (!this.footprints.conflict(cur[u], this.futures[v])) continue;
        if ((enabled & (1 << v)) === 0) return -1;
        todo |= 1 << v;
      }
    }
    return p;
  }

  private visible(step: number): boolean {
    return this.footprints.conflict(step, this.observed);
  }
}

function popcount(x: number): number {
  let c = 0;
  for (; x !== 0; x &= x - 1) c++;
  return c;
}
