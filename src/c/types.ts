// The C stage's output: functions rebuilt from hunks (pre- and post-image), parsed,
// and their control-flow graphs. Fields may be added; none renamed.
import type { LineOp } from '../patch/types';

/** One line of a rebuilt function, tied back to the mail when it came from one. */
export interface ImageLine {
  text: string;
  op: LineOp | null;          // null when it came from the kernel tree, not the mail
  mailLine: number | null;
  hunk: number | null;
}

/** A function as it stood before (pre) or after (post) the patch. */
export interface FunctionImage {
  name: string;
  side: 'pre' | 'post';
  path: string | null;
  lines: ImageLine[];
  /** True when every line of the function is known (from the mail or from the tree). */
  whole: boolean;
  /**
   * Elided stretches: indexes into lines[] after which code is missing. -1 means the
   * function's head (or more) is missing before lines[0]; lines.length - 1 means its end is missing.
   */
  gaps: number[];
  source: 'mail' | 'tree';
}

export interface Call {
  name: string;
  args: string[];             // argument source text, whitespace folded
  /** The variable the result is assigned to, when the call stands in `x = f(...)`. */
  assignedTo: string | null;
  mailLine: number | null;
}

export type CfgNodeKind = 'entry' | 'exit' | 'stmt' | 'branch' | 'label' | 'return' | 'goto' | 'gap';

export interface CfgNode {
  id: number;
  kind: CfgNodeKind;
  text: string;               // the statement or condition source
  calls: Call[];
  /**
   * Assignments in the statement: variable and right-hand side source. op is the operator
   * ('=', '|=', ...; '++'/'--' with value '' for increments); a declaration's initializer is '='.
   */
  assigns: { target: string; value: string; op: string }[];
  mailLine: number | null;
  lineIndex: number | null;   // index into FunctionImage.lines
  /**
   * Successors; for a branch, [true, false]. A switch is a branch whose succ are its case
   * labels in order, then the default (or the statement after the switch when it has none).
   */
  succ: number[];
  /** For a switch: the case values, one per succ ('default' for the default). Otherwise null. */
  cases: string[] | null;
}

export interface Cfg {
  fn: string;
  nodes: CfgNode[];
  entry: number;
  exit: number;
  /** True when the function is not whole: paths through gaps are unknown. */
  partial: boolean;
  /** Statements tree-sitter could not parse, with their mail lines. */
  unparsed: { mailLine: number | null; text: string }[];
}

/** A function touched by a patch, as it stood before and after. */
export interface RebuiltFunction {
  name: string;
  path: string | null;
  /** null when the function does not exist on that side (added or removed by the patch). */
  pre: FunctionImage | null;
  post: FunctionImage | null;
  /** Hunk ids whose lines fall in the function, in order. */
  hunks: number[];
}

/** A hunk (or part of one, between elisions) that could not be placed in the kernel tree, or was placed with an offset. */
export interface TreeFailure {
  hunk: number;
  mailLine: number | null;
  reason: string;
  /** True when the hunk did apply (with an offset, or located by content): the reason is a note. */
  applied: boolean;
}

export interface TreeResult {
  /** Rebuilt whole from the tree; a function one of whose hunks did not apply is rebuilt from the mail (source 'mail'). */
  functions: RebuiltFunction[];
  failures: TreeFailure[];
}
