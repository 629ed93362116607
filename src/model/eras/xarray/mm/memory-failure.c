// SPDX-License-Identifier: GPL-2.0
/*
 * Memory failure of a DAX page, following v5.12 mm/memory-failure.c, reduced to the one page
 * and the one file of the model: the page's entry is locked so the file cannot be truncated
 * under the handler, the page is unmapped from every process (which gets SIGBUS), and the
 * entry unlocked.
 */

/*
 * @kernel v5.12 mm/memory-failure.c (memory_failure_dev_pagemap)
 * A poisoned pfn of the file's DAX device, at a page index of the file.
 */
int memory_failure(pgoff_t index)
{
	struct page *page = pfn_to_page(index << 3);
	dax_entry_t cookie;
	int rc = -EBUSY;

	/* The entry lock keeps the file from being truncated under us. */
	cookie = dax_lock_page(page);
	if (!cookie)
		goto out;

	/* Every process mapping the page loses it (and gets SIGBUS). */
	unmap_mapping_range(page->mapping, page->index << PAGE_SHIFT, PAGE_SIZE, 0);
	rc = 0;
	dax_unlock_page(page, cookie);
out:
	return rc;
}
