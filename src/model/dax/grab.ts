// grab_mapping_entry(): fs/dax.c of v4.10, with the PMD entries and the
// pmd_downgrade of "dax: add struct iomap based DAX PMD support" as merged.
import type { FnDef } from '../ir';

/*
 * Find radix tree entry at given index. If it points to a page, return with
 * the page locked. If it points to the exceptional entry, return with the
 * radix tree entry locked. If the radix tree doesn't contain given index,
 * create empty exceptional entry for the index and return with it locked.
 *
 * When size_flag is RADIX_DAX_PMD and a PTE entry or page sits at index,
 * returns ERR_PTR(-EEXIST) so the caller falls back to PTEs; a PTE request
 * over an empty or zero-page PMD entry downgrades it.
 */
export const grab_mapping_entry: FnDef = {
  name: 'grab_mapping_entry', kernel: 'v4.10 fs/dax.c',
  params: ['mapping', 'index', 'size_flag'],
  locals: ['pmd_downgrade', 'entry', 'slot', 'err', 'page', 'm'],
  body: (b) => {
    const eexistPut = b.point('eexist_put',
      'put_unlocked_mapping_entry(mapping, index, entry); before entry = ERR_PTR(-EEXIST) on the PMD path', [true, false], true);
    const downgradeWakeAll = b.point('downgrade_wake_all',
      'dax_wake_mapping_entry_waiter(mapping, index, entry, true) after radix_tree_delete() of the downgraded PMD entry', [true, false], true);
    const preloadFail = b.point('preload_fail',
      'if (err) { if (pmd_downgrade) put_locked_mapping_entry(mapping, index, entry); return ERR_PTR(err); } after radix_tree_preload()',
      ['put-locked-if-downgrade', 'return'], 'put-locked-if-downgrade');
    const unmapOrder = b.point('unmap_vs_preload',
      'unmap_mapping_range() of a downgraded huge zero page before (unmap-first) or after (preload-first) radix_tree_preload()',
      ['unmap-first', 'preload-first'], 'unmap-first');
    const eexistRestart = b.point('insert_eexist_restart',
      'if (err == -EEXIST && !(size_flag & RADIX_DAX_PMD)) goto restart; after __radix_tree_insert()', [true, false], true);

    b.assign('pmd_downgrade', 'false', 'bool pmd_downgrade = false; /* splitting 2MiB entry into 4k entries? */');
    b.label('restart');
    b.prim('spin_lock_irq', ['TREE_LOCK'], undefined, 'spin_lock_irq(&mapping->tree_lock);');
    b.call('get_unlocked_mapping_entry', ['mapping', 'index', '&slot'], 'entry', 'entry = get_unlocked_mapping_entry(mapping, index, &slot);');

    b.if('entry', () => {
      b.if('size_flag & RADIX_DAX_PMD', () => {
        b.if('!radix_tree_exceptional_entry(entry) || dax_is_pte_entry(entry)', () => {
          if (eexistPut) b.call('put_unlocked_mapping_entry', ['mapping', 'index', 'entry'], undefined, 'put_unlocked_mapping_entry(mapping, index, entry);');
          b.assign('entry', 'ERR_PTR(-EEXIST)', 'entry = ERR_PTR(-EEXIST);');
          b.goto('out_unlock');
        });
      }, () => {
        /* trying to grab a PTE entry */
        b.if('radix_tree_exceptional_entry(entry) && dax_is_pmd_entry(entry) && (dax_is_zero_entry(entry) || dax_is_empty_entry(entry))', () => {
          b.assign('pmd_downgrade', 'true', 'pmd_downgrade = true;');
        });
      });
    });

    const unmap = (): void => {
      /*
       * Besides huge zero pages the only other thing that gets
       * downgraded are empty entries which don't need to be
       * unmapped.
       */
      b.if('pmd_downgrade && dax_is_zero_entry(entry)', () => {
        b.prim('unmap_mapping_range', ['index & ~PG_PMD_COLOUR', 'PG_PMD_NR'], undefined,
          'unmap_mapping_range(mapping, (index << PAGE_SHIFT) & PMD_MASK, PMD_SIZE, 0);');
      });
    };

    /* No entry for given index? Make sure radix tree is big enough. */
    b.if('!entry || pmd_downgrade', () => {
      b.if('pmd_downgrade', () => {
        /* Make sure 'entry' remains valid while we drop mapping->tree_lock. */
        b.call('lock_slot', ['mapping', 'slot'], 'entry', 'entry = lock_slot(mapping, slot);');
      });
      b.prim('spin_unlock_irq', ['TREE_LOCK'], undefined, 'spin_unlock_irq(&mapping->tree_lock);');
      if (unmapOrder === 'unmap-first') unmap();
      b.prim('radix_tree_preload', ['0'], 'err', 'err = radix_tree_preload(mapping_gfp_mask(mapping) & ~__GFP_HIGHMEM);');
      b.if('err', () => {
        if (preloadFail === 'put-locked-if-downgrade') {
          b.if('pmd_downgrade', () => {
            b.call('put_locked_mapping_entry', ['mapping', 'index', 'entry'], undefined, 'put_locked_mapping_entry(mapping, index, entry);');
          });
        }
        b.ret('ERR_PTR(err)');
      });
      if (unmapOrder === 'preload-first') unmap();
      b.prim('spin_lock_irq', ['TREE_LOCK'], undefined, 'spin_lock_irq(&mapping->tree_lock);');

      b.if('pmd_downgrade', () => {
        b.prim('radix_tree_delete', ['index'], undefined, 'radix_tree_delete(&mapping->page_tree, index);');
        b.prim('nrexceptional_add', ['-1'], undefined, 'mapping->nrexceptional--;');
        b.call('dax_wake_mapping_entry_waiter', ['mapping', 'index', 'entry', downgradeWakeAll ? 'true' : 'false'], undefined,
          `dax_wake_mapping_entry_waiter(mapping, index, entry, ${downgradeWakeAll});`);
      });

      b.assign('entry', 'dax_radix_locked_entry(0, size_flag | RADIX_DAX_EMPTY)', 'entry = dax_radix_locked_entry(0, size_flag | RADIX_DAX_EMPTY);');
      b.prim('__radix_tree_insert', ['index', 'dax_radix_order(entry)', 'entry'], 'err',
        'err = __radix_tree_insert(&mapping->page_tree, index, dax_radix_order(entry), entry);');
      b.prim('radix_tree_preload_end', [], undefined, 'radix_tree_preload_end();');
      b.if('err', () => {
        b.prim('spin_unlock_irq', ['TREE_LOCK'], undefined, 'spin_unlock_irq(&mapping->tree_lock);');
        /*
         * Someone already created the entry?  This is a normal failure
         * when inserting PMDs in a range that already contains PTEs.
         * In that case we want to return -EEXIST immediately.  We get
         * here only if there was no entry at 'index', so there are no
         * waiters to wake.
         */
        if (eexistRestart) b.if('err == -EEXIST && !(size_flag & RADIX_DAX_PMD)', () => b.goto('restart', 'goto restart;', true));
        b.ret('ERR_PTR(err)');
      });
      /* Good, we have inserted empty locked entry into the tree. */
      b.prim('nrexceptional_add', ['1'], undefined, 'mapping->nrexceptional++;');
      b.prim('spin_unlock_irq', ['TREE_LOCK'], undefined, 'spin_unlock_irq(&mapping->tree_lock);');
      b.ret('entry');
    });

    /* Normal page in radix tree? */
    b.if('!radix_tree_exceptional_entry(entry)', () => {
      b.assign('page', 'entry', 'struct page *page = entry;');
      b.prim('get_page', ['page'], undefined, 'get_page(page);');
      b.prim('spin_unlock_irq', ['TREE_LOCK'], undefined, 'spin_unlock_irq(&mapping->tree_lock);');
      b.prim('lock_page', ['page'], undefined, 'lock_page(page);');
      /* Page got truncated? Retry... */
      b.prim('page_mapping', ['page'], 'm', 'if (unlikely(page->mapping != mapping))');
      b.if('m != mapping', () => {
        b.prim('unlock_page', ['page'], undefined, 'unlock_page(page);');
        b.prim('put_page', ['page'], undefined, 'put_page(page);');
        b.goto('restart', 'goto restart;', true);
      }, undefined, 'if (unlikely(page->mapping != mapping))');
      b.ret('page');
    });
    b.call('lock_slot', ['mapping', 'slot'], 'entry', 'entry = lock_slot(mapping, slot);');
    b.label('out_unlock');
    b.prim('spin_unlock_irq', ['TREE_LOCK'], undefined, 'spin_unlock_irq(&mapping->tree_lock);');
    b.ret('entry');
  },
};
