// The explorer over the DAX model: the defects the seed reviews found by hand, found by
// search, and the v4.10 shapes clean. Each expectation says what it checks, so a model
// that misbehaves fails with the verdict in the message.
import { strict as assert } from 'node:assert';
import { explore } from '../../../src/check/explore';
import type { Verdict, Violation } from '../../../src/check/types';
import { buildScenario, listModel, type PointValue } from '../../../src/model/index';
import { permuted, randomWalkKinds, summary as lengths } from './toys';

const BUDGET = { maxStates: 3_000_000, maxMs: 120_000 };

function run(scenario: string, points: Record<string, PointValue> = {}, stopAtFirst = false): Verdict {
  return explore(buildScenario(scenario, { points }), BUDGET, { stopAtFirst });
}

function summary(v: Verdict): string {
  return `${v.scenario}: ${v.verdict}, ${v.states} states; ${v.violations.map((x) => `${x.kind}: ${x.message}`).join('; ') || 'no violations'}`;
}

function only(v: Verdict, kind: string): Violation {
  const x = v.violations.find((y) => y.kind === kind);
  assert.ok(x, `expected ${kind}; got ${summary(v)}`);
  return x;
}

function assertClean(v: Verdict): void {
  assert.equal(v.verdict, 'ok', summary(v));
  assert.equal(v.covered, undefined, 'exhaustive: nothing left unexplored');
  assert.deepEqual(v.violations, []);
}

describe('check: acceptance on the DAX model', function () {
  this.timeout(120_000);

  it('pmd-downgrade waking one waiter: T3 sleeps on 0x200 forever after T1 woke one', () => {
    const v = run('pmd-downgrade', { 'grab_mapping_entry.downgrade_wake_all': false }, true);
    assert.equal(v.verdict, 'violation', summary(v));
    const x = only(v, 'lost-wakeup');
    const steps = x.trace.steps;
    assert.deepEqual(x.threads, [2], `the third thread is the sleeper: ${x.message}`);
    assert.equal(x.detail?.key, '0x200', 'it sleeps on the PMD-aligned key');
    const wake = steps.findIndex((s) => s.thread === 0 && /__wake_up/.test(s.label) && /woke 1 of 2 waiters on 0x200/.test(s.note));
    assert.ok(wake >= 0, `T1 wakes one of the two waiters on 0x200:\n${steps.map((s) => `${s.threadName}: ${s.label} -> ${s.note}`).join('\n')}`);
    const waits = steps.map((s, i) => [s, i] as const).filter(([s]) => s.thread === 2);
    const last = waits.at(-1)!;
    assert.ok(last[1] < wake, 'T3 took its last step before the wake');
    assert.match(last[0].note + ' ' + steps.filter((s) => s.thread === 2).map((s) => s.note).join(' '), /waits on key 0x200/);
    const after = steps.at(-1)!.after!;
    assert.equal(after.threads[2].status, 'blocked');
    assert.ok(after.waitqueues.some((q) => q.waiters.some((w) => w.startsWith('T3') && w.includes('0x200'))), JSON.stringify(after.waitqueues));
  });

  it('pmd-downgrade waking all: clean, exhaustive', () => {
    assertClean(run('pmd-downgrade', { 'grab_mapping_entry.downgrade_wake_all': true }));
  });

  it('eexist-waiters without put_unlocked_mapping_entry() on the -EEXIST path: lost wakeup', () => {
    const v = run('eexist-waiters', { 'grab_mapping_entry.eexist_put': false });
    assert.equal(v.verdict, 'violation', summary(v));
    const x = only(v, 'lost-wakeup');
    const sleeper = x.threads![0];
    const steps = x.trace.steps;
    assert.notEqual(sleeper, 1, 'the PMD fault is not the sleeper');
    // The holder wakes one waiter, the PMD fault; it finds the PTE entry and leaves with
    // -EEXIST without passing the wake-up on.
    const woken = steps.findIndex((s) => s.thread === 1 && /woken/.test(s.note));
    assert.ok(woken >= 0, `the PMD fault is woken:\n${steps.map((s) => `${s.threadName}: ${s.label} -> ${s.note}`).join('\n')}`);
    assert.ok(!steps.slice(woken).some((s) => s.thread === 1 && /__wake_up/.test(s.label)), 'the PMD fault never wakes anyone');
    assert.equal(steps.at(-1)!.after!.threads[sleeper].status, 'blocked');
  });

  it('eexist-waiters with the put: clean, exhaustive', () => {
    assertClean(run('eexist-waiters', { 'grab_mapping_entry.eexist_put': true }));
  });

  it('enomem-downgrade returning with the entry locked: entry left locked and a later fault asleep forever', () => {
    const v = run('enomem-downgrade', { 'grab_mapping_entry.preload_fail': 'return' });
    assert.equal(v.verdict, 'violation', summary(v));
    const x = only(v, 'entry-left-locked');
    assert.ok(x.trace.steps.some((s) => /ENOMEM/.test(s.note + (s.choice ?? ''))), 'the trace shows radix_tree_preload() failing');
    const asleep = x.trace.steps.at(-1)!.after!.threads.filter((t) => t.status === 'blocked');
    assert.ok(asleep.length >= 1, `a later fault sleeps on the locked entry: ${x.message}`);
    assert.match(x.message, /sleeps? .*forever|asleep/);
  });

  it('enomem-downgrade releasing the entry in the downgrade case: clean, exhaustive', () => {
    assertClean(run('enomem-downgrade', { 'grab_mapping_entry.preload_fail': 'put-locked-if-downgrade' }));
  });

  describe('the v4.10 shapes pass every scenario exhaustively, but for defects v4.10 really has', () => {
    const listing = listModel();
    for (const s of [...listing.scenarios, ...listing.knownDefects]) {
      const expect = s.expect;
      it(`${s.name}${expect ? `: ${expect.kind} (${expect.why})` : ''}`, () => {
        const v = run(s.name);
        if (!expect) return assertClean(v);
        assert.equal(v.verdict, 'violation', summary(v));
        only(v, expect.kind);
        assert.equal(v.covered, undefined, 'exhaustive');
      });
    }
  });

  // Small scenarios, with and without a defect, for the explorer's own properties.
  const CASES: [string, Record<string, PointValue>][] = [
    ['enomem-downgrade', { 'grab_mapping_entry.preload_fail': 'return' }],
    ['enomem-downgrade', {}],
    ['eexist-waiters', { 'grab_mapping_entry.eexist_put': false }],
    ['fault-vs-truncate-2', {}],
  ];

  it('verdicts are invariant under thread order', () => {
    for (const [name, points] of CASES) {
      const m = buildScenario(name, { points });
      const base = explore(m, BUDGET);
      const n = m.threads.length;
      const perms = n === 2 ? [[1, 0]] : [[2, 1, 0], [1, 2, 0]];
      for (const perm of perms) {
        const v = explore(permuted(m, perm), BUDGET);
        assert.equal(v.verdict, base.verdict, `${name} ${perm}: ${summary(v)} vs ${summary(base)}`);
        assert.deepEqual(lengths(v), lengths(base), `${name} ${perm}`);
      }
    }
  });

  it('reductions never change the verdict, kinds or shortest trace lengths; sleep sets keep every state', () => {
    for (const [name, points] of CASES) {
      const m = buildScenario(name, { points });
      const full = explore(m, BUDGET, { reductions: { symmetry: false, sleepSets: false } });
      const sleep = explore(m, BUDGET, { reductions: { symmetry: false } });
      const both = explore(m, BUDGET);
      assert.equal(sleep.states, full.states, name);
      assert.ok(sleep.transitions <= full.transitions, name);
      assert.deepEqual(lengths(sleep), lengths(full), name);
      assert.deepEqual(lengths(both), lengths(full), name);
      assert.equal(both.verdict, full.verdict, name);
    }
  });

  it('a random scheduler never finds a violation that exhaustive search missed', () => {
    for (const [name, points] of CASES) {
      const m = buildScenario(name, { points });
      const kinds = new Set(explore(m, BUDGET).violations.map((x) => x.kind));
      for (const k of randomWalkKinds(m, name.length * 7919, 150, 400)) assert.ok(kinds.has(k), `${name}: a random walk found ${k}; search: ${[...kinds]}`);
    }
  });
});
