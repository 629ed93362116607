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
  /** Jump to target when cond is true (or always, without cond). A backward jump closes a loop:
   *  steps that start inside it make no progress (vm.ts). */
  | { k: 'jump'; cond?: Expr; target: number; label: string }
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
