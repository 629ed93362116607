// SPDX-License-Identifier: GPL-2.0
/*
 * mm/mmap.c of v4.14 with the MAP_DIRECT v7 series (01/12 MAP_SHARED_VALIDATE, 02/12 the fd
 * passed to ->mmap_validate()) as the model runs it: the vma set up and made visible.
 */

/*
 * @kernel v4.14 + MAP_DIRECT v7 01/12 and 02/12 mm/mmap.c (do_mmap, mmap_region), reduced
 * MAP_SHARED ignores flags it does not know, as it always did; MAP_SHARED_VALIDATE refuses
 * them (EOPNOTSUPP) unless the file's ->mmap_validate() takes them. The vma reaches the
 * process (vma_link()) only once ->mmap_validate() or ->mmap() succeeded.
 */
unsigned long do_mmap(struct file *file, unsigned long flags, int fd)
{
	struct vm_area_struct *vma;
	int error;

	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
		flags &= LEGACY_MAP_MASK;
		/* fall through */
	case MAP_SHARED_VALIDATE:
		if (flags & ~LEGACY_MAP_MASK) {
			if (!file->f_op->mmap_validate)
				return -EOPNOTSUPP;
		}
		break;
	default:
		return -EINVAL;
	}

	vma = kmem_cache_zalloc(vm_area_cachep, GFP_KERNEL);
	if (file->f_op->mmap_validate)
		error = file->f_op->mmap_validate(file, vma, flags, fd);
	else
		error = call_mmap(file, vma);
	if (error)
		return error;

	vma_link(current->mm, vma, NULL, NULL, NULL);
	return 0;
}
