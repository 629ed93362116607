// Pre- and post-images of the functions a patch touches, rebuilt from the mail alone:
// the pre-image is context + '-' lines, the post-image context + '+' lines. Hunks of one
// function join in mail order; where a reviewer elided lines or the mail skips between
// hunks the image records a gap.
import type { Hunk, LineOp, PatchMessage } from '../patch/types';
import type { FunctionImage, ImageLine, RebuiltFunction } from './types';
import { hintFromContext } from '../patch/cfunc';
import { unbracedHeaderAbove } from '../patch/lines';
import { segmentRuns, type Run, type Segment, type SideLine } from './segment';

export type Side = 'pre' | 'post';

/** A path that holds C: .c and .h files, or a file the mail does not name. Kconfig, Makefiles and docs do not. */
export function holdsC(path: string | null): boolean {
  return path === null || /\.[ch]$/.test(path);
}

export interface FileHunks {
  /** The file after the patch (its name in the mail). */
  path: string | null;
  /** The file before the patch, when the mail renames it; '/dev/null' when it creates it. */
  oldPath: string | null;
  hunks: Hunk[];
}

/** The hunks of a message grouped by C file, in mail order. */
export function hunksByFile(pm: PatchMessage): FileHunks[] {
  const groups = new Map<string, FileHunks>();
  pm.files.forEach((file, fi) => {
    for (const h of file.hunks) {
      const path = h.path ?? file.path;
      const key = path ?? `\u0000file${fi}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { path, oldPath: file.oldPath, hunks: [] }));
      g.hunks.push(h);
    }
  });
  for (const g of groups.values()) g.hunks.sort((a, b) => a.id - b.id);
  return [...groups.values()].filter((g) => holdsC(g.path));
}

function keeps(side: Side, op: LineOp): boolean {
  return op === ' ' || op === (side === 'pre' ? '-' : '+');
}

/** The runs of one side of a file: each hunk's lines for that side, split where lines were elided. */
export function sideRuns(hunks: Hunk[], side: Side): Run[] {
  const runs: Run[] = [];
  let prevLast: number | null = null;
  for (const h of hunks) {
    const elisions = h.damage.filter((d) => d.kind === 'elided').map((d) => d.mailLine).sort((a, b) => a - b);
    const indentReliable = !h.damage.some((d) => d.kind === 'stripped-indent') && h.lines.some((l) => /^\t/.test(l.text));
    const context = hintFromContext(h.headerContext);
    let current: (SideLine & { fn: string | null })[] = [];
    let firstOfHunk = true;
    let firstNumber: number | null = null;
    const flush = () => {
      if (current.length) {
        const adjacent = firstOfHunk && prevLast !== null && firstNumber !== null && firstNumber === prevLast + 1;
        runs.push({
          lines: current.map(({ fn: _fn, ...line }) => line),
          hint: firstOfHunk && context.kind === 'function' ? context.name : null,
          hintNotFunction: firstOfHunk && context.kind === 'aggregate',
          fallback: current[0].fn ?? h.function,
          indentReliable,
          adjacent,
        });
        firstOfHunk = false;
      }
      current = [];
      firstNumber = null;
    };
    let e = 0;
    let lastNumber: number | null = null;
    for (const l of h.lines) {
      while (e < elisions.length && elisions[e] < l.mailLine) {
        if (current.length) flush();
        firstOfHunk = false;
        e++;
        lastNumber = null;
      }
      if (!keeps(side, l.op)) continue;
      const n = side === 'pre' ? l.oldLine : l.newLine;
      if (!current.length) firstNumber = n;
      current.push({ text: l.text, op: l.op, mailLine: l.mailLine, hunk: h.id, fn: l.function });
      lastNumber = n;
    }
    if (current.length) { flush(); prevLast = lastNumber; } else prevLast = null;
  }
  return runs;
}

/**
 * The post side's runs, marked to continue the function open before them where the pre side's
 * run at the start of the same hunk continued its open function by name: git names a hunk
 * after the pre-image's function, so a hunk inside a function an earlier hunk renamed is named
 * by the old name, and on the post side it goes on with the function under its new one.
 */
function renamedContinuations(preRuns: Run[], continued: Set<number>, postRuns: Run[]): Run[] {
  const hunks = new Set([...continued].map((r) => preRuns[r].lines[0]?.hunk).filter((h): h is number => h !== null && h !== undefined));
  return postRuns.map((run) => (run.hint && run.lines[0] && hunks.has(run.lines[0].hunk ?? -1) ? { ...run, continuesOpen: true } : run));
}

export function toImage(seg: Segment, side: Side, path: string | null, source: 'mail' | 'tree'): FunctionImage {
  const lines: ImageLine[] = seg.lines.map((l) => ({ text: l.text, op: l.op, mailLine: l.mailLine, hunk: l.hunk }));
  let gaps = [...new Set(seg.gaps)].sort((a, b) => a - b);
  let whole = seg.hasStart && seg.hasEnd && gaps.length === 0;
  // A missing end is a gap after the last line.
  const inner = gaps.filter((g) => g !== lines.length - 1);
  if (seg.hasStart && !seg.hasEnd && inner.length === 0 && cutAfterReturn(lines)) {
    // Nothing after a return at the body's top level runs (no goto reaches past it), so the
    // function the quote cut there behaves as if it closed there.
    lines.push({ text: '}', op: null, mailLine: null, hunk: null });
    gaps = inner;
    whole = true;
  }
  return { name: seg.name, side, path, lines, whole, gaps, source };
}

/** Whether the lines end with a return statement at the top level of the function's body,
 *  with no goto among them (a label after the return could be reached). */
function cutAfterReturn(lines: readonly ImageLine[]): boolean {
  const code = lines.map((l) => l.text.replace(/\/\*.*?\*\/|\/\/.*$|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ''));
  if (code.some((t) => /\bgoto\b/.test(t))) return false;
  let last = code.length - 1;
  while (last >= 0 && code[last].trim() === '') last--;
  if (last < 0 || !/^\s*return\b[^;]*;\s*$/.test(code[last])) return false;
  // The body of an unbraced if (or loop) is not the top level.
  if (unbracedHeaderAbove(code, last, 0) >= 0) return false;
  let depth = 0;
  let opened = false;
  for (let i = 0; i < last; i++) {
    for (const ch of code[i]) {
      if (ch === '{') { depth++; opened = true; } else if (ch === '}') depth--;
    }
  }
  return opened && depth === 1;
}

function changes(seg: Segment): boolean {
  return seg.lines.some((l) => l.op === '+' || l.op === '-');
}

/**
 * Pairs the functions of the two sides by name (and by order among functions of the same
 * name) and keeps those the patch changes.
 */
export function pairSides(
  path: string | null, pre: Segment[], post: Segment[], source: 'mail' | 'tree',
  touched: (seg: Segment) => boolean = changes,
): RebuiltFunction[] {
  const key = (segs: Segment[]) => {
    const count = new Map<string, number>();
    return segs.map((s) => {
      const n = count.get(s.name) ?? 0;
      count.set(s.name, n + 1);
      return `${s.name}#${n}`;
    });
  };
  const preKeys = key(pre), postKeys = key(post);
  const order: string[] = [];
  const table = new Map<string, { pre: Segment | null; post: Segment | null }>();
  const add = (k: string, seg: Segment, side: Side) => {
    let e = table.get(k);
    if (!e) { table.set(k, (e = { pre: null, post: null })); order.push(k); }
    e[side] = seg;
  };
  post.forEach((s, i) => add(postKeys[i], s, 'post'));
  pre.forEach((s, i) => add(preKeys[i], s, 'pre'));
  const out: RebuiltFunction[] = [];
  for (const k of order) {
    const e = table.get(k)!;
    if (!(e.pre && touched(e.pre)) && !(e.post && touched(e.post))) continue;
    const hunks = new Set<number>();
    for (const s of [e.pre, e.post]) for (const l of s?.lines ?? []) if (l.hunk !== null) hunks.add(l.hunk);
    out.push({
      name: (e.post ?? e.pre)!.name,
      path,
      pre: e.pre ? toImage(e.pre, 'pre', path, source) : null,
      post: e.post ? toImage(e.post, 'post', path, source) : null,
      hunks: [...hunks].sort((a, b) => a - b),
    });
  }
  // Mail order: the first hunk line of each function.
  const first = (f: RebuiltFunction) => Math.min(...[f.pre, f.post].flatMap((i) => i?.lines.map((l) => l.mailLine ?? Infinity) ?? [Infinity]));
  return out.sort((a, b) => first(a) - first(b));
}

/**
 * Every function the message's hunks change, as pre- and post-image rebuilt from the mail.
 * Needs the C parser loaded (await getCParser()).
 */
export function rebuildFunctions(pm: PatchMessage): RebuiltFunction[] {
  const out: RebuiltFunction[] = [];
  for (const file of hunksByFile(pm)) {
    const preRuns = sideRuns(file.hunks, 'pre');
    const continued = new Set<number>();
    const pre = segmentRuns(preRuns, continued);
    const post = segmentRuns(renamedContinuations(preRuns, continued, sideRuns(file.hunks, 'post')));
    out.push(...pairSides(file.path, pre, post, 'mail'));
  }
  return out;
}
