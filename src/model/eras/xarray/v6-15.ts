// fs/dax.c of v6.15 as the changes from the era's v6.12 rendition, applied when the version
// loads: real mail 14 (Alistair Popple, "fs/dax: don't skip locked entries when scanning
// entries", 2024) renamed get_unlocked_entry() to get_next_unlocked_entry(), since its lookup
// may move a walked xa_state on, and made the busy-page scan wait for a locked entry where the
// walk stands: that change is the v6.12 point dax_layout_busy_page_range.locked_entry=wait,
// applied before this diff. dax_writeback_one() keeps the renamed lookup.
export const V6_15_DIFF = `--- a/fs/dax.c
+++ b/fs/dax.c
@@ -1,8 +1,10 @@
 // SPDX-License-Identifier: GPL-2.0
 /*
- * fs/dax.c of the XArray era as the model runs it, following v6.12: Matthew Wilcox's
+ * fs/dax.c of the XArray era as the model runs it, following v6.15: Matthew Wilcox's
  * conversion of the DAX entry lock to the XArray (v4.20) with the 2019 PMD-wakeup fixes
- * (v5.2), the wake modes of v5.14 and the page-count accounting of v5.13 (nrexceptional is gone).
+ * (v5.2), the wake modes of v5.14, the page-count accounting of v5.13 (nrexceptional is gone)
+ * and the waits for an entry where a walk stands of v6.15 ("fs/dax: don't skip locked entries
+ * when scanning entries").
  * Entries are value entries with DAX_LOCKED, DAX_PMD, DAX_ZERO_PAGE and DAX_EMPTY in
  * their low bits and the pfn above DAX_SHIFT; the entry lock is DAX_LOCKED, taken and dropped
  * with xas_store() under the i_pages lock, and waiters sleep on the same hashed exclusive wait
@@ -52,13 +54,14 @@
 }
 
 /*
- * @kernel v5.12 fs/dax.c
+ * @kernel v6.15 fs/dax.c (get_unlocked_entry() of v5.12, renamed)
  * The entry an xa_state names, once it is unlocked: a locked entry is waited for (with the
- * i_pages lock dropped) and looked up again. An entry smaller than the order asked for is
+ * i_pages lock dropped) and looked up again. The lookup starts at the state's index and may
+ * move it on (the name says so since v6.15): a walk waits with wait_entry_unlocked_exclusive(). An entry smaller than the order asked for is
  * a conflict (XA_RETRY_ENTRY): a PMD fault over PTE entries falls back rather than sleep on
  * a key nobody wakes. Called with the i_pages lock held; returns with it held.
  */
-static void *get_unlocked_entry(struct xa_state *xas, unsigned int order)
+static void *get_next_unlocked_entry(struct xa_state *xas, unsigned int order)
 {
 	void *entry;
 	struct wait_exceptional_entry_queue ewait;
@@ -146,7 +149,7 @@
 
 /*
  * @kernel v6.12 fs/dax.c
- * Gives back an entry from get_unlocked_entry() that the caller did not lock: the wake-up
+ * Gives back an entry from get_next_unlocked_entry() that the caller did not lock: the wake-up
  * it may have consumed goes to the next waiter (WAKE_NEXT), or to every waiter when the
  * caller removed the entry (WAKE_ALL).
  */
@@ -186,7 +189,7 @@
 }
 
 /*
- * @kernel v6.12 fs/dax.c
+ * @kernel v6.15 fs/dax.c
  * The entry at the xa_state's index, locked, of the order asked for: an index with nothing
  * gets an empty locked entry. A PTE request over an empty or zero-page PMD entry downgrades
  * it: the PMD entry is removed and all its waiters woken (they may wait for different
@@ -204,7 +207,7 @@
 retry:
 	pmd_downgrade = false;
 	xas_lock_irq(xas);
-	entry = get_unlocked_entry(xas, order);
+	entry = get_next_unlocked_entry(xas, order);
 
 	if (entry) {
 		if (dax_is_conflict(entry))
@@ -337,7 +340,7 @@
 }
 
 /*
- * @kernel v6.12 fs/dax.c
+ * @kernel v6.15 fs/dax.c
  * The first page of the range that get_user_pages() holds (DMA may be writing it), after
  * unmapping the range so no new reference is taken: the filesystem waits for it before it
  * frees blocks. A locked entry is waited for (its fault may be mapping the page); every
@@ -401,7 +403,7 @@
 }
 
 /*
- * @kernel v6.12 fs/dax.c
+ * @kernel v6.15 fs/dax.c
  * Removes the entry at index once it is unlocked: always when truncating, and when
  * invalidating only if it is clean (no DIRTY or TOWRITE mark). Every waiter is woken: a
  * waiter that finds the entry gone would pass the wake-up to nobody (v5.14).
@@ -414,7 +416,7 @@
 	void *entry;
 
 	xas_lock_irq(&xas);
-	entry = get_unlocked_entry(&xas, 0);
+	entry = get_next_unlocked_entry(&xas, 0);
 	if (!entry || WARN_ON_ONCE(!xa_is_value(entry)))
 		goto out;
 	if (!trunc &&
@@ -522,7 +524,7 @@
 }
 
 /*
- * @kernel v6.12 fs/dax.c
+ * @kernel v6.15 fs/dax.c
  * Writes back one dirty entry: it is locked for the flush (waiting if a fault holds it),
  * then unlocked. An entry that was replaced or removed meanwhile, or is clean, is put.
  * Called with the i_pages lock held; returns with it held. The flush itself (cache lines
@@ -541,7 +543,7 @@
 	if (unlikely(dax_is_locked(entry))) {
 		void *old_entry = entry;
 
-		entry = get_unlocked_entry(xas, 0);
+		entry = get_next_unlocked_entry(xas, 0);
 
 		/* Entry got punched out / reallocated? */
 		if (!entry || WARN_ON_ONCE(!xa_is_value(entry)))
`;
