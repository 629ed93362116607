// SPDX-License-Identifier: GPL-2.0
/*
 * fs/dax.c of v4.14 reduced to what MAP_DIRECT reads of it: a PTE fault asks ->iomap_begin()
 * for the block (allocating it for a write) and maps it. Entry locking, PMD faults and the
 * page tables are the radix era's (eras/radix); here no two faults share an index.
 */

/*
 * @kernel v4.14 fs/dax.c (dax_iomap_fault, dax_iomap_pte_fault), reduced
 * Beyond i_size: SIGBUS. Otherwise the extent at the fault's offset, allocated for a write;
 * an error of ->iomap_begin() is the fault's error (SIGBUS, or OOM for -ENOMEM). A block is
 * mapped with vm_insert_mixed(); a hole read maps the zero page, which is not kept here.
 */
int dax_iomap_fault(struct vm_fault *vmf, enum page_entry_size pe_size,
		    const struct iomap_ops *ops)
{
	struct inode *inode = file_inode(vmf->vma->vm_file);
	loff_t pos = (loff_t)vmf->pgoff << PAGE_SHIFT;
	unsigned flags = IOMAP_FAULT;
	struct iomap iomap = { 0 };
	int error;

	if (pos >= i_size_read(inode))
		return VM_FAULT_SIGBUS;

	if (vmf->flags & FAULT_FLAG_WRITE)
		flags |= IOMAP_WRITE;

	error = ops->iomap_begin(inode, pos, PAGE_SIZE, flags, &iomap);
	if (error)
		return dax_fault_return(error);
	if (iomap.type != IOMAP_MAPPED)
		return VM_FAULT_NOPAGE;

	error = vm_insert_mixed(vmf->vma, vmf->address, dax_iomap_sector(&iomap, pos));
	/* -EBUSY is fine: another fault mapped the same PTE */
	if (error == -EBUSY)
		error = 0;
	return dax_fault_return(error);
}
