// Ties trace steps to mail lines. A step that runs bound hunk code carries its mail line
// already; a step of a reference function does not, but when the hunk holds the very
// statement the step models, once, in that function, that line is where the step is.
import type { Trace } from '../check/types';
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
