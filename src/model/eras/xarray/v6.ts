// fs/dax.c of v6.12 as the changes from the era's v5.12 rendition, applied when the era loads:
// the wake modes of v5.14 ("dax: Add an enum for specifying dax wakup mode" and "dax: Wake up
// all waiters after invalidating dax entry"), the page-count accounting that replaced
// mapping->nrexceptional in v5.13 ("mm: remove nrexceptional from inode"), mapping_empty(), the PMD
// fault's fallback checks in dax_fault_check_fallback(), and folios where memory failure locks
// an entry (dax_lock_folio(), v6.4).
// Functions the diff does not touch are the same in both versions (the fault paths reach the
// same calls through iomap_iter() in v6.12 as through ->iomap_begin() in v5.12).
export const V6_12_DIFF = `--- a/fs/dax.c
+++ b/fs/dax.c
@@ -1,8 +1,9 @@
 // SPDX-License-Identifier: GPL-2.0
 /*
- * fs/dax.c of the XArray era as the model runs it, following v5.12: Matthew Wilcox's
+ * fs/dax.c of the XArray era as the model runs it, following v6.12: Matthew Wilcox's
  * conversion of the DAX entry lock to the XArray (v4.20) with the 2019 PMD-wakeup fixes
- * (v5.2). Entries are value entries with DAX_LOCKED, DAX_PMD, DAX_ZERO_PAGE and DAX_EMPTY in
+ * (v5.2), the wake modes of v5.14 and the page-count accounting of v5.13 (nrexceptional is gone).
+ * Entries are value entries with DAX_LOCKED, DAX_PMD, DAX_ZERO_PAGE and DAX_EMPTY in
  * their low bits and the pfn above DAX_SHIFT; the entry lock is DAX_LOCKED, taken and dropped
  * with xas_store() under the i_pages lock, and waiters sleep on the same hashed exclusive wait
  * table as in the radix era. Statements keep the kernel's names and shape, so a patch to
@@ -33,12 +34,13 @@
 }
 
 /*
- * @kernel v5.12 fs/dax.c
- * Wakes one waiter for the entry, or all of them. Waiters queue under the i_pages lock and
+ * @kernel v6.12 fs/dax.c
+ * Wakes one waiter for the entry (WAKE_NEXT), or all of them (WAKE_ALL). Waiters queue under the i_pages lock and
  * our callers change the entry under it, so everyone who saw the entry locked is on the
  * queue by the time it is checked here.
  */
-static void dax_wake_entry(struct xa_state *xas, void *entry, bool wake_all)
+static void dax_wake_entry(struct xa_state *xas, void *entry,
+			   enum dax_wake_mode mode)
 {
 	struct exceptional_entry_key key;
 	wait_queue_head_t *wq;
@@ -46,7 +48,7 @@
 	wq = dax_entry_waitqueue(xas, entry, &key);
 
 	if (waitqueue_active(wq))
-		__wake_up(wq, TASK_NORMAL, wake_all ? 0 : 1, &key);
+		__wake_up(wq, TASK_NORMAL, mode == WAKE_ALL ? 0 : 1, &key);
 }
 
 /*
@@ -143,19 +145,20 @@
 }
 
 /*
- * @kernel v5.12 fs/dax.c
+ * @kernel v6.12 fs/dax.c
  * Gives back an entry from get_unlocked_entry() that the caller did not lock: the wake-up
- * it may have consumed goes to the next waiter.
+ * it may have consumed goes to the next waiter (WAKE_NEXT), or to every waiter when the
+ * caller removed the entry (WAKE_ALL).
  */
-static void put_unlocked_entry(struct xa_state *xas, void *entry)
+static void put_unlocked_entry(struct xa_state *xas, void *entry,
+			       enum dax_wake_mode mode)
 {
-	/* If we were the only waiter woken, wake the next one */
 	if (entry && !dax_is_conflict(entry))
-		dax_wake_entry(xas, entry, false);
+		dax_wake_entry(xas, entry, mode);
 }
 
 /*
- * @kernel v5.12 fs/dax.c
+ * @kernel v6.12 fs/dax.c
  * Stores the entry back unlocked and wakes the next waiter. The entry passed in is the
  * unlocked value; the tree held it locked.
  */
@@ -169,7 +172,7 @@
 	old = xas_store(xas, entry);
 	xas_unlock_irq(xas);
 	BUG_ON(!dax_is_locked(old));
-	dax_wake_entry(xas, entry, false);
+	dax_wake_entry(xas, entry, WAKE_NEXT);
 }
 
 /*
@@ -183,7 +186,7 @@
 }
 
 /*
- * @kernel v5.12 fs/dax.c
+ * @kernel v6.12 fs/dax.c
  * The entry at the xa_state's index, locked, of the order asked for: an index with nothing
  * gets an empty locked entry. A PTE request over an empty or zero-page PMD entry downgrades
  * it: the PMD entry is removed and all its waiters woken (they may wait for different
@@ -236,8 +239,8 @@
 
 		dax_disassociate_entry(entry, mapping, false);
 		xas_store(xas, NULL);	/* undo the PMD join */
-		dax_wake_entry(xas, entry, true);
-		mapping->nrexceptional--;
+		dax_wake_entry(xas, entry, WAKE_ALL);
+		mapping->nrpages -= PG_PMD_NR;
 		entry = NULL;
 		xas_set(xas, index);
 	}
@@ -253,7 +256,7 @@
 		dax_lock_entry(xas, entry);
 		if (xas_error(xas))
 			goto out_unlock;
-		mapping->nrexceptional++;
+		mapping->nrpages += 1UL << order;
 	}
 
 out_unlock:
@@ -271,21 +274,21 @@
 }
 
 /*
- * @kernel v5.12 fs/dax.c
- * Locks the entry of a DAX page for memory failure, which finds the page by its pfn and so
+ * @kernel v6.12 fs/dax.c
+ * Locks the entry of a DAX folio for memory failure, which finds the page by its pfn and so
  * has no lock on its file: the page's mapping is read again under the i_pages lock, and a
  * locked entry is waited for and looked up again. Returns the entry (the cookie for
- * dax_unlock_page()), or 0 when the page no longer belongs to a file.
+ * dax_unlock_folio()), or 0 when the folio no longer belongs to a file.
  */
-dax_entry_t dax_lock_page(struct page *page)
+dax_entry_t dax_lock_folio(struct folio *folio)
 {
 	XA_STATE(xas, NULL, 0);
 	void *entry;
 
-	/* page->mapping stays valid while we look at it */
+	/* folio->mapping stays valid while we look at it */
 	rcu_read_lock();
 	for (;;) {
-		struct address_space *mapping = READ_ONCE(page->mapping);
+		struct address_space *mapping = READ_ONCE(folio->mapping);
 
 		entry = NULL;
 		if (!mapping || !dax_mapping(mapping))
@@ -298,11 +301,11 @@
 
 		xas.xa = &mapping->i_pages;
 		xas_lock_irq(&xas);
-		if (mapping != page->mapping) {
+		if (mapping != folio->mapping) {
 			xas_unlock_irq(&xas);
 			continue;
 		}
-		xas_set(&xas, page->index);
+		xas_set(&xas, folio->index);
 		entry = xas_load(&xas);
 		if (dax_is_locked(entry)) {
 			rcu_read_unlock();
@@ -319,13 +322,13 @@
 }
 
 /*
- * @kernel v5.12 fs/dax.c
- * Unlocks what dax_lock_page() locked.
+ * @kernel v6.12 fs/dax.c
+ * Unlocks what dax_lock_folio() locked.
  */
-void dax_unlock_page(struct page *page, dax_entry_t cookie)
+void dax_unlock_folio(struct folio *folio, dax_entry_t cookie)
 {
-	struct address_space *mapping = page->mapping;
-	XA_STATE(xas, &mapping->i_pages, page->index);
+	struct address_space *mapping = folio->mapping;
+	XA_STATE(xas, &mapping->i_pages, folio->index);
 
 	if (S_ISCHR(mapping->host->i_mode))
 		return;
@@ -334,7 +337,7 @@
 }
 
 /*
- * @kernel v5.12 fs/dax.c
+ * @kernel v6.12 fs/dax.c
  * The first page of the range that get_user_pages() holds (DMA may be writing it), after
  * unmapping the range so no new reference is taken: the filesystem waits for it before it
  * frees blocks. A locked entry is waited for (its fault may be mapping the page); every
@@ -373,7 +376,7 @@
 			entry = get_unlocked_entry(&xas, 0);
 		if (entry)
 			page = dax_busy_page(entry);
-		put_unlocked_entry(&xas, entry);
+		put_unlocked_entry(&xas, entry, WAKE_NEXT);
 		if (page)
 			break;
 		if (++scanned % XA_CHECK_SCHED)
@@ -398,10 +401,10 @@
 }
 
 /*
- * @kernel v5.12 fs/dax.c
+ * @kernel v6.12 fs/dax.c
  * Removes the entry at index once it is unlocked: always when truncating, and when
- * invalidating only if it is clean (no DIRTY or TOWRITE mark). The entry is put, which
- * passes the wake-up on to the next waiter.
+ * invalidating only if it is clean (no DIRTY or TOWRITE mark). Every waiter is woken: a
+ * waiter that finds the entry gone would pass the wake-up to nobody (v5.14).
  */
 static int __dax_invalidate_entry(struct address_space *mapping,
 					  pgoff_t index, bool trunc)
@@ -420,10 +423,10 @@
 		goto out;
 	dax_disassociate_entry(entry, mapping, trunc);
 	xas_store(&xas, NULL);
-	mapping->nrexceptional--;
+	mapping->nrpages -= 1UL << dax_entry_order(entry);
 	ret = 1;
 out:
-	put_unlocked_entry(&xas, entry);
+	put_unlocked_entry(&xas, entry, WAKE_ALL);
 	xas_unlock_irq(&xas);
 	return ret;
 }
@@ -519,7 +522,7 @@
 }
 
 /*
- * @kernel v5.12 fs/dax.c
+ * @kernel v6.12 fs/dax.c
  * Writes back one dirty entry: it is locked for the flush (waiting if a fault holds it),
  * then unlocked. An entry that was replaced or removed meanwhile, or is clean, is put.
  * Called with the i_pages lock held; returns with it held. The flush itself (cache lines
@@ -574,18 +577,18 @@
 	xas_lock_irq(xas);
 	xas_store(xas, entry);
 	xas_clear_mark(xas, PAGECACHE_TAG_DIRTY);
-	dax_wake_entry(xas, entry, false);
+	dax_wake_entry(xas, entry, WAKE_NEXT);
 
 	trace_dax_writeback_one(mapping->host, index, count);
 	return ret;
 
  put_unlocked:
-	put_unlocked_entry(xas, entry);
+	put_unlocked_entry(xas, entry, WAKE_NEXT);
 	return ret;
 }
 
 /*
- * @kernel v5.12 fs/dax.c
+ * @kernel v6.12 fs/dax.c
  * Writes back the entries of the range marked for it: the DIRTY ones are tagged TOWRITE
  * first, then each TOWRITE entry is written back by dax_writeback_one().
  */
@@ -602,7 +605,7 @@
 	if (WARN_ON_ONCE(inode->i_blkbits != PAGE_SHIFT))
 		return -EIO;
 
-	if (!mapping->nrexceptional || wbc->sync_mode != WB_SYNC_ALL)
+	if (mapping_empty(mapping) || wbc->sync_mode != WB_SYNC_ALL)
 		return 0;
 
 	trace_dax_writeback_range(inode, xas.xa_index, end_index);
@@ -805,7 +808,35 @@
 }
 
 /*
- * @kernel v5.12 fs/dax.c
+ * @kernel v6.12 fs/dax.c
+ * Whether a PMD fault must fall back to PTEs before it locks anything: a write to a private
+ * mapping (PTEs copy), a PMD reaching outside the vma, or past the end of the file.
+ */
+static bool dax_fault_check_fallback(struct vm_fault *vmf, struct xa_state *xas,
+		pgoff_t max_pgoff)
+{
+	unsigned long pmd_addr = vmf->address & PMD_MASK;
+	bool write = vmf->flags & FAULT_FLAG_WRITE;
+
+	/* A write to a private mapping copies: PTEs do that. */
+	if (write && !(vmf->vma->vm_flags & VM_SHARED))
+		return true;
+
+	/* The PMD must lie inside the vma. */
+	if (pmd_addr < vmf->vma->vm_start)
+		return true;
+	if ((pmd_addr + PMD_SIZE) > vmf->vma->vm_end)
+		return true;
+
+	/* The PMD must not reach past the end of the file. */
+	if ((xas->xa_index | PG_PMD_COLOUR) >= max_pgoff)
+		return true;
+
+	return false;
+}
+
+/*
+ * @kernel v6.12 fs/dax.c (the fallback checks in dax_fault_check_fallback(); the extent through ->iomap_begin() as v5.12 has it)
  * A PMD fault: the whole region locked as one PMD entry (a conflict with PTE entries falls
  * back), the extent asked of the filesystem for the whole PMD, and the region mapped with
  * one PMD (or the huge zero page). Anything that does not fit falls back to PTEs.
@@ -832,23 +863,12 @@
 	/* The caller's locks keep truncate out: the size holds for the whole fault. */
 	max_pgoff = DIV_ROUND_UP(i_size_read(inode), PAGE_SIZE);
 
-	/* A write to a private mapping copies: PTEs do that. */
-	if (write && !(vma->vm_flags & VM_SHARED))
-		goto fallback;
-
-	/* The PMD must lie inside the vma. */
-	if (pmd_addr < vma->vm_start)
-		goto fallback;
-	if ((pmd_addr + PMD_SIZE) > vma->vm_end)
-		goto fallback;
-
 	if (xas.xa_index >= max_pgoff) {
 		result = VM_FAULT_SIGBUS;
 		goto out;
 	}
 
-	/* The PMD must not reach past the end of the file. */
-	if ((xas.xa_index | PG_PMD_COLOUR) >= max_pgoff)
+	if (dax_fault_check_fallback(vmf, &xas, max_pgoff))
 		goto fallback;
 
 	/*
--- a/mm/memory-failure.c
+++ b/mm/memory-failure.c
@@ -1,30 +1,30 @@
 // SPDX-License-Identifier: GPL-2.0
 /*
- * Memory failure of a DAX page, following v5.12 mm/memory-failure.c, reduced to the one page
+ * Memory failure of a DAX page, following v6.12 mm/memory-failure.c, reduced to the one page
  * and the one file of the model: the page's entry is locked so the file cannot be truncated
  * under the handler, the page is unmapped from every process (which gets SIGBUS), and the
  * entry unlocked.
  */
 
 /*
- * @kernel v5.12 mm/memory-failure.c (memory_failure_dev_pagemap)
+ * @kernel v6.12 mm/memory-failure.c (memory_failure_dev_pagemap, mf_generic_kill_procs)
  * A poisoned pfn of the file's DAX device, at a page index of the file.
  */
 int memory_failure(pgoff_t index)
 {
-	struct page *page = pfn_to_page(index << 3);
+	struct folio *folio = pfn_folio(index << 3);
 	dax_entry_t cookie;
 	int rc = -EBUSY;
 
 	/* The entry lock keeps the file from being truncated under us. */
-	cookie = dax_lock_page(page);
+	cookie = dax_lock_folio(folio);
 	if (!cookie)
 		goto out;
 
 	/* Every process mapping the page loses it (and gets SIGBUS). */
-	unmap_mapping_range(page->mapping, page->index << PAGE_SHIFT, PAGE_SIZE, 0);
+	unmap_mapping_range(folio->mapping, folio->index << PAGE_SHIFT, PAGE_SIZE, 0);
 	rc = 0;
-	dax_unlock_page(page, cookie);
+	dax_unlock_folio(folio, cookie);
 out:
 	return rc;
 }
--- a/fs/ext4/inode.c
+++ b/fs/ext4/inode.c
@@ -1,36 +1,35 @@
 // SPDX-License-Identifier: GPL-2.0
 /*
- * ext4's side of DAX in the XArray era, following v5.12: breaking the layouts of a file
- * before its blocks are freed, and the truncate that does it. ext4_inode_info's i_mmap_sem
- * is the filesystem's mmap lock (XFS_MMAPLOCK's place): faults take it shared, truncate
- * exclusive.
+ * ext4's side of DAX in the XArray era, following v6.12: breaking the layouts of a file
+ * before its blocks are freed, and the truncate that does it. The mapping's invalidate_lock
+ * (v5.15, in i_mmap_sem's place) is the filesystem's mmap lock: faults take it shared,
+ * truncate exclusive.
  */
 
 /*
- * @kernel v5.12 fs/ext4/inode.c
- * The sleep of break layouts' wait: i_mmap_sem is dropped meanwhile, since the holder of the
- * page may need it to fault.
+ * @kernel v6.12 fs/ext4/inode.c
+ * The sleep of break layouts' wait: the invalidate lock is dropped meanwhile, since the
+ * holder of the page may need it to fault.
  */
-static void ext4_wait_dax_page(struct ext4_inode_info *ei)
+static void ext4_wait_dax_page(struct inode *inode)
 {
-	up_write(&ei->i_mmap_sem);
+	filemap_invalidate_unlock(inode->i_mapping);
 	schedule();
-	down_write(&ei->i_mmap_sem);
+	filemap_invalidate_lock(inode->i_mapping);
 }
 
 /*
- * @kernel v5.12 fs/ext4/inode.c
- * Waits, under i_mmap_sem held exclusive, until no DAX page of the file is held by
+ * @kernel v6.12 fs/ext4/inode.c
+ * Waits, under the invalidate lock held exclusive, until no DAX page of the file is held by
  * get_user_pages(): each busy page the scan finds is waited for until it is idle (its last
  * put wakes its _refcount's queue), and the scan runs again.
  */
 int ext4_break_layouts(struct inode *inode)
 {
-	struct ext4_inode_info *ei = EXT4_I(inode);
 	struct page *page;
 	int error;
 
-	if (WARN_ON_ONCE(!rwsem_is_locked(&ei->i_mmap_sem)))
+	if (WARN_ON_ONCE(!rwsem_is_locked(&inode->i_mapping->invalidate_lock)))
 		return -EINVAL;
 
 	do {
@@ -41,26 +40,27 @@
 		error = ___wait_var_event(&page->_refcount,
 				atomic_read(&page->_refcount) == 1,
 				TASK_INTERRUPTIBLE, 0, 0,
-				ext4_wait_dax_page(ei));
+				ext4_wait_dax_page(inode));
 	} while (error == 0);
 
 	return error;
 }
 
 /*
- * @kernel v5.12 fs/ext4/inode.c, reduced to a size change (ATTR_SIZE): under i_mmap_sem the
+ * @kernel v6.12 fs/ext4/inode.c (v5.12's size path otherwise), reduced to a size change
+ * (ATTR_SIZE): under the invalidate lock the
  * layouts are broken, the new size set under i_data_sem (the block map's lock) inside a
  * journal handle, the mapping truncated and the blocks freed. The journal, the orphan list,
  * quotas and the inode's times are not the model's: their calls change nothing it keeps.
  */
-int ext4_setattr(struct user_namespace *mnt_userns, struct dentry *dentry,
+int ext4_setattr(struct mnt_idmap *idmap, struct dentry *dentry,
 		 struct iattr *attr)
 {
 	struct inode *inode = d_inode(dentry);
 	int error, rc = 0;
 	int orphan = 0;
 
-	error = setattr_prepare(mnt_userns, dentry, attr);
+	error = setattr_prepare(idmap, dentry, attr);
 	if (error)
 		return error;
 
@@ -86,11 +86,11 @@
 			inode_dio_wait(inode);
 		}
 
-		down_write(&EXT4_I(inode)->i_mmap_sem);
+		filemap_invalidate_lock(inode->i_mapping);
 
 		rc = ext4_break_layouts(inode);
 		if (rc) {
-			up_write(&EXT4_I(inode)->i_mmap_sem);
+			filemap_invalidate_unlock(inode->i_mapping);
 			goto err_out;
 		}
 
@@ -143,7 +143,7 @@
 				error = rc;
 		}
 out_mmap_sem:
-		up_write(&EXT4_I(inode)->i_mmap_sem);
+		filemap_invalidate_unlock(inode->i_mapping);
 	}
 
 	/*
@@ -170,6 +170,6 @@
 		.ia_size = (loff_t)new_pages << PAGE_SHIFT,
 	};
 
-	return ext4_setattr(&init_user_ns, dax_dentry, &attr);
+	return ext4_setattr(&nop_mnt_idmap, dax_dentry, &attr);
 }
 
--- a/fs/ext4/file.c
+++ b/fs/ext4/file.c
@@ -1,11 +1,11 @@
 // SPDX-License-Identifier: GPL-2.0
 /*
- * ext4's DAX faults in the XArray era, following v5.12: a fault of either size under
- * i_mmap_sem shared, a write fault inside a journal handle (which the model does not keep).
+ * ext4's DAX faults in the XArray era, following v6.12: a fault of either size under the
+ * invalidate lock shared, a write fault inside a journal handle (which the model does not keep).
  */
 
 /*
- * @kernel v5.12 fs/ext4/file.c
+ * @kernel v6.12 fs/ext4/file.c (with v5.12's pe_size, as the era's v6.12 dax_iomap_fault() takes it)
  * A write fault only of a shared mapping writes the file (a private one gets a copy). The
  * handle's failure and the retry after -ENOSPC are not the model's: it has no journal, and
  * no allocation of its fails for space.
@@ -19,6 +19,7 @@
 	handle_t *handle = NULL;
 	struct inode *inode = file_inode(vmf->vma->vm_file);
 	struct super_block *sb = inode->i_sb;
+	struct address_space *mapping = vmf->vma->vm_file->f_mapping;
 	bool write = (vmf->flags & FAULT_FLAG_WRITE) &&
 		(vmf->vma->vm_flags & VM_SHARED);
 	pfn_t pfn;
@@ -26,17 +27,17 @@
 	if (write) {
 		sb_start_pagefault(sb);
 		file_update_time(vmf->vma->vm_file);
-		down_read(&EXT4_I(inode)->i_mmap_sem);
+		filemap_invalidate_lock_shared(mapping);
 retry:
 		handle = ext4_journal_start_sb(sb, EXT4_HT_WRITE_PAGE,
 					       EXT4_DATA_TRANS_BLOCKS(sb));
 		if (IS_ERR(handle)) {
-			up_read(&EXT4_I(inode)->i_mmap_sem);
+			filemap_invalidate_unlock_shared(mapping);
 			sb_end_pagefault(sb);
 			return VM_FAULT_SIGBUS;
 		}
 	} else {
-		down_read(&EXT4_I(inode)->i_mmap_sem);
+		filemap_invalidate_lock_shared(mapping);
 	}
 	result = dax_iomap_fault(vmf, pe_size, &pfn, &error, &ext4_iomap_ops);
 	if (write) {
@@ -48,17 +49,17 @@
 		/* Handling synchronous page fault? */
 		if (result & VM_FAULT_NEEDDSYNC)
 			result = dax_finish_sync_fault(vmf, pe_size, pfn);
-		up_read(&EXT4_I(inode)->i_mmap_sem);
+		filemap_invalidate_unlock_shared(mapping);
 		sb_end_pagefault(sb);
 	} else {
-		up_read(&EXT4_I(inode)->i_mmap_sem);
+		filemap_invalidate_unlock_shared(mapping);
 	}
 
 	return result;
 }
 
 /*
- * @kernel v5.12 fs/ext4/file.c
+ * @kernel v6.12 fs/ext4/file.c
  * ->fault, ->page_mkwrite and ->pfn_mkwrite of ext4's DAX vm_operations.
  */
 static vm_fault_t ext4_dax_fault(struct vm_fault *vmf)
`;
