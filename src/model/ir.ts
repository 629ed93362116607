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

export type Instr = InstrBody & {
  /** The line of the C source the instruction's statement starts on (0-based), when it came from C. */
  at?: number;
  /** The line its statement (or condition) ends on. */
  to?: number;
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

/** The value of a variation point (src/model/core/points.ts). */
export type PointValue = string | number | boolean;
