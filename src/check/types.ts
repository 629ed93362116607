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
}
