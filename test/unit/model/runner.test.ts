// Each function's local code runs as one generated function (vm.ts runnerJs); the
// instruction interpreter is its reference. With the runners off, every step of every
// scenario must come out the same: the successor state word for word, the fault, the name,
// the note, the choice, progress and the footprint. Patched functions that fault (a bad
// pointer, which ends the run; a local loop, which is a livelock), branch on a choice or
// store results through pointers are run both ways too.
import { strict as assert } from 'node:assert';
import { lowerC } from '../../../src/model/core/lower';
import { eraFunctionNames } from '../../../src/model/core/era';
import { RADIX_ERA } from '../../../src/model/eras/radix/index';
import { buildScenario, listModel, type BuildOptions } from '../../../src/model/index';
import { Status, type Transition } from '../../../src/model/machine';
import type { DaxMachine } from '../../../src/model/dax-machine';
import { explore } from '../../../src/check/explore';
import { DEFECT_VARIANTS, eachState } from './helpers';

const PER_SCENARIO = 300;

function same(a: Transition, b: Transition, where: string): void {
  assert.deepEqual(Array.from(a.state), Array.from(b.state), `${where}: state`);
  assert.deepEqual(a.fault, b.fault, `${where}: fault`);
  assert.equal(a.fn, b.fn, `${where}: fn`);
  assert.equal(a.label, b.label, `${where}: label`);
  assert.equal(a.note, b.note, `${where}: note`);
  assert.equal(a.choice, b.choice, `${where}: choice`);
  assert.equal(a.progress, b.progress, `${where}: progress`);
  assert.deepEqual(a.reads, b.reads, `${where}: reads`);
  assert.deepEqual(a.writes, b.writes, `${where}: writes`);
}

/** The first PER_SCENARIO states of both machines; returns the steps compared. */
function compare(name: string, opts: BuildOptions): number {
  const run = buildScenario(name, opts) as DaxMachine;
  const interp = buildScenario(name, opts) as DaxMachine;
  run.vm.useRunners();
  interp.vm.interpretOnly();
  assert.deepEqual(Array.from(run.initial()), Array.from(interp.initial()), `${name}: initial state`);
  return eachState(run, PER_SCENARIO, (s, steps) => steps.forEach((a, t) => {
    assert.equal(run.status(s, t), interp.status(s, t), `${name}: status of ${run.threads[t].name}`);
    if (!a) return;
    const b = interp.successors(s, t);
    assert.equal(a.length, b.length, `${name}: successors of ${run.threads[t].name}`);
    for (let k = 0; k < a.length; k++) {
      const where = `${name}: ${run.threads[t].name} at "${a[k].label}"`;
      same(a[k], b[k], where);
    }
  }));
}

/** dax_unlock_mapping_entry(mapping, index) replaced by code that exercises the runner's corners
 *  (lowered tolerantly: pick() is outside the model, a choice). */
function patched(body: string): BuildOptions {
  const src = `void dax_unlock_mapping_entry(struct address_space *mapping, pgoff_t index)\n{\n\tint x, y, c;\n\tint *p;\n\n${body}\n}`;
  const r = lowerC(src, RADIX_ERA.api, { file: 'test.c', known: eraFunctionNames(RADIX_ERA), strict: false, kernel: 'test' });
  if (r.errors.length) throw new Error(r.errors[0].why);
  return { overrides: { dax_unlock_mapping_entry: r.funcs[0] } };
}

const PATCHES: [string, BuildOptions][] = [
  ['a store through a bad pointer under the lock, then more local code', patched(`
	x = 5;
	spin_lock_irq(&mapping->tree_lock);
	*(int *)x = 1;
	y = 2;
	y = y + 1;
	spin_unlock_irq(&mapping->tree_lock);`)],
  ['a read through a bad pointer in a condition', patched(`
	x = 7;
	if (*(int *)x)
		y = 1;
	else
		y = 2;
	y = y + 1;`)],
  ['a local loop (livelock)', patched(`
loop:
	y = y + 1;
	goto loop;`)],
  ['a choice, a retry and results stored through pointers', patched(`
restart:
	p = &y;
	c = pick();
	*p = c * 3;
	*p = dax_wake_mapping_entry_waiter(mapping, index, 0, 1);
	*p = __radix_tree_lookup(&mapping->page_tree, index, NULL, &x);
	if (c == 1)
		goto restart;
	x = *p;`)],
];

describe('model VM: runners against the interpreter', function () {
  this.timeout(60_000);
  const listing = listModel();
  for (const s of [...listing.scenarios, ...listing.knownDefects]) {
    it(`${s.name}: every step the same, with and without the reductions`, () => {
      // A scenario whose threads all return before a visible step (an mmap refused at once) has none to compare.
      const m = buildScenario(s.name);
      const stepless = m.threads.every((_t, i) => m.status(m.initial(), i) === Status.Done);
      assert.ok(compare(s.name, {}) > 0 || stepless);
      assert.ok(compare(s.name, { reduce: false }) > 0 || stepless);
    });
  }
  for (const [name, points] of DEFECT_VARIANTS) {
    it(`${name} with ${JSON.stringify(points)}: every step the same`, () => {
      assert.ok(compare(name, { points }) > 0);
    });
  }
  for (const [what, opts] of PATCHES) {
    it(`pmd-downgrade with ${what}: every step the same`, () => {
      assert.ok(compare('pmd-downgrade', opts) > 0);
      assert.ok(compare('pmd-downgrade', { ...opts, reduce: false }) > 0);
    });
  }
});

describe('model VM: runners built during a search', function () {
  this.timeout(60_000);
  // A VM interprets its first steps and builds its runners later on, between two steps (or
  // two threads' moves); the search is the same whichever way each step ran.
  it('pmd-invalidate, switching after 100 moves: the same verdict, states, transitions and traces as either way alone', () => {
    const run = (how: 'runners' | 'interpreter' | 'switch'): string => {
      const m = buildScenario('pmd-invalidate') as DaxMachine;
      if (how === 'switch') m.vm.useRunnersAfter(100);
      if (how === 'runners') m.vm.useRunners();
      if (how === 'interpreter') m.vm.interpretOnly();
      const v = explore(m, { maxStates: 1_000_000, maxMs: 120_000 });
      assert.equal(m.vm.hasRunners, how !== 'interpreter', `${how}: runners built`);
      return JSON.stringify([v.verdict, v.states, v.transitions, v.violations.map((x) => x.trace.steps.map((st) => [st.thread, st.label, st.note]))]);
    };
    const sw = run('switch');
    assert.equal(sw, run('runners'));
    assert.equal(sw, run('interpreter'));
  });
});
