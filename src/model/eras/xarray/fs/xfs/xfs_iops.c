// SPDX-License-Identifier: GPL-2.0
/*
 * XFS's truncate of the XArray era, following v5.12.
 */

/*
 * @kernel v5.12 fs/xfs/xfs_iops.c (xfs_vn_setattr, xfs_setattr_size), mm/truncate.c (truncate_setsize, truncate_pagecache)
 * Truncates the file to new_pages pages under XFS_MMAPLOCK_EXCL: first the layouts are
 * broken (no DAX page of the file may be pinned by get_user_pages() when its block is freed:
 * the truncate waits for each busy page), then the new size, the mappings beyond it
 * unmapped, the entries removed, unmapped again, and the blocks freed.
 */
int xfs_setattr_size(pgoff_t new_pages)
{
	struct inode *inode = dax_inode;
	struct xfs_inode *ip = XFS_I(inode);
	struct address_space *mapping = inode->i_mapping;
	loff_t newsize = (loff_t)new_pages << PAGE_SHIFT;
	loff_t holebegin = round_up(newsize, PAGE_SIZE);
	bool retry;
	int error;

	if (fs_mmaplock(inode))
		xfs_ilock(ip, XFS_MMAPLOCK_EXCL);
	do {
		retry = false;
		error = xfs_break_dax_layouts(inode, &retry);
	} while (error == 0 && retry);
	i_size_write(inode, newsize);
	unmap_mapping_range(mapping, holebegin, 0, 1);
	truncate_inode_pages_range(mapping, newsize, (loff_t)-1);
	unmap_mapping_range(mapping, holebegin, 0, 1);
	xfs_itruncate_extents(&ip, XFS_DATA_FORK, newsize);
	if (fs_mmaplock(inode))
		xfs_iunlock(ip, XFS_MMAPLOCK_EXCL);
	return 0;
}
