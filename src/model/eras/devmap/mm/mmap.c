// SPDX-License-Identifier: GPL-2.0
/*
 * mm/mmap.c of v4.4 as the model runs it: the process's DAX vma over the device, mapped and
 * unmapped.
 */

/*
 * @kernel v4.4 mm/mmap.c (mmap_region) and fs/dax.c (__dax_pmd_fault), reduced
 * mmap(2) of the DAX file, then its first access: a devmap PMD over the device.
 */
unsigned long dax_mmap(int write)
{
	struct vm_area_struct *vma = dax_vma;

	vma_link(current->mm, vma, NULL, NULL, NULL);
	vmf_insert_pfn_pmd(vma, 0, NULL, 0, write);
	return 0;
}

/*
 * @kernel v4.4 mm/mmap.c (do_munmap, unmap_region, remove_vma), reduced
 * The PMD zapped and the TLB flushed, then the vma goes.
 */
int vm_munmap(unsigned long start, size_t len)
{
	struct vm_area_struct *vma = dax_vma;

	zap_huge_pmd(&tlb, vma, NULL, start);
	flush_tlb_range(vma, start, start + len);
	detach_vmas_to_be_unmapped(current->mm, vma, NULL, start + len);
	return 0;
}

/*
 * @kernel v4.4 mm/mmap.c and fs/direct-io.c, as a process uses them: maps the DAX file, does
 * an O_DIRECT I/O of nr_pages from it, then unmaps it when unmap is set (else the vma stays).
 */
int dax_mmap_io(int nr_pages, int write, int unmap)
{
	int ret;

	dax_mmap(write);
	ret = dax_direct_io(0, nr_pages, write);
	if (unmap)
		vm_munmap(0, PMD_SIZE);
	return ret;
}
