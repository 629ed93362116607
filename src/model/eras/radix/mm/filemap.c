// SPDX-License-Identifier: GPL-2.0
/*
 * mm/filemap.c of v4.10 as the model runs it: the page cache side of DAX hole pages. A
 * hole page takes the place of the empty locked DAX entry a read fault inserted, and wakes
 * the waiters of that entry. The tree operations of page_cache_tree_insert() are two
 * operations of the model, named for what they do (see the era's API table).
 */

/*
 * @kernel v4.10 mm/filemap.c
 * Puts a page into the slot of page->index. The slot may hold the empty locked entry of a
 * DAX read fault: it is replaced and everyone waiting for it woken, since they wait for a
 * lock that is gone.
 */
static int page_cache_tree_insert(struct address_space *mapping,
				  struct page *page, void **shadowp)
{
	void *p;

	p = page_cache_tree_slot(mapping, page->index);
	if (p) {
		if (!radix_tree_exceptional_entry(p))
			return -EEXIST;

		mapping->nrexceptional--;
		if (!dax_mapping(mapping)) {
			if (shadowp)
				*shadowp = p;
		} else {
			/* DAX replaces the empty locked entry with a hole page */
			WARN_ON_ONCE(p !=
				dax_radix_locked_entry(0, RADIX_DAX_EMPTY));
			/* and wakes whoever waits for that entry's lock */
			dax_wake_mapping_entry_waiter(mapping, page->index, p,
						      true);
		}
	}
	page_cache_tree_replace(mapping, page->index, page);
	mapping->nrpages++;
	return 0;
}

/*
 * @kernel v4.10 mm/filemap.c (add_to_page_cache_lru, __add_to_page_cache_locked)
 * Adds a new page, locked, to the page cache at offset.
 */
int add_to_page_cache_lru(struct page *page, struct address_space *mapping,
				pgoff_t offset, gfp_t gfp_mask)
{
	int error;

	/* __SetPageLocked(page); page->mapping = mapping; page->index = offset; */
	page_cache_init(page, mapping, offset);
	get_page(page);

	spin_lock_irq(&mapping->tree_lock);
	error = page_cache_tree_insert(mapping, page, NULL);
	if (unlikely(error))
		goto err_insert;
	spin_unlock_irq(&mapping->tree_lock);
	return 0;
err_insert:
	/* page->mapping = NULL; __ClearPageLocked(page); (page->index stays set) */
	page_cache_uninit(page);
	spin_unlock_irq(&mapping->tree_lock);
	put_page(page);
	return error;
}

/*
 * @kernel v4.10 mm/filemap.c (pagecache_get_page with FGP_LOCK | FGP_ACCESSED | FGP_CREAT)
 * The page at offset, locked, created when there is none.
 */
struct page *find_or_create_page(struct address_space *mapping,
					pgoff_t offset, gfp_t gfp_mask)
{
	struct page *page;
	int err;

repeat:
	page = find_get_entry(mapping, offset);
	if (radix_tree_exceptional_entry(page))
		page = NULL;
	if (page) {
		lock_page(page);

		/* Truncated meanwhile? */
		if (unlikely(page->mapping != mapping)) {
			unlock_page(page);
			put_page(page);
			goto repeat;
		}
		return page;
	}

	page = __page_cache_alloc(gfp_mask);
	if (!page)
		return NULL;

	err = add_to_page_cache_lru(page, mapping, offset,
			gfp_mask & GFP_RECLAIM_MASK);
	if (unlikely(err)) {
		put_page(page);
		page = NULL;
		if (err == -EEXIST)
			goto repeat;
	}
	return page;
}

/*
 * @kernel v4.10 mm/filemap.c
 * Removes a locked page from the page cache and drops the page cache's reference.
 */
void delete_from_page_cache(struct page *page)
{
	struct address_space *mapping = page_mapping(page);
	unsigned long flags;

	spin_lock_irqsave(&mapping->tree_lock, flags);
	__delete_from_page_cache(page, NULL);
	spin_unlock_irqrestore(&mapping->tree_lock, flags);

	put_page(page);
}
