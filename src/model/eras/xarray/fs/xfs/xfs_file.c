// SPDX-License-Identifier: GPL-2.0
/*
 * XFS's DAX faults and writeback of the XArray era, following v5.12: faults run under
 * XFS_MMAPLOCK shared (when the scenario's filesystem takes it), writeback hands the range
 * to dax_writeback_mapping_range().
 */

/*
 * @kernel v5.12 fs/xfs/xfs_file.c
 * A DAX fault of either size under XFS_MMAPLOCK shared.
 */
static vm_fault_t __xfs_filemap_fault(struct vm_fault *vmf,
		enum page_entry_size pe_size, bool write_fault)
{
	struct inode *inode = file_inode(vmf->vma->vm_file);
	struct xfs_inode *ip = XFS_I(inode);
	vm_fault_t ret;
	pfn_t pfn;

	if (fs_mmaplock(inode))
		xfs_ilock(ip, XFS_MMAPLOCK_SHARED);
	ret = dax_iomap_fault(vmf, pe_size, &pfn, NULL,
			(write_fault && !vmf->cow_page) ?
			 &xfs_direct_write_iomap_ops :
			 &xfs_read_iomap_ops);
	if (fs_mmaplock(inode))
		xfs_iunlock(ip, XFS_MMAPLOCK_SHARED);
	return ret;
}

/*
 * @kernel v5.12 fs/xfs/xfs_file.c
 */
static vm_fault_t xfs_filemap_fault(struct vm_fault *vmf)
{
	return __xfs_filemap_fault(vmf, PE_SIZE_PTE,
			(vmf->flags & FAULT_FLAG_WRITE));
}

/*
 * @kernel v5.12 fs/xfs/xfs_file.c
 */
static vm_fault_t xfs_filemap_huge_fault(struct vm_fault *vmf,
		enum page_entry_size pe_size)
{
	return __xfs_filemap_fault(vmf, pe_size,
			(vmf->flags & FAULT_FLAG_WRITE));
}

/*
 * @kernel v5.12 fs/xfs/xfs_file.c
 * A write to a mapped DAX pfn: the write fault again, which dirties the entry.
 */
static vm_fault_t xfs_filemap_pfn_mkwrite(struct vm_fault *vmf)
{
	return __xfs_filemap_fault(vmf, PE_SIZE_PTE, true);
}

/*
 * @kernel v5.12 fs/xfs/xfs_aops.c
 */
static int xfs_dax_writepages(struct address_space *mapping,
		struct writeback_control *wbc)
{
	return dax_writeback_mapping_range(mapping, xfs_dax_dev, wbc);
}

/*
 * @kernel v5.12 fs/xfs/xfs_file.c
 * The sleep of break layouts' wait: XFS_MMAPLOCK is dropped meanwhile, since the holder of
 * the page may need it to fault.
 */
static void xfs_wait_dax_page(struct inode *inode)
{
	struct xfs_inode *ip = XFS_I(inode);

	if (fs_mmaplock(inode))
		xfs_iunlock(ip, XFS_MMAPLOCK_EXCL);
	schedule();
	if (fs_mmaplock(inode))
		xfs_ilock(ip, XFS_MMAPLOCK_EXCL);
}

/*
 * @kernel v5.12 fs/xfs/xfs_file.c
 * A DAX page of the file that get_user_pages() holds is waited for until it is idle (its
 * last put wakes its _refcount's queue), and the scan is run again (*retry).
 */
static int xfs_break_dax_layouts(struct inode *inode, bool *retry)
{
	struct page *page;

	page = dax_layout_busy_page(inode->i_mapping);
	if (!page)
		return 0;

	*retry = true;
	return ___wait_var_event(&page->_refcount,
			atomic_read(&page->_refcount) == 1, TASK_INTERRUPTIBLE,
			0, 0, xfs_wait_dax_page(inode));
}

/*
 * @kernel v5.12 fs/xfs/xfs_file.c (xfs_file_dax_write), fs/dax.c (dax_iomap_rw), fs/iomap/apply.c (iomap_apply)
 * write(2) of the page at index through DAX: the extent asked of the filesystem for a write
 * (a hole gets a block), then the actor. XFS holds XFS_IOLOCK_EXCL around it, against other
 * writes and truncate; the model's truncate does not take it, so no scenario races the two.
 */
ssize_t xfs_file_dax_write(pgoff_t index)
{
	struct inode *inode = dax_inode;
	const struct iomap_ops *ops = &xfs_direct_write_iomap_ops;
	loff_t pos = (loff_t)index << PAGE_SHIFT;
	struct iomap iomap = { 0 };
	struct iomap srcmap = { 0 };
	loff_t written;
	int error;

	error = ops->iomap_begin(inode, pos, PAGE_SIZE, IOMAP_WRITE, &iomap, &srcmap);
	if (error)
		return error;
	written = dax_iomap_actor(inode, pos, PAGE_SIZE, NULL, &iomap, &srcmap);
	if (ops->iomap_end)
		ops->iomap_end(inode, pos, PAGE_SIZE, written > 0 ? written : 0,
			       IOMAP_WRITE, &iomap);
	return written;
}
