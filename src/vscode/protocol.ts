// What the extension host and the panel's webview say to each other. Plain data only:
// it crosses postMessage as is. Neither side's runtime is imported here.
import type { Trace, Verdict } from '../check/types';
import type { HunkCoverage } from '../review/types';
import type { LineOp } from '../patch/types';

/** The hunk the panel shows, as it stands in the mail. */
export interface PanelHunk {
  id: number;
  path: string | null;
  function: string | null;
  mailLines: [number, number];
  lines: { op: LineOp; text: string; mailLine: number }[];
}

/** One scenario's pre-image and post-image verdicts. */
export interface PanelResult {
  scenario: string;
  pre: Verdict | null;
  post: Verdict;
  summary: string;
}

/** Which trace the swimlanes show: a violation of one side of one result. */
export interface TraceRef {
  scenario: string;
  side: 'pre' | 'post';
  violation: number;
}

export type PanelStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

export interface PanelModel {
  /** The mail document's URI, so a step can point back into the right editor. */
  document: string | null;
  subject: string;
  hunk: PanelHunk | null;
  scenarios: string[];
  /** The scenario the last simulation ran; null: every scenario that exercises the hunk. */
  scenario: string | null;
  results: PanelResult[];
  coverage: HunkCoverage | null;
  /** The era and version of fs/dax.c the last simulation ran the hunk against ("XArray v6.12"). */
  era?: string | null;
  /** Set when the panel shows a trace that did not come from a simulation result (a finding's). */
  trace: { title: string; trace: Trace } | null;
  selected: TraceRef | null;
  status: PanelStatus;
  message: string;
  /** The threads the reviewer composed for the last simulation ("pte-read@0x202,truncate@0x203"). */
  threads?: string | null;
  /** The kinds of thread the model can start, for composing threads: `kind@index`. */
  threadKinds?: ThreadKind[];
}

export interface ThreadKind {
  kind: string;
  doc: string;
}

export type HostToPanel =
  | { type: 'show'; model: PanelModel }
  | { type: 'progress'; text: string }
  | { type: 'step'; index: number };

export type PanelToHost =
  | { type: 'ready' }
  | { type: 'step'; document: string | null; index: number; mailLine: number | null }
  | { type: 'simulate'; scenario: string | null; threads?: string }
  | { type: 'cancel' };

/** The trace a model selects: the explicit one, else the chosen violation, else the first violation found. */
export function selectedTrace(model: PanelModel): { title: string; trace: Trace } | null {
  if (model.trace) return model.trace;
  const pick = (ref: TraceRef): { title: string; trace: Trace } | null => {
    const r = model.results.find((x) => x.scenario === ref.scenario);
    const v = r ? (ref.side === 'pre' ? r.pre : r.post) : null;
    const violation = v?.violations[ref.violation];
    return violation ? { title: `${ref.side}-image, ${ref.scenario}: ${violation.message}`, trace: violation.trace } : null;
  };
  if (model.selected) return pick(model.selected);
  for (const side of ['post', 'pre'] as const) {
    for (const r of model.results) {
      const v = side === 'pre' ? r.pre : r.post;
      if (v && v.violations.length) return pick({ scenario: r.scenario, side, violation: 0 });
    }
  }
  return null;
}
