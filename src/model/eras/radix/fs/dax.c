// SPDX-License-Identifier: GPL-2.0
/*
 * fs/dax.c of the radix-tree era as the model runs it: the entry lock of Jan Kara's
 * "dax: New fault locking" with the PMD entries of Ross Zwisler's iomap PMD series, as
 * merged for v4.10. Statements keep the kernel's names and shape, so a patch to fs/dax.c
 * applies here; what each call and field is in the model is the era's API table (api.ts).
 * Paths the model does not take (copy-on-write faults of private mappings, tracepoints,
 * block device mapping failures) are left out and said so where they stood.
 */

/*
 * @kernel v4.10 fs/dax.c
 * The wait queue for the entry at index. All 512 indexes of a PMD entry share one lock,
 * so its waiters sleep under the PMD-aligned index. The model keys queues by index: the
 * xor with its one mapping cancels in hash_long(), and the layout maps keys onto queues.
 */
static wait_queue_head_t *dax_entry_waitqueue(struct address_space *mapping,
		pgoff_t index, void *entry, struct exceptional_entry_key *key)
{
	unsigned long hash;

	if (dax_is_pmd_entry(entry))
		index &= ~((1UL << (PMD_SHIFT - PAGE_SHIFT)) - 1);

	key->mapping = mapping;
	key->entry_start = index;

	hash = hash_long((unsigned long)mapping ^ index, DAX_WAIT_TABLE_BITS);
	return wait_table + hash;
}

/*
 * @kernel v4.10 fs/dax.c
 * Wakes one waiter for the entry (or all of them). A waiter queues itself while holding
 * tree_lock and so do our callers when they change the entry, so every task that saw the
 * entry locked is on the queue by the time it is checked here.
 */
void dax_wake_mapping_entry_waiter(struct address_space *mapping,
		pgoff_t index, void *entry, bool wake_all)
{
	struct exceptional_entry_key key;
	wait_queue_head_t *wq;

	wq = dax_entry_waitqueue(mapping, index, entry, &key);

	if (waitqueue_active(wq))
		__wake_up(wq, TASK_NORMAL, wake_all ? 0 : 1, &key);
}

/*
 * @kernel v4.10 fs/dax.c
 * Whether the entry in a slot carries the lock bit. Called with tree_lock held.
 */
static inline int slot_locked(struct address_space *mapping, void **slot)
{
	unsigned long entry = (unsigned long)
		radix_tree_deref_slot_protected(slot, &mapping->tree_lock);
	return entry & RADIX_DAX_ENTRY_LOCK;
}

/*
 * @kernel v4.10 fs/dax.c
 * Sets the lock bit of the entry in a slot. Called with tree_lock held.
 */
static inline void *lock_slot(struct address_space *mapping, void **slot)
{
	unsigned long entry = (unsigned long)
		radix_tree_deref_slot_protected(slot, &mapping->tree_lock);

	entry |= RADIX_DAX_ENTRY_LOCK;
	radix_tree_replace_slot(&mapping->page_tree, slot, (void *)entry);
	return (void *)entry;
}

/*
 * @kernel v4.10 fs/dax.c
 * Clears the lock bit of the entry in a slot. Called with tree_lock held.
 */
static inline void *unlock_slot(struct address_space *mapping, void **slot)
{
	unsigned long entry = (unsigned long)
		radix_tree_deref_slot_protected(slot, &mapping->tree_lock);

	entry &= ~(unsigned long)RADIX_DAX_ENTRY_LOCK;
	radix_tree_replace_slot(&mapping->page_tree, slot, (void *)entry);
	return (void *)entry;
}

/*
 * @kernel v4.10 fs/dax.c
 * The entry at index, once nobody holds its lock: an exceptional entry that is locked is
 * waited for (sleeping with tree_lock dropped, looking it up again after). The caller then
 * either locks it or gives it back with put_unlocked_mapping_entry(), which passes the
 * wake-up on. Called with tree_lock held; returns with it held.
 */
static void *get_unlocked_mapping_entry(struct address_space *mapping,
					pgoff_t index, void ***slotp)
{
	void *entry, **slot;
	struct wait_exceptional_entry_queue ewait;
	wait_queue_head_t *wq;

	init_wait(&ewait.wait);
	ewait.wait.func = wake_exceptional_entry_func;

	for (;;) {
		entry = __radix_tree_lookup(&mapping->page_tree, index, NULL,
					  &slot);
		if (!entry || !radix_tree_exceptional_entry(entry) ||
		    !slot_locked(mapping, slot)) {
			if (slotp)
				*slotp = slot;
			return entry;
		}

		wq = dax_entry_waitqueue(mapping, index, entry, &ewait.key);
		prepare_to_wait_exclusive(wq, &ewait.wait,
					  TASK_UNINTERRUPTIBLE);
		spin_unlock_irq(&mapping->tree_lock);
		schedule();
		finish_wait(wq, &ewait.wait);
		spin_lock_irq(&mapping->tree_lock);
	}
}

/*
 * @kernel v4.10 fs/dax.c
 * Unlocks the entry at index and wakes the next waiter for it.
 */
void dax_unlock_mapping_entry(struct address_space *mapping, pgoff_t index)
{
	void *entry, **slot;

	spin_lock_irq(&mapping->tree_lock);
	entry = __radix_tree_lookup(&mapping->page_tree, index, NULL, &slot);
	if (WARN_ON_ONCE(!entry || !radix_tree_exceptional_entry(entry) ||
			 !slot_locked(mapping, slot))) {
		spin_unlock_irq(&mapping->tree_lock);
		return;
	}
	unlock_slot(mapping, slot);
	spin_unlock_irq(&mapping->tree_lock);
	dax_wake_mapping_entry_waiter(mapping, index, entry, false);
}

/*
 * @kernel v4.10 fs/dax.c
 * Gives back what grab_mapping_entry() returned locked: a page cache page is unlocked and
 * its reference dropped, a DAX entry unlocked.
 */
static void put_locked_mapping_entry(struct address_space *mapping,
				     pgoff_t index, void *entry)
{
	if (!radix_tree_exceptional_entry(entry)) {
		unlock_page(entry);
		put_page(entry);
	} else {
		dax_unlock_mapping_entry(mapping, index);
	}
}

/*
 * @kernel v4.10 fs/dax.c
 * Gives back an entry from get_unlocked_mapping_entry() that the caller did not lock: the
 * wake-up it may have consumed goes to the next waiter.
 */
static void put_unlocked_mapping_entry(struct address_space *mapping,
				       pgoff_t index, void *entry)
{
	if (!radix_tree_exceptional_entry(entry))
		return;

	dax_wake_mapping_entry_waiter(mapping, index, entry, false);
}

/*
 * @kernel v4.10 fs/dax.c
 * The entry at index, locked: a page cache page comes back with its page lock, an
 * exceptional entry with its entry lock, and an index with nothing gets an empty locked
 * entry of the size asked for. A PMD request over a PTE entry or a page fails with
 * -EEXIST (the caller falls back to PTEs); a PTE request over an empty or zero-page PMD
 * entry downgrades it: the PMD entry is deleted and its waiters woken, all of them, since
 * they may wait for different indexes of the region.
 */
static void *grab_mapping_entry(struct address_space *mapping, pgoff_t index,
		unsigned long size_flag)
{
	bool pmd_downgrade = false; /* splitting 2MiB entry into 4k entries? */
	void *entry, **slot;

restart:
	spin_lock_irq(&mapping->tree_lock);
	entry = get_unlocked_mapping_entry(mapping, index, &slot);

	if (entry) {
		if (size_flag & RADIX_DAX_PMD) {
			if (!radix_tree_exceptional_entry(entry) ||
			    dax_is_pte_entry(entry)) {
				put_unlocked_mapping_entry(mapping, index,
						entry);
				entry = ERR_PTR(-EEXIST);
				goto out_unlock;
			}
		} else { /* trying to grab a PTE entry */
			if (radix_tree_exceptional_entry(entry) &&
			    dax_is_pmd_entry(entry) &&
			    (dax_is_zero_entry(entry) ||
			     dax_is_empty_entry(entry))) {
				pmd_downgrade = true;
			}
		}
	}

	/* Nothing at index, or a PMD entry to split: the tree needs room first. */
	if (!entry || pmd_downgrade) {
		int err;

		if (pmd_downgrade) {
			/*
			 * Locking the PMD entry keeps it from changing under us
			 * while tree_lock is dropped.
			 */
			entry = lock_slot(mapping, slot);
		}

		spin_unlock_irq(&mapping->tree_lock);
		/*
		 * A huge zero page mapped by the PMD entry must go; an empty
		 * PMD entry maps nothing.
		 */
		if (pmd_downgrade && dax_is_zero_entry(entry))
			unmap_mapping_range(mapping,
				(index << PAGE_SHIFT) & PMD_MASK, PMD_SIZE, 0);

		err = radix_tree_preload(
				mapping_gfp_mask(mapping) & ~__GFP_HIGHMEM);
		if (err) {
			if (pmd_downgrade)
				put_locked_mapping_entry(mapping, index, entry);
			return ERR_PTR(err);
		}
		spin_lock_irq(&mapping->tree_lock);

		if (pmd_downgrade) {
			radix_tree_delete(&mapping->page_tree, index);
			mapping->nrexceptional--;
			dax_wake_mapping_entry_waiter(mapping, index, entry,
					true);
		}

		entry = dax_radix_locked_entry(0, size_flag | RADIX_DAX_EMPTY);

		err = __radix_tree_insert(&mapping->page_tree, index,
				dax_radix_order(entry), entry);
		radix_tree_preload_end();
		if (err) {
			spin_unlock_irq(&mapping->tree_lock);
			/*
			 * Another thread inserted an entry meanwhile. A PMD
			 * request over PTE entries fails here as it should;
			 * a PTE request looks again. Nothing was at index
			 * before, so nobody waits to be woken.
			 */
			if (err == -EEXIST && !(size_flag & RADIX_DAX_PMD))
				goto restart;
			return ERR_PTR(err);
		}
		/* The empty locked entry is in the tree. */
		mapping->nrexceptional++;
		spin_unlock_irq(&mapping->tree_lock);
		return entry;
	}
	/* A page cache page (a hole page): lock it instead. */
	if (!radix_tree_exceptional_entry(entry)) {
		struct page *page = entry;

		get_page(page);
		spin_unlock_irq(&mapping->tree_lock);
		lock_page(page);
		/* Truncated while we slept: look again. */
		if (unlikely(page->mapping != mapping)) {
			unlock_page(page);
			put_page(page);
			goto restart;
		}
		return page;
	}
	entry = lock_slot(mapping, slot);
 out_unlock:
	spin_unlock_irq(&mapping->tree_lock);
	return entry;
}

/*
 * @kernel v4.10 fs/dax.c
 * Removes the DAX entry at index once it is unlocked; an entry that is dirty or under
 * writeback stays unless the caller truncates. Returns 1 when it removed the entry.
 */
static int __dax_invalidate_mapping_entry(struct address_space *mapping,
					  pgoff_t index, bool trunc)
{
	int ret = 0;
	void *entry;
	struct radix_tree_root *page_tree = &mapping->page_tree;

	spin_lock_irq(&mapping->tree_lock);
	entry = get_unlocked_mapping_entry(mapping, index, NULL);
	if (!entry || !radix_tree_exceptional_entry(entry))
		goto out;
	if (!trunc &&
	    (radix_tree_tag_get(page_tree, index, PAGECACHE_TAG_DIRTY) ||
	     radix_tree_tag_get(page_tree, index, PAGECACHE_TAG_TOWRITE)))
		goto out;
	radix_tree_delete(page_tree, index);
	mapping->nrexceptional--;
	ret = 1;
out:
	put_unlocked_mapping_entry(mapping, index, entry);
	spin_unlock_irq(&mapping->tree_lock);
	return ret;
}

/*
 * @kernel v4.10 fs/dax.c
 * Deletes the DAX entry at index for truncate and hole punch, whose callers hold the
 * locks that keep new entries out, so an entry is always there to delete.
 */
int dax_delete_mapping_entry(struct address_space *mapping, pgoff_t index)
{
	int ret = __dax_invalidate_mapping_entry(mapping, index, true);

	WARN_ON_ONCE(!ret);
	return ret;
}

/*
 * @kernel v4.10 fs/dax.c
 * Invalidates the DAX entry at index if it is clean.
 */
int dax_invalidate_mapping_entry_sync(struct address_space *mapping,
				      pgoff_t index)
{
	return __dax_invalidate_mapping_entry(mapping, index, false);
}

/*
 * @kernel v4.10 fs/dax.c
 * Puts the entry for a block mapping into the tree in place of the locked entry
 * grab_mapping_entry() gave the fault: a hole page is unmapped and deleted from the page
 * cache, an empty or zero-page entry replaced; a PTE fault under an existing PMD entry
 * leaves it. Returns the new entry, locked.
 */
static void *dax_insert_mapping_entry(struct address_space *mapping,
				      struct vm_fault *vmf,
				      void *entry, sector_t sector,
				      unsigned long flags)
{
	struct radix_tree_root *page_tree = &mapping->page_tree;
	int error = 0;
	bool hole_fill = false;
	void *new_entry;
	pgoff_t index = vmf->pgoff;

	if (vmf->flags & FAULT_FLAG_WRITE)
		__mark_inode_dirty(mapping->host, I_DIRTY_PAGES);

	/* A hole page gives way to the block mapping? */
	if (!radix_tree_exceptional_entry(entry)) {
		hole_fill = true;
		/*
		 * The page is locked, so once it is unmapped here no fault can
		 * map it again before it leaves the page cache below.
		 */
		unmap_mapping_range(mapping, vmf->pgoff << PAGE_SHIFT,
				    PAGE_SIZE, 0);
		error = radix_tree_preload(vmf->gfp_mask & ~__GFP_HIGHMEM);
		if (error)
			return ERR_PTR(error);
	} else if (dax_is_zero_entry(entry) && !(flags & RADIX_DAX_HZP)) {
		/* A PMD block mapping takes the place of the huge zero page. */
		unmap_mapping_range(mapping,
			(vmf->pgoff << PAGE_SHIFT) & PMD_MASK, PMD_SIZE, 0);
	}

	spin_lock_irq(&mapping->tree_lock);
	new_entry = dax_radix_locked_entry(sector, flags);

	if (hole_fill) {
		__delete_from_page_cache(entry, NULL);
		/* The page cache's reference */
		put_page(entry);
		error = __radix_tree_insert(page_tree, index,
				dax_radix_order(new_entry), new_entry);
		if (error) {
			new_entry = ERR_PTR(error);
			goto unlock;
		}
		mapping->nrexceptional++;
	} else if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry)) {
		/*
		 * Only a zero-page or an empty entry is replaced: a PTE fault
		 * under a PMD entry that maps blocks keeps the PMD entry.
		 */
		struct radix_tree_node *node;
		void **slot;
		void *ret;

		ret = __radix_tree_lookup(page_tree, index, &node, &slot);
		WARN_ON_ONCE(ret != entry);
		__radix_tree_replace(page_tree, node, slot,
				     new_entry, NULL, NULL);
	}
	if (vmf->flags & FAULT_FLAG_WRITE)
		radix_tree_tag_set(page_tree, index, PAGECACHE_TAG_DIRTY);
 unlock:
	spin_unlock_irq(&mapping->tree_lock);
	if (hole_fill) {
		radix_tree_preload_end();
		/* The hole page is out of the tree now: drop it. */
		if (mapping->a_ops->freepage)
			mapping->a_ops->freepage(entry);
		unlock_page(entry);
		put_page(entry);
	}
	return new_entry;
}

/*
 * @kernel v4.10 fs/dax.c
 * Maps one page of a block: the entry first, then the PTE. The model's block device maps
 * every sector (dax_map_atomic() always succeeds).
 */
static int dax_insert_mapping(struct address_space *mapping,
		struct block_device *bdev, sector_t sector, size_t size,
		void **entryp, struct vm_area_struct *vma, struct vm_fault *vmf)
{
	unsigned long vaddr = vmf->address;
	struct blk_dax_ctl dax = {
		.sector = sector,
		.size = size,
	};
	void *ret;
	void *entry = *entryp;

	if (dax_map_atomic(bdev, &dax) < 0)
		return PTR_ERR(dax.addr);
	dax_unmap_atomic(bdev, &dax);

	ret = dax_insert_mapping_entry(mapping, vmf, entry, dax.sector, 0);
	if (IS_ERR(ret))
		return PTR_ERR(ret);
	*entryp = ret;

	return vm_insert_mixed(vma, vaddr, dax.pfn);
}

/*
 * @kernel v4.10 fs/dax.c
 * A read fault on a hole maps a zeroed page cache page: the page takes the place of the
 * locked entry (find_or_create_page() wakes its waiters) and the PTE maps it.
 */
static int dax_load_hole(struct address_space *mapping, void **entry,
			 struct vm_fault *vmf)
{
	struct page *page;
	int ret;

	/* Is the hole page there already? */
	if (!radix_tree_exceptional_entry(*entry)) {
		page = *entry;
		goto out;
	}

	/* The page replaces the locked entry. */
	page = find_or_create_page(mapping, vmf->pgoff,
				   vmf->gfp_mask | __GFP_ZERO);
	if (!page)
		return VM_FAULT_OOM;
 out:
	vmf->page = page;
	ret = finish_fault(vmf);
	vmf->page = NULL;
	*entry = page;
	if (!ret) {
		/* The PTE holds a reference to the page it maps. */
		get_page(page);
		return VM_FAULT_NOPAGE;
	}
	return ret;
}

/*
 * @kernel v4.10 fs/dax.c
 * A write to a read-only PTE of a DAX pfn: the entry is tagged dirty under its lock before
 * the PTE turns writable, so writeback sees it.
 */
int dax_pfn_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	struct file *file = vma->vm_file;
	struct address_space *mapping = file->f_mapping;
	void *entry, **slot;
	pgoff_t index = vmf->pgoff;

	spin_lock_irq(&mapping->tree_lock);
	entry = get_unlocked_mapping_entry(mapping, index, &slot);
	if (!entry || !radix_tree_exceptional_entry(entry)) {
		if (entry)
			put_unlocked_mapping_entry(mapping, index, entry);
		spin_unlock_irq(&mapping->tree_lock);
		return VM_FAULT_NOPAGE;
	}
	radix_tree_tag_set(&mapping->page_tree, index, PAGECACHE_TAG_DIRTY);
	entry = lock_slot(mapping, slot);
	spin_unlock_irq(&mapping->tree_lock);
	/* Whether or not the PTE update races with another, the fault is done. */
	finish_mkwrite_fault(vmf);
	put_locked_mapping_entry(mapping, index, entry);
	return VM_FAULT_NOPAGE;
}

/*
 * @kernel v4.10 fs/dax.c (dax_iomap_actor, its write side)
 * write(2) into one extent. A block the filesystem allocated for the write (IOMAP_F_NEW)
 * fills a hole whose hole page processes may have mapped: the range's page cache is
 * invalidated first, so that mmap sees what write(2) writes; v4.10 does it only while the
 * mapping holds pages (nrpages), and a huge zero page's entry is an exceptional entry,
 * which nrpages does not count. The copy itself goes straight to persistent memory.
 */
static loff_t dax_iomap_actor(struct inode *inode, loff_t pos, loff_t length,
		void *data, struct iomap *iomap)
{
	loff_t end = pos + length;

	if (WARN_ON_ONCE(iomap->type != IOMAP_MAPPED))
		return -EIO;

	if ((iomap->flags & IOMAP_F_NEW) && inode->i_mapping->nrpages) {
		invalidate_inode_pages2_range(inode->i_mapping,
					      pos >> PAGE_SHIFT,
					      (end - 1) >> PAGE_SHIFT);
	}
	return length;
}

/*
 * @kernel v4.10 fs/dax.c (dax_iomap_fault; its name and signature from v4.11)
 * A PTE fault of a shared DAX mapping: lock the entry, ask the filesystem for the block,
 * then map it, or a hole page for a read of a hole. Copy-on-write faults (vmf->cow_page)
 * are not modelled and left out.
 */
static int dax_iomap_pte_fault(struct vm_fault *vmf,
			       const struct iomap_ops *ops)
{
	struct address_space *mapping = vmf->vma->vm_file->f_mapping;
	struct inode *inode = mapping->host;
	loff_t pos = (loff_t)vmf->pgoff << PAGE_SHIFT;
	sector_t sector;
	struct iomap iomap = { 0 };
	unsigned flags = IOMAP_FAULT;
	int error, major = 0;
	int vmf_ret = 0;
	void *entry;

	/*
	 * Our callers hold the locks that keep truncate out, so the size
	 * read here holds for the whole fault.
	 */
	if (pos >= i_size_read(inode))
		return VM_FAULT_SIGBUS;

	if ((vmf->flags & FAULT_FLAG_WRITE) && !vmf->cow_page)
		flags |= IOMAP_WRITE;

	entry = grab_mapping_entry(mapping, vmf->pgoff, 0);
	if (IS_ERR(entry)) {
		error = PTR_ERR(entry);
		goto out;
	}

	/*
	 * One call maps the one page the fault needs, under the entry lock,
	 * instead of iomap_apply().
	 */
	error = ops->iomap_begin(inode, pos, PAGE_SIZE, flags, &iomap);
	if (error)
		goto unlock_entry;
	if (WARN_ON_ONCE(iomap.offset + iomap.length < pos + PAGE_SIZE)) {
		error = -EIO;		/* fs corruption? */
		goto finish_iomap;
	}

	sector = dax_iomap_sector(&iomap, pos);

	switch (iomap.type) {
	case IOMAP_MAPPED:
		if (iomap.flags & IOMAP_F_NEW) {
			count_vm_event(PGMAJFAULT);
			mem_cgroup_count_vm_event(vmf->vma->vm_mm, PGMAJFAULT);
			major = VM_FAULT_MAJOR;
		}
		error = dax_insert_mapping(mapping, iomap.bdev, sector,
				PAGE_SIZE, &entry, vmf->vma, vmf);
		/* Another thread mapped the same PTE: that is no error. */
		if (error == -EBUSY)
			error = 0;
		break;
	case IOMAP_UNWRITTEN:
	case IOMAP_HOLE:
		if (!(vmf->flags & FAULT_FLAG_WRITE)) {
			vmf_ret = dax_load_hole(mapping, &entry, vmf);
			goto finish_iomap;
		}
		/*FALLTHRU*/
	default:
		WARN_ON_ONCE(1);
		error = -EIO;
		break;
	}

 finish_iomap:
	if (ops->iomap_end) {
		if (error || (vmf_ret & VM_FAULT_ERROR)) {
			/* keep previous error */
			ops->iomap_end(inode, pos, PAGE_SIZE, 0, flags,
					&iomap);
		} else {
			ops->iomap_end(inode, pos, PAGE_SIZE, PAGE_SIZE, flags,
					&iomap);
		}
	}
 unlock_entry:
	if (vmf_ret != VM_FAULT_LOCKED || error)
		put_locked_mapping_entry(mapping, vmf->pgoff, entry);
 out:
	if (error == -ENOMEM)
		return VM_FAULT_OOM | major;
	/* Another thread mapped the same PTE: that is no error. */
	if (error < 0 && error != -EBUSY)
		return VM_FAULT_SIGBUS | major;
	if (vmf_ret) {
		WARN_ON_ONCE(error); /* -EBUSY from ops->iomap_end? */
		return vmf_ret;
	}
	return VM_FAULT_NOPAGE | major;
}

/*
 * @kernel v4.10 fs/dax.c
 * Maps a PMD of blocks: the PMD entry first, then the huge PMD. The model's block device
 * maps the whole PMD at an aligned pfn, so the fallbacks for short or unaligned mappings
 * are never taken.
 */
static int dax_pmd_insert_mapping(struct vm_area_struct *vma, pmd_t *pmd,
		struct vm_fault *vmf, unsigned long address,
		struct iomap *iomap, loff_t pos, bool write, void **entryp)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	struct block_device *bdev = iomap->bdev;
	struct blk_dax_ctl dax = {
		.sector = dax_iomap_sector(iomap, pos),
		.size = PMD_SIZE,
	};
	long length = dax_map_atomic(bdev, &dax);
	void *ret = NULL;

	if (length < 0) /* dax_map_atomic() failed */
		goto fallback;
	if (length < PMD_SIZE)
		goto unmap_fallback;
	if (pfn_t_to_pfn(dax.pfn) & PG_PMD_COLOUR)
		goto unmap_fallback;
	if (!pfn_t_devmap(dax.pfn))
		goto unmap_fallback;

	dax_unmap_atomic(bdev, &dax);

	ret = dax_insert_mapping_entry(mapping, vmf, *entryp, dax.sector,
			RADIX_DAX_PMD);
	if (IS_ERR(ret))
		goto fallback;
	*entryp = ret;

	return vmf_insert_pfn_pmd(vma, address, pmd, dax.pfn, write);

 unmap_fallback:
	dax_unmap_atomic(bdev, &dax);
 fallback:
	return VM_FAULT_FALLBACK;
}

/*
 * @kernel v4.10 fs/dax.c
 * A PMD read fault on a hole maps the huge zero page. Installing it (pmd_lock(), the
 * pmd_none() check, set_pmd_at(), spin_unlock()) is one step of the model:
 * set_pmd_huge_zero(), which fails when another thread mapped the PMD first.
 */
static int dax_pmd_load_hole(struct vm_area_struct *vma, pmd_t *pmd,
		struct vm_fault *vmf, unsigned long address,
		struct iomap *iomap, void **entryp)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	unsigned long pmd_addr = address & PMD_MASK;
	struct page *zero_page;
	void *ret = NULL;

	zero_page = mm_get_huge_zero_page(vma->vm_mm);

	if (unlikely(!zero_page))
		goto fallback;

	ret = dax_insert_mapping_entry(mapping, vmf, *entryp, 0,
			RADIX_DAX_PMD | RADIX_DAX_HZP);
	if (IS_ERR(ret))
		goto fallback;
	*entryp = ret;

	if (!set_pmd_huge_zero(vma->vm_mm, pmd, pmd_addr, zero_page))
		goto fallback;
	return VM_FAULT_NOPAGE;

fallback:
	return VM_FAULT_FALLBACK;
}

/*
 * @kernel v4.10 fs/dax.c
 * A PMD fault of a DAX mapping: falls back to PTEs for copy-on-write, for a PMD outside
 * the vma or beyond the end of the file, when the tree holds PTE entries or pages in the
 * region, and when the filesystem has no extent covering the whole PMD.
 */
int dax_iomap_pmd_fault(struct vm_area_struct *vma, unsigned long address,
		pmd_t *pmd, unsigned int flags, struct iomap_ops *ops)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	unsigned long pmd_addr = address & PMD_MASK;
	bool write = flags & FAULT_FLAG_WRITE;
	unsigned int iomap_flags = (write ? IOMAP_WRITE : 0) | IOMAP_FAULT;
	struct inode *inode = mapping->host;
	int result = VM_FAULT_FALLBACK;
	struct iomap iomap = { 0 };
	pgoff_t pgoff, max_pgoff;
	struct vm_fault vmf;
	void *entry;
	loff_t pos;
	int error;

	/* A write to a private mapping copies: PTEs do that. */
	if (write && !(vma->vm_flags & VM_SHARED))
		goto fallback;

	/* The PMD must lie inside the vma. */
	if (pmd_addr < vma->vm_start)
		goto fallback;
	if ((pmd_addr + PMD_SIZE) > vma->vm_end)
		goto fallback;

	/*
	 * Our callers hold the locks that keep truncate out, so the size
	 * read here holds for the whole fault.
	 */
	pgoff = linear_page_index(vma, pmd_addr);
	max_pgoff = (i_size_read(inode) - 1) >> PAGE_SHIFT;

	if (pgoff > max_pgoff)
		return VM_FAULT_SIGBUS;

	/* The PMD must not reach past the end of the file. */
	if ((pgoff | PG_PMD_COLOUR) > max_pgoff)
		goto fallback;

	/*
	 * grab_mapping_entry() gives a PMD-sized entry (empty, zero page or
	 * blocks), or -EEXIST when PTE entries or pages are in the region.
	 */
	entry = grab_mapping_entry(mapping, pgoff, RADIX_DAX_PMD);
	if (IS_ERR(entry))
		goto fallback;

	/* One call maps the whole PMD, under the entry lock. */
	pos = (loff_t)pgoff << PAGE_SHIFT;
	error = ops->iomap_begin(inode, pos, PMD_SIZE, iomap_flags, &iomap);
	if (error)
		goto unlock_entry;
	if (iomap.offset + iomap.length < pos + PMD_SIZE)
		goto finish_iomap;

	vmf.pgoff = pgoff;
	vmf.flags = flags;
	vmf.gfp_mask = mapping_gfp_mask(mapping) | __GFP_IO | __GFP_FS;

	switch (iomap.type) {
	case IOMAP_MAPPED:
		result = dax_pmd_insert_mapping(vma, pmd, &vmf, address,
				&iomap, pos, write, &entry);
		break;
	case IOMAP_UNWRITTEN:
	case IOMAP_HOLE:
		if (WARN_ON_ONCE(write))
			goto finish_iomap;
		result = dax_pmd_load_hole(vma, pmd, &vmf, address, &iomap,
				&entry);
		break;
	default:
		WARN_ON_ONCE(1);
		break;
	}

 finish_iomap:
	if (ops->iomap_end) {
		if (result == VM_FAULT_FALLBACK) {
			ops->iomap_end(inode, pos, PMD_SIZE, 0, iomap_flags,
					&iomap);
		} else {
			ops->iomap_end(inode, pos, PMD_SIZE, PMD_SIZE,
					iomap_flags, &iomap);
		}
	}
 unlock_entry:
	put_locked_mapping_entry(mapping, pgoff, entry);
 fallback:
	if (result == VM_FAULT_FALLBACK) {
		split_huge_pmd(vma, pmd, address);
		count_vm_event(THP_FAULT_FALLBACK);
	}
	return result;
}
