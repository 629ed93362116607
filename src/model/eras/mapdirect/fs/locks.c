// SPDX-License-Identifier: GPL-2.0
/*
 * fs/locks.c of v4.14 as the model runs it: the one file lease of the model's inode (the
 * MAP_DIRECT FL_LAYOUT lease), taken, broken and removed. ctx->flc_lock is folded into the
 * lease primitives: each runs as one step, as the lock makes it.
 */

/*
 * @kernel v4.14 fs/locks.c (vfs_setlease)
 * Only the file's owner (by fsuid) or a holder of CAP_LEASE may take or give up a lease.
 */
int vfs_setlease(struct file *filp, long arg, struct file_lock **lease, void **priv)
{
	struct inode *inode = file_inode(filp);

	if ((!uid_eq(current_fsuid(), inode->i_uid)) && !capable(CAP_LEASE))
		return -EACCES;
	return generic_setlease(filp, arg, lease, priv);
}

/*
 * @kernel v4.14 fs/locks.c (generic_setlease, generic_add_lease, generic_delete_lease)
 * F_RDLCK adds the lease (EAGAIN when the inode has one already); F_UNLCK removes the
 * caller's through its ->lm_change.
 */
static int generic_setlease(struct file *filp, long arg, struct file_lock **flp, void **priv)
{
	struct file_lock *fl;
	int error;

	switch (arg) {
	case F_UNLCK:
		fl = lease_lookup(filp, *priv);
		if (!fl)
			return -EAGAIN;
		return fl->fl_lmops->lm_change(fl, F_UNLCK, NULL);
	case F_RDLCK:
	case F_WRLCK:
		error = lease_insert(filp, *flp);
		if (error)
			return error;
		*flp = NULL;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * @kernel v4.14 fs/locks.c (__break_lease)
 * A lease breaker: the conflicting lease is told to go (->lm_break) and the breaker either
 * returns -EWOULDBLOCK at once (O_NONBLOCK) or sleeps until the lease is gone. The
 * FL_UNLOCK_PENDING bookkeeping is folded: MAP_DIRECT's ->lm_break acts once however often it
 * is called.
 */
int __break_lease(struct inode *inode, unsigned int mode, unsigned int type)
{
	struct file_lock *fl;
	int error = 0;

restart:
	fl = lease_lookup(NULL, NULL);
	if (!fl)
		goto out;
	if (fl->fl_lmops->lm_break(fl))
		locks_delete_lock_ctx(fl, NULL);
	if (mode & O_NONBLOCK) {
		error = -EWOULDBLOCK;
		goto out;
	}
	error = wait_event_interruptible(fl->fl_wait, !fl->fl_next);
	if (error >= 0)
		goto restart;
out:
	return error;
}
