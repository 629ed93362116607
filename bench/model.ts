// npm run bench:model
//
// 1. Every scenario of the model in the first version of its era (v4.10 for the radix
//    tree, v5.12 for the XArray), explored exhaustively: distinct states, transitions, time,
//    distinct states per second (wall and CPU), and how much of the time the machine itself
//    (the model's successors, status, canonical form and properties) takes, so explorer and
//    model costs are told apart. 1c: the XArray era's scenarios again as v6.12 has them.
// 2. Time to the first counterexample (a shortest one) for the seeded defects, the XArray
//    era's included.
// 3. The explorer's own ceiling on a synthetic machine whose steps cost next to nothing.
// 4. pmd-downgrade against SPIN: bench/pmd-downgrade.pml checked by spin -a, gcc, ./pan,
//    for both wake modes; the verdicts must agree, and our end-to-end time is printed
//    over SPIN's (spin -a + gcc + pan).
//    4b. The same for the XArray era's xa-invalidate-waiters (bench/xa-invalidate-waiters.pml)
//    with v5.12's and v5.14's wake after invalidating, and the search alone (in process) over
//    pan's; both must find v5.12's lost wake-up (SPIN: an invalidation asleep in schedule() at
//    an invalid end state) and both must be clean with v5.14's. `--spin` runs only 4 and 4b.
// 5. Partial-order reduction (reductions.partialOrder): states with and without it for
//    pmd-downgrade with N = 3..6 page faults and for fault-vs-truncate with N faults at one
//    index (symmetric), each beside SPIN with its own reduction on the same scenario in
//    Promela (bench/pmd-downgrade.pml, bench/fault-vs-truncate.pml, extended to N faults):
//    its states, pan's search with its table sized to the problem, spin -a and gcc apart;
//    and for the synthetic machine, which reports its threads' future objects. `--por` runs only this section; N = 6 only with `--n6` (tens of
//    seconds and several GB).
// 6. Two cores (`--cores`, not in the default run): what a second core can give a search on
//    this host. The pmd-downgrade search with partial order (N = 5, or 6 with `--n6`) alone in a
//    worker thread, then two copies of it at once in two workers, which share nothing: the
//    rate of the pair over the rate alone is the most any two-worker search of it could reach
//    here. Beside it, pan on the same Promela built for one core and for two (-DNCORE=2).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { explore } from '../src/check/explore';
import type { Verdict } from '../src/check/types';
import { buildScenario, DaxMachine, link, listModel, MODEL_ERAS, referenceFunctions, SCENARIOS, THREAD_KINDS, type PointValue, type ScenarioListing, type ScenarioSpec } from '../src/model/index';
import { getCParser } from '../src/c/parser';
import { Status, type Fault, type Machine, type Moves, type StateView, type Transition } from '../src/model/machine';

const root = path.resolve(__dirname, '..', '..');
const BUDGET = { maxStates: 5_000_000, maxMs: 300_000 };

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** The machine with a stopwatch around every call the explorer makes into it. */
function timed(m: Machine): { machine: Machine; ms: () => number; computed: () => number } {
  let total = 0;
  let computed = 0;
  const wrap = <A extends unknown[], R>(f: (...a: A) => R) => (...a: A): R => {
    const t = performance.now();
    try { return f(...a); } finally { total += performance.now() - t; }
  };
  const machine: Machine = {
    name: m.name,
    threads: m.threads,
    initial: wrap(() => m.initial()),
    status: wrap((s: Int32Array, t: number) => m.status(s, t)),
    successors: wrap((s: Int32Array, t: number) => m.successors(s, t)),
    segments: m.segments,
    canonical: wrap((s: Int32Array) => m.canonical(s)),
    invariants: wrap((s: Int32Array) => m.invariants(s)),
    quiescent: wrap((s: Int32Array) => m.quiescent(s)),
    view: (s: Int32Array) => m.view(s),
  };
  if (m.moves) {
    const moves = wrap((s: Int32Array, t: number) => { computed++; return m.moves!(s, t); });
    machine.moves = moves;
  }
  return { machine, ms: () => total, computed: () => computed };
}

function measure(run: () => Verdict): { v: Verdict; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const v = run();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { v, wall, cpu: (c.user + c.system) / 1000 };
}

const SCENARIO_HEADER = `${'scenario'.padEnd(24)}${'verdict'.padEnd(10)}${'states'.padStart(10)}${'trans.'.padStart(10)}${'wall ms'.padStart(10)}${'cpu ms'.padStart(10)}`
  + `${'states/s'.padStart(11)}${'st/s cpu'.padStart(11)}${'model %'.padStart(9)}  reductions`;

/** One scenario explored exhaustively and printed as a row of SCENARIO_HEADER's table. */
function scenarioRow(s: ScenarioListing, version?: string): { states: number; cpu: number } {
  const t = timed(buildScenario(s.name, { version }));
  const r = measure(() => explore(t.machine, BUDGET));
  const rate = r.v.states / (r.cpu / 1000);
  // The known defect is the one of the era's first version, which the scenario's listing names.
  const found = r.v.violations.map((x) => x.kind).join(', ') || 'none';
  const defect = !s.expect ? ''
    : !version || version === s.version ? `; ${s.version} defect: expected ${s.expect.kind}, found ${found}`
      : `; the ${s.version} defect (${s.expect.kind}) as ${version} has it: found ${found}`;
  console.log(`${s.name.padEnd(24)}${r.v.verdict.padEnd(10)}${fmt(r.v.states).padStart(10)}${fmt(r.v.transitions).padStart(10)}${fmt(r.wall).padStart(10)}${fmt(r.cpu).padStart(10)}`
    + `${fmt(r.v.states / (r.wall / 1000)).padStart(11)}${fmt(rate).padStart(11)}${fmt((100 * t.ms()) / r.wall).padStart(9)}  ${r.v.reductions.join(', ')}${defect}`);
  return { states: r.v.states, cpu: r.cpu };
}

function scenarios(): void {
  const firsts = MODEL_ERAS.filter((e, i) => MODEL_ERAS.findIndex((x) => x.name === e.name) === i).map((e) => `${e.name} ${e.version}`);
  console.log(`1. every scenario in the first version of its era (${firsts.join(', ')}), exhaustive (the known defects of those versions included)`);
  console.log(SCENARIO_HEADER);
  let states = 0;
  let cpu = 0;
  let best = { name: '', rate: 0 };
  const listing = listModel();
  for (const s of [...listing.scenarios, ...listing.knownDefects]) {
    const r = scenarioRow(s);
    const rate = r.states / (r.cpu / 1000);
    states += r.states;
    cpu += r.cpu;
    if (r.states > 10_000 && rate > best.rate) best = { name: s.name, rate };
  }
  console.log(`all scenarios: ${fmt(states)} distinct states in ${fmt(cpu)} ms CPU: ${fmt(states / (cpu / 1000))} distinct states/s per core`);
  if (best.name) console.log(`largest-throughput scenario over 10k states: ${best.name}, ${fmt(best.rate)} distinct states/s per core (target 1,000,000)`);
}

/** The XArray era's scenarios again in the era's later versions (section 1 runs them in its first, v5.12). */
function xarrayVersions(): void {
  const listing = listModel();
  const xa = [...listing.scenarios, ...listing.knownDefects].filter((s) => s.era === 'XArray');
  const first = xa[0]?.version;
  const later = [...new Set(MODEL_ERAS.filter((e) => e.name === 'XArray' && e.version !== first).map((e) => e.version))];
  for (const version of later) {
    console.log(`\n1c. the XArray era's scenarios as ${version} has them, exhaustive (section 1 runs them as ${first} has them)`);
    console.log(SCENARIO_HEADER);
    let states = 0;
    let cpu = 0;
    for (const s of xa) {
      const r = scenarioRow(s, version);
      states += r.states;
      cpu += r.cpu;
    }
    console.log(`the XArray era as ${version} has it: ${fmt(states)} distinct states in ${fmt(cpu)} ms CPU: ${fmt(states / (cpu / 1000))} distinct states/s per core`);
  }
}

const DEFECTS: [string, Record<string, PointValue>, string][] = [
  ['pmd-downgrade', { 'grab_mapping_entry.downgrade_wake_all': false }, 'downgrade wakes one waiter'],
  ['eexist-waiters', { 'grab_mapping_entry.eexist_put': false }, 'no put_unlocked_mapping_entry() on -EEXIST'],
  ['enomem-downgrade', { 'grab_mapping_entry.preload_fail': 'return' }, '-ENOMEM returns with the entry locked'],
  ['xa-invalidate-waiters', {}, 'v5.12: invalidation wakes one waiter'],
  ['xa-pmd-downgrade', { 'grab_mapping_entry.downgrade_wake_all': false }, 'XArray downgrade wakes one waiter'],
];

/**
 * pmd-downgrade with one more PTE fault (three waiters on 0x200): a scenario big enough
 * to measure a steady rate. Built here from the model's own scenario by repeating its
 * last thread at the next index.
 */
function threeWaiters(): DaxMachine {
  const base = SCENARIOS.find((x) => x.name === 'pmd-downgrade');
  if (!base) throw new Error('the model has no pmd-downgrade scenario');
  const last = base.threads[base.threads.length - 1];
  const old = base.indexes[base.indexes.length - 1];
  const next = old + 1;
  const hex = (x: number) => `0x${x.toString(16)}`;
  const spec: ScenarioSpec = {
    ...base,
    name: 'pmd-downgrade-3-waiters',
    indexes: [...base.indexes, next],
    blocks: [...(base.blocks ?? []), ...(base.blocks ?? []).filter(([x]) => x === old).map(([, b]): [number, typeof b] => [next, b])],
    threads: [...base.threads, { ...last, name: last.name.replace(hex(old), hex(next)), args: last.args.map((a) => (a === old ? next : a)) }],
  };
  return new DaxMachine(spec, link(referenceFunctions()));
}

/**
 * CPU time of the calling thread in ms: a search runs on this one thread, while the engine's
 * helper threads (concurrent marking, compilation) run on the other core. Linux says it in
 * /proc/thread-self/schedstat (nanoseconds); elsewhere the process's CPU time stands in.
 */
function threadMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  }
}

/**
 * A fixed loop over an array the size of a core's second-level cache, timed: how much of the
 * core (its units and its cache, which another tenant's thread on the same core shares) the
 * host gives this process now. Of the loops tried beside the steady search (arithmetic alone,
 * this one, a walk over memory), this one's time followed the search's most closely.
 */
const calibration = new Int32Array(1 << 16);
function calibrate(): number {
  const a = calibration;
  const t0 = performance.now();
  let h = 0;
  for (let r = 0; r < 60; r++) {
    for (let i = 0; i < a.length; i++) {
      h = Math.imul(h ^ a[i], 0x9e3779b1) ^ (h >>> 15);
      a[i] = h;
    }
  }
  return performance.now() - t0;
}

function steadyRate(): void {
  console.log('\n1b. steady rate on a bigger scenario (pmd-downgrade with three waiters), after a warm-up run');
  const m = threeWaiters();
  explore(m, { maxStates: 20_000, maxMs: 60_000 });
  const t = timed(m);
  const r = measure(() => explore(t.machine, BUDGET));
  // The host's share of the core drifts, for seconds at a time (other tenants), so the
  // searches go on for about fifteen seconds, each beside a fixed loop whose time shows the
  // drift: the best search is the code's speed on a core of its own, the median what a
  // loaded host gives.
  const runs: { thread: number; cpu: number; cal: number }[] = [];
  const until = performance.now() + 15_000;
  while (runs.length < 10 || (runs.length < 120 && performance.now() < until)) {
    const cal = calibrate();
    const t0 = threadMs();
    const x = measure(() => explore(m, BUDGET));
    runs.push({ thread: threadMs() - t0, cpu: x.cpu, cal });
  }
  const by = (k: 'thread' | 'cal') => runs.map((x) => x[k]).sort((a, b) => a - b);
  const best = runs.reduce((a, b) => (b.thread < a.thread ? b : a));
  const median = by('thread')[runs.length >> 1];
  const cal = by('cal');
  const rate = (ms: number) => fmt(r.v.states / (ms / 1000));
  console.log(`${m.name}: ${r.v.verdict}, ${fmt(r.v.states)} states, ${fmt(r.v.transitions)} transitions; the search thread's CPU time over ${runs.length} searches: `
    + `best ${fmt(best.thread)} ms, median ${fmt(median)} ms: ${rate(best.thread)} distinct states/s per core at best (target 1,000,000), ${rate(median)} at the median`);
  console.log(`  the process's CPU time at the best, with the engine's helper threads: ${fmt(best.cpu)} ms (${rate(best.cpu)} states/s); the model's share of the time: ${fmt((100 * t.ms()) / r.wall)} %`);
  console.log(`  a fixed loop beside each search took ${fmt(cal[0], 1)} ms at best, ${fmt(cal[runs.length >> 1], 1)} ms at the median, ${fmt(cal[runs.length - 1], 1)} ms at worst, `
    + `and ${fmt(best.cal, 1)} ms beside the best search`);
  console.log(`  moves computed by the model: ${fmt(t.computed())} of ${fmt(r.v.states * m.threads.length)} (state, thread) pairs, the rest found by the parts of the state they read; `
    + `distinct steps run (the rest found remembered): ${fmt(m.vm.remembered)}`);
}

/** `node dist/bench/model.js --cold N`: the first counterexample of DEFECTS[N] in this fresh process. */
function coldChild(i: number): void {
  const [name, points] = DEFECTS[i];
  const t0 = performance.now();
  const v = explore(buildScenario(name, { points }), BUDGET, { stopAtFirst: true });
  console.log(JSON.stringify({ ms: performance.now() - t0, verdict: v.verdict }));
}

/** The first counterexample in a fresh process: the model and the explorer run before the engine has optimised them. */
function cold(i: number): string {
  const r = spawnSync(process.execPath, [__filename, '--cold', String(i)], { encoding: 'utf8' });
  if (r.status !== 0) return `cold process failed: ${r.stderr}`;
  const { ms } = JSON.parse(r.stdout) as { ms: number };
  return `; in a fresh process ${fmt(ms, 1)} ms wall (build, search and trace, before the engine has optimised them)`;
}

function counterexamples(): void {
  console.log('\n2. time to the first (shortest) counterexample: the first run in this process (warmed up by section 1), then the best of 5 more, and in a fresh process');
  const nameWidth = Math.max(...DEFECTS.map(([name]) => name.length));
  for (const [i, [name, points, what]] of DEFECTS.entries()) {
    const runs = Array.from({ length: 6 }, () => measure(() => explore(buildScenario(name, { points }), BUDGET, { stopAtFirst: true })));
    const first = runs[0];
    const best = runs.slice(1).reduce((a, b) => (b.wall < a.wall ? b : a));
    const x = first.v.violations[0];
    console.log(`${name.padEnd(nameWidth)} ${what.padEnd(46)} ${x ? `${x.kind}, ${x.trace.steps.length} steps` : first.v.verdict}, ${fmt(first.v.states)} states: `
      + `first ${fmt(first.wall, 1)} ms wall (${fmt(first.cpu, 1)} CPU), best ${fmt(best.wall, 1)} ms wall (${fmt(best.cpu, 1)} CPU)`
      + `${cold(i)}${name === 'pmd-downgrade' ? '; target < 50 ms' : ''}`);
  }
}

/**
 * A machine whose steps cost next to nothing: n threads each stepping a counter of its
 * own up to k, with a shared word written on every k-th step; what the explorer alone
 * sustains (hashing, the visited set, sleep sets, the BFS queue).
 */
function synthetic(n: number, k: number): Machine {
  const view: StateView = { entries: [], waitqueues: [], locks: [], threads: [], other: {} };
  return {
    name: `synthetic-${n}x${k}`,
    threads: Array.from({ length: n }, (_, t) => ({ name: `T${t + 1}`, symmetryClass: t })),
    initial: () => new Int32Array(n + 1),
    status: (s, t) => (s[t] < k ? Status.Runnable : Status.Done),
    successors: (s, t): Transition[] => {
      const c = s.slice();
      c[t]++;
      const shared = c[t] === k;
      if (shared) c[n]++;
      return [{ thread: t, state: c, fn: 'f', label: 'x++', note: '', reads: shared ? [n] : [], writes: shared ? [n] : [t], progress: true }];
    },
    // Each counter a part of its own; a thread's moves are decided by its counter, and by
    // the shared word when its step writes it.
    segments: Array.from({ length: n + 1 }, (_, i) => i),
    moves: (s, t): Moves => {
      if (s[t] >= k) return { status: Status.Done, decidedBy: [t], steps: [] };
      const shared = s[t] + 1 === k;
      const at = shared ? Int32Array.of(t, n) : Int32Array.of(t);
      const val = shared ? Int32Array.of(s[t] + 1, s[n] + 1) : Int32Array.of(s[t] + 1);
      return { status: Status.Runnable, decidedBy: shared ? [t, n] : [t], steps: [{ at, val, reads: shared ? [n] : [], writes: shared ? [n] : [t], progress: true }] };
    },
    canonical: (s) => s,
    invariants: (): Fault[] => [],
    quiescent: (): Fault[] => [],
    view: () => view,
  };
}

/** The synthetic machine, saying what each thread may still touch: its counter and the shared word. */
function syntheticWithFuture(n: number, k: number): Machine {
  const m = synthetic(n, k);
  return { ...m, future: (s, t) => {
    const f = s[t] < k ? [t, n] : [];
    return { reads: f, writes: f };
  }, invariantReads: [] };
}

/** SPIN on a bench/ .pml extended to `n` faults: its stored states, the search alone (pan with
 *  its hash table sized to the problem: run once to learn the size, then timed, the best of
 *  `runs`), and spin -a and gcc apart; null without spin. */
interface SpinScaled { states: number; panMs: number; compileMs: number; mb: number; errors: number }

function spinScaled(pml: string, n: number, defines: string[] = [], runs = 1): SpinScaled | null {
  if (spawnSync('spin', ['-V'], { encoding: 'utf8' }).status !== 0) return null;
  return withPan(pml, scaledPml(pml, n), defines, (dir, spinMs, gccMs) => {
    const sizing = timedRun('./pan', ['-m1000000'], dir);
    const states = Number(/(\d+) states, stored/.exec(sizing.out)?.[1] ?? NaN);
    const depth = Number(/depth reached (\d+)/.exec(sizing.out)?.[1] ?? 1000000);
    const w = Math.max(10, Math.ceil(Math.log2(Math.max(states, 1))) + 1);
    const p = timedRun('./pan', [`-m${2 * depth + 100}`, `-w${w}`], dir);
    if (!new RegExp(`${states} states, stored`).test(p.out)) throw new Error(`pan sized to ${states} states stored another count:\n${p.out}`);
    for (let i = 1; i < runs; i++) p.ms = Math.min(p.ms, timedRun('./pan', [`-m${2 * depth + 100}`, `-w${w}`], dir).ms);
    const mb = Number(/([\d.]+)\s+total actual memory usage/.exec(p.out)?.[1] ?? NaN);
    return { states, panMs: p.ms, compileMs: spinMs + gccMs, mb, errors: Number(/errors: (\d+)/.exec(p.out)?.[1] ?? NaN) };
  });
}

/** A bench/ .pml extended to n faults: every one names its fault count NT and runs fault(0), fault(1), ... in init. */
function scaledPml(pml: string, n: number): string {
  return readFileSync(path.join(root, 'bench', pml), 'utf8')
    .replace(/#define NT\s+\d+/, `#define NT    ${n}`)
    .replace(/run fault\(0\)(?:; run fault\(\d+\))*/, Array.from({ length: n }, (_, i) => `run fault(${i})`).join('; '));
}

/** fault-vs-truncate with n PTE read faults at 0x203 (symmetric: one class of n threads). */
function faultVsTruncate(n: number): Machine {
  const base = SCENARIOS.find((s) => s.name === 'fault-vs-truncate-2')!;
  const [truncate, fault] = base.threads;
  const spec: ScenarioSpec = { ...base, name: `fault-vs-truncate-${n}`, threads: [truncate, ...Array.from({ length: n }, () => fault)] };
  return new DaxMachine(spec, link(referenceFunctions({})));
}

/** pmd-downgrade with n page faults at 0x202.. (each index's block mapped), as the .pml's NT = n. */
function pmdDowngrade(n: number): Machine {
  const base = SCENARIOS.find((s) => s.name === 'pmd-downgrade')!;
  const indexes = Array.from({ length: n }, (_, i) => 0x202 + i);
  const spec: ScenarioSpec = {
    ...base,
    name: `pmd-downgrade-${n}`,
    indexes,
    blocks: indexes.map((x) => [x, base.blocks![0][1]]),
    threads: indexes.map((x) => THREAD_KINDS['dax-read'].make(x, 0)),
  };
  return new DaxMachine(spec, link(referenceFunctions({})));
}

/** One row of section 5: a scenario's states and search times with and without partial order. */
interface PorRow { name: string; states: number; por: number; porSafety: number; spinStates?: number }

function partialOrder(): void {
  console.log('\n5. partial-order reduction: states without / with reductions.partialOrder, and SPIN (its own partial-order');
  console.log('   reduction, no symmetry) on the same scenario in Promela: states, pan alone (table sized), spin -a + gcc apart.');
  console.log('   Our times are the search alone, the machine built before; pan is built with -DSAFETY, which looks for no');
  console.log('   cycle without progress, so our search is also timed with the properties pan checks (livelock off: sleep');
  console.log(`   sets stay on beside persistent sets). Searches on either side: the best of ${POR_RUNS} (N = 6: 2).`);
  const rows: PorRow[] = [];
  const row = (name: string, m: () => Machine, runs: number, spin?: { pml: string; n: number; defines?: string[] }): void => {
    // The machine is built (its C lowered, SPIN's compile time's like) before the search is timed.
    const plain = m();
    const off = measure(() => explore(plain, BUDGET));
    const best = (opts: Parameters<typeof explore>[2]): { v: Verdict; wall: number } => {
      let r = { v: off.v, wall: Infinity };
      for (let i = 0; i < runs; i++) {
        const machine = m();
        const x = measure(() => explore(machine, BUDGET, opts));
        if (x.wall < r.wall) r = x;
      }
      return r;
    };
    const on = best({ reductions: { partialOrder: true } });
    const safety = best({ reductions: { partialOrder: true }, properties: { livelock: false } });
    const applied = on.v.reductions.includes('partial-order');
    const perState = off.v.bytes && on.v.bytes ? `, ${fmt(off.v.bytes / off.v.states)} / ${fmt(on.v.bytes / on.v.states)} B/state` : '';
    let spinCol = '';
    let spinStates: number | undefined;
    if (spin) {
      const r = spinScaled(spin.pml, spin.n, spin.defines, runs);
      if (r && (r.errors === 0) !== (off.v.verdict === 'ok')) {
        console.error(`${name}: SPIN found ${r.errors} errors where dax-review says ${off.v.verdict}`);
        process.exitCode = 1;
      }
      spinStates = r?.states;
      spinCol = r === null ? '; SPIN not installed'
        : `; SPIN ${r.errors === 0 ? 'ok' : `${r.errors} errors`}, ${fmt(r.states)} states, pan ${fmt(r.panMs)} ms (${fmt(r.mb, 1)} MB) + spin -a & gcc ${fmt(r.compileMs)} ms; `
          + `search ours / pan ${(off.wall / r.panMs).toFixed(2)}, with partial order ${(on.wall / r.panMs).toFixed(2)}, `
          + `with partial order and pan's properties ${(safety.wall / r.panMs).toFixed(2)}`;
    }
    rows.push({ name, states: off.v.states, por: on.v.states, porSafety: safety.v.states, spinStates });
    // The high-water mark of the process: the largest search of the section so far.
    const peak = `; peak RSS so far ${fmt(process.resourceUsage().maxRSS / 1024)} MB`;
    console.log(`${name.padEnd(28)}${off.v.verdict.padEnd(9)}${fmt(off.v.states).padStart(12)} / ${fmt(on.v.states).padStart(12)}`
      + `  ${fmt(off.wall)} / ${fmt(on.wall)} ms${perState}${applied ? '' : ' (not applied: handed to the search without it)'}`
      + `; pan's properties: ${fmt(safety.v.states)} states, ${fmt(safety.wall)} ms${spinCol}${peak}`);
  };
  const maxN = process.argv.includes('--n6') ? 6 : 5;
  const runsAt = (n: number): number => (n >= 6 ? 2 : POR_RUNS);
  for (let n = 3; n <= maxN; n++) row(`pmd-downgrade N=${n}`, () => pmdDowngrade(n), runsAt(n), { pml: 'pmd-downgrade.pml', n, defines: ['-DWAKE_ALL=1'] });
  growth(rows);
  rows.length = 0;
  for (let n = 2; n <= maxN; n++) row(`fault-vs-truncate N=${n}`, () => faultVsTruncate(n), runsAt(n), { pml: 'fault-vs-truncate.pml', n });
  growth(rows);
  for (const [n, k] of [[4, 6], [6, 8]]) row(`synthetic ${n}x${k} (with future)`, () => syntheticWithFuture(n, k), 1);
}

/** Searches of section 5 timed on either side: the best of them is the least disturbed by the host. */
const POR_RUNS = 3;

/** States per added thread, row over row: ours with partial order (all properties, and pan's), and SPIN's. */
function growth(rows: PorRow[]): void {
  const ratios = (f: (r: PorRow) => number | undefined): string => rows.slice(1)
    .map((r, i) => { const a = f(rows[i]); const b = f(r); return a && b ? (b / a).toFixed(2) : '-'; }).join(' / ');
  console.log(`  states per added thread: ours with partial order ${ratios((r) => r.por)}, with pan's properties ${ratios((r) => r.porSafety)}; `
    + `SPIN ${ratios((r) => r.spinStates)}; without partial order ${ratios((r) => r.states)}`);
}

function ceiling(): void {
  console.log('\n3. the explorer alone (synthetic machine, steps cost next to nothing)');
  for (const [n, k] of [[6, 8], [7, 7]]) {
    for (const sleepSets of [true, false]) {
      const r = measure(() => explore(synthetic(n, k), BUDGET, { reductions: { sleepSets } }));
      console.log(`${r.v.scenario.padEnd(16)} sleep sets ${sleepSets ? 'on ' : 'off'}: ${fmt(r.v.states)} states, ${fmt(r.v.transitions)} transitions, `
        + `${fmt(r.cpu)} ms CPU: ${fmt(r.v.states / (r.cpu / 1000))} distinct states/s per core`);
    }
  }
}

/** What a worker of section 6 was asked: one partial-order search of pmd-downgrade with n faults. */
interface CoresChild { cores: number }

/** Section 6's search, in whichever thread runs it: the machine is built first, the search alone timed. */
function coresSearch(n: number): { states: number; ms: number } {
  const machine = pmdDowngrade(n);
  const t0 = performance.now();
  const v = explore(machine, BUDGET, { reductions: { partialOrder: true } });
  return { states: v.states, ms: performance.now() - t0 };
}

/** k workers each running section 6's search at once; their results and the wall time of all of them. */
function inWorkers(n: number, k: number): Promise<{ each: { states: number; ms: number }[]; wall: number }> {
  return new Promise((resolve, reject) => {
    const each: { states: number; ms: number }[] = [];
    const workers = Array.from({ length: k }, () => new Worker(__filename, { workerData: { cores: n } satisfies CoresChild }));
    const t0 = performance.now();
    for (const w of workers) {
      w.on('error', reject);
      w.on('message', (r: { states: number; ms: number }) => {
        each.push(r);
        void w.terminate();
        if (each.length === k) resolve({ each, wall: performance.now() - t0 });
      });
    }
  });
}

async function twoCores(): Promise<void> {
  const n = process.argv.includes('--n6') ? 6 : 5;
  console.log(`\n6. two cores: the pmd-downgrade N=${n} search with partial order alone in a worker, and two copies of it at once in`);
  console.log(`   two workers sharing nothing (${os.cpus().length} cores here); the best of ${CORES_RUNS} on either side`);
  let alone = Infinity;
  let pair = { each: [] as { states: number; ms: number }[], wall: Infinity };
  for (let i = 0; i < CORES_RUNS; i++) {
    alone = Math.min(alone, (await inWorkers(n, 1)).each[0].ms);
    const p = await inWorkers(n, 2);
    if (p.wall < pair.wall) pair = p;
  }
  if (pair.each.some((r) => r.states !== pair.each[0].states)) throw new Error(`two copies of one search stored ${pair.each.map((r) => r.states).join(' and ')} states`);
  const slowest = Math.max(...pair.each.map((r) => r.ms));
  console.log(`one search alone ${fmt(alone)} ms; two at once ${pair.each.map((r) => fmt(r.ms)).join(' and ')} ms: `
    + `two searches' rate over one's ${((2 * alone) / slowest).toFixed(2)}x, the ceiling of a two-worker search of it on this host`);
  const pan = spinCores('pmd-downgrade.pml', n, ['-DWAKE_ALL=1']);
  if (pan) {
    console.log(`pan on the same Promela: one core ${fmt(pan.one.ms)} ms (${fmt(pan.one.states)} states), -DNCORE=2 ${fmt(pan.two.ms)} ms `
      + `(${fmt(pan.two.states)} states): two cores' rate over one's ${(pan.one.ms / pan.two.ms).toFixed(2)}x`);
  } else console.log('pan: SPIN not installed');
}

const CORES_RUNS = 2;

/** pan for one core and for two (-DNCORE=2) on a bench/ .pml extended to n faults, each the best of CORES_RUNS; null without spin. */
function spinCores(pml: string, n: number, defines: string[]): { one: { ms: number; states: number }; two: { ms: number; states: number } } | null {
  if (spawnSync('spin', ['-V'], { encoding: 'utf8' }).status !== 0) return null;
  return withPan(pml, scaledPml(pml, n), defines, (dir) => {
    const g = timedRun('gcc', ['-O2', '-DSAFETY', '-DNCORE=2', '-o', 'pan2', 'pan.c'], dir);
    if (!g.ok) throw new Error(`gcc -DNCORE=2 failed on ${pml}:\n${g.out}`);
    const best = (bin: string): { ms: number; states: number } => {
      let r = { ms: Infinity, states: NaN };
      for (let i = 0; i < CORES_RUNS; i++) {
        const p = timedRun(bin, ['-m1000000', '-w24'], dir);
        if (!p.ok) throw new Error(`${bin} failed on ${pml}:\n${p.out}`);
        // The multi-core pan prints a count per core and the sum.
        const counts = [...p.out.matchAll(/(\d+) states, stored/g)].map((x) => Number(x[1]));
        if (p.ms < r.ms) r = { ms: p.ms, states: Math.max(...counts) };
      }
      return r;
    };
    return { one: best('./pan'), two: best('./pan2') };
  });
}

function timedRun(cmd: string, args: string[], cwd: string): { ms: number; out: string; ok: boolean } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { ms: performance.now() - t0, out: (r.stdout ?? '') + (r.stderr ?? ''), ok: r.status === 0 };
}

function spin(): boolean {
  console.log('\n4. pmd-downgrade: dax-review against SPIN (bench/pmd-downgrade.pml)');
  if (spawnSync('spin', ['-V'], { encoding: 'utf8' }).status !== 0) {
    console.log('spin is not installed (Debian: apt-get install spin); the comparison is skipped');
    return false;
  }
  const cli = path.join(root, 'dist', 'cli.js');
  let agree = true;
  for (const wakeAll of [false, true]) {
    const spinRun = spinCheck('pmd-downgrade.pml', [`-DWAKE_ALL=${wakeAll ? 1 : 0}`]);
    const spinMs = spinRun.a + spinRun.g + spinRun.p;

    const points = { 'grab_mapping_entry.downgrade_wake_all': wakeAll };
    const inproc = measure(() => explore(buildScenario('pmd-downgrade', { points }), BUDGET, { stopAtFirst: true }));
    const ours = inproc.v;
    const procArgs = [cli, 'model', 'run', 'pmd-downgrade', '--set', `grab_mapping_entry.downgrade_wake_all=${wakeAll}`, '--first', '--json'];
    const proc = existsSync(cli) ? timedRun(process.execPath, procArgs, root) : null;
    const procVerdict = proc ? (JSON.parse(proc.out) as Verdict).verdict : 'not built';

    console.log(`wake_all=${wakeAll}:`);
    console.log(`  SPIN        ${spinRun.verdict}${spinRun.why ? ` (${spinRun.why})` : ''}, ${spinRun.states} states; spin -a ${fmt(spinRun.a)} ms + gcc ${fmt(spinRun.g)} ms + pan ${fmt(spinRun.p)} ms = ${fmt(spinMs)} ms`);
    console.log(`  dax-review  ${ours.verdict}${ours.violations[0] ? ` (${ours.violations[0].kind}, ${ours.violations[0].trace.steps.length} steps)` : ''}, ${fmt(ours.states)} states; `
      + `in process ${fmt(inproc.wall)} ms wall (${fmt(inproc.cpu)} ms CPU)${proc ? `; CLI process end to end ${fmt(proc.ms)} ms (${procVerdict})` : ''}`);
    const endToEnd = proc ? proc.ms : inproc.wall;
    console.log(`  ours / SPIN end to end: ${(endToEnd / spinMs).toFixed(2)} (target <= 0.25); in process: ${(inproc.wall / spinMs).toFixed(2)}`);
    const same = ours.verdict === spinRun.verdict && (!proc || procVerdict === spinRun.verdict);
    console.log(`  verdicts ${same ? 'agree' : 'DISAGREE'}`);
    agree &&= same;
  }
  return agree;
}

/** What one SPIN run of a .pml said, and how long each stage took. */
interface SpinRun {
  verdict: 'ok' | 'violation';
  /** pan's first error, e.g. "invalid end state". */
  why?: string;
  states: string;
  /** spin -a, gcc and pan, each in ms of wall time. */
  a: number;
  g: number;
  p: number;
  /** The fastest of `pans` runs of pan: the search alone, with less of the host's noise. */
  pBest: number;
  /** The processes blocked at the end of the error trail (spin -t): name and .pml line each, or null without an error. */
  blocked: { proc: string; line: number }[] | null;
  /** The trail's replay (spin -t), in ms: not part of the search. */
  replayMs: number;
}

/**
 * `pml` (a file of bench/) checked by SPIN with `defines`: spin -a, gcc -O2 -DSAFETY, ./pan (its
 * first error stops it, as the model's stopAtFirst does), and, when pan found an error, the
 * trail replayed to see which processes are blocked in its last state.
 */
function spinCheck(pml: string, defines: string[], pans = 1): SpinRun {
  return withPan(pml, readFileSync(path.join(root, 'bench', pml), 'utf8'), defines, (dir, a, g) => {
    const p = timedRun('./pan', [], dir);
    let pBest = p.ms;
    for (let i = 1; i < pans; i++) pBest = Math.min(pBest, timedRun('./pan', [], dir).ms);
    const errors = Number(/errors: (\d+)/.exec(p.out)?.[1] ?? NaN);
    if (Number.isNaN(errors)) throw new Error(`pan said no error count:\n${p.out}`);
    const states = /(\d+) states, stored/.exec(p.out)?.[1] ?? '?';
    const why = /pan:1: ([^\n(]+)/.exec(p.out)?.[1]?.trim();
    let blocked: SpinRun['blocked'] = null;
    let replayMs = 0;
    if (errors > 0) {
      const t = timedRun('spin', [...defines, '-t', pml], dir);
      replayMs = t.ms;
      // The trail's last state lists each process left: "121:  proc  2 (invalidate:1) x.pml:103 (state 21)",
      // marked "<valid end state>" when it may stop there.
      blocked = [...t.out.matchAll(/^\s*\d+:\s+proc\s+\d+ \((\w+):\d+\) \S+:(\d+) \(state \d+\)(.*)$/gm)]
        .filter((m) => !m[3].includes('valid end state'))
        .map((m) => ({ proc: m[1], line: Number(m[2]) }));
    }
    return { verdict: errors > 0 ? 'violation' : 'ok', why, states, a, g, p: p.ms, pBest, blocked, replayMs };
  });
}

/** `text`, a .pml named `pml`, compiled (spin -a, gcc -O2 -DSAFETY) in a folder of its own for
 *  `run`, which gets the folder and the two compile times in ms; the folder goes afterwards. */
function withPan<T>(pml: string, text: string, defines: string[], run: (dir: string, spinMs: number, gccMs: number) => T): T {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dax-spin-'));
  try {
    writeFileSync(path.join(dir, pml), text);
    const a = timedRun('spin', [...defines, '-a', pml], dir);
    const g = timedRun('gcc', ['-O2', '-DSAFETY', '-o', 'pan', 'pan.c'], dir);
    if (!a.ok || !g.ok) throw new Error(`spin/gcc failed on ${pml}:\n${a.out}\n${g.out}`);
    return run(dir, a.ms, g.ms);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Searches timed for the search-alone ratio: the best of them, on either side, is the least disturbed by the host. */
const SEARCH_RUNS = 5;

/**
 * xa-invalidate-waiters, the XArray era's known defect, against SPIN (bench/xa-invalidate-waiters.pml)
 * in both wake modes of __dax_invalidate_entry(): v5.12's wake of one waiter must lose one (the
 * model's lost-wakeup; SPIN's invalid end state with an invalidation asleep in schedule()), v5.14's
 * wake of all must be clean in both. Returns whether both verdicts agree with each other and with
 * that; a disagreement is said on standard error too.
 */
function spinXarray(): boolean {
  const name = 'xa-invalidate-waiters';
  const pml = `${name}.pml`;
  const point = '__dax_invalidate_entry.wake_all';
  console.log(`\n4b. ${name} (the XArray era, v5.12 and v5.14's fix): dax-review against SPIN (bench/${pml})`);
  if (spawnSync('spin', ['-V'], { encoding: 'utf8' }).status !== 0) {
    console.log('spin is not installed (Debian: apt-get install spin); the comparison is skipped');
    return false;
  }
  const spec = SCENARIOS.find((x) => x.name === name);
  if (!spec?.expect) throw new Error(`the model has no known defect ${name}`);
  // The line of schedule() in the .pml: where a waiter nobody wakes stays.
  const schedule = readFileSync(path.join(root, 'bench', pml), 'utf8').split('\n').findIndex((l) => /\bschedule\(\);/.test(l) && /wq_ticket\[me\] == 0/.test(l)) + 1;
  if (schedule === 0) throw new Error(`bench/${pml} has no schedule() line`);
  const cli = path.join(root, 'dist', 'cli.js');
  let agree = true;
  for (const wakeAll of [false, true]) {
    const spin = spinCheck(pml, [`-DWAKE_ALL=${wakeAll ? 1 : 0}`], SEARCH_RUNS);
    const spinMs = spin.a + spin.g + spin.p;
    const search = () => measure(() => explore(buildScenario(name, { points: { [point]: wakeAll } }), BUDGET, { stopAtFirst: true }));
    const inproc = search();
    const ours = inproc.v;
    let best = inproc.wall;
    for (let i = 1; i < SEARCH_RUNS; i++) best = Math.min(best, search().wall);
    const proc = existsSync(cli) ? timedRun(process.execPath, [cli, 'model', 'run', name, '--set', `${point}=${wakeAll}`, '--first', '--json'], root) : null;
    const procVerdict = proc ? (JSON.parse(proc.out) as Verdict).verdict : 'not built';

    const lost = spin.blocked?.filter((b) => b.proc === 'invalidate' && b.line === schedule) ?? [];
    const blocked = spin.blocked?.map((b) => `${b.proc} at line ${b.line}${b.line === schedule ? ', in schedule()' : ''}`).join('; ');
    console.log(`wake_all=${wakeAll} (${wakeAll ? 'v5.14: wake all after invalidating' : 'v5.12: put_unlocked_entry() wakes one'}):`);
    console.log(`  SPIN        ${spin.verdict}${spin.why ? ` (${spin.why}${blocked ? `; blocked: ${blocked}` : ''})` : ''}, ${spin.states} states; `
      + `spin -a ${fmt(spin.a)} ms + gcc ${fmt(spin.g)} ms + pan ${fmt(spin.p)} ms = ${fmt(spinMs)} ms${spin.blocked ? `; the trail replayed (spin -t) in ${fmt(spin.replayMs)} ms` : ''}`);
    console.log(`  dax-review  ${ours.verdict}${ours.violations[0] ? ` (${ours.violations[0].kind}, ${ours.violations[0].trace.steps.length} steps)` : ''}, ${fmt(ours.states)} states; `
      + `in process ${fmt(inproc.wall)} ms wall (${fmt(inproc.cpu)} ms CPU)${proc ? `; CLI process end to end ${fmt(proc.ms)} ms (${procVerdict})` : ''}`);
    const endToEnd = proc ? proc.ms : inproc.wall;
    console.log(`  ours / SPIN end to end: ${(endToEnd / spinMs).toFixed(2)}; in process: ${(inproc.wall / spinMs).toFixed(2)}; `
      + `the search alone, compile times apart, best of ${SEARCH_RUNS} each: ${(best / spin.pBest).toFixed(2)} (in process ${fmt(best, 1)} ms, pan ${fmt(spin.pBest, 1)} ms)`);

    // v5.12 must lose a waiter, in both: the model's lost-wakeup, SPIN's invalid end state with an
    // invalidation asleep in schedule(); v5.14 must be clean in both.
    const expected = wakeAll ? 'ok' : 'violation';
    const problems: string[] = [];
    if (spin.verdict !== ours.verdict) problems.push(`SPIN says ${spin.verdict}, the model ${ours.verdict}`);
    if (proc && procVerdict !== ours.verdict) problems.push(`the CLI says ${procVerdict}, the model in process ${ours.verdict}`);
    if (ours.verdict !== expected) problems.push(`the model says ${ours.verdict} where ${expected} is expected`);
    if (!wakeAll && ours.violations[0]?.kind !== spec.expect.kind) problems.push(`the model's violation is ${ours.violations[0]?.kind ?? 'none'}, not ${spec.expect.kind}`);
    if (!wakeAll && (spin.why !== 'invalid end state' || lost.length === 0)) {
      problems.push(`SPIN's error is ${spin.why ?? 'none'}${blocked ? ` with ${blocked} blocked` : ''}, not an invalidation asleep in schedule() (line ${schedule})`);
    }
    console.log(`  verdicts ${problems.length ? `DISAGREE: ${problems.join('; ')}` : `agree (${wakeAll ? 'clean' : `a waiter asleep forever: ${spec.expect.kind}`})`}`);
    if (problems.length) console.error(`bench:model: ${name} wake_all=${wakeAll}: ${problems.join('; ')}`);
    agree &&= problems.length === 0;
  }
  return agree;
}

async function main(): Promise<void> {
  // The model's kernel C is lowered with the C parser.
  await getCParser();
  if (!isMainThread) {
    // A worker of section 6.
    parentPort!.postMessage(coresSearch((workerData as CoresChild).cores));
    return;
  }
  const coldAt = process.argv.indexOf('--cold');
  if (coldAt >= 0) {
    coldChild(Number(process.argv[coldAt + 1]));
    return;
  }
  if (process.argv.includes('--ceiling')) {
    // `node dist/bench/model.js --ceiling`: only the explorer's ceiling (section 3).
    ceiling();
    return;
  }
  if (process.argv.includes('--spin')) {
    const agree = [spin(), spinXarray()].every(Boolean);
    if (!agree) process.exitCode = 1;
    return;
  }
  if (process.argv.includes('--por')) {
    partialOrder();
    return;
  }
  if (process.argv.includes('--cores')) {
    await twoCores();
    return;
  }
  if (process.argv.includes('--steady')) {
    // `node dist/bench/model.js --steady`: only the steady rate (section 1b), for profiling.
    steadyRate();
    return;
  }
  console.log(`dax-review model benchmark: node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  scenarios();
  steadyRate();
  xarrayVersions();
  counterexamples();
  ceiling();
  const agree = spin();
  const agreeXa = spinXarray();
  partialOrder();
  if (!agree) console.error('bench:model: pmd-downgrade: dax-review and SPIN disagree, or SPIN did not run');
  if (!agreeXa) console.error('bench:model: xa-invalidate-waiters: dax-review and SPIN disagree, or SPIN did not run');
  if (!agree || !agreeXa) process.exitCode = 1;
}

void main();
