// Ties trace steps to mail lines. A step that runs bound hunk code carries its mail line
// already; a step of a reference function does not, but when the hunk holds the very
// statement the step models, once, in that function, that line is where the step is.
import type { Trace, TraceStep } from '../check/types';
import type { OutlineHunk } from './jobs';

function norm(c: string): string {
  return c.replace(/\/\*.*?\*\//g, '').replace(/\s+/g, '').replace(/[;{]+$/, '');
}

/** Statements span up to this many mail lines (a mailer or the author wrapped them). */
const SPAN = 4;

/** A copy of the trace with mail lines filled in where the hunk's post-image states the step. */
export function placeSteps(trace: Trace, hunk: OutlineHunk | null): Trace {
  if (!hunk || !hunk.function) return trace;
  const post = hunk.lines.filter((l) => l.op !== '-');
  const lineOf = new Map<string, number | null>();
  for (let i = 0; i < post.length; i++) {
    let k = '';
    for (let j = i; j < Math.min(post.length, i + SPAN); j++) {
      k += norm(post[j].text);
      if (!k) break;
      lineOf.set(k, lineOf.has(k) ? null : post[i].mailLine);
    }
  }
  return {
    threads: trace.threads,
    steps: trace.steps.map((s) => {
      if (s.source?.mailLine !== undefined || s.function !== hunk.function) return s;
      const line = lineOf.get(norm(s.source?.c ?? s.label));
      if (line === undefined || line === null) return s;
      return { ...s, source: { fn: s.source?.fn ?? s.function, c: s.source?.c ?? s.label, mailLine: line } };
    }),
  };
}

/** Where a step stands in the mail: its own line, or, for a step inside a function the mail
 *  does not show (a helper of the model), the line of the innermost call to it that the mail
 *  does show, with the function called there. */
export interface StepPlace {
  line: number;
  /** Set when `line` is a call site: the function called on that line, which the step runs inside. */
  calls?: string;
}

export function stepPlace(s: TraceStep): StepPlace | null {
  if (s.source?.mailLine !== undefined) return { line: s.source.mailLine };
  const chain = s.source?.callers ?? [];
  for (let i = chain.length - 1; i >= 0; i--) {
    const line = chain[i].mailLine;
    if (line !== undefined) return { line, calls: chain[i + 1]?.fn ?? s.source?.fn ?? s.function };
  }
  return null;
}
