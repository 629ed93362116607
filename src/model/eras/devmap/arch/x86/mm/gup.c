// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/mm/gup.c of v4.4 with "mm, x86: get_user_pages() for dax mappings" (the -mm series
 * of December 2015, v2 23/25) as the model runs it: the fast get_user_pages() walk of the one
 * PMD the model has, with its devmap branches. Interrupts stay off for the whole walk, which on
 * x86 holds off the IPI of any TLB flush, so a page table cannot be torn down under it.
 */

/*
 * @kernel v4.4 + [-mm PATCH v2 23/25] arch/x86/mm/gup.c, reduced
 * A huge PMD: the access it allows first, then the devmap case. Anonymous and page cache huge
 * pages are not this model's: the walk gives up on them (the slow path takes over).
 */
static noinline int gup_huge_pmd(pmd_t pmd, unsigned long addr,
		unsigned long end, int write, struct page **pages, int *nr)
{
	unsigned long mask;

	mask = _PAGE_PRESENT|_PAGE_USER;
	if (write)
		mask |= _PAGE_RW;
	if ((pmd_flags(pmd) & mask) != mask)
		return 0;

	VM_BUG_ON(!pfn_valid(pmd_pfn(pmd)));
	if (pmd_devmap(pmd))
		return __gup_device_huge_pmd(pmd, addr, end, pages, nr);

	return 0;
}

/*
 * @kernel v4.4 + [-mm PATCH v2 23/25] arch/x86/mm/gup.c
 * The pages of a devmap PMD: each pinned with its dev_pagemap looked up (and held) first, the
 * lookup's reference given back once get_page() holds one of its own.
 */
static int __gup_device_huge_pmd(pmd_t pmd, unsigned long addr,
		unsigned long end, struct page **pages, int *nr)
{
	int nr_start = *nr;
	unsigned long start = addr;
	unsigned long pfn = pmd_pfn(pmd);
	struct dev_pagemap *pgmap = NULL;
	pmd_t *pmdp;

	pfn += (addr & ~PMD_MASK) >> PAGE_SHIFT;
	do {
		struct page *page = pfn_to_page(pfn);

		pgmap = get_dev_pagemap(pfn, pgmap);
		if (unlikely(!pgmap)) {
			undo_dev_pagemap(nr, nr_start, pages);
			return 0;
		}
		SetPageReferenced(page);
		pages[*nr] = page;
		get_page(page);
		put_dev_pagemap(pgmap);
		(*nr)++;
		pfn++;
	} while (addr += PAGE_SIZE, addr != end);
	return 1;
}

/*
 * @kernel v4.4 arch/x86/mm/gup.c
 * One PTE, read once (the model has no PAE, whose PTEs take two reads).
 */
static inline pte_t gup_get_pte(pte_t *ptep)
{
	return READ_ONCE(*ptep);
}

/*
 * @kernel v4.4 + [-mm PATCH v2 23/25] arch/x86/mm/gup.c
 * Gives back every page this walk pinned since nr_start, last first: a failed devmap lookup
 * must leave no reference behind.
 */
static void undo_dev_pagemap(int *nr, int nr_start, struct page **pages)
{
	while ((*nr) - nr_start) {
		struct page *page = pages[--(*nr)];

		ClearPageReferenced(page);
		put_page(page);
	}
}

/*
 * @kernel v4.4 + [-mm PATCH v2 23/25] arch/x86/mm/gup.c
 * The PTEs under a PMD: a devmap PTE's page is only pinned while its dev_pagemap is, and
 * get_page() then holds the dev_pagemap for as long as the page is held.
 */
static noinline int gup_pte_range(pmd_t pmd, unsigned long addr,
		unsigned long end, int write, struct page **pages, int *nr)
{
	struct dev_pagemap *pgmap = NULL;
	unsigned long mask;
	int nr_start = *nr;
	pte_t *ptep;

	mask = _PAGE_PRESENT|_PAGE_USER;
	if (write)
		mask |= _PAGE_RW;

	ptep = pte_offset_map(&pmd, addr);
	do {
		pte_t pte = gup_get_pte(ptep);
		struct page *page;

		/* NUMA hinting faults go the slow way */
		if (pte_protnone(pte)) {
			pte_unmap(ptep);
			return 0;
		}

		page = pte_page(pte);
		if (pte_devmap(pte)) {
			pgmap = get_dev_pagemap(pte_pfn(pte), pgmap);
			if (unlikely(!pgmap)) {
				undo_dev_pagemap(nr, nr_start, pages);
				pte_unmap(ptep);
				return 0;
			}
		} else if ((pte_flags(pte) & (mask | _PAGE_SPECIAL)) != mask) {
			pte_unmap(ptep);
			return 0;
		}
		VM_BUG_ON(!pfn_valid(pte_pfn(pte)));
		get_page(page);
		put_dev_pagemap(pgmap);
		SetPageReferenced(page);
		pages[*nr] = page;
		(*nr)++;

	} while (ptep++, addr += PAGE_SIZE, addr != end);
	pte_unmap(ptep - 1);

	return 1;
}

/*
 * @kernel v4.4 arch/x86/mm/gup.c, reduced to the one PMD of the model
 */
static int gup_pmd_range(pud_t pud, unsigned long addr, unsigned long end,
		int write, struct page **pages, int *nr)
{
	pmd_t *pmdp;
	pmd_t pmd;

	pmdp = pmd_offset(&pud, addr);
	pmd = *pmdp;
	if (pmd_none(pmd))
		return 0;
	if (unlikely(pmd_large(pmd) || !pmd_present(pmd))) {
		if (!gup_huge_pmd(pmd, addr, end, write, pages, nr))
			return 0;
	} else {
		if (!gup_pte_range(pmd, addr, end, write, pages, nr))
			return 0;
	}
	return 1;
}

/*
 * @kernel v4.4 arch/x86/mm/gup.c, reduced (the pgd and pud levels folded)
 * Pins nr_pages from start without mmap_sem: the walk with interrupts off, then whatever it
 * could not pin through the slow path.
 */
int get_user_pages_fast(unsigned long start, int nr_pages, int write,
			struct page **pages)
{
	struct mm_struct *mm = current->mm;
	unsigned long addr, len, end;
	pud_t *pudp;
	pud_t pud;
	int nr = 0;
	int ret;

	start &= PAGE_MASK;
	addr = start;
	len = (unsigned long) nr_pages << PAGE_SHIFT;
	end = start + len;

	local_irq_disable();
	pudp = pud_offset(pgd_offset(mm, addr), addr);
	pud = *pudp;
	if (!gup_pmd_range(pud, addr, end, write, pages, &nr))
		goto slow;
	local_irq_enable();
	return nr;

slow:
	local_irq_enable();
	start += nr << PAGE_SHIFT;
	pages += nr;
	ret = get_user_pages_unlocked(current, mm, start,
		(end - start) >> PAGE_SHIFT, write, 0, pages);
	if (nr > 0) {
		if (ret < 0)
			ret = nr;
		else
			ret += nr;
	}
	return ret;
}
