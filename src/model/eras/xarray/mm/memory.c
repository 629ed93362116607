// SPDX-License-Identifier: GPL-2.0
/*
 * The fault path of mm/memory.c as the XArray era's threads run it, following v5.12, reduced
 * to the one file-backed shared vma of the model: a PMD fault through ->huge_fault when the
 * PMD is none and THP is on, a write to a huge PMD through ->huge_fault again, then the PTE
 * fault through ->fault (or ->pfn_mkwrite for a write to a DAX PTE).
 */

/*
 * @kernel v5.12 mm/memory.c (__handle_mm_fault)
 * A fault at a page index of the one vma; thp: the vma may take a huge PMD.
 */
int handle_mm_fault(pgoff_t index, bool write, bool thp)
{
	struct vm_fault vmf = {
		.pgoff = index,
		.flags = write ? FAULT_FLAG_WRITE : 0,
	};
	pmd_t orig_pmd;
	vm_fault_t ret;

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
 * @kernel v5.12 mm/memory.c
 */
static vm_fault_t create_huge_pmd(struct vm_fault *vmf)
{
	return vmf->vma->vm_ops->huge_fault(vmf, PE_SIZE_PMD);
}

/*
 * @kernel v5.12 mm/memory.c
 * A write to a huge PMD of a shared vma: the filesystem's huge fault makes it writable.
 */
static vm_fault_t wp_huge_pmd(struct vm_fault *vmf, pmd_t orig_pmd)
{
	return vmf->vma->vm_ops->huge_fault(vmf, PE_SIZE_PMD);
}

/*
 * @kernel v5.12 mm/memory.c
 * A PTE fault: none is mapped (->fault), or a write to a mapped DAX pfn (->pfn_mkwrite).
 */
static vm_fault_t handle_pte_fault(struct vm_fault *vmf)
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
	return wp_pfn_shared(vmf);
}

/*
 * @kernel v5.12 mm/memory.c (do_fault, do_read_fault, do_shared_fault, __do_fault)
 */
static vm_fault_t do_fault(struct vm_fault *vmf)
{
	return vmf->vma->vm_ops->fault(vmf);
}

/*
 * @kernel v5.12 mm/memory.c
 */
static vm_fault_t wp_pfn_shared(struct vm_fault *vmf)
{
	return vmf->vma->vm_ops->pfn_mkwrite(vmf);
}

/*
 * @kernel v5.12 mm/memory.c, fs/xfs/xfs_file.c
 * A PTE fault entering dax_iomap_fault() directly, as __xfs_filemap_fault() calls it: exact
 * when no thread of the scenario maps a huge PMD or the PTE of the index.
 */
int do_dax_fault(pgoff_t index, bool write)
{
	struct vm_fault vmf = {
		.pgoff = index,
		.flags = write ? FAULT_FLAG_WRITE : 0,
	};
	pfn_t pfn;

	return dax_iomap_fault(&vmf, PE_SIZE_PTE, &pfn, NULL, &xfs_read_iomap_ops);
}
