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
  /** Elided stretches: indexes into lines[] after which code is missing. */
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
  /** Assignments in the statement: variable and right-hand side source. */
  assigns: { target: string; value: string }[];
  mailLine: number | null;
  lineIndex: number | null;   // index into FunctionImage.lines
  /** Successors; for a branch, [true, false]. */
  succ: number[];
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
