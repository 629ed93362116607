// Footprints are interned and their conflicts remembered per pair; steps that make progress
// are exits of their source for the livelock analysis rather than edges. Machines with more
// distinct footprints than the remembered pairs cover, and cycles mixing progress and
// retries, must be searched as exactly as before.
import { strict as assert } from 'node:assert';
import { explore } from '../../../src/check/explore';
import { Status, type Fault, type Machine, type StateView, type Transition } from '../../../src/model/machine';

const BUDGET = { maxStates: 1_000_000, maxMs: 60_000 };
const VIEW: StateView = { entries: [], waitqueues: [], locks: [], threads: [], other: {} };
const SHARED = 3;

function step(t: number, state: Int32Array, reads: number[], writes: number[], progress = true): Transition {
  return { thread: t, state, fn: 'f', label: 'step', note: '', reads, writes, progress };
}

/**
 * T1 takes `long` steps, each with a footprint of its own (it reads object 100 + its
 * counter), and its first two and last `tail` steps rewrite a shared word; T2 takes `short` steps, each
 * rewriting the shared word. The word remembers the order of the rewrites, so steps that
 * both rewrite it do not commute, and a search that took them for independent would miss
 * states.
 */
function manyFootprints(long: number, tail: number, short: number): Machine {
  return {
    name: `footprints-${long}x${short}`,
    threads: [{ name: 'T1', symmetryClass: 0 }, { name: 'T2', symmetryClass: 1 }],
    initial: () => new Int32Array(3),
    status: (s, t) => (s[t] < (t === 0 ? long : short) ? Status.Runnable : Status.Done),
    successors: (s, t): Transition[] => {
      const c = s.slice();
      c[t]++;
      const shared = t === 1 || c[0] <= 2 || c[0] > long - tail;
      if (shared) c[2] = (c[2] * 7 + t + 1) % 1_000_003;
      if (t === 1) return [step(t, c, [SHARED], [SHARED])];
      return [step(t, c, [100 + c[0], ...(shared ? [SHARED] : [])], shared ? [SHARED] : [100 + c[0]])];
    },
    canonical: (s) => s,
    invariants: (): Fault[] => [],
    quiescent: (): Fault[] => [],
    view: () => VIEW,
  };
}

/** The reachable states of a machine, by a plain search. */
function reachable(m: Machine): number {
  const seen = new Set<string>();
  const queue = [m.initial()];
  seen.add(queue[0].join());
  for (let i = 0; i < queue.length; i++) {
    for (let t = 0; t < m.threads.length; t++) {
      if (m.status(queue[i], t) !== Status.Runnable) continue;
      for (const tr of m.successors(queue[i], t)) {
        const k = tr.state.join();
        if (!seen.has(k)) { seen.add(k); queue.push(tr.state); }
      }
    }
  }
  return seen.size;
}

/**
 * One thread: 0 -> 1 makes progress, 1 -> 2 and 2 -> 1 retry; with `escape`, 2 may also
 * leave for 3 (making progress), where the thread is done.
 */
function cycle(escape: boolean): Machine {
  return {
    name: `cycle${escape ? '-with-exit' : ''}`,
    threads: [{ name: 'T1', symmetryClass: 0 }],
    initial: () => new Int32Array(1),
    status: (s) => (s[0] === 3 ? Status.Done : Status.Runnable),
    successors: (s, t): Transition[] => {
      const to = (x: number, progress: boolean) => step(t, Int32Array.of(x), [0], [0], progress);
      if (s[0] === 0) return [to(1, true)];
      if (s[0] === 1) return [to(2, false)];
      return escape ? [to(1, false), to(3, true)] : [to(1, false)];
    },
    canonical: (s) => s,
    invariants: (): Fault[] => [],
    quiescent: (): Fault[] => [],
    view: () => VIEW,
  };
}

describe('check: footprints and progress', () => {
  it('visits every reachable state with more distinct footprints than conflicts are remembered for', () => {
    const m = manyFootprints(1100, 10, 3);
    const want = reachable(m);
    const on = explore(m, BUDGET);
    const off = explore(m, BUDGET, { reductions: { sleepSets: false } });
    assert.equal(on.verdict, 'ok');
    assert.equal(off.verdict, 'ok');
    assert.equal(on.states, want);
    assert.equal(off.states, want);
    assert.ok(on.transitions < off.transitions, `sleep sets pruned nothing: ${on.transitions}`);
  });

  it('reports a cycle of retries as a livelock only when no step of it makes progress', () => {
    const stuck = explore(cycle(false), BUDGET);
    assert.deepEqual(stuck.violations.map((x) => x.kind), ['livelock']);
    assert.equal(stuck.violations[0].detail?.cycleSteps, 2);
    const escapes = explore(cycle(true), BUDGET);
    assert.equal(escapes.verdict, 'ok', JSON.stringify(escapes.violations.map((x) => x.message)));
  });
});
