// SPDX-License-Identifier: GPL-2.0
/*
 * drivers/md/dm-linear.c of v4.16 as the model runs it: a target that maps one device.
 */

/*
 * @kernel v4.16 drivers/md/dm-linear.c
 * The target's one device, handed to fn.
 */
static int linear_iterate_devices(struct dm_target *ti,
				  iterate_devices_callout_fn fn, void *data)
{
	struct linear_c *lc = ti->private;

	return fn(ti, lc->dev, lc->start, ti->len, data);
}
