// SPDX-License-Identifier: GPL-2.0
/*
 * mm/truncate.c of v4.10 as the model runs it, for a DAX mapping. The pagevec batching of
 * the kernel is one lookup per entry here: pagevec_lookup_entries() gives the next index
 * that holds an entry (see the era's API table), and its page gets the reference the
 * kernel's lookup takes.
 */

/*
 * @kernel v4.10 mm/truncate.c
 * Removes every entry from lstart (bytes) to the end: DAX entries through
 * dax_delete_mapping_entry(), page cache pages under their page lock.
 */
void truncate_inode_pages_range(struct address_space *mapping,
				loff_t lstart, loff_t lend)
{
	pgoff_t index = (lstart + PAGE_SIZE - 1) >> PAGE_SHIFT;

	for (;;) {
		struct page *page;

		index = pagevec_lookup_entries(mapping, index);
		if (index < 0)
			break;
		page = find_get_entry(mapping, index);
		if (radix_tree_exceptional_entry(page)) {
			truncate_exceptional_entry(mapping, index, page);
		} else if (page) {
			lock_page(page);
			if (page->mapping == mapping)
				truncate_inode_page(mapping, page);
			unlock_page(page);
			put_page(page);
		}
		index++;
	}
}

/*
 * @kernel v4.10 mm/truncate.c
 * Truncate's removal of an exceptional entry: a DAX entry is deleted (waiting for its lock).
 */
static void truncate_exceptional_entry(struct address_space *mapping,
				       pgoff_t index, void *entry)
{
	/* Handled by shmem itself */
	if (shmem_mapping(mapping))
		return;

	if (dax_mapping(mapping)) {
		dax_delete_mapping_entry(mapping, index);
		return;
	}
	clear_shadow_entry(mapping, index, entry);
}

/*
 * @kernel v4.10 mm/truncate.c
 * Removes a locked page from the page cache.
 */
int truncate_inode_page(struct address_space *mapping, struct page *page)
{
	delete_from_page_cache(page);
	return 0;
}

/*
 * @kernel v4.10 mm/truncate.c
 * Invalidation for direct I/O and DAX writes: clean DAX entries from start to end (pages)
 * are removed; a page cache page (a DAX hole page) is locked, unmapped from every process
 * (the first time from its index to the end of the range at once, as the kernel does) and
 * taken out of the page cache. Returns -EBUSY when something could not be invalidated.
 */
int invalidate_inode_pages2_range(struct address_space *mapping,
				  pgoff_t start, pgoff_t end)
{
	pgoff_t index = start;
	int ret = 0;
	int did_range_unmap = 0;

	for (;;) {
		struct page *page;

		index = pagevec_lookup_entries(mapping, index);
		if (index < 0 || index > end)
			break;
		page = find_get_entry(mapping, index);
		if (radix_tree_exceptional_entry(page)) {
			if (!invalidate_exceptional_entry2(mapping, index, page))
				ret = -EBUSY;
		} else if (page) {
			lock_page(page);
			/* Truncated meanwhile: nothing of this mapping's to invalidate. */
			if (page->mapping != mapping) {
				unlock_page(page);
				put_page(page);
				index++;
				continue;
			}
			if (page_mapped(page)) {
				if (!did_range_unmap) {
					/* Zap the rest of the range in one hit. */
					unmap_mapping_range(mapping,
						(loff_t)index << PAGE_SHIFT,
						(loff_t)(1 + end - index) << PAGE_SHIFT, 0);
					did_range_unmap = 1;
				} else {
					/* Just zap this page */
					unmap_mapping_range(mapping,
						(loff_t)index << PAGE_SHIFT, PAGE_SIZE, 0);
				}
			}
			if (!invalidate_complete_page2(mapping, page))
				ret = -EBUSY;
			unlock_page(page);
			put_page(page);
		}
		index++;
	}
	return ret;
}

/*
 * @kernel v4.10 mm/truncate.c
 * Takes a locked, unmapped page out of the page cache unless it was truncated meanwhile.
 * A DAX hole page is never dirty and has no buffers, so nothing else can keep it.
 */
static int invalidate_complete_page2(struct address_space *mapping,
				     struct page *page)
{
	unsigned long flags;

	if (page->mapping != mapping)
		return 0;

	spin_lock_irqsave(&mapping->tree_lock, flags);
	__delete_from_page_cache(page, NULL);
	spin_unlock_irqrestore(&mapping->tree_lock, flags);
	/* The page cache's reference. */
	put_page(page);
	return 1;
}

/*
 * @kernel v4.10 mm/truncate.c
 * Invalidation's removal of an exceptional entry: a DAX entry only when it is clean.
 */
static int invalidate_exceptional_entry2(struct address_space *mapping,
					 pgoff_t index, void *entry)
{
	/* Handled by shmem itself */
	if (shmem_mapping(mapping))
		return 1;
	if (dax_mapping(mapping))
		return dax_invalidate_mapping_entry_sync(mapping, index);
	clear_shadow_entry(mapping, index, entry);
	return 1;
}
