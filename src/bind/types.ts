// The binding stage's output: how much of a hunk the model runs, and what the model
// says of the hunk before and after the patch. The review stage re-exports these.
import type { Verdict } from '../check/types';

/** Why a changed line is not run by the model. */
export type NotExecutedWhy = 'unknown-call' | 'elided' | 'not-modelled' | 'unparsed';

/** How much of a hunk's changed code the model executes. */
export interface HunkCoverage {
  hunk: number;
  function: string | null;
  changed: number;
  executed: number;
  notExecuted: { mailLine: number; why: NotExecutedWhy; detail?: string }[];
  /** Modelled functions the hunk touches, and how each is run: variation points driven by the
   *  fragment ('points'), its own post-image through the interpreter ('interpreted'), or not at all. */
  functions?: {
    name: string; mode: 'points' | 'interpreted' | 'not-modelled'; points?: Record<string, string | number | boolean>;
    /** Interpreted: conditions the model cannot evaluate, run as explorer choices. */
    choices?: { mailLine: number | null; c: string }[];
  }[];
}

export interface HunkVerdict {
  hunk: number;
  scenario: string;
  pre: Verdict | null;
  post: Verdict;
  /** "introduces a lost wakeup in pmd-downgrade", "fixes ...", "no change". */
  summary: string;
  /** The variation point settings each side ran with. */
  prePoints?: Record<string, string | number | boolean>;
  postPoints?: Record<string, string | number | boolean>;
  /** Set when one mail line was left out of the post-image ('without this line'). */
  without?: number;
}
