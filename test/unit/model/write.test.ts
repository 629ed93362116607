// write(2) through DAX (xfs_file_dax_write(), dax_iomap_actor()): a write that allocates a
// block inside a hole must tear down the zero page mapped over it, or mmap keeps reading
// zeroes where the file has data (property stale-mapping).
import { strict as assert } from 'node:assert';
import { buildScenario, type PointValue } from '../../../src/model/index';
import { explore } from '../../../src/check/index';
import { lowerC } from '../../../src/model/core/lower';
import { eraFunctionNames } from '../../../src/model/core/era';
import { RADIX_ERA } from '../../../src/model/eras/radix/index';
import type { Verdict } from '../../../src/check/types';

const BUDGET = { maxStates: 1_000_000, maxMs: 60_000 };
const run = (name: string, points: Record<string, PointValue> = {}, version?: string): Verdict =>
  explore(buildScenario(name, { points, ...(version ? { version } : {}) }), BUDGET);
const said = (v: Verdict): string => v.violations.map((x) => `${x.kind}: ${x.message}`).join('; ') || v.verdict;

describe('model: write(2) over a hole the zero page maps', function () {
  this.timeout(60_000);

  for (const version of ['v5.12', 'v6.12', 'v6.15', 'v6.12+zap']) {
    it(`${version}: the allocating write invalidates the zero page a read fault mapped`, () => {
      assert.equal(run('xa-write-over-hole', {}, version).verdict, 'ok');
    });
  }

  it('v4.10 invalidates only while the mapping holds pages: the huge zero page stays mapped over the written block', () => {
    const v = run('hzp-write');
    const x = v.violations.find((y) => y.kind === 'stale-mapping');
    assert.ok(x, said(v));
    assert.match(x.message, /the zero page is still mapped at 0x203 after a block was allocated there/);
    assert.ok(x.trace.steps.some((st) => /block at 0x203 allocated/.test(st.note)));
  });

  it('invalidating whatever the mapping holds and unmapping after it (v4.12) are both needed', () => {
    const both = { 'dax_iomap_actor.invalidate_nrpages': false, 'invalidate_inode_pages2_range.dax_unmap': true };
    assert.equal(run('hzp-write', both).verdict, 'ok', said(run('hzp-write', both)));
    assert.equal(run('hzp-write', { 'dax_iomap_actor.invalidate_nrpages': false }).verdict, 'violation');
    assert.equal(run('hzp-write', { 'invalidate_inode_pages2_range.dax_unmap': true }).verdict, 'violation');
  });

  it('v4.10: an invalidation that leaves the hole page in the page cache over the written block is caught, though it says -EBUSY', () => {
    const keeps = [
      'static int invalidate_complete_page2(struct address_space *mapping, struct page *page)',
      '{',
      '\treturn 0;',
      '}',
    ].join('\n');
    const r = lowerC(keeps, RADIX_ERA.api, { file: 'mm/truncate.c', known: eraFunctionNames(RADIX_ERA), strict: true, kernel: 'test' });
    assert.deepEqual(r.errors, []);
    assert.equal(run('hole-page-write').verdict, 'ok', 'the era\'s own invalidation drops it');
    const v = explore(buildScenario('hole-page-write', { overrides: { invalidate_complete_page2: r.funcs[0] } }), BUDGET);
    const x = v.violations.find((y) => y.kind === 'stale-mapping');
    assert.ok(x, said(v));
    assert.match(x.message, /the hole page of 0x203 stays in the page cache after a block was allocated there/);
  });
});
