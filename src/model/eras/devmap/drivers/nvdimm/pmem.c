// SPDX-License-Identifier: GPL-2.0
/*
 * drivers/nvdimm/pmem.c of v4.5 as the model runs it: what unbinding a pmem namespace that
 * DAX maps does to its pages.
 */

/*
 * @kernel v4.5 drivers/nvdimm/pmem.c, block/blk-core.c (the devres release of a pmem
 * namespace: blk_cleanup_queue() freezes the queue), reduced
 * Unbind: the pages' users drained, then the pages removed. It finishes once every reference
 * on the dev_pagemap is put.
 */
void pmem_unbind(struct request_queue *q)
{
	blk_mq_freeze_queue(q);
	devm_memremap_pages_release(pmem_dev, pmem_page_map);
}
