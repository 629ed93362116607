// SPDX-License-Identifier: GPL-2.0
/*
 * drivers/dax/super.c of v4.16 with the v8 series "dax: fix dma vs truncate/hole-punch" (2018),
 * through 10/18, as the model runs it: a filesystem claims the dev_pagemap behind the
 * dax_device it mounts, so that DMA to its pages can later be waited for, and gives it back.
 */
static struct vfsmount *dax_mnt;
static DEFINE_IDA(dax_minor_ida);
static struct kmem_cache *dax_cache __read_mostly;
static struct super_block *dax_superblock __read_mostly;
static DEFINE_MUTEX(devmap_lock);

#define DAX_HASH_SIZE (PAGE_SIZE / sizeof(struct hlist_head))
static struct hlist_head dax_host_list[DAX_HASH_SIZE];

/*
 * The dax_device the model knows by its number: its host name, its dev_pagemap (the one a
 * filesystem claims) and its operations.
 */
struct dax_device {
	struct hlist_node list;
	struct inode inode;
	struct cdev cdev;
	const char *host;
	void *private;
	unsigned long flags;
	struct dev_pagemap *pgmap;
	const struct dax_operations *ops;
};

#if IS_ENABLED(CONFIG_FS_DAX)
/*
 * @kernel v4.16 + v8 10/18 drivers/dax/super.c
 * The page-free callback a claim installs: its work (waking page-idle waiters) comes later in
 * the series.
 */
static void generic_dax_pagefree(struct page *page, void *data)
{
	/* TODO: wakeup page-idle waiters */
}

/*
 * @kernel v4.16 + v8 10/18 drivers/dax/super.c
 * Claims the dax_device's pgmap for owner: a device without a pgmap needs none; the owner that
 * has it already has it again (dm may claim a member twice); a pgmap in anyone else's use is
 * refused, and the caller's reference is dropped with the refusal.
 */
struct dax_device *fs_dax_claim(struct dax_device *dax_dev, void *owner)
{
	struct dev_pagemap *pgmap;

	if (!dax_dev->pgmap)
		return dax_dev;
	pgmap = dax_dev->pgmap;

	mutex_lock(&devmap_lock);
	if (pgmap->data && pgmap->data == owner) {
		/* dm might try to claim the same device more than once... */
		mutex_unlock(&devmap_lock);
		return dax_dev;
	} else if (pgmap->page_free || pgmap->page_fault
			|| pgmap->type != MEMORY_DEVICE_HOST) {
		put_dax(dax_dev);
		mutex_unlock(&devmap_lock);
		return NULL;
	}

	pgmap->type = MEMORY_DEVICE_FS_DAX;
	pgmap->page_free = generic_dax_pagefree;
	pgmap->data = owner;
	mutex_unlock(&devmap_lock);

	return dax_dev;
}
EXPORT_SYMBOL_GPL(fs_dax_claim);

/*
 * @kernel v4.16 + v8 10/18 drivers/dax/super.c
 * What a filesystem mounting bdev calls: the dax_device of the disk (with a reference), claimed
 * through its ops when it has its own claim (device-mapper), else directly.
 */
struct dax_device *fs_dax_claim_bdev(struct block_device *bdev, void *owner)
{
	struct dax_device *dax_dev;

	if (!blk_queue_dax(bdev->bd_queue))
		return NULL;
	dax_dev = fs_dax_get_by_host(bdev->bd_disk->disk_name);
	if (dax_dev->ops->fs_claim)
		return dax_dev->ops->fs_claim(dax_dev, owner);
	else
		return fs_dax_claim(dax_dev, owner);
}
EXPORT_SYMBOL_GPL(fs_dax_claim_bdev);

/*
 * @kernel v4.16 + v8 10/18 drivers/dax/super.c
 * Drops the reference and gives the pgmap back to its default state, when it was claimed.
 */
void __fs_dax_release(struct dax_device *dax_dev, void *owner)
{
	struct dev_pagemap *pgmap = dax_dev ? dax_dev->pgmap : NULL;

	put_dax(dax_dev);
	if (!pgmap)
		return;
	if (!pgmap->data)
		return;

	mutex_lock(&devmap_lock);
	WARN_ON(pgmap->data != owner);
	pgmap->type = MEMORY_DEVICE_HOST;
	pgmap->page_free = NULL;
	pgmap->data = NULL;
	mutex_unlock(&devmap_lock);
}
EXPORT_SYMBOL_GPL(__fs_dax_release);

/*
 * @kernel v4.16 + v8 10/18 drivers/dax/super.c
 * What a filesystem unmounting calls: through the ops' own release (device-mapper), else directly.
 */
void fs_dax_release(struct dax_device *dax_dev, void *owner)
{
	if (dax_dev->ops->fs_release)
		dax_dev->ops->fs_release(dax_dev, owner);
	else
		__fs_dax_release(dax_dev, owner);
}
EXPORT_SYMBOL_GPL(fs_dax_release);
#endif
