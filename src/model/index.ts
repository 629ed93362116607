// The model's public API: what the explorer, the binding and the CLI call.
import type { Machine } from './machine';
import type { Func, PointValue } from './ir';
import { eraFunctions } from './core/era';
import { RADIX_ERA } from './eras/radix/index';
import { DaxMachine, reachable } from './dax-machine';
import { KNOWN_DEFECTS, SCENARIOS, type ScenarioSpec } from './scenarios';
import { link } from './vm';

export interface PointInfo {
  name: string;
  /** The C the point stands for. */
  c: string;
  values: (string | number | boolean)[];
  default: string | number | boolean;
}

export interface ModelListing {
  functions: { name: string; kernel: string; params: string[]; points: PointInfo[] }[];
  /** Scenarios where the v4.10 shapes are clean. */
  scenarios: ScenarioListing[];
  /** Scenarios where the v4.10 shapes have a defect a later kernel fixed (expect says which). */
  knownDefects: ScenarioListing[];
}

export interface ScenarioListing {
  name: string;
  description: string;
  threads: string[];
  functions: string[];
  /** The defect the default points show, and the fix. */
  expect?: { kind: string; why: string };
}

export interface BuildOptions {
  /** Variation points, keyed "function.point" (or "point" when the name is unique). */
  points?: Record<string, PointValue>;
  /** Functions replacing reference functions of the same name (or added): IR, e.g. compiled from a patch. */
  overrides?: Record<string, Func>;
  /** Wait-table queues (fewer than the scenario's keys: keys share queues, as hash collisions do). */
  waitQueues?: number;
  /** radix_tree_preload() failures the explorer may inject (overrides the scenario's). */
  enomem?: number;
  /** false: every visible operation is its own step (the model's step reductions off). */
  reduce?: boolean;
  /** false: dead locals keep their values (zeroed after each step by default, with the reductions). */
  deadLocals?: boolean;
  /** false: every step runs its code, none is found remembered (memo.ts). */
  rememberSteps?: boolean;
}

/**
 * The reference functions of the model's era with a configuration of its variation points
 * ("fn.point" or "point" keys). Needs the C parser loaded (await getCParser()).
 */
export function referenceFunctions(points: Readonly<Record<string, PointValue>> = {}): Func[] {
  return eraFunctions(RADIX_ERA, points);
}

export function listModel(): ModelListing {
  const funcs = referenceFunctions();
  const prog = link(funcs);
  const listing = (s: ScenarioSpec): ScenarioListing => ({
    name: s.name,
    description: s.description,
    threads: s.threads.map((t, i) => `T${i + 1}: ${t.name}`),
    functions: reachable(prog, [...new Set(s.threads.map((t) => t.fn))]),
    ...(s.expect ? { expect: { ...s.expect } } : {}),
  });
  return {
    functions: funcs.map((f) => ({ name: f.name, kernel: f.kernel, params: f.params, points: f.points.map((p) => ({ ...p })) })),
    scenarios: SCENARIOS.filter((s) => !s.expect).map(listing),
    knownDefects: KNOWN_DEFECTS.map(listing),
  };
}

export function scenarioNames(): string[] { return SCENARIOS.map((s) => s.name); }

export function buildScenario(name: string, opts: BuildOptions = {}): Machine & DaxMachine {
  const spec = SCENARIOS.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown scenario '${name}' (known: ${scenarioNames().join(', ')})`);
  const funcs = referenceFunctions(opts.points ?? {});
  for (const [n, f] of Object.entries(opts.overrides ?? {})) {
    if (f.name !== n) throw new Error(`override '${n}' holds function '${f.name}'`);
    funcs.push(f);
  }
  return new DaxMachine(spec, link(funcs), { waitQueues: opts.waitQueues, enomem: opts.enomem, reduce: opts.reduce, deadLocals: opts.deadLocals, rememberSteps: opts.rememberSteps });
}

export type { Func, PointValue };
export { K, PURE } from './ir';
export type { Expr, Instr, LValue, PointDecl } from './ir';
export { PRIMS } from './kernel/prims';
export type { Prim } from './kernel/prims';
export { link } from './vm';
export type { Program } from './vm';
export { DaxMachine } from './dax-machine';
export { KNOWN_DEFECTS, SCENARIOS } from './scenarios';
export type { ScenarioSpec, ThreadSpec } from './scenarios';
