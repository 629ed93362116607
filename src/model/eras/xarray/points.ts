// Variation points of the XArray era: named patches of its kernel C (v5.12), each value the
// code of another kernel version or a defect a reviewer asks about, applied the way a patch
// from mail is. Scenarios and known defects name them.
import { pointDiff, type PointDef } from '../../core/points';

/** A point's value: a diff of one hunk in one function (core/points.ts). */
const f = pointDiff;

/** The busy-page scan meeting a locked entry: it skips it (get_unlocked_entry() from the walked
 *  state looks past it) until real mail 14 (2024) waits for it where it stands. */
const BUSY_SCAN_LOCKED = (put: string): PointDef => ({
  fn: 'dax_layout_busy_page_range', name: 'locked_entry', default: 'skip',
  c: 'if (unlikely(dax_is_locked(entry))) entry = get_unlocked_entry(&xas, 0);',
  values: {
    wait: f('fs/dax.c', 'struct page *dax_layout_busy_page_range(', `
 		if (WARN_ON_ONCE(!xa_is_value(entry)))
 			continue;
-		if (unlikely(dax_is_locked(entry)))
-			entry = get_unlocked_entry(&xas, 0);
+		entry = wait_entry_unlocked_exclusive(&xas, entry);
 		if (entry)
 			page = dax_busy_page(entry);
 		${put}
`),
  },
});

/** Which entries a fault ties its pages to the file for: v5.1 re-tied them whenever the new
 *  entry's size differed from the one found, so a PTE fault under a PMD entry that maps blocks
 *  (which stays in the tree) untied every page of the PMD but its own ("dax: Fix xarray entry
 *  association for mixed mappings", v5.2). */
const ASSOCIATE: PointDef = {
  fn: 'dax_insert_entry', name: 'associate', default: 'replaced',
  c: 'dax_disassociate_entry(); dax_associate_entry(); only where a zero-page or empty entry is replaced',
  values: {
    'size-change': f('fs/dax.c', 'static void *dax_insert_entry(', `
 	xas_reset(xas);
 	xas_lock_irq(xas);
-	if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry)) {
-		void *old;
-
+	if (dax_entry_order(entry) != dax_entry_order(new_entry)) {
 		dax_disassociate_entry(entry, mapping, false);
 		dax_associate_entry(new_entry, mapping, vmf->vma, vmf->address);
+	}
+	if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry)) {
+		void *old;
+
`),
  },
};

/** Writeback meeting a locked entry: dax_writeback_one() asks get_unlocked_entry() from the
 *  xa_state xas_for_each_marked() walked, which finds nothing there, so the entry is skipped and
 *  an fsync returns before its data is flushed (the walk real mail 14 fixes in the busy-page scan
 *  and __dax_clear_dirty_range(), not here); `wait` waits for it where the state stands. */
const WRITEBACK_LOCKED = (get: string): PointDef => ({
  fn: 'dax_writeback_one', name: 'locked_entry', default: 'skip',
  c: `entry = ${get}(xas, 0); on a locked entry`,
  values: {
    wait: f('fs/dax.c', 'static int dax_writeback_one(', `
 		void *old_entry = entry;
 
-		entry = ${get}(xas, 0);
+		entry = wait_entry_unlocked_exclusive(xas, entry);
 
 		/* Entry got punched out / reallocated? */
`),
  },
});

/** Truncate and the pins of DMA (seed 002): before v4.17 ("dax: fix dma vs truncate/hole-punch",
 *  2018) truncate broke no layouts and freed blocks whose DAX pages get_user_pages() still held. */
const BREAK_LAYOUTS: PointDef = {
  fn: 'xfs_setattr_size', name: 'break_layouts', default: true,
  c: 'do { retry = false; error = xfs_break_dax_layouts(inode, &retry); } while (error == 0 && retry);',
  values: {
    false: f('fs/xfs/xfs_iops.c', 'int xfs_setattr_size(', `
 	if (fs_mmaplock(inode))
 		xfs_ilock(ip, XFS_MMAPLOCK_EXCL);
-	do {
-		retry = false;
-		error = xfs_break_dax_layouts(inode, &retry);
-	} while (error == 0 && retry);
 	i_size_write(inode, newsize);
`),
  },
};

export const XARRAY_POINTS: readonly PointDef[] = [
  {
    fn: 'get_unlocked_entry', name: 'order_check', default: 'after-null',
    c: 'if (dax_entry_order(entry) < order) return XA_RETRY_ENTRY; (v5.2: after the NULL check)',
    values: {
      // v5.2-rc1 ("dax: Fix missed wakeup with PMD faults"): the order check came first, so an
      // empty range (NULL entry, order 0) was a conflict for every PMD fault.
      'before-null': f('fs/dax.c', 'static void *get_unlocked_entry(', `
 	for (;;) {
 		entry = xas_find_conflict(xas);
+		if (dax_entry_order(entry) < order)
+			return XA_RETRY_ENTRY;
 		if (!entry || WARN_ON_ONCE(!xa_is_value(entry)))
 			return entry;
-		if (dax_entry_order(entry) < order)
-			return XA_RETRY_ENTRY;
 		if (!dax_is_locked(entry))
 			return entry;
`),
      // v4.20 to v5.1: no order check; grab_mapping_entry() fell back from an unlocked PTE entry itself,
      // so a PMD fault slept on a locked PTE entry under the PMD's key, which the PTE entry's unlock never wakes.
      none: f('fs/dax.c', 'static void *get_unlocked_entry(', `
 		if (!entry || WARN_ON_ONCE(!xa_is_value(entry)))
 			return entry;
-		if (dax_entry_order(entry) < order)
-			return XA_RETRY_ENTRY;
 		if (!dax_is_locked(entry))
 			return entry;
`) + f('fs/dax.c', 'static void *grab_mapping_entry(', `
 			goto out_unlock;
 		}
 
-		if (order == 0) {
+		if (order > 0) {
+			if (dax_is_pte_entry(entry)) {
+				put_unlocked_entry(xas, entry);
+				goto fallback;
+			}
+		} else {
 			if (dax_is_pmd_entry(entry) &&
`).replace(/^--- a\/fs\/dax.c\n\+\+\+ b\/fs\/dax.c\n(?=@@ -1,\d+ \+1,\d+ @@ static void \*grab)/m, ''),
    },
  },
  {
    fn: '__dax_invalidate_entry', name: 'wake_all', default: false,
    c: 'put_unlocked_entry(&xas, entry); (v5.12: wakes the next waiter)',
    values: {
      // v5.14 ("dax: Wake up all waiters after invalidating dax entry"): put_unlocked_entry(&xas, entry, WAKE_ALL).
      true: f('fs/dax.c', 'static int __dax_invalidate_entry(', `
 	ret = 1;
 out:
-	put_unlocked_entry(&xas, entry);
+	if (entry && !dax_is_conflict(entry))
+		dax_wake_entry(&xas, entry, true);
 	xas_unlock_irq(&xas);
 	return ret;
`),
    },
  },
  {
    fn: 'grab_mapping_entry', name: 'downgrade_wake_all', default: true,
    c: 'dax_wake_entry(xas, entry, true); after the downgraded PMD entry is removed',
    values: {
      false: f('fs/dax.c', 'static void *grab_mapping_entry(', `
 		xas_store(xas, NULL);	/* undo the PMD join */
-		dax_wake_entry(xas, entry, true);
+		dax_wake_entry(xas, entry, false);
 		mapping->nrexceptional--;
`),
    },
  },
  BUSY_SCAN_LOCKED('put_unlocked_entry(&xas, entry);'),
  BREAK_LAYOUTS,
  WRITEBACK_LOCKED('get_unlocked_entry'),
  ASSOCIATE,
];

/** v6.12's points: the order check as in v5.12 (get_unlocked_entry() is unchanged), and the
 *  wake mode of the invalidation as it was between v5.14's two patches (real mail 04 and 05). */
export const XARRAY_V6_POINTS: readonly PointDef[] = [
  XARRAY_POINTS[0],
  BREAK_LAYOUTS,
  BUSY_SCAN_LOCKED('put_unlocked_entry(&xas, entry, WAKE_NEXT);'),
  WRITEBACK_LOCKED('get_unlocked_entry'),
  ASSOCIATE,
  {
    fn: '__dax_invalidate_entry', name: 'wake', default: 'WAKE_ALL',
    c: 'put_unlocked_entry(&xas, entry, WAKE_ALL);',
    values: {
      WAKE_NEXT: f('fs/dax.c', 'static int __dax_invalidate_entry(', `
 	ret = 1;
 out:
-	put_unlocked_entry(&xas, entry, WAKE_ALL);
+	put_unlocked_entry(&xas, entry, WAKE_NEXT);
 	xas_unlock_irq(&xas);
 	return ret;
`),
    },
  },
];

/** v6.15's points: v6.12's, but for the busy-page scan, which waits for a locked entry since. */
export const XARRAY_V6_15_POINTS: readonly PointDef[] = [
  ...XARRAY_V6_POINTS.filter((p) => p.fn !== 'dax_layout_busy_page_range' && p.fn !== 'dax_writeback_one'),
  WRITEBACK_LOCKED('get_next_unlocked_entry'),
];

/** The seed 002 life cycle's points: break layouts dropping the mapping's reference without
 *  saying so (no DAX_ZAP), and memory failure losing a zapped page's file (page->mapping
 *  cleared with the reference, as v6.0 clears it when the entry goes). */
export const XARRAY_ZAP_POINTS: readonly PointDef[] = [
  ...XARRAY_V6_POINTS.filter((p) => p.fn !== 'dax_layout_busy_page_range'),
  {
    fn: 'dax_zap_entry', name: 'tag', default: true,
    c: 'void *zapped = xa_mk_value(xa_to_value(entry) | DAX_ZAP);',
    values: {
      false: f('fs/dax.c', 'static void *dax_zap_entry(', `
 {
-	void *zapped = xa_mk_value(xa_to_value(entry) | DAX_ZAP);
+	void *zapped = entry;
 
 	dax_entry_pages_put(entry);
`),
    },
  },
  {
    fn: 'dax_lock_folio', name: 'zapped', default: 'lock',
    c: 'entry = xas_load(&xas); then the entry is locked, zapped or not',
    values: {
      'mapping-cleared': f('fs/dax.c', 'dax_entry_t dax_lock_folio(', `
 		xas_set(&xas, folio->index);
 		entry = xas_load(&xas);
+		if (dax_is_zap_entry(entry)) {
+			/* the page left the file with its reference */
+			xas_unlock_irq(&xas);
+			entry = NULL;
+			break;
+		}
 		if (dax_is_locked(entry)) {
`),
    },
  },
];
