// SPDX-License-Identifier: GPL-2.0
/*
 * kernel/workqueue.c of v4.14 as the model runs it: the kworker that runs a delayed work when
 * its timer expires. The explorer lets lease-break-time pass at any point after the work was
 * scheduled; a scenario that never schedules it ends with the kworker idle.
 */

/*
 * @kernel v4.14 kernel/workqueue.c (delayed_work_timer_fn, process_one_work)
 * The MAP_DIRECT lease's delayed work, run once its timer expires.
 */
void delayed_work_timer_fn(unsigned long __data)
{
	struct work_struct *work = (struct work_struct *)__data;

	if (delayed_work_expired(work))
		map_direct_invalidate(work);
}
