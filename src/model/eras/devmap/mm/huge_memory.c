// SPDX-License-Identifier: GPL-2.0
/*
 * mm/huge_memory.c of v4.4 with "mm, x86: get_user_pages() for dax mappings" (v2 23/25) as
 * the model runs it: the slow get_user_pages() lookup of a devmap PMD, and the zap of one.
 */

/*
 * @kernel v4.4 + [-mm PATCH v2 23/25] mm/huge_memory.c
 * Marks the PMD young and dirty (both, whatever the access: the dirty bit of a PMD means
 * nothing yet).
 */
static void touch_pmd(struct vm_area_struct *vma, unsigned long addr,
		pmd_t *pmd)
{
	pmd_t _pmd;

	_pmd = pmd_mkyoung(pmd_mkdirty(*pmd));
	if (pmdp_set_access_flags(vma, addr & HPAGE_PMD_MASK,
				pmd, _pmd,  1))
		update_mmu_cache_pmd(vma, addr, pmd);
}

/*
 * @kernel v4.4 + [-mm PATCH v2 23/25] mm/huge_memory.c
 * The page at addr of a devmap PMD, under the PMD lock: none for a write the PMD does not
 * allow; -EEXIST for a caller that takes no reference (a device page is only valid while one is
 * held); else the page, referenced, its dev_pagemap held just long enough for get_page().
 */
struct page *follow_devmap_pmd(struct vm_area_struct *vma, unsigned long addr,
		pmd_t *pmd, int flags)
{
	unsigned long pfn = pmd_pfn(*pmd);
	struct mm_struct *mm = vma->vm_mm;
	struct dev_pagemap *pgmap;
	struct page *page;

	assert_spin_locked(pmd_lockptr(mm, pmd));

	if (flags & FOLL_WRITE && !pmd_write(*pmd))
		return NULL;

	if (pmd_present(*pmd) && pmd_devmap(*pmd))
		/* pass */;
	else
		return NULL;

	if (flags & FOLL_TOUCH)
		touch_pmd(vma, addr, pmd);

	if (!(flags & FOLL_GET))
		return ERR_PTR(-EEXIST);

	pfn += (addr & ~PMD_MASK) >> PAGE_SHIFT;
	pgmap = get_dev_pagemap(pfn, NULL);
	if (!pgmap)
		return ERR_PTR(-EFAULT);
	page = pfn_to_page(pfn);
	get_page(page);
	put_dev_pagemap(pgmap);

	return page;
}

/*
 * @kernel v4.4 mm/huge_memory.c (zap_huge_pmd), reduced to a DAX PMD
 * Clears the PMD under its lock; a DAX PMD holds no page reference to drop.
 */
int zap_huge_pmd(struct mmu_gather *tlb, struct vm_area_struct *vma,
		 pmd_t *pmd, unsigned long addr)
{
	spinlock_t *ptl;
	pmd_t orig_pmd;

	ptl = pmd_lock(tlb->mm, pmd);
	orig_pmd = pmdp_huge_get_and_clear_full(tlb->mm, addr, pmd, tlb->fullmm);
	spin_unlock(ptl);
	return 1;
}
