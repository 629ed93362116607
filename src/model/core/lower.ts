// The one lowering from kernel C to the model's IR, for the reference functions and for the
// functions a patch touches alike. Statements come from tree-sitter-c (src/c/parser.ts),
// expressions from the C stage's expression reader (src/c/expr.ts); what each call, field and
// constant means in the model comes from the era's API table (api.ts), never from this file.
//
// A call of a function defined in the sources being lowered (or linked beside them) is a call
// in the IR; a call the API table names is a primitive, an expression, a no-op or an
// assumption; anything else is outside the model. In strict mode (the reference) that is an
// error; in tolerant mode (a patch) the call is explored as a choice over the values the
// table gives (or 0 and 1) and reported as an assumption, so nothing is silently passed over.
import { expandMacros } from './macros';
import * as C from '../../c/expr';
import { loadedCParser, type Node } from '../../c/parser';
import type { BinOp, Expr, Func, Instr, LValue, UnOp } from '../ir';
import { fieldMeaning, type Api, type CallMeaning } from './api';

/** Something the lowering took on trust: a call or field outside the model, explored as a choice. */
export interface Assumption {
  fn: string;
  /** 0-based line of the source. */
  line: number;
  /** The C that is outside the model, and what the model assumes of it. */
  c: string;
  what: string;
}

/** A function that could not be lowered, and why (the first statement that stopped it). */
export interface LowerError {
  fn: string;
  line: number;
  why: string;
}

export interface LowerOptions {
  /** Where the text came from, for messages ("fs/dax.c"). */
  file: string;
  /** Functions defined elsewhere that calls may name (the rest of the reference). */
  known?: ReadonlySet<string>;
  /** Outside-the-model calls and fields are errors (the reference) rather than assumptions (a patch). */
  strict?: boolean;
  /** Only these functions (by name); default every function definition in the text. */
  only?: ReadonlySet<string>;
  /** The kernel version a function follows when its comment does not say (`@kernel ...`). */
  kernel?: string;
}

export interface Lowered {
  funcs: Func[];
  assumptions: Assumption[];
  errors: LowerError[];
}


const UN_OPS: ReadonlySet<string> = new Set<UnOp>(['!', '~', '-']);
const BIN_OPS: ReadonlySet<string> = new Set<BinOp>([
  '||', '&&', '|', '^', '&', '==', '!=', '<', '>', '<=', '>=', '<<', '>>', '+', '-', '*', '/', '%',
]);
const ASSIGN_OPS = /^([-+*/%&|^]|<<|>>)?=$/;

class Stop extends Error {
  constructor(readonly line: number, message: string) { super(message); }
}

/** A call with fewer arguments than the API table's template for it reads: the C is not the
 *  kernel's call (a typo, a mangled line), and its function does not lower. */
class ArityMismatch extends Error {}

const fold = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** "struct vm_fault *" -> "vm_fault"; null when the type is not a struct. */
function structOf(type: string | undefined): string | null {
  const m = type ? /\bstruct\s+(\w+)/.exec(type) : null;
  return m ? m[1] : null;
}

const depth = (type: string | undefined): number => (type ?? '').split('*').length - 1;
const deref1 = (type: string | undefined): string | undefined => (type && depth(type) ? type.replace(/\s*\*\s*$/, '') : undefined);

/** Replaces $0, $1, ... and $ret in a template's expression by the call's arguments and result. */
function substitute(e: C.Expr, args: readonly C.Expr[], ret: C.Expr | null, where: string): C.Expr {
  const go = (x: C.Expr): C.Expr => {
    switch (x.k) {
      case 'id': {
        const m = /^__arg(\d+)$/.exec(x.name);
        if (m) {
          const a = args[Number(m[1])];
          if (!a) throw new ArityMismatch(`${where} takes ${Number(m[1]) + 1} arguments or more as the model has it; the call gives ${args.length}`);
          return a;
        }
        if (x.name === '__ret') {
          if (!ret) throw new Error(`${where}: $ret outside a primitive's result`);
          return ret;
        }
        return x;
      }
      case 'call': return { ...x, args: x.args.map(go) };
      case 'un': return { ...x, e: go(x.e) };
      case 'bin': return { ...x, l: go(x.l), r: go(x.r) };
      case 'cond': return { ...x, c: go(x.c), t: go(x.t), f: go(x.f) };
      case 'member': return { ...x, e: go(x.e), index: x.index ? go(x.index) : undefined };
      case 'cast': return { ...x, e: go(x.e) };
      default: return x;
    }
  };
  return go(e);
}

const templates = new Map<string, C.Expr>();
function template(src: string): C.Expr {
  let e = templates.get(src);
  if (!e) {
    e = C.parseWholeExpr(src.replace(/\$ret\b/g, '__ret').replace(/\$(\d+)/g, '__arg$1'));
    templates.set(src, e);
  }
  return e;
}

/** The name a call's callee goes by in the API table: "f", or "->op" for a call through an ops table. */
function calleeKey(fn: string): string {
  const m = /(?:->|\.)(\w+)$/.exec(fn);
  return m ? `->${m[1]}` : fn;
}

/** One function being lowered. */
class FnLowering {
  readonly locals: string[] = [];
  readonly types = new Map<string, string>();
  readonly inMemory: number[] = [];
  readonly code: Instr[] = [];
  private readonly labels = new Map<string, number>();
  private readonly fixups: { at: number; label: string }[] = [];
  private temps = 0;
  private line = 0;
  private lineEnd = 0;
  private label = '';
  private readonly loops: { cont: string; brk: string }[] = [];
  private anon = 0;
  /** API entries whose templates are being lowered: a call of the same name in one is the IR's helper. */
  private readonly expanding = new Set<string>();

  constructor(
    readonly name: string,
    private readonly api: Api,
    private readonly known: ReadonlySet<string>,
    private readonly strict: boolean,
    private readonly assumptions: Assumption[],
  ) {}

  // --- locals and types ---------------------------------------------------------------

  private index(name: string): number | undefined {
    const i = this.locals.indexOf(name);
    return i < 0 ? undefined : i;
  }

  /** Declares a local (or parameter) of a type; a struct the model keeps in memory is one local per field. */
  declare(name: string, type: string): void {
    if (this.types.has(name)) {
      if (this.types.get(name) !== type) this.stop(`'${name}' is declared twice with different types`);
      return;
    }
    this.types.set(name, type);
    const rec = depth(type) === 0 ? structOf(type) : null;
    const fields = rec ? this.api.records[rec] : undefined;
    if (fields) {
      for (const f of fields) {
        this.inMemory.push(this.locals.length);
        this.locals.push(`${name}.${f}`);
      }
      return;
    }
    this.locals.push(name);
  }

  private temp(): { k: 'local'; i: number; name: string } {
    const name = `__t${this.temps++}`;
    this.locals.push(name);
    return { k: 'local', i: this.locals.length - 1, name };
  }

  private newLabel(): string { return `__L${this.anon++}`; }

  // --- emitting -------------------------------------------------------------------------

  private emit(ins: Instr): void {
    this.code.push({ ...ins, at: this.line, to: this.lineEnd } as Instr);
  }

  private place(label: string): void {
    if (this.labels.has(label)) this.stop(`label '${label}' defined twice`);
    this.labels.set(label, this.code.length);
  }

  private jump(label: string, cond?: Expr): void {
    this.fixups.push({ at: this.code.length, label });
    this.emit({ k: 'jump', cond, target: -1, label: this.label });
  }

  stop(why: string): never { throw new Stop(this.line, why); }

  private assume(c: string, what: string): void {
    this.assumptions.push({ fn: this.name, line: this.line, c, what });
  }

  // --- expressions ---------------------------------------------------------------------

  private typeOf(e: C.Expr): string | undefined {
    switch (e.k) {
      case 'id': return this.types.get(e.name);
      case 'cast': return e.type;
      case 'un': return e.op === '*' ? deref1(this.typeOf(e.e)) : e.op === '&' ? `${this.typeOf(e.e) ?? 'void'} *` : undefined;
      case 'member': {
        if (e.op === '[]') return deref1(this.typeOf(e.e));
        const m = fieldMeaning(this.api, structOf(this.typeOf(e.e)), e.name);
        return m && 'type' in m ? m.type : undefined;
      }
      default: return undefined;
    }
  }

  /** Whether lowering the expression emits instructions (calls the model runs, assignments). */
  private effectful(e: C.Expr): boolean {
    switch (e.k) {
      case 'call': {
        const m = this.meaning(e.fn);
        return m === 'fn' || m?.k !== 'expr' || e.args.some((a) => this.effectful(a));
      }
      case 'un': return e.op === '++' || e.op === '--' || e.op.endsWith('post') || this.effectful(e.e)
        || (e.op === '*' && !!this.api.derefs?.[fold(deref1(this.typeOf(e.e)) ?? '')]);
      case 'bin': return ASSIGN_OPS.test(e.op) && e.op !== '==' ? true : this.effectful(e.l) || this.effectful(e.r);
      case 'cond': return this.effectful(e.c) || this.effectful(e.t) || this.effectful(e.f);
      case 'cast': return this.effectful(e.e);
      case 'member': {
        if (e.op === '[]') return !!this.arrayOf(e) || this.effectful(e.e);
        const m = fieldMeaning(this.api, structOf(this.typeOf(e.e)), e.name);
        return m?.k === 'read' || this.effectful(e.e);
      }
      default: return false;
    }
  }

  /** What a callee is: a function of the program, or its API meaning. */
  private meaning(fn: string): 'fn' | CallMeaning | undefined {
    if (this.known.has(fn)) return 'fn';
    const key = calleeKey(fn);
    const m = this.expanding.has(fn) ? undefined
      : this.api.calls[key] ?? Object.entries(this.api.prefixes ?? {}).find(([p]) => key.startsWith(p))?.[1];
    return m;
  }

  /** The value of an expression; calls, field reads and assignments in it are emitted first, in C's order. */
  value(e: C.Expr): Expr {
    switch (e.k) {
      case 'num': return { k: 'const', v: Number(BigInt.asIntN(32, e.value)) };
      case 'str': return { k: 'const', v: 0 };
      case 'id': return this.ident(e.name);
      case 'cast': return this.value(e.e);
      case 'cond': {
        if (!this.effectful(e.t) && !this.effectful(e.f) && !this.effectful(e.c)) {
          return { k: 'cond', c: this.value(e.c), a: this.value(e.t), b: this.value(e.f) };
        }
        const t = this.temp(), other = this.newLabel(), end = this.newLabel();
        this.branchFalse(e.c, other);
        this.emit({ k: 'assign', dst: t, e: this.value(e.t), label: this.label });
        this.jump(end);
        this.place(other);
        this.emit({ k: 'assign', dst: t, e: this.value(e.f), label: this.label });
        this.place(end);
        return t;
      }
      case 'un': {
        if (e.op === '*') {
          if (e.e.k === 'un' && e.e.op === '&') return this.value(e.e.e);
          const state = this.api.derefs?.[fold(deref1(this.typeOf(e.e)) ?? '')];
          if (!state) return { k: 'deref', e: this.value(e.e) };
          const t = this.temp();
          this.emit({ k: 'prim', name: state.prim, args: [], dst: t, label: this.label });
          return t;
        }
        if (e.op === '&') return this.address(e.e);
        if (e.op === '+') return this.value(e.e);
        if (UN_OPS.has(e.op)) return { k: 'un', op: e.op as UnOp, e: this.value(e.e) };
        if (e.op === '++' || e.op === '--') { this.update(e.e, e.op === '++' ? 1 : -1); return this.value(e.e); }
        if (e.op === '++post' || e.op === '--post') {
          const t = this.temp();
          this.emit({ k: 'assign', dst: t, e: this.value(e.e), label: this.label });
          this.update(e.e, e.op === '++post' ? 1 : -1);
          return t;
        }
        break;
      }
      case 'bin': {
        if (e.op === ',') { this.effect(e.l); return this.value(e.r); }
        if (ASSIGN_OPS.test(e.op) && e.op !== '==') { this.assign(e); return this.value(e.l); }
        if (!BIN_OPS.has(e.op)) break;
        if ((e.op === '&&' || e.op === '||') && this.effectful(e.r)) {
          const t = this.temp(), end = this.newLabel();
          this.emit({ k: 'assign', dst: t, e: { k: 'const', v: e.op === '&&' ? 0 : 1 }, label: this.label });
          if (e.op === '&&') { this.branchFalse(e.l, end); this.branchFalse(e.r, end); } else { this.branchTrue(e.l, end); this.branchTrue(e.r, end); }
          this.emit({ k: 'assign', dst: t, e: { k: 'const', v: e.op === '&&' ? 1 : 0 }, label: this.label });
          this.place(end);
          return t;
        }
        return { k: 'bin', op: e.op as BinOp, a: this.value(e.l), b: this.value(e.r) };
      }
      case 'call': return this.call(e, null);
      case 'member': return this.member(e);
      default: break;
    }
    return this.stop(`the model cannot compute '${C.show(e)}'`);
  }

  private ident(name: string): Expr {
    const i = this.index(name);
    if (i !== undefined) return { k: 'local', i, name };
    const rec = this.recordFirst(name);
    if (rec !== undefined) this.stop(`'${name}' is a struct: the model passes it by its address (&${name})`);
    const c = Object.prototype.hasOwnProperty.call(this.api.constants, name) ? this.api.constants[name] : undefined;
    if (c !== undefined) return { k: 'const', v: c };
    // A function named as a value (a callback handed on): its pointer.
    const f = this.api.functionPointers?.[name];
    if (f !== undefined) return { k: 'const', v: f };
    return this.outside(name, `'${name}' is outside the model`, [0, 1]);
  }

  /** The first field local of a struct local the model keeps in memory. */
  private recordFirst(name: string): number | undefined {
    const type = this.types.get(name);
    const rec = type && depth(type) === 0 ? structOf(type) : null;
    const fields = rec ? this.api.records[rec] : undefined;
    return fields?.length ? this.index(`${name}.${fields[0]}`) : undefined;
  }

  /** &x: a local's address, a struct's first field, or the object a constant field names. */
  private address(e: C.Expr): Expr {
    if (e.k === 'id') {
      const first = this.recordFirst(e.name);
      if (first !== undefined) return { k: 'addr', i: first, name: e.name };
      const i = this.index(e.name);
      if (i !== undefined) return { k: 'addr', i, name: e.name };
      const c = this.api.constants[e.name];
      if (c !== undefined) return { k: 'const', v: c };
      // A struct the model does not keep (an empty record): its address is no object of the model.
      if (this.types.has(e.name)) return { k: 'const', v: 0 };
      return this.stop(`&${e.name}: not a variable`);
    }
    if (e.k === 'un' && e.op === '*') return this.value(e.e);
    if (e.k === 'member' && e.op !== '[]') {
      const m = fieldMeaning(this.api, structOf(this.typeOf(e.e)), e.name);
      if (m?.k === 'const') return { k: 'const', v: m.v };
      if (m?.k === 'slot') return this.slotAddress(e);
      // A field its object's primitives keep (atomic_inc(&page->_count)): the object stands for it.
      if (m?.k === 'read') return e.op === '->' ? this.value(e.e) : this.address(e.e);
      // The address of a part of an object the model does not keep (a wait queue entry's key).
      if (!m || m.k === 'ignored') return { k: 'const', v: 0 };
    }
    return this.stop(`the model cannot take the address of '${C.show(e)}'`);
  }

  private slotAddress(e: Extract<C.Expr, { k: 'member' }>): Expr {
    const rec = structOf(this.typeOf(e.e));
    const off = rec ? (this.api.records[rec] ?? []).indexOf(e.name) : -1;
    if (off < 0) this.stop(`${rec}.${e.name} is not a field the model keeps`);
    if (e.op === '.' && e.e.k === 'id') {
      const i = this.index(`${e.e.name}.${e.name}`);
      if (i === undefined) this.stop(`'${e.e.name}' is not a struct the model keeps`);
      return { k: 'addr', i, name: `${e.e.name}.${e.name}` };
    }
    const base = e.op === '->' ? this.value(e.e) : this.address(e.e);
    return off ? { k: 'bin', op: '+', a: base, b: { k: 'const', v: off } } : base;
  }

  private member(e: Extract<C.Expr, { k: 'member' }>): Expr {
    if (e.op === '[]') {
      const arr = this.arrayOf(e);
      if (!arr || !e.index) return this.stop(`array subscripts are outside the model ('${C.show(e)}')`);
      const t = this.temp();
      const args = [this.value(e.e), this.value(e.index)];
      this.emit({ k: 'prim', name: arr.read, args, dst: t, label: this.label });
      return t;
    }
    const struct = structOf(this.typeOf(e.e));
    const m = fieldMeaning(this.api, struct, e.name);
    const object = (): Expr => (e.op === '->' ? this.value(e.e) : this.address(e.e));
    switch (m?.k) {
      case 'const': return { k: 'const', v: m.v };
      case 'slot': {
        const a = this.slotAddress(e);
        return a.k === 'addr' ? { k: 'local', i: a.i, name: a.name } : { k: 'deref', e: a };
      }
      case 'read': {
        const t = this.temp();
        const obj = e.op === '->' ? e.e : { k: 'un' as const, op: '&', e: e.e };
        const args = m.args ? m.args.map((a) => this.value(substitute(template(a), [obj], null, e.name))) : [object()];
        this.emit({ k: 'prim', name: m.prim, args, dst: t, label: this.label });
        return m.ret ? this.value(substitute(template(m.ret), [], { k: 'id', name: t.name }, m.prim)) : t;
      }
      case 'view': return this.value(substitute(template(m.e), [e.op === '->' ? { k: 'un', op: '*', e: e.e } : e.e], null, e.name));
      case 'counter': {
        if (!m.read) return this.stop(`${struct ?? '?'}.${e.name} is not read in the model`);
        const t = this.temp();
        this.emit({ k: 'prim', name: m.read, args: [], dst: t, label: this.label });
        return t;
      }
      case 'ignored': return this.stop(`${struct ?? '?'}.${e.name} is not read in the model`);
      default: return this.outside(C.show(e), `${struct ? `struct ${struct}` : 'the object'}'s ${e.name} is outside the model`, [0, 1]);
    }
  }

  /** Something outside the model: an error for the reference, a choice and an assumption for a patch. */
  private outside(c: string, why: string, values: number[]): Expr {
    if (this.strict) this.stop(why);
    const t = this.temp();
    const vs = values.length ? values : [0, 1];
    this.emit({ k: 'choose', dst: t, name: c, values: vs, label: this.label });
    this.assume(c, `${why}: assumed to be ${vs.map((v) => (v < 0 && v >= -4095 ? `-${errnoName(-v)}` : String(v))).join(' or ')}`);
    return t;
  }

  /**
   * A call through a function pointer held in a variable (a callback passed as an argument):
   * the call of whichever of the era's named functions (Api.functionPointers) the pointer is;
   * one it is not is an assertion (a pointer the model does not know).
   */
  private dispatch(e: Extract<C.Expr, { k: 'call' }>, dst: LValue | null, discard: boolean): Expr {
    const ptr = this.ident(e.fn);
    const args = e.args.map((a) => this.value(a));
    const d = discard ? undefined : dst ?? this.temp();
    const end = this.newLabel();
    for (const [fn, id] of Object.entries(this.api.functionPointers ?? {})) {
      if (!this.known.has(fn)) continue;
      const next = this.newLabel();
      this.jump(next, { k: 'bin', op: '!=', a: ptr, b: { k: 'const', v: id } });
      this.emit({ k: 'call', fn, args, ...(d ? { dst: d } : {}), label: this.label });
      this.jump(end);
      this.place(next);
    }
    this.emit({ k: 'prim', name: 'WARN_ON_ONCE', args: [{ k: 'const', v: 1 }], label: this.label });
    this.place(end);
    return d ? lvalueExpr(d) : { k: 'const', v: 0 };
  }

  /** A call; its value is the callee's result (dst given: stored there directly). */
  private call(e: Extract<C.Expr, { k: 'call' }>, dst: LValue | null, discard = false): Expr {
    try {
      return this.callAs(e, dst, discard);
    } catch (err) {
      if (err instanceof ArityMismatch) this.stop(err.message);
      throw err;
    }
  }

  private callAs(e: Extract<C.Expr, { k: 'call' }>, dst: LValue | null, discard = false): Expr {
    if (this.index(e.fn) !== undefined && this.api.functionPointers) return this.dispatch(e, dst, discard);
    const m = this.meaning(e.fn);
    const zero: Expr = { k: 'const', v: 0 };
    if (m === 'fn') {
      const args = e.args.map((a) => this.value(a));
      const d = discard ? undefined : dst ?? this.temp();
      this.emit({ k: 'call', fn: e.fn, args, ...(d ? { dst: d } : {}), label: this.label });
      return d ? lvalueExpr(d) : zero;
    }
    if (!m) {
      // A call nobody described: a statement keeps running, its value is a choice.
      for (const a of e.args) if (this.effectful(a)) this.value(a);
      if (this.strict) this.stop(`${e.fn}() is not in the model (and not in its API table)`);
      const v = this.outside(`${e.fn}()`, `${e.fn}() is outside the model`, [0, 1]);
      if (dst) { this.emit({ k: 'assign', dst, e: v, label: this.label }); return lvalueExpr(dst); }
      return v;
    }
    const where = `${e.fn}()`;
    switch (m.k) {
      case 'fn': return this.call({ ...e, fn: m.fn }, dst, discard);
      case 'expr': {
        const v = this.expand(e.fn, () => this.value(substitute(template(m.e), this.once(template(m.e), e.args), null, where)));
        if (dst) { this.emit({ k: 'assign', dst, e: v, label: this.label }); return lvalueExpr(dst); }
        return v;
      }
      case 'none': {
        if (dst) { this.emit({ k: 'assign', dst, e: { k: 'const', v: 0 }, label: this.label }); return lvalueExpr(dst); }
        return { k: 'const', v: 0 };
      }
      case 'outside': {
        if (this.strict) this.stop(`${e.fn}() is outside the model`);
        const v = this.outside(`${e.fn}()`, `${e.fn}() is outside the model (${m.doc})`, m.returns);
        if (dst) { this.emit({ k: 'assign', dst, e: v, label: this.label }); return lvalueExpr(dst); }
        return v;
      }
      case 'wait': return this.waitLoop(e, m, dst);
      case 'prim': {
        const args = (m.args ?? e.args.map((_a, i) => `$${i}`)).map((t) => this.value(substitute(template(t), e.args, null, where)));
        if (m.out) {
          const out = this.value(substitute(template(m.out), e.args, null, where));
          this.emit({ k: 'prim', name: m.prim, args, dst: { k: 'deref', e: out }, label: this.label });
          if (dst) { this.emit({ k: 'assign', dst, e: zero, label: this.label }); return lvalueExpr(dst); }
          return zero;
        }
        if (m.ret) {
          const t = this.temp();
          this.emit({ k: 'prim', name: m.prim, args, dst: t, label: this.label });
          const v = this.value(substitute(template(m.ret), e.args, { k: 'id', name: t.name }, where));
          if (dst) { this.emit({ k: 'assign', dst, e: v, label: this.label }); return lvalueExpr(dst); }
          return v;
        }
        const d = discard ? undefined : dst ?? this.temp();
        this.emit({ k: 'prim', name: m.prim, args, ...(d ? { dst: d } : {}), label: this.label });
        return d ? lvalueExpr(d) : zero;
      }
    }
  }

  /** The variable a wait names: an object itself (number 0), or `&obj->field` of a field the
   *  API table gives a variable number. */
  private variable(v: C.Expr): { object: C.Expr; variable: number } {
    if (v.k !== 'un' || v.op !== '&' || v.e.k !== 'member' || v.e.op === '[]') return { object: v, variable: 0 };
    const field = v.e;
    const m = fieldMeaning(this.api, structOf(this.typeOf(field.e)), field.name);
    if (m?.k !== 'read' || m.variable === undefined) this.stop(`'${C.show(v)}' is not a variable the model's threads wait on or wake`);
    return { object: field.op === '->' ? field.e : { k: 'un', op: '&', e: field.e }, variable: m.variable };
  }

  /** A wait_event-family loop (CallMeaning 'wait'), as the kernel's macro expands it. */
  private waitLoop(e: Extract<C.Expr, { k: 'call' }>, m: Extract<CallMeaning, { k: 'wait' }>, dst: LValue | null): Expr {
    const arg = (i: number): C.Expr => e.args[i] ?? this.stop(`${e.fn}() has no argument ${i + 1}`);
    const named = (fn: string, args: C.Expr[]): Extract<C.Expr, { k: 'call' }> => ({ k: 'call', fn, args });
    const { object, variable } = this.variable(uncast(arg(m.var)));
    const key = this.temp();
    this.emit({ k: 'prim', name: '__var_waitqueue', args: [this.value(object), { k: 'const', v: variable }], dst: key, label: this.label });
    const keyC: C.Expr = { k: 'id', name: key.name };
    const exclusive = m.exclusive === undefined ? { k: 'const', v: 0 } : this.value(arg(m.exclusive));
    if (exclusive.k !== 'const') this.stop(`${e.fn}(): whether the wait is exclusive must be a constant`);
    const top = this.newLabel(), done = this.newLabel();
    this.place(top);
    this.effect(named(exclusive.v ? 'prepare_to_wait_exclusive' : 'prepare_to_wait', [keyC]));
    this.branchTrue(arg(m.condition), done);
    this.effect(m.cmd === undefined ? named('schedule', []) : arg(m.cmd));
    this.jump(top);
    this.place(done);
    this.effect(named('finish_wait', [keyC]));
    const zero: Expr = { k: 'const', v: 0 };
    if (dst) { this.emit({ k: 'assign', dst, e: zero, label: this.label }); return lvalueExpr(dst); }
    return zero;
  }

  private expand<T>(fn: string, f: () => T): T {
    this.expanding.add(fn);
    try { return f(); } finally { this.expanding.delete(fn); }
  }

  /**
   * The arguments of a call as a template may read them: an argument with an effect (a call,
   * an assignment) that the template names more than once is evaluated once, into a temporary,
   * as C evaluates it once.
   */
  private once(t: C.Expr, args: readonly C.Expr[]): C.Expr[] {
    const uses = new Map<number, number>();
    const count = (x: C.Expr): void => {
      switch (x.k) {
        case 'id': {
          const m = /^__arg(\d+)$/.exec(x.name);
          if (m) uses.set(Number(m[1]), (uses.get(Number(m[1])) ?? 0) + 1);
          return;
        }
        case 'call': x.args.forEach(count); return;
        case 'un': case 'cast': count(x.e); return;
        case 'bin': count(x.l); count(x.r); return;
        case 'cond': count(x.c); count(x.t); count(x.f); return;
        case 'member': count(x.e); if (x.index) count(x.index); return;
        default: return;
      }
    };
    count(t);
    return args.map((a, i) => {
      if ((uses.get(i) ?? 0) < 2 || !this.effectful(a)) return a;
      const tmp = this.temp();
      this.emit({ k: 'assign', dst: tmp, e: this.value(a), label: this.label });
      return { k: 'id', name: tmp.name };
    });
  }

  // --- assignments ---------------------------------------------------------------------

  /** Where an lvalue expression stores; null for a field the model drops. */
  private lvalue(e: C.Expr): LValue | null {
    if (e.k === 'cast') return this.lvalue(e.e);
    if (e.k === 'id') {
      const i = this.index(e.name);
      if (i === undefined) this.stop(`'${e.name}' is not a variable of ${this.name}()`);
      return { k: 'local', i, name: e.name };
    }
    if (e.k === 'un' && e.op === '*') return { k: 'deref', e: this.value(e.e) };
    if (e.k === 'member' && e.op !== '[]') {
      const struct = structOf(this.typeOf(e.e));
      const m = fieldMeaning(this.api, struct, e.name);
      if (m?.k === 'slot') {
        const a = this.slotAddress(e);
        return a.k === 'addr' ? { k: 'local', i: a.i, name: a.name } : { k: 'deref', e: a };
      }
      if (m?.k === 'ignored' || (m?.k === 'const' && m.writes === 'dropped') || this.ignoredPart(e.e)) return null;
      if (!m && !this.strict) {
        this.assume(C.show(e), `a write to ${struct ? `struct ${struct}` : 'the object'}'s ${e.name}, which the model does not keep: dropped`);
        return null;
      }
      this.stop(`the model cannot write '${C.show(e)}'`);
    }
    return this.stop(`the model cannot assign to '${C.show(e)}'`);
  }

  /** Whether an expression names a part of an object the model does not keep (ewait.wait). */
  private ignoredPart(e: C.Expr): boolean {
    if (e.k !== 'member' || e.op === '[]') return false;
    const m = fieldMeaning(this.api, structOf(this.typeOf(e.e)), e.name);
    return m?.k === 'ignored' || this.ignoredPart(e.e);
  }

  private counter(e: C.Expr): string | null {
    if (e.k !== 'member' || e.op === '[]') return null;
    const m = fieldMeaning(this.api, structOf(this.typeOf(e.e)), e.name);
    return m?.k === 'counter' ? m.add : null;
  }

  /** x++, x--, x += n on a local or on a counter of the modelled state. */
  private update(target: C.Expr, delta: number | Expr): void {
    const d: Expr = typeof delta === 'number' ? { k: 'const', v: delta } : delta;
    const add = this.counter(target);
    if (add) { this.emit({ k: 'prim', name: add, args: [d], label: this.label }); return; }
    const lv = this.lvalue(target);
    if (!lv) return;
    this.emit({ k: 'assign', dst: lv, e: { k: 'bin', op: '+', a: lvalueExpr(lv), b: d }, label: this.label });
  }

  assign(e: Extract<C.Expr, { k: 'bin' }>): void {
    const op = e.op.slice(0, -1);
    if (op === '+' || op === '-') {
      const add = this.counter(e.l);
      if (add) {
        const v = this.value(e.r);
        this.emit({ k: 'prim', name: add, args: [op === '-' ? { k: 'un', op: '-', e: v } : v], label: this.label });
        return;
      }
    }
    if (this.setField(e, op) || this.setElement(e, op)) return;
    const lv = this.lvalue(e.l);
    // A write the model drops evaluates only what has effects.
    if (!lv && !this.effectful(e.r)) return;
    if (op === '') {
      const rhs = uncast(e.r);
      if (lv && rhs.k === 'call') { this.call(rhs, lv); return; }
      const v = this.value(e.r);
      if (lv) this.emit({ k: 'assign', dst: lv, e: v, label: this.label });
      return;
    }
    if (!BIN_OPS.has(op)) this.stop(`operator ${e.op}`);
    const v = this.value(e.r);
    if (lv) this.emit({ k: 'assign', dst: lv, e: { k: 'bin', op: op as BinOp, a: lvalueExpr(lv), b: v }, label: this.label });
  }

  /** The array of the modelled state a subscript reads or writes (Api.arrays), if it is one. */
  private arrayOf(e: Extract<C.Expr, { k: 'member' }>): { read: string; write: string } | undefined {
    return this.api.arrays?.[fold(this.typeOf(e.e) ?? '')];
  }

  /** An assignment to an element of an array of the modelled state (Api.arrays). */
  private setElement(e: Extract<C.Expr, { k: 'bin' }>, op: string): boolean {
    const l = uncast(e.l);
    if (l.k !== 'member' || l.op !== '[]' || !l.index) return false;
    const arr = this.arrayOf(l);
    if (!arr) return false;
    if (op !== '' && !BIN_OPS.has(op)) this.stop(`operator ${e.op}`);
    const base = this.value(l.e), index = this.value(l.index);
    const v = this.value(op === '' ? e.r : { k: 'bin', op, l, r: e.r });
    this.emit({ k: 'prim', name: arr.write, args: [base, index, v], label: this.label });
    return true;
  }

  /** An assignment to a field of the modelled state that a primitive writes (FieldMeaning.set). */
  private setField(e: Extract<C.Expr, { k: 'bin' }>, op: string): boolean {
    const l = uncast(e.l);
    if (l.k !== 'member' || l.op === '[]') return false;
    const m = fieldMeaning(this.api, structOf(this.typeOf(l.e)), l.name);
    if (m?.k !== 'read' || !m.set) return false;
    if (op !== '' && !BIN_OPS.has(op)) this.stop(`operator ${e.op}`);
    const v = this.temp();
    const rhs: C.Expr = op === '' ? e.r : { k: 'bin', op, l, r: e.r };
    this.emit({ k: 'assign', dst: v, e: this.value(rhs), label: this.label });
    const obj: C.Expr = l.op === '->' ? l.e : { k: 'un', op: '&', e: l.e };
    const args = m.set.args.map((a) => this.value(substitute(template(a), [obj, { k: 'id', name: v.name }], null, l.name)));
    this.emit({ k: 'prim', name: m.set.prim, args, label: this.label });
    return true;
  }

  // --- conditions ----------------------------------------------------------------------

  /** Jumps to `target` when the condition is false, evaluating it as C does (short circuit). */
  branchFalse(e: C.Expr, target: string): void {
    e = uncast(e);
    if (e.k === 'bin' && e.op === '&&') { this.branchFalse(e.l, target); this.branchFalse(e.r, target); return; }
    if (e.k === 'bin' && e.op === '||' && this.effectful(e.r)) {
      const yes = this.newLabel();
      this.branchTrue(e.l, yes);
      this.branchFalse(e.r, target);
      this.place(yes);
      return;
    }
    if (e.k === 'un' && e.op === '!') { this.branchTrue(e.e, target); return; }
    const v = this.value(e);
    this.jump(target, { k: 'un', op: '!', e: v });
  }

  /** Jumps to `target` when the condition is true. */
  branchTrue(e: C.Expr, target: string): void {
    e = uncast(e);
    if (e.k === 'bin' && e.op === '||') { this.branchTrue(e.l, target); this.branchTrue(e.r, target); return; }
    if (e.k === 'bin' && e.op === '&&' && this.effectful(e.r)) {
      const no = this.newLabel();
      this.branchFalse(e.l, no);
      this.branchTrue(e.r, target);
      this.place(no);
      return;
    }
    if (e.k === 'un' && e.op === '!') { this.branchFalse(e.e, target); return; }
    this.jump(target, this.value(e));
  }

  // --- statements ----------------------------------------------------------------------

  /** The statement being lowered: its first line, the line its text (or its condition, `upTo`) ends on, its label. */
  private at(n: Node, label: string, upTo: Node | null = n): void {
    this.line = n.startPosition.row;
    this.lineEnd = (upTo ?? n).endPosition.row;
    this.label = label;
  }

  private expr(n: Node | null): C.Expr {
    if (!n) return this.stop('missing expression');
    if (n.hasError) this.stop(`C the parser could not read: '${fold(n.text)}'`);
    try {
      return C.parseWholeExpr(n.text);
    } catch (err) {
      return this.stop(err instanceof Error ? err.message : String(err));
    }
  }

  stmt(n: Node): void {
    switch (n.type) {
      case 'comment': case ';': return;
      case 'compound_statement':
        for (const c of n.namedChildren) if (c) this.stmt(c);
        return;
      case 'declaration': this.declaration(n); return;
      case 'expression_statement': {
        const x = n.namedChild(0);
        if (!x) return;
        this.at(n, fold(n.text));
        this.effect(this.expr(x));
        return;
      }
      case 'if_statement': {
        const cond = n.childForFieldName('condition');
        this.at(n, `if ${fold(cond?.text ?? '')}`, cond);
        const other = this.newLabel();
        this.branchFalse(this.expr(cond), other);
        const cons = n.childForFieldName('consequence');
        if (cons) this.stmt(cons);
        const alt = n.childForFieldName('alternative');
        const altBody = alt ? (alt.type === 'else_clause' ? alt.namedChildren.find((c) => c && c.type !== 'comment') ?? null : alt) : null;
        if (altBody) {
          const end = this.newLabel();
          this.at(altBody, '} else {', null);
          this.lineEnd = this.line;
          this.jump(end);
          this.place(other);
          this.stmt(altBody);
          this.place(end);
        } else this.place(other);
        return;
      }
      case 'while_statement': case 'for_statement': case 'do_statement': this.loop(n); return;
      case 'switch_statement': this.switch(n); return;
      case 'break_statement': {
        this.at(n, 'break;');
        const l = this.loops[this.loops.length - 1];
        if (!l) this.stop('break outside a loop or switch');
        this.jump(l.brk);
        return;
      }
      case 'continue_statement': {
        this.at(n, 'continue;');
        const l = [...this.loops].reverse().find((x) => x.cont);
        if (!l) this.stop('continue outside a loop');
        this.jump(l.cont);
        return;
      }
      case 'goto_statement': {
        const l = n.childForFieldName('label')?.text ?? '';
        this.at(n, fold(n.text));
        this.jump(l);
        return;
      }
      case 'labeled_statement': {
        this.place(n.childForFieldName('label')?.text ?? '');
        for (const c of n.namedChildren.slice(1)) if (c) this.stmt(c);
        return;
      }
      case 'return_statement': {
        this.at(n, fold(n.text));
        const x = n.namedChildren.find((c) => c && c.type !== 'comment') ?? null;
        if (!x) { this.emit({ k: 'ret', label: this.label }); return; }
        const e = uncast(this.expr(x));
        const v = this.value(e);
        this.emit({ k: 'ret', e: v, label: this.label });
        return;
      }
      default:
        this.at(n, fold(n.text));
        this.stop(`a ${n.type.replace(/_/g, ' ')} the lowering does not take`);
    }
  }

  /** An expression statement: its effects, its value dropped. */
  private effect(e: C.Expr): void {
    e = uncast(e);
    if (e.k === 'bin' && ASSIGN_OPS.test(e.op) && e.op !== '==') { this.assign(e); return; }
    if (e.k === 'un' && (e.op === '++' || e.op === '++post')) { this.update(e.e, 1); return; }
    if (e.k === 'un' && (e.op === '--' || e.op === '--post')) { this.update(e.e, -1); return; }
    if (e.k === 'call') {
      const m = this.meaning(e.fn);
      if (m === 'fn' || m?.k === 'prim' || m?.k === 'fn') {
        // A result nobody reads needs no local.
        this.call(e, null, true);
        return;
      }
      if (!m && !this.strict) {
        // A call outside the model whose value nobody reads: its arguments run, and it is
        // assumed to change nothing the model keeps.
        for (const a of e.args) if (this.effectful(a)) this.value(a);
        this.assume(`${e.fn}()`, `${e.fn}() is outside the model: assumed to change nothing the model keeps`);
        return;
      }
      this.value(e);
      return;
    }
    if (e.k === 'bin' && e.op === ',') { this.effect(e.l); this.effect(e.r); return; }
    this.value(e);
  }

  private declaration(n: Node): void {
    const base = fold(n.childForFieldName('type')?.text ?? 'int');
    for (const d of n.namedChildren) {
      if (!d || d.type === 'comment' || d.id === n.childForFieldName('type')?.id) continue;
      if (d.type === 'storage_class_specifier' || d.type === 'type_qualifier' || d.type === 'primitive_type' || d.type.endsWith('_specifier')) continue;
      const decl = d.type === 'init_declarator' ? d.childForFieldName('declarator') : d;
      const { name, stars } = declarator(decl);
      if (!name) this.stop(`a declarator the lowering does not take: '${fold(d.text)}'`);
      const type = `${base}${stars ? ` ${'*'.repeat(stars)}` : ''}`;
      this.declare(name, type);
      if (d.type !== 'init_declarator') continue;
      const value = d.childForFieldName('value');
      if (!value) continue;
      this.at(n, fold(n.text));
      if (value.type === 'initializer_list') this.initializer(name, value);
      else this.assign({ k: 'bin', op: '=', l: { k: 'id', name }, r: this.expr(value) });
    }
  }

  /** `struct vm_fault vmf = { .pgoff = index, ... }`, or `= { 0 }`: the fields the model keeps, others zero. */
  private initializer(name: string, list: Node): void {
    const rec = structOf(this.types.get(name));
    const fields = rec ? this.api.records[rec] : undefined;
    const given = new Map<string, Node>();
    for (const item of list.namedChildren) {
      if (!item || item.type === 'comment') continue;
      if (item.type === 'initializer_pair') {
        const field = item.childForFieldName('designator')?.text.replace(/^\./, '') ?? item.namedChild(0)?.text.replace(/^\./, '') ?? '';
        const v = item.childForFieldName('value');
        if (v) given.set(field, v);
      } else if (!(item.type === 'number_literal' && item.text === '0')) {
        this.stop(`an initializer the lowering does not take: '${fold(list.text)}'`);
      }
    }
    if (!fields) {
      if (given.size) this.stop(`struct ${rec ?? '?'} is not kept by the model: its initializer cannot be run`);
      const i = this.index(name);
      if (i !== undefined) this.emit({ k: 'assign', dst: { k: 'local', i, name }, e: { k: 'const', v: 0 }, label: this.label });
      return;
    }
    for (const f of fields) {
      const i = this.index(`${name}.${f}`)!;
      const v = given.get(f);
      this.emit({ k: 'assign', dst: { k: 'local', i, name: `${name}.${f}` }, e: v ? this.value(this.expr(v)) : { k: 'const', v: 0 }, label: this.label });
    }
    for (const f of given.keys()) {
      if (fields.includes(f)) continue;
      const m = fieldMeaning(this.api, rec, f);
      if (m?.k === 'ignored' || m?.k === 'const') continue;
      if (this.strict) this.stop(`struct ${rec}'s ${f} is not a field the model keeps`);
      this.assume(`.${f}`, `struct ${rec}'s ${f} is not kept by the model: its initial value is dropped`);
    }
  }

  private loop(n: Node): void {
    const head = n.type === 'do_statement' ? 'do' : n.type === 'while_statement' ? 'while' : 'for';
    const cond = n.childForFieldName('condition');
    const top = this.newLabel(), next = this.newLabel(), end = this.newLabel();
    if (n.type === 'for_statement') {
      const init = n.childForFieldName('initializer');
      if (init) {
        if (init.type === 'declaration') this.declaration(init);
        else { this.at(init, fold(init.text)); this.effect(this.expr(init)); }
      }
    }
    this.place(top);
    const test = cond && fold(cond.text).replace(/[()\s]/g, '') !== '' ? cond : null;
    if (test && n.type !== 'do_statement') {
      this.at(n, `${head} ${fold(test.text)}`, test);
      this.branchFalse(this.expr(test), end);
    }
    this.loops.push({ cont: next, brk: end });
    const body = n.childForFieldName('body');
    if (body) this.stmt(body);
    this.loops.pop();
    this.place(next);
    const update = n.childForFieldName('update');
    if (update) { this.at(update, fold(update.text)); this.effect(this.expr(update)); }
    if (n.type === 'do_statement' && test) {
      this.at(test, `while ${fold(test.text)}`);
      this.branchTrue(this.expr(test), top);
    } else {
      this.at(n, `${head} ${fold(test?.text ?? '(;;)')}`, test ?? n.child(0));
      this.jump(top);
    }
    this.place(end);
  }

  private switch(n: Node): void {
    const cond = n.childForFieldName('condition');
    this.at(n, `switch ${fold(cond?.text ?? '')}`, cond);
    const v = this.value(this.expr(cond));
    const t = this.temp();
    this.emit({ k: 'assign', dst: t, e: v, label: this.label });
    const end = this.newLabel();
    const body = n.childForFieldName('body');
    const cases = (body?.namedChildren ?? []).filter((c): c is Node => !!c && c.type === 'case_statement');
    const targets = cases.map(() => this.newLabel());
    let dflt: string | null = null;
    cases.forEach((c, i) => {
      const value = c.childForFieldName('value');
      if (!value) { dflt = targets[i]; return; }
      this.at(c, `case ${fold(value.text)}:`, value);
      this.jump(targets[i], { k: 'bin', op: '==', a: t, b: this.value(this.expr(value)) });
    });
    this.at(n, `switch ${fold(cond?.text ?? '')}`, cond);
    this.jump(dflt ?? end);
    this.loops.push({ cont: '', brk: end });
    cases.forEach((c, i) => {
      this.place(targets[i]);
      const value = c.childForFieldName('value');
      for (const s of c.namedChildren) if (s && s.id !== value?.id) this.stmt(s);
    });
    this.loops.pop();
    this.place(end);
  }

  build(kernel: string, params: string[]): Func {
    if (!this.code.length || this.code[this.code.length - 1].k !== 'ret') {
      this.label = '}';
      this.emit({ k: 'ret', label: '}' });
    }
    for (const f of this.fixups) {
      const at = this.labels.get(f.label);
      if (at === undefined) throw new Stop(this.code[f.at].at ?? 0, `goto to unknown label '${f.label}'`);
      (this.code[f.at] as { target: number }).target = at;
    }
    return {
      name: this.name, kernel, params, locals: this.locals, code: this.code, points: [],
      ...(this.inMemory.length ? { inMemory: this.inMemory } : {}),
    };
  }
}

function lvalueExpr(lv: LValue): Expr {
  return lv.k === 'local' ? { k: 'local', i: lv.i, name: lv.name } : { k: 'deref', e: lv.e };
}

function uncast(e: C.Expr): C.Expr {
  return e.k === 'cast' ? uncast(e.e) : e;
}

const ERRNO: Record<number, string> = { 5: 'EIO', 12: 'ENOMEM', 16: 'EBUSY', 17: 'EEXIST', 22: 'EINVAL', 11: 'EAGAIN', 95: 'EOPNOTSUPP', 13: 'EACCES' };
function errnoName(n: number): string { return ERRNO[n] ?? String(n); }

/** A declarator's name and how many pointer levels it adds ("**slot" -> slot, 2). */
function declarator(n: Node | null): { name: string | null; stars: number } {
  let stars = 0;
  let cur = n;
  while (cur && (cur.type === 'pointer_declarator' || cur.type === 'parenthesized_declarator')) {
    if (cur.type === 'pointer_declarator') stars++;
    cur = cur.childForFieldName('declarator') ?? cur.namedChildren.find((c) => c && c.type !== 'type_qualifier') ?? null;
  }
  if (!cur) return { name: null, stars };
  if (cur.type === 'identifier') return { name: cur.text, stars };
  if (cur.type === 'function_declarator') return declarator(cur.childForFieldName('declarator'));
  return { name: null, stars };
}

/** A function definition's name, parameters (with types) and body. */
function signature(fn: Node): { name: string; params: { name: string; type: string }[] } | null {
  let d = fn.childForFieldName('declarator');
  let stars = 0;
  while (d && d.type === 'pointer_declarator') { stars++; d = d.childForFieldName('declarator'); }
  if (!d || d.type !== 'function_declarator') return null;
  const name = d.childForFieldName('declarator')?.text;
  if (!name) return null;
  const params: { name: string; type: string }[] = [];
  for (const p of d.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || p.type !== 'parameter_declaration') continue;
    const base = fold(p.childForFieldName('type')?.text ?? 'int');
    const { name: pn, stars: ps } = declarator(p.childForFieldName('declarator'));
    if (!pn) { if (base === 'void') continue; return null; }
    params.push({ name: pn, type: `${base}${ps ? ` ${'*'.repeat(ps)}` : ''}` });
  }
  void stars;
  return { name, params };
}

/** The version a function follows: `@kernel v4.10 fs/dax.c` in the comment right above it. */
function kernelOf(fn: Node, fallback: string | undefined): string | null {
  for (let p = fn.previousSibling; p && p.type === 'comment'; p = p.previousSibling) {
    const m = /@kernel\s+([^\n*]+?)\s*(?:\*\/)?$/m.exec(p.text);
    if (m) return m[1].trim();
  }
  return fallback ?? null;
}

/** Every function definition in C text, by name. */
export function functionNames(text: string): string[] {
  const tree = loadedCParser().parse(text);
  try {
    return definitionsOf(tree.rootNode)
      .map((n) => signature(n)?.name)
      .filter((n): n is string => !!n);
  } finally {
    tree.delete();
  }
}

/**
 * Lowers the function definitions of C text (a whole file, or a function rebuilt from a patch)
 * to IR. Needs the C parser loaded (await getCParser()).
 */
export function lowerC(text: string, api: Api, opts: LowerOptions): Lowered {
  const tree = loadedCParser().parse(expandMacros(text, api.macros));
  try {
    return lowerDefinitions(definitionsOf(tree.rootNode), api, opts);
  } finally {
    tree.delete();
  }
}

/** Preprocessor conditionals whose first branch is read: the kernel's configuration the model
 *  follows has the feature (`#if IS_ENABLED(CONFIG_FS_DAX)`); an `#else` holds its stubs. */
const CONDITIONALS = new Set(['preproc_if', 'preproc_ifdef']);

/** The function definitions of a file, at its top level or in the first branch of a conditional. */
export function definitionsOf(root: Node): Node[] {
  const out: Node[] = [];
  for (const n of root.namedChildren) {
    if (!n) continue;
    if (n.type === 'function_definition') out.push(n);
    else if (CONDITIONALS.has(n.type)) out.push(...definitionsOf(firstBranch(n)));
  }
  return out;
}

/** A conditional without its #else / #elif: what the configuration the model follows compiles. */
function firstBranch(n: Node): Node {
  return { namedChildren: n.namedChildren.filter((c) => c && !/^preproc_(else|elif)/.test(c.type)) } as unknown as Node;
}

function lowerDefinitions(defs: Node[], api: Api, opts: LowerOptions): Lowered {
  const out: Lowered = { funcs: [], assumptions: [], errors: [] };
  const own = defs.map((d) => signature(d)?.name).filter((n): n is string => !!n);
  const known = new Set([...(opts.known ?? []), ...own]);
  for (const def of defs) {
    const sig = signature(def);
    if (!sig || (opts.only && !opts.only.has(sig.name))) continue;
    const kernel = kernelOf(def, opts.kernel);
    if (!kernel) {
      out.errors.push({ fn: sig.name, line: def.startPosition.row, why: `${sig.name}() does not say which kernel version it follows (@kernel)` });
      continue;
    }
    const assumptions: Assumption[] = [];
    const f = new FnLowering(sig.name, api, known, opts.strict ?? false, assumptions);
    try {
      for (const p of sig.params) f.declare(p.name, p.type);
      const params = [...f.locals];
      const body = def.childForFieldName('body');
      if (!body) throw new Stop(def.startPosition.row, 'no body');
      f.stmt(body);
      out.funcs.push(f.build(kernel, params));
      out.assumptions.push(...assumptions);
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      out.errors.push({ fn: sig.name, line: e.line, why: `${opts.file}:${e.line + 1}: ${sig.name}(): ${e.message}` });
    }
  }
  return out;
}

/** A file of kernel C: the kernel path it mirrors and its text. */
export interface CSource {
  path: string;
  text: string;
}

/** Where a lowered function came from. */
export interface FuncSource {
  path: string;
  /** 0-based line of its definition. */
  line: number;
}

/**
 * Lowers every function of a set of files, each file seeing the functions of all of them
 * (the files of one era, or an era with a patch applied). Errors name file, line and function.
 */
export function lowerSources(sources: readonly CSource[], api: Api, strict: boolean): Lowered & { where: Map<string, FuncSource> } {
  // Each file is parsed once: its definitions name the functions every file may call, then lower.
  const parser = loadedCParser();
  const trees = sources.map((s) => parser.parse(expandMacros(s.text, api.macros)));
  try {
    const defs = trees.map((t) => definitionsOf(t.rootNode));
    const known = new Set(defs.flat().map((d) => signature(d)?.name).filter((n): n is string => !!n));
    const out: Lowered & { where: Map<string, FuncSource> } = { funcs: [], assumptions: [], errors: [], where: new Map() };
    sources.forEach((s, i) => {
      const r = lowerDefinitions(defs[i], api, { file: s.path, known, strict });
      out.funcs.push(...r.funcs);
      out.assumptions.push(...r.assumptions);
      out.errors.push(...r.errors);
      for (const f of r.funcs) out.where.set(f.name, { path: s.path, line: Math.min(...f.code.map((c) => c.at ?? Infinity)) });
    });
    return out;
  } finally {
    for (const t of trees) t.delete();
  }
}

/** Each function definition of C text with its lines: first (its head) and last (its closing brace), 0-based. */
export function functionSpans(text: string): Map<string, [number, number]> {
  const tree = loadedCParser().parse(text);
  try {
    const out = new Map<string, [number, number]>();
    for (const n of definitionsOf(tree.rootNode)) {
      const name = signature(n)?.name;
      if (name) out.set(name, [n.startPosition.row, n.endPosition.row]);
    }
    return out;
  } finally {
    tree.delete();
  }
}
