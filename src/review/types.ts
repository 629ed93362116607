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
}

/** How much of a hunk's changed code the model executes. */
export interface HunkCoverage {
  hunk: number;
  function: string | null;
  changed: number;
  executed: number;
  notExecuted: { mailLine: number; why: 'unknown-call' | 'elided' | 'not-modelled' | 'unparsed' }[];
}

export interface HunkVerdict {
  hunk: number;
  scenario: string;
  pre: Verdict | null;
  post: Verdict;
  /** "introduces a lost wakeup in pmd-downgrade", "fixes ...", "no change". */
  summary: string;
}
