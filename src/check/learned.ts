// What the search knows of a machine, by block numbers: each thread's moves and the
// invariants of a state, remembered (recall.ts) the first time they are computed and found
// again from the block numbers of any state that agrees on the blocks they read. A step is
// kept as the blocks it rewrites and their new numbers, so a successor's block numbers and
// fingerprint follow from its parent's without a word of it being written.

import { Status, type Fault, type Machine, type Move, type Moves } from '../model/machine';
import { Recorder } from '../model/memo';
import { Footprints } from './footprints';
import { widen } from './arrays';
import { blocksIn, Recall } from './recall';
import type { Cut, StateStore } from './store';

/** A step of a thread, as the search takes it. */
export interface Succ {
  move: Move;
  /** The blocks the step rewrites, ascending, and their numbers after it. */
  blocks: Int32Array;
  to: Int32Array;
  /** The same blocks as a mask (all bits when one is beyond 30). */
  mask: number;
  /** What the step adds to the fingerprint. */
  delta: number;
  /** The step's number, one per distinct step of the search. */
  id: number;
}

/** What a thread does from a state. */
export interface ThreadMoves {
  status: Status;
  steps: Succ[];
}

const NO_FAULTS: readonly Fault[] = Object.freeze([]);

export class Learned {
  /** Roots 0..threads-1: each thread's moves. */
  readonly moves: Recall<ThreadMoves>;
  readonly invariants = new Recall<readonly Fault[]>(1);
  /** Per leaf of moves, the thread's status and the footprint of its step (-1 when it cannot run). */
  status = new Int32Array(64);
  footprint = new Int32Array(64);
  readonly footprints = new Footprints();
  /** Words of the state a value is computed on, and a second array for its successors. */
  private readonly words: Int32Array;
  private readonly next: Int32Array;
  private readonly recorder: Recorder;
  private readonly cut: Cut;
  /** Steps numbered so far. */
  private steps = 0;
  /** 1 at the machine's diagnostic words: a move's writes there are not stored. */
  private readonly diagnostic: Uint8Array | null;

  constructor(private readonly machine: Machine, private readonly store: StateStore, private readonly n: number) {
    this.moves = new Recall(machine.threads.length);
    this.diagnostic = machine.diagnostic?.length ? Uint8Array.from({ length: n }, (_, i) => (machine.diagnostic!.includes(i) ? 1 : 0)) : null;
    this.words = new Int32Array(n);
    this.next = new Int32Array(n);
    this.recorder = new Recorder(n);
    this.cut = store.cutOf(n);
  }

  /** The leaf of thread t's moves in the state of block numbers `ids`. */
  movesOf(t: number, ids: Int32Array): number {
    const f = this.moves.find(t, ids);
    return f >= 0 ? f : this.learnMoves(t, ids);
  }

  /** The leaf of the invariants of the state of block numbers `ids`. */
  invariantsOf(ids: Int32Array): number {
    const f = this.invariants.find(0, ids);
    return f >= 0 ? f : this.learnInvariants(ids);
  }

  /** movesOf() for a state (block numbers ids) reached by step m from one where thread t's leaf was p. */
  movesAfter(t: number, p: number, m: Succ, ids: Int32Array): number {
    const k = this.moves.after(p, m.id);
    if (k >= 0) return k;
    const q = this.movesOf(t, ids);
    this.moves.remember(p, m.id, m.mask, q);
    return q;
  }

  /** invariantsOf() for a state (block numbers ids) reached by step m from one whose leaf was p. */
  invariantsAfter(p: number, m: Succ, ids: Int32Array): number {
    const k = this.invariants.after(p, m.id);
    if (k >= 0) return k;
    const q = this.invariantsOf(ids);
    this.invariants.remember(p, m.id, m.mask, q);
    return q;
  }

  private learnMoves(t: number, ids: Int32Array): number {
    const s = this.store.decode(ids, this.words);
    const m = this.machine.moves ? this.machine.moves(s, t) : this.movesFrom(s, t);
    const moves = this.diagnostic ? m.steps.map((move) => this.withoutDiagnostic(move)) : m.steps;
    const path = blocksIn(m.decidedBy, this.cut.blockOf);
    const steps = moves.map((move) => {
      blocksIn(move.at, this.cut.blockOf, path);
      return this.succ(s, ids, move);
    });
    const leaf = this.moves.add(t, path, ids, { status: m.status, steps });
    if (leaf === this.status.length) {
      this.status = widen(this.status, leaf);
      this.footprint = widen(this.footprint, leaf);
    }
    this.status[leaf] = m.status;
    if (m.status === Status.Runnable && steps.length === 0) throw new Error(`${this.machine.name}: ${this.machine.threads[t].name} is runnable but has no step`);
    this.footprint[leaf] = m.status === Status.Runnable ? this.footprints.of(m.steps) : -1;
    return leaf;
  }

  /** The move without its writes to diagnostic words. */
  private withoutDiagnostic(move: Move): Move {
    const d = this.diagnostic!;
    let keep = 0;
    for (let i = 0; i < move.at.length; i++) if (!d[move.at[i]]) keep++;
    if (keep === move.at.length) return move;
    const at = new Int32Array(keep);
    const val = new Int32Array(keep);
    for (let i = 0, k = 0; i < move.at.length; i++) {
      if (d[move.at[i]]) continue;
      at[k] = move.at[i];
      val[k++] = move.val[i];
    }
    return { ...move, at, val };
  }

  /** Moves from status() and successors(), for a machine that does not say what decides them: every word. */
  private movesFrom(s: Int32Array, t: number): Moves {
    const status = this.machine.status(s, t);
    const decidedBy = Array.from(s.keys());
    if (status !== Status.Runnable) return { status, decidedBy, steps: [] };
    const steps = this.machine.successors(s, t).map((tr): Move => {
      if (tr.state.length !== s.length) throw new Error(`${this.machine.name}: a step of ${this.machine.threads[t].name} changes the length of the state`);
      const at: number[] = [];
      for (let i = 0; i < s.length; i++) if (tr.state[i] !== s[i]) at.push(i);
      const move: Move = { at: Int32Array.from(at), val: Int32Array.from(at, (i) => tr.state[i]), reads: tr.reads, writes: tr.writes, progress: tr.progress };
      if (tr.fault) move.fault = tr.fault;
      if (tr.choice !== undefined) move.choice = tr.choice;
      return move;
    });
    return { status, decidedBy, steps };
  }

  /** The step `move` from the state s (block numbers ids), as the blocks it rewrites. */
  private succ(s: Int32Array, ids: Int32Array, move: Move): Succ {
    const next = this.next;
    next.set(s);
    for (let i = 0; i < move.at.length; i++) next[move.at[i]] = move.val[i];
    const blocks: number[] = [];
    const to: number[] = [];
    let mask = 0;
    let delta = 0;
    const touched = blocksIn(move.at, this.cut.blockOf).sort((x, y) => x - y);
    for (const b of touched) {
      const k = this.store.block(next, b);
      if (k === ids[b]) continue;
      blocks.push(b);
      to.push(k);
      mask |= b < 31 ? 1 << b : -1;
      delta = (delta + this.store.hashOfBlock(k) - this.store.hashOfBlock(ids[b])) | 0;
    }
    return { move, blocks: Int32Array.from(blocks), to: Int32Array.from(to), mask, delta, id: this.steps++ };
  }

  private learnInvariants(ids: Int32Array): number {
    const s = this.store.decode(ids, this.words);
    const rec = this.recorder;
    const faults = this.machine.invariants(rec.begin(s));
    const path = rec.whole ? Array.from({ length: this.cut.blocks }, (_, b) => b) : blocksIn(rec.inputs, this.cut.blockOf);
    return this.invariants.add(0, path, ids, faults.length === 0 ? NO_FAULTS : faults);
  }

  /** The words of the state of block numbers `ids`, in an array of its own. */
  wordsOf(ids: Int32Array): Int32Array {
    return this.store.decode(ids, new Int32Array(this.n));
  }
}
