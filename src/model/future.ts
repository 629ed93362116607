// A thread's future (Machine.future): every object the rest of its run may read or write,
// for the explorer's persistent sets (src/check/persistent.ts).
//
// An abstract run of the thread's code from where it stands. Its locals are known where the
// state gives them and the code computes them from known values alone (a fault's index, its
// mapping); whatever a primitive returns, and whatever a pointer reaches, is any value. A
// branch on a value not known goes both ways, and every primitive that can be reached says
// what it may touch from what is known of its arguments (Prim.touches; a visible primitive
// that says nothing may touch everything). The frames below the top one go on from their calls, and
// the entry point's return runs the properties' checks of what it returned (`returns`).
//
// What the future does not depend on: the shared state. What the thread reads there only
// narrows which branches it takes, and every branch is taken here, so the same future holds
// whatever the other threads do meanwhile. It depends on the thread's own frames alone, so a
// search may remember it by them (Machine.futureParts).
import type { Expr, Func, Instr } from './ir';
import { evalBin } from './ir';
import { FRAME, OBJ, THREAD, TStatus, type Layout } from './kernel/layout';
import type { RecordKind, Touches } from './objects/object';
import type { Program } from './vm';

const QUEUE_OBJ = OBJ.queue;

/** A value of the abstract run: one of a few numbers (ascending), or undefined for any value. */
type Abs = readonly number[] | undefined;

/** Values an abstract value may hold before it is taken for any value. */
const MAX_VALUES = 4;

const known = (v: number): Abs => [v];

/** The values either may hold. */
function join(a: Abs, b: Abs): Abs {
  if (a === undefined || b === undefined) return undefined;
  if (a === b) return a;
  const out = [...new Set([...a, ...b])].sort((x, y) => x - y);
  return out.length > MAX_VALUES ? undefined : out;
}

function sameAbs(a: Abs, b: Abs): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  return a.every((x, i) => x === b[i]);
}

/** Abstract values written out, as the remembered frames and calls are keyed. */
const absKey = (xs: readonly Abs[]): string => xs.map((a) => (a === undefined ? '?' : a.join('|'))).join(',');

/** f over every pair of values. */
function lift2(a: Abs, b: Abs, f: (x: number, y: number) => number): Abs {
  if (a === undefined || b === undefined || a.length * b.length > MAX_VALUES * MAX_VALUES) return undefined;
  const out = new Set<number>();
  for (const x of a) for (const y of b) out.add(f(x, y));
  return out.size > MAX_VALUES ? undefined : [...out].sort((x, y) => x - y);
}

/** What a thread's future reads and writes. */
export interface Future {
  reads: readonly number[];
  writes: readonly number[];
}

/** What may be touched, as it is gathered (reads and writes apart). */
export class TouchSet implements Touches {
  readonly reads = new Set<number>();
  readonly writes = new Set<number>();
  t = 0;
  everythingTouched = false;

  constructor(readonly L: Layout, readonly start: Int32Array, private readonly allIds: readonly number[]) {}

  read(obj: number): void { this.reads.add(obj); }
  write(obj: number): void { this.writes.add(obj); }

  index(obj: (slot: number) => number, index: number | undefined, write: boolean): void {
    if (index === undefined) { this.all(obj, 'index', write); return; }
    const s = this.L.slot(index);
    if (s >= 0) this.touch(obj(s), write);
  }

  all(obj: (record: number) => number, kind: RecordKind | 'thread', write: boolean): void {
    for (let r = 0, n = this.L.records(kind); r < n; r++) this.touch(obj(r), write);
  }

  queue(key: number | undefined, write: boolean): void {
    if (key === undefined) { this.all(QUEUE_OBJ, 'queue', write); return; }
    this.touch(QUEUE_OBJ(this.L.queueOf(key)), write);
  }

  everything(): void { this.everythingTouched = true; }

  private touch(obj: number, write: boolean): void {
    if (write) this.writes.add(obj); else this.reads.add(obj);
  }

  /** Adds what another set holds. */
  merge(o: TouchSet): void {
    for (const x of o.reads) this.reads.add(x);
    for (const x of o.writes) this.writes.add(x);
    if (o.everythingTouched) this.everythingTouched = true;
  }

  /** What was touched; `reads` holds what was written too. */
  result(): Future {
    if (this.everythingTouched) return { reads: this.allIds, writes: this.allIds };
    const ascending = (xs: Iterable<number>): number[] => [...xs].sort((a, b) => a - b);
    return { reads: ascending(new Set([...this.reads, ...this.writes])), writes: ascending(this.writes) };
  }
}

/** The abstract values of a function's locals at each instruction, joined over its paths. */
type Env = Abs[];

/** What a function may touch, and what it may return. */
interface Summary {
  touches: TouchSet;
  returns: boolean;
  value: Abs;
}

export class FutureAnalysis {
  /** Calls by function, thread and what is known of the arguments. */
  private readonly summaries = new Map<string, Summary>();
  /** Frames by function, place, thread and what is known of the locals. */
  private readonly frames = new Map<string, Summary>();
  /** Per function, the locals whose address the code takes: a callee or a store through a
   *  pointer may change them, so they are any value after one. */
  private readonly addressTaken: Set<number>[];

  constructor(
    private readonly prog: Program,
    private readonly L: Layout,
    /** The state the scenario starts in (Touches.start). */
    private readonly start: Int32Array,
    private readonly allIds: readonly number[],
    /** What the step in which thread t returns from its entry point reads besides its code. */
    private readonly returns: (x: Touches, t: number) => void,
  ) {
    this.addressTaken = prog.funcs.map(addressTakenLocals);
  }

  /** The future of thread t in state s. */
  future(s: Int32Array, t: number): Future {
    const { L } = this;
    const b = L.thread(t);
    const out = this.touchSet(t);
    if (s[b + THREAD.STATUS] === TStatus.Done) return out.result();
    // From the top frame down: each runs on from where it stands, and a frame that returns
    // hands on to its caller.
    let sp = s[b + THREAD.SP];
    let returnsAll = true;
    while (sp >= 0 && returnsAll) {
      const code = s[b + sp + FRAME.CODE];
      const fnId = code >>> 16;
      const f = this.prog.funcs[fnId];
      const env: Env = f.locals.map((_x, i) => known(s[b + sp + FRAME.LOCALS + i]));
      // A suspended caller stands after its call, whose result and out-parameters are not known.
      if (sp !== s[b + THREAD.SP]) {
        const call = f.code[(code & 0xffff) - 1];
        if (call && call.k === 'call' && call.dst?.k === 'local') env[call.dst.i] = undefined;
        for (const i of this.addressTaken[fnId]) env[i] = undefined;
      }
      const rest = this.frame(fnId, code & 0xffff, env, t);
      out.merge(rest.touches);
      returnsAll = rest.returns;
      sp = (s[b + sp + FRAME.LINKS] & 0xffff) - 1;
    }
    if (returnsAll) this.returns(out, t);
    return out.result();
  }

  /** What a frame of fnId standing at pc with locals env may touch before it returns, and
   *  whether it may: remembered, since a thread's lower frames stay while its top one moves. */
  private frame(fnId: number, pc: number, env: Env, t: number): Summary {
    const key = `${fnId}:${pc}:${t}:${absKey(env)}`;
    let rest = this.frames.get(key);
    if (rest === undefined) {
      const touches = this.touchSet(t);
      const r = this.run(fnId, pc, env, touches, t);
      rest = { touches, returns: r.returns, value: r.value };
      this.frames.set(key, rest);
    }
    return rest;
  }

  private touchSet(t: number): TouchSet {
    const x = new TouchSet(this.L, this.start, this.allIds);
    x.t = t;
    return x;
  }

  /** Runs function fnId from pc with locals env, adding what it may touch to `out`: whether
   *  it may return, and what. */
  private run(fnId: number, pc: number, env: Env, out: TouchSet, t: number): { returns: boolean; value: Abs } {
    const f = this.prog.funcs[fnId];
    const at: (Env | undefined)[] = new Array(f.code.length + 1);
    const work: number[] = [];
    const reach = (to: number, e: Env): void => {
      const old = at[to];
      if (old === undefined) { at[to] = e.slice(); work.push(to); return; }
      let changed = false;
      for (let i = 0; i < old.length; i++) {
        const j = join(old[i], e[i]);
        if (!sameAbs(j, old[i])) { old[i] = j; changed = true; }
      }
      if (changed) work.push(to);
    };
    reach(pc, env);
    let returns = false;
    let value: Abs | null = null;
    const ret = (v: Abs): void => {
      returns = true;
      value = value === null ? v : join(value, v);
    };
    while (work.length) {
      const p = work.pop()!;
      if (p >= f.code.length) { ret(undefined); continue; }
      const e = at[p]!.slice();
      const ins = f.code[p];
      switch (ins.k) {
        case 'assign':
          this.store(fnId, ins.dst, valueOf(ins.e, e), e);
          reach(p + 1, e);
          break;
        case 'prim': {
          const prim = this.prog.prims[ins.name];
          if (prim.touches) for (const args of combinations(ins.args.map((a) => valueOf(a, e)))) prim.touches(out, args);
          else if (prim.visible) out.everything();
          if (ins.dst) this.store(fnId, ins.dst, undefined, e);
          reach(p + 1, e);
          break;
        }
        case 'call': {
          const sum = this.summary(this.prog.byName.get(ins.fn)!, ins.args.map((a) => valueOf(a, e)), t);
          out.merge(sum.touches);
          for (const i of this.addressTaken[fnId]) e[i] = undefined;
          if (ins.dst) this.store(fnId, ins.dst, sum.value, e);
          if (sum.returns) reach(p + 1, e);
          break;
        }
        case 'jump': {
          const c = ins.cond ? valueOf(ins.cond, e) : known(1);
          if (c === undefined || c.some((v) => v !== 0)) reach(ins.target, e);
          if (c === undefined || c.some((v) => v === 0)) reach(p + 1, e);
          break;
        }
        case 'ret':
          ret(ins.e ? valueOf(ins.e, e) : undefined);
          break;
        case 'choose':
          this.store(fnId, ins.dst, undefined, e);
          reach(p + 1, e);
          break;
      }
    }
    return { returns, value: value ?? undefined };
  }

  /** What a call of fnId with these arguments may touch and return, remembered. */
  private summary(fnId: number, args: Abs[], t: number): Summary {
    const key = `${fnId}:${t}:${absKey(args)}`;
    let sum = this.summaries.get(key);
    if (sum) return sum;
    const touches = this.touchSet(t);
    const f = this.prog.funcs[fnId];
    const env: Env = f.locals.map((_x, i) => (i < args.length ? args[i] : known(0)));
    const r = this.run(fnId, 0, env, touches, t);
    sum = { touches, returns: r.returns, value: r.value };
    this.summaries.set(key, sum);
    return sum;
  }

  /** An assignment's effect on the locals: a store through a pointer may reach any local
   *  whose address was taken. */
  private store(fnId: number, dst: Extract<Instr, { k: 'assign' }>['dst'], v: Abs, e: Env): void {
    if (dst.k === 'local') e[dst.i] = v;
    else for (const i of this.addressTaken[fnId]) e[i] = undefined;
  }
}

/** Every choice of one value per argument (an argument of any value stays undefined). */
function combinations(args: Abs[]): (number | undefined)[][] {
  let out: (number | undefined)[][] = [[]];
  for (const a of args) {
    const next: (number | undefined)[][] = [];
    for (const prefix of out) for (const v of a ?? [undefined]) next.push([...prefix, v]);
    out = next;
  }
  return out;
}

/** The values an expression may take over the locals' values, or undefined. */
function valueOf(x: Expr, e: Env): Abs {
  switch (x.k) {
    case 'const': return known(x.v);
    case 'local': return e[x.i];
    case 'un': return lift2(valueOf(x.e, e), known(0), (v) => (x.op === '!' ? (v ? 0 : 1) : x.op === '~' ? ~v : -v | 0));
    case 'bin': {
      const a = valueOf(x.a, e);
      if (x.op === '&&' && a !== undefined && a.every((v) => v === 0)) return known(0);
      if (x.op === '||' && a !== undefined && a.every((v) => v !== 0)) return known(1);
      return lift2(a, valueOf(x.b, e), (p, q) => evalBin(x.op, p, q));
    }
    case 'cond': {
      const c = valueOf(x.c, e);
      if (c !== undefined && c.every((v) => v !== 0)) return valueOf(x.a, e);
      if (c !== undefined && c.every((v) => v === 0)) return valueOf(x.b, e);
      return join(valueOf(x.a, e), valueOf(x.b, e));
    }
    default: return undefined;
  }
}

/** The locals of f whose address its code takes, and those that live in memory. */
function addressTakenLocals(f: Func): Set<number> {
  const out = new Set<number>(f.inMemory ?? []);
  const visit = (x: Expr): void => {
    switch (x.k) {
      case 'addr': out.add(x.i); break;
      case 'deref': case 'un': visit(x.e); break;
      case 'bin': visit(x.a); visit(x.b); break;
      case 'cond': visit(x.c); visit(x.a); visit(x.b); break;
      default: break;
    }
  };
  for (const ins of f.code) {
    if (ins.k === 'assign') { visit(ins.e); if (ins.dst.k === 'deref') visit(ins.dst.e); }
    if (ins.k === 'prim' || ins.k === 'call') { ins.args.forEach(visit); if (ins.dst?.k === 'deref') visit(ins.dst.e); }
    if (ins.k === 'jump' && ins.cond) visit(ins.cond);
    if (ins.k === 'ret' && ins.e) visit(ins.e);
    if (ins.k === 'choose' && ins.dst.k === 'deref') visit(ins.dst.e);
  }
  return out;
}
