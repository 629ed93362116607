// SPDX-License-Identifier: GPL-2.0
/*
 * kernel/memremap.c of v4.5 (the series as merged) as the model runs it: a page reference's
 * hold on its dev_pagemap, and the release of a device's pages at unbind.
 */

/*
 * @kernel v4.5 kernel/memremap.c
 */
void put_zone_device_page(struct page *page)
{
	put_dev_pagemap(page->pgmap);
}

/*
 * @kernel v4.5 kernel/memremap.c (devm_memremap_pages_release), reduced
 * The reference must be dead by now (its users drained): the pages are removed.
 */
static void devm_memremap_pages_release(struct device *dev, void *data)
{
	struct dev_pagemap *pgmap = dev_pagemap;

	if (percpu_ref_tryget_live(pgmap->ref)) {
		dev_WARN(dev, "%s: page mapping is still live!\n", __func__);
		percpu_ref_put(pgmap->ref);
	}

	arch_remove_memory(align_start, align_size);
}
