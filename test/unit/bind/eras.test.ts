// Which era of fs/dax.c a patch is written against, by the identifiers only that era's code
// uses, and which version of it the patch fits: the model runs that one and says so, and never
// binds XArray code to the radix-tree functions.
import { strict as assert } from 'node:assert';
import { identifyEra } from '../../../src/model/eras/index';
import { checkMail, reviewReady } from '../../../src/review/index';
import { bindPatches } from '../../../src/bind/bind';
import { fixture, seed } from '../review/support';
import { RADIX_ERA } from '../../../src/model/eras/radix/index';

describe('bind: the era a patch is written against', function () {
  this.timeout(120_000);
  before(async () => { await reviewReady(); });

  it('knows an era by the identifiers only its code uses, the most of them winning', () => {
    assert.equal(identifyEra(['xas_lock_irq', 'put_unlocked_entry', 'WAKE_ALL', 'entry'])?.info.name, 'XArray');
    assert.equal(identifyEra(['spin_lock_irq', 'tree_lock', 'get_unlocked_mapping_entry', 'radix_tree_delete'])?.info.name, 'radix');
    // v4.17-v4.19 wrote xa_lock_irq(&mapping->i_pages) around radix tree calls: still the radix era.
    assert.equal(identifyEra(['xa_lock_irq', 'i_pages', 'get_unlocked_mapping_entry', 'radix_tree_exceptional_entry', 'lock_slot'])?.info.name, 'radix');
    assert.equal(identifyEra(['xfs_ilock', 'inode', 'mutex_lock']), null, 'nothing era-specific');
  });

  it('an XArray-era patch runs against the XArray era, in the version its hunks fit, and the review says which', async () => {
    const f = fixture('eras/xarray-invalidate-wake.patch');
    const r = await checkMail(f.text, { file: f.file });
    const b = bindPatches(r.patches);
    assert.equal(b.era.name, 'XArray');
    assert.equal(b.era.version, 'v6.12', 'WAKE_NEXT and nrpages are v5.14-on code');
    assert.equal(b.eras[0].era, 'XArray');
    assert.equal(b.eras[0].modelled, true);
    assert.ok(b.eras[0].evidence.includes('put_unlocked_entry') && b.eras[0].evidence.includes('WAKE_ALL'));
    assert.ok(b.functions.every((x) => x.modelled && x.post.func), 'the touched function runs');
    const said = r.diagnostics.find((d) => /written against the XArray era of fs\/dax\.c/.test(d.message));
    assert.ok(said && /runs it against its v6\.12 rendition/.test(said.message), said?.message);
    assert.equal(said.line, r.patches[0].files[0].hunks[0].mailLines[0]);
    assert.ok(r.coverage[0].executed > 0);
    const fix = r.findings.find((x) => x.fixed && x.kind === 'lost-wakeup');
    assert.ok(fix, 'WAKE_NEXT to WAKE_ALL fixes the lost wake-up of xa-invalidate-waiters');
  });

  it('the version of an era is the one the hunks apply to exactly: a v5.12 patch binds to v5.12', async () => {
    const f = fixture('eras/xarray-v512-put.patch');
    const r = await checkMail(f.text, { file: f.file, simulate: false });
    assert.equal(bindPatches(r.patches).era.version, 'v5.12');
  });

  it('a hunk with nothing era-specific, to a function both eras define, binds to the era whose text it fits', async () => {
    // The quoted hunk changes dax_iomap_pte_fault()'s PMD recheck: no identifier of its own says
    // XArray, but its lines (the recheck, the srcmap argument) are the XArray era's, not the radix era's.
    const f = fixture('xarray/entry-left-locked.eml');
    const r = await checkMail(f.text, { file: f.file, simulate: false });
    const b = bindPatches(r.patches);
    assert.deepEqual(b.eras.map((e) => e.evidence), [[]], 'nothing era-specific in its hunks');
    assert.equal(b.era.name, 'XArray');
    const fn = b.functions.find((x) => x.name === 'dax_iomap_pte_fault');
    assert.ok(fn && fn.how === 'applied' && fn.post.func, 'applied to the XArray era\'s function and lowered');
  });

  it('among versions a hunk fits alike, the one nearest the mail\'s date: out before it, else the first after it', async () => {
    const f = fixture('xarray/data-integrity.patch');
    const dated = (date: string) => f.text.replace(/^Date: .*$/m, `Date: ${date}`);
    const versionOn = async (date: string) => bindPatches((await checkMail(dated(date), { file: f.file, simulate: false })).patches).era.version;
    assert.equal(await versionOn('Mon, 3 Mar 2025 09:41:07 +0100'), 'v6.12', 'after v6.12, before v6.15');
    assert.equal(await versionOn('Wed, 1 Oct 2025 09:41:07 +0100'), 'v6.15');
    assert.equal(await versionOn('Thu, 1 Oct 2020 09:41:07 +0100'), 'v5.12', 'older than every version: the first after it');
    assert.equal(await versionOn('Fri, 1 Oct 2021 09:41:07 +0100'), 'v5.12');
  });

  it('a function the patch renames runs before the patch whole, from the era\'s text, though the mail shows only its head', async () => {
    const f = fixture('eras/xarray-rename-helper.patch');
    const r = await checkMail(f.text, { file: f.file });
    const b = bindPatches(r.patches);
    const old = b.functions.find((x) => x.name === 'wait_entry_unlocked');
    assert.ok(old && old.how === 'applied' && old.pre.image?.whole && old.pre.func, 'the old name\'s body, whole, lowered');
    assert.equal(old.post.image, null, 'no function of that name after the patch');
    const renamed = b.functions.find((x) => x.name === 'wait_entry_unlocked_once');
    assert.ok(renamed?.post.func && !renamed.pre.image, 'the new name runs after it');
    assert.deepEqual(r.coverage.map((c) => [c.executed, c.changed]), [[2, 2], [2, 2]], 'the removed head runs too');
    assert.equal(r.findings.length, 0);
  });

  it('seed 000 is the radix era, by its own identifiers', async () => {
    const s = seed('000');
    const r = await checkMail(s.text, { file: s.file, simulate: false });
    const b = bindPatches(r.patches);
    assert.ok(b.eras.every((e) => e.era === 'radix' && e.modelled));
    assert.ok(b.eras.some((e) => e.evidence.includes('get_unlocked_mapping_entry')));
  });

  it('a mail that mixes eras says so, and each message is read against its own', async () => {
    const f = fixture('eras/mixed-eras.mbox');
    const r = await checkMail(f.text, { file: f.file, simulate: false });
    assert.equal(r.patches.length, 2);
    const b = bindPatches(r.patches);
    assert.deepEqual(b.eras.map((e) => [e.era, e.modelled]), [['radix', true], ['XArray', true]]);
    const mixed = r.diagnostics.find((d) => /mixes eras/.test(d.message));
    assert.ok(mixed && /radix: message 1; XArray: message 2/.test(mixed.message), mixed?.message);
    assert.ok(b.functions.find((x) => x.name === 'grab_mapping_entry')?.modelled, 'the radix message still runs');
    const other = b.functions.filter((x) => x.otherEra === 'XArray');
    assert.ok(other.length && other.every((x) => /run against the radix era/.test(x.post.why ?? '')), 'the XArray message is not run against the radix functions');
  });
});

describe('bind: a call with fewer arguments than the kernel API takes', function () {
  this.timeout(120_000);
  before(async () => { await reviewReady(); });

  it('does not lower its function, says why on the line, and never throws', async () => {
    // A patch to the model's own grab_mapping_entry() that drops the last arguments of
    // unmap_mapping_range(), as a mangled mail might.
    const dax = RADIX_ERA.sources.find((s) => s.path === 'fs/dax.c')!.text.split('\n');
    const at = dax.findIndex((l) => /^\s*unmap_mapping_range\(mapping,$/.test(l));
    const ctx = (i: number): string => ` ${dax[i]}`;
    const hunk = [
      `@@ -${at - 1},6 +${at - 1},5 @@ static void *grab_mapping_entry(struct address_space *mapping, pgoff_t index,`,
      ctx(at - 2), ctx(at - 1), `-${dax[at]}`, `-${dax[at + 1]}`, `+\t\t\tunmap_mapping_range(mapping, 0);`, ctx(at + 2), ctx(at + 3),
    ].join('\n');
    const mail = [
      'From: A Developer <dev@example.org>', 'Subject: [PATCH] dax: shorter unmap', 'Message-ID: <arity@example.org>', '',
      'A change.', '', '---', 'diff --git a/fs/dax.c b/fs/dax.c', '--- a/fs/dax.c', '+++ b/fs/dax.c', hunk, '-- ', '2.9.3', '',
    ].join('\n');
    const r = await checkMail(mail, { file: 'arity.patch' });
    const line = mail.split('\n').findIndex((l) => l.includes('unmap_mapping_range(mapping, 0);')) + 1;
    const not = r.coverage.flatMap((c) => c.notExecuted).find((n) => n.mailLine === line);
    assert.ok(not && /unmap_mapping_range\(\) takes 3 arguments or more as the model has it; the call gives 2/.test(not.detail ?? ''), JSON.stringify(not));
  });
});
