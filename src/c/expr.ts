// The C expression reader: one syntax for every stage that reads C expressions as text.
// The protocol engine reads branch conditions, assigned values and return expressions from
// CFG node text on every keystroke (cheaper than going back to the syntax tree); the model
// lowers the reference functions' C into its IR from the same syntax (src/model/ir.ts).
import { memoByText } from './memo';

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

/**
 * How deep the reader recurses and how many operators it builds for one expression: C
 * from a mail may nest without end, and every reader of an Expr recurses over it. Past
 * either limit the rest of the text is one opaque leaf.
 */
export const MAX_EXPR_DEPTH = 200;
export const MAX_EXPR_NODES = 2000;
const TOO_DEEP = '/* expression too deep */';

class Reader {
  i = 0;
  private depth = 0;
  private nodes = 0;
  constructor(private t: string[]) {}
  /** Past a limit: the rest of the tokens become one opaque leaf. */
  private tooDeep(): Expr {
    this.i = this.t.length;
    return { k: 'opaque', text: TOO_DEEP };
  }
  private grow(): boolean {
    return ++this.nodes > MAX_EXPR_NODES;
  }
  private nested<T extends Expr>(read: () => T): Expr {
    if (this.depth >= MAX_EXPR_DEPTH || this.nodes > MAX_EXPR_NODES) return this.tooDeep();
    this.depth++;
    try {
      return read();
    } finally {
      this.depth--;
    }
  }
  peek(o = 0): string | undefined { return this.t[this.i + o]; }
  next(): string { return this.t[this.i++]; }
  eat(s: string): boolean { if (this.t[this.i] === s) { this.i++; return true; } return false; }
  done(): boolean { return this.i >= this.t.length; }

  expr(): Expr {
    let e = this.assign();
    // The comma operator: the left side's effects, then the right side's value.
    while (this.eat(',')) e = { k: 'bin', op: ',', l: e, r: this.assign() };
    return e;
  }
  assign(): Expr {
    return this.nested(() => this.assignInner());
  }
  private assignInner(): Expr {
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
      if (this.grow()) return this.tooDeep();
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
    return this.nested(() => this.unaryInner());
  }
  private unaryInner(): Expr {
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
      if (this.grow()) return this.tooDeep();
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

/** Parses one C expression; what it cannot read becomes an opaque leaf. */
export const parseExpr: (text: string) => Expr = memoByText((text) => new Reader(tokenize(text)).expr());

/**
 * Parses text that must be exactly one C expression (no comma, nothing left over), for
 * readers that may not guess: anything unread is an error naming the text.
 */
export function parseWholeExpr(text: string): Expr {
  const r = new Reader(tokenize(text));
  const e = r.assign();
  if (!r.done()) throw new Error(`trailing '${r.peek()}' in C expression '${text}'`);
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

