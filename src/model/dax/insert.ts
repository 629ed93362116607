// Inserting DAX entries and mappings: fs/dax.c of v4.10.
import type { FnDef } from '../ir';

const V = 'v4.10 fs/dax.c';

/*
 * By this point grab_mapping_entry() has ensured that we have a locked entry
 * of the appropriate size so we don't have to worry about downgrading PMDs to
 * PTEs.  If we happen to be trying to insert a PTE and there is a PMD
 * already in the tree, we will skip the insertion and just dirty the PMD as
 * appropriate.  Returns the new entry, locked (dax_radix_locked_entry()).
 */
export const dax_insert_mapping_entry: FnDef = {
  name: 'dax_insert_mapping_entry', kernel: V,
  params: ['mapping', 'index', 'entry', 'sector', 'flags', 'write'],
  locals: ['error', 'hole_fill', 'new_entry', 'ret', 'slot'],
  body: (b) => {
    const replace = b.point('replace_only_zero_or_empty',
      '} else if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry)) { ... __radix_tree_replace(...) }  (false: replace whatever entry is there)',
      [true, false], true);
    b.assign('hole_fill', 'false', 'bool hole_fill = false;');
    /* Replacing hole page with block mapping? */
    b.if('!radix_tree_exceptional_entry(entry)', () => {
      b.assign('hole_fill', 'true', 'hole_fill = true;');
      /* Unmap the page now before we remove it from page cache below. The page is locked so it cannot be faulted in again. */
      b.prim('unmap_mapping_range', ['index', '1'], undefined, 'unmap_mapping_range(mapping, vmf->pgoff << PAGE_SHIFT, PAGE_SIZE, 0);');
      b.prim('radix_tree_preload', ['0'], 'error', 'error = radix_tree_preload(vmf->gfp_mask & ~__GFP_HIGHMEM);');
      b.if('error', () => b.ret('ERR_PTR(error)'));
    }, () => {
      b.if('dax_is_zero_entry(entry) && !(flags & RADIX_DAX_HZP)', () => {
        /* replacing huge zero page with PMD block mapping */
        b.prim('unmap_mapping_range', ['index & ~PG_PMD_COLOUR', 'PG_PMD_NR'], undefined,
          'unmap_mapping_range(mapping, (vmf->pgoff << PAGE_SHIFT) & PMD_MASK, PMD_SIZE, 0);');
      });
    });

    b.prim('spin_lock_irq', ['TREE_LOCK'], undefined, 'spin_lock_irq(&mapping->tree_lock);');
    b.assign('new_entry', 'dax_radix_locked_entry(sector, flags)', 'new_entry = dax_radix_locked_entry(sector, flags);');

    b.if('hole_fill', () => {
      b.prim('__delete_from_page_cache', ['entry'], undefined, '__delete_from_page_cache(entry, NULL);');
      /* Drop pagecache reference */
      b.prim('put_page', ['entry'], undefined, 'put_page(entry);');
      b.prim('__radix_tree_insert', ['index', 'dax_radix_order(new_entry)', 'new_entry'], 'error',
        'error = __radix_tree_insert(page_tree, index, dax_radix_order(new_entry), new_entry);');
      b.if('error', () => {
        b.assign('new_entry', 'ERR_PTR(error)', 'new_entry = ERR_PTR(error);');
        b.goto('unlock');
      });
      b.prim('nrexceptional_add', ['1'], undefined, 'mapping->nrexceptional++;');
    }, () => {
      b.if(replace ? 'dax_is_zero_entry(entry) || dax_is_empty_entry(entry)' : '1', () => {
        b.prim('__radix_tree_lookup', ['index', '&slot'], 'ret', 'ret = __radix_tree_lookup(page_tree, index, &node, &slot);');
        b.prim('WARN_ON_ONCE', ['ret != entry'], undefined, 'WARN_ON_ONCE(ret != entry);');
        b.prim('radix_tree_replace_slot', ['slot', 'new_entry'], undefined, '__radix_tree_replace(page_tree, node, slot, new_entry, NULL, NULL);');
      }, undefined, replace ? 'else if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry))' : 'else');
    });
    b.if('write', () => {
      b.prim('radix_tree_tag_set', ['index', 'PAGECACHE_TAG_DIRTY'], undefined, 'radix_tree_tag_set(page_tree, index, PAGECACHE_TAG_DIRTY);');
    }, undefined, 'if (vmf->flags & FAULT_FLAG_WRITE)');
    b.label('unlock');
    b.prim('spin_unlock_irq', ['TREE_LOCK'], undefined, 'spin_unlock_irq(&mapping->tree_lock);');
    b.if('hole_fill', () => {
      b.prim('radix_tree_preload_end', [], undefined, 'radix_tree_preload_end();');
      /* We don't need hole page anymore, it has been replaced with locked radix tree entry now. */
      b.prim('unlock_page', ['entry'], undefined, 'unlock_page(entry);');
      b.prim('put_page', ['entry'], undefined, 'put_page(entry);');
    });
    b.ret('new_entry');
  },
};

export const dax_insert_mapping: FnDef = {
  name: 'dax_insert_mapping', kernel: V, params: ['mapping', 'index', 'entryp', 'sector', 'write'], locals: ['ret'],
  body: (b) => {
    b.call('dax_insert_mapping_entry', ['mapping', 'index', '*entryp', 'sector', '0', 'write'], 'ret',
      'ret = dax_insert_mapping_entry(mapping, vmf, entry, dax.sector, 0);');
    b.if('IS_ERR(ret)', () => b.ret('PTR_ERR(ret)'));
    b.assign('*entryp', 'ret', '*entryp = ret;');
    b.prim('vm_insert_mixed', ['index', 'sector'], 'ret', 'return vm_insert_mixed(vma, vaddr, dax.pfn);');
    b.ret('ret');
  },
};

export const dax_load_hole: FnDef = {
  name: 'dax_load_hole', kernel: V, params: ['mapping', 'entryp', 'index'], locals: ['page', 'ret'],
  body: (b) => {
    /* Hole page already exists? Return it...  */
    b.if('!radix_tree_exceptional_entry(*entryp)', () => {
      b.assign('page', '*entryp', 'page = *entry;');
      b.goto('out');
    });
    /* This will replace locked radix tree entry with a hole page */
    b.call('find_or_create_page', ['mapping', 'index'], 'page', 'page = find_or_create_page(mapping, vmf->pgoff, vmf->gfp_mask | __GFP_ZERO);');
    b.if('!page', () => b.ret('VM_FAULT_OOM'));
    b.label('out');
    b.prim('finish_fault', ['page', 'index'], 'ret', 'vmf->page = page; ret = finish_fault(vmf);');
    b.assign('*entryp', 'page', '*entry = page;');
    b.if('!ret', () => {
      /* Grab reference for PTE that is now referencing the page */
      b.prim('get_page', ['page'], undefined, 'get_page(page);');
      b.ret('VM_FAULT_NOPAGE');
    });
    b.ret('ret');
  },
};

export const dax_pmd_insert_mapping: FnDef = {
  name: 'dax_pmd_insert_mapping', kernel: V, params: ['mapping', 'pgoff', 'entryp', 'write', 'iomap'], locals: ['sector', 'ret'],
  body: (b) => {
    // dax_map_atomic() of the linear block map gives a PMD-aligned pfn covering PMD_SIZE: no fallback there.
    b.assign('sector', 'dax_iomap_sector(iomap, pgoff)', '.sector = dax_iomap_sector(iomap, pos),');
    b.call('dax_insert_mapping_entry', ['mapping', 'pgoff', '*entryp', 'sector', 'RADIX_DAX_PMD', 'write'], 'ret',
      'ret = dax_insert_mapping_entry(mapping, vmf, *entryp, dax.sector, RADIX_DAX_PMD);');
    b.if('IS_ERR(ret)', () => b.ret('VM_FAULT_FALLBACK'));
    b.assign('*entryp', 'ret', '*entryp = ret;');
    b.prim('vmf_insert_pfn_pmd', ['pgoff'], 'ret', 'return vmf_insert_pfn_pmd(vma, address, pmd, dax.pfn, write);');
    b.ret('ret');
  },
};

export const dax_pmd_load_hole: FnDef = {
  name: 'dax_pmd_load_hole', kernel: V, params: ['mapping', 'pgoff', 'entryp'], locals: ['ret', 'set'],
  body: (b) => {
    b.call('dax_insert_mapping_entry', ['mapping', 'pgoff', '*entryp', '0', 'RADIX_DAX_PMD | RADIX_DAX_HZP', '0'], 'ret',
      'ret = dax_insert_mapping_entry(mapping, vmf, *entryp, 0, RADIX_DAX_PMD | RADIX_DAX_HZP);');
    b.if('IS_ERR(ret)', () => b.ret('VM_FAULT_FALLBACK'));
    b.assign('*entryp', 'ret', '*entryp = ret;');
    b.prim('set_pmd_huge_zero', [], 'set', 'ptl = pmd_lock(vma->vm_mm, pmd); if (!pmd_none(*pmd)) ...; set_pmd_at(vma->vm_mm, pmd_addr, pmd, pmd_entry);');
    b.if('!set', () => b.ret('VM_FAULT_FALLBACK'), undefined, 'if (!pmd_none(*pmd)) { spin_unlock(ptl); return VM_FAULT_FALLBACK; }');
    b.ret('VM_FAULT_NOPAGE');
  },
};

export const INSERT_FNS = [dax_insert_mapping_entry, dax_insert_mapping, dax_load_hole, dax_pmd_insert_mapping, dax_pmd_load_hole];
