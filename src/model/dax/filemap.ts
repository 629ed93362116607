// The page cache side of DAX hole pages: mm/filemap.c of v4.10.
import type { FnDef } from '../ir';

const V = 'v4.10 mm/filemap.c';

export const page_cache_tree_insert: FnDef = {
  name: 'page_cache_tree_insert', kernel: V, params: ['mapping', 'page', 'shadowp'], locals: ['index', 'p'],
  body: (b) => {
    const wakeAll = b.point('dax_wake_all',
      'dax_wake_mapping_entry_waiter(mapping, page->index, p, true) when a hole page replaces the empty locked entry',
      [true, false], true);
    b.prim('page_index', ['page'], 'index', 'page->index');
    b.prim('page_cache_tree_slot', ['index'], 'p', 'error = __radix_tree_create(&mapping->page_tree, page->index, 0, &node, &slot); p = *slot;');
    b.if('p', () => {
      b.if('!radix_tree_exceptional_entry(p)', () => b.ret('-EEXIST'));
      b.prim('nrexceptional_add', ['-1'], undefined, 'mapping->nrexceptional--;');
      /* DAX can replace empty locked entry with a hole */
      b.prim('WARN_ON_ONCE', ['p != dax_radix_locked_entry(0, RADIX_DAX_EMPTY)'], undefined,
        'WARN_ON_ONCE(p != dax_radix_locked_entry(0, RADIX_DAX_EMPTY));');
      /* Wakeup waiters for exceptional entry lock */
      b.call('dax_wake_mapping_entry_waiter', ['mapping', 'index', 'p', wakeAll ? 'true' : 'false'], undefined,
        `dax_wake_mapping_entry_waiter(mapping, page->index, p, ${wakeAll});`);
    }, undefined, 'if (*slot)');
    b.prim('page_cache_tree_replace', ['index', 'page'], undefined, '__radix_tree_replace(&mapping->page_tree, node, slot, page, workingset_update_node, mapping);');
    b.prim('nrpages_add', ['1'], undefined, 'mapping->nrpages++;');
    b.ret('0');
  },
};

/** add_to_page_cache_lru() with __add_to_page_cache_locked() inlined. */
export const add_to_page_cache_lru: FnDef = {
  name: 'add_to_page_cache_lru', kernel: V, params: ['page', 'mapping', 'offset'], locals: ['error'],
  body: (b) => {
    b.prim('page_cache_init', ['page', 'offset'], undefined, '__SetPageLocked(page); page->mapping = mapping; page->index = offset;');
    b.prim('get_page', ['page'], undefined, 'get_page(page);');
    b.prim('spin_lock_irq', ['TREE_LOCK'], undefined, 'spin_lock_irq(&mapping->tree_lock);');
    b.call('page_cache_tree_insert', ['mapping', 'page', 'NULL'], 'error', 'error = page_cache_tree_insert(mapping, page, shadowp);');
    b.if('error', () => {
      b.prim('page_cache_uninit', ['page'], undefined, 'page->mapping = NULL; __ClearPageLocked(page);');
      b.prim('spin_unlock_irq', ['TREE_LOCK'], undefined, 'spin_unlock_irq(&mapping->tree_lock);');
      b.prim('put_page', ['page'], undefined, 'put_page(page);');
      b.ret('error');
    }, undefined, 'if (unlikely(error)) goto err_insert;');
    b.prim('spin_unlock_irq', ['TREE_LOCK'], undefined, 'spin_unlock_irq(&mapping->tree_lock);');
    b.ret('0');
  },
};

/** pagecache_get_page(mapping, offset, FGP_LOCK|FGP_ACCESSED|FGP_CREAT, gfp). */
export const find_or_create_page: FnDef = {
  name: 'find_or_create_page', kernel: V, params: ['mapping', 'offset'], locals: ['page', 'err', 'm'],
  body: (b) => {
    b.label('repeat');
    b.prim('find_get_entry', ['offset'], 'page', 'page = find_get_entry(mapping, offset);');
    b.if('radix_tree_exceptional_entry(page)', () => b.assign('page', 'NULL', 'page = NULL;'));
    b.if('page', () => {
      b.prim('lock_page', ['page'], undefined, 'lock_page(page);');
      /* Has the page been truncated? */
      b.prim('page_mapping', ['page'], 'm', 'if (unlikely(page->mapping != mapping))');
      b.if('m != mapping', () => {
        b.prim('unlock_page', ['page'], undefined, 'unlock_page(page);');
        b.prim('put_page', ['page'], undefined, 'put_page(page);');
        b.goto('repeat', 'goto repeat;', true);
      }, undefined, 'if (unlikely(page->mapping != mapping))');
      b.ret('page');
    });
    b.prim('__page_cache_alloc', [], 'page', 'page = __page_cache_alloc(gfp_mask);');
    b.call('add_to_page_cache_lru', ['page', 'mapping', 'offset'], 'err', 'err = add_to_page_cache_lru(page, mapping, offset, gfp_mask & GFP_RECLAIM_MASK);');
    b.if('err', () => {
      b.prim('put_page', ['page'], undefined, 'put_page(page);');
      b.assign('page', 'NULL', 'page = NULL;');
      b.if('err == -EEXIST', () => b.goto('repeat', 'goto repeat;', true));
    }, undefined, 'if (unlikely(err))');
    b.ret('page');
  },
};

export const delete_from_page_cache: FnDef = {
  name: 'delete_from_page_cache', kernel: V, params: ['page'], locals: [],
  body: (b) => {
    b.prim('spin_lock_irq', ['TREE_LOCK'], undefined, 'spin_lock_irqsave(&mapping->tree_lock, flags);');
    b.prim('__delete_from_page_cache', ['page'], undefined, '__delete_from_page_cache(page, NULL);');
    b.prim('spin_unlock_irq', ['TREE_LOCK'], undefined, 'spin_unlock_irqrestore(&mapping->tree_lock, flags);');
    b.prim('put_page', ['page'], undefined, 'put_page(page);');
  },
};

export const FILEMAP_FNS = [page_cache_tree_insert, add_to_page_cache_lru, find_or_create_page, delete_from_page_cache];
