// Properties of the explorer over random small machines: verdicts do not depend on the
// order of the threads or on the reductions, and random schedules find nothing that the
// exhaustive search missed.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { explore } from '../../../src/check/explore';
import * as toys from './toys';
import { permuted, summary, randomWalkKinds } from './toys';

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
    invariantReads: ['A', 'B'],
  });
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
    }), { numRuns: Number(process.env.RUNS ?? 300), seed: Number(process.env.SEED ?? 20261121) });
    // The generator must exercise every property and the symmetry reduction, or this test
    // says nothing; the seed is fixed so that this check is stable (SEED= explores others).
    for (const k of ['lost-wakeup', 'deadlock', 'lock-imbalance', 'livelock', 'entry-left-locked', 'overlap']) {
      assert.ok((seen.get(k) ?? 0) > 0, `no random machine showed ${k}: ${JSON.stringify([...seen])}`);
    }
    assert.ok(symmetric > 10);
  });

  it('persistent sets never change the verdict, the kinds or the shortest trace lengths', () => {
    let fewer = 0;
    let handedOver = 0;
    let answered = 0;
    let loopsAnswered = 0;
    const check = (m: toys.ToyMachine, opts: { symmetry?: boolean; sleepSets?: boolean }, loops: boolean): void => {
      const plain = explore(m, BUDGET, { reductions: opts });
      const por = explore(m, BUDGET, { reductions: { ...opts, partialOrder: true } });
      assert.equal(por.verdict, plain.verdict);
      assert.deepEqual(summary(por), summary(plain));
      assert.ok(por.states <= plain.states, `${por.states} <= ${plain.states}`);
      if (por.states < plain.states) fewer++;
      if (por.verdict === 'violation' && !por.reductions.includes('partial-order')) handedOver++;
      if (por.verdict === 'violation' && por.states < plain.states) answered++;
      if (loops && por.states < plain.states) loopsAnswered++;
    };
    fc.assert(fc.property(machineArb, (spec) => {
      const m = build(spec);
      // Spins and sleeps loop: the livelock question is the reduced search's only while its
      // graph has no cycle.
      const loops = spec.programs.some((p) => p.some((o) => o.op === 'spin' || o.op === 'sleep'));
      check(m, {}, loops);
      check(m, { symmetry: false }, loops);
      check(m, { symmetry: false, sleepSets: false }, loops);
    }), { numRuns: Number(process.env.RUNS ?? 300), seed: Number(process.env.SEED ?? 20261206) });
    // Without machines that the reduction shrinks, faults it hands to the unreduced search
    // and quiescent faults it answers itself, this test would say nothing.
    assert.ok(fewer > 50, `only ${fewer} searches were reduced`);
    assert.ok(handedOver > 10, `only ${handedOver} faults were handed over`);
    assert.ok(answered > 10, `only ${answered} faults were found by a reduced search`);
    assert.ok(loopsAnswered > 10, `only ${loopsAnswered} machines with loops were answered by a reduced search`);
  });

  it('a random scheduler never finds a violation that exhaustive search missed', () => {
    fc.assert(fc.property(machineArb, fc.integer(), (spec, seed) => {
      const m = build(spec);
      const kinds = new Set(explore(m, BUDGET).violations.map((x) => x.kind));
      for (const k of randomWalkKinds(m, seed, 40, 40)) assert.ok(kinds.has(k), `random walk found ${k}`);
    }), { numRuns: Number(process.env.RUNS ?? 150) });
  });
});
