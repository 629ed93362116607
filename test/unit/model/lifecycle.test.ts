// Seed 002's life cycle of a DAX page that is truncated (Dan Williams, "Fix the DAX-gup mistake",
// 2022): mapped, pinned by get_user_pages(), its layout broken by truncate, which waits for the
// page to go idle before freeing the block, with memory failure looking it up meanwhile.
import { strict as assert } from 'node:assert';
import { buildScenario, type PointValue } from '../../../src/model/index';
import { explore } from '../../../src/check/index';
import type { Verdict } from '../../../src/check/types';

const BUDGET = { maxStates: 1_000_000, maxMs: 60_000 };
const run = (points: Record<string, PointValue>, version?: string): Verdict => explore(buildScenario('xa-page-lifecycle', { points, version }), BUDGET);
const WAIT = { 'dax_layout_busy_page_range.locked_entry': 'wait' };

describe('model: the DAX page life cycle of seed 002', function () {
  this.timeout(60_000);

  for (const version of ['v5.12', 'v6.12']) {
    it(`${version}: with the busy-page scan waiting for a locked entry the life cycle is clean`, () => {
      const v = run(WAIT, version);
      assert.equal(v.verdict, 'ok', v.violations.map((x) => x.message).join('; '));
    });

    it(`${version}: a truncate that frees the block without waiting for the page to go idle is a use-after-free, with a trace`, () => {
      const v = run({ ...WAIT, 'xfs_setattr_size.break_layouts': false }, version);
      const x = v.violations.find((y) => y.kind === 'use-after-free');
      assert.ok(x, v.violations.map((y) => y.kind).join());
      assert.match(x.message, /freed while get_user_pages\(\) holds its DAX page/);
      assert.ok(x.trace.steps.some((st) => /xfs_itruncate_extents/.test(st.label)));
    });
  }

  it('as v5.12 has it, memory failure holding the entry makes the scan miss the pinned page', () => {
    const v = run({});
    assert.ok(v.violations.some((x) => x.kind === 'use-after-free'));
    const x = v.violations.find((y) => y.kind === 'use-after-free')!;
    assert.ok(x.trace.steps.some((st) => st.thread === 2), 'memory failure takes part');
  });
});
