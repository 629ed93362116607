// Variation points from C fragments. A hunk that shows part of a modelled function says
// how the patch sets some of the reference function's variation points: the wake mode of a
// dax_wake_mapping_entry_waiter() call after a delete, whether an error path puts the entry
// it got, whether a failed preload unlocks the entry it locked. Each point is bound ONCE,
// in the table below, by a pattern over the tree-sitter tree of the function image; the
// patterns are built from a few general matchers.
import type { FunctionImage } from '../c/types';
import { parseImage } from '../c/cfg';
import type { Node } from '../c/parser';
import { parseExpr } from '../c/expr';
import { evalConst, strip, valueLockBitOf } from './cexpr';

export type PointValue = string | number | boolean;

export interface PointBinding {
  fn: string;
  point: string;
  value: PointValue;
  /** The mail lines the value was read from. */
  mailLines: number[];
  /** The C the value was read from, as the mail has it. */
  c: string;
}

interface Ctx {
  fn: Node;
  lineOf(n: Node): number | null;
  /** Lock bit of the value helpers return, from their definitions in the mail. */
  helperLocked(name: string): boolean | null;
}

type Matcher = (ctx: Ctx) => { value: PointValue; at: Node[] } | null;

// --- general matchers over the C tree ---------------------------------------------------

function calls(root: Node, names: readonly string[]): Node[] {
  return root.descendantsOfType('call_expression').filter((c): c is Node => !!c && names.includes(c.childForFieldName('function')?.text ?? ''));
}

function args(call: Node): Node[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');
}

function arg(call: Node, i: number): Node | null {
  const a = args(call);
  return a[i < 0 ? a.length + i : i] ?? null;
}

const before = (a: Node, b: Node): boolean => a.startIndex < b.startIndex;

function ancestors(n: Node): Node[] {
  const out: Node[] = [];
  for (let p = n.parent; p; p = p.parent) out.push(p);
  return out;
}

/** The statement a node is in (its nearest ancestor directly inside a block). */
function statementOf(n: Node): Node {
  let cur = n;
  while (cur.parent && cur.parent.type !== 'compound_statement') cur = cur.parent;
  return cur;
}

/** Nearest enclosing if whose consequence holds the node, with the condition text. */
function guardingIf(n: Node, stopAt?: Node): Node | null {
  for (const a of ancestors(n)) {
    if (stopAt && a.id === stopAt.id) return null;
    if (a.type === 'if_statement') {
      const cons = a.childForFieldName('consequence');
      if (cons && cons.startIndex <= n.startIndex && n.endIndex <= cons.endIndex) return a;
    }
  }
  return null;
}

function condText(ifNode: Node): string {
  return (ifNode.childForFieldName('condition')?.text ?? '').replace(/^\(|\)$/g, '');
}

function bool(n: Node | null): boolean | null {
  if (!n) return null;
  const v = evalConst(strip(parseExpr(n.text)), { true: 1n, false: 0n });
  return v === null ? null : v !== 0n;
}

/** A release reached by a goto out of `from`: the calls after the label up to the next return. */
function viaGoto(fn: Node, from: Node, release: readonly string[]): Node | undefined {
  const g = from.type === 'goto_statement' ? from : from.descendantsOfType('goto_statement').find((x) => !!x);
  const name = g?.childForFieldName('label')?.text;
  if (!name) return undefined;
  const label = fn.descendantsOfType('labeled_statement').find((l) => !!l && l.childForFieldName('label')?.text === name);
  if (!label) return undefined;
  const ret = fn.descendantsOfType('return_statement').find((r) => !!r && r.startIndex >= label.startIndex);
  return calls(fn, release).find((c) => c.startIndex >= label.startIndex && (!ret || c.startIndex < ret.startIndex));
}

/** The value of argument `i` of the last call to `name` that follows a call to `after`. */
export function argAfter(name: readonly string[], i: number, after: readonly string[]): Matcher {
  return (ctx) => {
    const anchors = calls(ctx.fn, after);
    const hits = calls(ctx.fn, name).filter((c) => !after.length || anchors.some((a) => before(a, c)));
    const c = hits[0];
    if (!c) return null;
    const v = bool(arg(c, i));
    return v === null ? null : { value: v, at: [c] };
  };
}

/** Whether the block that makes the function fail with `errorCode` first calls one of `release`. */
export function releaseOnErrorPath(errorCode: string, release: readonly string[]): Matcher {
  return (ctx) => {
    const errs = calls(ctx.fn, ['ERR_PTR']).filter((c) => (arg(c, 0)?.text ?? '').replace(/\s/g, '') === `-${errorCode}`);
    const e = errs[0];
    if (!e) return null;
    const block = ancestors(e).find((a) => a.type === 'compound_statement') ?? null;
    if (!block) return null;
    const stmt = statementOf(e);
    const put = calls(block, release).find((c) => before(c, stmt) || c.startIndex < stmt.endIndex);
    return { value: !!put, at: put ? [put, stmt] : [stmt] };
  };
}

/** When `acquire` fails, does the failure branch release what the function holds?
 *  'none', 'if:<cond>' (only under a condition, e.g. if (pmd_downgrade)) or 'always'. */
export function releaseOnFailureOf(acquire: readonly string[], release: readonly string[], heldBy: readonly string[]): Matcher {
  return (ctx) => {
    const c = calls(ctx.fn, acquire)[0];
    if (!c) return null;
    // Only a fragment that takes something before the call says what a failure must give up.
    if (!calls(ctx.fn, heldBy).some((h) => before(h, c))) return null;
    // The variable the result goes to, then the if that tests it.
    const assign = ancestors(c).find((a) => a.type === 'assignment_expression' || a.type === 'init_declarator');
    const v = assign?.childForFieldName(assign.type === 'init_declarator' ? 'declarator' : 'left')?.text ?? null;
    const ifs = ctx.fn.descendantsOfType('if_statement').filter((i): i is Node => !!i && before(c, i));
    const test = ifs.find((i) => {
      const t = condText(i);
      return v ? new RegExp(`(?<!\\w)${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\w)`).test(t) : t.includes(c.text);
    }) ?? (ancestors(c).find((a) => a.type === 'if_statement') ?? null);
    if (!test) return null;
    const cons = test.childForFieldName('consequence');
    if (!cons) return null;
    const put = calls(cons, release)[0] ?? viaGoto(ctx.fn, cons, release);
    if (!put) return { value: 'none', at: [test] };
    const inner = guardingIf(put, test);
    return { value: inner ? `if:${condText(inner).replace(/\s+/g, ' ')}` : 'always', at: [put] };
  };
}

/** The lock bit of the value stored by the first call to one of `store` (argument `i`). */
export function storedLockBit(store: readonly string[], i: number): Matcher {
  return (ctx) => {
    const c = calls(ctx.fn, store)[0];
    if (!c) return null;
    const a = arg(c, i);
    if (!a) return null;
    const v = strip(parseExpr(a.text));
    // Follow the variable to the assignment that gave it its value.
    let value = v;
    let at: Node[] = [c];
    if (v.k === 'id') {
      const defs = ctx.fn.descendantsOfType('assignment_expression').filter((x): x is Node => !!x && before(x, c) && x.childForFieldName('left')?.text === v.name);
      const d = defs[defs.length - 1];
      if (d) { value = strip(parseExpr(d.childForFieldName('right')?.text ?? '')); at = [d, c]; }
    }
    const bit = valueLockBitOf(value, ctx.helperLocked);
    return bit === null ? null : { value: bit, at };
  };
}

/** Which of two calls comes first: `first` when a call to `a` precedes the first call to `b`. */
export function order(a: readonly string[], b: readonly string[], first: PointValue, second: PointValue): Matcher {
  return (ctx) => {
    const x = calls(ctx.fn, a)[0];
    const y = calls(ctx.fn, b)[0];
    if (!x || !y) return null;
    return before(x, y) ? { value: first, at: [x, y] } : { value: second, at: [y, x] };
  };
}

/** Whether one of `names` is called between the first call to `from` and the next call to `to`
 *  (on any path: a fragment that shows both ends shows what lies between). */
export function callBetween(from: readonly string[], to: readonly string[], names: readonly string[]): Matcher {
  return (ctx) => {
    const a = calls(ctx.fn, from)[0];
    if (!a) return null;
    const b = calls(ctx.fn, to).filter((c) => before(a, c)).pop();
    if (!b) return null;
    const hit = calls(ctx.fn, names).find((c) => before(a, c) && before(c, b));
    return { value: !!hit, at: hit ? [hit] : [a, b] };
  };
}

/** Whether the else branch of `if (<cond>)` is itself guarded by a test matching `test`
 *  (an else-if), rather than a plain else. Only read in a fragment that knows PMD entries. */
export function elseGuarded(cond: string, test: RegExp, aware: RegExp): Matcher {
  return (ctx) => {
    if (!aware.test(ctx.fn.text)) return null;
    const i = ctx.fn.descendantsOfType('if_statement').find((x) => !!x && condText(x).trim() === cond);
    const alt = i?.childForFieldName('alternative');
    if (!i || !alt) return null;
    const inner = alt.type === 'else_clause' ? alt.namedChildren.find((c) => !!c) ?? null : alt;
    if (!inner) return null;
    return inner.type === 'if_statement' ? { value: test.test(condText(inner)), at: [inner] } : { value: false, at: [alt] };
  };
}

/** Whether a mask under a PMD test clears exactly the PMD colour of the index. */
export function pmdKeyMask(target: string): Matcher {
  return (ctx) => {
    const assigns = ctx.fn.descendantsOfType('assignment_expression').filter((x): x is Node => !!x && x.childForFieldName('left')?.text === target);
    for (const a of assigns) {
      const op = a.childForFieldName('operator')?.text ?? a.children.find((ch) => ch && /=$/.test(ch.type))?.text ?? '';
      if (op !== '&=') continue;
      const g = guardingIf(a);
      if (!g || !/RADIX_DAX_PMD|dax_is_pmd_entry/.test(condText(g))) continue;
      const m = evalConst(parseExpr(a.childForFieldName('right')?.text ?? ''));
      if (m === null) continue;
      return { value: (m & 511n) === 0n && (m & 512n) !== 0n, at: [a] };
    }
    return null;
  };
}

// --- the table: each variation point of the reference functions, bound once ---------------

/** One variation point bound to the C that sets it: the matcher reads the C, `value` turns
 *  what it read into one of the point's values in the model (null: the C says something the
 *  model has no value for, and the point is left out of the run). */
export interface PointPattern {
  fn: string; point: string; match: Matcher; value?: (raw: PointValue) => PointValue | null;
  /** For a point the model does not vary: what its reference function always does. A fragment
   *  that says the same runs as the reference; one that says otherwise is not modelled. */
  reference?: PointValue;
}

const ENTRY_PUTS = ['put_unlocked_mapping_entry'];
const ENTRY_UNLOCKS = ['put_locked_mapping_entry', 'dax_unlock_mapping_entry', 'unlock_slot', 'put_unlocked_mapping_entry'];

export const POINT_PATTERNS: PointPattern[] = [
  { fn: 'grab_mapping_entry', point: 'downgrade_wake_all', match: argAfter(['dax_wake_mapping_entry_waiter'], -1, ['radix_tree_delete']) },
  { fn: 'grab_mapping_entry', point: 'eexist_put', match: releaseOnErrorPath('EEXIST', ENTRY_PUTS) },
  { fn: 'grab_mapping_entry', point: 'preload_fail', match: releaseOnFailureOf(['radix_tree_preload'], ENTRY_UNLOCKS, ['lock_slot']),
    value: (raw) => (raw === 'none' ? 'return' : 'put-locked-if-downgrade') },
  { fn: 'grab_mapping_entry', point: 'insert_eexist_restart',
    match: (ctx) => {
      const g = calls(ctx.fn, ['__radix_tree_insert', 'radix_tree_insert'])[0];
      if (!g) return null;
      const r = ctx.fn.descendantsOfType('goto_statement').find((x) => !!x && before(g, x) && /\brestart\b/.test(x.text) &&
        /EEXIST/.test(condText(guardingIf(x) ?? x)));
      return { value: !!r, at: r ? [r] : [g] };
    } },
  { fn: 'grab_mapping_entry', point: 'unmap_vs_preload', match: order(['unmap_mapping_range'], ['radix_tree_preload'], 'unmap-first', 'preload-first') },
  { fn: '__dax_invalidate_mapping_entry', point: 'put', match: callBetween(['get_unlocked_mapping_entry'], ['spin_unlock_irq'], ENTRY_PUTS) },
  { fn: 'page_cache_tree_insert', point: 'dax_wake_all', match: argAfter(['dax_wake_mapping_entry_waiter'], -1, []) },
  { fn: 'put_unlocked_mapping_entry', point: 'wake_all', match: argAfter(['dax_wake_mapping_entry_waiter'], -1, []) },
  { fn: 'dax_unlock_mapping_entry', point: 'wake_all', match: argAfter(['dax_wake_mapping_entry_waiter'], -1, []) },
  { fn: 'dax_insert_mapping_entry', point: 'replace_only_zero_or_empty',
    match: elseGuarded('hole_fill', /RADIX_DAX_HZP|RADIX_DAX_EMPTY|dax_is_zero_entry|dax_is_empty_entry/, /RADIX_DAX_PMD|dax_is_pmd_entry|RADIX_DAX_HZP|dax_is_zero_entry/) },
  { fn: 'dax_entry_waitqueue', point: 'pmd_key_aligned', match: pmdKeyMask('index'), reference: true },
  { fn: 'dax_insert_mapping_entry', point: 'new_entry_locked', match: storedLockBit(['radix_tree_replace_slot', '__radix_tree_replace', '__radix_tree_insert', 'radix_tree_insert'], -1), reference: true },
];

export interface BindOptions {
  /** A mail line to leave out of the image ('without this line'). */
  without?: number;
  helperLocked?: (name: string) => boolean | null;
}

/** Drops one mail line from an image. */
export function withoutLine(img: FunctionImage, mailLine: number): FunctionImage {
  return { ...img, lines: img.lines.filter((l) => l.mailLine !== mailLine), gaps: img.gaps };
}

const cache = new Map<string, PointBinding[]>();

/** The variation points a function image sets, read through the pattern table. */
export function bindPoints(image: FunctionImage, opts: BindOptions = {}): PointBinding[] {
  const img = opts.without !== undefined ? withoutLine(image, opts.without) : image;
  const patterns = POINT_PATTERNS.filter((p) => p.fn === img.name);
  if (!patterns.length) return [];
  const body = img.lines.map((l) => `${l.mailLine}:${l.text}`).join('\n');
  // What the helpers the image calls are known to return is part of what the image says.
  const helperSig = opts.helperLocked
    ? [...new Set([...body.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]))].map((n) => `${n}=${opts.helperLocked!(n)}`).filter((x) => !x.endsWith('=null')).join(',')
    : '';
  const key = `${img.name}\u0000${img.side}\u0000${helperSig}\u0000${body}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const parsed = parseImage(img);
  const out: PointBinding[] = [];
  try {
    const fn = parsed.fn ?? parsed.root;
    const ctx: Ctx = {
      fn,
      lineOf: (n) => { const i = parsed.lineOf(n); return i === null ? null : img.lines[i]?.mailLine ?? null; },
      helperLocked: opts.helperLocked ?? (() => null),
    };
    for (const p of patterns) {
      const m = p.match(ctx);
      if (!m) continue;
      const lines = m.at.map((n) => ctx.lineOf(n)).filter((x): x is number => x !== null);
      const value = p.value ? p.value(m.value) : m.value;
      if (value === null) continue;
      out.push({ fn: p.fn, point: p.point, value, mailLines: [...new Set(lines)], c: m.at.map((n) => n.text.replace(/\s+/g, ' ')).join(' ... ') });
    }
  } finally {
    parsed.delete();
  }
  if (cache.size > 2000) cache.clear();
  cache.set(key, out);
  return out;
}

/** The reference value of a point the model does not vary, from the table. */
export function fixedReference(fn: string, point: string): PointValue | undefined {
  return POINT_PATTERNS.find((p) => p.fn === fn && p.point === point)?.reference;
}
