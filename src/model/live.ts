// Dead locals. A local whose value no path from here reads before writing it is dead: two
// states that differ only there have the same futures. The VM zeroes a thread's dead locals
// after each of its steps (SPIN's dead variable elimination), so such states are stored once.
// The analysis is the classic backward one over each function's instructions. A local whose
// address is taken (&slot) may be read or written through a pointer by a callee or a
// primitive at any time, so it is never dead.
import type { Expr, Func, Instr, LValue } from './ir';

/** Adds the locals e reads to `uses`, and those it takes the address of to `taken`. */
function reads(e: Expr | undefined, uses: Set<number>, taken: Set<number>): void {
  if (!e) return;
  switch (e.k) {
    case 'const': return;
    case 'local': uses.add(e.i); return;
    case 'addr': taken.add(e.i); return;
    case 'deref': reads(e.e, uses, taken); return;
    case 'un': reads(e.e, uses, taken); return;
    case 'bin': reads(e.a, uses, taken); reads(e.b, uses, taken); return;
    case 'cond': reads(e.c, uses, taken); reads(e.a, uses, taken); reads(e.b, uses, taken); return;
  }
}

/** The local an instruction's result overwrites, or -1 (a store through a pointer kills nothing). */
function kills(dst: LValue | undefined): number {
  return dst?.k === 'local' ? dst.i : -1;
}

function destination(ins: Instr): LValue | undefined {
  return ins.k === 'jump' || ins.k === 'ret' ? undefined : ins.dst;
}

/** The instructions control may reach next from pc. */
function next(code: Instr[], pc: number): number[] {
  const ins = code[pc];
  if (ins.k === 'ret') return [];
  const fall = pc + 1 < code.length ? [pc + 1] : [];
  if (ins.k === 'jump') return ins.cond ? [ins.target, ...fall] : [ins.target];
  return fall;
}

/**
 * Per pc of f, the locals live on entry to instruction pc: read on some path from pc before
 * being written, or address-taken. A call's destination is written when the callee returns,
 * after its arguments are read, as a primitive's result is.
 */
export function liveIn(f: Func): { live: boolean[][]; taken: Set<number> } {
  const n = f.code.length;
  const width = f.locals.length;
  const uses: Set<number>[] = [];
  const taken = new Set<number>(f.inMemory ?? []);
  for (const ins of f.code) {
    const u = new Set<number>();
    if (ins.k === 'assign') reads(ins.e, u, taken);
    if (ins.k === 'prim' || ins.k === 'call') for (const a of ins.args) reads(a, u, taken);
    if (ins.k === 'jump') reads(ins.cond, u, taken);
    if (ins.k === 'ret') reads(ins.e, u, taken);
    const dst = destination(ins);
    if (dst?.k === 'deref') reads(dst.e, u, taken);
    uses.push(u);
  }
  const live = Array.from({ length: n }, () => new Array<boolean>(width).fill(false));
  for (let changed = true; changed;) {
    changed = false;
    for (let pc = n - 1; pc >= 0; pc--) {
      const out = new Array<boolean>(width).fill(false);
      for (const q of next(f.code, pc)) for (let i = 0; i < width; i++) if (live[q]?.[i]) out[i] = true;
      const killed = kills(destination(f.code[pc]));
      for (let i = 0; i < width; i++) {
        const v = uses[pc].has(i) || taken.has(i) || (out[i] && i !== killed);
        if (v && !live[pc][i]) { live[pc][i] = true; changed = true; }
      }
    }
  }
  return { live, taken };
}

/**
 * Per pc of f, the locals to zero in a frame of f that stands at pc: on top of the stack, the
 * locals dead on entry to pc; suspended under a callee (pc follows the call), also the call's
 * destination, which the return overwrites (unless its address is taken: the callee may
 * read it through a pointer).
 */
export function deadLocals(f: Func): { top: Int32Array[]; suspended: Int32Array[] } {
  const { live, taken } = liveIn(f);
  const width = f.locals.length;
  const top: Int32Array[] = [];
  const suspended: Int32Array[] = [];
  for (let pc = 0; pc < f.code.length; pc++) {
    const dead = [];
    for (let i = 0; i < width; i++) if (!live[pc][i]) dead.push(i);
    top.push(Int32Array.from(dead));
    const call = pc > 0 ? f.code[pc - 1] : undefined;
    const ret = call?.k === 'call' ? kills(call.dst) : -1;
    suspended.push(ret >= 0 && live[pc][ret] && !taken.has(ret) ? Int32Array.from([...dead, ret].sort((a, b) => a - b)) : top[pc]);
  }
  return { top, suspended };
}
