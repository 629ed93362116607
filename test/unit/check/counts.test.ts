// The search is exact, and so is every speed-up of it: the states, transitions, verdicts
// and trace lengths of the model's scenarios are fixed numbers. A change to the model's
// interpreter, the canonical form or the visited set that merges two states, drops one,
// or takes a step differently changes one of them.
import { strict as assert } from 'node:assert';
import { explore } from '../../../src/check/explore';
import type { Reductions } from '../../../src/check/types';
import { buildScenario, type PointValue } from '../../../src/model/index';

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
  { scenario: 'pmd-downgrade', want: 'ok 5398/9190 []' },
  { scenario: 'pmd-downgrade', reductions: OFF, want: 'ok 5398/14220 []' },
  { scenario: 'pmd-downgrade', reduce: false, want: 'ok 25091/30909 []' },
  { scenario: 'pmd-downgrade', points: { 'grab_mapping_entry.downgrade_wake_all': false }, want: 'violation 3607/6004 [lost-wakeup:23]' },
  { scenario: 'eexist-waiters', want: 'ok 1314/1761 []' },
  { scenario: 'eexist-waiters', deadLocals: false, want: 'ok 1743/2259 []' },
  { scenario: 'eexist-waiters', reductions: OFF, want: 'ok 2532/5081 []' },
  { scenario: 'eexist-waiters', reduce: false, want: 'ok 5345/6475 []' },
  { scenario: 'eexist-waiters', points: { 'grab_mapping_entry.eexist_put': false }, want: 'violation 1140/1519 [lost-wakeup:22]' },
  { scenario: 'enomem-downgrade', want: 'ok 317/394 []' },
  { scenario: 'enomem-downgrade', reduce: false, reductions: OFF, want: 'ok 986/1552 []' },
  { scenario: 'enomem-downgrade', points: { 'grab_mapping_entry.preload_fail': 'return' }, want: 'violation 255/325 [entry-left-locked:3]' },
  { scenario: 'hole-read-write', want: 'ok 4663/7053 []' },
  { scenario: 'hole-read-write', deadLocals: false, want: 'ok 10038/14865 []' },
  { scenario: 'hzp-downgrade', want: 'ok 9943/13896 []' },
  { scenario: 'fault-vs-truncate-2', want: 'ok 302/398 []' },
  { scenario: 'fault-vs-truncate-2', reduce: false, reductions: OFF, want: 'ok 1047/1881 []' },
  { scenario: 'fault-vs-truncate-3', want: 'ok 1324/2223 []' },
  { scenario: 'fault-vs-truncate-3', reductions: OFF, want: 'ok 6425/15029 []' },
  { scenario: 'fault-vs-invalidate-2', want: 'violation 724/996 [stale-mapping:17]' },
  { scenario: 'fault-vs-invalidate-2', reduce: false, want: 'violation 3343/4022 [stale-mapping:32]' },
  { scenario: 'fault-vs-invalidate-3', want: 'violation 5196/9826 [stale-mapping:20]' },
  { scenario: 'pmd-invalidate', want: 'violation 13295/20948 [stale-mapping:19,lost-wakeup:24]' },
  { scenario: 'pmd-invalidate', deadLocals: false, want: 'violation 26076/40824 [stale-mapping:19,lost-wakeup:24]' },
];

describe('check: exact state and transition counts of the model scenarios', function () {
  this.timeout(60_000);
  for (const c of CASES) {
    const how = [c.points && JSON.stringify(c.points), c.reduce === false && 'model reductions off', c.deadLocals === false && 'dead locals kept', c.reductions && 'explorer reductions off'].filter(Boolean).join(', ');
    it(`${c.scenario}${how ? ` (${how})` : ''}: ${c.want}`, () => {
      const v = explore(buildScenario(c.scenario, { points: c.points, reduce: c.reduce, deadLocals: c.deadLocals }), BUDGET, { reductions: c.reductions });
      const got = `${v.verdict} ${v.states}/${v.transitions} [${v.violations.map((x) => `${x.kind}:${x.trace.steps.length}`).join(',')}]`;
      assert.equal(got, c.want);
    });
  }
});
