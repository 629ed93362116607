// Variation points of the devmap part: named patches of its kernel C (v4.4 with the -mm
// series of December 2015), each value the code of another version or a choice the seed's
// thread weighs, applied the way a patch from mail is.
import { pointDiff, type PointDef } from '../../core/points';

const f = pointDiff;

export const DEVMAP_POINTS: readonly PointDef[] = [
  {
    fn: 'get_page', name: 'pin', default: 'io',
    c: 'if (is_zone_device_page(page)) percpu_ref_get(page->pgmap->ref); (pin the dev_pagemap while a page is held)',
    values: {
      // Dan Williams's alternative in seed 004 ("pmem as memory"): get_page() and put_page() stay
      // as they were, and the DAX vma pins the dev_pagemap from mmap() to munmap().
      vma: f('include/linux/mm.h', 'static inline void get_page(', `
 {
-	if (is_zone_device_page(page))
-		percpu_ref_get(page->pgmap->ref);
-
 	page = compound_head(page);
`) + f('include/linux/mm.h', 'static inline void put_page(', `
 	if (put_page_testzero(page))
 		__put_page(page);
-
-	if (unlikely(is_zone_device_page(page)))
-		put_zone_device_page(page);
 }
`) + f('mm/mmap.c', 'unsigned long dax_mmap(', `
 	vma_link(current->mm, vma, NULL, NULL, NULL);
+	vma->vm_private_data = get_dev_pagemap(0, NULL);
 	vmf_insert_pfn_pmd(vma, 0, NULL, 0, write);
`) + f('mm/mmap.c', 'int vm_munmap(', `
 	detach_vmas_to_be_unmapped(current->mm, vma, NULL, start + len);
+	put_dev_pagemap(vma->vm_private_data);
+	vma->vm_private_data = NULL;
 	return 0;
`),
    },
  },
  {
    fn: 'gup_pte_range', name: 'devmap_access', default: 'unchecked',
    c: 'if (pte_devmap(pte)) { ... } else if ((pte_flags(pte) & (mask | _PAGE_SPECIAL)) != mask) (the access checked for other PTEs only)',
    values: {
      // The 2017 fix ("x86/mm: fix gup_pte_range() vs DAX mappings"): the access the PTE allows is
      // checked before the devmap case.
      checked: f('arch/x86/mm/gup.c', 'static noinline int gup_pte_range(', `
 		page = pte_page(pte);
+		if ((pte_flags(pte) & mask) != mask) {
+			pte_unmap(ptep);
+			return 0;
+		}
 		if (pte_devmap(pte)) {
`),
    },
  },
  {
    fn: 'get_user_pages_fast', name: 'irqs_off', default: true,
    c: 'local_irq_disable(); ... local_irq_enable(); (the walk holds off TLB flush IPIs)',
    values: {
      // An architecture whose TLB flush does not wait for interrupts-off walkers (page tables
      // freed by RCU, no IPI): the walk is then as unprotected as one with interrupts on.
      false: f('arch/x86/mm/gup.c', 'int get_user_pages_fast(', `
 	end = start + len;
 
-	local_irq_disable();
 	pudp = pud_offset(pgd_offset(mm, addr), addr);
`),
    },
  },
  {
    fn: '__gup_device_huge_pmd', name: 'recheck', default: false,
    c: 'if (unlikely(pmd_val(orig) != pmd_val(*pmdp))) { undo_dev_pagemap(nr, nr_start, pages); return 0; } (v4.17)',
    values: {
      // v4.17 ("mm: fix __gup_device_huge vs unmap"): the PMD read again once the references are
      // taken; a PMD that changed meanwhile gives them all back.
      true: f('arch/x86/mm/gup.c', 'static int __gup_device_huge_pmd(', `
 		pfn++;
 	} while (addr += PAGE_SIZE, addr != end);
+
+	pmdp = pmd_offset(pud_offset(pgd_offset(current->mm, start), start), start);
+	if (unlikely(pmd_val(pmd) != pmd_val(*pmdp))) {
+		undo_dev_pagemap(nr, nr_start, pages);
+		return 0;
+	}
 	return 1;
`),
    },
  },
];
