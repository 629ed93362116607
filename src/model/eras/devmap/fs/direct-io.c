// SPDX-License-Identifier: GPL-2.0
/*
 * fs/direct-io.c of v4.4 as the model runs it: an O_DIRECT read or write whose user buffer is
 * a DAX mapping of device memory.
 */

/*
 * @kernel v4.4 fs/direct-io.c (dio_refill_pages, dio_bio_complete), reduced
 * Pins the buffer's pages for the I/O, then, once the I/O completed, puts them. The pages are
 * in flight between the two.
 */
int dax_direct_io(unsigned long start, int nr_pages, int write)
{
	struct page **pages = dio_pages;
	int ret, i;

	ret = get_user_pages_fast(start, nr_pages, write, pages);
	for (i = 0; i < ret; i++)
		put_page(pages[i]);
	return ret;
}
