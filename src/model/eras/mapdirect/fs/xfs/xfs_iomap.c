// SPDX-License-Identifier: GPL-2.0
/*
 * fs/xfs/xfs_iomap.c of v4.14 with the MAP_DIRECT v7 series (03/12) as the model runs it: the
 * block lookup of a DAX fault and the allocation of a write to a hole or unwritten extent,
 * which a MAP_DIRECT mapping of the file forbids.
 */

/*
 * @kernel v4.14 + MAP_DIRECT v7 03/12 fs/xfs/xfs_iomap.c (xfs_file_iomap_begin)
 * The extent at offset, read under XFS_ILOCK; a DAX write to a hole or an unwritten extent
 * allocates (zeroed, written) blocks, unless MAP_DIRECT mappings exist (i_mapdcount): then
 * -ETXTBSY. The allocation takes XFS_ILOCK again itself, after the check.
 */
static int
xfs_file_iomap_begin(
	struct inode		*inode,
	loff_t			offset,
	loff_t			length,
	unsigned		flags,
	struct iomap		*iomap)
{
	struct xfs_inode	*ip = XFS_I(inode);
	xfs_fileoff_t		offset_fsb = offset >> PAGE_SHIFT;
	struct xfs_bmbt_irec	imap;
	int			nimaps = 1, error = 0;
	uint			lockmode;

	lockmode = xfs_ilock_data_map_shared(ip);
	error = xfs_bmapi_read(ip, offset_fsb, 1, &imap, &nimaps, 0);
	if (error)
		goto out_unlock;

	if ((flags & IOMAP_WRITE) && imap_needs_alloc(inode, &imap, nimaps)) {
		/*
		 * A file mapped with MAP_DIRECT keeps its block map: the FL_LAYOUT lease stops
		 * write(2) and fallocate, and this stops write faults, which cannot wait for a
		 * lease break here.
		 */
		if (i_mapdcount_read(inode)) {
			error = -ETXTBSY;
			goto out_unlock;
		}
		xfs_iunlock(ip, lockmode);
		error = xfs_iomap_write_direct(ip, offset, length, &imap, nimaps);
		if (error)
			return error;
	} else {
		xfs_iunlock(ip, lockmode);
	}

	xfs_bmbt_to_iomap(ip, iomap, &imap);
	return 0;

out_unlock:
	xfs_iunlock(ip, lockmode);
	return error;
}
