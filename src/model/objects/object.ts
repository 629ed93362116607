// What an object of the modelled kernel declares: its state words, which of them hold thread
// ids, its primitives, the locks it is, and its rows in the state view. The layout
// (kernel/layout.ts), the symmetry renaming, the view, the footprints and the lock-waiting
// part of the properties are derived from these declarations, so an object is described here
// once and nowhere else.
import type { Fault, StateView, ViolationKind } from '../machine';
import type { Layout } from '../kernel/layout';
import type { Step } from '../kernel/step';

/** How a word stores a thread id, so symmetry renames it with the thread. */
export type Holds =
  /** thread + 1, 0 for none (a lock holder, the last waker of a queue) */
  | 'thread'
  /** -(thread + 1) while held exclusive, else a count of readers (an rw semaphore) */
  | 'rwsem'
  /** (key << 9) | flags | (thread + 1), 0 for none (a wait-queue entry) */
  | 'waiter';

export interface WordDecl {
  name: string;
  doc: string;
  holds?: Holds;
  /** A record field repeated once per thread (a queue's FIFO of waiters). */
  perThread?: boolean;
  /** The model's own record of what happened, kept for the messages of violations: no kernel
   *  state, so two states that differ only there are the same kernel. */
  diagnostic?: true;
  /** The model's record of what a thread did, which properties judge by (a fault that mapped
   *  nothing): part of the state, but no kernel state, so no outcome of a run either. */
  ghost?: true;
}

/** The records the state repeats: one per modelled page index, page frame, wait queue. */
export type RecordKind = 'index' | 'page' | 'queue';

/** Footprint ids of an object (what a step read or wrote): a global id, or one per record. */
export interface FootprintDecl { name: string; per?: RecordKind | 'thread' }

export interface Prim {
  name: string;
  arity: number;
  /** What the primitive stands for in the kernel. */
  doc: string;
  visible: boolean;
  /** A visible primitive that no other thread can observe in this state: it runs inside the
   *  current step. Reads of tree_lock-protected state by the lock holder are quiet, since
   *  every writer of that state holds the lock. */
  quiet?(w: Step): boolean;
  /** The kind of state the primitive only reads: when no primitive a scenario can run
   *  writes that kind (`writesTo`), the read cannot race and runs inside the current step. */
  readsOnly?: string;
  writesTo?: string[];
  /** Lock acquires move right and releases move left (Lipton): a step may run acquires, one
   *  other visible operation, then releases. */
  mover?: 'right' | 'left';
  /** The kernel may sleep in it: a fault with a spinlock held or preemption disabled. */
  mightSleep?: boolean;
  /** True when the thread cannot take the step now (spins on a lock, sleeps): it is blocked. */
  blocked?(w: Step, args: number[]): boolean;
  /** Outcomes the explorer branches over (an injected fault), by name. */
  choices?(w: Step, args: number[]): string[] | undefined;
  run(w: Step, args: number[], choice: number): number;
  /** What the primitive may touch, for a thread's future (model/future.ts): every object its
   *  run() records and every object its blocked() reads, from what is known of its arguments
   *  (undefined: any value). An over-approximation; without it the object's own `touches`
   *  is taken, and without that, everything for a visible primitive and nothing for an
   *  invisible one (what no other thread can observe touches only the thread's own words,
   *  unless it says otherwise here). */
  touches?(x: Touches, args: readonly (number | undefined)[]): void;
}

/** Where a primitive says what it may touch (Prim.touches). The future of a thread is what the
 *  primitives of the rest of its run may touch (test/unit/model/future.test.ts checks it holds
 *  every footprint a step records). */
export interface Touches {
  readonly L: Layout;
  /** The state the scenario starts in: a primitive may read there only what no step can
   *  raise again (an allocation failure budget, which only falls). */
  readonly start: Int32Array;
  /** The thread that runs the primitive. */
  readonly t: number;
  read(obj: number): void;
  /** A write, which a future counts as a read too. */
  write(obj: number): void;
  /** The per-index object `obj` of page index `index`: of every modelled index when the index
   *  is not known. */
  index(obj: (slot: number) => number, index: number | undefined, write: boolean): void;
  /** The per-record object `obj` of every record of a kind. */
  all(obj: (record: number) => number, kind: RecordKind | 'thread', write: boolean): void;
  /** The queue a key hashes to (every queue when the key is not known). */
  queue(key: number | undefined, write: boolean): void;
  /** Anything at all: what the primitive does is not said. */
  everything(): void;
}

/** A lock an object is: how a thread waits for it and who holds it. */
export interface LockDecl {
  /** How a reviewer names it: "mapping->tree_lock". */
  what: string;
  /** The primitives a thread blocks in while another holds it. */
  acquire: readonly string[];
  /** The thread holding it that thread t waits for, or -1. */
  holder(st: Int32Array, L: Layout, t: number): number;
  /** What a thread that returned while holding it leaves behind. */
  leftKind: ViolationKind;
  /** Holding it makes the context atomic: nothing may sleep meanwhile. */
  atomic?(st: Int32Array, L: Layout, t: number): boolean;
  /** Faults of a state where every thread returned and it is still held. */
  heldAtEnd(st: Int32Array, L: Layout, name: (t: number) => string): Fault[];
}

/** What the view of a state is built from. */
export interface ViewContext {
  L: Layout;
  /** A thread's name from its id + 1 ('none' for 0). */
  name(v: number): string;
}

export interface KernelObject {
  name: string;
  /** What the object is in the kernel, and which version its semantics follow. */
  doc: string;
  globals?: readonly WordDecl[];
  fields?: Partial<Record<RecordKind, readonly WordDecl[]>>;
  footprints?: readonly FootprintDecl[];
  prims: readonly Prim[];
  /** What any primitive of the object that says nothing of its own may touch (Prim.touches). */
  touches?(x: Touches, args: readonly (number | undefined)[]): void;
  locks?: readonly LockDecl[];
  /** Adds the object's rows to the view of a state. */
  view?(st: Int32Array, ctx: ViewContext, out: StateView): void;
}
