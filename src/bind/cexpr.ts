// A small C expression reader for the protocol engine: branch conditions, assigned
// values and return expressions. The engine runs on every keystroke, so conditions are
// read from the CFG node text directly instead of going back to the syntax tree.

export type Expr =
  | { k: 'id'; name: string }
  | { k: 'num'; value: bigint }
  | { k: 'str' }
  | { k: 'call'; fn: string; args: Expr[] }
  | { k: 'un'; op: string; e: Expr }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'cond'; c: Expr; t: Expr; f: Expr }
  | { k: 'member'; e: Expr; op: '.' | '->' | '[]'; name: string; index?: Expr }
  | { k: 'cast'; type: string; e: Expr }
  | { k: 'opaque'; text: string };

const PUNCT = ['<<=', '>>=', '...', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||',
  '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '(', ')', '[', ']', '{', '}', ',', ';', '?', ':',
  '+', '-', '*', '/', '%', '&', '|', '^', '!', '~', '<', '>', '=', '.'];

function tokenize(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '/' && s[i + 1] === '*') { const j = s.indexOf('*/', i + 2); i = j < 0 ? s.length : j + 2; continue; }
    if (c === '/' && s[i + 1] === '/') { const j = s.indexOf('\n', i); i = j < 0 ? s.length : j; continue; }
    const id = /^[A-Za-z_]\w*/.exec(s.slice(i, i + 128));
    if (id) { out.push(id[0]); i += id[0].length; continue; }
    const num = /^(0[xX][0-9a-fA-F]+|\d+)[uUlL]*/.exec(s.slice(i, i + 64));
    if (num) { out.push(num[0]); i += num[0].length; continue; }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < s.length && s[j] !== c) j += s[j] === '\\' ? 2 : 1;
      out.push('"'); i = j + 1; continue;
    }
    const p = PUNCT.find((q) => s.startsWith(q, i));
    if (p) { out.push(p); i += p.length; continue; }
    out.push(c); i++;
  }
  return out;
}

const TYPE_WORDS = new Set(['unsigned', 'signed', 'long', 'int', 'short', 'char', 'void', 'bool', 'const',
  'volatile', 'struct', 'union', 'enum', 'u8', 'u16', 'u32', 'u64', 's32', 's64', 'size_t', 'ssize_t',
  'loff_t', 'pgoff_t', 'sector_t', 'gfp_t', 'pfn_t', 'uintptr_t', '__force']);

const BINARY: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

class Reader {
  i = 0;
  constructor(private t: string[]) {}
  peek(o = 0): string | undefined { return this.t[this.i + o]; }
  next(): string { return this.t[this.i++]; }
  eat(s: string): boolean { if (this.t[this.i] === s) { this.i++; return true; } return false; }
  done(): boolean { return this.i >= this.t.length; }

  expr(): Expr {
    let e = this.assign();
    while (this.eat(',')) e = this.assign();
    return e;
  }
  assign(): Expr {
    const l = this.ternary();
    const op = this.peek();
    if (op && /^([-+*/%&|^]|<<|>>)?=$/.test(op) && op !== '==') {
      this.next();
      const r = this.assign();
      return { k: 'bin', op, l, r };
    }
    return l;
  }
  ternary(): Expr {
    const c = this.binary(1);
    if (this.eat('?')) {
      const t = this.assign();
      this.eat(':');
      const f = this.assign();
      return { k: 'cond', c, t, f };
    }
    return c;
  }
  binary(min: number): Expr {
    let l = this.unary();
    for (;;) {
      const op = this.peek();
      const p = op !== undefined ? BINARY[op] : undefined;
      if (p === undefined || p < min) return l;
      this.next();
      const r = this.binary(p + 1);
      l = { k: 'bin', op: op as string, l, r };
    }
  }
  isCast(): boolean {
    if (this.peek() !== '(') return false;
    let j = 1;
    let sawType = false;
    for (;;) {
      const t = this.peek(j);
      if (t === undefined) return false;
      if (t === ')') return sawType;
      if (TYPE_WORDS.has(t) || /_t$/.test(t)) sawType = true;
      else if (t === '*') { /* pointer */ } else if (/^[A-Za-z_]\w*$/.test(t) && this.peek(j - 1) === 'struct') sawType = true;
      else return false;
      j++;
    }
  }
  unary(): Expr {
    const t = this.peek();
    if (t === '!' || t === '~' || t === '-' || t === '+' || t === '*' || t === '&' || t === '++' || t === '--') {
      this.next();
      return { k: 'un', op: t, e: this.unary() };
    }
    if (t === 'sizeof') {
      this.next();
      if (this.eat('(')) { let d = 1; while (!this.done() && d > 0) { const x = this.next(); if (x === '(') d++; if (x === ')') d--; } }
      else this.unary();
      return { k: 'opaque', text: 'sizeof' };
    }
    if (this.isCast()) {
      this.next();
      const words: string[] = [];
      while (!this.done() && this.peek() !== ')') words.push(this.next());
      this.eat(')');
      return { k: 'cast', type: words.join(' '), e: this.unary() };
    }
    return this.postfix(this.primary());
  }
  primary(): Expr {
    const t = this.next();
    if (t === undefined) return { k: 'opaque', text: '' };
    if (t === '(') {
      const e = this.expr();
      this.eat(')');
      return e;
    }
    if (t === '"') return { k: 'str' };
    if (/^\d/.test(t)) return { k: 'num', value: BigInt(t.replace(/[uUlL]+$/, '')) };
    if (/^[A-Za-z_]\w*$/.test(t)) return { k: 'id', name: t };
    if (t === '{') { let d = 1; while (!this.done() && d > 0) { const x = this.next(); if (x === '{') d++; if (x === '}') d--; } return { k: 'opaque', text: '{}' }; }
    return { k: 'opaque', text: t };
  }
  postfix(e: Expr): Expr {
    for (;;) {
      if (this.eat('(')) {
        const args: Expr[] = [];
        if (!this.eat(')')) {
          do args.push(this.assign()); while (this.eat(','));
          this.eat(')');
        }
        e = { k: 'call', fn: e.k === 'id' ? e.name : show(e), args };
      } else if (this.peek() === '.' || this.peek() === '->') {
        const op = this.next() as '.' | '->';
        e = { k: 'member', e, op, name: this.next() ?? '' };
      } else if (this.eat('[')) {
        const index = this.expr();
        this.eat(']');
        e = { k: 'member', e, op: '[]', name: '', index };
      } else if (this.peek() === '++' || this.peek() === '--') {
        e = { k: 'un', op: this.next() + 'post', e };
      } else return e;
    }
  }
}

const cache = new Map<string, Expr>();

/** Parses one C expression; what it cannot read becomes an opaque leaf. */
export function parseExpr(text: string): Expr {
  let e = cache.get(text);
  if (!e) {
    e = new Reader(tokenize(text)).expr();
    if (cache.size > 20000) cache.clear();
    cache.set(text, e);
  }
  return e;
}

/** Canonical text of an expression: the key facts and handles are stored under. */
export function show(e: Expr): string {
  switch (e.k) {
    case 'id': return e.name;
    case 'num': return e.value.toString();
    case 'str': return '""';
    case 'call': return `${e.fn}(${e.args.map(show).join(', ')})`;
    case 'un': return e.op.endsWith('post') ? show(e.e) + e.op.slice(0, 2) : e.op + show(e.e);
    case 'bin': return `(${show(e.l)} ${e.op} ${show(e.r)})`;
    case 'cond': return `(${show(e.c)} ? ${show(e.t)} : ${show(e.f)})`;
    case 'member': return e.op === '[]' ? `${show(e.e)}[${e.index ? show(e.index) : ''}]` : `${show(e.e)}${e.op}${e.name}`;
    case 'cast': return show(e.e);
    case 'opaque': return e.text;
  }
}

/** Every identifier the expression reads. */
export function idents(e: Expr, out: Set<string> = new Set()): Set<string> {
  switch (e.k) {
    case 'id': out.add(e.name); break;
    case 'call': e.args.forEach((a) => idents(a, out)); break;
    case 'un': case 'cast': idents(e.e, out); break;
    case 'bin': idents(e.l, out); idents(e.r, out); break;
    case 'cond': idents(e.c, out); idents(e.t, out); idents(e.f, out); break;
    case 'member': idents(e.e, out); if (e.index) idents(e.index, out); break;
    default: break;
  }
  return out;
}

/** The variable an lvalue or argument names, through casts, & and *: "&slot" -> "slot". */
export function rootVar(e: Expr): string | null {
  switch (e.k) {
    case 'id': return e.name;
    case 'cast': return rootVar(e.e);
    case 'un': return e.op === '&' || e.op === '*' ? rootVar(e.e) : null;
    default: return null;
  }
}

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
