// The explorer: a stateful breadth-first search over the interleavings of a Machine's
// visible steps. Breadth first, so the first counterexample of each kind is a shortest
// one. It knows nothing of DAX: the machine names the steps, the objects they touch and
// the faults of a state; the explorer decides which interleavings to run.
//
// Reductions
//
// Symmetry. Threads of one ThreadInfo.symmetryClass run the same program from the same
// start, so a state and any permutation of those threads have the same futures up to
// renaming. Every state is replaced by machine.canonical(state) before it is looked up,
// and only representatives are stored. Traces are rebuilt on the real (unpermuted)
// states afterwards (see `rebuild`), so a counterexample always names real threads.
//
// Sleep sets (Godefroid 1996, ch. 5), with the state-matching rule. The unit of choice is
// "the next step of thread t". Two threads' steps are independent when their footprints
// (Move.reads/writes, united over the step's branches) do not conflict: no write
// of one meets a read or a write of the other; such steps commute and neither enables or
// disables the other (the Machine contract). When a state s is expanded with sleep set Z,
// the enabled threads not in Z are explored in index order t1..tk, and the successor by
// ti gets the sleep set { u in Z or {t1..ti-1} : u independent of ti }: a sleeping u
// need not run after ti because "u then ti" reaches the same state by a path already
// explored, and it stays asleep only while the steps taken are independent of it (so
// its step, and its footprint, are unchanged). Sleep sets prune transitions, never
// states: every reachable state is still visited, so every state property (invariants,
// quiescent faults, deadlock) is preserved exactly. A pruned step is the same step (same
// thread, same reads) as one explored on the equivalent path, so a step fault is found
// there. The equivalent path is a permutation of the pruned one, of the same length, so
// states keep their BFS depth and traces stay shortest. The classic unsoundness of sleep sets
// with state matching (a state first met with sleep set Z_old, later met again by a path
// whose sleep set Z_new lacks some t of Z_old: the later path's justification for t was
// never established) is closed by the matching rule: the stored set becomes Z_old & Z_new
// and, if the state was already expanded, it is reopened for exactly Z_old \ Z_new, whose
// successors get { u in (Z_old & Z_new) or earlier reopened siblings : independent }.
// Nothing in that argument depends on the order of expansion: at the fixpoint, every
// enabled thread of a visited state either was explored there or sleeps there for every
// path that reached it, which is the invariant the proof needs; BFS only decides when
// the fixpoint is reached. The sleep sets of a state whose canonical form is a proper
// permutation are dropped (the mask would name the wrong threads); an empty set is
// always sound, it only explores more.
//
// Cycle proviso. Reductions that prune states (persistent/ample sets) must fully expand
// some state on every cycle, or a transition can be postponed forever around it (the
// ignoring problem). Sleep sets prune no state, and a cycle closes onto an already
// expanded state only through the matching rule above, which reopens exactly the
// transitions the closing path had not justified: no transition is ignored around a
// cycle. The livelock analysis, the one property about cycles, runs on the unreduced
// edge relation (every enabled step of every visited state), so pruned edges cannot
// make a cycle look inescapable.
//
// Persistent sets (reductions.partialOrder, off unless asked for; src/check/persistent.ts
// holds the argument). On a machine that says which objects each thread may still touch
// (Machine.future) and which objects the invariants read (Machine.invariantReads), a
// state may be expanded with a persistent set of invisible steps, fewer threads than are
// enabled, when every successor by them comes after it in the store (the cycle proviso
// above, made concrete: a reduced step climbs in id, so it never closes a cycle of reduced
// steps). That prunes states. Quiescent states keep their
// depth; invariant and step faults are still found but maybe deeper, and a livelock leaves
// a cycle in the reduced graph (so none there proves there is none; the sleep sets step
// aside, since the argument needs the graph closed under the persistent sets' steps): a
// reduced search that finds an invariant or step fault, keeps a cycle while livelock is
// checked, or stops early with a fault, hands the whole question to the search without it.
// So every verdict, kind and shortest trace length is that search's.
//
// Unit tests check, on random machines and on the model's scenarios, that sleep sets
// visit exactly the states the unreduced search visits and that the reductions find the
// same violations with traces of the same length.

import { Status, type Fault, type Machine, type Transition, type ViolationKind } from '../model/machine';
import type { Budget, Progress, Properties, Reductions, TraceStep, Verdict, Violation } from './types';
import { BitSet, threadMasks, widen, type ThreadMasks } from './arrays';
import { Learned, type Succ } from './learned';
import { PersistentSets } from './persistent';
import { StateStore, sameState } from './store';

export interface ExploreOptions {
  properties?: Properties;
  /** Stop at the first violation (still a shortest one). Off: report every kind found. */
  stopAtFirst?: boolean;
  /** Polled during the search; true ends it with verdict 'bounded', reason 'cancelled'. */
  shouldStop?: () => boolean;
  onProgress?: (p: Progress) => void;
  /** Interval of onProgress calls; 100 ms by default. */
  progressMs?: number;
  reductions?: Reductions;
}

/** A violation found during the search; its trace is rebuilt at the end. */
interface Found {
  kind: ViolationKind;
  /** Canonical states of the path, root first. */
  path: number[];
  /** Set for a step fault: the step from the last state of the path that commits it. */
  step?: { target: Int32Array };
  /** Set for a livelock: the path ends with a cycle starting at this index. */
  cycleFrom?: number;
  fault: Fault;
  length: number;
}

const CHECK_EVERY = 256;

/**
 * The state graph as the search saw it, for the livelock analysis: every explored step
 * that makes no progress (from, to), the states with a step that rules them out of a
 * livelock (exits: a faulty step, an edge out of the graph, a step that makes progress),
 * and the (state, thread) pairs whose steps the sleep sets pruned, resolved after the
 * search.
 *
 * A step that makes progress is kept as an exit of its source, not as an edge. That
 * changes no candidate: a candidate component keeps every edge of its states (none of them
 * makes progress), so it is the same terminal component without those edges; and a
 * component C' of the smaller graph that is not one of the full graph lies strictly inside
 * a component C of it, with a path from C' to the source of a dropped edge, which leaves
 * C' by an edge that is still there (it starts in C', the dropped one does not): C' is not
 * terminal. For the same reason the steps of an exit are not kept either: the steps of one
 * state are logged together, and dropped when one of them turned out to be an exit's.
 */
export class EdgeLog {
  /** The edges as varints, each (from - the previous edge's from, to - from), zigzagged:
   *  most come in order of their source and lead near it, so an edge takes a few bytes. */
  private data = new Uint8Array(1 << 12);
  private len = 0;
  /** Edges logged, and the source of the last. */
  n = 0;
  private lastFrom = 0;
  /** The state whose steps are being logged, and where they begin (byte, edge, previous source). */
  private source = -1;
  private sourceAt = 0;
  private sourceN = 0;
  private sourceLastFrom = 0;
  /** The states with a step that rules them out of a livelock. */
  readonly exits = new BitSet();
  /** Per state, the threads whose pruned steps are still to be resolved. */
  pruned: ThreadMasks;

  constructor(threads: number) { this.pruned = threadMasks(threads, 1 << 12); }

  /** The steps of the threads in `mask` from state `id` were pruned. */
  markPruned(id: number, mask: number): void {
    if (id >= this.pruned.length) this.pruned = widen(this.pruned, id);
    this.pruned[id] |= mask;
  }

  exit(id: number): void { this.exits.set(id); }

  isExit(id: number): boolean { return this.exits.has(id); }

  bytes(): number {
    return this.data.byteLength + this.exits.byteLength + this.pruned.byteLength;
  }

  /** A step from `from` to `to`. */
  add(from: number, to: number, progress: boolean): void {
    if (progress) { this.exit(from); return; }
    if (from !== this.source) {
      this.flush();
      this.source = from;
      this.sourceAt = this.len;
      this.sourceN = this.n;
      this.sourceLastFrom = this.lastFrom;
    }
    if (this.len + 10 > this.data.length) this.data = widen(this.data, this.len + 10);
    this.put(from - this.lastFrom);
    this.put(to - from);
    this.lastFrom = from;
    this.n++;
  }

  /** Ends the steps of the state being logged: an exit's are taken back. */
  flush(): void {
    if (this.source >= 0 && this.isExit(this.source)) {
      this.len = this.sourceAt;
      this.n = this.sourceN;
      this.lastFrom = this.sourceLastFrom;
    }
    this.source = -1;
  }

  /** Calls f on every logged edge, in the order logged. */
  forEach(f: (from: number, to: number) => void): void {
    const d = this.data;
    let at = 0;
    const next = (): number => {
      let x = 0;
      let shift = 0;
      let b: number;
      do { b = d[at++]; x += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
      return unzig(x);
    };
    let from = 0;
    while (at < this.len) {
      from += next();
      f(from, from + next());
    }
  }

  /** Appends v as a zigzagged varint. */
  private put(v: number): void {
    let x = v >= 0 ? 2 * v : -2 * v - 1;
    while (x >= 0x80) { this.data[this.len++] = (x & 0x7f) | 0x80; x = Math.floor(x / 128); }
    this.data[this.len++] = x;
  }
}

/** The integer a zigzagged one stands for. */
const unzig = (x: number): number => (x % 2 === 0 ? x / 2 : -(x + 1) / 2);


export function explore(machine: Machine, budget: Budget, opts: ExploreOptions = {}): Verdict {
  const t0 = performance.now();
  const v = search(machine, budget, opts);
  if (v) return v;
  // A reduced search that found an invariant or step fault, or a step without progress
  // while livelock is checked, hands the question to the unreduced search: only it keeps
  // those shortest traces and sees every cycle (persistent.ts).
  const spent = performance.now() - t0;
  const full = search(machine, { ...budget, maxMs: Math.max(0, budget.maxMs - spent) },
    { ...opts, reductions: { ...opts.reductions, partialOrder: false } })!;
  full.ms = Math.round((performance.now() - t0) * 100) / 100;
  return full;
}

/** One search; null when persistent sets pruned states and the answer is not theirs to give. */
function search(machine: Machine, budget: Budget, opts: ExploreOptions): Verdict | null {
  const t0 = performance.now();
  const props: Required<Properties> = { faults: true, invariants: true, quiescent: true, livelock: true, ...opts.properties };
  const nThreads = machine.threads.length;
  const symmetric = opts.reductions?.symmetry !== false && hasSymmetry(machine);
  const partialOrder = opts.reductions?.partialOrder === true && nThreads >= 2 && nThreads <= 31
    && PersistentSets.supported(machine);
  // Where persistent sets must answer the livelock question, the graph they keep must be
  // closed under their own steps (persistent.ts), which a sleep set's pruning would break.
  const sleepSets = opts.reductions?.sleepSets !== false && nThreads >= 2 && nThreads <= 31 && !(partialOrder && props.livelock);
  const forget = forgetting(machine);
  const canon = symmetric ? (s: Int32Array) => forget(machine.canonical(s)) : forget;
  const root = canon(machine.initial());
  const n = root.length;
  const store = new StateStore(machine.segments ? { n, starts: machine.segments } : undefined, machine.threads.length, sleepSets);
  const found = new Map<ViolationKind, Found>();
  const reopen: number[] = [];
  /** Set when an invariant or a step fault was found: a reduced search may find those deeper. */
  let deeperFound = false;
  const progressMs = opts.progressMs ?? 100;
  let transitions = 0;
  let sawNonProgress = false;
  const edges = props.livelock ? new EdgeLog(machine.threads.length) : null;
  let cursor = 0;
  let stopped: 'states' | 'ms' | 'cancelled' | null = null;
  let lastProgress = t0;

  const pathTo = (id: number): number[] => {
    const path: number[] = [];
    for (let v = id; v >= 0; v = store.parent[v]) path.push(v);
    return path.reverse();
  };

  const record = (fault: Fault, at: number, length: number, step?: Found['step']): void => {
    const old = found.get(fault.kind);
    if (old && old.length <= length) return;
    found.set(fault.kind, { kind: fault.kind, path: pathTo(at), step, fault, length });
  };

  const nb = store.cutOf(n).blocks;
  const learned = new Learned(machine, store, n);
  const moves = learned.moves;
  /** Per state not yet expanded (ids from `windowBase` on), each thread's moves (a leaf of
   *  learned.moves) at (id - windowBase) * nThreads + t, and the leaf of its invariants: a
   *  successor has its parent's where the step left the blocks they read alone. Only the
   *  frontier is kept; a state expanded again (reopened by the sleep sets) finds its own
   *  by walking the trees (parentMoves). */
  let windowBase = 0;
  let movesAt = new Int32Array(nThreads << 12);
  let invariantsAt = new Int32Array(1 << 12);
  /** The moves and invariants of the state being expanded. */
  const parentMoves = new Int32Array(nThreads);
  let parentInvariants = -1;
  /** Room in the window for state `id`: the expanded states' rows make way, then it grows. */
  const windowFor = (id: number): void => {
    if (id - windowBase < invariantsAt.length) return;
    const keep = Math.min(cursor, id) - windowBase;
    if (keep > 0) {
      movesAt.copyWithin(0, keep * nThreads, (id - windowBase) * nThreads);
      invariantsAt.copyWithin(0, keep, id - windowBase);
      windowBase += keep;
    }
    if (id - windowBase >= invariantsAt.length) {
      movesAt = widen(movesAt, (id - windowBase + 1) * nThreads);
      invariantsAt = widen(invariantsAt, id - windowBase);
    }
  };
  /** Fills parentMoves and parentInvariants for state `id`, whose block numbers are ids. */
  const loadParent = (id: number, ids: Int32Array): void => {
    if (id >= windowBase) {
      const row = (id - windowBase) * nThreads;
      for (let t = 0; t < nThreads; t++) parentMoves[t] = movesAt[row + t];
      parentInvariants = invariantsAt[id - windowBase];
      return;
    }
    for (let t = 0; t < nThreads; t++) parentMoves[t] = learned.movesOf(t, ids);
    parentInvariants = props.invariants ? learned.invariantsOf(ids) : -1;
  };
  /** Block numbers of the state being expanded (`parent`), and of its successor by a step
   *  while succId() has it in place: the step's blocks replaced, their old numbers in `saved`
   *  until restore(). A successor whose canonical form is a permutation of it has numbers of
   *  its own, read into ids; the parent's are read again before the next step (stale). */
  const ids = new Int32Array(nb);
  const saved = new Int32Array(nb);
  let parent = -1;
  let stale = false;

  /** Finds the moves and invariants of new state `id` (block numbers ids), reached from
   *  `from` by step m (from -1: from nothing known). */
  const learn = (id: number, ids: Int32Array, from: number, m: Succ | null): void => {
    windowFor(id);
    const row = (id - windowBase) * nThreads;
    for (let t = 0; t < nThreads; t++) {
      const p = from >= 0 ? parentMoves[t] : -1;
      movesAt[row + t] = p < 0 ? learned.movesOf(t, ids)
        : (moves.deps[p] & m!.mask) === 0 ? p : learned.movesAfter(t, p, m!, ids);
    }
    if (!props.invariants) return;
    const p = from >= 0 ? parentInvariants : -1;
    invariantsAt[id - windowBase] = p < 0 ? learned.invariantsOf(ids)
      : (learned.invariants.deps[p] & m!.mask) === 0 ? p : learned.invariantsAfter(p, m!, ids);
  };

  /**
   * State properties of a newly reached state. A state that breaks an invariant is still
   * expanded: the machine runs on as the kernel would, and pruning there would break the
   * sleep-set argument (a sleeping step may be justified by a path through that state).
   */
  const checkState = (id: number, ids: Int32Array): void => {
    const depth = store.depth[id];
    if (props.invariants) {
      // Invariants protect what must hold in every state: nrexceptional/nrpages agree with
      // the tree, no PTE and PMD mapping of one range, refcounts, entry bit layout.
      const faults = learned.invariants.values[invariantsAt[id - windowBase]];
      if (faults.length) deeperFound = true;
      for (let i = 0; i < faults.length; i++) record(faults[i], id, depth);
    }
    if (props.quiescent) {
      let runnable = false;
      let blocked = -1;
      for (let t = 0; t < nThreads; t++) {
        const st = learned.status[movesAt[(id - windowBase) * nThreads + t]];
        if (st === Status.Runnable) runnable = true;
        else if (st === Status.Blocked && blocked < 0) blocked = t;
      }
      if (!runnable) {
        // Where no thread can run, the machine names what went wrong: a waiter asleep
        // with nobody left to wake it (lost wakeup), an entry left locked, a spinlock
        // held at return, counters that disagree with the tree.
        const q = machine.quiescent(learned.wordsOf(ids));
        for (const f of q) record(f, id, depth);
        // Whatever the machine could not classify, a thread that can never run again
        // is still a deadlock.
        if (q.length === 0 && blocked >= 0) {
          record({ kind: 'deadlock', message: `no thread can run and ${machine.threads[blocked].name} is blocked forever`, threads: [blocked] }, id, depth);
        }
      }
    }
  };

  {
    const id = store.insert(root, -1, 0, 0, 0)[0];
    store.idsOf(id, ids);
    learn(id, ids, -1, null);
    checkState(id, ids);
  }

  const footprints = learned.footprints;
  const persistent = partialOrder ? new PersistentSets(machine, footprints) : null;
  /** Per state, 1 while it is expanded with a reduced set (a reopening expands it in full). */
  const reducedAt = new BitSet();
  let reducedAny = false;
  /** Per thread, the footprint of its step from the state being expanded. */
  const cur = new Int32Array(nThreads);
  /** The fingerprint of the state being expanded, and its words once needed. */
  let ph = 0;
  let parentWords: Int32Array | null = null;
  const parentBuf = new Int32Array(n);
  const succBuf = new Int32Array(n);
  /** Set by succId(): the successor's canonical form is a proper permutation of it. */
  let permuted = false;

  /** The words of step m's successor of the state being expanded. */
  const successorWords = (m: Succ): Int32Array => {
    parentWords ??= store.decode(parentIds(), parentBuf);
    succBuf.set(parentWords);
    const { at, val } = m.move;
    for (let i = 0; i < at.length; i++) succBuf[at[i]] = val[i];
    return succBuf;
  };

  /**
   * The id of the canonical form of step m's successor of the state being expanded, or -1;
   * the store remembers it for add(). Its block numbers are the parent's with the step's
   * replaced, and are left in ids until restore(m), unless its canonical form is a proper
   * permutation of it.
   */
  const succId = (m: Succ): number => {
    if (symmetric) {
      const s = successorWords(m);
      const c = machine.canonical(s);
      permuted = c !== s && !sameState(c, s);
      if (permuted) return store.lookup(c);
    }
    parentIds();
    const { blocks, to } = m;
    for (let k = 0; k < blocks.length; k++) {
      saved[k] = ids[blocks[k]];
      ids[blocks[k]] = to[k];
    }
    return store.findIds(ids, n, (ph + m.delta) | 0);
  };

  /** The parent's block numbers back in ids after succId(m) (or after a permuted successor's). */
  const restore = (m: Succ): void => {
    if (permuted) {
      stale = true;
      return;
    }
    const { blocks } = m;
    for (let k = 0; k < blocks.length; k++) ids[blocks[k]] = saved[k];
  };

  /** ids, holding the parent's block numbers. */
  const parentIds = (): Int32Array => {
    if (stale) {
      store.idsOf(parent, ids);
      stale = false;
    }
    return ids;
  };

  /**
   * A step the sleep set pruned is still an edge of the state graph, which the livelock
   * analysis needs; its successor is looked up now, and one not reached yet is resolved
   * after the search. A step that makes progress needs no lookup: wherever it goes, its
   * state is in no livelock, and it is recorded as such (an exit). Dropping the edge
   * changes no candidate: an edge only joins components through its source, which is
   * ruled out anyway.
   */
  const logPruned = (id: number, t: number, steps: readonly Succ[]): void => {
    // Until a step without progress has been seen, the analysis may never run: defer.
    if (!sawNonProgress) { edges!.markPruned(id, 1 << t); return; }
    for (const m of steps) {
      if (m.move.fault || m.move.progress) { edges!.exit(id); continue; }
      const f = succId(m);
      restore(m);
      if (f >= 0) edges!.add(id, f, false);
      else { edges!.markPruned(id, 1 << t); return; }
    }
  };

  /**
   * The threads to explore at state `id` (being expanded): a persistent set of awake
   * threads, fewer than the awake enabled ones, if one exists and every successor by its
   * steps comes after `id` in the store (the cycle proviso, persistent.ts); else `enabled`.
   */
  const reducedSet = (id: number, enabled: number, live: number, z: number): number => {
    const words = (): Int32Array => (parentWords ??= store.decode(parentIds(), parentBuf));
    const p = persistent!.choose(words, parentIds(), enabled, live, z, cur);
    if (p === (enabled & ~z) || !allAfter(p, id)) return enabled;
    reducedAt.set(id);
    reducedAny = true;
    return p;
  };

  /** Whether every step of the threads in `mask` from the state being expanded, `id`, leads
   *  to a state not stored yet or stored after it (so still to be expanded). */
  const allAfter = (mask: number, id: number): boolean => {
    for (let m = mask; m !== 0; m &= m - 1) {
      for (const step of moves.values[parentMoves[31 - Math.clz32(m & -m)]].steps) {
        if (step.move.fault && step.move.fault.code !== 'warn') continue;
        const f = succId(step);
        restore(step);
        if (f >= 0 && f <= id) return false;
      }
    }
    return true;
  };

  /** Expands state `id`: every enabled thread outside its sleep set (or a persistent set of
   *  them), or only the threads in `only`. */
  const expand = (id: number, only: number): void => {
    ph = store.idsOf(id, ids);
    loadParent(id, ids);
    parent = id;
    stale = false;
    permuted = false;
    parentWords = null;
    const depth = store.depth[id];
    const z = sleepSets ? store.sleep[id] : 0;
    let enabled = 0;
    let live = 0;
    for (let t = 0; t < nThreads; t++) {
      const leaf = parentMoves[t];
      const st = learned.status[leaf];
      if (st !== Status.Done) live |= 1 << t;
      if (st !== Status.Runnable) continue;
      enabled |= 1 << t;
      cur[t] = learned.footprint[leaf];
    }
    let chosen = enabled;
    if (persistent && only < 0) chosen = reducedSet(id, enabled, live, z);
    else if (persistent && reducedAt.has(id)) {
      reducedAt.clear(id);
      only = enabled & ~z;
    }
    // Until a step without progress has been seen, the pruned steps are all left to the
    // end of the search (logPruned would defer each one).
    let logEach = edges !== null && only < 0;
    if (logEach && !sawNonProgress) {
      if ((enabled & z) !== 0) edges!.markPruned(id, enabled & z);
      logEach = false;
    }
    let done = 0;
    for (let t = 0; t < nThreads && !stopped; t++) {
      const bit = 1 << t;
      if ((chosen & bit) === 0) continue;
      const steps = moves.values[parentMoves[t]].steps;
      if (only >= 0 ? (only & bit) === 0 : (z & bit) !== 0) {
        if (logEach) logPruned(id, t, steps);
        continue;
      }
      // The sleeping and earlier explored threads whose step is independent of t's stay asleep.
      let childSleep = 0;
      for (let m = sleepSets ? (z | done) & enabled : 0; m !== 0; m &= m - 1) {
        const u = 31 - Math.clz32(m & -m);
        if (!footprints.conflict(cur[u], cur[t])) childSleep |= 1 << u;
      }
      for (const m of steps) {
        transitions++;
        const mv = m.move;
        if (!mv.progress) sawNonProgress = true;
        if (mv.fault && props.faults) {
          // Step faults protect the locking discipline: a double lock, an unlock of an
          // unheld lock, a sleep with a spinlock held. The faulty step ends its path, but for
          // a kernel warning, after which the kernel goes on.
          deeperFound = true;
          record(mv.fault, id, depth + 1, { target: canon(successorWords(m)).slice() });
          edges?.exit(id);
          if (mv.fault.code !== 'warn') continue;
        }
        const f = succId(m);
        const sl = permuted ? 0 : childSleep;
        if (f < 0) {
          if (store.size >= budget.maxStates) { stopped = 'states'; return; }
          const nid = store.add(id, depth + 1, t, sl);
          edges?.add(id, nid, mv.progress);
          if (permuted) {
            store.idsOf(nid, ids);
            learn(nid, ids, -1, null);
          } else learn(nid, ids, id, m);
          checkState(nid, ids);
          restore(m);
          continue;
        }
        restore(m);
        edges?.add(id, f, mv.progress);
        if (sleepSets) {
          const old = store.sleep[f];
          const nw = old & sl;
          if (nw !== old) {
            store.sleep[f] = nw;
            if (f < cursor) reopen.push(f, old & ~sl);
          }
        }
        // A reopened state, shallower than the frontier, may reach a waiting state by a
        // shorter path. Without sleep sets nothing is reopened, states are expanded in the
        // order of their depth, and a found state is never deeper than depth + 1.
        if (sleepSets && f >= cursor && store.depth[f] > depth + 1) {
          store.parent[f] = id;
          store.depth[f] = depth + 1;
          store.via[f] = t;
        }
      }
      done |= bit;
    }
  };

  let expansions = 0;
  while (!stopped) {
    let id: number;
    let only = -1;
    if (reopen.length) {
      only = reopen.pop()!;
      id = reopen.pop()!;
    } else if (cursor < store.size) {
      id = cursor++;
    } else break;
    expand(id, only);
    if (opts.stopAtFirst && found.size) break;
    if (++expansions % CHECK_EVERY === 0) {
      const now = performance.now();
      if (now - t0 >= budget.maxMs) stopped = 'ms';
      else if (opts.shouldStop?.()) stopped = 'cancelled';
      if (opts.onProgress && now - lastProgress >= progressMs) {
        lastProgress = now;
        opts.onProgress(progress(now));
      }
    }
  }

  function progress(now: number): Progress {
    const level = cursor < store.size ? store.depth[cursor] : store.depth[store.size - 1];
    return { states: store.size, transitions, depth: level, frontier: store.size - cursor, ms: Math.round(now - t0) };
  }

  const complete = !stopped && !(opts.stopAtFirst && found.size);
  // Quiescent faults keep their depth under persistent sets and sleep sets, and a complete
  // reduced search that found no other fault proves there is none (persistent.ts).
  if (reducedAny && (deeperFound || (found.size > 0 && !complete) || (props.livelock && sawNonProgress && !complete))) return null;
  if (complete && edges && sawNonProgress) {
    // A livelock of the full graph leaves a cycle among the states a reduced search kept
    // (persistent.ts): without one there is none; with one, the unreduced search decides.
    // (Sleep sets are off then: no step was pruned.)
    resolvePruned(machine, store, canon, edges);
    if (reducedAny && cyclic(edgeGraph(store.size, edges))) return null;
    const l = reducedAny ? null : findLivelock(store, edges);
    if (l) found.set('livelock', l);
  }

  const violations = [...found.values()].sort((a, b) => a.length - b.length).map((f) => rebuild(machine, store, canon, f));
  const reductions: string[] = [];
  if (symmetric) reductions.push('symmetry');
  if (sleepSets) reductions.push('sleep-sets');
  if (partialOrder) reductions.push('partial-order');
  const verdict: Verdict = {
    scenario: machine.name,
    verdict: violations.length ? 'violation' : stopped ? 'bounded' : 'ok',
    states: store.size,
    transitions,
    ms: Math.round((performance.now() - t0) * 100) / 100,
    reductions,
    violations,
    bytes: store.bytes() + movesAt.byteLength + invariantsAt.byteLength + reducedAt.byteLength + (edges?.bytes() ?? 0),
  };
  if (stopped) {
    verdict.covered = { depth: cursor < store.size ? store.depth[cursor] : store.depth[store.size - 1], frontier: store.size - cursor, reason: stopped };
  }
  return verdict;
}

function hasSymmetry(m: Machine): boolean {
  const seen = new Set<number>();
  for (const t of m.threads) {
    if (seen.has(t.symmetryClass)) return true;
    seen.add(t.symmetryClass);
  }
  return false;
}

// Livelock: a set of reachable states from which no schedule escapes, in which some
// thread keeps taking steps and no step makes progress (every step is a retry or a spin,
// Transition.progress false). Formally: a terminal strongly connected component of the
// full state graph (every step of every state in it stays in it) with at least one edge,
// all of whose edges are non-progress. Terminal, so that a thread merely starved by an
// unfair scheduler (it could run and escape) is not called a livelock; with an edge, so
// that a state where nothing can run stays a deadlock. It protects against retry loops
// that never end: a fault that loops on -EAGAIN while the entry it waits for stays
// locked, two threads that back off for each other forever.
function findLivelock(store: StateStore, log: EdgeLog): Found | null {
  const n = store.size;
  const { start, to } = edgeGraph(n, log);
  const comp = tarjan(n, start, to);
  const nComp = comp.reduce((a, c) => Math.max(a, c + 1), 0);
  // A component is a livelock candidate until one of its edges leaves it or one of its
  // states is an exit (a step that makes progress, faults, or leaves the explored graph).
  const ok = new Uint8Array(nComp).fill(1);
  const hasEdge = new Uint8Array(nComp);
  for (let v = 0; v < n; v++) {
    const c = comp[v];
    if (log.isExit(v)) ok[c] = 0;
    for (let e = start[v]; e < start[v + 1]; e++) {
      if (comp[to[e]] !== c) ok[c] = 0;
      else hasEdge[c] = 1;
    }
  }
  let entry = -1;
  for (let v = 0; v < n; v++) {
    const c = comp[v];
    if (ok[c] && hasEdge[c] && (entry < 0 || store.depth[v] < store.depth[entry])) entry = v;
  }
  if (entry < 0) return null;
  // The shortest path to the component, then a shortest cycle back to its entry state.
  const c = comp[entry];
  const prev = new Map<number, number>();
  const queue = [entry];
  let last = -1;
  for (let i = 0; i < queue.length && last < 0; i++) {
    const v = queue[i];
    for (let e = start[v]; e < start[v + 1]; e++) {
      const w = to[e];
      if (comp[w] !== c) continue;
      if (w === entry) { last = v; break; }
      if (!prev.has(w)) { prev.set(w, v); queue.push(w); }
    }
  }
  const cycle: number[] = [];
  for (let v = last; v !== entry; v = prev.get(v)!) cycle.push(v);
  cycle.reverse();
  const path: number[] = [];
  for (let v = entry; v >= 0; v = store.parent[v]) path.push(v);
  path.reverse();
  const cycleFrom = path.length - 1;
  path.push(...cycle, entry);
  return {
    kind: 'livelock',
    path,
    cycleFrom,
    length: path.length - 1,
    fault: { kind: 'livelock', message: 'livelock', detail: { cycleSteps: cycle.length + 1 } },
  };
}

/** Adds to the log the steps the sleep sets pruned: the same state graph, so they are edges too. */
function resolvePruned(machine: Machine, store: StateStore, canon: (s: Int32Array) => Int32Array, log: EdgeLog): void {
  for (let id = 0; id < store.size && id < log.pruned.length; id++) {
    if (log.pruned[id] === 0) continue;
    const s = store.get(id);
    for (let m = log.pruned[id]; m !== 0; m &= m - 1) {
      for (const tr of machine.successors(s, 31 - Math.clz32(m & -m))) {
        if (tr.fault || tr.progress) { log.exit(id); continue; }
        const f = store.lookup(canon(tr.state));
        if (f < 0) log.exit(id);
        else log.add(id, f, tr.progress);
      }
    }
  }
  log.flush();
}

/** The logged steps as compressed rows: the edges of v are to[start[v] .. start[v + 1]). */
function edgeGraph(n: number, log: EdgeLog): { start: Int32Array; to: Int32Array } {
  const start = new Int32Array(n + 1);
  log.forEach((from) => { start[from + 1]++; });
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const fill = start.slice(0, n);
  const to = new Int32Array(log.n);
  log.forEach((from, t) => { to[fill[from]++] = t; });
  return { start, to };
}

/** Whether a graph of compressed rows has a cycle (a self-loop counts). */
function cyclic({ start, to }: { start: Int32Array; to: Int32Array }): boolean {
  const n = start.length - 1;
  const comp = tarjan(n, start, to);
  for (let v = 0; v < n; v++) for (let e = start[v]; e < start[v + 1]; e++) if (comp[to[e]] === comp[v]) return true;
  return false;
}

/** Tarjan's strongly connected components, iterative; returns the component of each node. */
function tarjan(n: number, start: Int32Array, to: Int32Array): Int32Array {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const callV = new Int32Array(n);
  const callE = new Int32Array(n);
  let sp = 0;
  let next = 0;
  let nComp = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0) continue;
    let cp = 0;
    callV[0] = root; callE[0] = start[root];
    index[root] = low[root] = next++;
    stack[sp++] = root; onStack[root] = 1;
    while (cp >= 0) {
      const v = callV[cp];
      const e = callE[cp];
      if (e < start[v + 1]) {
        callE[cp] = e + 1;
        const w = to[e];
        if (index[w] < 0) {
          index[w] = low[w] = next++;
          stack[sp++] = w; onStack[w] = 1;
          cp++;
          callV[cp] = w; callE[cp] = start[w];
        } else if (onStack[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      if (low[v] === index[v]) {
        let w: number;
        do { w = stack[--sp]; onStack[w] = 0; comp[w] = nComp; } while (w !== v);
        nComp++;
      }
      cp--;
      if (cp >= 0) {
        const u = callV[cp];
        if (low[v] < low[u]) low[u] = low[v];
      }
    }
  }
  return comp;
}

/**
 * The state as a search stores it: the machine's diagnostic words (Machine.diagnostic) zero.
 * A copy when one was set; the state itself otherwise.
 */
function forgetting(machine: Machine): (s: Int32Array) => Int32Array {
  const words = machine.diagnostic ?? [];
  if (!words.length) return (s) => s;
  return (s) => {
    if (words.every((i) => s[i] === 0)) return s;
    const c = s.slice();
    for (const i of words) c[i] = 0;
    return c;
  };
}

/**
 * Rebuilds a violation's trace on real states: from machine.initial(), each step is the
 * one (of any thread) whose canonical successor is the next state of the path. Under
 * symmetry the real state is a permutation of the stored one, so thread numbers in the
 * trace are the real threads'. The fault is recomputed on the real final state so that
 * its message and thread numbers match the trace.
 *
 * If the machine's canonical form is not unique (two permutations of one state with
 * different representatives), a real state may have no step onto the next stored state;
 * the replay then rejoins the stored predecessor exactly, by a breadth-first search over
 * real states (a renamed path reaches it in as many steps), and goes on from there.
 */
function rebuild(machine: Machine, store: StateStore, canon: (s: Int32Array) => Int32Array, f: Found): Violation {
  const names = machine.threads.map((t) => t.name);
  const steps: TraceStep[] = [];
  let s = machine.initial();
  let partial = false;
  for (let i = 1; i < f.path.length && !partial; i++) {
    const target = store.get(f.path[i]);
    const match = (tr: Transition) => (!tr.fault || tr.fault.code === 'warn') && sameState(canon(tr.state), target);
    let tr = findStep(machine, s, match, store.via[f.path[i]]);
    if (!tr) {
      const prev = store.get(f.path[i - 1]);
      const inCycle = f.cycleFrom !== undefined && i - 1 > f.cycleFrom;
      const hop = realPath(machine, inCycle ? s : machine.initial(), prev, i - 1);
      if (hop) {
        if (!inCycle) steps.length = 0;
        for (const h of hop) steps.push(traceStep(machine, h));
        s = prev;
        tr = findStep(machine, s, match, store.via[f.path[i]]);
      } else if (inCycle) {
        partial = true;
        continue;
      }
    }
    if (!tr) throw new Error(`${machine.name}: cannot replay step ${i} of a ${f.kind} trace; the machine's successors are not deterministic`);
    steps.push(traceStep(machine, tr));
    s = tr.state;
  }
  let fault = f.fault;
  if (f.step) {
    const target = f.step.target;
    const match = (tr: Transition) => tr.fault?.kind === f.kind && sameState(canon(tr.state), target);
    let tr = findStep(machine, s, match, -1);
    const at = store.get(f.path[f.path.length - 1]);
    if (!tr && !sameState(s, at)) {
      const hop = realPath(machine, machine.initial(), at, f.path.length - 1);
      if (hop) {
        steps.length = 0;
        for (const h of hop) steps.push(traceStep(machine, h));
        tr = findStep(machine, at, match, -1);
      }
    }
    if (!tr) throw new Error(`${machine.name}: cannot replay the faulting step of a ${f.kind} trace`);
    steps.push(traceStep(machine, tr));
    fault = tr.fault!;
  } else if (f.kind !== 'livelock') {
    const again = [...machine.invariants(s), ...machine.quiescent(s)].find((x) => x.kind === f.kind);
    if (again) fault = again;
    else if (f.kind === 'deadlock') {
      const t = machine.threads.findIndex((_, t) => machine.status(s, t) === Status.Blocked);
      fault = { kind: 'deadlock', message: `no thread can run and ${names[t]} is blocked forever`, threads: [t] };
    }
  } else {
    // Named on the real trace: the threads that step in the cycle.
    const spinners = [...new Set(steps.slice(f.cycleFrom).map((st) => st.thread))].sort((a, b) => a - b);
    const n = steps.length - (f.cycleFrom ?? 0);
    fault = {
      kind: 'livelock',
      message: `livelock: ${spinners.map((t) => names[t]).join(', ')} keep${spinners.length === 1 ? 's' : ''} retrying without progress; `
        + (partial ? `every schedule from step ${f.cycleFrom} on stays in a cycle (shown in part)`
          : `every schedule from step ${f.cycleFrom} on stays in this cycle of ${n} step${n === 1 ? '' : 's'}`),
      threads: spinners,
      detail: { cycleFrom: f.cycleFrom ?? 0, cycleSteps: n },
    };
  }
  const v: Violation = { kind: f.kind, message: fault.message, trace: { threads: names, steps } };
  if (fault.detail) v.detail = fault.detail;
  if (fault.threads) v.threads = fault.threads;
  return v;
}

function findStep(machine: Machine, s: Int32Array, match: (tr: Transition) => boolean, prefer: number): Transition | null {
  const order = machine.threads.map((_, t) => t);
  if (prefer >= 0) order.unshift(prefer);
  for (const t of order) {
    if (machine.status(s, t) !== Status.Runnable) continue;
    for (const tr of machine.successors(s, t)) if (match(tr)) return tr;
  }
  return null;
}

/** A shortest path of real steps from `from` to exactly `target`, at most `maxDepth` long. */
function realPath(machine: Machine, from: Int32Array, target: Int32Array, maxDepth: number): Transition[] | null {
  // Real states, compared as the search stores them (without diagnostic words).
  const stored = forgetting(machine);
  const store = new StateStore(undefined, machine.threads.length);
  // The step that reached each state (store.via holds a thread, not a step).
  const steps: Transition[] = [];
  store.insert(from, -1, 0, 0, 0);
  const found = (id: number): Transition[] => {
    const out: Transition[] = [];
    for (let v = id; v > 0; v = store.parent[v]) out.push(steps[v - 1]);
    return out.reverse();
  };
  if (sameState(stored(from), target)) return [];
  for (let id = 0; id < store.size && store.size < 1_000_000; id++) {
    if (store.depth[id] >= maxDepth) break;
    const s = store.get(id);
    for (let t = 0; t < machine.threads.length; t++) {
      if (machine.status(s, t) !== Status.Runnable) continue;
      for (const tr of machine.successors(s, t)) {
        if (tr.fault && tr.fault.code !== 'warn') continue;
        if (store.lookup(tr.state) >= 0) continue;
        const nid = store.add(id, store.depth[id] + 1, t, 0);
        steps[nid - 1] = tr;
        if (sameState(stored(tr.state), target)) return found(nid);
      }
    }
  }
  return null;
}

function traceStep(machine: Machine, tr: Transition): TraceStep {
  const step: TraceStep = {
    thread: tr.thread,
    threadName: machine.threads[tr.thread].name,
    function: tr.fn,
    label: tr.label,
    note: tr.note,
    after: machine.view(tr.state),
  };
  if (tr.source) step.source = tr.source;
  if (tr.choice) step.choice = tr.choice;
  return step;
}
