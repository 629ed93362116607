// Removing DAX entries: fs/dax.c of v4.10 (__dax_invalidate_mapping_entry from
// "mm: Invalidate DAX radix tree entries only if appropriate").
import type { FnDef } from '../ir';

const V = 'v4.10 fs/dax.c';

export const __dax_invalidate_mapping_entry: FnDef = {
  name: '__dax_invalidate_mapping_entry', kernel: V, params: ['mapping', 'index', 'trunc'], locals: ['ret', 'entry', 'tag'],
  body: (b) => {
    const put = b.point('put', 'out: put_unlocked_mapping_entry(mapping, index, entry);', [true, false], true);
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
    if (put) b.call('put_unlocked_mapping_entry', ['mapping', 'index', 'entry'], undefined, 'put_unlocked_mapping_entry(mapping, index, entry);');
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
