// SPDX-License-Identifier: GPL-2.0
/*
 * drivers/md/dm.c of v4.16 with the v8 series (10/18) as the model runs it: a dm device's claim
 * and release repeat the operation on every member device of its live table.
 */

/*
 * @kernel v4.16 + v8 10/18 drivers/md/dm.c
 * The claim of one member device; the comment says why a failure is a kernel bug.
 */
static int dm_dax_dev_claim(struct dm_target *ti, struct dm_dev *dev,
		sector_t start, sector_t len, void *owner)
{
	if (fs_dax_claim(dev->dax_dev, owner))
		return 0;
	/*
	 * Outside of a kernel bug there is no reason a dax_dev should
	 * fail a claim attempt. Device-mapper should have exclusive
	 * ownership of the dm_dev and the filesystem should have
	 * exclusive ownership of the dm_target.
	 */
	WARN_ON_ONCE(1);
	return -ENXIO;
}

/*
 * @kernel v4.16 + v8 10/18 drivers/md/dm.c
 * The release of one member device.
 */
static int dm_dax_dev_release(struct dm_target *ti, struct dm_dev *dev,
		sector_t start, sector_t len, void *owner)
{
	__fs_dax_release(dev->dax_dev, owner);
	return 0;
}

/*
 * @kernel v4.16 + v8 10/18 drivers/md/dm.c
 * Calls fn on every device of every target of the live table.
 */
static struct dax_device *dm_dax_iterate(struct dax_device *dax_dev,
		iterate_devices_callout_fn fn, void *arg)
{
	struct mapped_device *md = dax_get_private(dax_dev);
	struct dm_table *map;
	struct dm_target *ti;
	int i, srcu_idx;

	map = dm_get_live_table(md, &srcu_idx);

	for (i = 0; i < dm_table_get_num_targets(map); i++) {
		ti = dm_table_get_target(map, i);

		if (ti->type->iterate_devices)
			ti->type->iterate_devices(ti, fn, arg);
	}

	dm_put_live_table(md, srcu_idx);
	return dax_dev;
}

/*
 * @kernel v4.16 + v8 10/18 drivers/md/dm.c
 * ->fs_claim of a dm device.
 */
static struct dax_device *dm_dax_fs_claim(struct dax_device *dax_dev,
		void *owner)
{
	return dm_dax_iterate(dax_dev, dm_dax_dev_claim, owner);
}

/*
 * @kernel v4.16 + v8 10/18 drivers/md/dm.c
 * ->fs_release of a dm device.
 */
static void dm_dax_fs_release(struct dax_device *dax_dev, void *owner)
{
	dm_dax_iterate(dax_dev, dm_dax_dev_release, owner);
}

/* The dax_operations of a dm device: its claim and release repeat on every member. */
static const struct dax_operations dm_dax_ops = {
	.direct_access = dm_dax_direct_access,
	.copy_from_iter = dm_dax_copy_from_iter,
	.fs_claim = dm_dax_fs_claim,
	.fs_release = dm_dax_fs_release,
};
