// SPDX-License-Identifier: GPL-2.0
/*
 * Data-integrity writeback of a byte range (fsync, msync), following v5.12.
 */

/*
 * @kernel v5.12 mm/filemap.c (__filemap_fdatawrite_range), mm/page-writeback.c (do_writepages)
 * Writes back the range with WB_SYNC_ALL through the filesystem's ->writepages.
 */
int filemap_fdatawrite_range(struct address_space *mapping, loff_t start,
				loff_t end)
{
	struct writeback_control wbc = {
		.sync_mode = WB_SYNC_ALL,
		.range_start = start,
		.range_end = end,
	};

	return mapping->a_ops->writepages(mapping, &wbc);
}
