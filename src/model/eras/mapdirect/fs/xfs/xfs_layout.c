// SPDX-License-Identifier: GPL-2.0
/*
 * fs/xfs/xfs_layout.c of the MAP_DIRECT v7 series (05/12 moves xfs_break_layouts() here from
 * xfs_pnfs.c, v4.14) as the model runs it.
 */

/*
 * @kernel v4.14 + MAP_DIRECT v7 05/12 fs/xfs/xfs_layout.c
 * Before the block map changes, every layout lease is broken: a non-blocking break first,
 * and while it would block, XFS_IOLOCK is dropped across a waiting break. (The loop's
 * condition assigns the comparison, not the error, as the kernel's does.)
 */
int
xfs_break_layouts(
	struct inode		*inode,
	uint			*iolock)
{
	struct xfs_inode	*ip = XFS_I(inode);
	int			error;

	while ((error = break_layout(inode, false) == -EWOULDBLOCK)) {
		xfs_iunlock(ip, *iolock);
		error = break_layout(inode, true);
		*iolock = XFS_IOLOCK_EXCL;
		xfs_ilock(ip, *iolock);
	}

	return error;
}
