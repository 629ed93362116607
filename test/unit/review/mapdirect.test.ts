// Seed 001 (XFS MAP_DIRECT, v7 06/12) through the whole review, as its thread asks: Dan Williams's
// remark that allocating write faults do not start the lease break, Dave Chinner's "why is the
// XFS_MMAPLOCK_EXCL cycle needed", his "how do we get is_xfs_map_direct() set on a non-DAX or
// reflinked inode", and mmap's errors. Then patch mails of our own, one pair per property: a
// patch that breaks it and its fixed twin.
import { strict as assert } from 'node:assert';
import { readMail } from '../../../src/mail/index';
import { parsePatchMail } from '../../../src/patch/index';
import { checkMail, reviewReady, type CheckResult } from '../../../src/review/index';
import { simulateHunk } from '../../../src/bind/index';
import { bindPatches } from '../../../src/bind/bind';
import type { Hunk } from '../../../src/patch/types';
import { lineOf, seed } from './support';
import { describePairs, type Pair } from './pairs';

const hunks = (r: CheckResult): Hunk[] => r.patches.flatMap((pm) => pm.files.flatMap((f) => f.hunks));

describe('review: seed 001, XFS MAP_DIRECT', function () {
  this.timeout(300_000);
  let r: CheckResult;
  const s = seed('001');
  before(async () => {
    await reviewReady();
    r = await checkMail(s.text, { file: s.file });
  });

  it('binds to the MAP_DIRECT part of the model and runs every changed line inside a function', () => {
    assert.equal(bindPatches(r.patches).era.name, 'MAP_DIRECT');
    const inFunctions = r.coverage.filter((c) => c.function);
    const changed = inFunctions.reduce((n, c) => n + c.changed - c.notExecuted.filter((x) => x.detail === 'outside any function the mail shows').length, 0);
    const ran = inFunctions.reduce((n, c) => n + c.executed, 0);
    assert.equal(ran, changed, JSON.stringify(r.coverage.map((c) => [c.function, c.notExecuted])));
    assert.ok(ran >= 40, `${ran}`);
    // What is left: fs/xfs/Kconfig, and lines at file scope (includes, a declaration, a #define).
    const left = r.coverage.flatMap((c) => c.notExecuted);
    assert.ok(left.every((x) => x.why === 'not-modelled'), JSON.stringify(left));
    assert.equal(left.length, 46 - ran);
  });

  it('Dan Williams\'s remark: an error with a trace, a write fault through another mapping refused with no lease break', () => {
    const f = r.findings.find((x) => x.kind === 'wrong-result' && x.simulation?.scenario === 'md-flush-in-flight');
    assert.ok(f, JSON.stringify(r.findings.map((x) => [x.line, x.kind, x.message])));
    assert.equal(f.severity, 'error');
    assert.match(f.message, /nothing started the lease break/);
    assert.ok(f.trace && f.trace.steps.length > 0);
  });

  it('the lease registered without XFS_IOLOCK: a truncate that passed the break frees blocks after mmap() returned', () => {
    const f = r.findings.find((x) => x.kind === 'layout-changed');
    assert.ok(f, JSON.stringify(r.findings.map((x) => [x.line, x.kind])));
    assert.equal(f.simulation?.scenario, 'md-truncate-breaks');
  });

  it('Dave Chinner\'s question: without the XFS_MMAPLOCK_EXCL cycle, a fault that started before registration allocates after it', async () => {
    const patches = parsePatchMail(readMail(s.text, { file: s.file }));
    const h = hunks(r).find((x) => x.function === 'xfs_file_mmap_validate')!;
    const lock = lineOf(s.text, '>> +     xfs_ilock(ip, XFS_MMAPLOCK_EXCL);');
    const out = await simulateHunk(patches, h.id, { scenario: 'md-flush-in-flight', without: lock });
    const v = out.verdicts[0];
    assert.match(v.summary, new RegExp(`^without line ${lock} and line ${lock + 1} \\(a lock and its release\\): introduces a block map change under a MAP_DIRECT lease`));
    assert.ok(!v.pre?.violations.some((x) => x.kind === 'layout-changed'), 'with the lines: no block map change');
    assert.ok(v.post.violations.find((x) => x.kind === 'layout-changed')!.trace.steps.length > 0);
  });

  it('Dave Chinner\'s other question: the non-DAX and reflinked branches of xfs_vma_checks() are reachable, each in its scenario', async () => {
    const patches = parsePatchMail(readMail(s.text, { file: s.file }));
    const h = hunks(r).find((x) => x.function === 'xfs_vma_checks')!;
    const out = await simulateHunk(patches, h.id);
    assert.deepEqual(out.coverage.notExecuted, []);
    for (const sc of ['md-reflink', 'md-not-dax']) {
      const v = out.verdicts.find((x) => x.scenario === sc);
      assert.equal(v?.post.verdict, 'ok', `${sc}: the access gets SIGBUS, as MAP_DIRECT promises`);
    }
  });

  it('EOPNOTSUPP and EACCES: mmap()\'s errors run as the patch writes them', () => {
    for (const sc of ['md-unknown-flag', 'md-eacces']) {
      const v = r.verdicts.find((x) => x.scenario === sc && x.post);
      assert.equal(v?.post.verdict, 'ok', sc);
    }
  });
});

const PAIRS: readonly Pair[] = [
  {
    property: 'the block map under an unbroken MAP_DIRECT lease does not change', kind: 'layout-changed', scenario: 'md-flush-in-flight',
    broken: 'mapdirect/layout-changed.patch', fixed: 'mapdirect/layout-changed-fixed.patch',
    at: /^\+\s*if \(i_mapdcount_read\(inode\) && \(flags & IOMAP_DIRECT\)\) \{$/,
  },
  {
    property: 'mmap(MAP_SHARED_VALIDATE) refuses flags the filesystem does not support', kind: 'wrong-result', scenario: 'md-unknown-flag',
    broken: 'mapdirect/wrong-result.eml', fixed: 'mapdirect/wrong-result-fixed.lore.txt',
    at: /^> \+\s*if \(map_flags & ~\(XFS_MAP_SUPPORTED\)\)$/,
    comment: 'Then MAP_SHARED_VALIDATE with a flag XFS has never heard of maps the',
  },
];

describePairs('review: MAP_DIRECT patch mails, each breaking a property, and their fixed twins', 'MAP_DIRECT', PAIRS);
