// Seed 004 (get_user_pages() for dax mappings, [-mm PATCH v2 23/25]) through the whole review:
// its code is clean on reference balance, nearly all of its changed lines run, and its hunks
// whose file the mail does not name are placed in their real files only when a kernel tree is
// given; without one their file stays unknown, and the review says so.
import { describePairs } from './pairs';
import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkMail, reviewReady, type CheckResult } from '../../../src/review/index';
import { bindPatches } from '../../../src/bind/bind';
import { DEVMAP_ERA } from '../../../src/model/eras/devmap/index';
import { seed } from './support';

/** A kernel tree of the files the devmap part has (its own C, as a tree that has the series). */
function devmapTree(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devmap-tree-'));
  for (const s of DEVMAP_ERA.sources) {
    mkdirSync(path.dirname(path.join(dir, s.path)), { recursive: true });
    writeFileSync(path.join(dir, s.path), s.text);
  }
  return dir;
}

describe('review: seed 004, get_user_pages() for dax mappings', function () {
  this.timeout(300_000);
  const s = seed('004');
  let r: CheckResult;
  before(async () => {
    await reviewReady();
    r = await checkMail(s.text, { file: s.file });
  });

  it('binds to the devmap part of the model and finds nothing: the seed\'s code is clean on reference balance', () => {
    assert.equal(bindPatches(r.patches).era.name, 'devmap');
    assert.deepEqual(r.findings.map((f) => `${f.line} ${f.rule} ${f.message}`), []);
    const ran = r.verdicts.filter((v) => v.post);
    assert.ok(ran.length > 0, 'scenarios ran the seed\'s code');
    const balance = ['refcount', 'use-after-free', 'deadlock'];
    assert.ok(ran.every((v) => !v.post.violations.some((x) => balance.includes(x.kind))), ran.map((v) => v.summary).join('; '));
    // The one violation is gup_pte_range()'s known defect, which the seed's hunks do not touch: there before and after.
    const other = ran.filter((v) => v.post.verdict !== 'ok');
    assert.ok(other.every((v) => v.scenario === 'gup-write-ro-pte' && /before and after/.test(v.summary)), other.map((v) => v.summary).join('; '));
    assert.ok(ran.some((v) => v.scenario === 'gup-pmd-unbind' && v.post.verdict === 'ok'));
    assert.deepEqual(r.bounded, []);
  });

  it('runs at least 90% of the changed lines in modelled functions; what it does not run, it says why', () => {
    const changed = r.coverage.reduce((n, c) => n + c.changed, 0);
    const ran = r.coverage.reduce((n, c) => n + c.executed, 0);
    assert.equal(changed, 43);
    assert.ok(ran / changed >= 0.9, `${ran} of ${changed}`);
    // undo_dev_pagemap()'s loop: the cached dev_pagemap lookup after the first page never fails.
    const left = r.coverage.flatMap((c) => c.notExecuted);
    assert.ok(left.every((x) => x.why === 'not-reached' && /undo_dev_pagemap/.test(x.detail ?? '')), JSON.stringify(left));
  });

  it('without a tree: the file of each header-less hunk stays unknown, and the review says so', () => {
    const notes = r.diagnostics.filter((d) => /does not name the file of this hunk/.test(d.message));
    assert.deepEqual(notes.map((d) => d.line), [53, 109]);
    assert.match(notes[0].message, /arch\/x86\/mm\/gup\.c, the file of the hunk before the cut, is a guess\): its file stays unknown; the model runs get_page\(\) as its own include\/linux\/mm\.h has it/);
    assert.match(notes[1].message, /its file stays unknown; the model runs touch_pmd\(\), follow_devmap_pmd\(\) as its own mm\/huge_memory\.c has them/);
    const hunks = r.patches.flatMap((pm) => pm.files.flatMap((f) => f.hunks));
    assert.equal(hunks[2].path, null, 'the mail\'s hunk keeps no file');
  });

  it('with a kernel tree: the header-less hunks are placed in the tree\'s files that define their functions', async () => {
    const t = await checkMail(s.text, { file: s.file, tree: devmapTree() });
    const placed = t.treeFailures.filter((x) => /does not name this hunk's file/.test(x.reason)).map((x) => [x.mailLine, x.reason.replace(/, where .* defines/, ' defines')]);
    assert.deepEqual(placed, [
      [53, 'the mail does not name this hunk\'s file: placed in include/linux/mm.h defines get_page()'],
      [109, 'the mail does not name this hunk\'s file: placed in mm/huge_memory.c defines touch_pmd()'],
    ]);
    assert.ok(!t.diagnostics.some((d) => /its file stays unknown/.test(d.message)));
    const b = bindPatches(t.patches, { tree: devmapTree() });
    assert.deepEqual(b.functions.map((f) => `${f.name} ${f.path}`).sort(), ['follow_devmap_pmd mm/huge_memory.c', 'get_page include/linux/mm.h', 'touch_pmd mm/huge_memory.c', 'undo_dev_pagemap arch/x86/mm/gup.c']);
  });
});

describePairs('review: devmap patch mails, each breaking a property, and their fixed twins', 'devmap', [
  {
    property: 'every dev_pagemap reference a walk takes is dropped', kind: 'refcount', scenario: 'gup-vs-munmap',
    broken: 'devmap/refcount.patch', fixed: 'devmap/refcount-fixed.lore.txt',
    at: /^-\s*put_dev_pagemap\(pgmap\);$/,
  },
]);
