// SPDX-License-Identifier: GPL-2.0
/*
 * fs/xfs/xfs_iops.c of v4.10 as the model runs it: truncate of a DAX file, with the
 * page cache side of mm/truncate.c (truncate_setsize, truncate_pagecache) inline.
 */

/*
 * @kernel v4.10 fs/xfs/xfs_iops.c (xfs_setattr_size), mm/truncate.c (truncate_setsize, truncate_pagecache)
 * Truncates the file to new_pages pages under XFS_MMAPLOCK_EXCL: the new size, then the
 * mappings beyond it unmapped, the entries removed, and unmapped again for faults that
 * mapped in between; then the blocks beyond it freed.
 */
int xfs_setattr_size(pgoff_t new_pages)
{
	struct inode *inode = dax_inode;
	struct xfs_inode *ip = XFS_I(inode);
	struct address_space *mapping = inode->i_mapping;
	loff_t newsize = (loff_t)new_pages << PAGE_SHIFT;
	loff_t holebegin = round_up(newsize, PAGE_SIZE);

	if (fs_mmaplock(inode))
		xfs_ilock(XFS_I(inode), XFS_MMAPLOCK_EXCL);
	i_size_write(inode, newsize);
	unmap_mapping_range(mapping, holebegin, 0, 1);
	truncate_inode_pages_range(mapping, newsize, (loff_t)-1);
	unmap_mapping_range(mapping, holebegin, 0, 1);
	xfs_itruncate_extents(&ip, XFS_DATA_FORK, newsize);
	if (fs_mmaplock(inode))
		xfs_iunlock(XFS_I(inode), XFS_MMAPLOCK_EXCL);
	return 0;
}
