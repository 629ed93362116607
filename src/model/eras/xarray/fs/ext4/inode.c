// SPDX-License-Identifier: GPL-2.0
/*
 * ext4's side of DAX in the XArray era, following v5.12: breaking the layouts of a file
 * before its blocks are freed, and the truncate that does it. ext4_inode_info's i_mmap_sem
 * is the filesystem's mmap lock (XFS_MMAPLOCK's place): faults take it shared, truncate
 * exclusive.
 */

/*
 * @kernel v5.12 fs/ext4/inode.c
 * The sleep of break layouts' wait: i_mmap_sem is dropped meanwhile, since the holder of the
 * page may need it to fault.
 */
static void ext4_wait_dax_page(struct ext4_inode_info *ei)
{
	up_write(&ei->i_mmap_sem);
	schedule();
	down_write(&ei->i_mmap_sem);
}

/*
 * @kernel v5.12 fs/ext4/inode.c
 * Waits, under i_mmap_sem held exclusive, until no DAX page of the file is held by
 * get_user_pages(): each busy page the scan finds is waited for until it is idle (its last
 * put wakes its _refcount's queue), and the scan runs again.
 */
int ext4_break_layouts(struct inode *inode)
{
	struct ext4_inode_info *ei = EXT4_I(inode);
	struct page *page;
	int error;

	if (WARN_ON_ONCE(!rwsem_is_locked(&ei->i_mmap_sem)))
		return -EINVAL;

	do {
		page = dax_layout_busy_page(inode->i_mapping);
		if (!page)
			return 0;

		error = ___wait_var_event(&page->_refcount,
				atomic_read(&page->_refcount) == 1,
				TASK_INTERRUPTIBLE, 0, 0,
				ext4_wait_dax_page(ei));
	} while (error == 0);

	return error;
}

/*
 * @kernel v5.12 fs/ext4/inode.c (ext4_setattr), reduced to a shrinking truncate to new_pages
 * pages: under i_mmap_sem the layouts are broken, then the new size, the mapping truncated
 * and the blocks freed (the journal's handle and the orphan list are not the model's).
 */
int ext4_setattr_size(pgoff_t new_pages)
{
	struct inode *inode = dax_inode;
	loff_t newsize = (loff_t)new_pages << PAGE_SHIFT;
	int rc;

	down_write(&EXT4_I(inode)->i_mmap_sem);
	rc = ext4_break_layouts(inode);
	if (rc) {
		up_write(&EXT4_I(inode)->i_mmap_sem);
		return rc;
	}
	i_size_write(inode, newsize);
	truncate_pagecache(inode, inode->i_size);
	rc = ext4_truncate(inode);
	up_write(&EXT4_I(inode)->i_mmap_sem);
	return rc;
}
