// SPDX-License-Identifier: GPL-2.0
/*
 * fs/xfs/xfs_file.c of v4.10 as the model runs it: XFS's fault handlers for a DAX file.
 * XFS_MMAPLOCK serialises faults with truncate and hole punch; a scenario may model a
 * filesystem that takes no such lock (fs_mmaplock(), see the era's API table).
 */

/*
 * @kernel v4.10 fs/xfs/xfs_file.c (xfs_filemap_fault, xfs_filemap_page_mkwrite)
 * A DAX PTE fault, or a write to a hole page, under XFS_MMAPLOCK_SHARED.
 */
static int xfs_filemap_fault(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	struct inode *inode = file_inode(vma->vm_file);
	int ret;

	if (fs_mmaplock(inode))
		xfs_ilock(XFS_I(inode), XFS_MMAPLOCK_SHARED);
	ret = dax_iomap_pte_fault(vmf, &xfs_iomap_ops);
	if (fs_mmaplock(inode))
		xfs_iunlock(XFS_I(inode), XFS_MMAPLOCK_SHARED);

	return ret;
}

/*
 * @kernel v4.10 fs/xfs/xfs_file.c
 * A DAX PMD fault under XFS_MMAPLOCK_SHARED.
 */
static int xfs_filemap_pmd_fault(struct vm_area_struct *vma, unsigned long addr,
		pmd_t *pmd, unsigned int flags)
{
	struct inode *inode = file_inode(vma->vm_file);
	int ret;

	if (fs_mmaplock(inode))
		xfs_ilock(XFS_I(inode), XFS_MMAPLOCK_SHARED);
	ret = dax_iomap_pmd_fault(vma, addr, pmd, flags, &xfs_iomap_ops);
	if (fs_mmaplock(inode))
		xfs_iunlock(XFS_I(inode), XFS_MMAPLOCK_SHARED);

	return ret;
}

/*
 * @kernel v4.10 fs/xfs/xfs_file.c
 * A write to a read-only PTE of a DAX pfn: checked against the file size under
 * XFS_MMAPLOCK_SHARED, then the entry is dirtied.
 */
static int xfs_filemap_pfn_mkwrite(struct vm_area_struct *vma,
		struct vm_fault *vmf)
{
	struct inode *inode = file_inode(vma->vm_file);
	struct xfs_inode *ip = XFS_I(inode);
	int ret = VM_FAULT_NOPAGE;
	loff_t size;

	if (fs_mmaplock(inode))
		xfs_ilock(ip, XFS_MMAPLOCK_SHARED);
	size = (i_size_read(inode) + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (vmf->pgoff >= size)
		ret = VM_FAULT_SIGBUS;
	else if (IS_DAX(inode))
		ret = dax_pfn_mkwrite(vma, vmf);
	if (fs_mmaplock(inode))
		xfs_iunlock(ip, XFS_MMAPLOCK_SHARED);
	return ret;
}

/*
 * @kernel v4.10 fs/xfs/xfs_file.c (xfs_file_dax_write), fs/dax.c (dax_iomap_rw), fs/iomap.c (iomap_apply)
 * write(2) of the page at index through DAX: the extent asked of the filesystem for a write
 * (a hole gets a block), then the actor. XFS holds XFS_IOLOCK_EXCL around it, against other
 * writes and truncate; the model's truncate does not take it, so no scenario races the two.
 */
ssize_t xfs_file_dax_write(pgoff_t index)
{
	struct inode *inode = dax_inode;
	const struct iomap_ops *ops = &xfs_iomap_ops;
	loff_t pos = (loff_t)index << PAGE_SHIFT;
	struct iomap iomap = { 0 };
	loff_t written;
	int error;

	error = ops->iomap_begin(inode, pos, PAGE_SIZE, IOMAP_WRITE, &iomap);
	if (error)
		return error;
	written = dax_iomap_actor(inode, pos, PAGE_SIZE, NULL, &iomap);
	if (ops->iomap_end)
		ops->iomap_end(inode, pos, PAGE_SIZE, written > 0 ? written : 0,
			       IOMAP_WRITE, &iomap);
	return written;
}
