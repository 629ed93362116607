// What the protocol engine and the binding compute over C expressions (src/c/expr.ts
// reads them): truth cases of conditions, constant values, the lock bit of an entry value.
import { show, type Expr } from '../c/expr';

/** Strips casts and the wrappers that do not change a value's truth: unlikely(), WARN_ON_ONCE(). */
export function strip(e: Expr): Expr {
  for (;;) {
    if (e.k === 'cast') { e = e.e; continue; }
    if (e.k === 'call' && TRANSPARENT.has(e.fn) && e.args.length === 1) { e = e.args[0]; continue; }
    return e;
  }
}

const TRANSPARENT = new Set(['unlikely', 'likely', 'WARN_ON', 'WARN_ON_ONCE', 'READ_ONCE', 'ACCESS_ONCE']);

/** A literal: an atom (canonical text) with the truth value it must have. */
export interface Literal { atom: string; value: boolean }

/** The conditions under which `e` is true (or false), as a disjunction of conjunctions of literals. */
export function truthCases(e: Expr, want: boolean): Literal[][] {
  e = strip(e);
  if (e.k === 'un' && e.op === '!') return truthCases(e.e, !want);
  if (e.k === 'bin' && (e.op === '&&' || e.op === '||')) {
    const and = (e.op === '&&') === want;
    const l = truthCases(e.l, want);
    if (and) {
      const r = truthCases(e.r, want);
      return l.flatMap((a) => r.map((b) => [...a, ...b]));
    }
    // A || B true: A, or !A and B (and dually for A && B false): disjoint cases.
    const notL = truthCases(e.l, !want);
    const r = truthCases(e.r, want);
    return [...l, ...notL.flatMap((a) => r.map((b) => [...a, ...b]))];
  }
  if (e.k === 'bin' && (e.op === '==' || e.op === '!=')) {
    const zero = isZero(e.r) ? e.l : isZero(e.l) ? e.r : null;
    if (zero) return truthCases(zero, e.op === '==' ? !want : want);
  }
  if (e.k === 'bin' && (e.op === '<' || e.op === '>=') && isZero(e.r)) {
    // err < 0 on an error code: true exactly when err is set (error codes are negative).
    return truthCases(e.l, e.op === '<' ? want : !want);
  }
  if (e.k === 'num') return want === (e.value !== 0n) ? [[]] : [];
  if (e.k === 'id' && (e.name === 'true' || e.name === 'false')) return want === (e.name === 'true') ? [[]] : [];
  if (e.k === 'id' && e.name === 'NULL') return want ? [] : [[]];
  return [[{ atom: show(e), value: want }]];
}

function isZero(e: Expr): boolean {
  e = strip(e);
  return (e.k === 'num' && e.value === 0n) || (e.k === 'id' && (e.name === 'NULL' || e.name === 'false'));
}

/** The constants the kernel of the radix-tree era uses in entry and key arithmetic (x86-64). */
export const CONSTANTS: Record<string, bigint> = {
  PAGE_SHIFT: 12n, PMD_SHIFT: 21n, PUD_SHIFT: 30n,
  PAGE_SIZE: 1n << 12n, PMD_SIZE: 1n << 21n,
  PG_PMD_COLOUR: (1n << 9n) - 1n, PG_PMD_NR: 1n << 9n,
  RADIX_TREE_EXCEPTIONAL_ENTRY: 2n, RADIX_TREE_EXCEPTIONAL_SHIFT: 2n,
  // v4.10 include/linux/dax.h: lock bit first, then the type flags, sector above.
  RADIX_DAX_ENTRY_LOCK: 1n << 2n, RADIX_DAX_PMD: 1n << 3n, RADIX_DAX_HZP: 1n << 4n,
  RADIX_DAX_EMPTY: 1n << 5n, RADIX_DAX_SHIFT: 6n,
  true: 1n, false: 0n, NULL: 0n,
};
CONSTANTS.PMD_MASK = ~(CONSTANTS.PMD_SIZE - 1n);
CONSTANTS.PAGE_MASK = ~(CONSTANTS.PAGE_SIZE - 1n);

const MASK64 = (1n << 64n) - 1n;

/** Exact value of a constant expression over CONSTANTS (64-bit unsigned), or null. */
export function evalConst(e: Expr, env: Record<string, bigint> = CONSTANTS): bigint | null {
  e = strip(e);
  switch (e.k) {
    case 'num': return e.value;
    case 'id': return env[e.name] ?? null;
    case 'un': {
      const v = evalConst(e.e, env);
      if (v === null) return null;
      if (e.op === '~') return ~v & MASK64;
      if (e.op === '-') return (-v) & MASK64;
      if (e.op === '!') return v === 0n ? 1n : 0n;
      if (e.op === '+') return v;
      return null;
    }
    case 'bin': {
      const l = evalConst(e.l, env);
      const r = evalConst(e.r, env);
      if (l === null || r === null) return null;
      switch (e.op) {
        case '|': return l | r;
        case '&': return l & r;
        case '^': return l ^ r;
        case '<<': return (l << r) & MASK64;
        case '>>': return l >> r;
        case '+': return (l + r) & MASK64;
        case '-': return (l - r) & MASK64;
        case '*': return (l * r) & MASK64;
        case '/': return r === 0n ? null : l / r;
        default: return null;
      }
    }
    default: return null;
  }
}

/** The lock bit of an entry value: from a helper's definition, or from the encoding's constants
 *  the expression ORs together (RADIX_DAX_ENTRY_LOCK present: locked; an entry built without it:
 *  unlocked). Null when the expression does not say. */
export function valueLockBitOf(e: Expr, helperLocked: (name: string) => boolean | null = () => null): boolean | null {
  e = strip(e);
  if (e.k === 'call') {
    const h = helperLocked(e.fn);
    if (h !== null) return h;
    if (LOCKED_HELPERS.has(e.fn)) return true;
  }
  const ors: Expr[] = [];
  const flat = (x: Expr): void => {
    x = strip(x);
    if (x.k === 'bin' && x.op === '|') { flat(x.l); flat(x.r); } else ors.push(x);
  };
  flat(e);
  const names = ors.map((x) => (x.k === 'id' ? x.name : x.k === 'call' ? x.fn + '()' : ''));
  if (names.includes('RADIX_DAX_ENTRY_LOCK')) return true;
  if (names.includes('RADIX_TREE_EXCEPTIONAL_ENTRY') || names.includes('RADIX_DAX_ENTRY()')) return false;
  return null;
}

/** Kernel helpers that build locked entry values (fs/dax.c v4.11 dax_radix_locked_entry, v4.19 dax_make_locked). */
export const LOCKED_HELPERS: ReadonlySet<string> = new Set(['dax_radix_locked_entry', 'dax_make_locked', 'lock_slot']);
