// What the binding needs to know of the model: the modelled functions (their calls, the C
// statements their steps are labelled with, their variation points), the primitives, and
// which scenarios run which functions (through the call graph from each thread's entry).
import { compileReference } from '../model/dax/index';
import { SCENARIOS } from '../model/scenarios';
import { PURE, K, type Func, type Instr, type Expr as IrExpr, type PointDecl, type PointValue } from '../model/ir';
import { PRIMS } from '../model/kernel/prims';
import { buildScenario } from '../model/index';
import type { Machine } from '../model/machine';

export interface ModelFunction {
  name: string;
  kernel: string;
  calls: Set<string>;
  /** The C statements the function's steps model, whitespace folded. */
  statements: Set<string>;
  /** Parameters and locals: what a condition or assignment may read for the model to run it. */
  vars: Set<string>;
  points: PointDecl[];
}

export interface ModelIndex {
  functions: Map<string, ModelFunction>;
  /** Primitives, pure helpers and modelled functions: calls the model can run. */
  known: Set<string>;
  /** Constants of the kernel headers the model evaluates exactly. */
  constants: Set<string>;
  /** Scenarios with the functions their threads run; `cost` orders them (threads, then indexes). */
  scenarios: { name: string; description: string; functions: Set<string>; cost: number }[];
  hasPoint(fn: string, point: string): boolean;
}

/** Variation point settings per function: { grab_mapping_entry: { downgrade_wake_all: false } }. */
export type PointSettings = Record<string, Record<string, PointValue>>;

const fold = (s: string): string => s.replace(/\s+/g, ' ').trim();

function pureCalls(e: IrExpr, out: Set<string>): void {
  switch (e.k) {
    case 'pure': out.add(e.fn); e.args.forEach((a) => pureCalls(a, out)); break;
    case 'un': case 'deref': pureCalls(e.e, out); break;
    case 'bin': pureCalls(e.a, out); pureCalls(e.b, out); break;
    case 'cond': pureCalls(e.c, out); pureCalls(e.a, out); pureCalls(e.b, out); break;
    default: break;
  }
}

function describe(f: Func): ModelFunction {
  const calls = new Set<string>();
  const statements = new Set<string>();
  const exprs = (i: Instr): IrExpr[] => {
    switch (i.k) {
      case 'assign': return [i.e];
      case 'prim': case 'call': return i.args;
      case 'jump': return i.cond ? [i.cond] : [];
      case 'ret': return i.e ? [i.e] : [];
      default: return [];
    }
  };
  for (const i of f.code) {
    if (i.k === 'prim') calls.add(i.name);
    if (i.k === 'call') calls.add(i.fn);
    for (const e of exprs(i)) pureCalls(e, calls);
    if (i.label) {
      statements.add(fold(i.label));
      for (const m of i.label.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) calls.add(m[1]);
    }
  }
  return { name: f.name, kernel: f.kernel, calls, statements, vars: new Set([...f.params, ...f.locals]), points: f.points };
}

let index: ModelIndex | null = null;

export function modelIndex(): ModelIndex {
  if (index) return index;
  const funcs = compileReference();
  const functions = new Map(funcs.map((f) => [f.name, describe(f)]));
  const known = new Set<string>([...Object.keys(PRIMS), ...Object.keys(PURE), ...functions.keys()]);
  const reach = (roots: string[]): Set<string> => {
    const seen = new Set<string>();
    const work = [...roots];
    while (work.length) {
      const n = work.pop() as string;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const c of functions.get(n)?.calls ?? []) if (functions.has(c)) work.push(c);
    }
    return seen;
  };
  const scenarios = SCENARIOS.map((s) => ({ name: s.name, description: s.description, functions: reach(s.threads.map((t) => t.fn)),
    cost: s.threads.length * 100 + s.indexes.length * 10 + (s.pages ?? 0) }));
  index = {
    functions, known, scenarios, constants: new Set(Object.keys(K)),
    hasPoint: (fn, point) => functions.get(fn)?.points.some((p) => p.name === point) ?? false,
  };
  return index;
}

/** The scenario's machine with the given points ("fn.point" keys in the model). */
export function machineFor(scenario: string, points: PointSettings, overrides: Record<string, Func> = {}): Machine {
  const flat: Record<string, PointValue> = {};
  for (const [fn, pts] of Object.entries(points)) {
    // A function run as compiled from the mail has no variation points to set.
    if (overrides[fn]) continue;
    for (const [k, v] of Object.entries(pts)) flat[`${fn}.${k}`] = v;
  }
  return buildScenario(scenario, { points: flat, overrides });
}
