// The language server's requests beyond the Language Server Protocol: what an editor's own
// features (a series tree, comment threads, a trace panel, the commands that run jobs) need of
// the analysis, on the connection that carries its diagnostics. Plain JSON. The server
// (src/lsp/server.ts) answers them; src/editor/remote.ts asks them.
import type { Analysis, JobRequest } from './jobs';
import type { AnalysisDelta } from './parts';

export const METHODS = {
  /** The server's analysis of an open document (its own read of it, the one its diagnostics come
   *  from), the messages in view first; a large mailbox's analysis so far comes as partial results. */
  analyse: 'daxReview/analyse',
  /** A light request to the server's long-lived worker (AskOp). */
  ask: 'daxReview/ask',
  /** A heavy request in a worker of its own (JobOp), with work-done progress; $/cancelRequest ends it. */
  job: 'daxReview/job',
  /** Notification: the mail lines an editor shows of a document. Lenses are drawn for the
   *  messages in view, and a read starts from them. */
  view: 'daxReview/view',
} as const;

/** What a client may set in initializationOptions, and again as the `daxReview` section of
 *  workspace/didChangeConfiguration. */
export interface ServerOptions {
  /** Rule ids or prefixes run as the mail is edited; empty (the default) runs every static rule;
   *  null runs none (the mail's own diagnostics only). */
  rules?: string[] | null;
  budget?: { maxStates?: number; maxMs?: number };
  /** Most seconds a check, simulation or reply runs before it is cancelled. */
  jobDeadline?: number;
  /** A kernel checkout whose fs/dax.c the hunks are applied to. */
  kernelTree?: string;
  /** Milliseconds of quiet after an edit before the mail is read again. */
  delay?: number;
  /** False: the server does not read a mail the moment it opens but when the client first asks
   *  for it (daxReview/analyse), which says the line in view to read first, or else after the
   *  typing delay. For a client that asks for every mail it shows. */
  readOnOpen?: boolean;
  /** The client runs the commands its lenses and code actions name itself (its own
   *  daxReview.simulateHunk and the rest): the server then offers no executeCommandProvider,
   *  so the two do not both register them. */
  clientCommands?: boolean;
  /** How many workers read a large mailbox at once (see sharesFor); default: one a core, at
   *  most four. 1 keeps every read on one core. */
  readers?: number;
}

export type ProgressToken = string | number;

export const ASK_OPS = ['scenarios', 'threadKinds'] as const;
export type AskOp = (typeof ASK_OPS)[number];
export const JOB_OPS = ['check', 'simulate', 'reply', 'runScenario'] as const;
export type JobOp = (typeof JOB_OPS)[number];

export interface DocumentRef {
  uri: string;
}

export interface AnalyseParams {
  textDocument: DocumentRef;
  /** A mail line in view (1-based): in a large mailbox its messages are read first. */
  focus?: number | null;
  partialResultToken?: ProgressToken;
  /** The client merges deltas (PartStore): a large mailbox's partial results, and the answer to
   *  a request that had them, then say only what changed since the last (DocumentDelta). */
  deltas?: boolean;
}

/** An analysis and the document version it is of. */
export interface DocumentAnalysis {
  version: number;
  analysis: Analysis;
  /** Whether it is a full check's (findings confirmed by simulation), not the static read's. */
  checked: boolean;
}

/** What changed of a document's analysis since the last partial result of the same request:
 *  the first one a request gets is whole (`delta.whole`), as is the first of a new read (the
 *  document changed meanwhile). */
export interface DocumentDelta {
  version: number;
  delta: AnalysisDelta;
  checked: boolean;
}

/** daxReview/analyse's answer and partial results: whole, or as deltas when the client asked. */
export type AnalyseAnswer = DocumentAnalysis | DocumentDelta;

export function isDelta(a: AnalyseAnswer): a is DocumentDelta {
  return 'delta' in a;
}

export type AskParams = Extract<JobRequest, { op: AskOp }>;

export type JobParams = Extract<JobRequest, { op: JobOp }> & {
  /** The open document the job's text is, at the version it was taken from: a check's
   *  findings become that document's diagnostics while it is still at that version. */
  textDocument?: DocumentRef & { version: number };
  workDoneToken?: ProgressToken;
};

export interface ViewParams {
  textDocument: DocumentRef;
  /** 1-based mail lines, first and last, of each range shown. */
  ranges: [number, number][];
}

/** The values of a job's work-done progress ($/progress), as LSP defines them. */
export type WorkDone =
  | { kind: 'begin'; title: string; cancellable?: boolean; message?: string }
  | { kind: 'report'; message?: string }
  | { kind: 'end'; message?: string };
