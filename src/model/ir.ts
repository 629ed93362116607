// The model's intermediate representation: the code a thread runs.
//
// Every modelled kernel function is a list of instructions over integer locals.
// A thread's continuation (function, pc, locals, call stack) lives in the packed
// state, so the explorer can hash and store it, and a C function taken from a
// patch can be compiled to the same instructions and run over the same
// primitives as the reference functions.
import * as C from '../c/expr';

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

export type Instr = InstrBody & {
  /** The line of the C source the instruction was lowered from (0-based), when it came from C. */
  at?: number;
};

type InstrBody =
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
  /** Locals that live in memory: the fields of a struct local, reached through a pointer to
   *  the struct, so no analysis may take them for dead. */
  inMemory?: number[];
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
  /** Our iomap is one integer: type | flags << 8 | length in pages << 12 | its first index << 22 (indexes below 0x400). */
  iomap_type: { arity: 1, f: (m) => m & 0xff, c: 'struct iomap .type' },
  iomap_flags: { arity: 1, f: (m) => (m >> 8) & 0xf, c: 'struct iomap .flags' },
  iomap_pages: { arity: 1, f: (m) => (m >>> 12) & 0x3ff, c: 'struct iomap .length >> PAGE_SHIFT' },
  iomap_offset: { arity: 1, f: (m) => m >>> 22, c: 'struct iomap .offset >> PAGE_SHIFT' },
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
// C expressions, so reference functions read like the kernel: src/c/expr.ts reads the
// syntax; lowering keeps what the IR has and names what it does not.

const UN_OPS: ReadonlySet<string> = new Set<UnOp>(['!', '~', '-']);
const BIN_OPS: ReadonlySet<string> = new Set<BinOp>([
  '||', '&&', '|', '^', '&', '==', '!=', '<', '>', '<=', '>=', '<<', '>>', '+', '-', '*', '/', '%',
]);

/** Resolves identifiers of an expression: locals of the function being built, then constants. */
export interface Scope { local(name: string): number | undefined }

export function parseExpr(src: string, scope: Scope): Expr {
  const ident = (name: string): Expr => {
    const l = scope.local(name);
    if (l !== undefined) return { k: 'local', i: l, name };
    if (name in K) return { k: 'const', v: K[name as ConstName] };
    throw new Error(`unknown identifier '${name}' in C expression '${src}'`);
  };
  const lower = (e: C.Expr): Expr => {
    switch (e.k) {
      // Exact 32-bit integers, as the IR computes: 0xffffffff is -1.
      case 'num': return { k: 'const', v: Number(BigInt.asIntN(32, e.value)) };
      case 'id': return ident(e.name);
      case 'cast': return lower(e.e);
      case 'cond': return { k: 'cond', c: lower(e.c), a: lower(e.t), b: lower(e.f) };
      case 'un':
        if (e.op === '*') return { k: 'deref', e: lower(e.e) };
        if (e.op === '&') {
          const l = e.e.k === 'id' ? scope.local(e.e.name) : undefined;
          if (l === undefined || e.e.k !== 'id') throw new Error(`&${C.show(e.e)}: not a local in '${src}'`);
          return { k: 'addr', i: l, name: e.e.name };
        }
        if (UN_OPS.has(e.op)) return { k: 'un', op: e.op as UnOp, e: lower(e.e) };
        break;
      case 'bin':
        if (BIN_OPS.has(e.op)) return { k: 'bin', op: e.op as BinOp, a: lower(e.l), b: lower(e.r) };
        break;
      case 'call': {
        const p = PURE[e.fn];
        if (!p) throw new Error(`'${e.fn}' is not a pure helper the model knows (in '${src}')`);
        if (p.arity !== e.args.length) throw new Error(`${e.fn} takes ${p.arity} arguments (in '${src}')`);
        return { k: 'pure', fn: e.fn, args: e.args.map(lower) };
      }
      case 'opaque':
        // The reader leaves an empty leaf where an operand is missing.
        if (e.text === '') throw new Error(`unexpected end of C expression '${src}'`);
        break;
      default: break;
    }
    throw new Error(`the model cannot compute '${C.show(e)}' (in C expression '${src}')`);
  };
  return lower(C.parseWholeExpr(src));
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
