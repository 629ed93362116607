// SPDX-License-Identifier: GPL-2.0
/*
 * XFS's truncate of the XArray era, following v5.12.
 */

/*
 * @kernel v5.12 fs/xfs/xfs_iops.c (xfs_setattr_size), fs/xfs/xfs_file.c (xfs_break_dax_layouts), mm/truncate.c (truncate_setsize, truncate_pagecache)
 * Truncates the file to new_pages pages under XFS_MMAPLOCK_EXCL: first the layouts are
 * broken (no page of the file may be pinned by get_user_pages() while its blocks are
 * freed: dax_layout_busy_page() finds one, and the truncate waits for it), then the new
 * size, the mappings beyond it unmapped, the entries removed, and unmapped again.
 */
int xfs_setattr_size(pgoff_t new_pages)
{
	struct inode *inode = dax_inode;
	struct address_space *mapping = inode->i_mapping;
	loff_t newsize = (loff_t)new_pages << PAGE_SHIFT;
	loff_t holebegin = round_up(newsize, PAGE_SIZE);
	struct page *page;

	if (fs_mmaplock(inode))
		xfs_ilock(XFS_I(inode), XFS_MMAPLOCK_EXCL);
	page = dax_layout_busy_page(mapping);
	WARN_ON_ONCE(page);
	i_size_write(inode, newsize);
	unmap_mapping_range(mapping, holebegin, 0, 1);
	truncate_inode_pages_range(mapping, newsize, (loff_t)-1);
	unmap_mapping_range(mapping, holebegin, 0, 1);
	if (fs_mmaplock(inode))
		xfs_iunlock(XFS_I(inode), XFS_MMAPLOCK_EXCL);
	return 0;
}
