// Simulating a hunk: the reference functions of the model, with the variation points the
// pre-image and the post-image set, run in every scenario that exercises them; the hunk's
// verdict is the difference between the two runs.
import type { Hunk, PatchMessage } from '../patch/types';
import type { MailDocument } from '../mail/types';
import type { RebuiltFunction } from '../c/types';
import { rebuildFunctions } from '../c/images';
import { applyToTree } from '../c/tree';
import { getCParser } from '../c/parser';
import { explore } from '../check/explore';
import type { Budget, Verdict, Violation } from '../check/types';
import type { ViolationKind } from '../model/machine';
import { bindPoints, withoutLine, type PointBinding, type PointValue } from './points';
import { compileImage, type Compiled } from './interp';
import type { Func } from '../model/ir';
import { coverageOf, allHunks, hunkAt, functionsOfHunk } from './coverage';
import { mailHelpers, type HelperSummary } from './helpers';
import { modelIndex, machineFor, type PointSettings } from './modelindex';
import type { HunkCoverage, HunkVerdict } from './types';

/** States bound the search (deterministic); the time bound only guards against a runaway model. */
export const DEFAULT_BUDGET: Budget = { maxStates: 400_000, maxMs: 60_000 };

export interface SimulateOptions {
  scenario?: string;
  /** A mail line left out of the post-image. */
  without?: number;
  budget?: Budget;
  /** A kernel checkout: functions are rebuilt whole from it (src/c applyToTree). */
  tree?: string;
  /** Rebuilt functions when the caller has them already. */
  functions?: RebuiltFunction[];
}

export interface HunkSimulation {
  hunk: Hunk;
  coverage: HunkCoverage;
  verdicts: HunkVerdict[];
  /** The variation points each side set, per function. */
  points: { pre: PointBinding[]; post: PointBinding[] };
  /** With `without`: points the post-image sets that the line taken away removes. The model has
   *  no value for their absence, so no verdict is claimed for that post-image. */
  inexpressible?: PointBinding[];
  /** The mail line left out of the post-image, when one was. */
  without?: number;
}

const KIND_WORDS: Record<ViolationKind, string> = {
  'lost-wakeup': 'a lost wakeup', 'deadlock': 'a deadlock', 'entry-left-locked': 'an entry left locked',
  'lock-imbalance': 'a lock imbalance', 'sleep-in-atomic': 'a sleep in atomic context', 'null-deref': 'a NULL dereference',
  'use-after-free': 'a use after free', 'refcount': 'a refcount error', 'accounting': 'an accounting error',
  'overlap': 'overlapping PTE and PMD mappings', 'beyond-eof': 'a mapping beyond EOF', 'livelock': 'a livelock',
  'stale-mapping': 'a stale mapping', 'assertion': 'an assertion failure',
};

export function kindWords(k: ViolationKind): string {
  return KIND_WORDS[k] ?? k;
}

function kinds(v: Verdict | null): Set<ViolationKind> {
  return new Set((v?.violations ?? []).map((x) => x.kind));
}

/** 'introduces a lost wakeup in pmd-downgrade', 'fixes ...', 'no change'. */
export function summarise(scenario: string, pre: Verdict | null, post: Verdict): string {
  const a = kinds(pre);
  const b = kinds(post);
  const added = [...b].filter((k) => !a.has(k));
  const removed = [...a].filter((k) => !b.has(k));
  const parts: string[] = [];
  if (added.length) parts.push(`introduces ${added.map(kindWords).join(' and ')} in ${scenario}`);
  if (removed.length) parts.push(`fixes ${removed.map(kindWords).join(' and ')} in ${scenario}`);
  if (parts.length) return parts.join('; ');
  if (post.verdict === 'bounded' || pre?.verdict === 'bounded') return `no change within the budget in ${scenario} (search bounded)`;
  if (b.size) return `no change: ${[...b].map(kindWords).join(' and ')} in ${scenario} before and after`;
  return `no change: ${scenario} clean before and after`;
}

function settings(bindings: PointBinding[]): PointSettings {
  const out: PointSettings = {};
  for (const b of bindings) (out[b.fn] ??= {})[b.point] = b.value;
  return out;
}

export function docOf(patches: PatchMessage[]): MailDocument {
  return { file: null, format: patches[0]?.message.format ?? 'text', messages: patches.map((p) => p.message), diagnostics: [] };
}

export function helpersOf(patches: PatchMessage[], functions: RebuiltFunction[]): Map<string, HelperSummary> {
  const lines = new Set<number>();
  // Only the hunk's own lines: a reply may quote a helper between them.
  for (const h of allHunks(patches)) for (const l of h.lines) lines.add(l.mailLine);
  const images = functions.flatMap((f) => [f.pre, f.post]).filter((x): x is NonNullable<typeof x> => x !== null);
  return mailHelpers(docOf(patches), images, lines);
}

/** The modelled functions a hunk touches, and the scenarios that run them. */
export function scenariosForHunk(patches: PatchMessage[], hunkId: number, functions?: RebuiltFunction[]): string[] {
  const model = modelIndex();
  const fns = functions ?? patches.flatMap((pm) => rebuildFunctions(pm));
  const h = hunkAt(patches, hunkId);
  if (!h) return [];
  const names = new Set([...functionsOfHunk(fns, h).map((f) => f.name), ...h.functions, ...(h.function ? [h.function] : [])]);
  return model.scenarios.filter((s) => [...names].some((n) => s.functions.has(n))).map((s) => s.name);
}

const runs = new Map<string, Verdict>();

/** Forgets every remembered scenario run (for measurements, and when the model changes). */
export function forgetRuns(): void { runs.clear(); }

/** One scenario run with the given points. Runs are pure functions of their inputs and are
 *  remembered, so the reference run of a scenario is done once per process. */
export function runScenario(scenario: string, points: PointSettings, budget: Budget, overrides: Record<string, Func> = {}): Verdict {
  const over = Object.values(overrides).map((f) => `${f.name}:${JSON.stringify(f.code)}`).join('|');
  const key = `${scenario}\u0000${JSON.stringify(flat(points))}\u0000${budget.maxStates}/${budget.maxMs}\u0000${over}`;
  const hit = runs.get(key);
  if (hit) return hit;
  const v = explore(machineFor(scenario, points, overrides), budget, { stopAtFirst: true });
  // The state budget makes a run deterministic; one cut by time is remembered for this process too.
  if (runs.size > 500) runs.clear();
  runs.set(key, v);
  return v;
}

/** Pre- and post-image verdicts of one hunk in every scenario that exercises what it touches. */
export async function simulateHunk(patches: PatchMessage[], hunkId: number, opts: SimulateOptions = {}): Promise<HunkSimulation> {
  await getCParser();
  const h = hunkAt(patches, hunkId);
  if (!h) throw new Error(`no hunk ${hunkId}: the mail has hunks 0..${allHunks(patches).length - 1}`);
  const tree = opts.tree;
  const fns = opts.functions ?? patches.flatMap((pm) => (tree ? applyToTree(pm, tree).functions : rebuildFunctions(pm)));
  const r = simulateWith(patches, h, fns, opts);
  return { ...r, coverage: { ...r.coverage, hunk: hunkId }, verdicts: r.verdicts.map((v) => ({ ...v, hunk: hunkId })) };
}

export function simulateWith(patches: PatchMessage[], h: Hunk, fns: RebuiltFunction[], opts: SimulateOptions): HunkSimulation {
  const model = modelIndex();
  const budget = opts.budget ?? DEFAULT_BUDGET;
  const helpers = helpersOf(patches, fns);
  const helperLocked = (n: string): boolean | null => helpers.get(n)?.locked ?? null;
  const touched = functionsOfHunk(fns, h).filter((f) => model.functions.has(f.name));
  // Whole functions the compiler takes run as written; the others through their variation points.
  const preOver: Record<string, Func> = {};
  const postOver: Record<string, Func> = {};
  const interpreted = new Map<string, Compiled>();
  for (const f of touched) {
    const post = f.post ? compileImage(opts.without !== undefined ? withoutLine(f.post, opts.without) : f.post) : null;
    if (post?.func) {
      postOver[f.name] = post.func;
      interpreted.set(f.name, post);
      const pre = f.pre ? compileImage(f.pre) : null;
      if (pre?.func) preOver[f.name] = pre.func;
    }
  }
  const pre = touched.flatMap((f) => (f.pre ? bindPoints(f.pre, { helperLocked }) : [])).filter((b) => model.hasPoint(b.fn, b.point));
  // What the fragment says, including what the model runs as its reference does (a point it does not vary).
  const said = touched.flatMap((f) => (f.post ? bindPoints(f.post, { helperLocked, without: opts.without }) : []));
  const post = said.filter((b) => model.hasPoint(b.fn, b.point));
  const lost = opts.without === undefined ? [] : lostPoints(touched, interpreted, said, helperLocked);
  const coverage = coverageOf(h, fns, model, helperLocked);
  for (const b of lost) {
    coverage.notExecuted.push({ mailLine: opts.without!, why: 'not-modelled',
      detail: `without it ${b.c} is gone, and ${b.fn}.${b.point} has no value in the model for its absence` });
  }
  coverage.functions = (coverage.functions ?? []).map((c) => {
    const it = interpreted.get(c.name);
    if (it) return { name: c.name, mode: 'interpreted' as const, choices: it.choices };
    return c.mode === 'points' ? { ...c, points: Object.fromEntries(said.filter((b) => b.fn === c.name).map((b) => [b.point, b.value])) } : c;
  });
  if (interpreted.size) {
    // Lines of an interpreted function are run as written.
    const ran = new Set([...interpreted.values()].flatMap((c) => c.compiled));
    const still = coverage.notExecuted.filter((n) => !ran.has(n.mailLine));
    coverage.executed += coverage.notExecuted.length - still.length;
    coverage.notExecuted = still;
  }
  const scenarios = opts.scenario ? [opts.scenario] : scenariosForHunk(patches, h.id, fns);
  const verdicts: HunkVerdict[] = [];
  if (touched.length && !lost.length) {
    const preSet = settings(pre);
    const postSet = settings(post);
    for (const s of scenarios) {
      const preV = runScenario(s, preSet, budget, preOver);
      const postV = runScenario(s, postSet, budget, postOver);
      const v: HunkVerdict = { hunk: h.id, scenario: s, pre: preV, post: postV, summary: summarise(s, preV, postV),
        prePoints: flat(preSet), postPoints: flat(postSet) };
      if (opts.without !== undefined) { v.without = opts.without; v.summary = `without line ${opts.without}: ${v.summary}`; }
      verdicts.push(v);
    }
  }
  return {
    hunk: h, coverage, verdicts, points: { pre, post },
    ...(opts.without !== undefined ? { without: opts.without } : {}),
    ...(lost.length ? { inexpressible: lost } : {}),
  };
}

/**
 * Points the whole post-image sets but the post-image without a line does not: the line
 * carried them (the wake call of a downgrade, the put on a path). The reference's value
 * must not stand in for a statement the reviewer took away.
 */
function lostPoints(touched: RebuiltFunction[], interpreted: Map<string, Compiled>, said: PointBinding[],
  helperLocked: (n: string) => boolean | null): PointBinding[] {
  return touched
    .filter((f) => f.post && !interpreted.has(f.name))
    .flatMap((f) => bindPoints(f.post!, { helperLocked }))
    .filter((b) => !said.some((s) => s.fn === b.fn && s.point === b.point));
}

export function flat(p: PointSettings): Record<string, PointValue> {
  const out: Record<string, PointValue> = {};
  for (const [fn, pts] of Object.entries(p)) for (const [k, v] of Object.entries(pts)) out[`${fn}.${k}`] = v;
  return out;
}

/** What one point binding does on its own: every scenario of its function run with only this
 *  point set as the post-image sets it, against the reference. */
export interface PointEffect {
  binding: PointBinding;
  scenario: string;
  reference: Verdict;
  changed: Verdict;
  violation: Violation | null;
  summary: string;
}

/** What a whole function the compiler takes does, as the mail writes it: its scenarios run
 *  cheapest first with the compiled post-image, until one shows a violation the pre-image
 *  (compiled, or the reference) does not have. */
export interface InterpretedEffect {
  fn: string;
  scenario: string;
  violation: Violation;
  summary: string;
  /** Mail lines of the compiled function. */
  lines: number[];
}

export function interpretedEffects(f: RebuiltFunction, budget: Budget = DEFAULT_BUDGET): InterpretedEffect | null {
  if (!f.post || !modelIndex().functions.has(f.name)) return null;
  const post = compileImage(f.post);
  if (!post.func) return null;
  const pre = f.pre ? compileImage(f.pre) : null;
  const preOver = pre?.func ? { [f.name]: pre.func } : {};
  const lines = f.post.lines.map((l) => l.mailLine).filter((x): x is number => x !== null);
  for (const pass of [{ maxStates: Math.min(budget.maxStates, 5000), maxMs: budget.maxMs }, budget]) {
    for (const s of scenariosOf(f.name)) {
      const v = runScenario(s, {}, pass, { [f.name]: post.func });
      if (!v.violations.length) continue;
      const before = runScenario(s, {}, budget, preOver);
      const fresh = v.violations.find((x) => !kinds(before).has(x.kind));
      if (fresh) return { fn: f.name, scenario: s, violation: fresh, summary: summarise(s, before, v), lines };
    }
  }
  return null;
}

/** The reference value of a point. */
export function pointDefault(fn: string, point: string): PointValue | undefined {
  return modelIndex().functions.get(fn)?.points.find((p) => p.name === point)?.default;
}

/** Scenarios that run a function, cheapest first (fewest threads, then fewest indexes). */
export function scenariosOf(fn: string): string[] {
  return modelIndex().scenarios.filter((s) => s.functions.has(fn)).sort((a, b) => a.cost - b.cost).map((s) => s.name);
}

/** Runs scenarios until one shows a violation: first each with a short budget, then the
 *  ones that ran out with the full budget, so a cheap counterexample is found first. */
function firstViolation(scenarios: string[], points: PointSettings, budget: Budget): { scenario: string; verdict: Verdict }[] {
  const out = new Map<string, Verdict>();
  const short: Budget = { maxStates: Math.min(budget.maxStates, 5000), maxMs: budget.maxMs };
  for (const pass of [short, budget]) {
    for (const s of scenarios) {
      const prev = out.get(s);
      if (prev && prev.verdict !== 'bounded') continue;
      const v = runScenario(s, points, pass);
      out.set(s, v);
      // Only a violation the reference does not have is this setting's doing.
      if (v.violations.length) {
        const before = kinds(runScenario(s, {}, budget));
        if (v.violations.some((x) => !before.has(x.kind))) return [...out].map(([scenario, verdict]) => ({ scenario, verdict }));
      }
    }
    if (pass === budget) break;
  }
  return [...out].map(([scenario, verdict]) => ({ scenario, verdict }));
}

/** What one point binding does on its own: the scenarios of its function run with only this
 *  point set as the post-image sets it, against the reference. Nothing to run when the
 *  fragment sets the point to the reference's own value. */
export function pointEffects(binding: PointBinding, budget: Budget = DEFAULT_BUDGET): PointEffect[] {
  if (pointDefault(binding.fn, binding.point) === binding.value) {
    // The fragment does what the reference does: every scenario of the function runs the reference.
    return scenariosOf(binding.fn).map((scenario) => {
      const reference = runScenario(scenario, {}, budget);
      return { binding, scenario, reference, changed: reference, violation: null, summary: summarise(scenario, reference, reference) };
    });
  }
  const changed = firstViolation(scenariosOf(binding.fn), { [binding.fn]: { [binding.point]: binding.value } }, budget);
  return changed.map(({ scenario, verdict }) => {
    const reference = verdict.violations.length ? runScenario(scenario, {}, budget) : verdict;
    const before = kinds(reference);
    const violation = verdict.violations.find((v) => !before.has(v.kind)) ?? null;
    return { binding, scenario, reference, changed: verdict, violation, summary: summarise(scenario, reference, verdict) };
  });
}
