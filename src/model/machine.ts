// The contract between the model (stage 4) and the explorer (stage 5).
// A Machine is a set of threads over a packed state. The explorer knows nothing of
// DAX: it asks the machine for the visible steps of each thread and for the faults
// of a state, and searches.

/** One vocabulary of defect kinds across the product (CLI JSON, findings, the panel). */
export type ViolationKind =
  | 'lost-wakeup' | 'deadlock' | 'entry-left-locked' | 'lock-imbalance' | 'sleep-in-atomic'
  | 'null-deref' | 'use-after-free' | 'refcount' | 'accounting' | 'overlap' | 'beyond-eof'
  | 'livelock' | 'stale-mapping' | 'assertion' | 'wrong-result' | 'layout-changed';

export const VIOLATION_KINDS: readonly ViolationKind[] = [
  'lost-wakeup', 'deadlock', 'entry-left-locked', 'lock-imbalance', 'sleep-in-atomic',
  'null-deref', 'use-after-free', 'refcount', 'accounting', 'overlap', 'beyond-eof',
  'livelock', 'stale-mapping', 'assertion', 'wrong-result', 'layout-changed',
];

/** A property broken by a state or by a step. */
export interface Fault {
  kind: ViolationKind;
  message: string;
  /** Threads the fault is about (the sleeper of a lost wakeup, the holder of a lock). */
  threads?: number[];
  /** Facts a reviewer needs: the wait key, the last waker and its nr_exclusive, the entry... */
  detail?: Record<string, string | number | boolean>;
  /** 'halt': the thread cannot go on (its stack overflowed, it followed a pointer the model
   *  does not know), so its run stops at the fault. 'warn': a kernel warning, reported, after
   *  which the kernel goes on and so does the path (what follows may break more). */
  code?: 'halt' | 'warn';
}

/** Where a step stands in code: a reference function's C statement, or a mail line. */
export interface SourceRef {
  fn: string;
  /** The C statement the step models, as the kernel writes it. */
  c: string;
  /** 1-based line in the mail document when the step runs bound hunk code. */
  mailLine?: number;
  /** The line of the function's C the step's statement starts on (0-based, Instr.at). */
  at?: number;
  /** The calls the step is made in, outermost first: each caller, the line of its call and,
   *  when that call is code of the mail, its mail line. */
  callers?: { fn: string; at?: number; mailLine?: number }[];
}

export const enum Status { Runnable = 0, Blocked = 1, Done = 2 }

export interface Transition {
  thread: number;
  /** The successor state. The explorer owns it after the call. */
  state: Int32Array;
  /** The modelled function the step is in (innermost frame). */
  fn: string;
  /** The C statement this step models, e.g. "spin_lock_irq(&mapping->tree_lock)". */
  label: string;
  /** The state change in words, e.g. "entry 0x200 locked", "woke 1 of 2 waiters on 0x200". */
  note: string;
  source?: SourceRef;
  /** Abstract objects the step reads and writes (lock, slot, queue ids): steps of two
   *  threads with disjoint footprints (no write meets a read or write) commute. */
  reads: readonly number[];
  writes: readonly number[];
  /** False for steps that only retry or spin (for livelock detection). */
  progress: boolean;
  /** A fault the step itself commits: double lock, unlock of an unheld lock, sleep with a spinlock held. */
  fault?: Fault;
  /** Set when the explorer's branching chose this: an injected fault or an expression the model cannot evaluate. */
  choice?: string;
}

/** One step of Moves: what it writes instead of the successor it leads to. */
export interface Move {
  /** The words the step writes, ascending, and their values in the successor. */
  at: Int32Array;
  val: Int32Array;
  /** As in Transition: the step's footprint, whether it makes progress, its fault, its choice. */
  reads: readonly number[];
  writes: readonly number[];
  progress: boolean;
  fault?: Fault;
  choice?: string;
}

/**
 * What a thread does from a state: its status and, when it can run, every successor of its
 * next step as the words it writes, with the words of the state that decide all of it.
 * `decidedBy` lists those words each once, in an order in which every word is determined by
 * the values of the words before it (the order a deterministic program reads them in), so
 * that a search can remember the moves by those words and find them again by reading the
 * same words of another state in the same order: the same values there give the same moves.
 */
export interface Moves {
  status: Status;
  decidedBy: readonly number[];
  steps: Move[];
}

export interface ThreadInfo {
  name: string;          // "T1: pte fault 0x203"
  /** Threads with equal class run the same program from the same start: the explorer may permute them. */
  symmetryClass: number;
}

/** What the panel shows of a state. */
export interface StateView {
  entries: { index: number; order: number; value: string; locked: boolean }[];
  waitqueues: { key: string; waiters: string[]; lastWake?: string }[];
  locks: { name: string; holder: string | null }[];
  threads: { name: string; status: 'runnable' | 'blocked' | 'done'; at: string }[];
  other: Record<string, string | number>;
}

export interface Machine {
  readonly name: string;
  readonly threads: readonly ThreadInfo[];
  initial(): Int32Array;
  /**
   * Optional: where the parts of a state begin (ascending word indexes, the first 0): a
   * search stores a state as its parts, each distinct part once, and remembers what a
   * thread does by the parts it reads. Parts that follow the objects of the state (a lock,
   * a slot, a queue, a thread's stack) change only with them.
   */
  readonly segments?: readonly number[];
  /**
   * Optional: words that record what the machine saw (who woke a queue last) for its fault
   * messages, not the state of what it models. A search leaves them out of the states it
   * stores, so two states that differ only there are one; it replays a violation's trace on
   * real states, where they are kept, to say its fault.
   */
  readonly diagnostic?: readonly number[];
  status(state: Int32Array, thread: number): Status;
  /** Every successor of one visible step of `thread` (several when the step branches on a choice). */
  successors(state: Int32Array, thread: number): Transition[];
  /** A representative of the state's symmetry class (thread slots sorted within a class). */
  canonical(state: Int32Array): Int32Array;
  /** Faults of a state, checked on every state reached. */
  invariants(state: Int32Array): Fault[];
  /** Faults of a state where no thread can run: deadlock, lost wakeup, entry left locked, accounting. */
  quiescent(state: Int32Array): Fault[];
  view(state: Int32Array): StateView;
  /**
   * Optional: status() and successors() of a thread at once, as Moves. Without it a search
   * learns the same from status() and successors() and takes every word as deciding them.
   * Moves carry no notes: a search that asks for them rebuilds its traces with successors().
   */
  moves?(state: Int32Array, thread: number): Moves;
  /**
   * Optional, for partial-order reduction (with invariantReads): every object (as in
   * Transition.reads/writes) that a step `thread` may still take from `state` may read, and
   * every one it may write, its next step's included, and those that decide whether it can
   * run (a lock it waits for, the queue it sleeps on). An over-approximation, whatever the
   * other threads do meanwhile; without it a search cannot prove that the other threads stay
   * clear of a step, and expands every thread.
   */
  future?(state: Int32Array, thread: number): { reads: readonly number[]; writes: readonly number[] };
  /**
   * Optional, with future(): per thread, the part of the state (an index into `segments`)
   * whose words alone decide its future, so a search may remember the future by that part.
   */
  readonly futureParts?: readonly number[];
  /** Optional, with future(): every object invariants() reads. A step that writes one is visible. */
  readonly invariantReads?: readonly number[];
}
