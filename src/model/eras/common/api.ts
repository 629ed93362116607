// The kernel APIs every era of the model shares, as the model sees them: the DAX wait table,
// pages, page tables, the inode and XFS, iomap, errnos, warnings and hints. An era's own table
// (eras/<era>/api.ts) adds its tree, its entry encoding and its callers' operations, and wins
// where both name a call. See api.ts in src/model/core for the template language.
//
// The model's units: an index is a page offset in the file; byte offsets are the index
// shifted by PAGE_SHIFT (the model's addresses are linear: vm_pgoff is 0), so templates
// shift back where a primitive takes pages. A sector is index * 8 and a pfn is the sector
// (the block device maps linearly and always). The one mapping is MAPPING, its inode and vma are 1.
import type { CallMeaning, FieldMeaning } from '../../core/api';
import { K } from '../../objects/constants';

export const prim = (p: string, doc: string, args?: string[], extra: Partial<Extract<CallMeaning, { k: 'prim' }>> = {}): CallMeaning =>
  ({ k: 'prim', prim: p, doc, ...(args ? { args } : {}), ...extra });
export const expr = (e: string, doc: string): CallMeaning => ({ k: 'expr', e, doc });
export const none = (doc: string): CallMeaning => ({ k: 'none', doc });
export const call = (fn: string, doc: string): CallMeaning => ({ k: 'fn', fn, doc });

export const COMMON_CALLS: Readonly<Record<string, CallMeaning>> = {
  // the DAX wait table (kernel/sched/wait.c)
  waitqueue_active: prim('waitqueue_active', 'whether the queue has waiters'),
  __wake_up: prim('__wake_up', '__wake_up(wq, mode, nr_exclusive, key): wakes waiters whose key matches', ['$0', '$2']),
  prepare_to_wait_exclusive: prim('prepare_to_wait_exclusive', 'queues the task at the tail, exclusive, with its key', ['$0']),
  prepare_to_wait: prim('prepare_to_wait', 'queues the task at the head, not exclusive, with its key', ['$0']),
  schedule: prim('schedule', 'sleeps until woken', []),
  finish_wait: prim('finish_wait', 'leaves the queue (if still on it)', ['$0']),
  init_wait: none('initialises a wait queue entry on the stack'),
  // include/linux/wait_bit.h: waits on a variable's hashed queue (kernel/sched/wait_bit.c)
  ___wait_var_event: { k: 'wait', var: 0, condition: 1, exclusive: 3, cmd: 5,
    doc: '___wait_var_event(var, condition, state, exclusive, ret, cmd): cmd (which sleeps) until condition holds, queued on var\'s queue' },
  wait_var_event: { k: 'wait', var: 0, condition: 1, doc: 'wait_var_event(var, condition): sleeps until condition holds, queued on var\'s queue' },
  hash_long: expr('$0 ^ MAPPING', 'the queue of a key: the model keys queues by index, undoing the xor with its one mapping; the layout hashes keys onto queues'),

  // pages (mm/filemap.c, include/linux/pagemap.h)
  get_page: prim('get_page', 'takes a reference on a page the caller already holds or finds under tree_lock'),
  put_page: prim('put_page', 'drops a reference'),
  lock_page: prim('lock_page', 'sleeps until it holds the page lock'),
  unlock_page: prim('unlock_page', 'releases the page lock'),
  __page_cache_alloc: prim('__page_cache_alloc', 'a free page with one reference', []),
  page_cache_init: prim('page_cache_init', '__SetPageLocked(page); page->mapping = mapping; page->index = offset;', ['$0', '$2']),
  page_cache_uninit: prim('page_cache_uninit', 'page->mapping = NULL; __ClearPageLocked(page);', ['$0']),
  __delete_from_page_cache: prim('__delete_from_page_cache', 'the page leaves the tree; nrpages--; page->mapping = NULL', ['$0']),
  page_mapping: expr('MAPPING', 'the mapping of a page in the page cache (the model calls it only on such pages)'),
  mapping_gfp_mask: expr('0', 'the allocation mask: the model allocates without one'),
  dax_mapping: expr('1', 'every mapping of the model is a DAX mapping'),
  shmem_mapping: expr('0', 'no mapping of the model is shmem'),
  clear_shadow_entry: none('a DAX mapping has no shadow entries'),
  __mark_inode_dirty: none('the inode\'s dirty state is not modelled'),
  // truncate's and invalidation's walk (mm/truncate.c, mm/swap.c), one entry per lookup
  pagevec_lookup_entries: prim('radix_tree_next_entry', 'pagevec_lookup_entries() / find_get_entries() for one entry: the first index >= start holding one, or -1', ['$1']),
  page_mapped: prim('page_mapped', 'whether a PTE maps the page cache page'),
  find_get_entry: prim('find_get_entry', 'the entry at offset, with a reference taken on a page cache page', ['$1']),
  // page tables (mm/memory.c)
  pmd_read: prim('pmd_read', '*vmf->pmd: none, huge zero page, devmap or a PTE table', []),
  pte_read: prim('pte_read', '*vmf->pte: 0 none, PTE_PFN a DAX pfn, else a page frame + 1', ['$0->pgoff']),
  pmd_none: expr('$0 == PMD_NONE', 'the PMD maps nothing'),
  pmd_trans_huge: expr('$0 == PMD_HUGE_ZERO', 'a huge page PMD (the huge zero page)'),
  pmd_devmap: expr('$0 == PMD_DEVMAP', 'a PMD mapping device memory'),
  pte_none: expr('!$0', 'the PTE maps nothing'),
  pte_special: expr('$0 == PTE_PFN', 'the PTE maps a pfn (DAX) rather than a page'),
  vm_insert_mixed: prim('vm_insert_mixed', 'maps the PTE of the address to the pfn; -EBUSY when it is mapped', ['$1 >> PAGE_SHIFT', '$2']),
  finish_fault: prim('finish_fault', 'maps vmf->page at the fault\'s PTE unless it is taken (VM_FAULT_NOPAGE)', ['$0->page', '$0->pgoff']),
  finish_mkwrite_fault: prim('finish_mkwrite_fault', 'makes the fault\'s PTE writable unless it changed meanwhile', ['$0->pgoff']),
  // Written data is tracked from the XArray era on, whose writeback the model runs: not here.
  vmf_insert_pfn_pmd: prim('vmf_insert_pfn_pmd', 'a devmap PMD mapping of the region', ['($1 & PMD_MASK) >> PAGE_SHIFT', '0']),
  set_pmd_huge_zero: prim('set_pmd_huge_zero',
    'ptl = pmd_lock(); if (!pmd_none(*pmd)) fail; set_pmd_at(..., huge zero page); spin_unlock(ptl): 1 when it was set', []),
  split_huge_pmd: prim('split_huge_pmd', 'zaps a huge zero page or DAX PMD mapping', []),
  pmd_lock: prim('pmd_lock', 'takes the PMD\'s page table lock (a spinlock) and returns it', []),
  spin_unlock: prim('pmd_unlock', 'releases a spinlock: the PMD\'s page table lock is the one plain spinlock of the model', []),
  set_pmd_at: prim('set_pmd_at', 'the PMD maps a huge entry, under the PMD lock', ['$3']),
  mk_pmd: expr('PMD_HUGE_ZERO', 'a PMD of a page: the one page a DAX PMD maps is the huge zero page'),
  pmd_mkhuge: expr('$0', 'marks the PMD huge'),
  get_huge_zero_page: expr('1', 'the huge zero page is always available'),
  unmap_mapping_range: prim('unmap_mapping_range', 'zaps the PTEs and huge PMDs of a byte range (length 0: to the end)',
    ['$1 >> PAGE_SHIFT', '$2 >> PAGE_SHIFT']),
  mm_get_huge_zero_page: expr('1', 'the huge zero page is always available'),
  linear_page_index: expr('$1 >> PAGE_SHIFT', 'the file offset of an address: the vma maps the file from offset 0'),
  // the inode and the filesystem (fs/xfs)
  i_size_read: prim('i_size_read', 'the file size in bytes', [], { ret: '$ret << PAGE_SHIFT' }),
  i_size_write: prim('i_size_write', 'sets the file size (bytes)', ['$1 >> PAGE_SHIFT']),
  round_down: expr('($0) & ~(($1) - 1)', 'rounds down to a multiple of a power of two'),
  round_up: expr('(($0) + ($1) - 1) & ~(($1) - 1)', 'rounds up to a power of two'),
  '->iomap_begin': prim('iomap_begin',
    'the filesystem\'s extent at pos: a write allocates a block (IOMAP_F_NEW); the result is stored in *iomap',
    ['$1 >> PAGE_SHIFT', '$2 >> PAGE_SHIFT', '($3 & IOMAP_WRITE) != 0'], { out: '$4' }),
  '->iomap_end': none('ends an iomap operation: nothing the model keeps'),
  dax_iomap_sector: expr('(($1) >> PAGE_SHIFT) << 3', 'the sector of pos in the extent: the block map is linear, eight sectors a page'),
  xfs_ilock: prim('xfs_ilock', 'takes XFS_MMAPLOCK shared or exclusive', ['$1']),
  xfs_iunlock: prim('xfs_iunlock', 'releases XFS_MMAPLOCK', ['$1']),
  xfs_itruncate_extents: prim('xfs_itruncate_extents', 'frees the blocks from the new size on', ['$2 >> PAGE_SHIFT']),
  fs_mmaplock: prim('fs_mmaplock', 'whether the scenario\'s filesystem takes XFS_MMAPLOCK around faults and truncate', []),
  file_inode: expr('dax_inode', 'the inode of the one file'),
  XFS_I: expr('$0', 'the XFS inode of an inode'),
  VFS_I: expr('$0', 'the inode of an XFS inode'),
  IS_DAX: expr('1', 'the file is a DAX file'),
  // errnos and fault codes (include/linux/err.h, fs/dax.c)
  dax_fault_return: expr('($0) == 0 ? VM_FAULT_NOPAGE : (($0) == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS)',
    'the fault code of an errno'),
  IS_ERR: expr('($0) < 0 && ($0) >= -4095', 'an errno encoded in a pointer (include/linux/err.h)'),
  PTR_ERR: expr('$0', 'the errno of an error pointer'),
  ERR_PTR: expr('$0', 'an errno as a pointer'),
  // the mapping's operations
  '->freepage': none('a_ops->freepage: DAX mappings have none'),
  // warnings, hints and accounting
  WARN_ON_ONCE: prim('WARN_ON_ONCE', 'a kernel warning is an assertion fault; the value is the condition'),
  WARN_ON: prim('WARN_ON_ONCE', 'a kernel warning is an assertion fault; the value is the condition'),
  unlikely: expr('$0', 'a branch hint'),
  likely: expr('$0', 'a branch hint'),
  READ_ONCE: expr('$0', 'a single read: every read of the model is one'),
  count_vm_event: none('event counters are not modelled'),
  mem_cgroup_count_vm_event: none('event counters are not modelled'),
  might_sleep: none('a debugging annotation'),
  cond_resched: none('a voluntary preemption point: the explorer interleaves at every visible step anyway'),
  rcu_read_lock: none('RCU read sections: the model frees nothing under RCU'),
  rcu_read_unlock: none('RCU read sections: the model frees nothing under RCU'),
};

export const COMMON_FIELDS: Readonly<Record<string, FieldMeaning>> = {
  'address_space.host': { k: 'const', v: 1, type: 'struct inode *', doc: 'the one inode' },
  'address_space.a_ops': { k: 'const', v: 1, type: 'struct address_space_operations *' },
  'address_space_operations.freepage': { k: 'const', v: 0, doc: 'DAX mappings have no ->freepage' },
  'inode.i_mapping': { k: 'const', v: 1, type: 'struct address_space *', doc: 'the one mapping (MAPPING)' },
  'inode.i_size': { k: 'read', prim: 'i_size_read', args: [], ret: '$ret << PAGE_SHIFT', doc: 'the file size in bytes (as i_size_read() reads it)' },
  'file.f_mapping': { k: 'const', v: 1, type: 'struct address_space *', doc: 'the one mapping (MAPPING)' },
  'vm_area_struct.vm_file': { k: 'const', v: 1, type: 'struct file *' },
  'vm_area_struct.vm_mm': { k: 'const', v: 1, type: 'struct mm_struct *' },
  'vm_area_struct.vm_ops': { k: 'const', v: 1, type: 'struct vm_operations_struct *' },
  'vm_area_struct.vm_flags': { k: 'read', prim: 'vma_shared', args: [], ret: '$ret ? VM_SHARED : 0', doc: 'VM_SHARED when the scenario\'s vma is shared' },
  'vm_area_struct.vm_start': { k: 'read', prim: 'vma_start', args: [], ret: '$ret << PAGE_SHIFT' },
  'vm_area_struct.vm_end': { k: 'read', prim: 'vma_end', args: [], ret: '$ret << PAGE_SHIFT' },
  'vm_fault.vma': { k: 'const', v: 1, type: 'struct vm_area_struct *', doc: 'the one vma' },
  'vm_fault.address': { k: 'view', e: '$0.pgoff << PAGE_SHIFT', doc: 'the faulting address: the vma maps the file from offset 0' },
  'vm_fault.pmd': { k: 'const', v: 1, type: 'pmd_t *', doc: 'the one PMD of the modelled region' },
  'vm_fault.cow_page': { k: 'const', v: 0, doc: 'shared mappings only: no copy-on-write page' },
  'vm_fault.gfp_mask': { k: 'const', v: 0, writes: 'dropped', doc: 'the allocation mask: the model allocates without one' },
  'iomap_ops.iomap_end': { k: 'const', v: 0, doc: 'the model\'s filesystem ends no iomap operation (XFS\'s does nothing the model keeps)' },
  'page.mapping': { k: 'read', prim: 'page_mapping', doc: 'the page\'s mapping: MAPPING, or NULL once truncated' },
  'page.index': { k: 'read', prim: 'page_index', doc: 'the page\'s offset in the file' },
  // The model's iomap is one word: type | flags << 8 | length in pages << 12 | its first index << 22.
  'iomap.type': { k: 'view', e: '($0) & 0xff' },
  'iomap.flags': { k: 'view', e: '(($0) >> 8) & 0xf' },
  'iomap.offset': { k: 'view', e: '((($0) >> 22) & 0x3ff) << PAGE_SHIFT' },
  'iomap.length': { k: 'view', e: '((($0) >> 12) & 0x3ff) << PAGE_SHIFT' },
  'iomap.bdev': { k: 'const', v: 1, type: 'struct block_device *', doc: 'the one block device' },
  'exceptional_entry_key.mapping': { k: 'ignored' },
  'exceptional_entry_key.entry_start': { k: 'ignored' },
  'wait_exceptional_entry_queue.wait': { k: 'ignored', doc: 'the wait queue entry: the queue primitives keep it' },
  'wait_exceptional_entry_queue.key': { k: 'ignored', doc: 'the key: the queue primitives keep it' },
};

/** Constants every era's C reads: the objects' encodings (K) and the kernel's flags the model keeps. */
export const COMMON_CONSTANTS: Readonly<Record<string, number>> = {
  ...K,
  TASK_NORMAL: 3, TASK_INTERRUPTIBLE: 1, TASK_UNINTERRUPTIBLE: 2,
  DAX_WAIT_TABLE_BITS: 12, wait_table: 0, wake_exceptional_entry_func: 0,
  FAULT_FLAG_WRITE: 0x01, VM_SHARED: 0x08, VM_FAULT_ERROR: 0x0001 | 0x0002 | 0x0010 | 0x0020 | 0x0040 | 0x0800,
  IOMAP_WRITE: 0x01, IOMAP_FAULT: 0x08,
  __GFP_HIGHMEM: 0x02, __GFP_ZERO: 0x8000, __GFP_IO: 0x40, __GFP_FS: 0x80, GFP_RECLAIM_MASK: 0x1fffff,
  I_DIRTY_PAGES: 4, PGMAJFAULT: 0, THP_FAULT_FALLBACK: 0,
  dax_inode: 1, XFS_DATA_FORK: 0,
};
