// SPDX-License-Identifier: GPL-2.0
/*
 * mm/memory.c of v4.10 as the model runs it: the page fault path of one shared DAX vma,
 * from __handle_mm_fault() to the filesystem's ->fault, ->pmd_fault and ->pfn_mkwrite.
 * The model's page tables are one PMD and the PTEs of the modelled indexes; reading them
 * is pmd_read() and pte_read() (see the era's API table).
 */

/*
 * @kernel v4.10 mm/memory.c (__handle_mm_fault)
 * A page fault at index: a PMD fault first when the PMD is none and the vma may use huge
 * pages, a write to a huge PMD through wp_huge_pmd(), else the PTE fault.
 */
int handle_mm_fault(pgoff_t index, bool write, bool thp)
{
	struct vm_fault vmf = {
		.pgoff = index,
		.flags = write ? FAULT_FLAG_WRITE : 0,
	};
	pmd_t orig_pmd;
	int ret;

	orig_pmd = pmd_read(&vmf);
	if (pmd_none(orig_pmd) && thp) {
		ret = create_huge_pmd(&vmf);
		if (!(ret & VM_FAULT_FALLBACK))
			return ret;
	} else if (pmd_trans_huge(orig_pmd) || pmd_devmap(orig_pmd)) {
		if (!write)
			return 0;
		ret = wp_huge_pmd(&vmf, orig_pmd);
		if (!(ret & VM_FAULT_FALLBACK))
			return ret;
	}
	return handle_pte_fault(&vmf);
}

/*
 * @kernel v4.10 mm/memory.c
 * A PMD fault goes to the vma's ->pmd_fault.
 */
static int create_huge_pmd(struct vm_fault *vmf)
{
	return vmf->vma->vm_ops->pmd_fault(vmf->vma, vmf->address, vmf->pmd,
					   vmf->flags);
}

/*
 * @kernel v4.10 mm/memory.c
 * A write to a huge PMD of a shared mapping goes to ->pmd_fault too.
 */
static int wp_huge_pmd(struct vm_fault *vmf, pmd_t orig_pmd)
{
	return vmf->vma->vm_ops->pmd_fault(vmf->vma, vmf->address, vmf->pmd,
					   vmf->flags);
}

/*
 * @kernel v4.10 mm/memory.c
 * A PTE fault: none under a huge PMD; a missing PTE goes to ->fault; a write to a present
 * read-only PTE goes to ->pfn_mkwrite for a DAX pfn and ->page_mkwrite for a hole page.
 */
static int handle_pte_fault(struct vm_fault *vmf)
{
	pmd_t orig_pmd;
	pte_t entry;

	orig_pmd = pmd_read(vmf);
	if (pmd_trans_huge(orig_pmd) || pmd_devmap(orig_pmd))
		return 0;

	entry = pte_read(vmf);
	if (pte_none(entry))
		return do_fault(vmf);

	if (!(vmf->flags & FAULT_FLAG_WRITE))
		return 0;
	if (pte_special(entry))
		return wp_pfn_shared(vmf);
	return wp_page_shared(vmf);
}

/*
 * @kernel v4.10 mm/memory.c
 * A missing PTE of a shared file mapping: the vma's ->fault.
 */
static int do_fault(struct vm_fault *vmf)
{
	return vmf->vma->vm_ops->fault(vmf->vma, vmf);
}

/*
 * @kernel v4.10 mm/memory.c
 * A write to a read-only PTE of a pfn: the vma's ->pfn_mkwrite.
 */
static int wp_pfn_shared(struct vm_fault *vmf)
{
	return vmf->vma->vm_ops->pfn_mkwrite(vmf->vma, vmf);
}

/*
 * @kernel v4.10 mm/memory.c
 * A write to a read-only PTE of a page: the vma's ->page_mkwrite, which for DAX is the
 * fault handler again.
 */
static int wp_page_shared(struct vm_fault *vmf)
{
	return vmf->vma->vm_ops->page_mkwrite(vmf->vma, vmf);
}

/*
 * @kernel v4.10 mm/memory.c (the fault path as it reaches ->fault)
 * A PTE fault that enters the DAX fault handler directly: exact when no thread of a
 * scenario maps a huge PMD or the PTE of the index, since __handle_mm_fault() then always
 * gets there. Scenarios name it to leave out the page table reads.
 */
int do_dax_fault(pgoff_t index, bool write)
{
	struct vm_fault vmf = {
		.pgoff = index,
		.flags = write ? FAULT_FLAG_WRITE : 0,
	};

	return dax_iomap_pte_fault(&vmf, &xfs_iomap_ops);
}

/*
 * @kernel v4.10 arch/x86/mm/fault.c and fs/read_write.c (vfs_write), as a process uses them:
 * a load from the page at index through the process's mapping (a read fault), then write(2)
 * of that page. Negative: the fault failed (-EFAULT); else what the write returned.
 */
ssize_t mmap_read_then_write(pgoff_t index)
{
	int fault = handle_mm_fault(index, false, false);

	if (fault & VM_FAULT_ERROR)
		return -EFAULT;
	return xfs_file_dax_write(index);
}
