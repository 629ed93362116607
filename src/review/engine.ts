// One path-sensitive engine over a function's CFG that evaluates the protocol table.
// A configuration is (CFG node, abstract state); the state holds the resources the path
// holds (with the condition under which each is really held), the branch facts known on
// the path, and the lock bit of entry values in variables. Exploration is exhaustive
// over configurations (finite: facts and resources are bounded by the function text),
// then leaks are located where the path becomes doomed to leak.
import type { Cfg, CfgNode, FunctionImage } from '../c/types';
import type { ViolationKind } from '../model/machine';
import type { FindingSeverity } from './types';
import { parseExpr, show, idents, rootVar, type Expr } from '../c/expr';
import { strip, truthCases, evalConst, valueLockBitOf, type Literal } from '../bind/cexpr';
import { CLASSES, KEY_MASKS, SLEEP_IN_ATOMIC, STORE_UNLOCKED, WAKE_ONE_AFTER_DELETE, type Effect, type GuardLiteral } from './protocols';
import { protocolOf } from '../model/eras/index';

import type { HelperSummary } from '../bind/helpers';
export type { HelperSummary };

export interface RawFinding {
  rule: string;
  kind: ViolationKind;
  severity: FindingSeverity;
  message: string;
  line: number;
  endLine: number;
  related: { line: number; message: string }[];
  /** The resource class or event, for the simulation binding. */
  about: string;
  /** The mail line of the call that acquired what leaked. */
  acquiredAt: number | null;
  /** Set on a resource still held when the function returns (not an event on one statement). */
  heldAtReturn?: boolean;
}

export interface EngineResult {
  findings: RawFinding[];
  /** Configurations explored; `complete` false when the budget cut the search. */
  configs: number;
  complete: boolean;
}

interface Res {
  id: string;            // acquiring node and class: stable across paths
  cls: string;
  api: string;
  handles: string[];     // variables (or lock texts) that name it
  index: string | null;  // the index expression it was taken at
  guard: Literal[];      // held only if all are true
  line: number | null;
}

interface State {
  res: Res[];
  facts: Record<string, boolean>;
  values: Record<string, boolean>;   // variable -> entry value has the lock bit
  released: string[];                // non-strict resource keys given up on this path
  blind: boolean;                    // the path went through code the mail does not show
}

interface Config { node: number; state: State; key: string; succ: number[]; preds: number[]; leaks: Res[]; term: 'exit' | 'cut' | null }

const EMPTY: State = { res: [], facts: {}, values: {}, released: [], blind: false };
const MAX_CONFIGS = 4000;
/** Most characters of configuration keys one function's walk may build: states that grow with
 *  every statement (resources under long guards) stop the walk here, as MAX_CONFIGS does. */
const MAX_KEY_CHARS = 4_000_000;
/** The pseudo-node past the end of a function the mail shows only in part. */
const CUT = -2;

function stateKey(s: State): string {
  const res = s.res.map((r) => `${r.id}:${r.handles.join(',')}:${r.guard.map((g) => (g.value ? '' : '!') + g.atom).join('&')}`).sort().join('|');
  const facts = Object.keys(s.facts).sort().map((k) => (s.facts[k] ? '' : '!') + k).join('&');
  const values = Object.keys(s.values).sort().map((k) => (s.values[k] ? 'L' : 'U') + k).join(',');
  return `${res}#${facts}#${values}#${[...s.released].sort().join(',')}#${s.blind ? 1 : 0}`;
}

function clone(s: State): State {
  return { res: s.res.map((r) => ({ ...r, handles: [...r.handles], guard: [...r.guard] })), facts: { ...s.facts }, values: { ...s.values }, released: [...s.released], blind: s.blind };
}

const atomIds = new Map<string, Set<string>>();
function idsOf(atom: string): Set<string> {
  let ids = atomIds.get(atom);
  if (!ids) { ids = idents(parseExpr(atom)); atomIds.set(atom, ids); }
  return ids;
}

/** Adds literals as facts; false when they contradict what the path knows. Resolves guards. */
function assume(s: State, lits: Literal[]): boolean {
  for (const l of lits) {
    const known = s.facts[l.atom];
    if (known !== undefined && known !== l.value) return false;
    s.facts[l.atom] = l.value;
    // IS_ERR(x) implies x is non-NULL.
    const m = /^IS_ERR\((\w+)\)$/.exec(l.atom);
    if (m && l.value) {
      if (s.facts[m[1]] === false) return false;
      s.facts[m[1]] = true;
    }
  }
  s.res = s.res.filter((r) => r.guard.every((g) => s.facts[g.atom] === undefined || s.facts[g.atom] === g.value));
  for (const r of s.res) r.guard = r.guard.filter((g) => s.facts[g.atom] === undefined);
  return true;
}

/** The variable's old value is gone: facts, lock-bit knowledge and handles that named it. */
function kill(s: State, v: string): void {
  for (const a of Object.keys(s.facts)) if (idsOf(a).has(v)) delete s.facts[a];
  delete s.values[v];
  for (const r of s.res) r.handles = r.handles.filter((h) => h !== v);
}

/** What a C function body tells the engine: findings and the configurations it explored. */
export interface EngineInput {
  cfg: Cfg;
  image: FunctionImage | null;
  helpers: ReadonlyMap<string, HelperSummary>;
}

class Run {
  configs: Config[] = [];
  byKey = new Map<string, number>();
  events = new Map<string, RawFinding>();
  nodes: Map<number, CfgNode>;
  preds = new Map<number, number>();
  complete = true;
  keyChars = 0;

  constructor(private input: EngineInput) {
    this.nodes = new Map(input.cfg.nodes.map((n) => [n.id, n]));
    for (const n of input.cfg.nodes) for (const s of n.succ) this.preds.set(s, (this.preds.get(s) ?? 0) + 1);
  }

  add(node: number, state: State, from: number | null): void {
    if (this.keyChars > MAX_KEY_CHARS) { this.complete = false; return; }
    const key = `${node}@${stateKey(state)}`;
    this.keyChars += key.length;
    let id = this.byKey.get(key);
    if (id === undefined) {
      if (this.configs.length >= MAX_CONFIGS) { this.complete = false; return; }
      id = this.configs.length;
      this.configs.push({ node, state, key, succ: [], preds: [], leaks: [], term: null });
      this.byKey.set(key, id);
      this.queue.push(id);
    }
    if (from !== null && !this.configs[from].succ.includes(id)) {
      this.configs[from].succ.push(id);
      this.configs[id].preds.push(from);
    }
  }

  queue: number[] = [];

  run(): void {
    this.add(this.input.cfg.entry, clone(EMPTY), null);
    for (let next = 0; next < this.queue.length; next++) this.step(this.queue[next]);
  }

  event(rule: string, kind: ViolationKind, severity: FindingSeverity, message: string, node: CfgNode, about: string): void {
    const line = node.mailLine;
    if (line === null) return;
    const k = `${rule}@${node.id}`;
    if (!this.events.has(k)) {
      this.events.set(k, { rule, kind, severity, message, line, endLine: endLineOf(this.input.image, node), related: [], about, acquiredAt: null });
    }
  }

  /** Successors of a node; falling off the end of a function the mail does not show whole is not a return. */
  follow(node: CfgNode, s: State, from: number): void {
    const open = !(this.input.image?.whole ?? !this.input.cfg.partial);
    for (const n of node.succ) this.add(n === this.input.cfg.exit && open && node.kind !== 'return' ? CUT : n, s, from);
  }

  step(id: number): void {
    const c = this.configs[id];
    if (c.node === CUT) { c.term = 'cut'; return; }
    const node = this.nodes.get(c.node);
    if (!node) return;
    const s = clone(c.state);
    switch (node.kind) {
      case 'exit':
        c.term = 'exit';
        c.leaks = s.res;
        return;
      case 'gap':
        // Code the mail does not show: it may give up anything the path holds.
        s.res = [];
        s.blind = true;
        if (!node.succ.length) { c.term = 'cut'; return; }
        this.follow(node, s, id);
        return;
      case 'branch': {
        const cond = conditionOf(node.text);
        // A call in the condition may take something (if (follow_pte(..., &ptl)) continue;):
        // its guard on the call's value is settled by the branch taken.
        for (const r of this.evalCalls(cond, s, node, null)) s.res.push(r);
        const e = parseExpr(cond);
        node.succ.forEach((n, i) => {
          const want = i === 0;
          for (const lits of truthCases(e, want)) {
            const t = clone(s);
            if (assume(t, lits)) this.follow({ ...node, succ: [n] }, t, id);
          }
        });
        return;
      }
      case 'return': {
        const text = node.text.replace(/^\s*return\b/, '').replace(/;\s*$/, '').trim();
        if (text) {
          const e = parseExpr(text);
          this.evalCalls(e, s, node, null);
          const v = rootVar(strip(e));
          if (v) s.res = s.res.filter((r) => !(CLASSES[r.cls]?.transferable && r.handles.includes(v)));
        }
        for (const n of node.succ) this.add(n, s, id);
        if (!node.succ.length) { c.term = 'exit'; c.leaks = s.res; }
        return;
      }
      case 'stmt':
        this.statement(node, s);
        break;
      default:
        break;
    }
    if (!node.succ.length) { c.term = 'exit'; c.leaks = s.res; return; }
    this.follow(node, s, id);
  }

  statement(node: CfgNode, s: State): void {
    const text = node.text.trim().replace(/;\s*$/, '');
    const decl = declaration(text);
    const e = decl ? { k: 'bin', op: '=', l: { k: 'id', name: decl.name }, r: parseExpr(decl.init) } as Expr : parseExpr(text);
    this.evalStmt(e, s, node);
  }

  evalStmt(e: Expr, s: State, node: CfgNode): void {
    if (e.k === 'bin' && /^([-+*/%&|^]|<<|>>)?=$/.test(e.op)) {
      const target = e.l.k === 'id' ? e.l.name : null;
      this.keyMask(e, s, node);
      const staged = this.evalCalls(e.r, s, node, target);
      if (target) {
        const alias = e.op === '=' ? rootVar(strip(e.r)) : null;
        kill(s, target);
        if (alias && alias !== target) for (const r of s.res) if (r.handles.includes(alias)) r.handles.push(target);
        if (alias && s.values[alias] !== undefined) s.values[target] = s.values[alias];
        for (const r of staged) s.res.push(r);
        if (e.op === '=') this.assignFacts(target, e.r, s);
      } else {
        // Stored through a pointer or into a structure: the caller can reach it now.
        const v = rootVar(strip(e.r));
        if (v) s.res = s.res.filter((r) => !(CLASSES[r.cls]?.transferable && r.handles.includes(v)));
        for (const r of staged) s.res.push(r);
      }
      return;
    }
    for (const r of this.evalCalls(e, s, node, null)) s.res.push(r);
  }

  assignFacts(v: string, rhs: Expr, s: State): void {
    const r = strip(rhs);
    const k = evalConst(r, { true: 1n, false: 0n, NULL: 0n });
    if (k !== null) { s.facts[v] = k !== 0n; return; }
    if (r.k === 'call' && r.fn === 'ERR_PTR') { s.facts[`IS_ERR(${v})`] = true; s.facts[v] = true; return; }
    const locked = this.lockBit(r, s);
    if (locked !== null) s.values[v] = locked;
  }

  /** Lock bit of an entry value: from the helper's definition, the table, or the expression itself. */
  lockBit(e: Expr, s: State): boolean | null {
    e = strip(e);
    if (e.k === 'id') return s.values[e.name] ?? null;
    if (e.k === 'call') {
      const h = this.input.helpers.get(e.fn);
      if (h) return h.locked;
      const api = protocolOf(e.fn);
      const v = api?.effects.find((x): x is Extract<Effect, { op: 'value' }> => x.op === 'value');
      return v ? v.locked : null;
    }
    return valueLockBit(e);
  }

  /** Calls in evaluation order; returns the resources acquired into `target`. */
  evalCalls(e: Expr | string, s: State, node: CfgNode, target: string | null): Res[] {
    const expr = typeof e === 'string' ? parseExpr(e) : e;
    const staged: Res[] = [];
    const visit = (x: Expr, top: boolean): void => {
      switch (x.k) {
        case 'call':
          x.args.forEach((a) => visit(a, false));
          staged.push(...this.call(x, s, node, top ? target : null));
          break;
        case 'un': case 'cast': visit(x.e, top && x.k === 'cast'); break;
        case 'bin': visit(x.l, false); visit(x.r, false); break;
        case 'cond': visit(x.c, false); visit(x.t, false); visit(x.f, false); break;
        case 'member': visit(x.e, false); if (x.index) visit(x.index, false); break;
        default: break;
      }
    };
    visit(expr, true);
    return staged;
  }

  call(x: Extract<Expr, { k: 'call' }>, s: State, node: CfgNode, target: string | null): Res[] {
    const api = protocolOf(x.fn);
    const self = target ?? show(x);
    // A lock is named alike where its address is passed (spin_lock(&ptl), an out-parameter
    // &ptl) and where its pointer is (spin_unlock(ptl)).
    const argText = (i: number): string => {
      const a = x.args[i < 0 ? x.args.length + i : i];
      return a ? show(strip(a)).replace(/^&\s*/, '') : '';
    };
    const bind = (g: GuardLiteral[] | undefined): Literal[] => (g ?? []).map((l) => ({ atom: l.atom.replace(/\$/g, self), value: l.value }));
    const acquired: Res[] = [];
    if (!api) {
      if (this.input.helpers.has(x.fn)) return acquired;
      // An unknown callee that is handed a handle may release or keep it: the path no longer owns it.
      for (const a of x.args) {
        const v = rootVar(strip(a));
        if (v) s.res = s.res.filter((r) => !(CLASSES[r.cls]?.transferable && r.handles.includes(v)));
      }
      return acquired;
    }
    for (const eff of api.effects) {
      switch (eff.op) {
        case 'acquire': {
          const handle = eff.handle === 'result' ? target : argText(eff.handle);
          const key = `${eff.cls}:${handle ?? ''}`;
          if (!CLASSES[eff.cls].strict && handle !== null && s.res.some((r) => r.cls === eff.cls && r.handles.includes(handle))) {
            this.event(CLASSES[eff.cls].rule, 'deadlock', 'error', `${handle} is taken again while this path already holds it`, node, eff.cls);
          }
          s.released = s.released.filter((k) => k !== key);
          acquired.push({ id: `${node.id}:${eff.cls}`, cls: eff.cls, api: x.fn, handles: handle !== null ? [handle] : [],
            index: eff.index !== undefined ? argText(eff.index) : null, guard: bind(eff.guard), line: node.mailLine });
          break;
        }
        case 'release': {
          const r = this.match(s, eff.cls, eff.match === undefined ? null : argText(eff.match), eff.lenient ?? false);
          if (r) {
            s.res = s.res.filter((q) => q !== r);
            if (!CLASSES[eff.cls].strict) s.released.push(`${eff.cls}:${r.handles[0] ?? ''}`);
          } else if (!s.blind && !CLASSES[eff.cls].strict && eff.match !== undefined) {
            const key = `${eff.cls}:${argText(eff.match)}`;
            if (s.released.includes(key)) {
              this.event(CLASSES[eff.cls].rule, 'lock-imbalance', 'error', `${argText(eff.match)} is released twice on this path`, node, eff.cls);
            }
          }
          break;
        }
        case 'convert': {
          const r = this.match(s, eff.from, eff.match === undefined ? null : argText(eff.match), true);
          if (!r && eff.always) {
            acquired.push({ id: `${node.id}:${eff.to}`, cls: eff.to, api: x.fn, handles: target ? [target] : [], index: null,
              guard: bind(eff.guard), line: node.mailLine });
          }
          if (r) {
            s.res = s.res.filter((q) => q !== r);
            acquired.push({ id: `${node.id}:${eff.to}`, cls: eff.to, api: x.fn, handles: target ? [target] : [], index: r.index,
              guard: bind(eff.guard), line: node.mailLine });
            if (eff.guard) {
              // On failure the old entry stays held by the caller.
              const back = { ...r, guard: eff.guard.map((l) => ({ atom: l.atom.replace(/\$/g, self), value: !l.value })) };
              acquired.push(back);
            }
          }
          break;
        }
        case 'delete': {
          if (eff.nullArg !== undefined) {
            const v = x.args[eff.nullArg];
            if (!v || evalConst(strip(v), { NULL: 0n }) !== 0n) break;
          }
          const entry = this.match(s, 'locked-entry', null, true, argText(eff.index)) ?? this.match(s, 'unlocked-entry', null, true, argText(eff.index));
          if (entry) {
            s.res = s.res.filter((q) => q !== entry);
            acquired.push({ id: `${node.id}:deleted-entry`, cls: 'deleted-entry', api: x.fn, handles: [], index: argText(eff.index), guard: [], line: node.mailLine });
          }
          break;
        }
        case 'wake': {
          const a = x.args[eff.all < 0 ? x.args.length + eff.all : eff.all];
          // bool wake_all (v4.x), or enum dax_wake_mode { WAKE_ALL, WAKE_NEXT } (v5.13 on).
          const all = a ? evalConst(strip(a), { true: 1n, false: 0n, WAKE_ALL: 1n, WAKE_NEXT: 0n })
            : eff.missing === undefined ? null : eff.missing ? 1n : 0n;
          const pending = s.res.filter((r) => r.cls === 'deleted-entry');
          if (pending.length) {
            if (all === 0n) {
              const w = WAKE_ONE_AFTER_DELETE;
              this.event(w.rule, w.kind, w.severity, w.message, node, 'wake-one');
              const f = this.events.get(`${w.rule}@${node.id}`);
              if (f && !f.related.length && pending[0].line !== null) {
                f.related.push({ line: pending[0].line, message: `${pending[0].api}() removed the entry here` });
                f.acquiredAt = pending[0].line;
              }
            }
            s.res = s.res.filter((r) => r.cls !== 'deleted-entry');
          }
          break;
        }
        case 'store': {
          const v = x.args[eff.value < 0 ? x.args.length + eff.value : eff.value];
          const locked = v ? this.lockBit(v, s) : null;
          const holding = s.res.some((r) => r.cls === 'locked-entry');
          if (locked === false && (holding || eff.index !== null)) {
            this.event(STORE_UNLOCKED.rule, STORE_UNLOCKED.kind, STORE_UNLOCKED.severity, STORE_UNLOCKED.message, node, 'store');
          }
          if (locked === true && eff.index !== null && !holding) {
            acquired.push({ id: `${node.id}:locked-entry`, cls: 'locked-entry', api: x.fn, handles: v ? [show(strip(v))] : [],
              index: argText(eff.index), guard: bind(eff.guard), line: node.mailLine });
          }
          break;
        }
        case 'sleeps': {
          const held = s.res.find((r) => CLASSES[r.cls]?.atomic);
          if (held) {
            const what = held.cls === 'preload' ? `the radix tree preload (${held.api}() disabled preemption)` : `${held.handles[0] ?? 'a spinlock'}`;
            const w = SLEEP_IN_ATOMIC;
            this.event(w.rule, w.kind, w.severity, w.message.replace('{api}', x.fn).replace('{held}', what), node, 'sleep');
            const f = this.events.get(`${w.rule}@${node.id}`);
            if (f && !f.related.length && held.line !== null) { f.related.push({ line: held.line, message: `${held.api}() here` }); f.acquiredAt = held.line; }
          }
          break;
        }
        case 'value': case 'pure':
          break;
      }
    }
    return acquired;
  }

  /** The held resource a call names: by handle, by index, or the only one of its class. */
  match(s: State, cls: string, handle: string | null, lenient: boolean, index?: string): Res | null {
    const of = s.res.filter((r) => r.cls === cls);
    if (handle !== null) {
      const h = of.find((r) => r.handles.includes(handle) || r.handles.includes(handle.replace(/^&/, '')));
      if (h) return h;
    }
    if (index !== undefined) {
      const i = of.find((r) => r.index === index);
      if (i) return i;
    }
    if ((lenient || handle === null) && of.length >= 1) return of[of.length - 1];
    return null;
  }

  /** `index &= MASK` under a PMD fact: the mask must clear exactly the PMD colour. */
  keyMask(e: Extract<Expr, { k: 'bin' }>, s: State, node: CfgNode): void {
    for (const rule of KEY_MASKS) {
      const target = e.l.k === 'id' ? e.l.name : null;
      if (!target || !rule.target.test(target)) continue;
      let mask: Expr | null = null;
      if (e.op === '&=') mask = e.r;
      else if (e.op === '=' && e.r.k === 'bin' && e.r.op === '&' && rootVar(strip(e.r.l)) === target) mask = e.r.r;
      if (!mask) continue;
      const onPmd = Object.keys(s.facts).some((a) => s.facts[a] && rule.pmdFact.test(a));
      if (!onPmd) continue;
      const m = evalConst(mask);
      if (m === null) continue;
      if ((m & rule.clear) !== 0n || (m & rule.keep) === 0n) this.event(rule.rule, rule.kind, 'error', rule.message, node, 'key');
    }
  }
}

/** The lock bit of an entry value built from the encoding's constants, when the expression says. */
export function valueLockBit(e: Expr): boolean | null {
  return valueLockBitOf(e);
}

function conditionOf(text: string): string {
  let t = text.trim().replace(/^(if|while|switch)\b/, '').trim();
  if (/^for\b/.test(t)) {
    const m = /^for\s*\(([^;]*);([^;]*);/.exec(t);
    return m ? m[2].trim() || '1' : '1';
  }
  t = t.replace(/\{\s*$/, '').trim();
  return t;
}

// Words (qualifiers, struct/enum/union tags, type names) then the declared name: each word is
// read one way only, so a line of many words that is no declaration fails in linear time.
const DECL = /^(?:[A-Za-z_]\w*\s+)+\**\s*([A-Za-z_]\w*)\s*=\s*([\s\S]+)$/;

function declaration(text: string): { name: string; init: string } | null {
  const m = DECL.exec(text);
  if (!m) return null;
  const head = text.slice(0, text.indexOf('='));
  if (/[()[\].>]/.test(head)) return null;
  return { name: m[1], init: m[2] };
}

/** The last mail line of the statement at `node` (a call may span several lines). */
export function endLineOf(image: FunctionImage | null, node: CfgNode): number {
  const start = node.mailLine ?? 0;
  if (!image || node.lineIndex === null) return start;
  let depth = 0;
  for (let i = node.lineIndex; i < image.lines.length; i++) {
    const l = image.lines[i];
    for (const ch of l.text) { if (ch === '(') depth++; if (ch === ')') depth--; }
    if (depth <= 0 && (/[;{]\s*(\/\*.*)?$/.test(l.text) || node.kind === 'branch' || node.kind === 'label')) return l.mailLine ?? start;
    if (i - node.lineIndex > 8) break;
  }
  return start;
}

/** Runs the table over one function. */
export function analyse(input: EngineInput): EngineResult {
  const run = new Run(input);
  // The bodies of the release and wake primitives implement the protocol they stand for.
  const self = protocolOf(input.cfg.fn);
  if (self && self.effects.some((e) => e.op === 'release' || e.op === 'wake' || e.op === 'value')) {
    return { findings: [], configs: 0, complete: true };
  }
  run.run();
  const findings = [...run.events.values()];
  if (run.complete) findings.push(...leaks(run, input));
  findings.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
  return { findings, configs: run.configs.length, complete: run.complete };
}

/** Leaks at exits, located where the path first becomes doomed to leak. */
function leaks(run: Run, input: EngineInput): RawFinding[] {
  const out: RawFinding[] = [];
  const cfgs = run.configs;
  const leaked = new Map<string, Res>();
  for (const c of cfgs) if (c.term === 'exit') for (const r of c.leaks) if (!leaked.has(r.id)) leaked.set(r.id, r);
  for (const [rid, res] of leaked) {
    const cls = CLASSES[res.cls];
    if (!cls) continue;
    if (!cls.strict) {
      // Only when some path of this function gives the same lock up before returning.
      const handle = res.handles[0] ?? '';
      const balanced = cfgs.some((c) => c.term === 'exit' && c.state.released.includes(`${res.cls}:${handle}`) && !c.leaks.some((r) => r.id === rid));
      if (!balanced) continue;
    }
    const holds = (c: Config): boolean => (c.term === 'exit' ? c.leaks : c.state.res).some((r) => r.id === rid);
    // Configurations from which some path ends without leaking this resource.
    const safe = new Set<number>();
    const work: number[] = [];
    cfgs.forEach((c, i) => {
      if (!holds(c) || (c.term !== null && !(c.term === 'exit' && c.leaks.some((r) => r.id === rid)))) { safe.add(i); work.push(i); }
    });
    while (work.length) {
      const i = work.pop() as number;
      for (const p of cfgs[i].preds) if (!safe.has(p) && holds(cfgs[p])) { safe.add(p); work.push(p); }
    }
    const doomed = (i: number): boolean => !safe.has(i) && holds(cfgs[i]);
    const seen = new Set<number>();
    cfgs.forEach((c, i) => {
      if (!doomed(i)) return;
      const entry = c.preds.length === 0 || c.preds.some((p) => !doomed(p));
      if (!entry) return;
      // Walk the doomed path until it joins code other paths share.
      let cur = i;
      let first: number | null = null;
      let last: number | null = null;
      for (let guard = 0; guard < 64; guard++) {
        const node = run.nodes.get(cfgs[cur].node);
        if (!node) break;
        if (cur !== i && (run.preds.get(node.id) ?? 0) > 1) break;
        if (node.mailLine !== null && node.kind !== 'exit') {
          if (first === null) first = node.mailLine;
          last = endLineOf(input.image, node);
        }
        const next = cfgs[cur].succ.filter(doomed);
        if (next.length !== 1) break;
        cur = next[0];
      }
      if (first === null) {
        // Nothing of the path has a mail line: point at the acquisition.
        first = res.line;
        last = res.line;
      }
      if (first === null || last === null) return;
      if (seen.has(first)) return;
      seen.add(first);
      const handle = res.handles[0] ?? res.index ?? '';
      const related = res.line !== null && res.line !== first ? [{ line: res.line, message: `${res.api}() here` }] : [];
      out.push({
        rule: cls.rule, kind: cls.kind, severity: cls.severity,
        message: cls.message.replace('{api}', `${res.api}()`).replace('{handle}', handle || 'the lock'),
        line: first, endLine: Math.max(first, last), related, about: res.cls, acquiredAt: res.line, heldAtReturn: true,
      });
    });
  }
  return out;
}

/** What the API table says a call does, for rules that read the patch as a whole (pairs.ts). */
export function protocolOfCall(fn: string): { effects: readonly Effect[] } | undefined {
  return protocolOf(fn);
}
