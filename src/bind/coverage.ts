// Coverage: which changed lines of a hunk the model ran, and why the others did not run. A
// changed line counts as run only when an instruction lowered from it executed in an explored
// post-image (pre-image for a removed line), as the explorer recorded it; each line not run
// says why: the function is not whole in the mail, is outside the model or did not lower, or no
// scenario reaches the line (with the entry points that would reach the function).
import type { Hunk, PatchMessage } from '../patch/types';
import type { FunctionImage } from '../c/types';
import type { Func } from '../model/ir';
import type { Binding, BoundFunction } from './bind';
import type { HunkCoverage, NotExecutedWhy } from './types';

/** A changed line that carries code (not blank, not only a comment or a brace). */
export function isCode(text: string): boolean {
  const t = text.replace(/\/\*.*?\*\//g, '').replace(/\/\/.*$/, '').trim();
  if (!t || /^[{}]+;?$/.test(t) || /^\*/.test(t) || /^\/\*/.test(t)) return false;
  return true;
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

/** What ran of a side: per function, the instructions executed (union over the runs). */
export type Executed = Map<string, Set<number>>;

export interface SideRuns { pre: { executed: Executed }[]; post: { executed: Executed }[] }

function union(runs: { executed: Executed }[]): Executed {
  const out: Executed = new Map();
  for (const r of runs) for (const [fn, pcs] of r.executed) { const s = out.get(fn) ?? new Set(); for (const p of pcs) s.add(p); out.set(fn, s); }
  return out;
}

const byRow = new WeakMap<Func, Map<number, number[]>>();

/** The instructions of a function lowered from an image row (a statement spans rows at..to). */
function instructionsAt(f: Func, row: number): number[] {
  let m = byRow.get(f);
  if (!m) {
    m = new Map();
    f.code.forEach((i, pc) => {
      if (i.at === undefined) return;
      for (let r = i.at; r <= (i.to ?? i.at); r++) { const l = m!.get(r); if (l) l.push(pc); else m!.set(r, [pc]); }
    });
    byRow.set(f, m);
  }
  return m.get(row) ?? [];
}

const rows = new WeakMap<FunctionImage, Map<number, number>>();

/** The row of an image that holds a mail line, or -1 (an index per image, built once). */
function rowOf(img: FunctionImage | null, mailLine: number): number {
  if (!img) return -1;
  let m = rows.get(img);
  if (!m) {
    m = new Map();
    img.lines.forEach((l, i) => { if (l.mailLine !== null && !m!.has(l.mailLine)) m!.set(l.mailLine, i); });
    rows.set(img, m);
  }
  return m.get(mailLine) ?? -1;
}

/**
 * Coverage of a hunk under a binding. With runs (explored), a line ran when one of its
 * instructions executed; without (static), when it lowered in a function the scenarios reach.
 */
export function coverageOf(h: Hunk, b: Binding, touched: BoundFunction[], runs: SideRuns | null, reached: boolean): HunkCoverage {
  const executed = runs ? { pre: union(runs.pre), post: union(runs.post) } : null;
  const elided = new Set(h.damage.filter((d) => d.kind === 'elided').map((d) => d.mailLine));
  const notExecuted: HunkCoverage['notExecuted'] = [];
  let changed = 0;
  let ran = 0;
  for (const l of h.lines) {
    if (l.op === ' ' || !isCode(l.text)) continue;
    changed++;
    const which = l.op === '-' ? 'pre' : 'post';
    const miss = (why: NotExecutedWhy, detail: string): void => { notExecuted.push({ mailLine: l.mailLine, why, detail }); };
    const f = touched.find((x) => rowOf(x[which].image, l.mailLine) >= 0);
    if (elided.has(l.mailLine)) { miss('elided', 'the reviewer elided this part of the hunk'); continue; }
    const completed = which === 'pre' ? touched.find((x) => x.how === 'completed' && x.hunks.includes(h.id)) : undefined;
    // (a completed pre-image with the model's signature holds the mail's removed lines: found above)
    if (!f && completed) {
      miss('not-modelled', `${completed.name}() before the patch is another kernel version than the model's ${b.era.version}: the model's function stands for it`);
      continue;
    }
    if (!f) { miss('not-modelled', 'outside any function the mail shows'); continue; }
    const s = f[which];
    if (!s.func) {
      const why: NotExecutedWhy = f.otherEra ? 'other-era' : f.how === 'partial' ? 'elided' : 'not-modelled';
      miss(why, `${f.name}()${which === 'pre' ? ' before the patch' : ''}: ${s.why ?? 'not lowered'}`);
      continue;
    }
    const row = rowOf(s.image, l.mailLine);
    const pcs = instructionsAt(s.func, row);
    const outside = s.assumptions.find((a) => a.line === row);
    if (!executed) {
      if (reached) ran++; else miss('not-reached', `no scenario of the model reaches ${f.name}()`);
      continue;
    }
    const done = executed[which].get(f.name);
    // A line that lowers to no instruction (a declaration) runs when its function runs.
    const hit = pcs.length ? pcs.some((pc) => done?.has(pc)) : (done?.size ?? 0) > 0;
    if (hit) { ran++; continue; }
    if (outside && !done?.size) { miss('unknown-call', outside.what); continue; }
    miss('not-reached', done?.size
      ? `no scenario of the model takes this path of ${f.name}()`
      : `no scenario of the model runs ${f.name}()${which === 'pre' ? ' before the patch' : ''}`);
  }
  const functions = touched.map((f) => ({
    name: f.name,
    mode: f.post.func ? 'interpreted' as const : 'not-modelled' as const,
    how: f.how,
    ...(f.post.why ? { why: f.post.why } : {}),
    ...(f.post.assumptions.length ? {
      choices: f.post.assumptions.map((a) => ({ mailLine: f.post.image?.lines[a.line]?.mailLine ?? null, c: `${a.c}: ${a.what}` })),
    } : {}),
  }));
  return { hunk: h.id, function: h.function, changed, executed: ran, notExecuted, functions, basis: executed ? 'explored' : 'lowered' };
}
