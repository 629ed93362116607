// The explorer's output: serialisable, so it crosses a worker_thread boundary as is.
import type { ViolationKind, StateView, SourceRef } from '../model/machine';

export type VerdictKind = 'ok' | 'violation' | 'bounded';

export interface TraceStep {
  thread: number;
  threadName: string;
  function: string;
  label: string;
  note: string;
  source?: SourceRef;
  choice?: string;
  /** The state after the step, for the panel's state view. */
  after?: StateView;
}

export interface Trace {
  threads: string[];
  steps: TraceStep[];
}

export interface Violation {
  kind: ViolationKind;
  message: string;
  detail?: Record<string, string | number | boolean>;
  /** Threads the fault is about, as indexes into trace.threads (the sleeper, the holder). */
  threads?: number[];
  trace: Trace;
}

export interface Budget {
  maxStates: number;
  maxMs: number;
}

export interface Verdict {
  scenario: string;
  verdict: VerdictKind;
  states: number;
  transitions: number;
  ms: number;
  /** Reductions that were in force: "symmetry", "sleep-sets", ... */
  reductions: string[];
  /** When bounded: what the search covered before the budget ran out. */
  covered?: { depth: number; frontier: number; reason: 'states' | 'ms' | 'cancelled' };
  violations: Violation[];
  /** The memory the search held for its states when it ended: the visited set (records, table,
   *  per-state metadata), each state's remembered moves, the livelock analysis' log of steps. */
  bytes?: number;
}

/** How far a running search has got; posted by the worker as it goes. */
export interface Progress {
  states: number;
  transitions: number;
  /** The BFS level being expanded. */
  depth: number;
  /** States discovered but not yet expanded. */
  frontier: number;
  ms: number;
}

/** The properties the explorer checks; all are on unless switched off. */
export interface Properties {
  /** Faults a step commits (Transition.fault): double lock, unlock of an unheld lock, sleep in atomic. */
  faults?: boolean;
  /** machine.invariants() on every state reached. */
  invariants?: boolean;
  /** machine.quiescent() and the explorer's own deadlock check where no thread can run. */
  quiescent?: boolean;
  /** Terminal cycles without progress, after an exhaustive search. */
  livelock?: boolean;
}

/** Reductions that may be switched off (to compare verdicts, or to debug a model). */
export interface Reductions {
  symmetry?: boolean;
  sleepSets?: boolean;
  /** Persistent sets (explore.ts): off unless asked for, and only on machines that report
   *  Machine.future and Machine.invariantReads. */
  partialOrder?: boolean;
}

/** A run request: what the worker (src/check/worker.ts) receives. Pure data. */
export interface RunInput {
  /** A scenario of the model ('' with `threads`: a plain file). */
  scenario: string;
  /** Threads composed by the reviewer, over the scenario's world: "pte-read@0x202,truncate@0x203". */
  threads?: string;
  /** Variation points, by name: "grab_mapping_entry.pmd_downgrade.wake_all": false. */
  points?: Record<string, string | number | boolean>;
  /** Function bodies replaced by the hunk binding; passed to the model as is. */
  overrides?: unknown;
  /** The version of the scenario's era to run ('v6.12'); the scenario's own when not given. */
  version?: string;
  budget: Budget;
  stopAtFirst?: boolean;
  properties?: Properties;
  reductions?: Reductions;
}

/** Worker -> caller messages; `id` echoes the request's. */
export type WorkerReply =
  | { type: 'progress'; id?: number; progress: Progress }
  | { type: 'verdict'; id?: number; verdict: Verdict }
  | { type: 'error'; id?: number; message: string };

/** Caller -> worker: a RunInput, with a request id and a shared cancel flag (Int32Array over it; non-zero cancels). */
export type WorkerRequest = RunInput & { id?: number; cancel?: SharedArrayBuffer };
