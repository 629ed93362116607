// Removing DAX entries: fs/dax.c of v4.10 (__dax_invalidate_mapping_entry from
// "mm: Invalidate DAX radix tree entries only if appropriate").
import type { FnDef } from '../ir';

const V = 'v4.10 fs/dax.c';

export const __dax_invalidate_mapping_entry: FnDef = {
  name: '__dax_invalidate_mapping_entry', kernel: V, params: ['mapping', 'index', 'trunc'], locals: ['ret', 'entry', 'tag'],
  body: (b) => {
    const put = b.point('put', 'out: put_unlocked_mapping_entry(mapping, index, entry);', [true, false], true);
    // v5.14 ("dax: Wake up all waiters after invalidating dax entry") wakes every waiter here:
    // after a delete, the one woken waiter may lock another index and never pass the wake-up on.
    const wakeAll = b.point('put_wake_all',
      'out: wake all waiters (put_unlocked_entry(&xas, entry, WAKE_ALL) of v5.14) instead of put_unlocked_mapping_entry()',
      [false, true], false);
    b.assign('ret', '0', 'int ret = 0;');
    b.prim('spin_lock_irq', ['TREE_LOCK'], undefined, 'spin_lock_irq(&mapping->tree_lock);');
    b.call('get_unlocked_mapping_entry', ['mapping', 'index', 'NULL'], 'entry', 'entry = get_unlocked_mapping_entry(mapping, index, NULL);');
    b.if('!entry || !radix_tree_exceptional_entry(entry)', () => b.goto('out'));
    b.if('!trunc', () => {
      b.prim('radix_tree_tag_get', ['index', 'PAGECACHE_TAG_DIRTY'], 'tag', 'radix_tree_tag_get(page_tree, index, PAGECACHE_TAG_DIRTY)');
      b.if('tag', () => b.goto('out'));
      b.prim('radix_tree_tag_get', ['index', 'PAGECACHE_TAG_TOWRITE'], 'tag', 'radix_tree_tag_get(page_tree, index, PAGECACHE_TAG_TOWRITE)');
      b.if('tag', () => b.goto('out'));
    }, undefined, 'if (!trunc && (radix_tree_tag_get(page_tree, index, PAGECACHE_TAG_DIRTY) || radix_tree_tag_get(page_tree, index, PAGECACHE_TAG_TOWRITE)))');
    b.prim('radix_tree_delete', ['index'], undefined, 'radix_tree_delete(page_tree, index);');
    b.prim('nrexceptional_add', ['-1'], undefined, 'mapping->nrexceptional--;');
    b.assign('ret', '1', 'ret = 1;');
    b.label('out');
    if (put && !wakeAll) b.call('put_unlocked_mapping_entry', ['mapping', 'index', 'entry'], undefined, 'put_unlocked_mapping_entry(mapping, index, entry);');
    if (put && wakeAll) {
      b.if('entry && radix_tree_exceptional_entry(entry)', () => {
        b.call('dax_wake_mapping_entry_waiter', ['mapping', 'index', 'entry', 'true'], undefined, 'put_unlocked_entry(&xas, entry, WAKE_ALL);');
      });
    }
    b.prim('spin_unlock_irq', ['TREE_LOCK'], undefined, 'spin_unlock_irq(&mapping->tree_lock);');
    b.ret('ret');
  },
};

/* Delete exceptional DAX entry at @index from @mapping. Wait for radix tree entry lock to be released. */
export const dax_delete_mapping_entry: FnDef = {
  name: 'dax_delete_mapping_entry', kernel: V, params: ['mapping', 'index'], locals: ['ret'],
  body: (b) => {
    b.call('__dax_invalidate_mapping_entry', ['mapping', 'index', '1'], 'ret', 'int ret = __dax_invalidate_mapping_entry(mapping, index, true);');
    /* This gets called from truncate / punch_hole path. As such, the caller must hold locks protecting against concurrent modifications of the radix tree (usually fs-private i_mmap_sem for writing). */
    b.prim('WARN_ON_ONCE', ['!ret'], undefined, 'WARN_ON_ONCE(!ret);');
    b.ret('ret');
  },
};

/* Invalidate exceptional DAX entry if it is clean. */
export const dax_invalidate_mapping_entry_sync: FnDef = {
  name: 'dax_invalidate_mapping_entry_sync', kernel: V, params: ['mapping', 'index'], locals: ['ret'],
  body: (b) => {
    b.call('__dax_invalidate_mapping_entry', ['mapping', 'index', '0'], 'ret', 'return __dax_invalidate_mapping_entry(mapping, index, false);');
    b.ret('ret');
  },
};

export const INVALIDATE_FNS = [__dax_invalidate_mapping_entry, dax_delete_mapping_entry, dax_invalidate_mapping_entry_sync];
