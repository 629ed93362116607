// SPDX-License-Identifier: GPL-2.0
/*
 * mm/gup.c of v4.4 with "mm, x86: get_user_pages() for dax mappings" (v2 23/25) as the model
 * runs it: the slow get_user_pages() path over the one PMD of the model. Faulting a page in
 * (faultin_page()) is left out: a page the lookup does not give ends the call.
 */

/*
 * @kernel v4.4 mm/gup.c (no_page_table)
 */
static struct page *no_page_table(struct vm_area_struct *vma,
		unsigned int flags)
{
	return NULL;
}

/*
 * @kernel v4.4 + [-mm PATCH v2 23/25] mm/gup.c, reduced to the PMD level
 * A devmap PMD is looked up under its lock by follow_devmap_pmd(); PTE tables are not followed
 * here (the fast path reads them).
 */
struct page *follow_page_mask(struct vm_area_struct *vma,
			      unsigned long address, unsigned int flags,
			      unsigned int *page_mask)
{
	pmd_t *pmd;
	spinlock_t *ptl;
	struct page *page;
	struct mm_struct *mm = vma->vm_mm;

	*page_mask = 0;

	pmd = pmd_offset(pud_offset(pgd_offset(mm, address), address), address);
	if (pmd_none(*pmd))
		return no_page_table(vma, flags);
	if (pmd_devmap(*pmd)) {
		ptl = pmd_lock(mm, pmd);
		page = follow_devmap_pmd(vma, address, pmd, flags);
		spin_unlock(ptl);
		if (page)
			return page;
	}
	return no_page_table(vma, flags);
}

/*
 * @kernel v4.4 mm/gup.c (__get_user_pages), reduced: no vma walk, no faulting in
 */
long __get_user_pages(struct task_struct *tsk, struct mm_struct *mm,
		unsigned long start, unsigned long nr_pages,
		unsigned int gup_flags, struct page **pages,
		struct vm_area_struct **vmas, int *nonblocking)
{
	struct vm_area_struct *vma = dax_vma;
	unsigned int page_mask;
	long i = 0;

	if (!nr_pages)
		return 0;
	do {
		struct page *page;

		page = follow_page_mask(vma, start, gup_flags, &page_mask);
		if (!page) {
			return i ? i : -EFAULT;
		} else if (PTR_ERR(page) == -EEXIST) {
			goto next_page;
		} else if (IS_ERR(page)) {
			return i ? i : PTR_ERR(page);
		}
		if (pages)
			pages[i] = page;
next_page:
		i++;
		start += PAGE_SIZE;
		nr_pages--;
	} while (nr_pages);
	return i;
}

/*
 * @kernel v4.4 mm/gup.c (get_user_pages_unlocked), reduced
 */
long get_user_pages_unlocked(struct task_struct *tsk, struct mm_struct *mm,
			     unsigned long start, unsigned long nr_pages,
			     int write, int force, struct page **pages)
{
	unsigned int flags = FOLL_TOUCH | FOLL_GET;

	if (write)
		flags |= FOLL_WRITE;
	return __get_user_pages(tsk, mm, start, nr_pages, flags, pages, NULL, NULL);
}

/*
 * @kernel v4.4 mm/gup.c, as a caller of follow_page() uses it (KSM, migration, mlock's
 * population): the page at address with foll_flags; one it holds (FOLL_GET) it gives back.
 * The result is what follow_page() returned.
 */
long lookup_page(unsigned long address, unsigned int foll_flags)
{
	struct page *page = follow_page(dax_vma, address, foll_flags);

	if (page && !IS_ERR(page))
		put_page(page);
	return (long) page;
}
