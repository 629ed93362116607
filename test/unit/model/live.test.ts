// Dead locals (src/model/live.ts): the VM zeroes locals no path reads before writing them, so
// states that differ only there are one. Zeroing a value that is read later would change what
// the model does; keeping a dead one only costs states. The analysis is checked on small
// functions, and on every scenario the zeroing must keep verdicts, violations and trace
// lengths while storing no more states.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { explore } from '../../../src/check/explore';
import type { DaxMachine } from '../../../src/model/dax-machine';
import { buildScenario, listModel } from '../../../src/model/index';
import type { Func } from '../../../src/model/ir';
import { Step } from '../../../src/model/kernel/step';
import { deadLocals, liveIn } from '../../../src/model/live';
import { Status } from '../../../src/model/machine';
import { cfn, DEFECT_VARIANTS } from './helpers';

const BUDGET = { maxStates: 1_000_000, maxMs: 120_000 };

/** State s with the dead locals of every thread zeroed, by machine m's VM. */
function zeroDead(m: DaxMachine, s: Int32Array): string {
  const z = s.slice();
  for (let t = 0; t < m.threads.length; t++) m.vm.forget(new Step(m.L, z, t, (u) => m.threads[u].name), true);
  return z.join(',');
}

/**
 * Runs a schedule on the scenario twice, with dead locals kept and zeroed: at every point the
 * same threads can run, their steps say the same, and the zeroed state is the kept one with
 * its dead locals zeroed. Zeroing then changes nothing any thread, property or trace sees.
 */
function lockstep(name: string, schedule: number[]): void {
  const kept = buildScenario(name, { deadLocals: false });
  const zeroed = buildScenario(name);
  let a = kept.initial();
  let z = zeroed.initial();
  for (const pick of schedule) {
    assert.equal(z.join(','), zeroDead(zeroed, a));
    const runnable = (m: DaxMachine, s: Int32Array) => m.threads.map((_x, t) => t).filter((t) => m.status(s, t) === Status.Runnable);
    const enabled = runnable(kept, a);
    assert.deepEqual(runnable(zeroed, z), enabled);
    assert.deepEqual(zeroed.invariants(z).map((f) => f.kind), kept.invariants(a).map((f) => f.kind));
    if (!enabled.length) {
      assert.deepEqual(zeroed.quiescent(z).map((f) => f.message), kept.quiescent(a).map((f) => f.message));
      return;
    }
    const t = enabled[pick % enabled.length];
    const sa = kept.successors(a, t);
    const sz = zeroed.successors(z, t);
    const said = (tr: (typeof sa)[number]) => [tr.label, tr.note, tr.fault?.message, tr.progress, tr.choice];
    assert.deepEqual(sz.map(said), sa.map(said));
    const k = Math.floor(pick / 7) % sa.length;
    if (sa[k].fault) return;
    a = sa[k].state;
    z = sz[k].state;
  }
}

/** The names of the locals live on entry to each instruction. */
function liveNames(f: Func): string[][] {
  return liveIn(f).live.map((row) => f.locals.filter((_n, i) => row[i]));
}

describe('model: dead locals', function () {
  this.timeout(120_000);

  it('a local is live from its writes to its last read, and dead after', () => {
    const f = cfn(`int f(pgoff_t index, struct address_space *mapping)
{
	int entry, ret;

	spin_lock_irq(&mapping->tree_lock);
	entry = index + 1;
	spin_unlock_irq(&mapping->tree_lock);
	ret = entry * 2;
	spin_lock_irq(&mapping->tree_lock);
	spin_unlock_irq(&mapping->tree_lock);
	return ret;
}`);
    assert.deepEqual(liveNames(f), [['index'], ['index'], ['entry'], ['entry'], ['ret'], ['ret'], ['ret']]);
    const { top } = deadLocals(f);
    assert.deepEqual(Array.from(top[4]).map((i) => f.locals[i]), ['index', 'mapping', 'entry'], 'index and entry are dead once ret is computed');
  });

  it('a local read around a loop stays live across its back edge', () => {
    const f = cfn(`void f(struct address_space *mapping)
{
	int n = 3;

again:
	spin_lock_irq(&mapping->tree_lock);
	spin_unlock_irq(&mapping->tree_lock);
	n = n - 1;
	if (n)
		goto again;
}`);
    const live = liveNames(f);
    for (const pc of [1, 2, 3, 4]) assert.deepEqual(live[pc], ['n'], `pc ${pc}`);
    assert.deepEqual(live[6], []);
  });

  it('a local whose address is taken is never dead; a call\'s destination is dead while the callee runs', () => {
    const f = cfn(`int f(struct address_space *mapping)
{
	void **slot;
	void *entry;
	int old = 5;

	spin_lock_irq(&mapping->tree_lock);
	entry = get_unlocked_mapping_entry(mapping, 0x203, &slot);
	spin_unlock_irq(&mapping->tree_lock);
	return entry + old;
}`);
    const { live } = liveIn(f);
    for (let pc = 0; pc < f.code.length; pc++) assert.ok(live[pc][1], `slot is live at ${pc}`);
    const { top, suspended } = deadLocals(f);
    assert.ok(!Array.from(top[3]).includes(2), 'entry is read after the callee returns');
    assert.ok(Array.from(suspended[3]).includes(2), 'but its old value is dead while the callee runs');
    assert.ok(!Array.from(suspended[3]).includes(1), 'slot is written through its pointer');
  });

  const cases: [string, Record<string, string | number | boolean>][] = [
    ...listModel().scenarios.map((s): [string, Record<string, never>] => [s.name, {}]),
    ...listModel().knownDefects.map((s): [string, Record<string, never>] => [s.name, {}]),
    ...DEFECT_VARIANTS,
  ];
  for (const [name, points] of cases) {
    const how = Object.keys(points).length ? ` (${JSON.stringify(points)})` : '';
    it(`${name}${how}: the same verdict, violations and trace lengths with dead locals zeroed, in no more states`, () => {
      const run = (deadLocals: boolean) => explore(buildScenario(name, { points, deadLocals }), BUDGET);
      const kept = run(false);
      const zeroed = run(true);
      const shape = (v: typeof kept) => `${v.verdict} [${v.violations.map((x) => `${x.kind}:${x.trace.steps.length}`).join(',')}]`;
      assert.equal(shape(zeroed), shape(kept));
      assert.ok(zeroed.states <= kept.states, `${zeroed.states} states zeroed, ${kept.states} kept`);
    });
  }

  for (const name of ['hole-read-write', 'hzp-downgrade', 'fault-vs-invalidate-3', 'pmd-invalidate', 'eexist-waiters']) {
    it(`${name}: along random schedules the zeroed machine is the kept one with dead locals zeroed`, () => {
      fc.assert(fc.property(fc.array(fc.nat(1000), { minLength: 10, maxLength: 60 }), (schedule) => lockstep(name, schedule)), { numRuns: 25 });
    });
  }

  it('merges states in the scenarios whose functions leave values behind', () => {
    const run = (deadLocals: boolean) => explore(buildScenario('hole-read-write', { deadLocals }), BUDGET).states;
    assert.ok(run(true) < run(false) * 0.75, 'hole-read-write: at least a quarter fewer states');
  });
});
