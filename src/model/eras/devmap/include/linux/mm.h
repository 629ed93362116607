// SPDX-License-Identifier: GPL-2.0
/*
 * include/linux/mm.h of v4.4 with the -mm series of December 2015 (v2 21/25 and 23/25) as the
 * model runs it: the dev_pagemap references and the page references of ZONE_DEVICE pages.
 */

/*
 * @kernel v4.4 + [-mm PATCH v2 21/25] include/linux/mm.h
 * A reference on the dev_pagemap of pfn: taken blindly when pgmap (cached from the previous
 * page, whose reference the caller holds) covers pfn, else looked up and taken only while the
 * reference is live, so that unbind, once it killed it, sees no new users.
 */
static inline struct dev_pagemap *get_dev_pagemap(unsigned long pfn,
		struct dev_pagemap *pgmap)
{
	const struct resource *res = pgmap ? pgmap->res : NULL;
	resource_size_t phys = __pfn_to_phys(pfn);

	if (res && phys >= res->start && phys <= res->end) {
		percpu_ref_get(pgmap->ref);
		return pgmap;
	}

	rcu_read_lock();
	pgmap = find_dev_pagemap(phys);
	if (pgmap && !percpu_ref_tryget_live(pgmap->ref))
		pgmap = NULL;
	rcu_read_unlock();

	return pgmap;
}

/*
 * @kernel v4.4 + [-mm PATCH v2 21/25] include/linux/mm.h
 */
static inline void put_dev_pagemap(struct dev_pagemap *pgmap)
{
	if (pgmap)
		percpu_ref_put(pgmap->ref);
}

/*
 * @kernel v4.4 + [-mm PATCH v2 23/25] include/linux/mm.h
 * A page reference; a ZONE_DEVICE page's also holds its dev_pagemap, so the struct page
 * outlives no reference to it (the pinning Dan Williams calls "pmem as storage device").
 */
static inline void get_page(struct page *page)
{
	if (is_zone_device_page(page))
		percpu_ref_get(page->pgmap->ref);

	page = compound_head(page);
	/* the caller already holds a reference (the page table's, or the driver's) */
	VM_BUG_ON_PAGE(atomic_read(&page->_count) <= 0, page);
	atomic_inc(&page->_count);
}

/*
 * @kernel v4.5 include/linux/mm.h (the series as merged)
 * A ZONE_DEVICE page never reaches zero (the driver holds it): what its reference held of the
 * dev_pagemap is given back on every put.
 */
static inline void put_page(struct page *page)
{
	page = compound_head(page);

	if (put_page_testzero(page))
		__put_page(page);

	if (unlikely(is_zone_device_page(page)))
		put_zone_device_page(page);
}

/*
 * @kernel v4.4 include/linux/mm.h (follow_page)
 */
static inline struct page *follow_page(struct vm_area_struct *vma,
		unsigned long address, unsigned int foll_flags)
{
	unsigned int unused_page_mask;

	return follow_page_mask(vma, address, foll_flags, &unused_page_mask);
}
