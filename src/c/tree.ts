// Kernel-tree mode: the mail's hunks applied to the files of a kernel checkout with jsdiff,
// so every touched function is rebuilt whole from the base text (pre) and the patched text
// (post). Archives damage whitespace, so lines compare with all whitespace removed. A hunk
// is placed where its old lines match: near the line its @@ header names, or by content
// when it has no header. Hunks that cannot be placed are reported with the reason.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { applyPatch, type StructuredPatch } from 'diff';
import type { Hunk, HunkLine, LineOp, PatchMessage } from '../patch/types';
import type { TreeFailure, TreeResult } from './types';
import { hunksByFile, pairSides, rebuildFunctions } from './images';
import { segmentRuns, type Run, type SideLine } from './segment';
import { scanLines } from './lex';

/** Whitespace-insensitive line equality: archives re-indent, strip and add spaces. */
export function sameLine(a: string, b: string): boolean {
  return squash(a) === squash(b);
}

const squash = (s: string) => s.replace(/\s+/g, '');

interface MailMark { op: LineOp; mailLine: number; hunk: number }
interface TreeLine { text: string; base: number | null; mail: MailMark | null; sq: string }

/** The lines of a hunk between elisions: each piece is placed on its own. */
function pieces(h: Hunk): HunkLine[][] {
  const elisions = h.damage.filter((d) => d.kind === 'elided').map((d) => d.mailLine).sort((a, b) => a - b);
  const out: HunkLine[][] = [[]];
  let e = 0;
  for (const l of h.lines) {
    let cut = false;
    while (e < elisions.length && elisions[e] < l.mailLine) { e++; cut = true; }
    if (cut && out[out.length - 1].length) out.push([]);
    out[out.length - 1].push(l);
  }
  return out.filter((p) => p.length);
}

class FileState {
  readonly base: string[];
  readonly baseMarks: (MailMark | null)[];
  cur: TreeLine[];
  /** Where the last placed piece ended in cur; header-less pieces are searched from here first. */
  cursor = 0;

  constructor(text: string) {
    this.base = splitLines(text);
    this.baseMarks = this.base.map(() => null);
    this.cur = this.base.map((t, i) => ({ text: t, base: i, mail: null, sq: squash(t) }));
  }

  /** Offset between base and current line numbers at base line `n` (0-based). */
  shiftAt(n: number): number {
    for (let i = 0; i < this.cur.length; i++) {
      const b = this.cur[i].base;
      if (b !== null && b >= n) return i - b;
    }
    return this.cur.length - this.base.length;
  }

  /** The 1-based line number of cur[p] in the base file (in the patched text for added lines). */
  lineNumber(p: number): number {
    const b = this.cur[p]?.base;
    return b !== null && b !== undefined ? b + 1 : p + 1;
  }

  /** How many of the old lines (whitespace squashed) match from cur[p] on. */
  matchesAt(old: string[], p: number): number {
    let k = 0;
    while (k < old.length && p + k < this.cur.length && old[k] === this.cur[p + k].sq) k++;
    return k;
  }
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Places one piece of a hunk and applies it with jsdiff; returns a failure or note, or null. */
function applyPiece(f: FileState, h: Hunk, piece: HunkLine[], first: boolean, fuzzy: boolean): TreeFailure | null {
  const old = piece.filter((l) => l.op !== '+');
  const at = piece[0].mailLine;
  if (!old.length) {
    if (f.cur.length === 0) return place(f, h, piece, 0);
    if (fuzzy) return appendPiece(f, h, piece);
    const reason = f.base.length === 0
      ? 'added lines after an elision in a new file: what was cut is in neither the mail nor the tree'
      : 'no context or removed lines to place the hunk by';
    return { hunk: h.id, mailLine: at, reason, applied: false };
  }
  const known = old[0].oldLine ?? (first ? h.oldStart : null);
  const expected = known !== null ? Math.max(0, known - 1 + f.shiftAt(known - 1)) : null;
  const last = f.cur.length - old.length;
  const candidates: number[] = [];
  const oldSq = old.map((l) => squash(l.text));
  for (let p = 0; p <= last; p++) if (f.cur[p].sq === oldSq[0] && f.matchesAt(oldSq, p) === old.length) candidates.push(p);
  if (!candidates.length) return fuzzy ? placeFuzzy(f, h, piece) ?? notFound(f, h, old, oldSq, expected) : notFound(f, h, old, oldSq, expected);
  const inFn = fuzzy ? candidates.filter((c) => inFunctionOf(f, h, piece, c)) : [];
  let p: number;
  if (inFn.length) {
    p = inFn.find((c) => c >= f.cursor) ?? inFn[0];
  } else if (expected !== null) {
    p = candidates.reduce((best, c) => (Math.abs(c - expected) < Math.abs(best - expected) ? c : best));
  } else {
    p = candidates.find((c) => c >= f.cursor) ?? candidates[0];
  }
  const line = f.lineNumber(p);
  const failure = place(f, h, piece, p);
  if (failure) return failure;
  if (fuzzy) return null;
  if (expected === null) {
    const also = candidates.length > 1 ? `; ${candidates.length} places match, took the first after the previous hunk` : '';
    return { hunk: h.id, mailLine: at, reason: `no @@ line numbers: located by content at line ${line}${also}`, applied: true };
  }
  if (p !== expected) {
    const off = p - expected;
    return { hunk: h.id, mailLine: at, reason: `applied at line ${line}, offset ${off > 0 ? '+' : ''}${off} lines from the @@ header`, applied: true };
  }
  return null;
}

/** Why a piece's old lines are nowhere in the file: the closest place and the first line that differs. */
function notFound(f: FileState, h: Hunk, old: HunkLine[], oldSq: string[], expected: number | null): TreeFailure {
  const neu = h.lines.filter((l) => l.op !== '-' && l.mailLine >= old[0].mailLine && l.mailLine <= old[old.length - 1].mailLine);
  const neuSq = neu.map((l) => squash(l.text));
  if (neu.some((l) => l.op === '+')) {
    for (let p = 0; p + neuSq.length <= f.cur.length; p++) {
      if (f.matchesAt(neuSq, p) === neuSq.length) {
        return { hunk: h.id, mailLine: old[0].mailLine, reason: `the tree already has this change: its new lines are at line ${f.lineNumber(p)}`, applied: false };
      }
    }
  }
  let best = -1, bestLen = -1;
  for (let p = 0; p < f.cur.length; p++) {
    const k = f.matchesAt(oldSq, p);
    const closer = best >= 0 && expected !== null && Math.abs(p - expected) < Math.abs(best - expected);
    if (k > bestLen || (k === bestLen && closer)) { best = p; bestLen = k; }
  }
  const miss = old[Math.max(0, bestLen)];
  const found = best >= 0 && best + bestLen < f.cur.length ? f.cur[best + bestLen].text.trim() : '(end of file)';
  const reason = bestLen > 0
    ? `context not found: ${bestLen} line(s) match at line ${f.lineNumber(best)}, then the mail has '${miss.text.trim()}' where the file has '${found}'`
    : `context not found: '${old[0].text.trim()}' is not in the file`;
  return { hunk: h.id, mailLine: bestLen > 0 ? miss.mailLine : old[0].mailLine, reason, applied: false };
}

/** Applies the piece at cur[p] with jsdiff and records where every line came from. */
function place(f: FileState, h: Hunk, piece: HunkLine[], p: number): TreeFailure | null {
  const oldCount = piece.filter((l) => l.op !== '+').length;
  const newCount = piece.filter((l) => l.op !== '-').length;
  const patch: StructuredPatch = {
    oldFileName: 'a', newFileName: 'b', oldHeader: undefined, newHeader: undefined,
    hunks: [{ oldStart: p + 1, oldLines: oldCount, newStart: p + 1, newLines: newCount, lines: piece.map((l) => l.op + l.text) }],
  };
  const source = f.cur.length ? f.cur.map((l) => l.text).join('\n') + '\n' : '';
  const result = applyPatch(source, patch, { compareLine: (_n, line, _op, content) => sameLine(line, content) });
  if (result === false) return { hunk: h.id, mailLine: piece[0].mailLine, reason: 'jsdiff could not apply the hunk', applied: false };
  const patched = splitLines(result);
  const next: TreeLine[] = f.cur.slice(0, p);
  let k = p;
  for (const l of piece) {
    const mark: MailMark = { op: l.op, mailLine: l.mailLine, hunk: h.id };
    if (l.op === '+') { next.push({ text: l.text, base: null, mail: mark, sq: squash(l.text) }); continue; }
    const line = f.cur[k++];
    if (line.base !== null) f.baseMarks[line.base] = mark;
    if (l.op === ' ') next.push({ ...line, mail: mark });
  }
  next.push(...f.cur.slice(k));
  if (next.length !== patched.length) return { hunk: h.id, mailLine: piece[0].mailLine, reason: 'jsdiff placed the hunk elsewhere', applied: false };
  next.forEach((l, i) => { if (l.text !== patched[i]) { l.text = patched[i]; l.sq = squash(l.text); } });
  f.cur = next;
  f.cursor = p + newCount;
  return null;
}

/** Comments and whitespace do not count when lines of two kernel versions are compared. */
function codeOf(text: string): string {
  return squash(text.replace(/\/\*.*?(\*\/|$)|\/\/.*$|^\s*\*.*$/g, ''));
}

/**
 * The function a piece of a hunk sits in, decided by its old lines (the code it must be found
 * among): the one function they all lie in; none when they span file scope or several functions
 * (a patch adding functions after a struct), so the piece is placed anywhere in the file. Old
 * lines of no known function fall back on the piece's and the hunk's, but never on a function
 * the piece itself adds: that one says nothing of where its context stands.
 */
function functionOf(h: Hunk, piece: HunkLine[]): string | null {
  const old = new Set(piece.filter((l) => l.op !== '+' && codeOf(l.text) !== '').map((l) => l.function));
  if (old.size > 1) return null;
  const [only] = old;
  if (only) return only;
  const added = new Set(piece.filter((l) => l.op === '+').map((l) => l.function));
  const fn = piece.find((l) => l.function)?.function ?? h.function;
  return fn && old.size && added.has(fn) ? null : fn;
}

/** Line ranges [head, closing brace] of the definitions of a function in the current text. */
function definitions(f: FileState, name: string): [number, number][] {
  const out: [number, number][] = [];
  const head = new RegExp(`^[A-Za-z_][\\w\\s\\*]*\\b${name.replace(/[^\w]/g, '')}\\s*\\(`);
  for (let i = 0; i < f.cur.length; i++) {
    const t = f.cur[i].text;
    if (!head.test(t) || /;\s*$/.test(t)) continue;
    let j = i;
    while (j < f.cur.length && !/^}/.test(f.cur[j].text)) j++;
    out.push([i, Math.min(j, f.cur.length - 1)]);
    i = j;
  }
  return out;
}

function inFunctionOf(f: FileState, h: Hunk, piece: HunkLine[], p: number): boolean {
  const fn = functionOf(h, piece);
  return !!fn && definitions(f, fn).some(([a, b]) => p >= a && p <= b);
}

/**
 * Places a piece whose lines do not all stand in the file as they are in the mail (the tree
 * is another kernel version): inside its function when the mail says which, at the place
 * where its lines match best in order, comments aside. Every removed line must be found;
 * at least half of the context, unless three or more removed lines of code place it on their own. Context lines that differ keep the tree's text.
 */
function placeFuzzy(f: FileState, h: Hunk, piece: HunkLine[]): TreeFailure | null {
  const fn = functionOf(h, piece);
  const scopes = fn ? definitions(f, fn) : [];
  const ranges = scopes.length ? scopes : [[0, f.cur.length - 1] as [number, number]];
  const code = f.cur.map((l) => codeOf(l.text));
  const old = piece.filter((l) => l.op !== '+');
  const context = old.filter((l) => l.op === ' ' && codeOf(l.text) !== '').length;
  let best: { at: (number | null)[]; score: number } | null = null;
  for (const [a, b] of ranges) {
    // Lines with code, in order: comments and blank lines of either side never decide a place.
    const lines: number[] = [];
    for (let k = a; k <= b; k++) if (code[k] !== '') lines.push(k);
    for (let s0 = 0; s0 < lines.length; s0++) {
      const at: (number | null)[] = [];
      let pos = s0, score = 0, ok = true;
      for (const l of old) {
        const want = codeOf(l.text);
        if (want === '') { at.push(null); continue; }
        let k = pos;
        while (k < lines.length && k < pos + 4 && code[lines[k]] !== want) k++;
        if (k < lines.length && k < pos + 4) { at.push(lines[k]); pos = k + 1; score++; continue; }
        if (l.op === '-') { ok = false; break; }
        at.push(null);
      }
      if (!ok || !at.some((x) => x !== null)) continue;
      if (at[0] === null && old[0].op === '-') continue;
      if (!best || score > best.score) best = { at, score };
    }
  }
  const removed = old.filter((l) => l.op === '-' && codeOf(l.text) !== '').length;
  const matchedContext = best ? best.score - removed : 0;
  // Removed lines found in order place the piece; context decides only when they are fewer than three.
  if (!best || (context > 0 && matchedContext * 2 < context && removed < 3)) return null;
  spliceFuzzy(f, h, piece, best.at);
  const differ = context - matchedContext;
  return {
    hunk: h.id, mailLine: piece[0].mailLine, applied: true,
    reason: `placed in ${fn ? `${fn}()` : 'the file'} by its lines${differ ? `; ${differ} context line(s) differ from the tree's kernel version and keep the tree's text` : ''}`,
  };
}

/** Rewrites the file with a piece placed at the given lines (one per old line of the piece, null where a context line was not found). */
function spliceFuzzy(f: FileState, h: Hunk, piece: HunkLine[], at: (number | null)[]): void {
  const removed = new Set<number>();
  const marks = new Map<number, MailMark>();
  const inserts = new Map<number, TreeLine[]>();
  let oi = 0;
  let lastAt = -1;
  const pending: TreeLine[] = [];
  for (const l of piece) {
    const mark: MailMark = { op: l.op, mailLine: l.mailLine, hunk: h.id };
    if (l.op === '+') { pending.push({ text: l.text, base: null, mail: mark, sq: squash(l.text) }); continue; }
    const k = at[oi++];
    if (k === null) continue;
    if (pending.length) { inserts.set(k, [...(inserts.get(k) ?? []), ...pending]); pending.length = 0; }
    marks.set(k, mark);
    if (l.op === '-') removed.add(k);
    lastAt = k;
  }
  const tail = lastAt + 1;
  if (pending.length) inserts.set(tail, [...(inserts.get(tail) ?? []), ...pending]);
  const next: TreeLine[] = [];
  for (let i = 0; i <= f.cur.length; i++) {
    const ins = inserts.get(i);
    if (ins) next.push(...ins);
    if (i === f.cur.length) break;
    const line = f.cur[i];
    const mark = marks.get(i);
    if (mark && line.base !== null) f.baseMarks[line.base] = mark;
    if (removed.has(i)) continue;
    next.push(mark ? { ...line, mail: mark } : line);
  }
  f.cur = next;
  f.cursor = Math.max(0, tail);
}

/** A piece with nothing to place it by (a new function): it goes at the end of the file. */
function appendPiece(f: FileState, h: Hunk, piece: HunkLine[]): TreeFailure {
  for (const l of piece) {
    f.cur.push({ text: l.text, base: null, mail: { op: l.op, mailLine: l.mailLine, hunk: h.id }, sq: squash(l.text) });
  }
  f.cursor = f.cur.length;
  return { hunk: h.id, mailLine: piece[0].mailLine, applied: true, reason: 'added lines with no context: placed at the end of the file' };
}

/**
 * A hunk the reviewer quoted only in part: its @@ header counts more old lines than the
 * mail shows. The post-image then takes the unquoted rest from the tree as if unchanged.
 */
function cutShort(h: Hunk): TreeFailure | null {
  if (h.oldCount === null || h.newCount === null) return null;
  const shownOld = h.lines.filter((l) => l.op !== '+').length;
  const shownNew = h.lines.filter((l) => l.op !== '-').length;
  if (shownOld >= h.oldCount && shownNew >= h.newCount) return null;
  return {
    hunk: h.id, mailLine: h.mailLines[0], applied: true,
    reason: `the mail quotes ${shownOld} of the hunk's ${h.oldCount} old and ${shownNew} of its ${h.newCount} new lines; the rest is taken from the tree as if unchanged`,
  };
}

/** Where base files come from: a kernel checkout, or the model's own kernel C. */
export interface TreeSource {
  /** How the tree is named in messages ("/src/linux", "the model's v4.10 reference"). */
  name: string;
  /** The file's text; null when the tree has no such file; undefined when the path leaves the tree. */
  read(file: string): string | null | undefined;
  /** Place hunks that do not match the file exactly by their function and the lines that do match:
   *  the tree is another kernel version than the mail's. */
  fuzzy?: boolean;
  /** Why a file of the tree is not read (a link out of it, not a regular file, too large); null to read it. */
  refuse?(file: string): string | null;
  /** The tree is a series applied (not a kernel release): a patch of the series that only adds
   *  functions the tree has is already in it. */
  series?: string;
}

/** A kernel checkout on disk. */
export function dirTree(treeDir: string): TreeSource {
  const root = path.resolve(treeDir);
  return {
    name: treeDir,
    read(file: string) {
      const full = path.resolve(root, file);
      if (!full.startsWith(root + path.sep)) return undefined;
      if (!existsSync(full)) return null;
      // A refused file is not read at all: refuse() says why.
      return refusedTreeFile(treeDir, full) ? '' : readFileSync(full, 'utf8');
    },
    refuse: (file: string) => refusedTreeFile(treeDir, path.resolve(root, file)),
  };
}

/** The most bytes of one base file read from a tree; fs/dax.c is some 60 KB. */
export const MAX_TREE_FILE_BYTES = 16 * 1024 * 1024;

/** Why a tree file is not read: a link out of the tree, not a regular file, too large; null to read it. */
function refusedTreeFile(treeDir: string, full: string): string | null {
  let real: string;
  try {
    const root = realpathSync(treeDir);
    real = realpathSync(full);
    if (!real.startsWith(root + path.sep)) return 'leads outside the kernel tree (through a symbolic link): not read';
  } catch (e) {
    return `cannot be read (${e instanceof Error ? e.message : String(e)})`;
  }
  const st = statSync(real);
  if (!st.isFile()) return 'is not a regular file: not read';
  if (st.size > MAX_TREE_FILE_BYTES) return `has more than ${MAX_TREE_FILE_BYTES} bytes: not read`;
  return null;
}

/**
 * The file-scope blocks (a head and its braces) that hold a line from the mail, each as a run
 * starting at file scope: only those can be touched functions, and segmenting only them
 * keeps a several-thousand-line file cheap.
 */
function touchedRuns(lines: SideLine[]): Run[] {
  const scans = scanLines(lines.map((l) => l.text));
  const runs: Run[] = [];
  const take = (from: number, to: number) => {
    const chunk = lines.slice(from, to);
    if (chunk.some((l) => l.op !== null)) {
      runs.push({ lines: chunk, hint: null, hintNotFunction: false, fallback: null, indentReliable: true, adjacent: false });
    }
  };
  let depth = 0, start = 0;
  scans.forEach((sc, i) => {
    if (sc.preproc && depth === 0) { start = i + 1; return; }
    for (const ch of sc.marks) {
      if (ch === '{') depth++;
      else if (ch === '}' && depth > 0 && --depth === 0) { take(start, i + 1); start = i + 1; }
      else if (ch === ';' && depth === 0) start = i + 1;
    }
  });
  // A block still open at the end of the file (the mail added a function it did not finish).
  if (depth > 0) take(start, lines.length);
  return runs;
}

/**
 * Applies the message's hunks to the files of a kernel checkout and rebuilds every touched
 * function whole. A function with a hunk that did not apply comes from the mail instead.
 * Needs the C parser loaded (await getCParser()).
 */
export function applyToTree(pm: PatchMessage, treeDir: string | TreeSource): TreeResult {
  const tree = typeof treeDir === 'string' ? dirTree(treeDir) : treeDir;
  const result: TreeResult = { functions: [], failures: [] };
  for (const group of hunksByFile(pm)) {
    const fail = (reason: string) => {
      for (const h of group.hunks) result.failures.push({ hunk: h.id, mailLine: h.mailLines[0], reason, applied: false });
    };
    if (!group.path) { fail('the mail does not say which file the hunk is in'); continue; }
    // The base text is the file before the patch: under its old name when the mail renames it.
    const created = group.oldPath === '/dev/null' || group.hunks.every((h) => h.oldStart === 0 && !h.oldCount);
    const basePath = group.oldPath && !created ? group.oldPath : group.path;
    const read = tree.read(basePath);
    if (read === undefined) { fail(`${basePath} is outside the kernel tree`); continue; }
    let text: string;
    if (read !== null) {
      const refused = tree.refuse?.(basePath);
      if (refused) { fail(`${basePath} ${refused}`); continue; }
      text = read;
    } else if (created) text = '';
    else { fail(`file missing: ${basePath} is not in ${tree.name}`); continue; }

    // A patch the tree already has (git apply -R would apply it): the tree's text is the
    // post-image and the pre-image is the tree with the hunks reversed.
    const reversed = alreadyApplied(text, group.hunks, tree.fuzzy ?? false, tree.series !== undefined);
    const f = new FileState(text);
    for (const h of group.hunks) {
      const applied = reversed ? reverseHunk(h) : h;
      const notes = pieces(applied).map((piece, i) => applyPiece(f, applied, piece, i === 0, tree.fuzzy ?? false));
      for (const r of notes) if (r) result.failures.push(reversed ? { ...r, reason: `already in ${tree.name}; reversed: ${r.reason}` } : r);
      if (reversed && notes.every((r) => !r)) result.failures.push({ hunk: h.id, mailLine: h.mailLines[0], applied: true, reason: `already in ${tree.name}: its text is the code after the patch, and the code before it is that text with the hunk reversed` });
      const cut = cutShort(h);
      if (cut && notes.every((r) => !r || r.applied)) result.failures.push(cut);
    }
    const op = (o: LineOp | undefined): LineOp | null => (!o ? null : reversed ? SWAP[o] : o);
    const baseSide = f.base.map((t, i): SideLine => {
      const m = f.baseMarks[i];
      return { text: t, op: op(m?.op), mailLine: m?.mailLine ?? null, hunk: m?.hunk ?? null };
    });
    const curSide = f.cur.map((l): SideLine => ({ text: l.text, op: op(l.mail?.op), mailLine: l.mail?.mailLine ?? null, hunk: l.mail?.hunk ?? null }));
    const [pre, post] = reversed ? [curSide, baseSide] : [baseSide, curSide];
    result.functions.push(...pairSides(group.path, segmentRuns(touchedRuns(pre)), segmentRuns(touchedRuns(post)), 'tree'));
  }
  return withMailFallback(pm, result);
}

const SWAP: Record<LineOp, LineOp> = { '+': '-', '-': '+', ' ': ' ' };

/** The hunk that undoes h: added and removed lines swap sides. */
function reverseHunk(h: Hunk): Hunk {
  return {
    ...h, oldStart: h.newStart, oldCount: h.newCount, newStart: h.oldStart, newCount: h.oldCount,
    lines: h.lines.map((l) => ({ ...l, op: SWAP[l.op], oldLine: l.newLine, newLine: l.oldLine })),
  };
}

/**
 * Whether the file already holds every change of the hunks: each piece that adds or removes
 * code places reversed (its added lines all found, in order, with its context, each run of
 * them as one run) and does not place as it is; and some piece changes a function the code
 * before the patch had (added code beside context of the same function), unless the tree is a
 * series applied. A patch that only adds whole functions a kernel release has says nothing of
 * which came first (the release may have merged it): it is read as it is.
 */
function alreadyApplied(text: string, hunks: readonly Hunk[], fuzzy: boolean, series: boolean): boolean {
  if (!text) return false;
  let strong = series;
  for (const h of hunks) {
    const back = reverseHunk(h);
    const forward = pieces(h);
    const reversed = pieces(back);
    for (let i = 0; i < forward.length; i++) {
      const piece = forward[i];
      if (!piece.some((l) => l.op !== ' ')) continue;
      if (changesOldFunction(piece)) strong = true;
      if (placesCleanly(text, h, piece, i === 0, false)) return false;
      if (!addedRunsStand(text, piece)) return false;
      if (!placesCleanly(text, back, reversed[i], i === 0, fuzzy)) return false;
    }
  }
  return strong;
}

/** Whether a piece adds code inside a function whose context it shows: a change of old code. */
function changesOldFunction(piece: HunkLine[]): boolean {
  const code = (l: HunkLine): boolean => codeOf(l.text) !== '' && l.function !== null;
  const fns = new Set(piece.filter((l) => l.op === ' ' && code(l)).map((l) => l.function));
  return piece.some((l) => l.op !== ' ' && code(l) && fns.has(l.function));
}

/** Whether every run of a piece's added lines of code stands in the text as one run, no other
 *  code between its lines: a tree whose function differs from the patch's (a line more or
 *  less) does not hold the patch. */
function addedRunsStand(text: string, piece: HunkLine[]): boolean {
  const code = splitLines(text).map(codeOf).filter((c) => c !== '');
  const runs: string[][] = [[]];
  for (const l of piece) {
    const c = codeOf(l.text);
    if (l.op !== '+') { if (c !== '' && runs[runs.length - 1].length) runs.push([]); continue; }
    if (c !== '') runs[runs.length - 1].push(c);
  }
  return runs.filter((r) => r.length).every((r) => code.some((_c, i) => r.every((x, k) => code[i + k] === x)));
}

/** Whether a piece applies to the text as it stands (on a scratch copy). */
function placesCleanly(text: string, h: Hunk, piece: HunkLine[], first: boolean, fuzzy: boolean): boolean {
  if (!piece.some((l) => l.op !== '+')) return false;
  const r = applyPiece(new FileState(text), h, piece, first, fuzzy);
  return !r || r.applied;
}

/**
 * A function one of whose hunks did not apply cannot be rebuilt from the tree: it is
 * rebuilt from the mail instead (source 'mail', usually partial), so no touched function
 * goes missing; the failure says why.
 */
function withMailFallback(pm: PatchMessage, result: TreeResult): TreeResult {
  const failed = new Set(result.failures.filter((f) => !f.applied).map((f) => f.hunk));
  if (!failed.size) return result;
  const key = (f: { path: string | null; name: string }) => `${f.path}\u0000${f.name}`;
  const fromMail = rebuildFunctions(pm).filter((f) => f.hunks.some((h) => failed.has(h)));
  const replaced = new Set(fromMail.map(key));
  result.functions = [...result.functions.filter((f) => !replaced.has(key(f))), ...fromMail];
  return result;
}
