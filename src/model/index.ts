// The model's public API: what the explorer, the binding and the CLI call.
import type { Machine } from './machine';
import type { Func, PointValue } from './ir';
import { eraFunctions } from './core/era';
import { functionSpans } from './core/lower';
import { RADIX_ERA } from './eras/radix/index';
import { XARRAY_ERA, XARRAY_V6_ERA, XARRAY_V6_15_ERA, XARRAY_ZAP_ERA } from './eras/xarray/index';
import { MAPDIRECT_ERA } from './eras/mapdirect/index';
import { DAXDEV_ERA } from './eras/daxdev/index';
import { DEVMAP_ERA } from './eras/devmap/index';
import type { Era } from './core/era';
import { DaxMachine, reachable, type MachineOptions } from './dax-machine';
import { composedScenario, composeThreads, KNOWN_DEFECTS, SCENARIOS, type ScenarioSpec } from './scenarios';
import { linkWith, type Program } from './vm';
import { OBJECT_HOOKS, PRIMS } from './objects/index';

export interface PointInfo {
  /** Each value other than the default, with the diff of the era's C that makes it. */
  diffs?: Record<string, string>;
  name: string;
  /** The C the point stands for. */
  c: string;
  values: (string | number | boolean)[];
  default: string | number | boolean;
}

export interface ModelListing {
  functions: {
    name: string; kernel: string; params: string[]; era: string; version: string; points: PointInfo[];
    /** The functions and kernel APIs its C calls, as the kernel names them. */
    calls: string[];
  }[];
  /** Scenarios where the v4.10 shapes are clean. */
  scenarios: ScenarioListing[];
  /** Scenarios where the v4.10 shapes have a defect a later kernel fixed (expect says which). */
  knownDefects: ScenarioListing[];
}

export interface ScenarioListing {
  name: string;
  description: string;
  /** The era whose functions its threads run, and the version they run by default. */
  era: string;
  version: string;
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
  /** Threads composed by a reviewer ("pte-read@0x202,truncate@0x203"), over the named scenario's world. */
  threads?: string;
  /** The version of the scenario's era whose functions run (default: the era's first). */
  version?: string;
}

/**
 * The reference functions of the model's era with a configuration of its variation points
 * ("fn.point" or "point" keys). Needs the C parser loaded (await getCParser()).
 */
export function referenceFunctions(points: Readonly<Record<string, PointValue>> = {}, era: Era = RADIX_ERA): Func[] {
  return eraFunctions(era, points);
}

/** The eras the model has, by name. */
export const MODEL_ERAS: readonly Era[] = [RADIX_ERA, XARRAY_ERA, XARRAY_V6_ERA, XARRAY_V6_15_ERA, XARRAY_ZAP_ERA, MAPDIRECT_ERA, DAXDEV_ERA, DEVMAP_ERA];

/** The scenarios whose threads run an era's functions (any version of it). */
export function scenariosOfEra(era: Era): ScenarioSpec[] {
  return SCENARIOS.filter((s) => eraOfScenario(s).name === era.name);
}

/** The era a scenario's threads run, in the version asked for (default: the scenario's own, else
 *  the era's first). */
export function eraOfScenario(spec: ScenarioSpec, version = spec.version): Era {
  const era = MODEL_ERAS.find((e) => e.name === (spec.era ?? 'radix'))!;
  if (!version || version === era.version) return era;
  const v = MODEL_ERAS.find((e) => e.name === era.name && e.version === version);
  if (!v) throw new Error(`the ${era.name} era has no version ${version} (it has ${MODEL_ERAS.filter((e) => e.name === era.name).map((e) => e.version).join(', ')})`);
  return v;
}

/** A program of functions over the model's objects: calls resolved by name, a later function of
 *  the same name winning. */
export function link(funcs: Func[]): Program { return linkWith(funcs, PRIMS, OBJECT_HOOKS); }

export function listModel(): ModelListing {
  const progs = new Map(MODEL_ERAS.map((era) => [era, link(referenceFunctions({}, era))]));
  const listing = (s: ScenarioSpec): ScenarioListing => ({
    name: s.name,
    description: s.description,
    era: eraOfScenario(s).name,
    version: eraOfScenario(s).version,
    threads: s.threads.map((t, i) => `T${i + 1}: ${t.name}`),
    functions: reachable(progs.get(eraOfScenario(s))!, [...new Set(s.threads.map((t) => t.fn))]),
    ...(s.expect ? { expect: { ...s.expect } } : {}),
  });
  return {
    functions: MODEL_ERAS.flatMap((era) => { const calls = callsOf(era); return referenceFunctions({}, era).map((f) => ({
      name: f.name, kernel: f.kernel, params: f.params, era: era.name, version: era.version, calls: calls.get(f.name) ?? [],
      points: f.points.map((p) => ({ ...p, diffs: { ...era.points.find((d) => d.fn === f.name && d.name === p.name)?.values } })),
    })); }),
    scenarios: SCENARIOS.filter((s) => !s.expect).map(listing),
    knownDefects: KNOWN_DEFECTS.map(listing),
  };
}

export function scenarioNames(): string[] { return SCENARIOS.map((s) => s.name); }

/** What an era's API says of the world a machine starts in: what nrpages counts, who holds
 *  DAX pages, whether pages are tied to their file. Every machine of the era is built with it. */
export function eraWorld(era: Era): Pick<MachineOptions, 'accounting' | 'pageRefs' | 'associates'> {
  return { accounting: era.api.accounting, pageRefs: era.api.pageRefs, associates: era.api.associates };
}

/** Per function of an era's C, the names it calls (comments aside), as the C writes them. */
function callsOf(era: Era): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of era.sources) {
    const lines = s.text.split('\n');
    for (const [name, [from, to]] of functionSpans(s.text)) {
      const body = lines.slice(from, to + 1).join('\n').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      const called = [...body.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]).filter((c) => c !== name && !C_KEYWORDS.has(c));
      out.set(name, [...new Set(called)]);
    }
  }
  return out;
}

const C_KEYWORDS = new Set(['if', 'while', 'for', 'switch', 'return', 'sizeof', 'defined']);

/** A scenario by name, or threads composed over its world (or over a plain file without one). */
export function scenarioSpec(name: string | null, threads?: string): ScenarioSpec {
  const base = name ? SCENARIOS.find((s) => s.name === name) : undefined;
  if (name && !base) throw new Error(`unknown scenario '${name}' (known: ${scenarioNames().join(', ')})`);
  if (threads !== undefined) return composedScenario(composeThreads(threads), base);
  if (!base) throw new Error(`a scenario needs a name or threads (known: ${scenarioNames().join(', ')})`);
  return base;
}

export function buildScenario(name: string, opts: BuildOptions = {}): Machine & DaxMachine {
  const spec = scenarioSpec(name || null, opts.threads);
  const era = eraOfScenario(spec, opts.version);
  const funcs = referenceFunctions(opts.points ?? {}, era);
  for (const [n, f] of Object.entries(opts.overrides ?? {})) {
    if (f.name !== n) throw new Error(`override '${n}' holds function '${f.name}'`);
    funcs.push(f);
  }
  return new DaxMachine(spec, link(funcs), { ...eraWorld(era), waitQueues: opts.waitQueues, enomem: opts.enomem, reduce: opts.reduce, deadLocals: opts.deadLocals, rememberSteps: opts.rememberSteps });
}

export type { Func, PointValue };
export { K } from './objects/constants';
export type { Expr, Instr, LValue, PointDecl } from './ir';
export { PRIMS } from './objects/index';
export type { Prim } from './objects/index';

export type { Program } from './vm';
export { DaxMachine, reachable } from './dax-machine';
export { KNOWN_DEFECTS, SCENARIOS, THREAD_KINDS, composeThreads, composedScenario } from './scenarios';
export type { ScenarioSpec, ThreadSpec } from './scenarios';
