// SPDX-License-Identifier: GPL-2.0
/*
 * fs/ext2/super.c of v4.16 with the v8 series (its ext2 patch) as the model runs it: a mount
 * that claims the dax_device of its block device and an unmount that releases it, reduced to
 * those calls; the rest of a mount is one step that may fail.
 */

/*
 * @kernel v4.16 + v8 fs/ext2/super.c (ext2_fill_super, ext2_put_super), reduced
 * A mount of bdev for the superblock sb, and its unmount once mounted: the dax_device is
 * claimed first; a mount that fails after the claim releases it on its way out.
 */
int ext2_mount_umount(struct super_block *sb, struct block_device *bdev)
{
	struct dax_device *dax_dev = fs_dax_claim_bdev(bdev, sb);
	int ret = -EINVAL;

	if (!ext2_read_super(sb))
		goto failed;
	/* mounted: the unmount, ext2_put_super() */
	fs_dax_release(dax_dev, sb);
	return 0;
failed:
	fs_dax_release(dax_dev, sb);
	return ret;
}
