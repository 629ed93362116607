// SPDX-License-Identifier: GPL-2.0
/*
 * block/blk-mq.c of v4.5 as the model runs it: freezing the pmem queue, whose q_usage_counter
 * is the percpu_ref the device's dev_pagemap counts its users in.
 */

/*
 * @kernel v4.5 block/blk-mq.c (blk_mq_freeze_queue_start, blk_mq_freeze_queue_wait)
 * Kills the reference (no new live users), then waits until the last user puts it.
 */
void blk_mq_freeze_queue(struct request_queue *q)
{
	percpu_ref_kill(&q->q_usage_counter);
	wait_event(q->mq_freeze_wq, percpu_ref_is_zero(&q->q_usage_counter));
}
