// Simulating a hunk: the functions it touches, bound as the patch writes them before and after
// (bind.ts), run in every scenario whose threads reach them; the hunk's verdict per scenario is
// the difference between the two runs, and its coverage is what the post-image (pre-image for
// a removed line) executed in them, as the explorer recorded it.
import type { Hunk, PatchMessage } from '../patch/types';
import { getCParser } from '../c/parser';
import { explore } from '../check/explore';
import type { Budget, Verdict } from '../check/types';
import type { ViolationKind } from '../model/machine';
import type { Func } from '../model/ir';
import { eraFunctions } from '../model/core/era';
import { DaxMachine } from '../model/dax-machine';
import type { ScenarioSpec } from '../model/scenarios';
import { eraWorld, scenarioSpec, scenariosOfEra } from '../model/index';
import { link } from '../model/index';
import { bindPatches, type Binding, type BindOptions, type BoundFunction, type MessageEra } from './bind';
import { coverageOf, allHunks, hunkAt } from './coverage';
import type { HunkCoverage, HunkVerdict } from './types';

/** States bound the search (deterministic); the time bound only guards against a runaway model. */
export const DEFAULT_BUDGET: Budget = { maxStates: 400_000, maxMs: 60_000 };

export interface SimulateOptions {
  scenario?: string;
  /** Threads of the reviewer's own ("pte-read@0x202,truncate@0x203"), over `scenario`'s world if given. */
  threads?: string;
  /** A mail line left out of the post-image. */
  without?: number;
  budget?: Budget;
  /** A kernel checkout: functions are rebuilt whole from it (src/c applyToTree). */
  tree?: string;
  /** The binding, when the caller has it already (for the same `without`). */
  binding?: Binding;
  /** With `without`: the patch as posted, which the patch without the line is compared with. */
  posted?: Binding;
}

/** A variation point of the model whose code a side of the hunk is, exactly. */
export interface PointMatch {
  fn: string;
  point: string;
  value: string | number | boolean;
  /** The hunk's changed lines in that function. */
  mailLines: number[];
  /** The C the point stands for. */
  c: string;
}

export interface HunkSimulation {
  hunk: Hunk;
  coverage: HunkCoverage;
  verdicts: HunkVerdict[];
  /** Variation points of the model each side's code equals (a known shape: a known defect or its fix). */
  points: { pre: PointMatch[]; post: PointMatch[] };
  /** The mail line left out of the post-image, when one was. */
  without?: number;
  binding: Binding;
  /** The era the hunk's message is written against. */
  era?: MessageEra;
}

const KIND_WORDS: Record<ViolationKind, string> = {
  'lost-wakeup': 'a lost wakeup', 'deadlock': 'a deadlock', 'entry-left-locked': 'an entry left locked',
  'lock-imbalance': 'a lock imbalance', 'sleep-in-atomic': 'a sleep in atomic context', 'null-deref': 'a NULL dereference',
  'use-after-free': 'a use after free', 'refcount': 'a refcount error', 'accounting': 'an accounting error',
  'overlap': 'overlapping PTE and PMD mappings', 'beyond-eof': 'a mapping beyond EOF', 'livelock': 'a livelock',
  'stale-mapping': 'a stale mapping', 'assertion': 'an assertion failure', 'wrong-result': 'a wrong result',
  'layout-changed': 'a block map change under a MAP_DIRECT lease',
};

export function kindWords(k: ViolationKind): string {
  return KIND_WORDS[k] ?? k;
}

export function kinds(v: Verdict | null): Set<ViolationKind> {
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

/** A scenario run: its verdict and, per function, the instructions its steps executed. */
export interface Run {
  verdict: Verdict;
  executed: Map<string, Set<number>>;
}

const runs = new Map<string, Run>();

/** Forgets every remembered scenario run (for measurements, and when the model changes). */
export function forgetRuns(): void { runs.clear(); }

/** A function's code, its labels and lines aside: two functions with one key do the same. */
export const codeKey = (f: Func): string => `${f.name}:${JSON.stringify(f.code.map(({ label: _l, at: _a, to: _t, ...rest }) => rest))}`;
/** A function's code with the lines its steps name (traces and coverage read them). */
const runKey = (f: Func): string => `${f.name}:${JSON.stringify(f.code.map(({ label: _l, ...rest }) => rest))}`;

/** One scenario run with these functions in place of the reference's. Runs are pure functions
 *  of their inputs and are remembered, so a scenario's reference run is done once per process. */
export function runScenario(b: Binding, scenario: ScenarioSpec, over: Record<string, Func>, budget: Budget): Run {
  const key = `${b.era.name} ${b.era.version}\u0000${scenario.name}\u0000${budget.maxStates}/${budget.maxMs}\u0000${Object.values(over).map(runKey).join('|')}`;
  const hit = runs.get(key);
  if (hit) return hit;
  const prog = link([...eraFunctions(b.era), ...Object.values(over)]);
  const m = new DaxMachine(scenario, prog, { coverage: true, ...eraWorld(b.era) });
  // Every kind of violation, each with its shortest trace: a side's kinds are compared with the other's.
  const verdict = explore(m, budget);
  const run: Run = { verdict, executed: m.coverage() ?? new Map() };
  if (runs.size > 500) runs.clear();
  runs.set(key, run);
  return run;
}

/** The functions each function calls, through the linked program of the reference and a side. */
function callGraph(b: Binding, over: Record<string, Func>): Map<string, Set<string>> {
  const g = new Map<string, Set<string>>();
  for (const f of [...eraFunctions(b.era), ...Object.values(over)]) {
    g.set(f.name, new Set(f.code.flatMap((i) => (i.k === 'call' ? [i.fn] : []))));
  }
  return g;
}

function reach(g: Map<string, Set<string>>, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const work = [...roots];
  while (work.length) {
    const n = work.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const c of g.get(n) ?? []) work.push(c);
  }
  return seen;
}

const reached = new WeakMap<Binding, Map<string, Set<string>>>();

/** The functions each scenario's threads reach in the binding's program (both sides). */
function reachedBy(b: Binding): Map<string, Set<string>> {
  let m = reached.get(b);
  if (!m) {
    const g = callGraph(b, { ...b.pre, ...b.post });
    m = new Map(scenariosOfEra(b.era).map((s) => [s.name, reach(g, s.threads.map((t) => t.fn))]));
    reached.set(b, m);
  }
  return m;
}

/** Scenarios whose threads reach any of the functions, cheapest first (threads, then indexes). */
export function scenariosReaching(b: Binding, names: readonly string[]): ScenarioSpec[] {
  const m = reachedBy(b);
  const cost = (s: ScenarioSpec): number => s.threads.length * 100 + s.indexes.length * 10 + (s.pages ?? 0);
  return scenariosOfEra(b.era).filter((s) => names.some((n) => m.get(s.name)!.has(n))).sort((x, y) => cost(x) - cost(y));
}

/** The entry points of the model's scenarios that would reach a function (for "no scenario reaches it"). */
export function entriesReaching(b: Binding, name: string): string[] {
  const g = callGraph(b, b.post);
  const roots = [...new Set(scenariosOfEra(b.era).flatMap((s) => s.threads.map((t) => t.fn)))];
  const callers = [...g.keys()].filter((f) => reach(g, [f]).has(name) && f !== name);
  return roots.filter((r) => callers.includes(r) || r === name);
}

/** The bound functions a hunk's lines are in. */
export function functionsOfHunk(b: Binding, h: Hunk): BoundFunction[] {
  const at = functionsByLine(b);
  const found = new Set<BoundFunction>();
  for (const l of h.lines) for (const f of at.get(l.mailLine) ?? []) found.add(f);
  return b.functions.filter((f) => found.has(f));
}

/** The bound functions by the mail lines their images show, once per binding: a mailbox of
 *  thousands of hunks asks for each hunk's functions. */
const byLine = new WeakMap<Binding, Map<number, BoundFunction[]>>();
function functionsByLine(b: Binding): Map<number, BoundFunction[]> {
  let m = byLine.get(b);
  if (m) return m;
  m = new Map();
  for (const f of b.functions) {
    const lines = new Set<number>();
    for (const img of [f.pre.image, f.post.image]) for (const l of img?.lines ?? []) if (l.mailLine !== null) lines.add(l.mailLine);
    for (const l of lines) {
      const list = m.get(l);
      if (list) list.push(f); else m.set(l, [f]);
    }
  }
  byLine.set(b, m);
  return m;
}

/** The scenarios a hunk's touched functions are reached by (by name, cheapest first). */
export function scenariosForHunk(patches: PatchMessage[], hunkId: number, binding?: Binding): string[] {
  const h = hunkAt(patches, hunkId);
  if (!h) return [];
  const b = binding ?? bindPatches(patches);
  return scenariosReaching(b, functionsOfHunk(b, h).map((f) => f.name)).map((s) => s.name);
}

/** A verdict whose trace steps in the patch's functions name the mail line they run. */
function onMail(v: Verdict, b: Binding, which: 'pre' | 'post'): Verdict {
  const images = new Map(b.functions.filter((f) => f[which].func).map((f) => [f.name, f[which].image]));
  if (!images.size || !v.violations.length) return v;
  const lineOf = (fn: string, row: number | undefined): number | null => (row === undefined ? null : images.get(fn)?.lines[row]?.mailLine ?? null);
  const steps = (t: Verdict['violations'][number]['trace']) => t.steps.map((st) => {
    if (!st.source) return st;
    const line = lineOf(st.function, st.source.at);
    const callers = st.source.callers?.map((c) => { const l = lineOf(c.fn, c.at); return l === null ? c : { ...c, mailLine: l }; });
    return { ...st, source: { ...st.source, ...(line === null ? {} : { mailLine: line }), ...(callers ? { callers } : {}) } };
  });
  return { ...v, violations: v.violations.map((x) => ({ ...x, trace: { ...x.trace, steps: steps(x.trace) } })) };
}

/** Which variation points of the model a function's side is, exactly (same code, labels aside):
 *  the one configuration of its function's points, when one matches. */
function pointsOf(b: Binding, f: BoundFunction, which: 'pre' | 'post', h: Hunk): PointMatch[] {
  const fn = f[which].func;
  if (!fn || !f.modelled) return [];
  const own = b.era.points.filter((x) => x.fn === f.name);
  const choices = own.map((p) => [p.default, ...Object.keys(p.values).map((v) => (v === 'true' ? true : v === 'false' ? false : v))]);
  if (!own.length || choices.reduce((n, c) => n * c.length, 1) > 64) return [];
  const lines = h.lines.filter((l) => l.op !== ' ' && (l.op === '+') === (which === 'post')).map((l) => l.mailLine);
  const key = codeKey(fn);
  const combos = choices.reduce<(string | number | boolean)[][]>((acc, c) => acc.flatMap((a) => c.map((v) => [...a, v])), [[]]);
  for (const combo of combos) {
    const config = Object.fromEntries(own.map((p, i) => [`${p.fn}.${p.name}`, combo[i]]));
    let g: Func | undefined;
    try { g = eraFunctions(b.era, config).find((x) => x.name === f.name); } catch { continue; }
    if (g && codeKey(g) === key) return own.map((p, i) => ({ fn: f.name, point: p.name, value: combo[i], mailLines: lines, c: p.c }));
  }
  return [];
}

/** Pre- and post-image verdicts of one hunk in every scenario that reaches what it touches. */
export async function simulateHunk(patches: PatchMessage[], hunkId: number, opts: SimulateOptions = {}): Promise<HunkSimulation> {
  await getCParser();
  const h = hunkAt(patches, hunkId);
  if (!h) throw new Error(`no hunk ${hunkId}: the mail has hunks 0..${allHunks(patches).length - 1}`);
  const b = opts.binding ?? bindPatches(patches, bindOptions(opts));
  const posted = opts.without === undefined ? undefined : opts.posted ?? bindPatches(patches, bindOptions({ ...opts, without: undefined }));
  const r = simulateWith(b, h, { ...opts, posted });
  const message = patches.findIndex((pm) => pm.files.some((f) => f.hunks.includes(h)));
  const era = b.eras.find((e) => e.message === message);
  return { ...r, coverage: { ...r.coverage, hunk: hunkId }, verdicts: r.verdicts.map((v) => ({ ...v, hunk: hunkId })), ...(era ? { era } : {}) };
}

export function bindOptions(opts: SimulateOptions): BindOptions {
  return { ...(opts.tree ? { tree: opts.tree } : {}), ...(opts.without !== undefined ? { without: opts.without } : {}) };
}

/** "without line 222", or "without lines 222 and 223" when its lock's release went with it. */
function withoutWords(b: Binding, line: number): string {
  const removed = [...new Set(b.functions.flatMap((f) => f.post.removed ?? []))].sort((x, y) => x - y);
  return removed.length ? `without line ${line} and line ${removed.join(', ')} (a lock and its release)` : `without line ${line}`;
}

/** The verdicts and coverage of one hunk under a binding. */
export function simulateWith(b: Binding, h: Hunk, opts: SimulateOptions = {}): HunkSimulation {
  const budget = opts.budget ?? DEFAULT_BUDGET;
  const touched = functionsOfHunk(b, h);
  const runnable = touched.filter((f) => f.post.func || f.pre.func);
  const all = scenariosReaching(b, runnable.map((f) => f.name));
  const scenarios = opts.threads !== undefined ? [scenarioSpec(opts.scenario ?? null, opts.threads)]
    : opts.scenario ? all.filter((s) => s.name === opts.scenario).concat(
      all.some((s) => s.name === opts.scenario) ? [] : scenariosOfEra(b.era).filter((s) => s.name === opts.scenario)) : all;
  const verdicts: HunkVerdict[] = [];
  const preRuns: Run[] = [];
  const postRuns: Run[] = [];
  // "What if this line were removed" compares the patch as posted with the patch without it.
  const before = opts.without !== undefined && opts.posted ? opts.posted : null;
  const graph = b.added.length && !before ? callGraph(b, b.post) : null;
  for (const s of scenarios) {
    // A run through code the patch adds that the tree already holds has nothing before the patch.
    const fresh = graph !== null && b.added.some((n) => reach(graph, s.threads.map((t) => t.fn)).has(n));
    const pre = fresh ? null : before ? runScenario(before, s, before.post, budget) : runScenario(b, s, b.pre, budget);
    const post = runScenario(b, s, b.post, budget);
    if (pre) preRuns.push(pre);
    postRuns.push(post);
    const v: HunkVerdict = {
      hunk: h.id, scenario: s.name,
      pre: !pre ? null : before ? onMail(pre.verdict, before, 'post') : onMail(pre.verdict, b, 'pre'),
      post: onMail(post.verdict, b, 'post'), summary: summarise(s.name, pre?.verdict ?? null, post.verdict),
    };
    if (opts.without !== undefined) { v.without = opts.without; v.summary = `${withoutWords(b, opts.without)}: ${v.summary}`; }
    verdicts.push(v);
  }
  const coverage = coverageOf(h, b, touched, { pre: preRuns, post: postRuns }, scenarios.length > 0);
  const points = {
    pre: touched.flatMap((f) => pointsOf(b, f, 'pre', h)),
    post: touched.flatMap((f) => pointsOf(b, f, 'post', h)),
  };
  return { hunk: h, coverage, verdicts, points, binding: b, ...(opts.without !== undefined ? { without: opts.without } : {}) };
}
