// SPDX-License-Identifier: GPL-2.0
/*
 * mm/memory.c of v4.14 as the model runs it: a fault dispatched to the vma's ->fault.
 */

/*
 * @kernel v4.14 mm/memory.c (handle_mm_fault, __handle_mm_fault, do_fault), reduced
 * A PTE fault at address in vma: the vma's operations decide what runs.
 */
int handle_mm_fault(struct vm_area_struct *vma, unsigned long address, unsigned int flags)
{
	struct vm_fault vmf = {
		.vma = vma,
		.pgoff = linear_page_index(vma, address),
		.flags = flags,
	};

	return vma->vm_ops->fault(&vmf);
}

/*
 * @kernel v4.14 mm/mmap.c and arch/x86/mm/fault.c (sys_mmap_pgoff, __do_page_fault), as a
 * process uses them: mmap(2) of the file with flags, then, when address is not 0, one access
 * of the new mapping (a write when write is set). Negative: mmap failed with that errno;
 * else the access's fault code (0 without an access).
 */
int mmap_and_access(unsigned long flags, unsigned long address, int write)
{
	struct vm_area_struct *vma;
	long ret;

	ret = do_mmap(dax_file, flags, MAP_DIRECT_FD);
	if (ret)
		return ret;
	if (!address)
		return 0;
	vma = find_vma(current->mm, address);
	return handle_mm_fault(vma, address, write ? FAULT_FLAG_WRITE : 0);
}

/*
 * @kernel v4.14 arch/x86/mm/fault.c (__do_page_fault), as a process uses it: an access of the
 * file through a MAP_SHARED mapping the process made before (not MAP_DIRECT).
 */
int access_other_mapping(unsigned long address, int write)
{
	struct vm_area_struct *vma = other_vma;

	return handle_mm_fault(vma, address, write ? FAULT_FLAG_WRITE : 0);
}

/*
 * @kernel v4.14 arch/x86/mm/fault.c (__do_page_fault), as a process uses it: an access of the
 * file through the MAP_DIRECT mapping it made before.
 */
int access_direct_mapping(unsigned long address, int write)
{
	struct vm_area_struct *vma = find_vma(current->mm, address);

	return handle_mm_fault(vma, address, write ? FAULT_FLAG_WRITE : 0);
}

/*
 * @kernel v4.14 fs/open.c (do_sys_truncate) and arch/x86/mm/fault.c, as a process uses them:
 * truncate(2) of the file, then an access of the MAP_DIRECT mapping it made before.
 * Negative: truncate failed with that errno; else the access's fault code.
 */
int truncate_then_access(pgoff_t new_pages, unsigned long address, int write)
{
	int ret = xfs_vn_setattr(new_pages);

	if (ret)
		return ret;
	return access_direct_mapping(address, write);
}
