// A function the mail shows only in part, completed from a base text of the same function (the
// model's reference, or a kernel tree of another version): every run of the mail's lines is
// aligned with the base function by its code, comments and whitespace aside, and takes the
// place of the base's lines from its first aligned line to its last; what the mail leaves out
// between runs comes from the base. Alignment is in order: a run never lands before the run
// that precedes it in the mail.
import type { FunctionImage, ImageLine } from './types';

/** Code of a line for comparison: no comments, no whitespace. */
function codeOf(text: string): string {
  return text.replace(/\/\*.*?(\*\/|$)|\/\/.*$|^\s*\*.*$/g, '').replace(/\s+/g, '');
}

/** Pairs of (run index, base index) of a longest common subsequence of code lines. */
function lcs(run: string[], base: string[], from: number): [number, number][] {
  const n = run.length, m = base.length - from;
  if (n === 0 || m <= 0) return [];
  const dp = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i][j] = run[i] !== '' && run[i] === base[from + j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
    }
  }
  const out: [number, number][] = [];
  for (let i = 0, j = 0; i < n && j < m;) {
    if (run[i] !== '' && run[i] === base[from + j]) { out.push([i, from + j]); i++; j++; } else if (dp[i + 1][j] >= dp[i][j + 1]) i++; else j++;
  }
  return out;
}

/** The runs of an image: stretches of its lines with no gap inside. */
function runsOf(img: FunctionImage): ImageLine[][] {
  const cuts = new Set(img.gaps);
  const runs: ImageLine[][] = [[]];
  img.lines.forEach((l, i) => {
    runs[runs.length - 1].push(l);
    if (cuts.has(i)) runs.push([]);
  });
  return runs.filter((r) => r.length);
}

export interface Completion {
  image: FunctionImage;
  /** Runs that matched nothing in the base: they could not be placed. */
  unplaced: ImageLine[][];
}

/**
 * The image completed from `base`, the text of the same function (from its head to its
 * closing brace). Lines from the base carry no mail line. Null when no run aligns at all.
 */
export function completeFromBase(img: FunctionImage, base: string[]): Completion | null {
  const baseCode = base.map(codeOf);
  const out: ImageLine[] = [];
  const unplaced: ImageLine[][] = [];
  let next = 0;
  for (const run of runsOf(img)) {
    const pairs = lcs(run.map((l) => codeOf(l.text)), baseCode, next);
    // A shared brace or `return 0;` is no evidence of place: a run needs two shared lines of
    // substance, or one when it has only one or two such lines.
    const substance = (i: number): boolean => codeOf(run[i].text).length > 8;
    const lines = run.filter((_l, i) => substance(i)).length;
    if (pairs.filter(([i]) => substance(i)).length < Math.min(2, Math.max(1, lines))) { unplaced.push(run); continue; }
    const first = pairs[0][1], last = pairs[pairs.length - 1][1];
    // Base lines before the run's first aligned line, less those the run's leading lines stand for.
    const lead = pairs[0][0];
    const keepTo = Math.max(next, first - lead);
    for (let j = next; j < keepTo; j++) out.push({ text: base[j], op: null, mailLine: null, hunk: null });
    out.push(...run);
    next = last + 1;
  }
  if (out.length === 0) return null;
  for (let j = next; j < base.length; j++) out.push({ text: base[j], op: null, mailLine: null, hunk: null });
  return { image: { ...img, lines: out, whole: true, gaps: [], source: 'tree' }, unplaced };
}
