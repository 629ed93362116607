// What the extension host asks its analysis worker, and what comes back. Plain data:
// it crosses a worker_thread boundary. The host never runs the core itself, so typing
// never waits on a parser, a rule or the explorer.
import type { MailDiagnostic, SeriesTag } from '../mail/types';
import type { Comment, LineOp } from '../patch/types';
import type { Budget, Progress, Verdict } from '../check/types';
import type { Finding, HunkCoverage, HunkVerdict, Undecided } from '../review/types';
import type { ProseSymbol } from '../review/prose';
import type { OwnComment } from './review';
import type { AnalysisDelta } from './parts';

/** Where a hunk is: the message it stands in (index in the document) and its id there. */
export interface HunkKey {
  message: number;
  hunk: number;
}

export interface OutlineHunk extends HunkKey {
  path: string | null;
  function: string | null;
  mailLines: [number, number];
  lines: { op: LineOp; text: string; mailLine: number }[];
  /** Lines the hunk adds or removes. */
  changed: number;
  comments: Comment[];
}

export interface OutlineFile {
  path: string | null;
  hunks: OutlineHunk[];
}

export interface OutlineMessage {
  index: number;
  subject: string;
  from: string | null;
  series: SeriesTag | null;
  firstLine: number;
  lastLine: number;
  files: OutlineFile[];
  /** Comments on the commit message or outside any hunk. */
  comments: Comment[];
}

/** The document as the core read it: what the editor draws lenses, comments and the tree from. */
export interface Outline {
  messages: OutlineMessage[];
  /** The mail and patch stages' own diagnostics, each on the line it came from. */
  diagnostics: MailDiagnostic[];
  /** Functions the model runs that the prose of messages without hunks names (a design
   *  discussion), with the scenarios that run them: a lens on each offers one. */
  symbols?: ProseSymbol[];
}

/** The review stage's output for one document, placed on hunks. */
export interface Review {
  findings: Finding[];
  /** Coverage per hunk, keyed as `${message}:${hunk}`. */
  coverage: Record<string, HunkCoverage>;
  /** Simulation verdicts per hunk when the full check ran, same keys. */
  verdicts: Record<string, HunkVerdict[]>;
  /** After a full check: code whose searches stopped at the budget or the deadline, not decided. */
  bounded?: Undecided[];
}

export interface Analysis {
  outline: Outline;
  /** Null when this build carries no review stage: then nothing is claimed about the mail. */
  review: Review | null;
  /** Why a capability is missing, said once to the user. */
  notices: string[];
  /** Set on an analysis of a large mailbox that is not whole yet: whether findings are still
   *  missing (a partial answer), and how many batches of messages (see BATCH) have no coverage
   *  yet, so their lenses say nothing of it until a later read binds them. */
  unfinished?: { findings: boolean; coverage: number };
}

export interface AnalyseArgs {
  text: string;
  file: string | null;
  /** Rule ids (or prefixes) run as you type; empty runs every static rule; null runs none. */
  rules: string[] | null;
  /** A mail line in view: in a large mailbox its messages are read first (see BATCH). */
  focus?: number | null;
  /** A large mailbox read by several workers at once: this one reads the batches whose number
   *  is `index` modulo `of` (see analyseParts). */
  share?: Share | null;
  /** The share of a core (0 to 1) the binding of the batches out of view may take, once the
   *  batch in view is bound: the rest of the time it pauses, leaving the cores to the editor.
   *  Unset: all of it. */
  background?: number;
}

export interface Share {
  index: number;
  of: number;
}

export interface CheckArgs extends AnalyseArgs {
  tree: string | null;
  budget: Budget;
  /** The review's own deadline: searches it stops come back as not decided (bounded). */
  deadlineMs?: number;
}

export interface SimulateArgs {
  text: string;
  file: string | null;
  key: HunkKey;
  scenario: string | null;
  /** Threads of the reviewer's own, KIND@INDEX comma-separated (over `scenario`'s world if set),
   *  instead of the scenarios that exercise the hunk. */
  threads?: string | null;
  /** A mail line to leave out of the post-image ("what if this line were removed?"). */
  without: number | null;
  tree: string | null;
  budget: Budget;
}

export interface Simulation {
  key: HunkKey;
  /** The era of fs/dax.c the model ran the hunk against, and the version of it ("XArray v6.12"). */
  era?: string;
  scenario: string | null;
  threads?: string | null;
  without: number | null;
  coverage: HunkCoverage | null;
  verdicts: HunkVerdict[];
}

/** A scenario of the model's own, run with its reference functions: what a lens on a function
 *  named in prose offers. */
export interface RunScenarioArgs {
  scenario: string;
  budget: Budget;
}

export interface ScenarioRun {
  scenario: string;
  /** The era and version of the model the scenario ran ("XArray v6.12+zap"). */
  era: string;
  verdict: Verdict;
}

export interface ScenariosArgs {
  text: string;
  file: string | null;
  key: HunkKey;
}

export interface ReplyArgs {
  text: string;
  file: string | null;
  /** The findings of a full check of this text; null: the worker runs one first. */
  findings: Finding[] | null;
  /** Only these findings go in the reply; null: all. */
  only: { rule: string; line: number }[] | null;
  /** The reviewer's own comments, each put under the line it answers. */
  comments?: OwnComment[];
  tree: string | null;
  budget: Budget;
  deadlineMs?: number;
}

export type JobRequest =
  | { op: 'analyse'; args: AnalyseArgs }
  /** The same read, answered as deltas (what changed since the last partial result). */
  | { op: 'analyseParts'; args: AnalyseArgs }
  | { op: 'check'; args: CheckArgs }
  | { op: 'simulate'; args: SimulateArgs }
  | { op: 'scenarios'; args: ScenariosArgs }
  | { op: 'runScenario'; args: RunScenarioArgs }
  | { op: 'reply'; args: ReplyArgs }
  | { op: 'threadKinds'; args: Record<string, never> }
  /** Loads what every read needs (the C parser) before the first mail comes. */
  | { op: 'warm'; args: Record<string, never> };

export interface JobResults {
  analyse: Analysis;
  analyseParts: AnalysisDelta;
  check: Analysis;
  simulate: Simulation;
  scenarios: string[];
  runScenario: ScenarioRun;
  reply: string;
  /** The kinds of thread the model starts (`simulate --threads` takes them as kind@index). */
  threadKinds: { kind: string; doc: string }[];
  warm: null;
}

/** A request to the worker, or word that the read it is running (request `target`) is stale:
 *  its answer will be dropped, so it stops at the next batch. */
export type ToWorker = ({ id: number } & JobRequest) | { op: 'abandon'; target: number };

export type FromWorker =
  | { id: number; kind: 'done'; result: unknown }
  | { id: number; kind: 'error'; message: string }
  | { id: number; kind: 'progress'; text: string; progress?: Progress }
  /** A large mailbox's analysis so far (analyse), or what changed of it since the last (analyseParts). */
  | { id: number; kind: 'partial'; result: unknown };

export function keyOf(k: HunkKey): string {
  return `${k.message}:${k.hunk}`;
}

