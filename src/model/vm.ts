// The VM: runs the IR of a thread inside the packed state.
//
// A thread's stack is part of the state: frames of [fn, pc, return pointer, caller
// frame, locals...]. Local instructions (assignments, jumps, calls, returns and
// invisible primitives) run inside the step that reaches them; a step is one
// visible primitive or choice plus the local code up to the next one. Each function's
// code runs as one generated JavaScript function (its runner); the instruction
// interpreter is the reference and runs what a runner does not express.
import type { Move, Moves, Transition } from './machine';
import { Status } from './machine';
import { evalBin, type BinOp, type Expr, type Func, type Instr, type LValue } from './ir';
import { FRAME, Layout, PTR_BASE, THREAD, TStatus } from './kernel/layout';
import type { Prim } from './objects/object';
import { cachesOn } from './caches';
import { FootprintTable, noteText, Step, StepRecord } from './kernel/step';
import { deadLocals } from './live';
import { entry, Recorder, StepMemo, type Entry } from './memo';

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

/**
 * Steps a VM takes in the instruction interpreter before it builds its runners. A runner is
 * generated source the engine compiles and warms up on its own, which costs a short search
 * (a first counterexample, a hunk's simulation) more than it gains; a long one pays it back
 * many times. Runners and interpreter take exactly the same steps (test/unit/model/runner.test.ts).
 */
const RUNNERS_AFTER = 50000;

/** Functions linked together: calls resolve by name. */
export interface Program {
  funcs: Func[];
  byName: Map<string, number>;
  prims: Readonly<Record<string, Prim>>;
  /** What the era's objects say about a thread's context. */
  hooks: VmHooks;
}

/** Links functions; a function named twice takes the last definition (a substitution). */
/**
 * What the VM asks an era's objects, since it knows no kernel lock: whether a thread is in
 * atomic context (where a primitive that may sleep is a fault), and what a thread returning
 * from its entry point must not still hold.
 */
export interface VmHooks {
  /** Why the step's thread is in atomic context ("mapping->tree_lock held"), or null. */
  atomic(w: Step): string | null;
  /** What the step's thread, returning from its entry point, still holds ("returns holding ..."), or null. */
  heldOnReturn(w: Step): string | null;
}

/** A program of functions over a world's primitives and context hooks (model/index.ts's link()
 *  gives the objects' own). Calls resolve by name; a later function of the same name wins. */
export function linkWith(funcs: Func[], prims: Readonly<Record<string, Prim>>, hooks: VmHooks): Program {
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
  return { funcs: list, byName, prims, hooks };
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
export type CExpr = (w: Step, fo: number) => number;

/** Instruction kinds, as small integers for the interpreter's switch. */
const enum Op { Assign, Prim, Call, Jump, Ret, Choose }
const OPS: Record<Instr['k'], Op> = { assign: Op.Assign, prim: Op.Prim, call: Op.Call, jump: Op.Jump, ret: Op.Ret, choose: Op.Choose };

/** Whether an instruction is a step of its own: never, always, or unless its primitive is quiet. */
const enum Vis { Local, Visible, UnlessQuiet }

/** An instruction with its expressions compiled and its callee and primitive resolved. */
/** Marks the instructions of each loop (from a jump's target back to the jump: a `goto
 *  restart`, a for or while loop's back edge). A thread's state can repeat only by going
 *  round one, so a cycle of the state graph is made of such steps alone. */
function markLoops(code: CInstr[]): CInstr[] {
  for (const c of code) {
    if (c.op !== Op.Jump || c.target > c.pc) continue;
    for (let pc = c.target; pc <= c.pc; pc++) code[pc].inLoop = true;
  }
  return code;
}

interface CInstr {
  ins: Instr;
  op: Op;
  /** Its index in its function's code. */
  pc: number;
  /** The function the instruction belongs to, and its name. */
  fnId: number;
  fnName: string;
  /** A choice's outcomes, as a transition names them ("name = value"). */
  outcomes?: string[];
  vis: Vis;
  mover: 'right' | 'left' | 'none';
  args: CExpr[];
  e?: CExpr;
  /** The thread-relative word a result goes to (-1 after a bad pointer). */
  dst?: CExpr;
  /** The local a result goes to, when it goes to a local (the interpreter then need not call dst); else -1. */
  dstLocal: number;
  /** Per argument, how the interpreter reads it without calling its generated function: the
   *  local's index (>= 0), ARG_CONST (the value is in argConst), or ARG_EXPR (call args[i]). */
  argLocal: number[];
  argConst: number[];
  prim?: Prim;
  /** The primitive's members, copied so every instruction has one shape (primitives differ in
   *  which members they have, and reading them would be a megamorphic load). */
  run?: Prim['run'];
  quiet?: Prim['quiet'];
  blocked?: Prim['blocked'];
  /** Whether blocked() reads its arguments (a guard such as spin_lock_irq's reads the state only). */
  blockedArgs: boolean;
  choices?: Prim['choices'];
  mightSleep: boolean;
  /** The C statement (Instr.label), a choice's values. */
  label: string;
  /** Whether the instruction lies inside a loop (between a jump's target and the jump back
   *  to it): a step that starts there may be going round the loop, so it is no progress. */
  inLoop: boolean;
  values?: number[];
  callee: number;
  target: number;
  argv: number[];
}

/**
 * Expressions are compiled once per program into JavaScript functions: the expression tree
 * becomes one function body, so a step evaluates `entry & RADIX_DAX_PMD` as the engine's own
 * arithmetic instead of walking objects. The source is generated from the IR alone (numbers
 * and the operators of BinOp/UnOp); names of locals and helpers never enter it.
 */
const BIN_JS: Record<BinOp, (a: string, b: string) => string> = {
  '||': (a, b) => `((${a}) ? 1 : ((${b}) ? 1 : 0))`,
  '&&': (a, b) => `((${a}) ? ((${b}) ? 1 : 0) : 0)`,
  '|': (a, b) => `((${a}) | (${b}))`,
  '^': (a, b) => `((${a}) ^ (${b}))`,
  '&': (a, b) => `((${a}) & (${b}))`,
  '==': (a, b) => `((${a}) === (${b}) ? 1 : 0)`,
  '!=': (a, b) => `((${a}) !== (${b}) ? 1 : 0)`,
  '<': (a, b) => `((${a}) < (${b}) ? 1 : 0)`,
  '>': (a, b) => `((${a}) > (${b}) ? 1 : 0)`,
  '<=': (a, b) => `((${a}) <= (${b}) ? 1 : 0)`,
  '>=': (a, b) => `((${a}) >= (${b}) ? 1 : 0)`,
  '<<': (a, b) => `((${a}) << (${b}))`,
  '>>': (a, b) => `((${a}) >> (${b}))`,
  '+': (a, b) => `(((${a}) + (${b})) | 0)`,
  '-': (a, b) => `(((${a}) - (${b})) | 0)`,
  '*': (a, b) => `Math.imul(${a}, ${b})`,
  '/': (a, b) => `H.bin("/", ${a}, ${b})`,
  '%': (a, b) => `H.bin("%", ${a}, ${b})`,
};

function num(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`IR constant ${String(v)} is not a number`);
  return `(${String(v)})`;
}

/** How generated code reads local i: through the step, or through the frame's absolute base `F`. */
const LOCAL_VIA_STEP = (i: number): string => `w.s[w.base + fo + ${num(i)}]`;
const LOCAL_VIA_FRAME = (i: number): string => `s[F + ${num(i)}]`;

/** The JavaScript source of an expression over `w` (the step) and `fo` (the frame's locals). */
function exprJs(e: Expr, local: (i: number) => string = LOCAL_VIA_STEP): string {
  const sub = (x: Expr): string => exprJs(x, local);
  switch (e.k) {
    case 'const': return num(e.v);
    case 'local': return local(e.i);
    case 'addr': return `(${num(PTR_BASE)} + fo + ${num(e.i)})`;
    case 'deref': return `H.deref(w, ${sub(e.e)})`;
    case 'un': {
      const a = sub(e.e);
      if (e.op === '!') return `((${a}) ? 0 : 1)`;
      if (e.op === '~') return `(~(${a}))`;
      if (e.op === '-') return `((-(${a})) | 0)`;
      throw new Error(`unknown unary operator ${String(e.op)}`);
    }
    case 'bin': {
      if (!Object.prototype.hasOwnProperty.call(BIN_JS, e.op)) throw new Error(`unknown binary operator ${String(e.op)}`);
      return BIN_JS[e.op](sub(e.a), sub(e.b));
    }
    case 'cond': return `((${sub(e.c)}) ? (${sub(e.a)}) : (${sub(e.b)}))`;
    default: throw new Error(`unknown expression kind ${String((e as { k: unknown }).k)}`);
  }
}

/** The thread-relative offset a pointer names, or -1 (after committing the fault). */
function derefOffset(w: Step, p: number): number {
  const off = p - PTR_BASE;
  if (off < 0 || off >= w.L.threadStride) {
    if (p === 0) w.commit('null-deref', 'dereference of NULL');
    else w.halt('assertion', 'dereference of a pointer the model does not know');
    return -1;
  }
  return off;
}

/** A fault after which the thread's stack cannot be trusted: its advance stops there. */
function halts(w: Step): boolean { return w.fault?.code === 'halt'; }

function livelock(w: Step): void { w.commit('livelock', `${w.threadName(w.t)} loops without a visible step`); }

const HELPERS = {
  deref: (w: Step, p: number): number => { const off = derefOffset(w, p); return off < 0 ? 0 : w.s[w.base + off]; },
  bin: evalBin,
  derefOffset,
  halts,
  livelock,
};

/** Generated functions by source: every program shares them, and the engine's optimised code with them. */
const GENERATED = new Map<string, CExpr>();

function generate(src: string): CExpr {
  let f = GENERATED.get(src);
  if (!f) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    f = new Function('H', `'use strict'; return function (w, fo) { return ${src}; };`)(HELPERS) as CExpr;
    GENERATED.set(src, f);
  }
  return f;
}

/** An expression as a function of a step and the offset of the frame's locals. */
export function compileExpr(e: Expr): CExpr { return generate(exprJs(e)); }

/** Where an assignment stores: the thread-relative word of a local or of what a pointer names. */
function compileLValue(lv: LValue): CExpr {
  if (lv.k === 'local') return generate(`fo + ${num(lv.i)}`);
  return generate(`H.derefOffset(w, ${exprJs(lv.e)})`);
}

/**
 * The local code of a function as one generated JavaScript function (a Runner): from the top
 * frame's pc it runs local instructions, as the instruction interpreter would, until the thread
 * stands at a visible one (0), or it pushed or popped a frame (1: the caller goes on in the
 * function now on top). With `main` set, it first executes the primitive or choice at pc
 * whatever its visibility, with outcome `choice`: the operation a step is named after.
 * Frames stay in the state as they are, so nothing else can tell.
 */
type Runner = (w: Step, main: number, choice: number) => number;

/** What a runner refers to by index: the instructions' primitives, argument arrays and the VM's frame operations. */
interface RunnerContext {
  code: CInstr[];
  /** The instructions run, when the VM records them (VM.recordCoverage). */
  cov: Uint8Array;
  push(w: Step, callee: number, args: number[], ret: number): void;
  pop(w: Step, value: number): void;
  /** A primitive that may sleep is about to run: a fault in atomic context. */
  sleeps(w: Step, c: CInstr): void;
}

type RunnerFactory = (H: typeof HELPERS, X: RunnerContext) => Runner;

/** Runner factories by source: programs with the same code share them. */
const RUNNERS = new Map<string, RunnerFactory>();

/**
 * The source of a function's runner, or undefined when its code has something the runner does
 * not express (a jump target outside 0..0xffff); such a function is interpreted. The source is
 * built from numbers and fixed text only: primitives, callees and argument arrays are
 * referred to by instruction index.
 */
function runnerJs(fnId: number, nLocals: number, code: CInstr[], coverage = false): string | undefined {
  const hi = fnId * 0x10000;
  const mark = (k: number): string => (coverage ? `X.cov[${num(k)}] = 1;` : '');
  const at = (pc: string): string => `s[cw] = ${num(hi)} + ${pc}; w.n = n;`;
  const stop = (pc: string): string => `{ ${at(pc)} return 0; }`;
  // After every instruction, as the interpreter: a fault that makes the stack untrustworthy ends the run.
  const halt = (pc: string): string => `if (w.fault !== undefined && H.halts(w)) ${stop(pc)}`;
  const js = (e: Expr): string => exprJs(e, LOCAL_VIA_FRAME);
  const offset = (dst: LValue): string => (dst.k === 'local' ? `fo + ${num(dst.i)}` : `H.derefOffset(w, ${js(dst.e)})`);
  const store = (dst: LValue, v: string): string => (dst.k === 'local'
    ? `s[F + ${num(dst.i)}] = ${v};`
    : `a = ${offset(dst)}; if (a >= 0) { s[b + a] = ${v}; w.touch(a); }`);
  const hoist: string[] = [];
  const cases: string[] = [];
  const mains: string[] = [];
  for (let k = 0; k < code.length; k++) {
    const c = code[k];
    const ins = c.ins;
    const next = String(k + 1);
    const x = `X.code[${num(k)}]`;
    hoist.push(`const A${k} = ${x}.argv, P${k} = ${x}.prim, V${k} = ${x}.values;`);
    const args = (list: Expr[]): string[] => list.map((e, i) => `A${k}[${num(i)}] = ${js(e)};`);
    const prim = (list: Expr[], dst: LValue | undefined, choice: string): string[] => [
      ...args(list),
      ...(c.mightSleep ? [`X.sleeps(w, ${x});`] : []),
      `v = P${k}.run(w, A${k}, ${choice});`,
      ...(dst ? [store(dst, 'v')] : []),
    ];
    if (ins.k === 'prim') mains.push(`case ${num(k)}:`, mark(k), ...prim(ins.args, ins.dst, 'choice'), `pc = ${next}; break;`);
    if (ins.k === 'choose') mains.push(`case ${num(k)}:`, mark(k), store(ins.dst, `V${k}[choice]`), `pc = ${next}; break;`);
    const out: string[] = [`case ${num(k)}:`, `if (n > ${num(LOCAL_STEP_LIMIT)}) { ${at(String(k))} H.livelock(w); return 0; }`];
    let tail = k + 1 < code.length ? '' : `pc = ${next}; continue;`;
    // A visible primitive: the step stops before it, unless Lipton's merge (VM.successor)
    // takes it into the step, as VM.mergeable() and the merge loop decide.
    const merge = (p: Extract<Instr, { k: 'prim' }>): string => {
      const m = [`if (!w.merge || w.fault !== undefined) ${stop(String(k))}`];
      if (c.choices || c.blocked) m.push(...args(p.args));
      if (c.choices) m.push(`if (P${k}.choices(w, A${k})) ${stop(String(k))}`);
      if (c.blocked) m.push(`if (P${k}.blocked(w, A${k})) ${stop(String(k))}`);
      if (c.mover !== 'left') m.push(`if (w.release) ${stop(String(k))}`);
      if (c.mover !== 'right') m.push('w.release = true;');
      if (c.mover === 'none') m.push(`w.main = ${x};`);
      m.push(mark(k), ...prim(p.args, p.dst, '0'), 'n = 0;', `pc = ${next}; continue;`);
      return m.join('\n');
    };
    if (c.vis === Vis.Visible) {
      out.push(ins.k === 'prim' ? merge(ins) : stop(String(k)));
      cases.push(out.join('\n'));
      continue;
    }
    if (c.vis === Vis.UnlessQuiet && ins.k === 'prim') out.push(`if (!P${k}.quiet(w)) {\n${merge(ins)}\n}`);
    out.push(mark(k));
    switch (ins.k) {
      case 'assign':
        out.push(ins.dst.k === 'local' ? store(ins.dst, js(ins.e)) : `v = ${js(ins.e)}; ${store(ins.dst, 'v')}`, 'n++;', halt(next));
        break;
      case 'jump': {
        if (!Number.isInteger(ins.target) || ins.target < 0 || ins.target > 0xffff) return undefined;
        const taken = `pc = ${num(ins.target)};`;
        out.push(ins.cond ? `if (${js(ins.cond)}) { ${taken} } else pc = ${next};` : taken, 'n++;', halt('pc'));
        tail = 'continue;';
        break;
      }
      case 'call':
        out.push(...args(ins.args), `a = ${ins.dst ? offset(ins.dst) : '-1'};`);
        out.push(`${at(next)} n++; w.n = n;`, `X.push(w, ${num(c.callee)}, A${k}, a);`, 'return 1;');
        tail = '';
        break;
      case 'ret':
        out.push(`v = ${ins.e ? js(ins.e) : '0'};`, 'n++; w.n = n;', 'X.pop(w, v);', 'return 1;');
        tail = '';
        break;
      case 'prim':
        out.push(...prim(ins.args, ins.dst, '0'), 'n++;', halt(next));
        break;
      case 'choose': return undefined;
    }
    if (tail) out.push(tail);
    cases.push(out.join('\n'));
  }
  return `'use strict';
${hoist.join('\n')}
return function (w, main, choice) {
const s = w.s, b = w.base, sp = s[b + ${num(THREAD.SP)}], cw = b + sp, fo = sp + ${num(FRAME.LOCALS)}, F = b + fo;
let n = w.n, pc = s[cw] & 65535, a = 0, v = 0;
w.touch(sp); w.touch(sp + ${num(FRAME.LOCALS - 1 + nLocals)});
if (main) {
switch (pc) {
${mains.join('\n')}
}
}
for (;;) {
switch (pc) {
${cases.join('\n')}
default:
if (n > ${num(LOCAL_STEP_LIMIT)}) { ${at('pc')} H.livelock(w); return 0; }
${at('pc')} return 0;
}
}
};`;
}

/** CInstr.argLocal of an argument that is a constant, or another expression. */
const ARG_CONST = -1;
const ARG_EXPR = -2;

/** The arguments a guard that reads none is given. */
const NO_ARGS: number[] = [];

/** What the VM keeps of a remembered step besides its writes. */
interface StepResult {
  fn: string;
  label: string;
  footprint: number;
  progress: boolean;
  fault: Transition['fault'];
}

export class VM {
  private readonly code: CInstr[][];
  private readonly threadBase: number;
  private readonly threadStride: number;
  /** Per function, its local code as one generated function, or null when it is interpreted. */
  private readonly runners: (Runner | null)[];
  /** Steps to take in the interpreter before the runners are built (-1: never; so with the
   *  caches switch off, model/caches.ts, the interpreter runs everything). */
  private untilRunners = cachesOn() ? RUNNERS_AFTER : -1;
  /** The room every step of this VM records in (one step runs at a time). */
  private readonly rec: StepRecord;
  /** Kinds of state no primitive of the program writes: reads of them never race. */
  private readonly stable: Set<string>;
  /** A step for reading a state (guards, choices): never kept, never stepped. */
  private readonly probeStep: Step;
  /** The step successor() takes, one at a time: its transition copies out what it keeps. */
  private readonly stepper: Step;
  /** The footprints of this VM's steps, numbered: a remembered step keeps its number, and
   *  steps with one footprint share its arrays. */
  private readonly footprints = new FootprintTable();
  /** Per function, the locals to zero in a frame at pc (VM.forget): at 2 * pc on top of the
   *  stack, at 2 * pc + 1 suspended under a call; and the words of its frames. */
  private readonly dead: Int32Array[][];
  private readonly frameWords: Int32Array;
  /** Steps remembered (moves() finds them instead of running them), or null when every step runs its code. */
  private readonly memo: StepMemo<StepResult> | null;
  private readonly recorder: Recorder;
  /** moves(): the recorder of the status and the choices, the words listed so far, the
   *  state a step not remembered runs on. */
  private readonly probeRecorder: Recorder;
  private readonly listed: Uint8Array;
  private movesCopy = new Int32Array(0);

  /**
   * @param roots the functions the threads start in (what a scenario can reach)
   * @param reduce fold steps no other thread can tell apart (quiet reads, reads of state nobody
   *   writes, Lipton's atomic critical sections); off, every visible operation is its own step
   * @param forgetDead zero dead locals after each step (forget)
   * @param remember moves() finds steps taken before from states that agree on what they read (memo.ts)
   */
  constructor(readonly L: Layout, readonly prog: Program, readonly threadName: (t: number) => string, roots?: string[],
    private readonly reduce = true, readonly forgetDead = reduce, remember = true) {
    const written = new Set<string>();
    for (const f of reachableFuncs(prog, roots ?? prog.funcs.map((g) => g.name))) {
      for (const i of f.code) if (i.k === 'prim') for (const k of prog.prims[i.name].writesTo ?? []) written.add(k);
    }
    this.stable = new Set(Object.values(prog.prims).map((p) => p.readsOnly).filter((k): k is string => !!k && !written.has(k)));
    this.threadBase = L.threadBase;
    this.threadStride = L.threadStride;
    this.code = prog.funcs.map((f, fnId) => markLoops(f.code.map((i, pc) => this.compileInstr(i, fnId, pc))));
    this.runners = prog.funcs.map(() => null);
    this.probeStep = new Step(L, new Int32Array(L.size), 0, threadName);
    this.rec = new StepRecord();
    this.stepper = new Step(L, this.probeStep.s, 0, threadName, this.rec);
    this.dead = prog.funcs.map((f) => {
      const { top, suspended } = deadLocals(f);
      return top.flatMap((d, pc) => [d, suspended[pc]]);
    });
    this.frameWords = Int32Array.from(prog.funcs, (f) => FRAME.LOCALS + f.locals.length);
    this.memo = remember && cachesOn() ? new StepMemo<StepResult>((t) => L.thread(t), (s, t) => this.liveWords(s, t)) : null;
    this.recorder = new Recorder(L.size);
    this.probeRecorder = new Recorder(L.size);
    this.listed = new Uint8Array(L.size);
  }

  /** Called in the step where a thread returns from its entry point, with its value: the
   *  machine checks there what must hold when a thread returns (the properties' `returned`). */
  onReturn: ((w: Step, value: number) => void) | null = null;

  /** The steps remembered so far (0 when steps are not remembered). */
  get remembered(): number { return this.memo === null ? 0 : this.memo.size; }

  /** Per function, which of its instructions ran (1), when the VM records it; else null. */
  private executed: Uint8Array[] | null = null;

  /** Records from now on which instructions run (what a search executed of each function). */
  recordCoverage(): void {
    this.executed ??= this.prog.funcs.map((f) => new Uint8Array(f.code.length));
    this.runners.forEach((r, fnId) => { if (r !== null) this.runners[fnId] = this.compileRunner(fnId, this.prog.funcs[fnId].locals.length); });
  }

  /** The instructions run since recordCoverage(), per function name (null when not recording). */
  coverage(): Map<string, Set<number>> | null {
    if (!this.executed) return null;
    const out = new Map<string, Set<number>>();
    this.executed.forEach((cov, fnId) => {
      const pcs = new Set<number>();
      cov.forEach((x, pc) => { if (x) pcs.add(pc); });
      if (pcs.size) out.set(this.prog.funcs[fnId].name, pcs);
    });
    return out;
  }

  /** Runs every function through the instruction interpreter, the reference of the runners. */
  interpretOnly(): void { this.untilRunners = -1; this.runners.fill(null); }

  /** Whether steps run through the runners now. */
  get hasRunners(): boolean { return this.runners.some((r) => r !== null); }

  /** Builds the runners after `steps` more steps (between two steps, as by default). */
  useRunnersAfter(steps: number): void { this.untilRunners = Math.max(1, steps); }

  /** Runs each function's local code as its runner from the next step on. */
  useRunners(): void {
    this.untilRunners = -1;
    this.prog.funcs.forEach((f, fnId) => { this.runners[fnId] = this.compileRunner(fnId, f.locals.length); });
  }

  private compileRunner(fnId: number, nLocals: number): Runner | null {
    const code = this.code[fnId];
    const src = runnerJs(fnId, nLocals, code, this.executed !== null);
    if (src === undefined) return null;
    let make = RUNNERS.get(src);
    if (!make) {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      make = new Function('H', 'X', src) as RunnerFactory;
      RUNNERS.set(src, make);
    }
    return make(HELPERS, {
      code,
      cov: this.executed?.[fnId] ?? new Uint8Array(0),
      push: (w, callee, args, ret) => this.push(w, callee, args, ret),
      pop: (w, value) => this.pop(w, value),
      sleeps: (w, c) => this.sleeps(w, c),
    });
  }

  private base(t: number): number { return this.L.thread(t); }

  /** The words of thread t's region in use, from its base: its header and its frames. */
  private liveWords(s: Int32Array, t: number): number {
    const b = this.threadBase + t * this.threadStride;
    if (s[b + THREAD.STATUS] === TStatus.Done) return THREAD.STACK;
    const sp = s[b + THREAD.SP];
    return Math.min(this.threadStride, sp + this.frameWords[s[b + sp + FRAME.CODE] >>> 16]);
  }
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

  private compileInstr(ins: Instr, fnId: number, pc: number): CInstr {
    // Every field is set here, so every instruction has the same shape for the engine.
    const c: CInstr = {
      ins, op: OPS[ins.k], pc, fnId, fnName: this.prog.funcs[fnId].name, vis: Vis.Local, mover: 'none', args: [],
      e: undefined, dst: undefined, dstLocal: -1, argLocal: [], argConst: [], prim: undefined, outcomes: undefined, target: -1, callee: -1, argv: [],
      run: undefined, quiet: undefined, blocked: undefined, blockedArgs: false, choices: undefined, mightSleep: false,
      label: ins.label, inLoop: false, values: undefined,
    };
    switch (ins.k) {
      case 'assign': c.e = compileExpr(ins.e); c.dst = compileLValue(ins.dst); break;
      case 'prim': {
        c.args = ins.args.map(compileExpr);
        const p = this.prog.prims[ins.name];
        c.prim = p;
        c.run = p.run;
        c.quiet = p.quiet;
        c.blocked = p.blocked;
        c.blockedArgs = p.blocked !== undefined && p.blocked.length > 1;
        c.choices = p.choices;
        c.mightSleep = !!p.mightSleep;
        if (ins.dst) c.dst = compileLValue(ins.dst);
        c.mover = p.mover ?? 'none';
        // A visible primitive is its own step; with the reductions on, not when it only reads
        // state nobody writes, nor when it is quiet in the state at hand.
        if (p.visible) {
          c.vis = !this.reduce ? Vis.Visible
            : p.readsOnly !== undefined && this.stable.has(p.readsOnly) ? Vis.Local
            : p.quiet ? Vis.UnlessQuiet : Vis.Visible;
        }
        break;
      }
      case 'call': {
        c.args = ins.args.map(compileExpr);
        if (ins.dst) c.dst = compileLValue(ins.dst);
        c.callee = this.prog.byName.get(ins.fn)!;
        break;
      }
      case 'jump': if (ins.cond) c.e = compileExpr(ins.cond); c.target = ins.target; break;
      case 'ret': if (ins.e) c.e = compileExpr(ins.e); break;
      case 'choose':
        c.dst = compileLValue(ins.dst);
        c.vis = Vis.Visible;
        c.outcomes = ins.values.map((v) => `${ins.name} = ${v}`);
        c.values = ins.values;
        break;
    }
    c.argv = new Array<number>(c.args.length).fill(0);
    if (ins.k === 'prim' || ins.k === 'call') {
      c.argLocal = ins.args.map((e) => (e.k === 'local' ? e.i : e.k === 'const' ? ARG_CONST : ARG_EXPR));
      c.argConst = ins.args.map((e) => (e.k === 'const' ? e.v : 0));
    }
    const dst = ins.k === 'ret' || ins.k === 'jump' ? undefined : ins.dst;
    if (dst !== undefined && dst.k === 'local') c.dstLocal = dst.i;
    return c;
  }

  /** The thread-relative offset of the current frame's locals. */
  private fo(s: Int32Array, t: number): number { return this.sp(s, t) + FRAME.LOCALS; }

  /** The argument values of a call. Primitives do not keep their arguments, so each
   *  instruction reuses one array. */
  private args(w: Step, c: CInstr): number[] {
    const fo = this.fo(w.s, w.t);
    const out = c.argv;
    const { argLocal } = c;
    for (let i = 0; i < argLocal.length; i++) {
      const k = argLocal[i];
      out[i] = k >= 0 ? w.s[w.base + fo + k] : k === ARG_CONST ? c.argConst[i] : c.args[i](w, fo);
    }
    return out;
  }

  // --- control ---------------------------------------------------------------


  /** The instruction thread t stands at, or undefined when it is done. */
  current(s: Int32Array, t: number): { fn: Func; ins: Instr } | undefined {
    const c = this.at_(s, t);
    return c && { fn: this.prog.funcs[c.fnId], ins: c.ins };
  }

  private at_(s: Int32Array, t: number): CInstr | undefined {
    const b = this.base(t);
    if (s[b + THREAD.STATUS] === TStatus.Done) return undefined;
    const code = s[b + s[b + THREAD.SP] + FRAME.CODE];
    return this.code[code >>> 16][code & 0xffff];
  }

  private push(w: Step, callee: number, args: number[], ret: number): void {
    const b = w.base;
    const sp = w.s[b + THREAD.SP];
    const caller = this.prog.funcs[w.s[b + sp + FRAME.CODE] >>> 16];
    const nsp = sp + FRAME.LOCALS + caller.locals.length;
    const f = this.prog.funcs[callee];
    if (nsp + FRAME.LOCALS + f.locals.length > this.L.threadStride) {
      w.halt('assertion', `call depth too large: the stack of ${this.threadName(w.t)} overflows at ${f.name}`);
      return;
    }
    const end = nsp + FRAME.LOCALS + f.locals.length;
    w.touch(nsp);
    w.touch(end - 1);
    const s = w.s;
    s[b + nsp + FRAME.CODE] = callee << 16;
    s[b + nsp + FRAME.LINKS] = ((ret + 1) << 16) | (sp + 1);
    const fo = b + nsp + FRAME.LOCALS;
    const n = Math.min(args.length, f.locals.length);
    for (let i = 0; i < n; i++) s[fo + i] = args[i];
    // The other locals start at 0.
    for (let i = fo + n; i < b + end; i++) s[i] = 0;
    s[b + THREAD.SP] = nsp;
  }

  private pop(w: Step, value: number): void {
    const b = w.base;
    const sp = w.s[b + THREAD.SP];
    const f = this.prog.funcs[w.s[b + sp + FRAME.CODE] >>> 16];
    const links = w.s[b + sp + FRAME.LINKS];
    const ret = (links >>> 16) - 1;
    const link = (links & 0xffff) - 1;
    const s = w.s;
    for (let i = b + sp, end = b + sp + FRAME.LOCALS + f.locals.length; i < end; i++) s[i] = 0;
    w.touch(sp);
    w.touch(sp + FRAME.LOCALS + f.locals.length - 1);
    if (link < 0) {
      w.s[b + THREAD.STATUS] = TStatus.Done;
      w.s[b + THREAD.SP] = 0;
      w.s[b + THREAD.RETVAL] = value;
      const held = this.prog.hooks.heldOnReturn(w);
      if (held !== null) w.commit('lock-imbalance', `${this.threadName(w.t)} ${held}`);
      if (this.onReturn !== null) this.onReturn(w, value);
      return;
    }
    w.s[b + THREAD.SP] = link;
    if (ret >= 0) { w.s[b + ret] = value; w.touch(ret); }
  }

  private isVisible(w: Step, c: CInstr): boolean {
    return c.vis === Vis.Visible || (c.vis === Vis.UnlessQuiet && !c.quiet!(w));
  }

  /** Runs local instructions until the thread stands at a visible one or is done: each
   *  function's runner runs its own code; a function without one is interpreted. */
  advance(w: Step): void {
    w.n = 0;
    this.drive(w);
  }

  /** advance(), counting on from the instructions already run (w.n). */
  private drive(w: Step): void {
    const s = w.s;
    const b = w.base;
    for (;;) {
      if (w.n > LOCAL_STEP_LIMIT) { livelock(w); return; }
      if (s[b + THREAD.STATUS] === TStatus.Done) return;
      const run = this.runners[s[b + s[b + THREAD.SP] + FRAME.CODE] >>> 16];
      if (run !== null) {
        if (run(w, 0, 0) === 0 || halts(w)) return;
        continue;
      }
      const cur = this.at_(s, w.t);
      if (!cur) return;
      if (this.isVisible(w, cur)) return;
      this.exec(w, cur, 0);
      w.n++;
      if (halts(w)) return;
    }
  }

  /** Executes c, the instruction thread w.t stands at, with outcome `choice`, then advance(). */
  private step(w: Step, c: CInstr, choice: number): void {
    const run = this.runners[c.fnId];
    if (run !== null && (c.op === Op.Prim || c.op === Op.Choose)) {
      w.n = 0;
      if (run(w, 1, choice) === 1 && !halts(w)) this.drive(w);
      return;
    }
    this.exec(w, c, choice);
    this.advance(w);
  }

  /** A primitive that may sleep: a fault in atomic context. */
  private sleeps(w: Step, c: CInstr): void {
    const why = this.prog.hooks.atomic(w);
    if (why !== null) w.commit('sleep-in-atomic', `${(c.ins as { name: string }).name}() may sleep with ${why}`);
  }

  /** Executes one instruction (its outcome `choice` when it branches). */
  private exec(w: Step, c: CInstr, choice: number): void {
    if (this.executed !== null) this.executed[c.fnId][c.pc] = 1;
    const s = w.s;
    const b = w.base;
    const pc = b + s[b + THREAD.SP] + FRAME.CODE;
    const fo = s[b + THREAD.SP] + FRAME.LOCALS;
    w.touch(pc - b);
    switch (c.op) {
      case Op.Assign: {
        const v = c.e!(w, fo);
        const a = c.dstLocal >= 0 ? fo + c.dstLocal : c.dst!(w, fo);
        if (a >= 0) { s[b + a] = v; w.touch(a); }
        s[pc]++;
        return;
      }
      case Op.Jump: {
        const taken = c.e === undefined || c.e(w, fo) !== 0;
        s[pc] = taken ? (s[pc] & ~0xffff) | c.target : s[pc] + 1;
        return;
      }
      case Op.Call: {
        const args = this.args(w, c);
        const ret = c.dstLocal >= 0 ? fo + c.dstLocal : c.dst ? c.dst(w, fo) : -1;
        s[pc]++;
        this.push(w, c.callee, args, ret);
        return;
      }
      case Op.Ret: {
        this.pop(w, c.e ? c.e(w, fo) : 0);
        return;
      }
      case Op.Choose: {
        const a = c.dstLocal >= 0 ? fo + c.dstLocal : c.dst!(w, fo);
        if (a >= 0) { s[b + a] = c.values![choice]; w.touch(a); }
        s[pc]++;
        return;
      }
      case Op.Prim: {
        const args = this.args(w, c);
        if (c.mightSleep) this.sleeps(w, c);
        const v = c.run!(w, args, choice);
        if (c.dst) { const a = c.dstLocal >= 0 ? fo + c.dstLocal : c.dst(w, fo); if (a >= 0) { s[b + a] = v; w.touch(a); } }
        s[pc]++;
        return;
      }
    }
  }

  status(s: Int32Array, t: number): Status {
    const b = this.threadBase + t * this.threadStride;
    if (s[b + THREAD.STATUS] === TStatus.Done) return Status.Done;
    const code = s[b + s[b + THREAD.SP] + FRAME.CODE];
    const c = this.code[code >>> 16][code & 0xffff];
    if (c === undefined) return Status.Done;
    if (c.blocked === undefined) return Status.Runnable;
    return this.blockedAt(s, t, c) ? Status.Blocked : Status.Runnable;
  }

  /** Whether thread t, standing at c, cannot take its step now. Arguments are evaluated only
   *  for a guard that reads them (on a probe: a fault they would commit is of no account). */
  private blockedAt(s: Int32Array, t: number, c: CInstr): boolean {
    const blocked = c.blocked;
    if (blocked === undefined) return false;
    const w = this.probe(s, t);
    return blocked(w, c.blockedArgs ? this.args(w, c) : NO_ARGS);
  }

  /** Every successor of thread t's next visible step. */
  successors(s: Int32Array, t: number): Transition[] {
    // Between steps, so that a step runs wholly in the interpreter or wholly with runners.
    if (this.untilRunners > 0 && --this.untilRunners === 0) this.useRunners();
    const c = this.at_(s, t);
    if (!c || this.blockedAt(s, t, c)) return [];
    let outcomes: string[] | undefined;
    if (c.outcomes) outcomes = c.outcomes;
    else if (c.choices) {
      const w = this.probe(s, t);
      outcomes = c.choices(w, this.args(w, c));
    }
    if (!outcomes) return [this.successor(s, t, c, 0, undefined)];
    const out: Transition[] = [];
    for (let i = 0; i < outcomes.length; i++) out.push(this.successor(s, t, c, i, outcomes[i]));
    return out;
  }

  /** The successor of thread t's step from c with outcome `choice` (named `outcome`), with its notes. */
  private successor(s: Int32Array, t: number, c: CInstr, choice: number, outcome: string | undefined): Transition {
    const copy = allocState(s.length);
    copy.set(s);
    const callers = this.callSites(s, t);
    const w = this.run(copy, t, c, choice, true, null);
    const r = this.resultOf(w);
    return new StepTransition(t, copy, r.fn, r.label, outcome, r.footprint, this.footprints, r.progress, r.fault, w.notes, w.threadName,
      (w.main as CInstr).ins.at, callers);
  }

  /** Whether one of thread t's suspended frames made its call from inside a loop. */
  private calledInLoop(s: Int32Array, t: number): boolean {
    const b = this.base(t);
    for (let sp = (s[b + this.sp(s, t) + FRAME.LINKS] & 0xffff) - 1; sp >= 0; sp = (s[b + sp + FRAME.LINKS] & 0xffff) - 1) {
      const code = s[b + sp + FRAME.CODE];
      if (this.code[code >>> 16][(code & 0xffff) - 1]?.inLoop) return true;
    }
    return false;
  }

  /** The calls thread t stands in, outermost first: each suspended frame's function and the line of its call. */
  private callSites(s: Int32Array, t: number): { fn: string; at?: number }[] {
    const out: { fn: string; at?: number }[] = [];
    const b = this.base(t);
    if (s[b + THREAD.STATUS] === TStatus.Done) return out;
    const top = this.sp(s, t);
    for (let sp = (s[b + top + FRAME.LINKS] & 0xffff) - 1; sp >= 0; sp = (s[b + sp + FRAME.LINKS] & 0xffff) - 1) {
      const code = s[b + sp + FRAME.CODE];
      const f = this.prog.funcs[code >>> 16];
      // A suspended frame stands after its call.
      const at = f.code[(code & 0xffff) - 1]?.at;
      out.unshift({ fn: f.name, ...(at !== undefined ? { at } : {}) });
    }
    return out;
  }

  /**
   * Runs thread t's step from c with outcome `choice` on `copy`, a copy of the state it is
   * taken from; over `rec`'s view of it when given.
   */
  private run(copy: Int32Array, t: number, c: CInstr, choice: number, keepNotes: boolean, rec: Recorder | null): Step {
    const w = this.stepper.begin(copy, t);
    if (rec !== null) w.s = rec.begin(copy);
    w.keepNotes = keepNotes;
    // Lipton reduction: a lock acquire moves right, a release left, so one step may run
    // acquires, then at most one other visible operation, then releases: no other thread
    // can tell the difference. The step is named after that operation. Runners merge as
    // they reach a visible operation; this loop merges after interpreted code.
    w.merge = this.reduce;
    w.release = c.mover !== 'right';
    w.main = c;
    // A step that may be going round a loop makes no progress: a thread that can loop for
    // ever shows as a livelock only if every step of its loop says so.
    if (c.inLoop || this.calledInLoop(copy, t)) w.inLoop = true;
    this.step(w, c, choice);
    while (this.reduce && !w.fault) {
      const next = this.at_(w.s, t);
      // A runner that stops at a visible operation has already refused to merge it.
      if (!next || this.runners[next.fnId] !== null || !this.mergeable(w, next)) break;
      const moved = next.mover;
      if (w.release && moved !== 'left') break;
      if (moved === 'none') { w.release = true; w.main = next; }
      if (moved === 'left') w.release = true;
      this.step(w, next, 0);
    }
    if (this.forgetDead && !w.fault) this.forget(w);
    w.s = copy;
    return w;
  }

  /** What is kept of step w besides its writes. */
  private resultOf(w: Step): StepResult {
    const main = w.main as CInstr;
    return { fn: main.fnName, label: main.label, footprint: this.footprints.intern(w), progress: !w.inLoop, fault: w.fault };
  }

  /**
   * What thread t does from s, with the words that decide it (Machine.moves). The status and
   * the choices are read over a recording view, in order; each step is found remembered, or
   * run over a recording view and remembered, and is decided by the live words of its
   * thread's region (which the status read says where end) and then the words it read
   * outside them, in the order it read them.
   */
  moves(s: Int32Array, t: number): Moves {
    if (this.untilRunners > 0 && --this.untilRunners === 0) this.useRunners();
    const probe = this.probeRecorder;
    const view = probe.begin(s);
    const status = this.status(view, t);
    const c = status === Status.Runnable ? this.at_(s, t) : undefined;
    let outcomes = c?.outcomes;
    if (c !== undefined && outcomes === undefined && c.choices) {
      const w = this.probe(view, t);
      outcomes = c.choices(w, this.args(w, c));
    }
    // Read otherwise than word by word, the state decides by every word.
    const decidedBy = probe.whole ? Array.from(s.keys()) : probe.inputs.slice();
    const steps: Move[] = [];
    if (c === undefined) return { status, decidedBy, steps };
    const listed = this.listed;
    listed.fill(0);
    for (const i of decidedBy) listed[i] = 1;
    const b = this.base(t);
    const end = b + this.liveWords(s, t);
    for (let i = b; i < end; i++) if (listed[i] === 0) { listed[i] = 1; decidedBy.push(i); }
    for (let k = 0; k < (outcomes?.length ?? 1); k++) {
      const e = this.stepOf(s, t, c, k, b, end);
      for (const i of e.inAt) if (listed[i] === 0) { listed[i] = 1; decidedBy.push(i); }
      const r = e.result;
      const move: Move = { at: e.outAt, val: e.outVal, reads: this.footprints.reads[r.footprint], writes: this.footprints.writes[r.footprint],
        progress: r.progress };
      if (r.fault) move.fault = r.fault;
      if (outcomes) move.choice = outcomes[k];
      steps.push(move);
    }
    return { status, decidedBy, steps };
  }

  /** Thread t's step from c with outcome `choice` from s, remembered (run now if it was not),
   *  where [b, end) is the live part of the thread's region. */
  private stepOf(s: Int32Array, t: number, c: CInstr, choice: number, b: number, end: number): Entry<StepResult> {
    const memo = this.memo;
    const e = memo?.find(s, t, choice);
    if (e) return e;
    if (this.movesCopy.length !== s.length) this.movesCopy = new Int32Array(s.length);
    const copy = this.movesCopy;
    copy.set(s);
    const w = this.run(copy, t, c, choice, false, this.recorder);
    const r = this.resultOf(w);
    return memo && memo.room ? memo.add(s, t, choice, this.recorder, copy, r) : entry(s, b, end, this.recorder, copy, r);
  }

  /**
   * Zeroes the dead locals of thread w.t's frames (see live.ts): states that differ only in
   * values nothing will read are then one state (with `forgetDead`, on with the reductions). After a
   * step only the frames it touched need it: a frame below them stands where it stood after
   * the thread's last step, which zeroed it then; `all` walks every frame (a thread's start).
   */
  forget(w: Step, all = false): void {
    const s = w.s;
    const b = w.base;
    if (s[b + THREAD.STATUS] === TStatus.Done) return;
    let suspended = 0;
    for (let sp = s[b + THREAD.SP]; sp >= 0; sp = (s[b + sp + FRAME.LINKS] & 0xffff) - 1) {
      const code = s[b + sp + FRAME.CODE];
      const fn = code >>> 16;
      if (!all && sp + this.frameWords[fn] <= w.lo) return;
      const at = this.dead[fn][2 * (code & 0xffff) + suspended];
      suspended = 1;
      if (at === undefined) continue;
      const fo = b + sp + FRAME.LOCALS;
      for (let i = 0; i < at.length; i++) {
        if (s[fo + at[i]] === 0) continue;
        s[fo + at[i]] = 0;
        w.touch(fo - b + at[i]);
      }
    }
  }

  /** A step for reading a state (guards, choices): never kept, never stepped. */
  private probe(s: Int32Array, t: number): Step {
    return this.probeStep.aim(s, t);
  }

  /** Whether the next visible operation may run inside the current step: not a choice, and
   *  not one that would block. */
  private mergeable(w: Step, c: CInstr): boolean {
    if (c.op === Op.Choose) return false;
    if (c.op !== Op.Prim) return false;
    const { choices, blocked } = c;
    if (!choices && !blocked) return true;
    const args = this.args(w, c);
    if (choices && choices(w, args)) return false;
    if (blocked && blocked(w, args)) return false;
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
class StepTransition implements Transition {
  readonly reads: readonly number[];
  readonly writes: readonly number[];

  constructor(readonly thread: number, readonly state: Int32Array, readonly fn: string, readonly label: string, readonly choice: string | undefined,
    readonly footprint: number, table: FootprintTable,
    readonly progress: boolean, readonly fault: Transition['fault'], private readonly notes: readonly unknown[],
    private readonly threadName: (t: number) => string, private readonly at?: number,
    private readonly callers: readonly { fn: string; at?: number }[] = []) {
    this.reads = table.reads[footprint];
    this.writes = table.writes[footprint];
  }

  get note(): string { return noteText(this.notes, this.threadName); }

  get source(): Transition['source'] {
    return {
      fn: this.fn, c: this.label, ...(this.at !== undefined ? { at: this.at } : {}),
      ...(this.callers.length ? { callers: this.callers.map((x) => ({ ...x })) } : {}),
    };
  }

  toJSON(): Omit<Transition, 'state'> & { state: number[] } {
    const { thread, fn, label, note, source, reads, writes, progress, fault, choice } = this;
    return { thread, state: Array.from(this.state), fn, label, note, source, reads, writes, progress, fault, choice };
  }
}
