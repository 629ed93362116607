// get_user_pages() on device memory that DAX maps (v4.4 with the -mm series of December 2015,
// seed 004): every scenario exhaustively, the trade-off between the two pinning policies Dan
// Williams describes in the seed, and each property shown to catch what it protects.
import { strict as assert } from 'node:assert';
import { buildScenario, SCENARIOS, listModel, type PointValue } from '../../../src/model/index';
import { explore } from '../../../src/check/index';
import type { Verdict } from '../../../src/check/types';
import { DEVMAP_ERA } from '../../../src/model/eras/devmap/index';
import { lowerC } from '../../../src/model/core/lower';
import { eraFunctionNames } from '../../../src/model/core/era';

const BUDGET = { maxStates: 1_000_000, maxMs: 60_000 };
const run = (name: string, points: Record<string, PointValue> = {}, overrides = {}): Verdict => explore(buildScenario(name, { points, overrides }), BUDGET);
const kinds = (v: Verdict): string[] => [...new Set(v.violations.map((x) => x.kind))].sort();
const DM = SCENARIOS.filter((s) => s.era === 'devmap');

/** A function of the era's C as a reviewer would change it (strict: the era's own table). */
function variant(name: string, edit: (text: string) => string): Record<string, ReturnType<typeof lowerC>['funcs'][number]> {
  const src = DEVMAP_ERA.sources.find((s) => new RegExp(`\\b${name}\\(`).test(s.text) && s.text.includes(`${name}(`))!;
  const text = edit(src.text);
  assert.notEqual(text, src.text, 'the edit changes the code');
  const l = lowerC(text, DEVMAP_ERA.api, { file: src.path, known: eraFunctionNames(DEVMAP_ERA), strict: true, kernel: 'test' });
  assert.deepEqual(l.errors, []);
  return { [name]: l.funcs.find((f) => f.name === name)! };
}

describe('model: get_user_pages() on devmap (v4.4 with the -mm series of December 2015)', function () {
  this.timeout(60_000);

  it('has its scenarios, listed with the devmap era', () => {
    assert.deepEqual(DM.map((s) => s.name).sort(), ['follow-devmap-pmd', 'gup-pmd-unbind', 'gup-pte-unbind', 'gup-vma-open-unbind', 'gup-vs-munmap', 'gup-write-ro-pte']);
    const listed = [...listModel().scenarios, ...listModel().knownDefects].filter((s) => s.era === 'devmap');
    assert.equal(listed.length, DM.length);
    assert.ok(listed.every((s) => s.version === 'v4.4+v2'));
  });

  for (const s of DM.filter((x) => !x.expect)) {
    it(`${s.name}: clean, searched to the end in under a second`, () => {
      const t = Date.now();
      const v = run(s.name);
      assert.equal(v.verdict, 'ok', v.violations.map((x) => x.message).join('; '));
      assert.ok(v.states > 1);
      assert.ok(Date.now() - t < 1000, `${Date.now() - t} ms`);
    });
  }

  describe('Dan Williams\'s two pinning policies (seed 004)', () => {
    it('pinned while I/O is in flight (the series): unbind finishes once the I/O completed, the vma still mapped', () => {
      assert.equal(run('gup-vma-open-unbind').verdict, 'ok');
    });

    it('pinned while any DAX vma is open: unbind waits for as long as the vma stays', () => {
      const v = run('gup-vma-open-unbind', { 'get_page.pin': 'vma' });
      assert.deepEqual(kinds(v), ['deadlock']);
      assert.match(v.violations[0].message, /unbind of the pmem namespace waits forever for the dev_pagemap's 1 reference, held by the DAX vma, which is still mapped/);
    });

    it('pinned while any DAX vma is open: unbind finishes once the vma is unmapped', () => {
      assert.equal(run('gup-pmd-unbind', { 'get_page.pin': 'vma' }).verdict, 'ok');
    });
  });

  describe('the properties, each shown to catch what it protects', () => {
    it('use-after-free: the dev_pagemap reference put before get_page() takes its own lets unbind remove the page under it', () => {
      const swap = variant('__gup_device_huge_pmd', (t) => t.replace('\t\tget_page(page);\n\t\tput_dev_pagemap(pgmap);', '\t\tput_dev_pagemap(pgmap);\n\t\tget_page(page);'));
      const v = run('gup-pmd-unbind', {}, swap);
      assert.ok(kinds(v).includes('use-after-free'), kinds(v).join());
      assert.match(v.violations.find((x) => x.kind === 'use-after-free')!.message, /after unbind removed the device's pages/);
    });

    it('refcount: an undo that does not put what the walk pinned leaks it (the recheck undoes, where the walk is unprotected)', () => {
      const points = { 'get_user_pages_fast.irqs_off': false, '__gup_device_huge_pmd.recheck': true };
      const noPut = variant('undo_dev_pagemap', (t) => t.replace('\t\tput_page(page);\n\t}\n}', '\t}\n}'));
      const v = run('gup-vs-munmap', points, noPut);
      assert.ok(kinds(v).includes('refcount'), kinds(v).join());
      assert.ok(v.violations.some((x) => /ZONE_DEVICE page of pfn \d holds 2 references after every thread returned/.test(x.message)));
    });

    it('refcount and deadlock: a dev_pagemap reference never put keeps unbind waiting', () => {
      const leak = variant('__gup_device_huge_pmd', (t) => t.replace('\t\tput_dev_pagemap(pgmap);\n\t\t(*nr)++;', '\t\t(*nr)++;'));
      const v = run('gup-pmd-unbind', {}, leak);
      assert.ok(kinds(v).includes('deadlock'), kinds(v).join());
      assert.match(v.violations.find((x) => x.kind === 'deadlock')!.message, /waits forever for the dev_pagemap's/);
    });

    it('wrong-result: follow_devmap_pmd() without its FOLL_WRITE check gives a page of a read-only PMD', () => {
      const noCheck = variant('follow_devmap_pmd', (t) => t.replace('\tif (flags & FOLL_WRITE && !pmd_write(*pmd))\n\t\treturn NULL;\n', ''));
      const v = run('follow-devmap-pmd', {}, noCheck);
      assert.deepEqual(kinds(v), ['wrong-result']);
      assert.match(v.violations[0].message, /follow_page\(FOLL_WRITE\) of a read-only devmap PMD/);
    });

    it('wrong-result: follow_devmap_pmd() without its FOLL_GET check gives a page nobody holds, not -EEXIST', () => {
      const noCheck = variant('follow_devmap_pmd', (t) => t.replace('\tif (!(flags & FOLL_GET))\n\t\treturn ERR_PTR(-EEXIST);\n', ''));
      const v = run('follow-devmap-pmd', {}, noCheck);
      assert.ok(kinds(v).includes('wrong-result'), kinds(v).join());
      assert.ok(v.violations.some((x) => /without FOLL_GET of a devmap PMD: .* must be -EEXIST/.test(x.message)));
    });

    it('stale-mapping: a walk the TLB flush does not wait for pins a PMD already unmapped; the v4.17 recheck gives the pins back', () => {
      const v = run('gup-vs-munmap', { 'get_user_pages_fast.irqs_off': false });
      assert.deepEqual(kinds(v), ['stale-mapping']);
      assert.match(v.violations[0].message, /through a PMD that an unmap had already cleared and flushed/);
      assert.equal(run('gup-vs-munmap', { 'get_user_pages_fast.irqs_off': false, '__gup_device_huge_pmd.recheck': true }).verdict, 'ok');
    });
  });

  it('gup-write-ro-pte: a write pins read-only devmap PTEs (the series); checking the access first (2017) is clean', () => {
    const v = run('gup-write-ro-pte');
    assert.deepEqual(kinds(v), ['wrong-result']);
    assert.match(v.violations[0].message, /pinned the page of pfn 0 for a write through a read-only mapping/);
    assert.equal(run('gup-write-ro-pte', { 'gup_pte_range.devmap_access': 'checked' }).verdict, 'ok');
  });
});
