// SPDX-License-Identifier: GPL-2.0
/*
 * include/linux/fs.h of v4.14 as the model runs it: the inline lease breaker filesystems call.
 */

/*
 * @kernel v4.14 include/linux/fs.h (break_layout)
 * Breaks any FL_LAYOUT lease of the inode: waits for it to go, or with wait false starts the
 * break and returns -EWOULDBLOCK. The unlocked look at the lease list is the fast path.
 */
static inline int break_layout(struct inode *inode, bool wait)
{
	smp_mb();
	if (inode->i_flctx && !list_empty_careful(&inode->i_flctx->flc_lease))
		return __break_lease(inode,
				wait ? O_WRONLY : O_WRONLY | O_NONBLOCK,
				FL_LAYOUT);
	return 0;
}
