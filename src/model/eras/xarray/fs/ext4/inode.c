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
 * @kernel v5.12 fs/ext4/inode.c, reduced to a size change (ATTR_SIZE): under i_mmap_sem the
 * layouts are broken, the new size set under i_data_sem (the block map's lock) inside a
 * journal handle, the mapping truncated and the blocks freed. The journal, the orphan list,
 * quotas and the inode's times are not the model's: their calls change nothing it keeps.
 */
int ext4_setattr(struct user_namespace *mnt_userns, struct dentry *dentry,
		 struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	int error, rc = 0;
	int orphan = 0;

	error = setattr_prepare(mnt_userns, dentry, attr);
	if (error)
		return error;

	if (attr->ia_valid & ATTR_SIZE) {
		handle_t *handle;
		loff_t oldsize = inode->i_size;
		int shrink = (attr->ia_size < inode->i_size);

		if (!S_ISREG(inode->i_mode))
			return -EINVAL;

		if (shrink) {
			if (ext4_should_order_data(inode)) {
				error = ext4_begin_ordered_truncate(inode,
							    attr->ia_size);
				if (error)
					goto err_out;
			}
			/*
			 * Blocks are going to be removed from the inode. Wait
			 * for dio in flight.
			 */
			inode_dio_wait(inode);
		}

		down_write(&EXT4_I(inode)->i_mmap_sem);

		rc = ext4_break_layouts(inode);
		if (rc) {
			up_write(&EXT4_I(inode)->i_mmap_sem);
			goto err_out;
		}

		if (attr->ia_size != inode->i_size) {
			handle = ext4_journal_start(inode, EXT4_HT_INODE, 3);
			if (IS_ERR(handle)) {
				error = PTR_ERR(handle);
				goto out_mmap_sem;
			}
			if (ext4_handle_valid(handle) && shrink) {
				error = ext4_orphan_add(handle, inode);
				orphan = 1;
			}
			down_write(&EXT4_I(inode)->i_data_sem);
			EXT4_I(inode)->i_disksize = attr->ia_size;
			rc = ext4_mark_inode_dirty(handle, inode);
			if (!error)
				error = rc;
			/*
			 * We have to update i_size under i_data_sem together
			 * with i_disksize to avoid races with writeback code
			 * running ext4_wb_update_i_disksize().
			 */
			if (!error)
				i_size_write(inode, attr->ia_size);
			up_write(&EXT4_I(inode)->i_data_sem);
			ext4_journal_stop(handle);
			if (error)
				goto out_mmap_sem;
			if (!shrink) {
				pagecache_isize_extended(inode, oldsize,
							 inode->i_size);
			} else if (ext4_should_journal_data(inode)) {
				ext4_wait_for_tail_page_commit(inode);
			}
		}

		/*
		 * Truncate pagecache after we've waited for commit
		 * in data=journal mode to make pages freeable.
		 */
		truncate_pagecache(inode, inode->i_size);
		/*
		 * Call ext4_truncate() even if i_size didn't change to
		 * truncate possible preallocated blocks.
		 */
		if (attr->ia_size <= oldsize) {
			rc = ext4_truncate(inode);
			if (rc)
				error = rc;
		}
out_mmap_sem:
		up_write(&EXT4_I(inode)->i_mmap_sem);
	}

	/*
	 * If the call to ext4_truncate failed to get a transaction handle at
	 * all, we need to clean up the in-core orphan list manually.
	 */
	if (orphan && inode->i_nlink)
		ext4_orphan_del(NULL, inode);

err_out:
	if (!error)
		error = rc;
	return error;
}

/*
 * @kernel v5.12 fs/attr.c (notify_change), reduced to truncate(2) of the one file to new_pages
 * pages: the size change ext4_setattr() is asked for.
 */
int ext4_setattr_size(pgoff_t new_pages)
{
	struct iattr attr = {
		.ia_valid = ATTR_SIZE,
		.ia_size = (loff_t)new_pages << PAGE_SHIFT,
	};

	return ext4_setattr(&init_user_ns, dax_dentry, &attr);
}
