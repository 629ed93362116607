// A property of the model: what it protects, and where it is checked. Every state reached is
// checked against the invariants; a state where no thread can run asks each property why a
// stuck thread is stuck (the first answer wins); a state where every thread has returned is
// checked against the final properties.
import type { Fault, ViolationKind } from '../machine';
import type { Layout } from '../kernel/layout';
import type { Instr } from '../ir';
import type { Step } from '../kernel/step';
import type { Touches } from '../objects/object';

/** What a property reads of a state. */
export interface PropertyContext {
  st: Int32Array;
  L: Layout;
  /** A thread's name. */
  name(t: number): string;
  done(t: number): boolean;
  /** The scenario says nothing stands in the way of its PMD fault (ScenarioSpec.mustMapPmd). */
  mustMapPmd: boolean;
  /** What mapping->nrpages counts in the era the scenario runs (Api.accounting). */
  accounting: 'entries' | 'pages';
  /** Who holds references to a DAX page in the era the scenario runs (Api.pageRefs). */
  pageRefs: 'pins' | 'mapping';
  /** The entry point each thread runs. */
  entries: readonly string[];
}

/** Where a stuck thread stands. */
export interface Stuck {
  t: number;
  ins: Instr;
  fn: string;
  /** Every other thread has returned. */
  othersDone: boolean;
}

export interface Property {
  name: string;
  /** The violation kinds it reports. */
  kinds: readonly ViolationKind[];
  /** What goes wrong in the kernel when it breaks. */
  protects: string;
  /** Faults of any state; the clean case returns NO_FAULTS, allocating nothing. */
  invariant?(c: PropertyContext): Fault[];
  /** Why a thread of a state where no thread can run is stuck, or null when this property does not say. */
  stuck?(c: PropertyContext, s: Stuck): Fault | null;
  /** Faults of a state where every thread has returned. */
  final?(c: PropertyContext): Fault[];
  /** A fault of the step in which a thread returns from its entry point with `value`, or null. */
  returned?(w: Step, entry: { fn: string; args: readonly number[] }, value: number): Fault | null;
  /** With returned(): every object it may read for a thread of this entry point, for the
   *  thread's future (model/future.ts). Without it, it may read anything. */
  returnTouches?(x: Touches, entry: { fn: string; args: readonly number[] }): void;
  /** With invariant(): every object it reads (Machine.invariantReads). */
  observes?(x: Touches): void;
}

/** The faults of a state that breaks nothing: shared and frozen. */
export const NO_FAULTS: Fault[] = Object.freeze([]) as unknown as Fault[];
