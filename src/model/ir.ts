// The model's intermediate representation: the code a thread runs.
//
// Every modelled kernel function is a list of instructions over integer locals.
// A thread's continuation (function, pc, locals, call stack) lives in the packed
// state, so the explorer can hash and store it, and a C function taken from a
// patch can be compiled to the same instructions and run over the same
// primitives as the reference functions.

export type BinOp =
  | '||' | '&&' | '|' | '^' | '&' | '==' | '!=' | '<' | '>' | '<=' | '>='
  | '<<' | '>>' | '+' | '-' | '*' | '/' | '%';
export type UnOp = '!' | '~' | '-';

/** A side-effect free expression over the locals of the current frame. */
export type Expr =
  | { k: 'const'; v: number }
  | { k: 'local'; i: number; name: string }
  /** &local: a pointer into the thread's own stack (for out-parameters such as &slot). */
  | { k: 'addr'; i: number; name: string }
  | { k: 'deref'; e: Expr }
  | { k: 'un'; op: UnOp; e: Expr }
  | { k: 'bin'; op: BinOp; a: Expr; b: Expr }
  | { k: 'cond'; c: Expr; a: Expr; b: Expr }
  /** A pure helper of the entry encoding (radix_tree_exceptional_entry, dax_is_pmd_entry, IS_ERR, ...). */
  | { k: 'pure'; fn: string; args: Expr[] };

/** Where a result goes: a local, or the location a pointer names (*entryp = ...). */
export type LValue = { k: 'local'; i: number; name: string } | { k: 'deref'; e: Expr };

export type Instr =
  | { k: 'assign'; dst: LValue; e: Expr; label: string }
  /** A call of a kernel primitive (src/model/kernel/prims.ts). */
  | { k: 'prim'; name: string; args: Expr[]; dst?: LValue; label: string }
  /** A call of another modelled function (resolved by name when the program is linked). */
  | { k: 'call'; fn: string; args: Expr[]; dst?: LValue; label: string }
  /** Jump to target when cond is true (or always, without cond). retry marks 'goto restart'. */
  | { k: 'jump'; cond?: Expr; target: number; label: string; retry?: boolean }
  | { k: 'ret'; e?: Expr; label: string }
  /** An expression the model cannot evaluate: the explorer branches over values. */
  | { k: 'choose'; dst: LValue; name: string; values: number[]; label: string };

/** A named place where a patch may change a function, named after the C it stands for. */
export interface PointDecl {
  name: string;
  /** The C the point stands for, e.g. "dax_wake_mapping_entry_waiter(mapping, index, entry, true)". */
  c: string;
  values: (string | number | boolean)[];
  default: string | number | boolean;
}

/** One compiled function. Locals: params first, then the function's own locals. */
export interface Func {
  name: string;
  /** The kernel version (and file) the function follows, e.g. "v4.10 fs/dax.c". */
  kernel: string;
  params: string[];
  locals: string[];
  code: Instr[];
  points: PointDecl[];
}

// ---------------------------------------------------------------------------
// Constants of the kernel headers the functions use (include/linux/radix-tree.h,
// include/linux/dax.h of v4.10, include/linux/mm.h, include/linux/iomap.h).

export const K = {
  NULL: 0, false: 0, true: 1,
  RADIX_TREE_EXCEPTIONAL_ENTRY: 2,
  RADIX_TREE_EXCEPTIONAL_SHIFT: 2,
  RADIX_DAX_ENTRY_LOCK: 1 << 2,
  RADIX_DAX_PMD: 1 << 3,
  RADIX_DAX_HZP: 1 << 4,
  RADIX_DAX_EMPTY: 1 << 5,
  RADIX_DAX_SHIFT: 6,
  PMD_ORDER: 9,
  PAGE_SHIFT: 12, PMD_SHIFT: 21, PAGE_SIZE: 1 << 12, PMD_SIZE: 1 << 21, PMD_MASK: ~((1 << 21) - 1),
  PG_PMD_COLOUR: 511,
  PG_PMD_NR: 512,
  ENOMEM: 12, EEXIST: 17, EBUSY: 16, EIO: 5, EINVAL: 22,
  VM_FAULT_OOM: 0x0001, VM_FAULT_SIGBUS: 0x0002, VM_FAULT_MAJOR: 0x0004,
  VM_FAULT_NOPAGE: 0x0100, VM_FAULT_LOCKED: 0x0200, VM_FAULT_RETRY: 0x0400, VM_FAULT_FALLBACK: 0x0800,
  IOMAP_HOLE: 0x01, IOMAP_DELALLOC: 0x02, IOMAP_MAPPED: 0x03, IOMAP_UNWRITTEN: 0x04,
  IOMAP_F_NEW: 0x01,
  /** The one mapping (address_space) of the model and its tree_lock. */
  MAPPING: 1,
  TREE_LOCK: 1,
  PAGECACHE_TAG_DIRTY: 0, PAGECACHE_TAG_TOWRITE: 2,
  XFS_MMAPLOCK_SHARED: 1, XFS_MMAPLOCK_EXCL: 2,
  /** What pmd_read() returns (src/model/kernel/layout.ts Pmd); pte_read() gives PTE_PFN for a DAX pfn. */
  PMD_NONE: 0, PMD_HUGE_ZERO: 1, PMD_DEVMAP: 2, PMD_TABLE: 3, PTE_PFN: -1,
} as const;

export type ConstName = keyof typeof K;

const isErr = (x: number): boolean => x < 0 && x >= -4095;

/** Pure helpers: exact integer meaning of the kernel's inline helpers and macros. */
export const PURE: Record<string, { arity: number; f: (...a: number[]) => number; c: string }> = {
  radix_tree_exceptional_entry: { arity: 1, f: (e) => (e & K.RADIX_TREE_EXCEPTIONAL_ENTRY ? 1 : 0), c: 'include/linux/radix-tree.h' },
  dax_is_pmd_entry: { arity: 1, f: (e) => e & K.RADIX_DAX_PMD, c: 'v4.10 fs/dax.c' },
  dax_is_pte_entry: { arity: 1, f: (e) => (e & K.RADIX_DAX_PMD ? 0 : 1), c: 'v4.10 fs/dax.c' },
  dax_is_zero_entry: { arity: 1, f: (e) => e & K.RADIX_DAX_HZP, c: 'v4.10 fs/dax.c' },
  dax_is_empty_entry: { arity: 1, f: (e) => e & K.RADIX_DAX_EMPTY, c: 'v4.10 fs/dax.c' },
  dax_radix_sector: { arity: 1, f: (e) => e >> K.RADIX_DAX_SHIFT, c: 'v4.10 fs/dax.c' },
  dax_radix_order: { arity: 1, f: (e) => (e & K.RADIX_DAX_PMD ? K.PMD_ORDER : 0), c: 'v4.10 fs/dax.c' },
  /* entries begin locked */
  dax_radix_locked_entry: {
    arity: 2,
    f: (sector, flags) => K.RADIX_TREE_EXCEPTIONAL_ENTRY | flags | (sector << K.RADIX_DAX_SHIFT) | K.RADIX_DAX_ENTRY_LOCK,
    c: 'v4.10 fs/dax.c',
  },
  /** The name of dax_radix_locked_entry() in the v5 iomap PMD series, renamed before it was merged. */
  dax_radix_entry: {
    arity: 2,
    f: (sector, flags) => K.RADIX_TREE_EXCEPTIONAL_ENTRY | flags | (sector << K.RADIX_DAX_SHIFT) | K.RADIX_DAX_ENTRY_LOCK,
    c: 'dax: add struct iomap based DAX PMD support (v5)',
  },
  IS_ERR: { arity: 1, f: (x) => (isErr(x) ? 1 : 0), c: 'include/linux/err.h' },
  PTR_ERR: { arity: 1, f: (x) => x, c: 'include/linux/err.h' },
  ERR_PTR: { arity: 1, f: (x) => x, c: 'include/linux/err.h' },
  dax_fault_return: {
    arity: 1,
    f: (error) => (error === 0 ? K.VM_FAULT_NOPAGE : error === -K.ENOMEM ? K.VM_FAULT_OOM : K.VM_FAULT_SIGBUS),
    c: 'v4.10 fs/dax.c',
  },
  /** Our iomap is one integer: type | flags << 8 | length in pages << 12. */
  iomap_type: { arity: 1, f: (m) => m & 0xff, c: 'struct iomap .type' },
  iomap_flags: { arity: 1, f: (m) => (m >> 8) & 0xf, c: 'struct iomap .flags' },
  iomap_pages: { arity: 1, f: (m) => m >>> 12, c: 'struct iomap .length >> PAGE_SHIFT' },
  dax_iomap_sector: { arity: 2, f: (_m, index) => index << 3, c: 'v4.10 fs/dax.c (linear block map)' },
};

export function evalPure(fn: string, args: number[]): number {
  const p = PURE[fn];
  if (!p) throw new Error(`unknown pure helper ${fn}`);
  return p.f(...args) | 0;
}

export function evalBin(op: BinOp, a: number, b: number): number {
  switch (op) {
    case '||': return a || b ? 1 : 0;
    case '&&': return a && b ? 1 : 0;
    case '|': return a | b;
    case '^': return a ^ b;
    case '&': return a & b;
    case '==': return a === b ? 1 : 0;
    case '!=': return a !== b ? 1 : 0;
    case '<': return a < b ? 1 : 0;
    case '>': return a > b ? 1 : 0;
    case '<=': return a <= b ? 1 : 0;
    case '>=': return a >= b ? 1 : 0;
    case '<<': return a << b;
    case '>>': return a >> b;
    case '+': return (a + b) | 0;
    case '-': return (a - b) | 0;
    case '*': return Math.imul(a, b);
    case '/': return b === 0 ? 0 : (a / b) | 0;
    case '%': return b === 0 ? 0 : a % b;
  }
}

// ---------------------------------------------------------------------------
// A small parser for C expressions, so reference functions read like the kernel.

const TYPE_WORDS = new Set(['unsigned', 'long', 'int', 'void', 'bool', 'char', 'pgoff_t', 'sector_t', 'loff_t', 'size_t', 'struct', 'page', 'const']);

interface Tok { t: 'id' | 'num' | 'op'; v: string }

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:(0[xX][0-9a-fA-F]+|\d+)[uUlL]*|([A-Za-z_]\w*)|(\|\||&&|==|!=|<=|>=|<<|>>|->|[-+*/%&|^!~<>()?:,.]))/y;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) throw new Error(`cannot read C expression at '${src.slice(pos)}' in '${src}'`);
    pos = re.lastIndex;
    if (m[1] !== undefined) out.push({ t: 'num', v: m[1] });
    else if (m[2] !== undefined) out.push({ t: 'id', v: m[2] });
    else out.push({ t: 'op', v: m[3] });
  }
  return out;
}

const PREC: Partial<Record<string, number>> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

/** Resolves identifiers of an expression: locals of the function being built, then constants. */
export interface Scope { local(name: string): number | undefined }

export function parseExpr(src: string, scope: Scope): Expr {
  const toks = tokenize(src);
  let i = 0;
  const peek = (): Tok | undefined => toks[i];
  const eat = (v?: string): Tok => {
    const t = toks[i];
    if (!t || (v !== undefined && t.v !== v)) throw new Error(`expected '${v ?? 'token'}' in C expression '${src}'`);
    i++;
    return t;
  };
  const isCast = (): boolean => {
    if (peek()?.v !== '(') return false;
    let j = i + 1;
    if (!toks[j] || toks[j].t !== 'id' || !TYPE_WORDS.has(toks[j].v)) return false;
    while (toks[j] && (TYPE_WORDS.has(toks[j].v) || toks[j].v === '*')) j++;
    return toks[j]?.v === ')';
  };
  const ident = (name: string): Expr => {
    const l = scope.local(name);
    if (l !== undefined) return { k: 'local', i: l, name };
    if (name in K) return { k: 'const', v: K[name as ConstName] };
    throw new Error(`unknown identifier '${name}' in C expression '${src}'`);
  };
  const unary = (): Expr => {
    const t = peek();
    if (!t) throw new Error(`unexpected end of C expression '${src}'`);
    if (isCast()) {
      eat('(');
      while (peek()?.v !== ')') i++;
      eat(')');
      return unary();
    }
    if (t.v === '!' || t.v === '~' || t.v === '-') { i++; return { k: 'un', op: t.v, e: unary() }; }
    if (t.v === '&') {
      i++;
      const n = eat().v;
      const l = scope.local(n);
      if (l === undefined) throw new Error(`&${n}: not a local in '${src}'`);
      return { k: 'addr', i: l, name: n };
    }
    if (t.v === '*') { i++; return { k: 'deref', e: unary() }; }
    return primary();
  };
  const primary = (): Expr => {
    const t = eat();
    if (t.t === 'num') return { k: 'const', v: Number(t.v) | 0 };
    if (t.v === '(') { const e = expr(0); eat(')'); return e; }
    if (t.t === 'id') {
      if (peek()?.v === '(') {
        eat('(');
        const args: Expr[] = [];
        while (peek()?.v !== ')') { args.push(expr(0)); if (peek()?.v === ',') eat(','); }
        eat(')');
        const p = PURE[t.v];
        if (!p) throw new Error(`'${t.v}' is not a pure helper the model knows (in '${src}')`);
        if (p.arity !== args.length) throw new Error(`${t.v} takes ${p.arity} arguments (in '${src}')`);
        return { k: 'pure', fn: t.v, args };
      }
      return ident(t.v);
    }
    throw new Error(`unexpected '${t.v}' in C expression '${src}'`);
  };
  const expr = (minPrec: number): Expr => {
    let left = unary();
    for (;;) {
      const t = peek();
      if (!t) return left;
      if (t.v === '?' && minPrec === 0) {
        eat('?'); const a = expr(0); eat(':'); const b = expr(0);
        left = { k: 'cond', c: left, a, b };
        continue;
      }
      const p = PREC[t.v];
      if (t.t !== 'op' || p === undefined || p < minPrec) return left;
      i++;
      const right = expr(p + 1);
      left = { k: 'bin', op: t.v as BinOp, a: left, b: right };
    }
  };
  const e = expr(0);
  if (i !== toks.length) throw new Error(`trailing '${toks[i].v}' in C expression '${src}'`);
  return e;
}

// ---------------------------------------------------------------------------
// The builder: reference functions are written with it, close to the kernel C.

export type PointValue = string | number | boolean;

export class FnBuilder implements Scope {
  readonly code: Instr[] = [];
  readonly points: PointDecl[] = [];
  private readonly labels = new Map<string, number>();
  private readonly fixups: { at: number; label: string }[] = [];
  readonly locals: string[];

  constructor(
    readonly name: string,
    readonly kernel: string,
    readonly params: string[],
    locals: string[],
    private readonly config: Readonly<Record<string, PointValue>> = {},
  ) {
    this.locals = [...params, ...locals];
  }

  local(name: string): number | undefined {
    const i = this.locals.indexOf(name);
    return i < 0 ? undefined : i;
  }

  e(src: string): Expr { return parseExpr(src, this); }

  private lvalue(dst: string): LValue {
    if (dst.startsWith('*')) return { k: 'deref', e: this.e(dst.slice(1)) };
    const i = this.local(dst);
    if (i === undefined) throw new Error(`${this.name}: unknown local '${dst}'`);
    return { k: 'local', i, name: dst };
  }

  /** A variation point: its value in this build (the configured one, else the default). */
  point<T extends PointValue>(name: string, c: string, values: T[], def: T): T {
    this.points.push({ name, c, values, default: def });
    const full = `${this.name}.${name}`;
    const v = this.config[full] ?? this.config[name];
    if (v === undefined) return def;
    if (!values.some((x) => String(x) === String(v))) {
      throw new Error(`variation point ${full}: '${String(v)}' is not one of ${values.map(String).join(', ')}`);
    }
    return values.find((x) => String(x) === String(v)) as T;
  }

  label(name: string): void { this.labels.set(name, this.code.length); }

  assign(dst: string, src: string, c = `${dst} = ${src};`): void {
    this.code.push({ k: 'assign', dst: this.lvalue(dst), e: this.e(src), label: c });
  }

  prim(name: string, args: string[], dst?: string, c?: string): void {
    this.code.push({
      k: 'prim', name, args: args.map((a) => this.e(a)), dst: dst ? this.lvalue(dst) : undefined,
      label: c ?? `${dst ? `${dst} = ` : ''}${name}(${args.join(', ')});`,
    });
  }

  call(fn: string, args: string[], dst?: string, c?: string): void {
    this.code.push({
      k: 'call', fn, args: args.map((a) => this.e(a)), dst: dst ? this.lvalue(dst) : undefined,
      label: c ?? `${dst ? `${dst} = ` : ''}${fn}(${args.join(', ')});`,
    });
  }

  goto(label: string, c = `goto ${label};`, retry = false): void {
    this.fixups.push({ at: this.code.length, label });
    this.code.push({ k: 'jump', target: -1, label: c, retry });
  }

  /** if (cond) { then } else { otherwise } */
  if(cond: string, then: () => void, otherwise?: () => void, c = `if (${cond})`): void {
    const jf: Instr = { k: 'jump', cond: { k: 'un', op: '!', e: this.e(cond) }, target: -1, label: c };
    this.code.push(jf);
    then();
    if (otherwise) {
      const jend: Instr = { k: 'jump', target: -1, label: '} else {' };
      this.code.push(jend);
      jf.target = this.code.length;
      otherwise();
      jend.target = this.code.length;
    } else {
      jf.target = this.code.length;
    }
  }

  ret(src?: string, c = src === undefined ? 'return;' : `return ${src};`): void {
    this.code.push({ k: 'ret', e: src === undefined ? undefined : this.e(src), label: c });
  }

  choose(dst: string, name: string, values: number[], c: string): void {
    this.code.push({ k: 'choose', dst: this.lvalue(dst), name, values, label: c });
  }

  build(): Func {
    for (const f of this.fixups) {
      const at = this.labels.get(f.label);
      if (at === undefined) throw new Error(`${this.name}: goto to unknown label '${f.label}'`);
      (this.code[f.at] as { target: number }).target = at;
    }
    if (this.code.length === 0 || this.code[this.code.length - 1].k !== 'ret') this.ret();
    return { name: this.name, kernel: this.kernel, params: this.params, locals: this.locals, code: this.code, points: this.points };
  }
}

/** A reference function: its signature and a body that builds it for a configuration of its points. */
export interface FnDef {
  name: string;
  kernel: string;
  params: string[];
  locals: string[];
  body: (b: FnBuilder) => void;
}

export function compile(def: FnDef, config: Readonly<Record<string, PointValue>> = {}): Func {
  const b = new FnBuilder(def.name, def.kernel, def.params, def.locals, config);
  def.body(b);
  return b.build();
}
