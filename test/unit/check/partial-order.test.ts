// Persistent sets (src/check/persistent.ts): fewer states where steps are independent,
// and never another verdict, kind or shortest trace.
import { strict as assert } from 'node:assert';
import { explore } from '../../../src/check/explore';
import type { Machine } from '../../../src/model/machine';
import * as toys from './toys';
import { buildScenario, SCENARIOS } from '../../../src/model/index';

const BUDGET = { maxStates: 1_000_000, maxMs: 10_000 };
const POR = { reductions: { partialOrder: true } };

/** Everything of a verdict but its time. */
function result(m: Machine, opts = {}): unknown {
  const v = explore(m, BUDGET, opts);
  return { ...v, ms: 0, violations: v.violations.map((x) => ({ ...x, trace: { ...x.trace, steps: x.trace.steps.map((s) => `${s.thread} ${s.label}`) } })) };
}

describe('check/explore with persistent sets', () => {
  it('runs independent threads in one order: n * k + 1 states instead of (k + 1)^n', () => {
    const m = toys.counters(4, 3);
    const full = explore(m, BUDGET);
    const por = explore(m, BUDGET, POR);
    assert.equal(full.states, 4 ** 4);
    assert.equal(por.states, 4 * 3 + 1);
    assert.equal(por.transitions, 4 * 3);
    assert.equal(por.verdict, 'ok');
    assert.ok(por.reductions.includes('partial-order'));
    assert.ok(!full.reductions.includes('partial-order'), 'off unless asked for');
  });

  it('applies only to machines that report their threads\' future objects', () => {
    const m = toys.counters(3, 2);
    const bare: Machine = { ...toys.permuted(m, [0, 1, 2]), future: undefined };
    const v = explore(bare, BUDGET, POR);
    assert.ok(!v.reductions.includes('partial-order'));
    assert.equal(v.states, 3 ** 3);
  });

  it('keeps the wake-all downgrade clean, and finds the wake-one lost wakeup at its depth, with fewer states', () => {
    const all = explore(toys.downgrade(true, 3, 2), BUDGET);
    const allPor = explore(toys.downgrade(true, 3, 2), BUDGET, POR);
    assert.equal(allPor.verdict, 'ok');
    assert.ok(allPor.states < all.states, `${allPor.states} < ${all.states}`);
    // A quiescent fault is reached by a permutation of its shortest trace: same length.
    const one = explore(toys.downgrade(false, 3, 2), BUDGET);
    const onePor = explore(toys.downgrade(false, 3, 2), BUDGET, POR);
    assert.deepEqual(toys.summary(onePor), toys.summary(one));
    assert.ok(onePor.states < one.states, `${onePor.states} < ${one.states}`);
    assert.ok(onePor.reductions.includes('partial-order'));
  });

  it('hands an invariant or a step fault to the unreduced search, trace and all', () => {
    // T1's local step lets a reduced set run T2 first; T2 unlocks A, which it does not hold.
    const m = new toys.ToyMachine({
      name: 'step-fault',
      vars: ['A', 'C'],
      holders: ['A'],
      threads: [
        { name: 'T1', cls: 0, prog: [toys.local('a'), toys.set('C', 1)] },
        { name: 'T2', cls: 1, prog: [toys.local('b'), toys.unlock('A')] },
      ],
    });
    assert.deepEqual(result(m, POR), result(m));
    assert.ok(!explore(m, BUDGET, POR).reductions.includes('partial-order'));
  });

  it('expands in full a state whose reduced step closes a cycle, so a spinning thread does not hide the others', () => {
    // T1 spins on F forever (a self-loop), T2 locks A twice. A persistent set {T1} alone,
    // taken around the loop, would never run T2.
    const m = new toys.ToyMachine({
      name: 'spin-beside-fault',
      vars: ['F', 'A'],
      holders: ['A'],
      threads: [
        { name: 'T1: spin', cls: 0, prog: [toys.spinUntil('F', 1)] },
        { name: 'T2: double lock', cls: 1, prog: [toys.lock('A'), toys.lock('A')] },
      ],
    });
    const v = explore(m, BUDGET, { ...POR, properties: { livelock: false } });
    assert.deepEqual(v.violations.map((x) => [x.kind, x.trace.steps.length]), [['lock-imbalance', 2]]);
  });

  it('expands in full where a step writes what an invariant reads', () => {
    // X and Y are both 1 only between T1's and T2's two steps: running one thread to its
    // end first would never show it.
    const m = new toys.ToyMachine({
      name: 'visible',
      vars: ['X', 'Y'],
      threads: [
        { name: 'T1', cls: 0, prog: [toys.local('a'), toys.set('X', 1), toys.set('X', 0)] },
        { name: 'T2', cls: 1, prog: [toys.local('b'), toys.set('Y', 1), toys.set('Y', 0)] },
      ],
      invariants: (s, mm) => (s[mm.v('X')] === 1 && s[mm.v('Y')] === 1 ? [{ kind: 'overlap', message: 'X and Y' }] : []),
      invariantReads: ['X', 'Y'],
    });
    assert.deepEqual(result(m, POR), result(m));
    assert.equal(explore(m, BUDGET, POR).violations[0].trace.steps.length, 4);
  });

  it('needs the invariants\' objects: a machine with invariants and no invariantReads is not reduced', () => {
    const m = new toys.ToyMachine({
      name: 'silent-invariants',
      vars: ['X'],
      threads: [
        { name: 'T1', cls: 0, prog: [toys.local('a')] },
        { name: 'T2', cls: 1, prog: [toys.local('b')] },
      ],
      invariants: () => [],
    });
    assert.ok(!explore(m, BUDGET, POR).reductions.includes('partial-order'));
  });
});

// The model's scenarios say what each thread may still touch (src/model/future.ts).
describe('check/explore with persistent sets on the model\'s scenarios', function () {
  this.timeout(300_000);
  const DAX_BUDGET = { maxStates: 300_000, maxMs: 60_000 };
  const outcome = (v: ReturnType<typeof explore>): string =>
    `${v.verdict} ${v.violations.map((x) => `${x.kind}:${x.trace.steps.length}`).sort().join(',')}`;

  it('gives every scenario the verdict, kinds and shortest trace lengths of the search without them', () => {
    let reduced = 0;
    for (const sc of SCENARIOS) {
      const plain = explore(buildScenario(sc.name, {}), DAX_BUDGET);
      const por = explore(buildScenario(sc.name, {}), DAX_BUDGET, POR);
      assert.equal(outcome(por), outcome(plain), sc.name);
      assert.ok(por.states <= plain.states, `${sc.name}: ${por.states} <= ${plain.states}`);
      if (por.reductions.includes('partial-order') && por.states < plain.states) reduced++;
    }
    assert.ok(reduced >= 20, `only ${reduced} scenarios were reduced`);
  });

  it('keeps fewer states of the PMD downgrade, and answers its wake-one lost wakeup at the same depth', () => {
    const all = explore(buildScenario('pmd-downgrade', {}), DAX_BUDGET);
    const allPor = explore(buildScenario('pmd-downgrade', {}), DAX_BUDGET, POR);
    assert.equal(allPor.verdict, 'ok');
    assert.ok(allPor.reductions.includes('partial-order'), 'answered by the reduced search, livelock question and all');
    assert.ok(allPor.states < all.states, `${allPor.states} < ${all.states}`);
    const points = { 'grab_mapping_entry.downgrade_wake_all': false };
    const one = explore(buildScenario('pmd-downgrade', { points }), DAX_BUDGET);
    const onePor = explore(buildScenario('pmd-downgrade', { points }), DAX_BUDGET, POR);
    assert.equal(outcome(onePor), outcome(one));
    assert.ok(onePor.violations.some((x) => x.kind === 'lost-wakeup'));
  });
});
