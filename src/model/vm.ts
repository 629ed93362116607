// The interpreter: runs the IR of a thread inside the packed state.
//
// A thread's stack is part of the state: frames of [fn, pc, return pointer, caller
// frame, locals...]. Local instructions (assignments, jumps, calls, returns and
// invisible primitives) run inside the step that reaches them; a step is one
// visible primitive or choice plus the local code up to the next one.
import type { Transition } from './machine';
import { Status } from './machine';
import { evalBin, evalPure, type Expr, type Func, type Instr, type LValue } from './ir';
import { FRAME, G, Layout, PTR_BASE, THREAD, TStatus } from './kernel/layout';
import { PRIMS, type Prim } from './kernel/prims';
import { Step } from './kernel/step';

/** Local instructions a step may run before it is a local loop (a fault in the modelled code). */
const LOCAL_STEP_LIMIT = 10000;

/** Functions linked together: calls resolve by name. */
export interface Program {
  funcs: Func[];
  byName: Map<string, number>;
  prims: Record<string, Prim>;
}

/** Links functions; a function named twice takes the last definition (a substitution). */
export function link(funcs: Func[], prims: Record<string, Prim> = PRIMS): Program {
  const byName = new Map<string, number>();
  const list: Func[] = [];
  for (const f of funcs) {
    const at = byName.get(f.name);
    if (at === undefined) { byName.set(f.name, list.length); list.push(f); } else list[at] = f;
  }
  for (const f of list) {
    for (const ins of f.code) {
      if (ins.k === 'call') {
        const g = byName.get(ins.fn);
        if (g === undefined) throw new Error(`${f.name}: calls ${ins.fn}, which the model does not define`);
        if (list[g].params.length !== ins.args.length) throw new Error(`${f.name}: ${ins.fn} takes ${list[g].params.length} arguments, given ${ins.args.length}`);
      } else if (ins.k === 'prim') {
        const p = prims[ins.name];
        if (!p) throw new Error(`${f.name}: unknown primitive ${ins.name}`);
        if (p.arity !== ins.args.length) throw new Error(`${f.name}: ${ins.name} takes ${p.arity} arguments, given ${ins.args.length}`);
      }
    }
  }
  return { funcs: list, byName, prims };
}

export function maxFrame(prog: Program): number {
  return Math.max(...prog.funcs.map((f) => FRAME.LOCALS + f.locals.length));
}

export class VM {
  constructor(readonly L: Layout, readonly prog: Program, readonly threadName: (t: number) => string) {}

  private base(t: number): number { return this.L.thread(t); }
  private sp(s: Int32Array, t: number): number { return s[this.base(t) + THREAD.SP]; }
  private frameFn(s: Int32Array, t: number): Func { return this.prog.funcs[s[this.base(t) + this.sp(s, t) + FRAME.FN]]; }

  /** Starts thread t in fn(args): its first frame. */
  start(s: Int32Array, t: number, fn: string, args: number[]): void {
    const id = this.prog.byName.get(fn);
    if (id === undefined) throw new Error(`thread program: unknown function ${fn}`);
    const f = this.prog.funcs[id];
    if (f.params.length !== args.length) throw new Error(`thread program: ${fn} takes ${f.params.length} arguments`);
    const b = this.base(t);
    const sp = THREAD.STACK;
    s[b + THREAD.STATUS] = TStatus.Running;
    s[b + THREAD.SP] = sp;
    s[b + sp + FRAME.FN] = id;
    s[b + sp + FRAME.PC] = 0;
    s[b + sp + FRAME.RET] = -1;
    s[b + sp + FRAME.LINK] = -1;
    args.forEach((a, i) => { s[b + sp + FRAME.LOCALS + i] = a; });
  }

  // --- expressions -----------------------------------------------------------

  private localAddr(s: Int32Array, t: number, i: number): number { return this.sp(s, t) + FRAME.LOCALS + i; }

  private deref(w: Step, p: number): number {
    const off = p - PTR_BASE;
    if (off < 0 || off >= this.L.threadStride) {
      w.commit(p === 0 ? 'null-deref' : 'assertion', `dereference of ${p === 0 ? 'NULL' : 'a pointer the model does not know'}`);
      return -1;
    }
    return off;
  }

  eval(w: Step, e: Expr): number {
    const s = w.s;
    switch (e.k) {
      case 'const': return e.v;
      case 'local': return s[this.base(w.t) + this.localAddr(s, w.t, e.i)];
      case 'addr': return PTR_BASE + this.localAddr(s, w.t, e.i);
      case 'deref': { const off = this.deref(w, this.eval(w, e.e)); return off < 0 ? 0 : s[this.base(w.t) + off]; }
      case 'un': {
        const v = this.eval(w, e.e);
        return e.op === '!' ? (v ? 0 : 1) : e.op === '~' ? ~v : -v | 0;
      }
      case 'bin': {
        if (e.op === '&&') return this.eval(w, e.a) ? (this.eval(w, e.b) ? 1 : 0) : 0;
        if (e.op === '||') return this.eval(w, e.a) ? 1 : (this.eval(w, e.b) ? 1 : 0);
        return evalBin(e.op, this.eval(w, e.a), this.eval(w, e.b));
      }
      case 'cond': return this.eval(w, e.c) ? this.eval(w, e.a) : this.eval(w, e.b);
      case 'pure': return evalPure(e.fn, e.args.map((a) => this.eval(w, a)));
    }
  }

  /** The thread-relative word an lvalue names. */
  private lvalueAddr(w: Step, lv: LValue): number {
    if (lv.k === 'local') return this.localAddr(w.s, w.t, lv.i);
    return this.deref(w, this.eval(w, lv.e));
  }

  private store(w: Step, addr: number, v: number): void {
    if (addr >= 0) w.s[this.base(w.t) + addr] = v;
  }

  // --- control ---------------------------------------------------------------

  private pcAddr(s: Int32Array, t: number): number { return this.base(t) + this.sp(s, t) + FRAME.PC; }

  /** The instruction thread t stands at, or undefined when it is done. */
  current(s: Int32Array, t: number): { fn: Func; ins: Instr } | undefined {
    if (s[this.base(t) + THREAD.STATUS] === TStatus.Done) return undefined;
    const fn = this.frameFn(s, t);
    return { fn, ins: fn.code[s[this.pcAddr(s, t)]] };
  }

  private push(w: Step, callee: number, args: number[], ret: number): void {
    const b = this.base(w.t);
    const sp = this.sp(w.s, w.t);
    const caller = this.prog.funcs[w.s[b + sp + FRAME.FN]];
    const nsp = sp + FRAME.LOCALS + caller.locals.length;
    const f = this.prog.funcs[callee];
    if (nsp + FRAME.LOCALS + f.locals.length > this.L.threadStride) {
      w.commit('assertion', `call depth too large: the stack of ${this.threadName(w.t)} overflows at ${f.name}`);
      return;
    }
    w.s[b + nsp + FRAME.FN] = callee;
    w.s[b + nsp + FRAME.PC] = 0;
    w.s[b + nsp + FRAME.RET] = ret;
    w.s[b + nsp + FRAME.LINK] = sp;
    for (let i = 0; i < f.locals.length; i++) w.s[b + nsp + FRAME.LOCALS + i] = i < args.length ? args[i] : 0;
    w.s[b + THREAD.SP] = nsp;
  }

  private pop(w: Step, value: number): void {
    const b = this.base(w.t);
    const sp = this.sp(w.s, w.t);
    const f = this.prog.funcs[w.s[b + sp + FRAME.FN]];
    const ret = w.s[b + sp + FRAME.RET];
    const link = w.s[b + sp + FRAME.LINK];
    w.s.fill(0, b + sp, b + sp + FRAME.LOCALS + f.locals.length);
    if (link < 0) {
      w.s[b + THREAD.STATUS] = TStatus.Done;
      w.s[b + THREAD.SP] = 0;
      w.s[b + THREAD.RETVAL] = value;
      if (w.holdsTreeLock()) w.commit('lock-imbalance', `${this.threadName(w.t)} returns holding mapping->tree_lock`);
      if (w.s[b + THREAD.PREEMPT] !== 0) w.commit('lock-imbalance', `${this.threadName(w.t)} returns with preemption disabled (radix_tree_preload() without radix_tree_preload_end())`);
      return;
    }
    w.s[b + THREAD.SP] = link;
    if (ret >= 0) w.s[b + ret] = value;
  }

  private isVisible(w: Step, ins: Instr): boolean {
    if (ins.k === 'choose') return true;
    if (ins.k !== 'prim') return false;
    const p = this.prog.prims[ins.name];
    return p.visible && !(p.quiet && p.quiet(w));
  }

  /** Runs local instructions until the thread stands at a visible one or is done. */
  advance(w: Step): void {
    for (let n = 0; ; n++) {
      if (n > LOCAL_STEP_LIMIT) { w.commit('livelock', `${this.threadName(w.t)} loops without a visible step`); return; }
      const cur = this.current(w.s, w.t);
      if (!cur) return;
      const { ins } = cur;
      if (this.isVisible(w, ins)) return;
      this.exec(w, ins, 0);
      if (w.fault && w.fault.kind === 'assertion' && /stack|pointer/.test(w.fault.message)) return;
    }
  }

  /** Executes one instruction (its outcome `choice` when it branches). */
  private exec(w: Step, ins: Instr, choice: number): void {
    const pc = this.pcAddr(w.s, w.t);
    switch (ins.k) {
      case 'assign': {
        const v = this.eval(w, ins.e);
        this.store(w, this.lvalueAddr(w, ins.dst), v);
        w.s[pc]++;
        return;
      }
      case 'jump': {
        const taken = ins.cond === undefined || this.eval(w, ins.cond) !== 0;
        if (taken && ins.retry) w.retried = true;
        w.s[pc] = taken ? ins.target : w.s[pc] + 1;
        return;
      }
      case 'call': {
        const args = ins.args.map((a) => this.eval(w, a));
        const ret = ins.dst ? this.lvalueAddr(w, ins.dst) : -1;
        w.s[pc]++;
        this.push(w, this.prog.byName.get(ins.fn)!, args, ret);
        return;
      }
      case 'ret': {
        const v = ins.e ? this.eval(w, ins.e) : 0;
        this.pop(w, v);
        return;
      }
      case 'choose': {
        this.store(w, this.lvalueAddr(w, ins.dst), ins.values[choice]);
        w.s[pc]++;
        return;
      }
      case 'prim': {
        const p = this.prog.prims[ins.name];
        const args = ins.args.map((a) => this.eval(w, a));
        if (p.mightSleep && (w.holdsTreeLock() || w.s[w.base + THREAD.PREEMPT] > 0)) {
          w.commit('sleep-in-atomic', `${ins.name}() may sleep with ${w.holdsTreeLock() ? 'mapping->tree_lock held' : 'preemption disabled'}`);
        }
        const v = p.run(w, args, choice);
        if (ins.dst) this.store(w, this.lvalueAddr(w, ins.dst), v);
        w.s[pc]++;
        return;
      }
    }
  }

  private primArgs(s: Int32Array, t: number, ins: Instr & { k: 'prim' }): number[] {
    const w = new Step(this.L, s, t, this.threadName);
    return ins.args.map((a) => this.eval(w, a));
  }

  status(s: Int32Array, t: number): Status {
    const cur = this.current(s, t);
    if (!cur) return Status.Done;
    const { ins } = cur;
    if (ins.k === 'prim') {
      const p = this.prog.prims[ins.name];
      if (p.blocked && p.blocked(new Step(this.L, s, t, this.threadName), this.primArgs(s, t, ins))) return Status.Blocked;
    }
    return Status.Runnable;
  }

  /** Every successor of thread t's next visible step. */
  successors(s: Int32Array, t: number): Transition[] {
    const cur = this.current(s, t);
    if (!cur || this.status(s, t) !== Status.Runnable) return [];
    const { fn, ins } = cur;
    let outcomes: (string | undefined)[] = [undefined];
    if (ins.k === 'choose') outcomes = ins.values.map((v) => `${ins.name} = ${v}`);
    else if (ins.k === 'prim') {
      const p = this.prog.prims[ins.name];
      const c = p.choices?.(new Step(this.L, s, t, this.threadName), this.primArgs(s, t, ins));
      if (c) outcomes = c;
    }
    return outcomes.map((choice, i) => {
      const w = new Step(this.L, s.slice(), t, this.threadName);
      this.exec(w, ins, i);
      this.advance(w);
      return new Step_(t, w, fn.name, ins.label, choice);
    });
  }

  /** Where thread t stands, in words. */
  at(s: Int32Array, t: number): string {
    const cur = this.current(s, t);
    return cur ? `${cur.fn.name}: ${cur.ins.label}` : 'done';
  }

  /** Names of the functions on thread t's stack, outermost first. */
  stack(s: Int32Array, t: number): string[] {
    if (s[this.base(t) + THREAD.STATUS] === TStatus.Done) return [];
    const out: string[] = [];
    for (let sp = this.sp(s, t); sp >= 0; sp = s[this.base(t) + sp + FRAME.LINK]) out.unshift(this.prog.funcs[s[this.base(t) + sp + FRAME.FN]].name);
    return out;
  }
}

/** A Transition whose note is built only when read (traces read it; the search does not). */
class Step_ implements Transition {
  readonly state: Int32Array;
  readonly reads: readonly number[];
  readonly writes: readonly number[];
  readonly progress: boolean;
  readonly fault: Transition['fault'];
  readonly source: Transition['source'];
  private readonly notes: (() => string)[];

  constructor(readonly thread: number, w: Step, readonly fn: string, readonly label: string, readonly choice: string | undefined) {
    this.state = w.s;
    this.reads = w.reads;
    this.writes = w.writes;
    this.progress = !w.retried;
    this.fault = w.fault;
    this.notes = w.notes;
    this.source = { fn, c: label };
  }

  get note(): string { return this.notes.map((n) => n()).join('; '); }

  toJSON(): Omit<Transition, 'state'> & { state: number[] } {
    const { thread, fn, label, note, source, reads, writes, progress, fault, choice } = this;
    return { thread, state: Array.from(this.state), fn, label, note, source, reads, writes, progress, fault, choice };
  }
}

export { G };
