// The patch stage's output: hunks wherever they sit in a message, and the review
// comments anchored to the hunk lines they answer.
import type { Message, MailDiagnostic } from '../mail/types';

export type LineOp = ' ' | '+' | '-';

export interface HunkLine {
  op: LineOp;
  text: string;               // without quote prefix and without the op character
  mailLine: number;
  oldLine: number | null;     // known only when the hunk has an @@ header
  newLine: number | null;
  /** The C function this line lies in (pre-image for '-', post-image otherwise); null at file scope or unknown. */
  function: string | null;
}

/** What an archive or a reviewer did to the hunk. */
export interface Damage {
  kind:
    | 'stripped-indent'   // leading whitespace lost: a context line with no leading space
    | 'count-mismatch'    // @@ counts disagree with the lines present
    | 'missing-header'    // fragment after an elision, no @@ line
    | 'elided'            // '...', '[...]', '<snip>' inside the hunk
    | 'wrapped'           // a line broken by the mailer
    | 'trailing-ws';
  mailLine: number;              // the first line it affects
  message: string;
  /** Every mail line it affects, in order. */
  mailLines: number[];
}

export interface Comment {
  speaker: string | null;
  depth: number;
  mailLines: [number, number];
  /** Indexes into the hunk's lines[] of the range it answers; null when it answers the commit message. */
  anchor: [number, number] | null;
  hunk: number | null;        // Hunk.id it hangs on
  /** The C function of the last anchored line, when the hunk says. */
  function: string | null;
  text: string;
  replies: Comment[];
}

export interface Hunk {
  id: number;                 // 0-based, in mail order across the message
  path: string | null;        // null when the mail does not say and it cannot be inferred
  pathSource: 'header' | 'inherited' | 'inferred' | 'unknown';
  oldStart: number | null;
  oldCount: number | null;
  newStart: number | null;
  newCount: number | null;
  headerContext: string | null;   // text after the second @@, a hint only
  function: string | null;        // the enclosing C function, resolved from the lines
  /** How `function` was found: a definition in the hunk's lines, the @@ context,
   *  a label seen earlier in the file, the previous hunk of the same file, or (for a quoted
   *  fragment with no header at all) the one function of the model's kernel C holding its lines. */
  functionSource: 'lines' | 'header' | 'label' | 'previous-hunk' | 'model' | null;
  functions: string[];            // every function the hunk touches or defines
  /** File-scope objects the changes sit in outside functions: "struct dax_operations", "dm_dax_ops". */
  scopes: string[];
  /** Mail line of the elision ('...', '[...]', '<snip>') just before this hunk, if any. */
  afterGap: number | null;
  /** True when every line count agrees with the @@ header and no damage was found. */
  clean: boolean;
  quoteDepth: number;
  headerMissing: boolean;
  damage: Damage[];
  lines: HunkLine[];
  comments: Comment[];
  mailLines: [number, number];
}

export interface FilePatch {
  path: string | null;
  oldPath: string | null;
  newPath: string | null;
  hunks: Hunk[];
}

export interface PatchMessage {
  message: Message;
  quoteDepth: number | null;      // depth the patch sits at; null when no patch
  files: FilePatch[];
  /** Comments that answer the commit message or stand outside any hunk. */
  comments: Comment[];
  /** The series table built from the page's thread overview; empty without one. */
  seriesTable: SeriesRow[];
  diagnostics: MailDiagnostic[];
}

/** One patch of a series as a thread overview lists it. */
export interface SeriesRow {
  index: number | null;       // patch number; 0 for a cover letter
  total: number | null;
  version: number | null;
  subject: string;
  author: string;
  date: string;
  /** Messages nested under this one in the overview, not counting nested patches. */
  replies: number;
  current: boolean;
  mailLine: number;
}
