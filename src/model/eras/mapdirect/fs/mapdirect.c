// SPDX-License-Identifier: GPL-2.0
/*
 * fs/mapdirect.c of the MAP_DIRECT v7 series (04/12, with the i_mapdcount of 03/12) as the
 * model runs it: the FL_LAYOUT lease a MAP_DIRECT mapping holds, its break and its timeout.
 * The model has one map_direct_state (the mds of the one MAP_DIRECT vma); its reference
 * counts, fasync entry and allocations are left out: they decide no outcome here.
 */

/*
 * @kernel v4.14 + MAP_DIRECT v7 04/12 fs/mapdirect.c
 * Whether the lease still stands: cleared once a break timed out and the mapping was
 * invalidated, after which every fault of the mapping must get SIGBUS.
 */
bool is_map_direct_valid(struct map_direct_state *mds)
{
	return test_bit(MAPDIRECT_VALID, &mds->mds_state);
}

/*
 * @kernel v4.14 + MAP_DIRECT v7 04/12 fs/mapdirect.c
 * The delayed work of a break that lease-break-time let expire: the lease holder did not
 * munmap in time, so the mapping is invalidated (later faults SIGBUS), zapped, and the
 * lease removed, which lets the breakers waiting in __break_lease() go on.
 */
static void map_direct_invalidate(struct work_struct *work)
{
	struct map_direct_state *mds;
	struct vm_area_struct *vma;
	struct inode *inode;
	void *owner;

	mds = container_of(work, typeof(*mds), mds_work.work);

	clear_bit(MAPDIRECT_VALID, &mds->mds_state);

	vma = ACCESS_ONCE(mds->mds_vma);
	inode = mds->mds_inode;
	if (vma) {
		unsigned long len = vma->vm_end - vma->vm_start;
		loff_t start = (loff_t) vma->vm_pgoff * PAGE_SIZE;

		unmap_mapping_range(inode->i_mapping, start, len, 1);
	}
	owner = mds;
	vfs_setlease(vma->vm_file, F_UNLCK, NULL, &owner);

	put_map_direct(mds);
}

/*
 * @kernel v4.14 + MAP_DIRECT v7 04/12 fs/mapdirect.c
 * ->lm_break of the lease: the first break arms the lease-break-time timer and sends SIGIO to
 * the holder; the core then waits for the lease to be removed (fl_break_time 0: no timeout
 * of its own).
 */
static bool map_direct_lm_break(struct file_lock *fl)
{
	struct map_direct_state *mds = fl->fl_owner;

	if (!test_and_set_bit(MAPDIRECT_BREAK, &mds->mds_state)) {
		schedule_delayed_work(&mds->mds_work, lease_break_time * HZ);
		kill_fasync(&fl->fl_fasync, SIGIO, POLL_MSG);
	}

	fl->fl_break_time = 0;

	return false;
}

/*
 * @kernel v4.14 + MAP_DIRECT v7 03/12 and 04/12 fs/mapdirect.c
 * ->lm_change of the lease, called to remove it: the inode has one MAP_DIRECT mapping less.
 */
static int map_direct_lm_change(struct file_lock *fl, int arg,
		struct list_head *dispose)
{
	struct map_direct_state *mds = fl->fl_owner;

	WARN_ON(!(arg & F_UNLCK));

	i_mapdcount_dec(mds->mds_inode);
	return lease_modify(fl, arg, dispose);
}

/*
 * @kernel v4.14 + MAP_DIRECT v7 03/12 and 04/12 fs/mapdirect.c
 * Takes the FL_LAYOUT lease for a MAP_DIRECT vma (vfs_setlease() refuses a caller that
 * neither owns the file nor has CAP_LEASE: EACCES), then counts the mapping in i_mapdcount,
 * which keeps write faults from allocating blocks (xfs_file_iomap_begin()).
 */
struct map_direct_state *map_direct_register(int fd, struct vm_area_struct *vma)
{
	struct map_direct_state *mds = kzalloc(sizeof(*mds), GFP_KERNEL);
	struct file *file = vma->vm_file;
	struct inode *inode = file_inode(file);
	struct file_lock *fl;
	void *owner = mds;
	int rc = -ENOMEM;

	if (!mds)
		return ERR_PTR(-ENOMEM);

	mds->mds_vma = vma;
	set_bit(MAPDIRECT_VALID, &mds->mds_state);
	mds->mds_inode = inode;

	fl = locks_alloc_lock();
	if (!fl)
		goto err_lock_alloc;

	fl->fl_lmops = &map_direct_lm_ops;
	fl->fl_flags = FL_LAYOUT;
	fl->fl_type = F_RDLCK;
	fl->fl_owner = mds;
	fl->fl_file = file;

	rc = vfs_setlease(file, fl->fl_type, &fl, &owner);
	if (rc)
		goto err_setlease;

	i_mapdcount_inc(inode);
	return mds;

err_setlease:
	locks_free_lock(fl);
err_lock_alloc:
	kfree(mds);
	return ERR_PTR(rc);
}
