// The callers that make threads: the page fault entry of mm/memory.c, XFS's
// fault handlers that take XFS_MMAPLOCK, truncate and invalidation (mm/truncate.c).
// All of v4.10, reduced to the statements that touch the modelled state.
import type { FnDef } from '../ir';

/** __handle_mm_fault() of v4.10 mm/memory.c: a PMD fault first when the PMD is none and
 *  THP is enabled for the vma, a write to a huge PMD through wp_huge_pmd(), else the PTE fault. */
export const handle_mm_fault: FnDef = {
  name: 'handle_mm_fault', kernel: 'v4.10 mm/memory.c (__handle_mm_fault)', params: ['index', 'write', 'thp'], locals: ['pmd', 'ret'],
  body: (b) => {
    b.prim('pmd_read', [], 'pmd', 'orig_pmd = *vmf.pmd;');
    b.if('pmd == PMD_NONE && thp', () => {
      b.call('xfs_filemap_pmd_fault', ['index', 'write'], 'ret', 'ret = create_huge_pmd(&vmf);');
      b.if('!(ret & VM_FAULT_FALLBACK)', () => b.ret('ret'));
    }, () => {
      b.if('pmd == PMD_HUGE_ZERO || pmd == PMD_DEVMAP', () => {
        b.if('!write', () => b.ret('0'), undefined, 'if (!(dirty && !pmd_write(orig_pmd))) { huge_pmd_set_accessed(&vmf, orig_pmd); return 0; }');
        b.call('xfs_filemap_pmd_fault', ['index', 'write'], 'ret', 'ret = wp_huge_pmd(&vmf, orig_pmd);');
        b.if('!(ret & VM_FAULT_FALLBACK)', () => b.ret('ret'));
      }, undefined, 'if (pmd_trans_huge(orig_pmd) || pmd_devmap(orig_pmd))');
    }, 'if (pmd_none(*vmf.pmd) && transparent_hugepage_enabled(vma))');
    b.call('handle_pte_fault', ['index', 'write'], 'ret', 'return handle_pte_fault(&vmf);');
    b.ret('ret');
  },
};

/** handle_pte_fault() of v4.10 mm/memory.c: a present PTE needs no fault unless written
 *  (do_wp_page: pfn_mkwrite for a DAX pfn, page_mkwrite for a hole page). */
export const handle_pte_fault: FnDef = {
  name: 'handle_pte_fault', kernel: 'v4.10 mm/memory.c', params: ['index', 'write'], locals: ['pmd', 'pte', 'ret'],
  body: (b) => {
    b.prim('pmd_read', [], 'pmd', 'if (pmd_devmap_trans_unstable(vmf->pmd))');
    b.if('pmd == PMD_HUGE_ZERO || pmd == PMD_DEVMAP', () => b.ret('0'), undefined, 'if (pmd_devmap_trans_unstable(vmf->pmd)) return 0;');
    b.prim('pte_read', ['index'], 'pte', 'vmf->orig_pte = *vmf->pte;');
    b.if('!pte', () => {
      b.call('xfs_filemap_fault', ['index', 'write'], 'ret', 'return do_fault(vmf);');
      b.ret('ret');
    }, undefined, 'if (!vmf->pte)');
    b.if('!write', () => b.ret('0'), undefined, 'if (vmf->flags & FAULT_FLAG_WRITE) { if (!pte_write(entry))');
    b.if('pte == PTE_PFN', () => {
      b.call('xfs_filemap_pfn_mkwrite', ['index'], 'ret', 'return wp_pfn_shared(vmf);');
      b.ret('ret');
    });
    b.call('xfs_filemap_fault', ['index', 'write'], 'ret', 'return wp_page_shared(vmf);  /* ->page_mkwrite: dax_iomap_fault() */');
    b.ret('ret');
  },
};

const mmaplocked = (fn: string, dax: string, args: string[], c: string): FnDef => ({
  name: fn, kernel: 'v4.10 fs/xfs/xfs_file.c', params: ['index', 'write'], locals: ['lock', 'ret'],
  body: (b) => {
    b.prim('fs_mmaplock', [], 'lock', 'IS_DAX(inode)');
    b.if('lock', () => b.prim('xfs_ilock', ['XFS_MMAPLOCK_SHARED'], undefined, 'xfs_ilock(XFS_I(inode), XFS_MMAPLOCK_SHARED);'));
    b.call(dax, args, 'ret', c);
    b.if('lock', () => b.prim('xfs_iunlock', ['XFS_MMAPLOCK_SHARED'], undefined, 'xfs_iunlock(XFS_I(inode), XFS_MMAPLOCK_SHARED);'));
    b.ret('ret');
  },
});

export const xfs_filemap_fault = mmaplocked('xfs_filemap_fault', 'dax_iomap_pte_fault', ['MAPPING', 'index', 'write'],
  'ret = dax_iomap_fault(vma, vmf, &xfs_iomap_ops);');
export const xfs_filemap_pmd_fault = mmaplocked('xfs_filemap_pmd_fault', 'dax_iomap_pmd_fault', ['MAPPING', 'index', 'write'],
  'ret = dax_iomap_pmd_fault(vma, addr, pmd, flags, &xfs_iomap_ops);');

export const xfs_filemap_pfn_mkwrite: FnDef = {
  name: 'xfs_filemap_pfn_mkwrite', kernel: 'v4.10 fs/xfs/xfs_file.c', params: ['index'], locals: ['lock', 'size', 'ret'],
  body: (b) => {
    b.prim('fs_mmaplock', [], 'lock', 'IS_DAX(inode)');
    b.if('lock', () => b.prim('xfs_ilock', ['XFS_MMAPLOCK_SHARED'], undefined, 'xfs_ilock(ip, XFS_MMAPLOCK_SHARED);'));
    b.prim('i_size_read', [], 'size', 'size = (i_size_read(inode) + PAGE_SIZE - 1) >> PAGE_SHIFT;');
    b.if('index >= size', () => b.assign('ret', 'VM_FAULT_SIGBUS', 'ret = VM_FAULT_SIGBUS;'), () => {
      b.call('dax_pfn_mkwrite', ['MAPPING', 'index'], 'ret', 'ret = dax_pfn_mkwrite(vma, vmf);');
    }, 'if (vmf->pgoff >= size)');
    b.if('lock', () => b.prim('xfs_iunlock', ['XFS_MMAPLOCK_SHARED'], undefined, 'xfs_iunlock(ip, XFS_MMAPLOCK_SHARED);'));
    b.ret('ret');
  },
};

/** dax_pfn_mkwrite() of v4.10 fs/dax.c: dirty the entry under its lock before the PTE turns writable. */
export const dax_pfn_mkwrite: FnDef = {
  name: 'dax_pfn_mkwrite', kernel: 'v4.10 fs/dax.c', params: ['mapping', 'index'], locals: ['entry', 'slot'],
  body: (b) => {
    b.prim('spin_lock_irq', ['TREE_LOCK'], undefined, 'spin_lock_irq(&mapping->tree_lock);');
    b.call('get_unlocked_mapping_entry', ['mapping', 'index', '&slot'], 'entry', 'entry = get_unlocked_mapping_entry(mapping, index, &slot);');
    b.if('!entry || !radix_tree_exceptional_entry(entry)', () => {
      b.if('entry', () => b.call('put_unlocked_mapping_entry', ['mapping', 'index', 'entry'], undefined, 'put_unlocked_mapping_entry(mapping, index, entry);'));
      b.prim('spin_unlock_irq', ['TREE_LOCK'], undefined, 'spin_unlock_irq(&mapping->tree_lock);');
      b.ret('VM_FAULT_NOPAGE');
    });
    b.prim('radix_tree_tag_set', ['index', 'PAGECACHE_TAG_DIRTY'], undefined, 'radix_tree_tag_set(&mapping->page_tree, index, PAGECACHE_TAG_DIRTY);');
    b.call('lock_slot', ['mapping', 'slot'], 'entry', 'entry = lock_slot(mapping, slot);');
    b.prim('spin_unlock_irq', ['TREE_LOCK'], undefined, 'spin_unlock_irq(&mapping->tree_lock);');
    b.call('put_locked_mapping_entry', ['mapping', 'index', 'entry'], undefined, 'put_locked_mapping_entry(mapping, index, entry);');
    b.ret('VM_FAULT_NOPAGE');
  },
};

/** Truncate of an XFS file (xfs_vn_setattr -> xfs_setattr_size -> truncate_setsize/truncate_pagecache), v4.10. */
export const xfs_setattr_size: FnDef = {
  name: 'xfs_setattr_size', kernel: 'v4.10 fs/xfs/xfs_iops.c, mm/truncate.c', params: ['newsize'], locals: ['lock'],
  body: (b) => {
    b.prim('fs_mmaplock', [], 'lock', 'IS_DAX(inode)');
    b.if('lock', () => b.prim('xfs_ilock', ['XFS_MMAPLOCK_EXCL'], undefined, 'xfs_ilock(ip, XFS_MMAPLOCK_EXCL);'));
    b.prim('i_size_write', ['newsize'], undefined, 'truncate_setsize(inode, newsize): i_size_write(inode, newsize);');
    b.prim('unmap_mapping_range', ['newsize', '0'], undefined, 'truncate_pagecache(): unmap_mapping_range(mapping, holebegin, 0, 1);');
    b.call('truncate_inode_pages_range', ['MAPPING', 'newsize'], undefined, 'truncate_inode_pages(mapping, newsize);');
    b.prim('unmap_mapping_range', ['newsize', '0'], undefined, 'unmap_mapping_range(mapping, holebegin, 0, 1);');
    b.if('lock', () => b.prim('xfs_iunlock', ['XFS_MMAPLOCK_EXCL'], undefined, 'xfs_iunlock(ip, XFS_MMAPLOCK_EXCL);'));
  },
};

export const truncate_inode_pages_range: FnDef = {
  name: 'truncate_inode_pages_range', kernel: 'v4.10 mm/truncate.c', params: ['mapping', 'lstart'], locals: ['index', 'page', 'm'],
  body: (b) => {
    b.assign('index', 'lstart', 'index = start;');
    b.label('next');
    b.prim('radix_tree_next_entry', ['index'], 'index', 'pagevec_lookup_entries(&pvec, mapping, index, ...)');
    b.if('index < 0', () => b.ret());
    b.prim('find_get_entry', ['index'], 'page', 'struct page *page = pvec.pages[i];');
    b.if('radix_tree_exceptional_entry(page)', () => {
      b.call('dax_delete_mapping_entry', ['mapping', 'index'], undefined, 'truncate_exceptional_entry(mapping, index, page): dax_delete_mapping_entry(mapping, index);');
    }, () => {
      b.if('page', () => {
        b.prim('lock_page', ['page'], undefined, 'lock_page(page);');
        b.prim('page_mapping', ['page'], 'm', 'if (page->mapping != mapping)');
        b.if('m == mapping', () => b.call('delete_from_page_cache', ['page'], undefined, 'truncate_inode_page(mapping, page);'));
        b.prim('unlock_page', ['page'], undefined, 'unlock_page(page);');
        b.prim('put_page', ['page'], undefined, 'pagevec_release(&pvec);');
      });
    });
    b.assign('index', 'index + 1', 'index++;');
    b.goto('next', 'goto next;');
  },
};

/** invalidate_inode_pages2_range() of v4.10 mm/truncate.c for the DAX entries (page cache pages: the reference is dropped, nothing else). */
export const invalidate_inode_pages2_range: FnDef = {
  name: 'invalidate_inode_pages2_range', kernel: 'v4.10 mm/truncate.c', params: ['mapping', 'start', 'end'], locals: ['index', 'page'],
  body: (b) => {
    const unmap = b.point('dax_unmap',
      'if (dax_mapping(mapping)) unmap_mapping_range(mapping, start << PAGE_SHIFT, (end - start + 1) << PAGE_SHIFT, 0); after the loop (v4.12)',
      [false, true], false);
    b.assign('index', 'start', 'index = start;');
    b.label('next');
    b.prim('radix_tree_next_entry', ['index'], 'index', 'pagevec_lookup_entries(&pvec, mapping, index, ...)');
    b.if('index < 0 || index > end', () => {
      /*
       * For DAX we invalidate page tables after invalidating radix tree: a fault may
       * have mapped an entry since it was looked up.
       */
      if (unmap) b.prim('unmap_mapping_range', ['start', 'end - start + 1'], undefined,
        'unmap_mapping_range(mapping, (loff_t)start << PAGE_SHIFT, (loff_t)(end - start + 1) << PAGE_SHIFT, 0);');
      b.ret('0');
    });
    b.prim('find_get_entry', ['index'], 'page', 'struct page *page = pvec.pages[i];');
    b.if('radix_tree_exceptional_entry(page)', () => {
      b.call('dax_invalidate_mapping_entry_sync', ['mapping', 'index'], undefined,
        'if (!invalidate_exceptional_entry2(mapping, index, page)) ret = -EBUSY;');
    }, () => {
      b.if('page', () => b.prim('put_page', ['page'], undefined, 'pagevec_release(&pvec);'));
    });
    b.assign('index', 'index + 1', 'index++;');
    b.goto('next', 'goto next;');
  },
};

export const CALLER_FNS = [
  handle_mm_fault, handle_pte_fault, xfs_filemap_fault, xfs_filemap_pmd_fault, xfs_filemap_pfn_mkwrite, dax_pfn_mkwrite,
  xfs_setattr_size, truncate_inode_pages_range, invalidate_inode_pages2_range,
];
