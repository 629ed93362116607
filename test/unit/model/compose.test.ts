// Scenarios a reviewer composes from threads, without code.
import { strict as assert } from 'node:assert';
import { explore } from '../../../src/check/explore';
import { buildScenario, composeThreads, scenarioSpec } from '../../../src/model/index';

describe('model: composed scenarios', function () {
  this.timeout(60_000);
  const budget = { maxStates: 200_000, maxMs: 60_000 };

  it('reads threads as kind@index and names what it does not know', () => {
    const t = composeThreads('pte-read@0x202, truncate@0x203, invalidate@0x200-0x3ff, dax-write@515');
    assert.deepEqual(t.map((x) => [x.fn, x.args]), [
      ['handle_mm_fault', [0x202, 0, 0]], ['xfs_setattr_size', [0x203]],
      ['invalidate_inode_pages2_range', [1, 0x200, 0x3ff]], ['do_dax_fault', [515, 1]],
    ]);
    assert.throws(() => composeThreads('frob@0x200'), /'frob@0x200' is not a thread: give kind@index, kind one of pte-read/);
    assert.throws(() => composeThreads(''), /no threads given/);
    assert.throws(() => scenarioSpec(null, 'pte-read@0x202,pte-read@0x402'), /one PMD region/);
  });

  it('threads over a scenario\'s world run as the scenario does', () => {
    const points = { 'grab_mapping_entry.downgrade_wake_all': false };
    const own = explore(buildScenario('pmd-downgrade', { points }), budget);
    const composed = explore(buildScenario('pmd-downgrade', { points, threads: 'dax-read@0x202,dax-read@0x203,dax-read@0x204' }), budget);
    assert.equal(composed.states, own.states);
    assert.deepEqual(composed.violations.map((v) => v.kind), ['lost-wakeup']);
  });

  it('a composed truncate models the index it truncates to', () => {
    const spec = scenarioSpec(null, 'pmd-read@0x200,truncate@0x300');
    assert.deepEqual(spec.indexes, [0x200, 0x300]);
    assert.equal(explore(buildScenario('', { threads: 'pmd-read@0x200,truncate@0x300' }), budget).verdict, 'ok');
  });

  it('threads alone run over a file of mapped blocks with an empty tree', () => {
    const v = explore(buildScenario('', { threads: 'pte-read@0x203,truncate@0x203' }), budget);
    assert.equal(v.verdict, 'ok');
    assert.ok(v.states > 10);
  });
});
