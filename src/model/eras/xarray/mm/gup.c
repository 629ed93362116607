// SPDX-License-Identifier: GPL-2.0
/*
 * The end of a get_user_pages() pin of a DAX page, following v5.12 mm/gup.c: the DMA into
 * the page is done and its reference dropped.
 */

/*
 * @kernel v5.12 mm/gup.c (unpin_user_page)
 * index: the file index whose DAX page the pin holds.
 */
void unpin_user_page(pgoff_t index)
{
	struct page *page = pfn_to_page(index << 3);

	put_page(page);
}
