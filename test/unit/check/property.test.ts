// Properties of the explorer over random small machines: verdicts do not depend on the
// order of the threads or on the reductions, and random schedules find nothing that the
// exhaustive search missed.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { explore } from '../../../src/check/explore';
import { Status, type Fault, type Machine, type Transition } from '../../../src/model/machine';
import type { Verdict } from '../../../src/check/types';
import * as toys from './toys';

const BUDGET = { maxStates: 200_000, maxMs: 10_000 };

type Op =
  | { op: 'lock' | 'unlock'; v: 'A' | 'B' }
  | { op: 'set'; v: 'F'; val: number }
  | { op: 'spin'; val: number }
  | { op: 'sleep'; key: number }
  | { op: 'wake'; key: number; nr: number }
  | { op: 'choose' }
  | { op: 'local' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('lock' as const, 'unlock' as const), v: fc.constantFrom('A' as const, 'B' as const) }),
  fc.record({ op: fc.constant('set' as const), v: fc.constant('F' as const), val: fc.integer({ min: 0, max: 1 }) }),
  fc.record({ op: fc.constant('spin' as const), val: fc.integer({ min: 0, max: 1 }) }),
  fc.record({ op: fc.constant('sleep' as const), key: fc.integer({ min: 0, max: 1 }) }),
  fc.record({ op: fc.constant('wake' as const), key: fc.integer({ min: 0, max: 1 }), nr: fc.integer({ min: 0, max: 1 }) }),
  fc.record({ op: fc.constant('choose' as const) }),
  fc.record({ op: fc.constant('local' as const) }),
);

function instr(o: Op, pc: number, len: number): toys.Instr {
  switch (o.op) {
    case 'lock': return toys.lock(o.v);
    case 'unlock': return toys.unlock(o.v);
    case 'set': return toys.set(o.v, o.val);
    case 'spin': return toys.spinUntil('F', o.val);
    case 'sleep': return toys.sleepWhile((s, m) => s[m.v('F')] === 1, o.key, ['F']);
    case 'wake': return toys.wake(o.key, o.nr);
    case 'choose': return toys.choose('fail?', [pc + 1, len]);
    case 'local': return toys.local('local');
  }
}

/** Programs, and for each thread the program it runs (threads sharing one are symmetric). */
const machineArb = fc.record({
  programs: fc.array(fc.array(opArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }),
  assign: fc.array(fc.nat(), { minLength: 2, maxLength: 3 }),
  invariant: fc.boolean(),
});

function build(spec: { programs: Op[][]; assign: number[]; invariant: boolean }): toys.ToyMachine {
  return new toys.ToyMachine({
    name: 'random',
    vars: ['A', 'B', 'F'],
    holders: ['A', 'B'],
    threads: spec.assign.map((a, t) => {
      const p = a % spec.programs.length;
      const ops = spec.programs[p];
      return { name: `T${t + 1}`, cls: p, prog: ops.map((o, pc) => instr(o, pc, ops.length)) };
    }),
    invariants: spec.invariant
      ? (s, m) => (s[m.v('A')] !== 0 && s[m.v('B')] !== 0 ? [{ kind: 'overlap', message: 'A and B both held' }] : [])
      : undefined,
  });
}

/** The same machine with its threads listed in another order. */
function permuted(m: Machine, perm: number[]): Machine {
  const inv = perm.map((_, i) => perm.indexOf(i));
  const remap = (f: Fault): Fault => ({ ...f, threads: f.threads?.map((t) => inv[t]) });
  return {
    name: m.name,
    threads: perm.map((p) => m.threads[p]),
    initial: () => m.initial(),
    status: (s, t) => m.status(s, perm[t]),
    successors: (s, t) => m.successors(s, perm[t]).map((tr): Transition => ({ ...tr, thread: t, fault: tr.fault && remap(tr.fault) })),
    canonical: (s) => m.canonical(s),
    invariants: (s) => m.invariants(s).map(remap),
    quiescent: (s) => m.quiescent(s).map(remap),
    view: (s) => m.view(s),
  };
}

/** Kind -> shortest trace length (livelock traces include a cycle, whose length symmetry may shorten). */
function summary(v: Verdict): Record<string, number> {
  return Object.fromEntries(v.violations.map((x) => [x.kind, x.kind === 'livelock' ? 0 : x.trace.steps.length]));
}

describe('check/explore properties', () => {
  it('verdicts are invariant under thread order', () => {
    fc.assert(fc.property(machineArb, fc.context(), (spec, ctx) => {
      const m = build(spec);
      const n = m.threads.length;
      const perm = [...Array(n).keys()].reverse();
      const a = explore(m, BUDGET);
      const b = explore(permuted(m, perm), BUDGET);
      ctx.log(JSON.stringify({ a: summary(a), b: summary(b) }));
      assert.equal(a.verdict, b.verdict);
      assert.deepEqual(summary(a), summary(b));
      const ua = explore(m, BUDGET, { reductions: { symmetry: false, sleepSets: false } });
      const ub = explore(permuted(m, perm), BUDGET, { reductions: { symmetry: false, sleepSets: false } });
      assert.equal(ua.states, ub.states);
    }), { numRuns: Number(process.env.RUNS ?? 150) });
  });

  it('reductions never change the verdict, the kinds or the shortest trace lengths', () => {
    const seen = new Map<string, number>();
    let symmetric = 0;
    fc.assert(fc.property(machineArb, (spec) => {
      const m = build(spec);
      const full = explore(m, BUDGET, { reductions: { symmetry: false, sleepSets: false } });
      const sleep = explore(m, BUDGET, { reductions: { symmetry: false } });
      const both = explore(m, BUDGET);
      assert.equal(sleep.states, full.states, 'sleep sets visit every state');
      assert.ok(sleep.transitions <= full.transitions);
      assert.deepEqual(summary(sleep), summary(full));
      assert.deepEqual(summary(both), summary(full));
      assert.equal(both.verdict, full.verdict);
      assert.ok(both.states <= full.states);
      for (const k of Object.keys(summary(full))) seen.set(k, (seen.get(k) ?? 0) + 1);
      if (both.reductions.includes('symmetry')) symmetric++;
    }), { numRuns: Number(process.env.RUNS ?? 300) });
    // The generator must exercise every property and the symmetry reduction, or this test says nothing.
    for (const k of ['lost-wakeup', 'deadlock', 'lock-imbalance', 'livelock', 'entry-left-locked', 'overlap']) {
      assert.ok((seen.get(k) ?? 0) > 0, `no random machine showed ${k}: ${JSON.stringify([...seen])}`);
    }
    assert.ok(symmetric > 10);
  });

  it('a random scheduler never finds a violation that exhaustive search missed', () => {
    fc.assert(fc.property(machineArb, fc.integer(), (spec, seed) => {
      const m = build(spec);
      const kinds = new Set(explore(m, BUDGET).violations.map((x) => x.kind));
      let rnd = seed >>> 0;
      const next = (k: number): number => { rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0; return (rnd >>> 8) % k; };
      for (let walk = 0; walk < 40; walk++) {
        let s = m.initial();
        for (let depth = 0; depth < 40; depth++) {
          for (const f of m.invariants(s)) assert.ok(kinds.has(f.kind), `random walk found ${f.kind}`);
          const runnable = m.threads.map((_, t) => t).filter((t) => m.status(s, t) === Status.Runnable);
          if (runnable.length === 0) {
            const q = m.quiescent(s);
            for (const f of q) assert.ok(kinds.has(f.kind), `random walk found ${f.kind}`);
            if (q.length === 0 && m.threads.some((_, t) => m.status(s, t) === Status.Blocked)) assert.ok(kinds.has('deadlock'));
            break;
          }
          const ts = m.successors(s, runnable[next(runnable.length)]);
          const tr = ts[next(ts.length)];
          if (tr.fault) { assert.ok(kinds.has(tr.fault.kind), `random walk found ${tr.fault.kind}`); break; }
          s = tr.state;
        }
      }
    }), { numRuns: Number(process.env.RUNS ?? 150) });
  });
});
