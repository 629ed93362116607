// SPDX-License-Identifier: GPL-2.0
/*
 * fs/xfs/xfs_file.c of v4.14 with the MAP_DIRECT v7 series (06/12, "xfs: wire up MAP_DIRECT")
 * as the model runs it: mmap with MAP_DIRECT, the checks a fault of such a mapping makes, and
 * the fault path under XFS_MMAPLOCK. Non-DAX faults go to the page cache, which the model
 * does not have: they are taken to succeed.
 */
#include "xfs_iomap.h"
#include "xfs_reflink.h"

#include <linux/mman.h>
#include <linux/dcache.h>
#include <linux/falloc.h>
#include <linux/pagevec.h>
#include <linux/mapdirect.h>
#include <linux/backing-dev.h>

static const struct vm_operations_struct xfs_file_vm_ops;
static const struct vm_operations_struct xfs_file_vm_direct_ops;

/*
 * @kernel v4.14 + MAP_DIRECT v7 06/12 fs/xfs/xfs_file.c
 * A MAP_DIRECT vma is one whose operations are the direct ones.
 */
static inline bool
is_xfs_map_direct(
		struct vm_area_struct *vma)
{
	return vma->vm_ops == &xfs_file_vm_direct_ops;
}

/*
 * @kernel v4.14 + MAP_DIRECT v7 06/12 fs/xfs/xfs_file.c
 * What a fault of a MAP_DIRECT mapping must refuse with SIGBUS: a lease that timed out, a file
 * with shared (reflinked) extents, a file that is not DAX. Other mappings pass.
 */
static int
xfs_vma_checks(
	struct vm_area_struct	*vma,
	struct inode		*inode)
{
	if (!is_xfs_map_direct(vma))
		return 0;

	if (!is_map_direct_valid(vma->vm_private_data))
		return VM_FAULT_SIGBUS;

	if (xfs_is_reflink_inode(XFS_I(inode)))
		return VM_FAULT_SIGBUS;

	if (!IS_DAX(inode))
		return VM_FAULT_SIGBUS;

	return 0;
}

/*
 * @kernel v4.14 + MAP_DIRECT v7 06/12 fs/xfs/xfs_file.c
 * Every fault of an XFS file, under XFS_MMAPLOCK_SHARED so that truncate and hole punching
 * (XFS_MMAPLOCK_EXCL) never run beside it; a MAP_DIRECT mapping is checked first.
 */
static int
__xfs_filemap_fault(
	struct vm_fault		*vmf,
	enum page_entry_size	pe_size,
	bool			write_fault)
{
	struct vm_area_struct	*vma = vmf->vma;
	struct inode		*inode = file_inode(vmf->vma->vm_file);
	struct xfs_inode	*ip = XFS_I(inode);
	int			ret;

	trace_xfs_filemap_fault(ip, pe_size, write_fault);

	if (write_fault) {
		sb_start_pagefault(inode->i_sb);
		file_update_time(vma->vm_file);
	}

	xfs_ilock(XFS_I(inode), XFS_MMAPLOCK_SHARED);
	ret = xfs_vma_checks(vma, inode);
	if (ret)
		goto out_unlock;

	if (IS_DAX(inode)) {
		ret = dax_iomap_fault(vmf, pe_size, &xfs_iomap_ops);
	} else {
		if (write_fault)
			ret = iomap_page_mkwrite(vmf, &xfs_iomap_ops);
		else
			ret = filemap_fault(vmf);
	}

out_unlock:
	xfs_iunlock(XFS_I(inode), XFS_MMAPLOCK_SHARED);

	if (write_fault)
		sb_end_pagefault(inode->i_sb);
	return ret;
}

/*
 * @kernel v4.14 fs/xfs/xfs_file.c
 * ->fault: a DAX write fault is a write fault from the start (no ->page_mkwrite follows).
 */
static int
xfs_filemap_fault(
	struct vm_fault		*vmf)
{
	return __xfs_filemap_fault(vmf, PE_SIZE_PTE,
			IS_DAX(file_inode(vmf->vma->vm_file)) &&
			(vmf->flags & FAULT_FLAG_WRITE));
}

/*
 * @kernel v4.14 fs/xfs/xfs_file.c
 * ->mmap: the ordinary operations, and VM_MIXEDMAP for a DAX file.
 */
STATIC int
xfs_file_mmap(
	struct file	*filp,
	struct vm_area_struct *vma)
{
	file_accessed(filp);
	vma->vm_ops = &xfs_file_vm_ops;
	if (IS_DAX(file_inode(filp)))
		vma->vm_flags |= VM_MIXEDMAP | VM_HUGEPAGE;
	return 0;
}

#define XFS_MAP_SUPPORTED (LEGACY_MAP_MASK | MAP_DIRECT)

/*
 * @kernel v4.14 + MAP_DIRECT v7 06/12 fs/xfs/xfs_file.c
 * ->mmap_validate: flags XFS does not know are refused; MAP_DIRECT takes the lease, then
 * waits for faults already inside XFS_MMAPLOCK to finish, so none that missed i_mapdcount
 * allocates once the mapping exists.
 */
STATIC int
xfs_file_mmap_validate(
	struct file		*filp,
	struct vm_area_struct	*vma,
	unsigned long		map_flags,
	int			fd)
{
	struct inode		*inode = file_inode(filp);
	struct xfs_inode	*ip = XFS_I(inode);
	struct map_direct_state	*mds;

	if (map_flags & ~(XFS_MAP_SUPPORTED))
		return -EOPNOTSUPP;

	if ((map_flags & MAP_DIRECT) == 0)
		return xfs_file_mmap(filp, vma);

	file_accessed(filp);
	vma->vm_ops = &xfs_file_vm_direct_ops;
	if (IS_DAX(inode))
		vma->vm_flags |= VM_MIXEDMAP | VM_HUGEPAGE;

	mds = map_direct_register(fd, vma);
	if (IS_ERR(mds))
		return PTR_ERR(mds);

	/* flush in-flight faults */
	xfs_ilock(ip, XFS_MMAPLOCK_EXCL);
	xfs_iunlock(ip, XFS_MMAPLOCK_EXCL);

	vma->vm_private_data = mds;

	return 0;
}
