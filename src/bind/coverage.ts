// Coverage: which changed lines of a hunk the model runs, and why the others are not run.
// A verdict is only ever claimed on the lines counted as executed here.
import type { Hunk, PatchMessage } from '../patch/types';
import type { FunctionImage, RebuiltFunction } from '../c/types';
import type { HunkCoverage, NotExecutedWhy } from './types';
import { modelIndex, type ModelIndex } from './modelindex';
import { bindPoints, fixedReference, type PointBinding } from './points';
import { compileImage, type Compiled } from './interp';

/** A line inside a statement that began on an earlier compiled line (a call over several lines). */
function isContinuation(img: FunctionImage, mailLine: number, compiled: number[]): boolean {
  const i = img.lines.findIndex((l) => l.mailLine === mailLine);
  for (let j = i - 1; j >= 0 && i - j < 8; j--) {
    const l = img.lines[j];
    if (/[;{}]\s*$/.test(l.text)) return false;
    if (l.mailLine !== null && compiled.includes(l.mailLine)) return true;
  }
  return false;
}

const CALL = /\b([A-Za-z_]\w*)\s*\(/g;
/** Kernel calls the model runs under another name: radix_tree_insert() is __radix_tree_insert() of order 0. */
const SAME_AS: Record<string, string> = { radix_tree_insert: '__radix_tree_insert', radix_tree_delete_item: 'radix_tree_delete' };
const C_WORDS = new Set(['if', 'else', 'return', 'goto', 'int', 'long', 'unsigned', 'bool', 'void', 'true', 'false', 'NULL', 'struct', 'const', 'static', 'break', 'continue']);
const KEYWORDS = new Set(['if', 'while', 'for', 'switch', 'return', 'sizeof', 'defined', 'unlikely', 'likely']);

/** A changed line that carries code (not blank, not only a comment or a brace). */
export function isCode(text: string): boolean {
  const t = text.replace(/\/\*.*?\*\//g, '').replace(/\/\/.*$/, '').trim();
  if (!t || /^[{}]+;?$/.test(t) || /^\*/.test(t) || /^\/\*/.test(t)) return false;
  return true;
}

function imageOf(fns: RebuiltFunction[], mailLine: number, side: 'pre' | 'post'): { fn: RebuiltFunction; img: FunctionImage } | null {
  for (const fn of fns) {
    const img = side === 'pre' ? fn.pre : fn.post;
    if (img && img.lines.some((l) => l.mailLine === mailLine)) return { fn, img };
  }
  return null;
}

export function allHunks(patches: PatchMessage[]): Hunk[] {
  return patches.flatMap((pm) => pm.files.flatMap((f) => f.hunks));
}

/** The hunk at position `n` in mail order across the whole document (Hunk.id counts per message;
 *  for a mail with one patch message the two agree). */
export function hunkAt(patches: PatchMessage[], n: number): Hunk | undefined {
  return allHunks(patches)[n];
}

/** The position of a hunk in mail order across the document. */
export function hunkIndex(patches: PatchMessage[], h: Hunk): number {
  return allHunks(patches).indexOf(h);
}

/** The rebuilt functions a hunk's lines fall in (mail lines are unique across the document). */
export function functionsOfHunk(functions: RebuiltFunction[], h: Hunk): RebuiltFunction[] {
  const lines = new Set(h.lines.map((l) => l.mailLine));
  return functions.filter((f) => [f.pre, f.post].some((img) => img?.lines.some((l) => l.mailLine !== null && lines.has(l.mailLine))));
}

/** Coverage of every hunk of the mail. */
const remembered = new WeakMap<Hunk, { key: string; cov: HunkCoverage }>();

export function hunkCoverage(patches: PatchMessage[], functions: RebuiltFunction[], model: ModelIndex = modelIndex(),
  helperLocked?: (name: string) => boolean | null, helperKey = ''): HunkCoverage[] {
  const byLine = new Map<number, RebuiltFunction[]>();
  for (const f of functions) {
    for (const img of [f.pre, f.post]) {
      for (const l of img?.lines ?? []) {
        if (l.mailLine === null) continue;
        const at = byLine.get(l.mailLine);
        if (!at) byLine.set(l.mailLine, [f]); else if (!at.includes(f)) at.push(f);
      }
    }
  }
  return allHunks(patches).map((h, i) => {
    // A hunk object is reused while its message is unchanged (see review/static.ts): so is its coverage.
    const fns = [...new Set(h.lines.flatMap((l) => byLine.get(l.mailLine) ?? []))];
    const key = `${helperKey}\u0000${fns.map((f) => f.name).join(',')}`;
    const hit = remembered.get(h);
    if (hit && hit.key === key) return { ...hit.cov, hunk: i };
    const cov = coverageOf(h, fns, model, helperLocked);
    remembered.set(h, { key, cov });
    return { ...cov, hunk: i };
  });
}

export function coverageOf(h: Hunk, functions: RebuiltFunction[], model: ModelIndex = modelIndex(),
  helperLocked?: (name: string) => boolean | null): HunkCoverage {
  const notExecuted: HunkCoverage['notExecuted'] = [];
  let changed = 0;
  let executed = 0;
  const touched = new Map<string, NonNullable<HunkCoverage['functions']>[number]>();
  const bound_ = new Map<FunctionImage, PointBinding[]>();
  const compiledOf = new Map<FunctionImage, Compiled | null>();
  const elided = new Set(h.damage.filter((d) => d.kind === 'elided').map((d) => d.mailLine));
  // A line that continues a statement begun on an earlier line is run when that statement is.
  const open: Record<'pre' | 'post', { ran: boolean; why?: NotExecutedWhy; detail?: string } | null> = { pre: null, post: null };
  for (const l of h.lines) {
    const sides: ('pre' | 'post')[] = l.op === ' ' ? ['pre', 'post'] : [l.op === '-' ? 'pre' : 'post'];
    const ends = /[;{}]\s*(\/\*.*\*\/)?\s*$/.test(l.text) || !isCode(l.text) || /^\s*#/.test(l.text);
    if (l.op === ' ' || !isCode(l.text)) { for (const sd of sides) if (ends) open[sd] = null; continue; }
    changed++;
    const side = sides[0];
    const cont = open[side];
    if (cont) {
      if (cont.ran) executed++; else notExecuted.push({ mailLine: l.mailLine, why: cont.why ?? 'not-modelled', detail: cont.detail });
      if (ends) open[side] = null;
      continue;
    }
    const before = { executed, missed: notExecuted.length };
    const where = imageOf(functions, l.mailLine, l.op === '-' ? 'pre' : 'post');
    const miss = (why: NotExecutedWhy, detail: string): void => { notExecuted.push({ mailLine: l.mailLine, why, detail }); };
    const settle = (): void => {
      if (ends) return;
      const m = notExecuted.length > before.missed ? notExecuted[notExecuted.length - 1] : null;
      open[side] = m ? { ran: false, why: m.why, detail: m.detail } : { ran: executed > before.executed };
    };
    classify();
    settle();
    continue;
    function classify(): void {
    if (elided.has(l.mailLine)) { miss('elided', 'the reviewer elided this part of the hunk'); return; }
    if (!where) { miss('not-modelled', 'outside any function the mail shows'); return; }
    const ref = model.functions.get(where.fn.name);
    if (!ref) {
      if (!touched.has(where.fn.name)) touched.set(where.fn.name, { name: where.fn.name, mode: 'not-modelled' });
      miss('not-modelled', `${where.fn.name}() is not in the model`);
      return;
    }
    // A whole function the compiler takes runs as written: each of its compiled lines runs.
    let comp = compiledOf.get(where.img);
    if (comp === undefined) { comp = where.img.whole ? compileImage(where.img) : null; compiledOf.set(where.img, comp); }
    if (comp?.func) {
      touched.set(where.fn.name, { name: where.fn.name, mode: 'interpreted', choices: comp.choices });
      if (comp.compiled.includes(l.mailLine) || isContinuation(where.img, l.mailLine, comp.compiled)) { executed++; return; }
    }
    if (!touched.has(where.fn.name)) touched.set(where.fn.name, { name: where.fn.name, mode: 'points' });
    // Bound to a variation point: the model runs exactly what this line says, when the model
    // varies the point or its reference does the same.
    let all = bound_.get(where.img);
    if (!all) { all = bindPoints(where.img, { helperLocked }); bound_.set(where.img, all); }
    const bound = all.filter((b) => b.mailLines.includes(l.mailLine));
    const runnable = (b: PointBinding): boolean => model.hasPoint(b.fn, b.point) || fixedReference(b.fn, b.point) === b.value;
    if (bound.length && bound.every(runnable)) { executed++; return; }
    const odd = bound.find((b) => !runnable(b));
    if (odd) { miss('not-modelled', `${odd.c}: the model's ${odd.fn}() always does ${odd.point} = ${String(fixedReference(odd.fn, odd.point))}`); return; }
    const calls = [...l.text.matchAll(CALL)].map((m) => m[1]).filter((n) => !KEYWORDS.has(n));
    const runs = (c: string): boolean => model.known.has(c) || ref.calls.has(c) || (SAME_AS[c] !== undefined && model.known.has(SAME_AS[c]))
      // A helper the mail defines as returning a locked entry is the model's dax_radix_locked_entry().
      || (helperLocked?.(c) === true && model.known.has('dax_radix_locked_entry'));
    const unknown = calls.filter((c) => !runs(c));
    if (unknown.length) { miss('unknown-call', `${unknown.join(', ')}() not modelled`); return; }
    if (calls.length && calls.every(runs)) { executed++; return; }
    const stmt = l.text.trim().replace(/\s+/g, ' ');
    if (ref.statements.has(stmt)) { executed++; return; }
    // A condition or assignment over the function's own variables and the header constants.
    const ids = [...stmt.replace(/"[^"]*"/g, '').matchAll(/\b[A-Za-z_]\w*\b/g)].map((m) => m[0]).filter((x) => !C_WORDS.has(x));
    if (ids.length && ids.every((x) => ref.vars.has(x) || model.constants.has(x))) { executed++; return; }
    miss('not-modelled', `the reference ${where.fn.name}() has no statement like this`);
    }
  }
  return { hunk: h.id, function: h.function, changed, executed, notExecuted, functions: [...touched.values()] };
}
