// The binding stage's output: how much of a hunk the model runs, and what the model
// says of the hunk before and after the patch. The review stage re-exports these.
import type { Verdict } from '../check/types';

/** Why a changed line is not run by the model. */
/** Why a changed line did not run; 'other-era': its code is written against an era of fs/dax.c the model does not have. */
export type NotExecutedWhy = 'unknown-call' | 'elided' | 'not-modelled' | 'unparsed' | 'not-reached' | 'other-era';

/** How much of a hunk's changed code the model executes. */
export interface HunkCoverage {
  hunk: number;
  function: string | null;
  changed: number;
  executed: number;
  notExecuted: { mailLine: number; why: NotExecutedWhy; detail?: string }[];
  /** Functions the hunk touches, and how each is run: its post-image lowered from the patch
   *  ('interpreted'), or not at all ('not-modelled', with why). 'points' is no longer produced. */
  functions?: {
    name: string; mode: 'points' | 'interpreted' | 'not-modelled'; points?: Record<string, string | number | boolean>;
    /** Interpreted: calls and fields outside the model, run as explorer choices. */
    choices?: { mailLine: number | null; c: string }[];
    /** How the function was rebuilt: applied to the reference or tree, completed from the reference, the mail's own, partial. */
    how?: string;
    /** Why a side does not run. */
    why?: string;
  }[];
  /** What the counts rest on: instructions the explorer ran ('explored'), or, without a
   *  simulation, the lines that lowered to IR in a function some scenario reaches ('lowered'). */
  basis?: 'explored' | 'lowered';
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
