// SPDX-License-Identifier: GPL-2.0
/*
 * fs/xfs/xfs_iops.c of v4.14 as the model runs it: truncate, a layout lease breaker.
 */

/*
 * @kernel v4.14 fs/xfs/xfs_iops.c (xfs_vn_setattr), fs/open.c (do_truncate)
 * truncate(2): under XFS_IOLOCK (the VFS's inode lock), the layout leases are broken, then
 * under XFS_MMAPLOCK_EXCL the size changes and the blocks beyond it are freed.
 */
int
xfs_vn_setattr(
	pgoff_t			new_pages)
{
	struct inode		*inode = dax_inode;
	struct xfs_inode	*ip = XFS_I(inode);
	uint			iolock = XFS_IOLOCK_EXCL;
	int			error;

	inode_lock(inode);
	error = xfs_break_layouts(inode, &iolock);
	if (error)
		goto out;

	xfs_ilock(ip, XFS_MMAPLOCK_EXCL);
	error = xfs_setattr_size(ip, new_pages);
	xfs_iunlock(ip, XFS_MMAPLOCK_EXCL);
out:
	xfs_iunlock(ip, iolock);
	return error;
}

/*
 * @kernel v4.14 fs/xfs/xfs_iops.c (xfs_setattr_size), reduced
 * The new size, the mappings beyond it zapped, the blocks beyond it freed.
 */
int
xfs_setattr_size(
	struct xfs_inode	*ip,
	pgoff_t			new_pages)
{
	struct inode		*inode = VFS_I(ip);
	loff_t			newsize = (loff_t)new_pages << PAGE_SHIFT;

	i_size_write(inode, newsize);
	unmap_mapping_range(inode->i_mapping, newsize, 0, 1);
	return xfs_itruncate_extents(&ip, XFS_DATA_FORK, newsize);
}
