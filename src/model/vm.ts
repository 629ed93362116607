// The interpreter: runs the IR of a thread inside the packed state.
//
// A thread's stack is part of the state: frames of [fn, pc, return pointer, caller
// frame, locals...]. Local instructions (assignments, jumps, calls, returns and
// invisible primitives) run inside the step that reaches them; a step is one
// visible primitive or choice plus the local code up to the next one.
import type { Transition } from './machine';
import { Status } from './machine';
import { evalBin, PURE, type Expr, type Func, type Instr, type LValue } from './ir';
import { FRAME, Layout, PTR_BASE, THREAD, TStatus } from './kernel/layout';
import { PRIMS, type Prim } from './kernel/prims';
import { Step } from './kernel/step';

/**
 * States are carved out of shared slabs: a fresh ArrayBuffer per state costs more than the
 * step that fills it. A state is a view of its own words (byteOffset and length say which).
 */
const SLAB_WORDS = 1 << 18;
let slab = new Int32Array(SLAB_WORDS);
let slabUsed = 0;

export function allocState(words: number): Int32Array {
  if (words > SLAB_WORDS) return new Int32Array(words);
  if (slabUsed + words > SLAB_WORDS) { slab = new Int32Array(SLAB_WORDS); slabUsed = 0; }
  const v = slab.subarray(slabUsed, slabUsed + words);
  slabUsed += words;
  return v;
}

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
  if (list.length > 0xffff) throw new Error('too many functions to link');
  for (const f of list) {
    if (f.code.length > 0xffff) throw new Error(`${f.name}: too many instructions`);
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

/** The functions reachable by calls from roots. */
export function reachableFuncs(prog: Program, roots: string[]): Func[] {
  const seen = new Set<number>();
  const work = roots.map((r) => prog.byName.get(r)).filter((i): i is number => i !== undefined);
  while (work.length) {
    const i = work.pop()!;
    if (seen.has(i)) continue;
    seen.add(i);
    for (const ins of prog.funcs[i].code) if (ins.k === 'call') work.push(prog.byName.get(ins.fn)!);
  }
  return [...seen].map((i) => prog.funcs[i]);
}

/** A compiled expression: (step, thread-relative offset of the frame's locals) -> value. */
type CExpr = (w: Step, fo: number) => number;

/** An instruction with its expressions compiled and its callee and primitive resolved. */
interface CInstr {
  ins: Instr;
  args: CExpr[];
  e?: CExpr;
  /** The thread-relative word a result goes to (-1 after a bad pointer). */
  dst?: CExpr;
  prim?: Prim;
  callee: number;
  target: number;
  argv: number[];
}

export class VM {
  private readonly code: CInstr[][];
  /** Kinds of state no primitive of the program writes: reads of them never race. */
  private readonly stable: Set<string>;

  /**
   * @param roots the functions the threads start in (what a scenario can reach)
   * @param reduce fold steps no other thread can tell apart (quiet reads, reads of state nobody
   *   writes, Lipton's atomic critical sections); off, every visible operation is its own step
   */
  constructor(readonly L: Layout, readonly prog: Program, readonly threadName: (t: number) => string, roots?: string[],
    private readonly reduce = true) {
    this.code = prog.funcs.map((f) => f.code.map((i) => this.compileInstr(i)));
    const written = new Set<string>();
    for (const f of reachableFuncs(prog, roots ?? prog.funcs.map((g) => g.name))) {
      for (const i of f.code) if (i.k === 'prim') for (const k of prog.prims[i.name].writesTo ?? []) written.add(k);
    }
    this.stable = new Set(Object.values(prog.prims).map((p) => p.readsOnly).filter((k): k is string => !!k && !written.has(k)));
  }

  private base(t: number): number { return this.L.thread(t); }
  private sp(s: Int32Array, t: number): number { return s[this.base(t) + THREAD.SP]; }

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
    s[b + sp + FRAME.CODE] = id << 16;
    s[b + sp + FRAME.LINKS] = 0;
    args.forEach((a, i) => { s[b + sp + FRAME.LOCALS + i] = a; });
  }

  // --- expressions, compiled once per program into closures ---------------------
  //
  // A compiled expression takes the step and the thread-relative offset of the current
  // frame's locals; pointers are thread-relative offsets + PTR_BASE.

  private compileExpr(e: Expr): CExpr {
    switch (e.k) {
      case 'const': { const v = e.v; return () => v; }
      case 'local': { const i = e.i; return (w, fo) => w.s[w.base + fo + i]; }
      case 'addr': { const i = e.i; return (_w, fo) => PTR_BASE + fo + i; }
      case 'deref': {
        const p = this.compileExpr(e.e);
        return (w, fo) => { const off = this.deref(w, p(w, fo)); return off < 0 ? 0 : w.s[w.base + off]; };
      }
      case 'un': {
        const a = this.compileExpr(e.e);
        if (e.op === '!') return (w, fo) => (a(w, fo) ? 0 : 1);
        if (e.op === '~') return (w, fo) => ~a(w, fo);
        return (w, fo) => -a(w, fo) | 0;
      }
      case 'bin': {
        const a = this.compileExpr(e.a);
        const b = this.compileExpr(e.b);
        const op = e.op;
        if (op === '&&') return (w, fo) => (a(w, fo) ? (b(w, fo) ? 1 : 0) : 0);
        if (op === '||') return (w, fo) => (a(w, fo) ? 1 : (b(w, fo) ? 1 : 0));
        if (op === '&') return (w, fo) => a(w, fo) & b(w, fo);
        if (op === '|') return (w, fo) => a(w, fo) | b(w, fo);
        if (op === '==') return (w, fo) => (a(w, fo) === b(w, fo) ? 1 : 0);
        if (op === '!=') return (w, fo) => (a(w, fo) !== b(w, fo) ? 1 : 0);
        return (w, fo) => evalBin(op, a(w, fo), b(w, fo));
      }
      case 'cond': {
        const c = this.compileExpr(e.c);
        const a = this.compileExpr(e.a);
        const b = this.compileExpr(e.b);
        return (w, fo) => (c(w, fo) ? a(w, fo) : b(w, fo));
      }
      case 'pure': {
        const f = PURE[e.fn];
        if (!f) throw new Error(`unknown pure helper ${e.fn}`);
        const args = e.args.map((x) => this.compileExpr(x));
        if (args.length === 1) { const [a] = args; return (w, fo) => f.f(a(w, fo)) | 0; }
        if (args.length === 2) { const [a, b] = args; return (w, fo) => f.f(a(w, fo), b(w, fo)) | 0; }
        return (w, fo) => f.f(...args.map((a) => a(w, fo))) | 0;
      }
    }
  }

  private compileLValue(lv: LValue): CExpr {
    if (lv.k === 'local') { const i = lv.i; return (_w, fo) => fo + i; }
    const p = this.compileExpr(lv.e);
    return (w, fo) => this.deref(w, p(w, fo));
  }

  private compileInstr(ins: Instr): CInstr {
    const c: CInstr = { ins, args: [], target: -1, callee: -1, argv: [] };
    switch (ins.k) {
      case 'assign': c.e = this.compileExpr(ins.e); c.dst = this.compileLValue(ins.dst); break;
      case 'prim': c.args = ins.args.map((a) => this.compileExpr(a)); c.prim = this.prog.prims[ins.name]; if (ins.dst) c.dst = this.compileLValue(ins.dst); break;
      case 'call': {
        c.args = ins.args.map((a) => this.compileExpr(a));
        if (ins.dst) c.dst = this.compileLValue(ins.dst);
        c.callee = this.prog.byName.get(ins.fn)!;
        break;
      }
      case 'jump': if (ins.cond) c.e = this.compileExpr(ins.cond); c.target = ins.target; break;
      case 'ret': if (ins.e) c.e = this.compileExpr(ins.e); break;
      case 'choose': c.dst = this.compileLValue(ins.dst); break;
    }
    c.argv = new Array<number>(c.args.length).fill(0);
    return c;
  }

  private deref(w: Step, p: number): number {
    const off = p - PTR_BASE;
    if (off < 0 || off >= this.L.threadStride) {
      w.commit(p === 0 ? 'null-deref' : 'assertion', `dereference of ${p === 0 ? 'NULL' : 'a pointer the model does not know'}`);
      return -1;
    }
    return off;
  }

  /** The thread-relative offset of the current frame's locals. */
  private fo(s: Int32Array, t: number): number { return this.sp(s, t) + FRAME.LOCALS; }

  /** The argument values of a call. Primitives do not keep their arguments, so each
   *  instruction reuses one array. */
  private args(w: Step, c: CInstr): number[] {
    const fo = this.fo(w.s, w.t);
    const out = c.argv;
    for (let i = 0; i < c.args.length; i++) out[i] = c.args[i](w, fo);
    return out;
  }

  // --- control ---------------------------------------------------------------


  /** The instruction thread t stands at, or undefined when it is done. */
  current(s: Int32Array, t: number): { fn: Func; ins: Instr } | undefined {
    const c = this.at_(s, t);
    return c && { fn: this.prog.funcs[c.fnId], ins: c.c.ins };
  }

  private at_(s: Int32Array, t: number): { fnId: number; c: CInstr } | undefined {
    const b = this.base(t);
    if (s[b + THREAD.STATUS] === TStatus.Done) return undefined;
    const sp = s[b + THREAD.SP];
    const code = s[b + sp + FRAME.CODE];
    const fnId = code >>> 16;
    return { fnId, c: this.code[fnId][code & 0xffff] };
  }

  private push(w: Step, callee: number, args: number[], ret: number): void {
    const b = this.base(w.t);
    const sp = this.sp(w.s, w.t);
    const caller = this.prog.funcs[w.s[b + sp + FRAME.CODE] >>> 16];
    const nsp = sp + FRAME.LOCALS + caller.locals.length;
    const f = this.prog.funcs[callee];
    if (nsp + FRAME.LOCALS + f.locals.length > this.L.threadStride) {
      w.commit('assertion', `call depth too large: the stack of ${this.threadName(w.t)} overflows at ${f.name}`);
      return;
    }
    w.s[b + nsp + FRAME.CODE] = callee << 16;
    w.s[b + nsp + FRAME.LINKS] = ((ret + 1) << 16) | (sp + 1);
    for (let i = 0; i < f.locals.length; i++) w.s[b + nsp + FRAME.LOCALS + i] = i < args.length ? args[i] : 0;
    w.s[b + THREAD.SP] = nsp;
  }

  private pop(w: Step, value: number): void {
    const b = this.base(w.t);
    const sp = this.sp(w.s, w.t);
    const f = this.prog.funcs[w.s[b + sp + FRAME.CODE] >>> 16];
    const links = w.s[b + sp + FRAME.LINKS];
    const ret = (links >>> 16) - 1;
    const link = (links & 0xffff) - 1;
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

  private isVisible(w: Step, c: CInstr): boolean {
    if (c.ins.k === 'choose') return true;
    const p = c.prim;
    if (p === undefined || !p.visible) return false;
    if (!this.reduce) return true;
    if (p.readsOnly !== undefined && this.stable.has(p.readsOnly)) return false;
    return !(p.quiet && p.quiet(w));
  }

  /** Runs local instructions until the thread stands at a visible one or is done. */
  advance(w: Step): void {
    for (let n = 0; ; n++) {
      if (n > LOCAL_STEP_LIMIT) { w.commit('livelock', `${this.threadName(w.t)} loops without a visible step`); return; }
      const cur = this.at_(w.s, w.t);
      if (!cur) return;
      if (this.isVisible(w, cur.c)) return;
      this.exec(w, cur.c, 0);
      if (w.fault && w.fault.kind === 'assertion' && /stack|pointer/.test(w.fault.message)) return;
    }
  }

  /** Executes one instruction (its outcome `choice` when it branches). */
  private exec(w: Step, c: CInstr, choice: number): void {
    const s = w.s;
    const pc = w.base + s[w.base + THREAD.SP] + FRAME.CODE;
    const fo = this.fo(s, w.t);
    const ins = c.ins;
    switch (ins.k) {
      case 'assign': {
        const v = c.e!(w, fo);
        const a = c.dst!(w, fo);
        if (a >= 0) s[w.base + a] = v;
        s[pc]++;
        return;
      }
      case 'jump': {
        const taken = c.e === undefined || c.e(w, fo) !== 0;
        if (taken && ins.retry) w.retried = true;
        s[pc] = taken ? (s[pc] & ~0xffff) | c.target : s[pc] + 1;
        return;
      }
      case 'call': {
        const args = this.args(w, c);
        const ret = c.dst ? c.dst(w, fo) : -1;
        s[pc]++;
        this.push(w, c.callee, args, ret);
        return;
      }
      case 'ret': {
        this.pop(w, c.e ? c.e(w, fo) : 0);
        return;
      }
      case 'choose': {
        const a = c.dst!(w, fo);
        if (a >= 0) s[w.base + a] = ins.values[choice];
        s[pc]++;
        return;
      }
      case 'prim': {
        const p = c.prim!;
        const args = this.args(w, c);
        if (p.mightSleep && (w.holdsTreeLock() || s[w.base + THREAD.PREEMPT] > 0)) {
          w.commit('sleep-in-atomic', `${ins.name}() may sleep with ${w.holdsTreeLock() ? 'mapping->tree_lock held' : 'preemption disabled'}`);
        }
        const v = p.run(w, args, choice);
        if (c.dst) { const a = c.dst(w, fo); if (a >= 0) s[w.base + a] = v; }
        s[pc]++;
        return;
      }
    }
  }

  status(s: Int32Array, t: number): Status {
    const cur = this.at_(s, t);
    if (!cur) return Status.Done;
    const p = cur.c.prim;
    if (p && p.blocked) {
      const w = this.probe(s, t);
      if (p.blocked(w, this.args(w, cur.c))) return Status.Blocked;
    }
    return Status.Runnable;
  }

  /** Every successor of thread t's next visible step. */
  successors(s: Int32Array, t: number): Transition[] {
    const cur = this.at_(s, t);
    if (!cur || this.status(s, t) !== Status.Runnable) return [];
    const { c } = cur;
    const fn = this.prog.funcs[cur.fnId];
    const ins = c.ins;
    let outcomes: (string | undefined)[] = [undefined];
    if (ins.k === 'choose') outcomes = ins.values.map((v) => `${ins.name} = ${v}`);
    else if (c.prim?.choices) {
      const w = this.probe(s, t);
      const names = c.prim.choices(w, this.args(w, c));
      if (names) outcomes = names;
    }
    const out: Transition[] = [];
    for (let i = 0; i < outcomes.length; i++) {
      const copy = allocState(s.length);
      copy.set(s);
      const w = new Step(this.L, copy, t, this.threadName);
      let main: { fn: string; label: string } | undefined;
      let moved = this.mover(c);
      if (moved === 'none') main = { fn: fn.name, label: ins.label };
      this.exec(w, c, i);
      this.advance(w);
      // Lipton reduction: a lock acquire moves right, a release left, so one step may run
      // acquires, then at most one other visible operation, then releases: no other thread
      // can tell the difference. The step is named after that operation.
      let phase: 'acquire' | 'release' = moved === 'right' ? 'acquire' : 'release';
      while (this.reduce && !w.fault) {
        const next = this.at_(w.s, t);
        if (!next || !this.mergeable(w, next.c)) break;
        moved = this.mover(next.c);
        if (phase === 'release' && moved !== 'left') break;
        if (moved === 'none') { phase = 'release'; main = { fn: this.prog.funcs[next.fnId].name, label: next.c.ins.label }; }
        if (moved === 'left') phase = 'release';
        this.exec(w, next.c, 0);
        this.advance(w);
      }
      out.push(new Step_(t, w, main?.fn ?? fn.name, main?.label ?? ins.label, outcomes[i]));
    }
    return out;
  }

  /** A step for reading a state (guards, choices): never kept, never stepped. */
  private probe(s: Int32Array, t: number): Step {
    return new Step(this.L, s, t, this.threadName);
  }

  private mover(c: CInstr): 'right' | 'left' | 'none' {
    return c.prim?.mover ?? 'none';
  }

  /** Whether the next visible operation may run inside the current step: not a choice, and
   *  not one that would block. */
  private mergeable(w: Step, c: CInstr): boolean {
    if (c.ins.k === 'choose') return false;
    const p = c.prim;
    if (!p) return false;
    if (p.choices && p.choices(w, this.args(w, c))) return false;
    if (p.blocked && p.blocked(w, this.args(w, c))) return false;
    return true;
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
    for (let sp = this.sp(s, t); sp >= 0; sp = (s[this.base(t) + sp + FRAME.LINKS] & 0xffff) - 1) {
      out.unshift(this.prog.funcs[s[this.base(t) + sp + FRAME.CODE] >>> 16].name);
    }
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

