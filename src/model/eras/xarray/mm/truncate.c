// SPDX-License-Identifier: GPL-2.0
/*
 * Truncate and invalidation of a DAX mapping in the XArray era, following v5.12, reduced to
 * one entry per lookup: every value entry found is handed to fs/dax.c.
 */

/*
 * @kernel v5.12 mm/truncate.c (truncate_inode_pages_range, truncate_exceptional_pvec_entries)
 * Removes the entries from lstart on.
 */
void truncate_inode_pages_range(struct address_space *mapping,
				loff_t lstart, loff_t lend)
{
	pgoff_t index = (lstart + PAGE_SIZE - 1) >> PAGE_SHIFT;

	for (;;) {
		void *entry;

		index = pagevec_lookup_entries(mapping, index);
		if (index < 0)
			break;
		entry = find_get_entry(mapping, index);
		if (xa_is_value(entry))
			dax_delete_mapping_entry(mapping, index);
		index++;
	}
}

/*
 * @kernel v5.12 mm/truncate.c (truncate_pagecache, truncate_inode_pages)
 * What a shrinking truncate does to the mapping: unmaps from the new end on, removes the
 * entries, and unmaps again, since a fault may have mapped a page between the two (a page
 * with private data cannot go before it is unmapped; the second pass catches the rest).
 */
void truncate_pagecache(struct inode *inode, loff_t newsize)
{
	struct address_space *mapping = inode->i_mapping;
	loff_t holebegin = round_up(newsize, PAGE_SIZE);

	unmap_mapping_range(mapping, holebegin, 0, 1);
	truncate_inode_pages_range(mapping, newsize, (loff_t)-1);
	unmap_mapping_range(mapping, holebegin, 0, 1);
}

/*
 * @kernel v5.12 mm/truncate.c (invalidate_inode_pages2_range, invalidate_exceptional_entry2)
 * Invalidates the clean entries of a range (a dirty one stays: -EBUSY), then unmaps the
 * range so no mapping is left without its entry.
 */
int invalidate_inode_pages2_range(struct address_space *mapping,
				  pgoff_t start, pgoff_t end)
{
	pgoff_t index = start;
	int ret = 0;

	for (;;) {
		void *entry;

		index = pagevec_lookup_entries(mapping, index);
		if (index < 0 || index > end)
			break;
		entry = find_get_entry(mapping, index);
		if (xa_is_value(entry)) {
			if (!dax_invalidate_mapping_entry_sync(mapping, index))
				ret = -EBUSY;
		}
		index++;
	}
	/* A fault may have mapped an entry just removed: unmap the range. */
	if (dax_mapping(mapping))
		unmap_mapping_pages(mapping, start, end - start + 1, false);
	return ret;
}
