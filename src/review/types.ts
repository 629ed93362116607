// Findings: what the review stage says about a patch mail, on exact mail lines.
// The CLI's `check --format json` prints these fields; they are a contract.
import type { ViolationKind } from '../model/machine';
import type { Trace, Verdict } from '../check/types';

export type FindingSeverity = 'error' | 'warning' | 'info';
export type Evidence = 'static' | 'simulation' | 'both';

export interface Finding {
  rule: string;                 // e.g. "dax/get-unlocked-put"
  kind: ViolationKind;
  severity: FindingSeverity;
  message: string;              // what a reviewer would write
  file: string | null;          // the mail file
  line: number;                 // 1-based mail line
  endLine: number;
  hunk: { file: string | null; function: string | null; id: number };
  evidence: Evidence;
  /** Other mail lines of the path that leads to the defect. */
  related?: { line: number; message: string }[];
  trace?: Trace;
  /** Set when simulation contradicted a static finding and it was downgraded. */
  downgraded?: string;
  /** The scenario whose run confirmed (or contradicted) the finding, with the hunk's verdict. */
  simulation?: { scenario: string; summary: string; confirmed: boolean };
  /** The mail line of the reviewer comment the finding answers, when the thread already has one. */
  comment?: number;
  /** Set on what the patch fixes: the kind it removes, its pre-image counterexample as the trace. */
  fixed?: boolean;
  /** What the severity rests on, as the message ends with it: "static" (the protocol rules alone,
   *  a warning at most) or "confirmed by simulation: <scenario>" (an error). */
  basis?: string;
}

// Coverage and pre/post verdicts are produced by the binding stage and carried here.
import type { HunkCoverage } from '../bind/types';
export type { HunkCoverage, HunkVerdict, NotExecutedWhy } from '../bind/types';

/** Code the model runs whose searches did not finish: not decided within the budget. */
export interface Undecided {
  /** The hunk (mail order) whose changed lines the code holds. */
  hunk: number;
  function: string;
  /** The first mail line of the code. */
  line: number;
  lines: number[];
  /** Why: the budget, the deadline, or what the model could not run. */
  reason: string;
  /** Scenarios whose searches stopped. */
  scenarios: string[];
}

/** A hunk's coverage in a review: `executed` counts only lines whose searches finished. */
export interface ReviewCoverage extends HunkCoverage {
  /** Some of the hunk's searches stopped at the budget or the deadline. */
  bounded?: boolean;
  /** Changed lines the model runs but whose searches did not finish. */
  undecided?: number[];
  /** When the model ran none of the hunk's changed lines: one line saying what is outside the
   *  model (the function, the file, the era). Such a hunk has no verdict. */
  outside?: string;
  /** The model has some of the hunk's changed lines to run: simulating the hunk means something. */
  simulable?: boolean;
}
