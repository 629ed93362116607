// A trace as a reviewer draws it in mail: one column per thread, time going down, each
// step in its thread's column (the table in Ross Zwisler's reply on the PMD downgrade).
//
//   Thread 1                Thread 2                Thread 3
//   --------                --------                --------
//   index 0x202, hold PMD
//                           index 0x203, sleep on
//                           0x200
import type { Trace, TraceStep } from './types';

export interface SwimlaneOptions {
  /** Total width in columns; 120 by default. */
  width?: number;
  /** What a cell says; by default the C statement, then the state change. */
  cell?: (step: TraceStep) => string;
  /** Number the steps in a left margin (default true). */
  numbers?: boolean;
}

const GAP = 2;

export function defaultCell(step: TraceStep): string {
  const parts = [step.label];
  if (step.note) parts.push(`-> ${step.note}`);
  if (step.choice) parts.push(`[${step.choice}]`);
  return parts.join(' ');
}

/** Greedy word wrap to `width` columns; words longer than a line are cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > width) {
      if (line) { lines.push(line); line = ''; }
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (!word) continue;
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ' ' + word;
    else { lines.push(line); line = word; }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

export function renderSwimlanes(trace: Trace, opts: SwimlaneOptions = {}): string {
  const cell = opts.cell ?? defaultCell;
  const numbers = opts.numbers ?? true;
  const n = Math.max(trace.threads.length, 1);
  const margin = numbers ? String(trace.steps.length).length + 2 : 0;
  const width = Math.max(opts.width ?? 120, margin + n * (8 + GAP));
  const col = Math.floor((width - margin - GAP * (n - 1)) / n);
  const row = (cells: string[], num: string): string => {
    const body = cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(col + GAP))).join('').trimEnd();
    return (numbers ? num.padStart(margin - 2) + '  ' : '') + body;
  };
  const out: string[] = [];
  const heads = trace.threads.map((t) => wrap(t, col));
  const headLines = Math.max(...heads.map((h) => h.length), 1);
  for (let i = 0; i < headLines; i++) out.push(row(heads.map((h) => h[i] ?? ''), ''));
  out.push(row(heads.map((h) => '-'.repeat(Math.max(...h.map((l) => l.length)))), ''));
  trace.steps.forEach((step, k) => {
    const lines = wrap(cell(step), col);
    lines.forEach((line, i) => {
      const cells = trace.threads.map((_, t) => (t === step.thread ? line : ''));
      out.push(row(cells, i === 0 ? String(k + 1) : ''));
    });
  });
  return out.join('\n');
}
