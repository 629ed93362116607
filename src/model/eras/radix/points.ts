// Variation points of the radix era: named patches of its kernel C, a few lines each. A
// point's default is the v4.10 code as it stands; each other value is the diff that makes
// it, applied to the reference the way a patch from mail is (src/c/tree.ts), and the
// patched functions are lowered like any other. Scenarios and known defects name them.
import { pointDiff, type PointDef } from '../../core/points';

/** A point's value: a diff of one hunk in one function (core/points.ts). */
const f = pointDiff;

export const RADIX_POINTS: readonly PointDef[] = [
  {
    fn: 'put_unlocked_mapping_entry', name: 'wake_all', default: false,
    c: 'dax_wake_mapping_entry_waiter(mapping, index, entry, false)',
    values: {
      true: f('fs/dax.c', 'static void put_unlocked_mapping_entry(', `
 		return;
 
-	dax_wake_mapping_entry_waiter(mapping, index, entry, false);
+	dax_wake_mapping_entry_waiter(mapping, index, entry, true);
 }
`),
    },
  },
  {
    fn: 'dax_unlock_mapping_entry', name: 'wake_all', default: false,
    c: 'dax_wake_mapping_entry_waiter(mapping, index, entry, false)',
    values: {
      true: f('fs/dax.c', 'void dax_unlock_mapping_entry(', `
 	unlock_slot(mapping, slot);
 	spin_unlock_irq(&mapping->tree_lock);
-	dax_wake_mapping_entry_waiter(mapping, index, entry, false);
+	dax_wake_mapping_entry_waiter(mapping, index, entry, true);
 }
`),
    },
  },
  {
    fn: 'dax_unlock_mapping_entry', name: 'wake_order', default: 'unlock-then-wake',
    c: 'spin_unlock_irq(&mapping->tree_lock); dax_wake_mapping_entry_waiter(...)',
    values: {
      'wake-under-lock': f('fs/dax.c', 'void dax_unlock_mapping_entry(', `
 	unlock_slot(mapping, slot);
+	dax_wake_mapping_entry_waiter(mapping, index, entry, false);
 	spin_unlock_irq(&mapping->tree_lock);
-	dax_wake_mapping_entry_waiter(mapping, index, entry, false);
 }
`),
    },
  },
  {
    fn: 'grab_mapping_entry', name: 'eexist_put', default: true,
    c: 'put_unlocked_mapping_entry(mapping, index, entry); before entry = ERR_PTR(-EEXIST) on the PMD path',
    values: {
      false: f('fs/dax.c', 'static void *grab_mapping_entry(', `
 			if (!radix_tree_exceptional_entry(entry) ||
 			    dax_is_pte_entry(entry)) {
-				put_unlocked_mapping_entry(mapping, index,
-						entry);
 				entry = ERR_PTR(-EEXIST);
 				goto out_unlock;
`),
    },
  },
  {
    fn: 'grab_mapping_entry', name: 'downgrade_wake_all', default: true,
    c: 'dax_wake_mapping_entry_waiter(mapping, index, entry, true) after radix_tree_delete() of the downgraded PMD entry',
    values: {
      false: f('fs/dax.c', 'static void *grab_mapping_entry(', `
 			mapping->nrexceptional--;
 			dax_wake_mapping_entry_waiter(mapping, index, entry,
-					true);
+					false);
 		}
`),
    },
  },
  {
    fn: 'grab_mapping_entry', name: 'preload_fail', default: 'put-locked-if-downgrade',
    c: 'if (err) { if (pmd_downgrade) put_locked_mapping_entry(mapping, index, entry); return ERR_PTR(err); } after radix_tree_preload()',
    values: {
      return: f('fs/dax.c', 'static void *grab_mapping_entry(', `
 		if (err) {
-			if (pmd_downgrade)
-				put_locked_mapping_entry(mapping, index, entry);
 			return ERR_PTR(err);
 		}
`),
    },
  },
  {
    fn: 'grab_mapping_entry', name: 'unmap_vs_preload', default: 'unmap-first',
    c: 'unmap_mapping_range() of a downgraded huge zero page before (unmap-first) or after (preload-first) radix_tree_preload()',
    values: {
      'preload-first': f('fs/dax.c', 'static void *grab_mapping_entry(', `
 		spin_unlock_irq(&mapping->tree_lock);
-		/*
-		 * A huge zero page mapped by the PMD entry must go; an empty
-		 * PMD entry maps nothing.
-		 */
-		if (pmd_downgrade && dax_is_zero_entry(entry))
-			unmap_mapping_range(mapping,
-				(index << PAGE_SHIFT) & PMD_MASK, PMD_SIZE, 0);
-
 		err = radix_tree_preload(
 				mapping_gfp_mask(mapping) & ~__GFP_HIGHMEM);
 		if (err) {
 			if (pmd_downgrade)
 				put_locked_mapping_entry(mapping, index, entry);
 			return ERR_PTR(err);
 		}
+		if (pmd_downgrade && dax_is_zero_entry(entry))
+			unmap_mapping_range(mapping,
+				(index << PAGE_SHIFT) & PMD_MASK, PMD_SIZE, 0);
 		spin_lock_irq(&mapping->tree_lock);
`),
    },
  },
  {
    fn: 'grab_mapping_entry', name: 'insert_eexist_restart', default: true,
    c: 'if (err == -EEXIST && !(size_flag & RADIX_DAX_PMD)) goto restart; after __radix_tree_insert()',
    values: {
      false: f('fs/dax.c', 'static void *grab_mapping_entry(', `
-			if (err == -EEXIST && !(size_flag & RADIX_DAX_PMD))
-				goto restart;
 			return ERR_PTR(err);
`),
    },
  },
  {
    fn: 'dax_insert_mapping_entry', name: 'replace_only_zero_or_empty', default: true,
    c: '} else if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry)) { ... __radix_tree_replace(...) }  (false: replace whatever entry is there)',
    values: {
      false: f('fs/dax.c', 'static void *dax_insert_mapping_entry(', `
 		mapping->nrexceptional++;
-	} else if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry)) {
+	} else {
`),
    },
  },
  {
    fn: '__dax_invalidate_mapping_entry', name: 'put', default: true,
    c: 'out: put_unlocked_mapping_entry(mapping, index, entry);',
    values: {
      false: f('fs/dax.c', 'static int __dax_invalidate_mapping_entry(', `
 out:
-	put_unlocked_mapping_entry(mapping, index, entry);
 	spin_unlock_irq(&mapping->tree_lock);
`),
    },
  },
  {
    fn: '__dax_invalidate_mapping_entry', name: 'put_wake_all', default: false,
    c: 'out: wake all waiters (put_unlocked_entry(&xas, entry, WAKE_ALL) of v5.14) instead of put_unlocked_mapping_entry()',
    values: {
      true: f('fs/dax.c', 'static int __dax_invalidate_mapping_entry(', `
 out:
-	put_unlocked_mapping_entry(mapping, index, entry);
+	if (entry && radix_tree_exceptional_entry(entry))
+		dax_wake_mapping_entry_waiter(mapping, index, entry, true);
 	spin_unlock_irq(&mapping->tree_lock);
`),
    },
  },
  {
    fn: 'page_cache_tree_insert', name: 'dax_wake_all', default: true,
    c: 'dax_wake_mapping_entry_waiter(mapping, page->index, p, true) when a hole page replaces the empty locked entry',
    values: {
      false: f('mm/filemap.c', 'static int page_cache_tree_insert(', `
 			dax_wake_mapping_entry_waiter(mapping, page->index, p,
-						      true);
+						      false);
`),
    },
  },
  {
    fn: 'invalidate_inode_pages2_range', name: 'dax_unmap', default: false,
    c: 'if (dax_mapping(mapping)) unmap_mapping_range(mapping, start << PAGE_SHIFT, (end - start + 1) << PAGE_SHIFT, 0); after the loop (v4.12)',
    values: {
      true: f('mm/truncate.c', 'int invalidate_inode_pages2_range(', `
 		index++;
 	}
+	/*
+	 * For DAX the page tables are invalidated after the entries: a fault
+	 * may have mapped an entry since it was looked up.
+	 */
+	if (dax_mapping(mapping)) {
+		unmap_mapping_range(mapping, (loff_t)start << PAGE_SHIFT,
+				    (loff_t)(end - start + 1) << PAGE_SHIFT, 0);
+	}
 	return ret;
`),
    },
  },
  {
    fn: 'dax_iomap_actor', name: 'invalidate_nrpages', default: true,
    c: 'if ((iomap->flags & IOMAP_F_NEW) && inode->i_mapping->nrpages) invalidate_inode_pages2_range(...) (false: whatever the mapping holds, as from 2017)',
    values: {
      false: f('fs/dax.c', 'static loff_t dax_iomap_actor(', `
 		return -EIO;
 
-	if ((iomap->flags & IOMAP_F_NEW) && inode->i_mapping->nrpages) {
+	if (iomap->flags & IOMAP_F_NEW) {
 		invalidate_inode_pages2_range(inode->i_mapping,
`),
    },
  },
  {
    fn: 'dax_iomap_pte_fault', name: 'huge_pmd_recheck', default: false,
    c: 'if (pmd_trans_huge(*vmf->pmd) || pmd_devmap(*vmf->pmd)) { vmf_ret = VM_FAULT_NOPAGE; goto unlock_entry; } after grab_mapping_entry() (v4.12)',
    values: {
      true: f('fs/dax.c', 'static int dax_iomap_pte_fault(', `
 	entry = grab_mapping_entry(mapping, vmf->pgoff, 0);
 	if (IS_ERR(entry)) {
 		error = PTR_ERR(entry);
 		goto out;
 	}
 
+	/*
+	 * A PMD fault may have mapped the region since this fault looked at
+	 * the PMD: there is nothing to do here then, and the fault retries.
+	 */
+	if (pmd_trans_huge(*vmf->pmd) || pmd_devmap(*vmf->pmd)) {
+		vmf_ret = VM_FAULT_NOPAGE;
+		goto unlock_entry;
+	}
+
`),
    },
  },
  {
    fn: 'dax_iomap_pmd_fault', name: 'pte_table_recheck', default: false,
    c: 'if (!pmd_none(*pmd) && !pmd_trans_huge(*pmd) && !pmd_devmap(*pmd)) { result = VM_FAULT_FALLBACK; goto unlock_entry; } after grab_mapping_entry() (v4.12)',
    values: {
      true: f('fs/dax.c', 'int dax_iomap_pmd_fault(', `
 	entry = grab_mapping_entry(mapping, pgoff, RADIX_DAX_PMD);
 	if (IS_ERR(entry))
 		goto fallback;
 
+	/*
+	 * A PTE fault may have set up a page table here since this fault
+	 * looked at the PMD: PTEs it is, then.
+	 */
+	if (!pmd_none(*pmd) && !pmd_trans_huge(*pmd) && !pmd_devmap(*pmd)) {
+		result = VM_FAULT_FALLBACK;
+		goto unlock_entry;
+	}
+
`),
    },
  },
];
