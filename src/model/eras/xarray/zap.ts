// The life cycle of a DAX page that seed 002 writes out (Dan Williams, "Fix the DAX-gup mistake",
// 2022), as changes to the era's v6.12 rendition, applied when the version loads:
//   1/ dax_insert_entry() adds the entry and the mapping takes a reference on its page;
//   2/ get_user_pages() takes more (the scenario's pins);
//   3/ truncate or punch hole wants the block back;
//   4/ break layouts (dax_zap_mappings()) unmaps, drops the mapping's reference once and tags
//      the entry DAX_ZAP, and the filesystem waits for the page's references to reach zero;
//   5/ the zapped, unreferenced page stays in the file (memory failure still finds its
//      mapping) until the final truncate removes the entry, which checks that a page at zero
//      references was zapped first.
// The seed proposes a value flag; the zapped entry is stored under the i_pages lock, so the
// entry lock's holders (who store the value back when they unlock) never run meanwhile.
export const ZAP_DIFF = `--- a/fs/dax.c
+++ b/fs/dax.c
@@ -1,6 +1,9 @@
 // SPDX-License-Identifier: GPL-2.0
 /*
- * fs/dax.c of the XArray era as the model runs it, following v6.12: Matthew Wilcox's
+ * fs/dax.c of the XArray era as the model runs it, following v6.12 with the life cycle of a
+ * DAX page that seed 002 writes out (Dan Williams, "Fix the DAX-gup mistake", 2022): the
+ * mapping holds a reference on each DAX page its entries map, break layouts drops it and
+ * tags the entry DAX_ZAP, and the final truncate removes the zapped entry. Matthew Wilcox's
  * conversion of the DAX entry lock to the XArray (v4.20) with the 2019 PMD-wakeup fixes
  * (v5.2), the wake modes of v5.14 and the page-count accounting of v5.13 (nrexceptional is gone).
  * Entries are value entries with DAX_LOCKED, DAX_PMD, DAX_ZERO_PAGE and DAX_EMPTY in
@@ -337,14 +340,65 @@
 }
 
 /*
- * @kernel v6.12 fs/dax.c
- * The first page of the range that get_user_pages() holds (DMA may be writing it), after
- * unmapping the range so no new reference is taken: the filesystem waits for it before it
- * frees blocks. A locked entry is waited for (its fault may be mapping the page); every
- * entry looked at is given back with put_unlocked_entry().
+ * @kernel v6.12 fs/dax.c with seed 002's step 1/
+ * The entry's DAX pages join the file (page->mapping): the mapping takes a
+ * reference on each (_refcount 0 -> 1), held until break layouts zaps the
+ * entry. Zero-page and empty entries map no DAX page.
+ */
+static void dax_associate_entry(void *entry, struct address_space *mapping,
+		struct vm_area_struct *vma, unsigned long address)
+{
+	if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry))
+		return;
+	dax_entry_pages_get(entry);
+	dax_entry_associate(entry);
+}
+
+/*
+ * @kernel v6.12 fs/dax.c with seed 002's steps 3/ to 5/
+ * The entry leaves the file, and page->mapping with it. Its reference goes
+ * too unless break layouts already dropped it (DAX_ZAP). A truncate that finds
+ * the pages at zero references with no DAX_ZAP has met a reference dropped
+ * behind the life cycle's back: the check seed 002 asks for.
+ */
+static void dax_disassociate_entry(void *entry, struct address_space *mapping,
+		bool trunc)
+{
+	if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry))
+		return;
+	if (!dax_is_zap_entry(entry)) {
+		if (WARN_ON_ONCE(trunc && !dax_entry_page_refs(entry)))
+			return;
+		dax_entry_pages_put(entry);
+	}
+	dax_entry_disassociate(entry, trunc);
+}
+
+/*
+ * @kernel v6.12 fs/dax.c with seed 002's step 4/
+ * Drops the mapping's reference of an entry the caller holds the i_pages lock
+ * over, once: the entry is stored back tagged DAX_ZAP, so a later scan or the
+ * final truncate knows the reference is gone while the page stays in the file.
  */
-struct page *dax_layout_busy_page_range(struct address_space *mapping,
-					loff_t start, loff_t end)
+static void *dax_zap_entry(struct xa_state *xas, void *entry)
+{
+	void *zapped = xa_mk_value(xa_to_value(entry) | DAX_ZAP);
+
+	dax_entry_pages_put(entry);
+	xas_store(xas, zapped);
+	return zapped;
+}
+
+/*
+ * @kernel v6.12 fs/dax.c (dax_layout_busy_page_range) with seed 002's step 4/
+ * Break layouts: after unmapping the range so no new reference is taken, every
+ * entry of the range is zapped (a locked one waited for where it stands), and
+ * the first page still referenced is returned (get_user_pages() holds it: DMA
+ * may be writing it). The filesystem waits for it to reach zero references and
+ * scans again; every entry looked at is given back with put_unlocked_entry().
+ */
+struct page *dax_zap_mappings_range(struct address_space *mapping,
+				    loff_t start, loff_t end)
 {
 	void *entry;
 	unsigned int scanned = 0;
@@ -361,19 +413,17 @@
 		end_idx = ULONG_MAX;
 	else
 		end_idx = end >> PAGE_SHIFT;
-	/*
-	 * Unmapped first: a racing get_user_pages_fast() either took its
-	 * reference before (and the scan sees it) or finds no PTE and takes
-	 * the slow path, which the page table locks order after this.
-	 */
+	/* Unmapped first: get_user_pages() can take no new reference. */
 	unmap_mapping_pages(mapping, start_idx, end_idx - start_idx + 1, 0);
 
 	xas_lock_irq(&xas);
 	xas_for_each(&xas, entry, end_idx) {
 		if (WARN_ON_ONCE(!xa_is_value(entry)))
 			continue;
-		if (unlikely(dax_is_locked(entry)))
-			entry = get_unlocked_entry(&xas, 0);
+		entry = wait_entry_unlocked_exclusive(&xas, entry);
+		if (entry && !dax_is_zap_entry(entry) &&
+		    !dax_is_zero_entry(entry) && !dax_is_empty_entry(entry))
+			entry = dax_zap_entry(&xas, entry);
 		if (entry)
 			page = dax_busy_page(entry);
 		put_unlocked_entry(&xas, entry, WAKE_NEXT);
@@ -392,12 +442,12 @@
 }
 
 /*
- * @kernel v5.12 fs/dax.c
- * dax_layout_busy_page_range() over the whole file.
+ * @kernel v6.12 fs/dax.c with seed 002's step 4/
+ * dax_zap_mappings_range() over the whole file.
  */
-struct page *dax_layout_busy_page(struct address_space *mapping)
+struct page *dax_zap_mappings(struct address_space *mapping)
 {
-	return dax_layout_busy_page_range(mapping, 0, LLONG_MAX);
+	return dax_zap_mappings_range(mapping, 0, LLONG_MAX);
 }
 
 /*
@@ -470,10 +520,11 @@
 }
 
 /*
- * @kernel v5.12 fs/dax.c
+ * @kernel v5.12 fs/dax.c with seed 002's life cycle
  * Puts the new entry (a block mapping or a zero page) in place of the empty or zero-page
  * entry the fault holds locked, and returns it, still locked. A PMD entry mapping blocks
- * is left alone when a PTE fault comes under it. A zero page the blocks replace is
+ * is left alone when a PTE fault comes under it, unless break layouts zapped it: the
+ * mapping then takes its reference back (seed 002). A zero page the blocks replace is
  * unmapped first.
  */
 static void *dax_insert_entry(struct xa_state *xas,
@@ -510,6 +561,11 @@
 		WARN_ON_ONCE(old != xa_mk_value(xa_to_value(entry) |
 					DAX_LOCKED));
 		entry = new_entry;
+	} else if (dax_is_zap_entry(entry)) {
+		/* A zapped entry mapped again: the mapping takes its reference back. */
+		entry = xa_mk_value(xa_to_value(entry) & ~DAX_ZAP);
+		dax_entry_pages_get(entry);
+		dax_lock_entry(xas, entry);
 	} else {
 		xas_load(xas);	/* Walk the xa_state */
 	}
--- a/fs/xfs/xfs_file.c
+++ b/fs/xfs/xfs_file.c
@@ -82,15 +82,16 @@
 }
 
 /*
- * @kernel v5.12 fs/xfs/xfs_file.c
+ * @kernel v5.12 fs/xfs/xfs_file.c, with seed 002's break layouts (dax_zap_mappings())
  * A DAX page of the file that get_user_pages() holds is waited for until it is idle (its
- * last put wakes its _refcount's queue), and the scan is run again (*retry).
+ * last put wakes its _refcount's queue: the mapping's reference is gone once zapped), and
+ * the scan is run again (*retry).
  */
 static int xfs_break_dax_layouts(struct inode *inode, bool *retry)
 {
 	struct page *page;
 
-	page = dax_layout_busy_page(inode->i_mapping);
+	page = dax_zap_mappings(inode->i_mapping);
 	if (!page)
 		return 0;
 
--- a/fs/ext4/inode.c
+++ b/fs/ext4/inode.c
@@ -32,8 +32,8 @@
 	if (WARN_ON_ONCE(!rwsem_is_locked(&inode->i_mapping->invalidate_lock)))
 		return -EINVAL;
 
 	do {
-		page = dax_layout_busy_page(inode->i_mapping);
+		page = dax_zap_mappings(inode->i_mapping);
 		if (!page)
 			return 0;
 
`;
