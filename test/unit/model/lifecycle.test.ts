// Seed 002's life cycle of a DAX page that is truncated (Dan Williams, "Fix the DAX-gup mistake",
// 2022): mapped, pinned by get_user_pages(), its layout broken by truncate, which waits for the
// page to go idle before freeing the block, with memory failure looking it up meanwhile.
import { strict as assert } from 'node:assert';
import { buildScenario, listModel, type PointValue } from '../../../src/model/index';
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

describe('model: seed 002\'s life cycle with DAX_ZAP (v6.12+zap)', function () {
  this.timeout(60_000);
  const zap = (name: string, points: Record<string, PointValue> = {}): Verdict => explore(buildScenario(name, { points }), BUDGET);
  const kinds = (v: Verdict): string => v.violations.map((x) => `${x.kind}: ${x.message}`).join('; ');

  it('runs the version with the mapping\'s page references by default', () => {
    const listed = listModel().scenarios.filter((s) => /^xa-zap-/.test(s.name));
    assert.deepEqual(listed.map((s) => [s.name, s.era, s.version]), [['xa-zap-lifecycle', 'XArray', 'v6.12+zap'], ['xa-zap-refault', 'XArray', 'v6.12+zap']]);
    assert.ok(listModel().functions.some((f) => f.name === 'dax_zap_mappings_range' && f.version === 'v6.12+zap' && /seed 002/.test(f.kernel)));
  });

  it('steps 0/ to 5/ are clean: zap, wait for the DMA, memory failure meanwhile, final truncate', () => {
    const v = zap('xa-zap-lifecycle');
    assert.equal(v.verdict, 'ok', kinds(v));
  });

  it('a truncate that frees the block without waiting for the page to go idle is a use-after-free, with a trace', () => {
    const v = zap('xa-zap-lifecycle', { 'xfs_setattr_size.break_layouts': false });
    const x = v.violations.find((y) => y.kind === 'use-after-free');
    assert.ok(x, kinds(v));
    assert.ok(x.trace.steps.some((st) => /xfs_itruncate_extents/.test(st.label)));
  });

  it('an entry at zero references without DAX_ZAP at truncate is reported (break layouts dropping the reference untagged)', () => {
    const v = zap('xa-zap-lifecycle', { 'dax_zap_entry.tag': false });
    assert.ok(v.violations.some((x) => x.kind === 'assertion' && x.trace.steps.some((st) => /dax_disassociate_entry|WARN/.test(st.label))), kinds(v));
    assert.ok(v.violations.some((x) => x.kind === 'refcount'), kinds(v));
  });

  it('memory failure on a zapped, unreferenced page still finds its file; losing page->mapping with the reference is a wrong result', () => {
    assert.equal(zap('xa-zap-lifecycle').verdict, 'ok');
    const v = zap('xa-zap-lifecycle', { 'dax_lock_folio.zapped': 'mapping-cleared' });
    const x = v.violations.find((y) => y.kind === 'wrong-result');
    assert.ok(x, kinds(v));
    assert.match(x.message, /memory failure 0x203 gave up .* still in the file/);
  });

  it('a zapped entry a fault maps again takes the mapping\'s reference back', () => {
    assert.equal(zap('xa-zap-refault').verdict, 'ok', kinds(zap('xa-zap-refault')));
  });

  it('every XArray scenario keeps its verdict of v6.12, or is fixed, under the life cycle', () => {
    for (const name of ['xa-fault-vs-truncate', 'xa-fault-vs-invalidate', 'xa-busy-scan', 'xa-memory-failure-vs-truncate', 'xa-fsync-vs-fault', 'xa-busy-page-dma', 'xa-page-lifecycle']) {
      const v = explore(buildScenario(name, { version: 'v6.12+zap' }), BUDGET);
      assert.equal(v.verdict, 'ok', `${name}: ${kinds(v)}`);
    }
  });
});
