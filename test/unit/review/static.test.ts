import { strict as assert } from 'node:assert';
import { checkMailStatic, reviewReady } from '../../../src/review/index';
import { seed, fixture, patchMail, lineOf } from './support';

describe('review: static protocol rules', () => {
  before(async () => { await reviewReady(); });

  describe('seed 000 (Ross Zwisler, PMD support v5, Jan Kara\'s review)', () => {
    const s = seed('000');
    const r = () => checkMailStatic(s.text, { file: s.file });

    it('finds Jan Kara\'s three defects, and the unmap_mapping_range() under a successful preload', () => {
      assert.deepEqual(r().findings.filter((f) => f.severity !== 'info').map((f) => f.rule),
        ['dax/get-unlocked-put', 'dax/locked-entry-unlock', 'atomic/sleep', 'dax/delete-wake-all']);
      // v5 unmaps the huge zero page after radix_tree_preload() returned 0, with preemption disabled;
      // mainline v4.10 unmaps before the preload.
      const f = r().findings.find((x) => x.rule === 'atomic/sleep')!;
      assert.equal(f.line, lineOf(s.text, '+ unmap_mapping_range(mapping,', 90));
      assert.equal(f.kind, 'sleep-in-atomic');
      assert.ok(f.related?.some((x) => x.line === lineOf(s.text, 'err = radix_tree_preload(')));
    });

    it('puts the -EEXIST finding on the ERR_PTR(-EEXIST) ... goto out_unlock lines Jan answers', () => {
      const f = r().findings.find((x) => x.rule === 'dax/get-unlocked-put')!;
      const err = lineOf(s.text, 'entry = ERR_PTR(-EEXIST);');
      const go = lineOf(s.text, 'goto out_unlock;');
      assert.equal(f.line, err);
      assert.equal(f.endLine, go);
      assert.equal(f.kind, 'lost-wakeup');
      assert.equal(f.comment, lineOf(s.text, 'You need to call put_unlocked_mapping_entry()'));
      assert.equal(f.hunk.function, 'grab_mapping_entry');
    });

    it('puts the entry-left-locked finding on the return after the failed radix_tree_preload', () => {
      const f = r().findings.find((x) => x.rule === 'dax/locked-entry-unlock')!;
      assert.equal(f.line, lineOf(s.text, 'return ERR_PTR(err);'));
      assert.equal(f.kind, 'entry-left-locked');
      assert.equal(f.comment, lineOf(s.text, 'You need to unlock the locked entry'));
      assert.ok(f.related?.some((x) => x.line === lineOf(s.text, 'entry = lock_slot(mapping, slot);')));
    });

    it('puts the wake-all finding on dax_wake_mapping_entry_waiter(..., false) after the delete', () => {
      const f = r().findings.find((x) => x.rule === 'dax/delete-wake-all')!;
      const call = lineOf(s.text, '+ dax_wake_mapping_entry_waiter(mapping, index, entry,');
      assert.equal(f.line, call);
      assert.equal(f.endLine, call + 1);
      assert.equal(f.kind, 'lost-wakeup');
      assert.equal(f.comment, lineOf(s.text, "You need to set 'wake_all' argument here to true"));
    });

    it('raises nothing on new_entry = dax_radix_entry(sector, flags), nor on leaving a PMD entry in place', () => {
      const insert = r().findings.filter((f) => f.hunk.function === 'dax_insert_mapping_entry');
      assert.deepEqual(insert, []);
      const l = lineOf(s.text, 'new_entry = dax_radix_entry(sector, flags);');
      assert.ok(!r().findings.some((f) => f.line <= l && f.endLine >= l));
    });

    it('reports coverage for every hunk', () => {
      const c = r().coverage;
      assert.equal(c.length, r().patches.flatMap((p) => p.files.flatMap((f) => f.hunks)).length);
      const grab = c.find((x) => x.function === 'grab_mapping_entry')!;
      assert.ok(grab.changed > 0 && grab.executed > 0 && grab.executed <= grab.changed);
      assert.ok(grab.notExecuted.every((n) => ['unknown-call', 'elided', 'not-modelled', 'unparsed'].includes(n.why)));
    });
  });

  it('seed 000 with Jan\'s three fixes applied: only the unmap under the preload is left', () => {
    const s = fixture('review/000-fixed.txt');
    assert.deepEqual(checkMailStatic(s.text, { file: s.file }).findings.map((f) => f.rule), ['atomic/sleep']);
  });

  it('seed 000 with Jan\'s three fixes and the unmap moved before the preload: no findings', () => {
    const s = fixture('review/000-fixed-all.txt');
    assert.deepEqual(checkMailStatic(s.text, { file: s.file }).findings, []);
  });

  for (const n of ['001', '002', '003', '004']) {
    it(`seed ${n}: no findings (no locking defect in the quoted code)`, () => {
      const s = seed(n);
      assert.deepEqual(checkMailStatic(s.text, { file: s.file }).findings.map((f) => `${f.line} ${f.rule}`), []);
    });
  }
});

describe('review: the protocol table on patches never seen', () => {
  before(async () => { await reviewReady(); });
  const rules = (body: string) => checkMailStatic(patchMail(body)).findings.map((f) => f.rule);

  // Real mail 10 (v6 of "dm,dax: Add dax zero_page_range operation", 2020) puts the live table
  // on its WARN path and again at `out:`; upstream fixed it in f05c4403db5b ("dm: fix double RCU
  // unlock in dm_dax_zero_page_range() error path").
  const liveTable = (warnPath: string) => `
static int dm_dax_op(struct dax_device *dax_dev, pgoff_t pgoff, size_t nr_pages)
{
	struct mapped_device *md = dax_get_private(dax_dev);
	struct dm_target *ti;
	int ret = -EIO;
	int srcu_idx;

	ti = dm_dax_get_live_target(md, pgoff * PAGE_SECTORS, &srcu_idx);
	if (!ti)
		goto out;
	if (WARN_ON(!ti->type->dax_op)) {
${warnPath}		goto out;
	}
	ret = ti->type->dax_op(ti, pgoff, nr_pages);
 out:
	dm_put_live_table(md, srcu_idx);
	return ret;
}`;

  it('device-mapper\'s live table put twice on a path; put once on every path is clean', () => {
    const twice = checkMailStatic(patchMail(liveTable('		dm_put_live_table(md, srcu_idx);\n'))).findings;
    assert.deepEqual(twice.map((f) => [f.rule, f.kind]), [['lock/balance', 'lock-imbalance']]);
    assert.match(twice[0].message, /md is released twice on this path/);
    assert.deepEqual(rules(liveTable('')), []);
  });

  it('a block device DAX mapping (dax_map_atomic) not ended on an early return, while the other path ends it; a failed map needs no end', () => {
    const body = (early: string) => `
static int dax_insert_thing(struct block_device *bdev, struct blk_dax_ctl *dax)
{
	long length = dax_map_atomic(bdev, dax);

	if (length < 0)
		return length;
	if (length < PAGE_SIZE)
		${early}
	do_insert(dax->pfn);
	dax_unmap_atomic(bdev, dax);
	return 0;
}`;
    assert.deepEqual(rules(body('return -EIO;')), ['ref/balance']);
    assert.deepEqual(rules(body('length = 0;')), []);
  });

  it('memory failure\'s entry lock (dax_lock_page) left locked on a path; a failed lock needs no unlock', () => {
    const body = (early: string) => `
static int dax_memory_failure_thing(struct page *page, int flags)
{
	dax_entry_t cookie = dax_lock_page(page);

	if (!cookie)
		return -EBUSY;
	if (flags & MF_ACTION_REQUIRED)
		${early}
	unmap_mapping_range(page->mapping, page->index << PAGE_SHIFT, PAGE_SIZE, 0);
	dax_unlock_page(page, cookie);
	return 0;
}`;
    assert.deepEqual(rules(body('return 0;')), ['dax/locked-entry-unlock']);
    assert.deepEqual(rules(body('flags = 0;')), []);
  });

  it('a page table lock taken through an out-parameter (follow_pte_pmd, &ptl) and left held on one path', () => {
    const body = (pteEnd: string) => `
static void dax_entry_mkclean(struct address_space *mapping, pgoff_t index, unsigned long pfn)
{
	struct vm_area_struct *vma;
	pte_t *ptep = NULL;
	pmd_t *pmdp = NULL;
	spinlock_t *ptl;

	vma_interval_tree_foreach(vma, &mapping->i_mmap, index, index) {
		unsigned long address = pgoff_address(index, vma);

		if (follow_pte_pmd(vma->vm_mm, address, &ptep, &pmdp, &ptl))
			continue;
		if (pmdp) {
			pmd_wrprotect(pmdp);
			spin_unlock(ptl);
			continue;
		}
		pte_wrprotect(ptep);
		${pteEnd}
	}
}`;
    assert.deepEqual(rules(body('pte_unmap_unlock(ptep, ptl);')), []);
    assert.deepEqual(rules(body('ptep = NULL;')), ['lock/spin-balance']);
  });

  it('a lock taken only when the call says so (mutex_lock_interruptible, a trylock) is not held where it failed', () => {
    const body = (take: string, fail: string) => `
static int dax_thing(struct dax_dev *d)
{
	if (${take})
		${fail}
	d->count++;
	mutex_unlock(&d->lock);
	return 0;
}`;
    assert.deepEqual(rules(body('mutex_lock_interruptible(&d->lock)', 'return -EINTR;')), []);
    assert.deepEqual(rules(body('!mutex_trylock(&d->lock)', 'return -EBUSY;')), []);
    // Taken, then left on the early return of a later check, while the other path unlocks.
    assert.deepEqual(rules(`
static int dax_thing(struct dax_dev *d)
{
	if (mutex_lock_interruptible(&d->lock))
		return -EINTR;
	if (!d->alive)
		return -ENXIO;
	d->count++;
	mutex_unlock(&d->lock);
	return 0;
}`), ['lock/balance']);
  });

  it('an SRCU read side left on an error path, while the other path leaves it', () => {
    const body = (early: string) => `
static long dax_op(struct dax_device *dax_dev)
{
	long ret;
	int id = srcu_read_lock(&dax_srcu);

	if (!dax_alive(dax_dev))
		${early}
	ret = dax_dev->ops->op(dax_dev);
	srcu_read_unlock(&dax_srcu, id);
	return ret;
}`;
    assert.deepEqual(rules(body('return -ENXIO;')), ['lock/balance']);
    assert.deepEqual(rules(body('ret = -ENXIO;\n\telse')), []);
  });

  it('a spinlock left held on an error path, while the other path releases it', () => {
    assert.deepEqual(rules(`
static int dax_something(struct address_space *mapping, pgoff_t index)
{
	void *entry;

	spin_lock_irq(&mapping->tree_lock);
	entry = radix_tree_lookup(&mapping->page_tree, index);
	if (!entry)
		return -ENOENT;
	spin_unlock_irq(&mapping->tree_lock);
	return 0;
}`), ['lock/spin-balance']);
  });

  it('balanced locking through a goto to a shared unlock label is clean', () => {
    assert.deepEqual(rules(`
static int dax_something(struct address_space *mapping, pgoff_t index)
{
	void *entry;
	int ret = 0;

	spin_lock_irq(&mapping->tree_lock);
	entry = radix_tree_lookup(&mapping->page_tree, index);
	if (!entry) {
		ret = -ENOENT;
		goto out;
	}
	ret = 1;
 out:
	spin_unlock_irq(&mapping->tree_lock);
	return ret;
}`), []);
  });

  it('an unlocked entry dropped on a path that neither locks nor puts it', () => {
    assert.deepEqual(rules(`
static int dax_something(struct address_space *mapping, pgoff_t index)
{
	void *entry, **slot;

	spin_lock_irq(&mapping->tree_lock);
	entry = get_unlocked_mapping_entry(mapping, index, &slot);
	if (!entry || !radix_tree_exceptional_entry(entry)) {
		spin_unlock_irq(&mapping->tree_lock);
		return 0;
	}
	if (dax_is_pmd_entry(entry)) {
		spin_unlock_irq(&mapping->tree_lock);
		return -EBUSY;
	}
	put_unlocked_mapping_entry(mapping, index, entry);
	spin_unlock_irq(&mapping->tree_lock);
	return 1;
}`), ['dax/get-unlocked-put']);
  });

  it('a delete followed by wake-all is clean; without any wake it is a lost wakeup', () => {
    const fn = (wake: string) => `
static int dax_something(struct address_space *mapping, pgoff_t index)
{
	void *entry;

	spin_lock_irq(&mapping->tree_lock);
	entry = get_unlocked_mapping_entry(mapping, index, NULL);
	if (WARN_ON_ONCE(!entry || !radix_tree_exceptional_entry(entry))) {
		spin_unlock_irq(&mapping->tree_lock);
		return 0;
	}
	radix_tree_delete(&mapping->page_tree, index);
	mapping->nrexceptional--;
	spin_unlock_irq(&mapping->tree_lock);
${wake}
	return 1;
}`;
    assert.deepEqual(rules(fn('\tdax_wake_mapping_entry_waiter(mapping, index, entry, true);')), []);
    assert.deepEqual(rules(fn('\tdax_wake_mapping_entry_waiter(mapping, index, entry, false);')), ['dax/delete-wake-all']);
    assert.deepEqual(rules(fn('')), ['dax/delete-wake-all']);
  });

  it('radix_tree_preload without radix_tree_preload_end on one path', () => {
    assert.deepEqual(rules(`
static int dax_something(struct address_space *mapping, pgoff_t index, void *entry)
{
	int err;

	err = radix_tree_preload(GFP_KERNEL);
	if (err)
		return err;
	spin_lock_irq(&mapping->tree_lock);
	err = radix_tree_insert(&mapping->page_tree, index, entry);
	spin_unlock_irq(&mapping->tree_lock);
	if (err)
		return err;
	radix_tree_preload_end();
	return 0;
}`), ['radix/preload-end']);
  });

  it('a locked entry from grab_mapping_entry must be put on the error path', () => {
    const fn = (put: string) => `
static int dax_something(struct address_space *mapping, pgoff_t index)
{
	void *entry;
	int error;

	entry = grab_mapping_entry(mapping, index, 0);
	if (IS_ERR(entry))
		return PTR_ERR(entry);
	error = dax_do_io(mapping, index);
	if (error) {
${put}
		return error;
	}
	put_locked_mapping_entry(mapping, index, entry);
	return 0;
}`;
    assert.deepEqual(rules(fn('\t\tput_locked_mapping_entry(mapping, index, entry);')), []);
    assert.deepEqual(rules(fn('')), ['dax/locked-entry-unlock']);
  });

  it('learns a helper\'s lock bit from its definition in the patch', () => {
    const fn = (lock: string) => `
static inline void *dax_make_entry(sector_t sector, unsigned long flags)
{
	return (void *)(RADIX_TREE_EXCEPTIONAL_ENTRY | flags |
			((unsigned long)sector << RADIX_DAX_SHIFT)${lock});
}

static int dax_something(struct address_space *mapping, pgoff_t index, sector_t sector)
{
	void *entry;
	int err;

	spin_lock_irq(&mapping->tree_lock);
	entry = dax_make_entry(sector, 0);
	err = radix_tree_insert(&mapping->page_tree, index, entry);
	spin_unlock_irq(&mapping->tree_lock);
	if (err)
		return err;
	put_locked_mapping_entry(mapping, index, entry);
	return 0;
}`;
    assert.deepEqual(rules(fn(' | RADIX_DAX_ENTRY_LOCK')), []);
    assert.deepEqual(rules(fn('')), ['dax/store-locked']);
  });

  it('a PMD wait key must clear exactly the PMD colour', () => {
    const fn = (mask: string) => `
static wait_queue_head_t *dax_entry_waitqueue(struct address_space *mapping, pgoff_t index, void *entry, struct exceptional_entry_key *key)
{
	unsigned long hash;

	if (dax_is_pmd_entry(entry))
		index &= ${mask};
	key->mapping = mapping;
	key->entry_start = index;
	hash = hash_long((unsigned long)mapping ^ index, DAX_WAIT_TABLE_BITS);
	return wait_table + hash;
}`;
    assert.deepEqual(rules(fn('~((1UL << (PMD_SHIFT - PAGE_SHIFT)) - 1)')), []);
    assert.deepEqual(rules(fn('~PG_PMD_COLOUR')), []);
    assert.deepEqual(rules(fn('~((1UL << (PMD_SHIFT - PAGE_SHIFT)))')), ['dax/pmd-wake-key']);
  });

  it('mutexes: balanced is clean, a return with the mutex held is not', () => {
    const fn = (unlock: string) => `
static int dax_something(struct dax_device *dax_dev)
{
	mutex_lock(&devmap_lock);
	if (dax_dev->busy) {
${unlock}
		return -EBUSY;
	}
	dax_dev->busy = 1;
	mutex_unlock(&devmap_lock);
	return 0;
}`;
    assert.deepEqual(rules(fn('\t\tmutex_unlock(&devmap_lock);')), []);
    assert.deepEqual(rules(fn('')), ['lock/balance']);
  });

  it('speaks the XArray era too: a delete followed by a wake of the next waiter only (fixed in v5.13)', () => {
    const fn = (put: string) => `
static int __dax_invalidate_entry(struct address_space *mapping, pgoff_t index, bool trunc)
{
	XA_STATE(xas, &mapping->i_pages, index);
	int ret = 0;
	void *entry;

	xas_lock_irq(&xas);
	entry = get_unlocked_entry(&xas, 0);
	if (!entry || WARN_ON_ONCE(!xa_is_value(entry)))
		goto out;
	if (!trunc &&
	    (xas_get_mark(&xas, PAGECACHE_TAG_DIRTY) ||
	     xas_get_mark(&xas, PAGECACHE_TAG_TOWRITE)))
		goto out;
	dax_disassociate_entry(entry, mapping, trunc);
	xas_store(&xas, NULL);
	mapping->nrpages -= 1UL << dax_entry_order(entry);
	ret = 1;
out:
	${put}
	xas_unlock_irq(&xas);
	return ret;
}`;
    assert.deepEqual(rules(fn('put_unlocked_entry(&xas, entry);')), ['dax/delete-wake-all']);
    assert.deepEqual(rules(fn('put_unlocked_entry(&xas, entry, WAKE_NEXT);')), ['dax/delete-wake-all']);
    assert.deepEqual(rules(fn('put_unlocked_entry(&xas, entry, WAKE_ALL);')), []);
    assert.deepEqual(rules(fn('')), ['dax/get-unlocked-put', 'dax/delete-wake-all']);
  });

});

describe('review: a lock and its release split over a pair of helpers', function () {
  this.timeout(60_000);
  before(async () => { await reviewReady(); });
  const pair = fixture('shapes/lock-helper-pair.patch');

  it('a helper that returns holding a lock its caller in the patch releases (through the other helper) is not a finding', () => {
    const r = checkMailStatic(pair.text, { file: pair.file });
    assert.deepEqual(r.findings.map((f) => `${f.rule}@${f.line}`), []);
  });

  it('a helper with the unlock half of its pair in the patch, whatever calls it, is not a finding', () => {
    const halves = pair.text.replace('+\tdax_unlock_index(mapping, index, entry);\n', '+\tdax_index_seen(mapping, index, entry);\n');
    assert.notEqual(halves, pair.text);
    assert.deepEqual(checkMailStatic(halves, { file: pair.file }).findings.map((f) => f.rule), []);
  });

  it('the same helper whose caller never releases it, with no unlock half, is', () => {
    const leaky = pair.text.replace('+\tdax_unlock_index(mapping, index, entry);\n', '+\tdax_index_seen(mapping, index, entry);\n')
      .replace(/dax_unlock_index\(/g, 'dax_drop_index(');
    assert.notEqual(leaky, pair.text);
    const r = checkMailStatic(leaky, { file: pair.file });
    const f = r.findings.find((x) => x.rule === 'lock/spin-balance');
    assert.ok(f, JSON.stringify(r.findings.map((x) => x.rule)));
    assert.equal(f.hunk.function, 'dax_lock_index');
  });

  it('a caller that releases only before the call does not make it a pair', () => {
    const before = pair.text.replace('+\tentry = dax_lock_index(mapping, index);\n', '+\tspin_unlock_irq(&mapping->tree_lock);\n+\tentry = dax_lock_index(mapping, index);\n')
      .replace('+\tdax_unlock_index(mapping, index, entry);\n', '+\tdax_index_seen(mapping, index, entry);\n')
      .replace(/dax_unlock_index\(/g, 'dax_drop_index(');
    const r = checkMailStatic(before, { file: pair.file });
    assert.ok(r.findings.some((x) => x.rule === 'lock/spin-balance' && x.hunk.function === 'dax_lock_index'));
  });
});
