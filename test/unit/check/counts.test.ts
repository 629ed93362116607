// The search is exact, and so is every speed-up of it: the states, transitions, verdicts
// and trace lengths of the model's scenarios are fixed numbers. A change to the model's
// interpreter, the canonical form or the visited set that merges two states, drops one,
// or takes a step differently changes one of them.
//
// The numbers are those of the radix era's kernel C (src/model/eras/radix). With the model's
// reductions on, its states are the states of the TypeScript functions it replaced, in every
// scenario; so are the transitions without symmetry. Under symmetry a class's representative
// depends on the layout of the threads' frames, so sleep sets prune a few transitions more or
// fewer. With the model's reductions off, every visible operation is a step of its own, and
// the C has a few more of them than the functions it replaced had: slot_locked() reads the
// slot under tree_lock where they tested the looked-up entry, and the fault path reads the
// vma's flags and PMD through the fields the kernel reads.
//
// Each thread keeps whether it has mapped or found mapped the page it faults on (THREAD.MAPPED,
// for the fault-result property). In hzp-downgrade that tells apart states where the PMD read
// fault saw its zero page mapped before the downgrade unmapped it from states where it did
// not (9943 -> 10391 states); elsewhere the word only changes which thread region sorts first
// under symmetry, so sleep sets prune a few transitions fewer (hole-read-write with dead locals
// kept 14865 -> 14879, fault-vs-truncate-2 398 -> 399, -3 2250 -> 2256).
//
// A finish_wait() whose task a wake already took off the queue touches its task alone (no
// other thread can put it back on): sleep sets take it for independent of the other threads'
// queue operations, and prune more transitions where a waiter returns from its sleep
// (pmd-downgrade 2790 -> 2667, pmd-invalidate 9186 -> 9018); states, verdicts and trace
// lengths stay.
//
// THREAD.MAPPED says what a fault found and did (Mapped bits: its PTE present, a mapping it made
// or a huge PMD, the PTE made writable), so that a write fault that only found its PTE read-only
// is told from one that made progress, and whether it found the huge zero page at its first
// look at the PMD. States that differ only in those bits are apart (eexist-waiters 972 -> 1082,
// hole-read-write 3333 -> 3426, fault-vs-truncate-3 1063 -> 1134, fault-vs-invalidate-3
// 3501 -> 3866, hzp-downgrade 6621 -> 6800); verdicts, kinds and trace lengths are unchanged.
//
// Truncate frees the blocks beyond the new size (xfs_itruncate_extents(), as v4.10's
// xfs_setattr_size() does), one step more, after which the faults that follow it find holes
// (fault-vs-truncate-2 281 -> 297, -3 1134 -> 1175); verdicts, kinds and trace lengths are
// unchanged.
//
// Who woke a queue last, with what nr_exclusive and key, is the model's diagnostic record for
// the lost-wakeup message (Machine.diagnostic), not the kernel's state: the search stores no
// state twice for it, and says the message on the trace it replays. That merges the states
// that differ only in who woke last (pmd-downgrade 5398 -> 1618, eexist-waiters 1314 -> 972,
// hole-read-write 4663 -> 3333); verdicts, kinds and trace lengths are unchanged.
import { strict as assert } from 'node:assert';
import { explore } from '../../../src/check/explore';
import type { Reductions } from '../../../src/check/types';
import { buildScenario, type PointValue } from '../../../src/model/index';
import { withCaches } from '../../../src/model/caches';

const BUDGET = { maxStates: 1_000_000, maxMs: 120_000 };

interface Case {
  scenario: string;
  points?: Record<string, PointValue>;
  /** The model's step reductions (BuildOptions.reduce). */
  reduce?: boolean;
  /** Dead locals zeroed after each step (BuildOptions.deadLocals). */
  deadLocals?: boolean;
  reductions?: Reductions;
  /** verdict states/transitions [kind:trace length, ...] */
  want: string;
}

const OFF: Reductions = { symmetry: false, sleepSets: false };

const CASES: Case[] = [
  { scenario: 'pmd-downgrade', want: 'ok 1618/2667 []' },
  { scenario: 'pmd-downgrade', reductions: OFF, want: 'ok 1618/4284 []' },
  { scenario: 'pmd-downgrade', reduce: false, want: 'ok 8210/9716 []' },
  { scenario: 'pmd-downgrade', points: { 'grab_mapping_entry.downgrade_wake_all': false }, want: 'violation 1735/2805 [lost-wakeup:23]' },
  { scenario: 'eexist-waiters', want: 'ok 1082/1679 []' },
  { scenario: 'eexist-waiters', deadLocals: false, want: 'ok 1460/2189 []' },
  { scenario: 'eexist-waiters', reductions: OFF, want: 'ok 2108/4483 []' },
  { scenario: 'eexist-waiters', reduce: false, want: 'ok 5293/7196 []' },
  { scenario: 'eexist-waiters', points: { 'grab_mapping_entry.eexist_put': false }, want: 'violation 1036/1553 [lost-wakeup:22]' },
  { scenario: 'enomem-downgrade', want: 'ok 189/246 []' },
  { scenario: 'enomem-downgrade', reduce: false, reductions: OFF, want: 'ok 640/1028 []' },
  { scenario: 'enomem-downgrade', points: { 'grab_mapping_entry.preload_fail': 'return' }, want: 'violation 147/186 [entry-left-locked:3]' },
  { scenario: 'hole-read-write', want: 'ok 3426/5160 []' },
  { scenario: 'hole-read-write', deadLocals: false, want: 'ok 7451/10919 []' },
  { scenario: 'hzp-downgrade', want: 'ok 6800/9811 []' },
  { scenario: 'fault-vs-truncate-2', want: 'ok 297/404 []' },
  { scenario: 'fault-vs-truncate-2', reduce: false, reductions: OFF, want: 'ok 1117/2040 []' },
  { scenario: 'fault-vs-truncate-3', want: 'ok 1175/2142 []' },
  { scenario: 'fault-vs-truncate-3', reductions: OFF, want: 'ok 5831/14075 []' },
  { scenario: 'fault-vs-invalidate-2', want: 'violation 591/918 [stale-mapping:17]' },
  { scenario: 'fault-vs-invalidate-2', reduce: false, want: 'violation 3181/4252 [stale-mapping:35]' },
  { scenario: 'fault-vs-invalidate-3', want: 'violation 3866/8415 [stale-mapping:20]' },
  { scenario: 'pmd-invalidate', want: 'violation 5415/9018 [stale-mapping:19,lost-wakeup:24]' },
  { scenario: 'pmd-invalidate', deadLocals: false, want: 'violation 10458/17049 [stale-mapping:19,lost-wakeup:24]' },
];

// Every count holds with the search's caches on and off (src/model/caches.ts): remembered
// steps, compiled runners and recalled moves must change nothing.
for (const caches of [true, false]) {
  describe(`check: exact state and transition counts of the model scenarios${caches ? '' : ', caches off'}`, function () {
    this.timeout(120_000);
    for (const c of CASES) {
      const how = [c.points && JSON.stringify(c.points), c.reduce === false && 'model reductions off', c.deadLocals === false && 'dead locals kept', c.reductions && 'explorer reductions off'].filter(Boolean).join(', ');
      it(`${c.scenario}${how ? ` (${how})` : ''}: ${c.want}`, () => {
        const v = withCaches(caches, () => explore(buildScenario(c.scenario, { points: c.points, reduce: c.reduce, deadLocals: c.deadLocals }), BUDGET, { reductions: c.reductions }));
        const got = `${v.verdict} ${v.states}/${v.transitions} [${v.violations.map((x) => `${x.kind}:${x.trace.steps.length}`).join(',')}]`;
        assert.equal(got, c.want);
      });
    }
  });
}

// With persistent sets asked for, every verdict, kind and shortest trace length is the same
// and no state count grows (the transitions may: the sleep sets step aside where persistent
// sets answer the livelock question).
describe('check: the model scenarios with partial-order reduction asked for', function () {
  this.timeout(120_000);
  for (const c of CASES) {
    it(`${c.scenario}: ${c.want.split(' ')[0]} ${c.want.split(' ')[2]}`, () => {
      const machine = buildScenario(c.scenario, { points: c.points, reduce: c.reduce, deadLocals: c.deadLocals });
      const v = explore(machine, BUDGET, { reductions: { ...c.reductions, partialOrder: true } });
      const [verdict, counts, kinds] = c.want.split(' ');
      const [states] = counts.split('/').map(Number);
      assert.equal(v.verdict, verdict);
      assert.equal(`[${v.violations.map((x) => `${x.kind}:${x.trace.steps.length}`).join(',')}]`, kinds);
      assert.ok(v.states <= states, `${v.states} states, against ${states}`);
    });
  }
});
