// The kernel API of the XArray era (v4.20 on, following v5.12) as the model sees it: the
// mapping's i_pages XArray and its lock, the xa_state (a record on the caller's stack, laid
// out by the XA_STATE() macros below), the value-entry encoding of fs/dax.c, and the vma and
// address-space operations of XFS; the APIs every era shares are eras/common/api.ts.
//
// Entries are kept in the model's one encoding (objects/radix/entries.ts): a value entry v is
// stored as (v << 2) | 2, so fs/dax.c's DAX_LOCKED, DAX_PMD, DAX_ZERO_PAGE, DAX_EMPTY and the
// pfn above DAX_SHIFT land on the bits the radix era's entries use and every property reads
// both eras alike; an internal entry (XA_RETRY_ENTRY, xa_mk_internal(VM_FAULT_*)) is
// (v << 2) | 1, which no stored entry is.
import type { Api, CallMeaning, Effect, FieldMeaning } from '../../core/api';
import { call, COMMON_CALLS, COMMON_CONSTANTS, COMMON_FIELDS, expr, none, prim } from '../common/api';
import { XA_STATE_FIELDS, XAS_RESTART } from '../../objects/radix/xarray';
import { XARRAY_PROTOCOL } from './protocol';
import { VARIABLE } from '../../objects/waittable/index';
import { SEM } from '../../objects/rwsem/index';
import { K } from '../../objects/constants';

const I_PAGES = 'the i_pages lock (xa_lock of mapping->i_pages)';

const calls: Record<string, CallMeaning> = {
  ...COMMON_CALLS,
  // the i_pages lock: the model's one tree lock (TREE_LOCK)
  xas_lock_irq: prim('spin_lock_irq', `xas_lock_irq(&xas): ${I_PAGES}`, ['TREE_LOCK']),
  xas_unlock_irq: prim('spin_unlock_irq', `xas_unlock_irq(&xas): ${I_PAGES}`, ['TREE_LOCK']),
  xas_lock: prim('spin_lock_irq', `xas_lock(&xas): ${I_PAGES}; the model has no interrupts`, ['TREE_LOCK']),
  xas_unlock: prim('spin_unlock_irq', `xas_unlock(&xas): ${I_PAGES}`, ['TREE_LOCK']),
  xa_lock_irq: prim('spin_lock_irq', `xa_lock_irq(&mapping->i_pages): ${I_PAGES}`, ['TREE_LOCK']),
  xa_unlock_irq: prim('spin_unlock_irq', `xa_unlock_irq(&mapping->i_pages): ${I_PAGES}`, ['TREE_LOCK']),

  // lib/xarray.c over an xa_state (the primitives take its address)
  xas_load: prim('xas_load', 'the entry covering xa_index'),
  xas_find_conflict: prim('xas_find_conflict', 'the first entry in the xa_state\'s range (its order)'),
  xas_store: prim('xas_store', 'replaces (NULL: removes) the entry, or stores a new one of the xa_state\'s order; -ENOMEM in the xa_state when no node can be had'),
  xas_reset: prim('xas_reset', 'the next operation walks again from xa_index'),
  xas_set: prim('xas_set', 'a new index for the xa_state'),
  xas_set_err: prim('xas_set_err', 'puts an errno in the xa_state'),
  xas_error: prim('xas_error', 'the errno in the xa_state, or 0'),
  xas_pause: prim('xas_pause', 'moves a walked xa_state past its entry before the lock is dropped'),
  xas_find: prim('xas_find', 'the next entry up to max'),
  xas_next_entry: prim('xas_find', 'the next entry up to max (xas_find()\'s fast path)'),
  xas_find_marked: prim('xas_find_marked', 'the next entry up to max that has the mark'),
  xas_next_marked: prim('xas_find_marked', 'the next entry up to max that has the mark'),
  xas_set_mark: prim('xas_set_mark', 'marks the xa_state\'s entry'),
  xas_clear_mark: prim('xas_clear_mark', 'clears a mark of the xa_state\'s entry'),
  xas_get_mark: prim('xas_get_mark', 'whether the xa_state\'s entry has a mark'),
  xas_nomem: expr('xas_error($0) == -ENOMEM && __xas_nomem($0)',
    'after an -ENOMEM store: allocates a node without the lock (may sleep, may fail) and says to retry'),
  __xas_nomem: prim('xas_nomem', 'allocates the node an -ENOMEM store needed: 1 to retry, 0 when it fails too'),
  tag_pages_for_writeback: prim('tag_pages_for_writeback', 'marks the DIRTY entries of a range TOWRITE', ['$1', '$2']),
  // include/linux/xarray.h: value and internal entries in the model's encoding (see above)
  xa_is_value: expr('(($0) & 3) == 2', 'a value entry (a DAX entry) rather than a pointer'),
  xa_is_internal: expr('(($0) & 3) == 1', 'an internal entry (XA_RETRY_ENTRY, an errno or fault code)'),
  xa_to_value: expr('($0) >> 2', 'the value of a value entry'),
  xa_mk_value: expr('(($0) << 2) | 2', 'a value entry'),
  xa_mk_internal: expr('(($0) << 2) | 1', 'an internal entry'),
  xa_to_internal: expr('($0) >> 2', 'the value of an internal entry'),
  xa_is_zero: expr('($0) == XA_ZERO_ENTRY', 'the reserved zero entry'),
  XA_ERROR: expr('(($0) << 2) | 2', 'an errno as the xa_state\'s node'),
  // fs/dax.c's entry helpers (static inline there)
  dax_to_pfn: expr('xa_to_value($0) >> DAX_SHIFT', 'the pfn an entry maps'),
  dax_make_entry: expr('xa_mk_value(($1) | (pfn_t_to_pfn($0) << DAX_SHIFT))', 'a value entry of a pfn and flags'),
  dax_is_locked: expr('xa_to_value($0) & DAX_LOCKED', 'the entry lock bit'),
  dax_entry_order: expr('(xa_to_value($0) & DAX_PMD) ? PMD_ORDER : 0', 'the order of an entry'),
  dax_is_pmd_entry: expr('xa_to_value($0) & DAX_PMD', 'a PMD entry'),
  dax_is_pte_entry: expr('!(xa_to_value($0) & DAX_PMD)', 'a PTE entry'),
  dax_is_zero_entry: expr('xa_to_value($0) & DAX_ZERO_PAGE', 'a zero-page entry'),
  dax_is_empty_entry: expr('xa_to_value($0) & DAX_EMPTY', 'an empty entry (a placeholder while the fault maps blocks)'),
  dax_is_conflict: expr('($0) == XA_RETRY_ENTRY', 'get_unlocked_entry()\'s answer to a PMD request over PTE entries'),
  // DAX pages and the DAX device
  dax_associate_entry: prim('dax_entry_associate', 'page->mapping and ->index of the entry\'s DAX pages', ['$0']),
  IS_ENABLED: expr('0', 'a configuration option: the model\'s kernel has none of the ones fs/dax.c tests (CONFIG_FS_DAX_LIMITED: s390\'s DAX without struct pages)'),
  dax_end_pfn: expr('dax_to_pfn($0) + (dax_entry_pages($0) << 3)',
    'the pfn after the entry\'s last page; the model\'s pfns step 8 a page (a pfn is its page\'s sector: the block map is linear)'),
  dax_entry_pages: expr('(dax_is_zero_entry($0) || dax_is_empty_entry($0)) ? 0 : (1 << dax_entry_order($0))', 'dax_entry_size() in pages: a zero-page or empty entry maps no DAX page'),
  dax_next_mapped_pfn: prim('dax_next_mapped_pfn', 'the first pfn at or after $1 of a page of the entry the scenario models, else dax_end_pfn()'),
  page_ref_count: prim('dax_page_ref_count', 'page_ref_count() of a DAX page: 1 idle, plus get_user_pages()\'s references'),
  atomic_read: expr('*($0)', 'atomic_read(&v): the counter v'),
  put_page: prim('dax_page_put', 'drops a reference to a DAX page (the mapping has no page cache pages)'),
  // rw semaphores by their address (objects/rwsem SEM): ext4's i_mmap_sem is the filesystem's mmap lock
  down_write: prim('down_write', 'down_write(sem): held exclusive', ['$0']),
  up_write: prim('up_write', 'up_write(sem)', ['$0']),
  down_read: prim('down_read', 'down_read(sem): held shared', ['$0']),
  up_read: prim('up_read', 'up_read(sem)', ['$0']),
  rwsem_is_locked: prim('rwsem_is_locked', 'whether anyone holds the semaphore', ['$0']),
  // ext4 (fs/ext4)
  EXT4_I: expr('1', 'the ext4 inode of the one file'),
  d_inode: expr('dax_inode', 'the inode of the one file\'s dentry'),
  setattr_prepare: expr('0', 'the caller may make the change: permissions are not the model\'s'),
  S_ISREG: expr('1', 'the one file is a regular file'),
  ext4_should_order_data: expr('0', 'a DAX file has no data=ordered writeback'),
  ext4_should_journal_data: expr('0', 'a DAX file does not journal its data'),
  ext4_begin_ordered_truncate: expr('0', 'no ordered data to write out first'),
  ext4_wait_for_tail_page_commit: none('data=journal only: never called for a DAX file'),
  inode_dio_wait: none('direct I/O in flight: a DAX file has none apart from DAX itself, which the model runs'),
  ext4_journal_start: expr('1', 'a journal handle: the model keeps no journal, and starting one does not fail'),
  ext4_handle_valid: expr('1', 'a real handle'),
  ext4_orphan_add: expr('0', 'the orphan list is not the model\'s'),
  ext4_orphan_del: none('the orphan list is not the model\'s'),
  ext4_mark_inode_dirty: expr('0', 'the on-disk inode is not the model\'s'),
  pagecache_isize_extended: none('the page straddling the old size of an extending truncate: a DAX file has no page cache pages there'),
  ext4_truncate: prim('xfs_itruncate_extents', 'ext4_truncate(inode): frees the blocks from i_size on (the block map\'s one primitive, whatever the filesystem)', ['i_size_read($0) >> PAGE_SHIFT']),
  mapping_mapped: expr('1', 'the mapping has a vma: the model\'s one'),
  dax_entry_mkclean: none('write-protects the entry\'s PTEs: the model keeps no PTE write bits'),
  dax_flush: prim('dax_flush', 'writes the CPU cache lines of the pages back to persistent memory', ['$1', '$2']),
  page_address: expr('$0', 'the kernel address of a page: the model names it by the page'),
  pfn_to_page: expr('((($0) >> 3) + 1) << 2', 'the DAX page of a pfn: a DAX page is named by the file index its pfn maps (the block map is linear)'),
  S_ISCHR: expr('0', 'the inode is a regular file, not a device-dax character device'),
  mapping_set_error: none('records a writeback error: the model keeps none'),
  pfn_t_to_pfn: expr('$0', 'the pfn'),
  pfn_to_pfn_t: expr('$0', 'the pfn'),
  page_to_pfn_t: expr('0', 'the pfn of the huge zero page'),
  my_zero_pfn: expr('ZERO_PFN', 'the zero page\'s pfn'),
  unmap_mapping_pages: prim('unmap_mapping_range', 'zaps the PTEs and huge PMDs of nr pages from start (nr 0: to the end)', ['$1', '$2']),
  vmf_insert_mixed: prim('vm_insert_mixed', 'maps the PTE of the address to the pfn (already mapped: no error)', ['$1 >> PAGE_SHIFT', '$2'], { ret: 'VM_FAULT_NOPAGE' }),
  vmf_insert_mixed_mkwrite: prim('vm_insert_mixed_mkwrite', 'maps the PTE writable (already mapped: made writable, no error)', ['$1 >> PAGE_SHIFT', '$2'], { ret: 'VM_FAULT_NOPAGE' }),
  vmf_insert_pfn_pmd: prim('vmf_insert_pfn_pmd', 'a devmap PMD mapping of the fault\'s region, writable when write is set', ['$0->pgoff & ~PG_PMD_COLOUR', '$2']),
  count_memcg_event_mm: none('event counters are not modelled'),
  DIV_ROUND_UP: expr('(($0) + ($1) - 1) >> PAGE_SHIFT', 'division rounding up, by PAGE_SIZE (the model divides by shifting)'),
  BUG_ON: prim('WARN_ON_ONCE', 'a kernel BUG is an assertion fault'),
  // the vma's and the mapping's operations are XFS's
  // vma->vm_ops: the file's filesystem's (ScenarioSpec.fs), XFS's or ext4's DAX vm_operations
  '->fault': expr('file_is_ext4() ? ext4_dax_fault($0) : xfs_filemap_fault($0)', 'vma->vm_ops->fault'),
  '->huge_fault': expr('file_is_ext4() ? ext4_dax_huge_fault($0, $1) : xfs_filemap_huge_fault($0, $1)', 'vma->vm_ops->huge_fault'),
  '->pfn_mkwrite': expr('file_is_ext4() ? ext4_dax_fault($0) : xfs_filemap_pfn_mkwrite($0)', 'vma->vm_ops->pfn_mkwrite'),
  '->page_mkwrite': expr('file_is_ext4() ? ext4_dax_fault($0) : xfs_filemap_pfn_mkwrite($0)', 'vma->vm_ops->page_mkwrite: the DAX write fault again'),
  file_is_ext4: prim('file_is_ext4', 'the scenario\'s file is on ext4 (ScenarioSpec.fs)', []),
  // ext4's fault (fs/ext4/file.c): the journal and the superblock's freeze counters are not the model's
  sb_start_pagefault: none('the superblock\'s freeze protection: the model never freezes'),
  sb_end_pagefault: none('the superblock\'s freeze protection'),
  file_update_time: none('the file\'s times are not the model\'s'),
  ext4_journal_start_sb: expr('1', 'a journal handle: the model keeps no journal, and starting one does not fail'),
  ext4_journal_stop: none('the journal handle ends'),
  EXT4_DATA_TRANS_BLOCKS: expr('0', 'the credits of a data write: no journal'),
  ext4_should_retry_alloc: expr('0', 'no allocation of the model fails for space, so none is retried'),
  dax_finish_sync_fault: prim('dax_finish_sync_fault', 'the end of a MAP_SYNC write fault: the model has no MAP_SYNC vma (VM_FAULT_NEEDDSYNC is never set), so a call is a fault\'s mistake', []),
  '->writepages': call('xfs_dax_writepages', 'mapping->a_ops->writepages'),
};

const fields: Record<string, FieldMeaning> = {
  ...COMMON_FIELDS,
  'address_space.i_pages': { k: 'const', v: 1, type: 'struct xarray', doc: 'the one XArray of the mapping' },
  'address_space.nrexceptional': { k: 'counter', add: 'nrexceptional_add', read: 'nrexceptional_read', doc: 'DAX entries in the XArray, under the i_pages lock (to v5.12)' },
  'address_space.nrpages': { k: 'counter', add: 'nrpages_add', read: 'nrpages_read', doc: 'pages in the XArray, under the i_pages lock (none in a DAX mapping)' },
  'xa_state.xa': { k: 'const', v: 1, type: 'struct xarray *', writes: 'dropped', doc: 'the one XArray (MAPPING): setting it names the same one' },
  // A DAX page (struct page *) is ((file index + 1) << 2); its mapping is the file's while an entry covers it
  // (dax_associate_entry() sets it when the entry goes in, dax_disassociate_entry() clears it).
  'page.mapping': { k: 'read', prim: 'dax_page_mapping', set: { prim: 'dax_page_set_mapping', args: ['$0', '$1'] },
    doc: 'the DAX page\'s mapping: MAPPING while dax_associate_entry() has tied it to the file, else NULL' },
  'page.index': { k: 'read', prim: 'dax_page_index', set: { prim: 'dax_page_set_index', args: ['$0', '$1'] }, doc: 'the file index of a DAX page' },
  '*.i_data_sem': { k: 'const', v: SEM.ILOCK, doc: 'ext4\'s i_data_sem: the block map\'s lock (XFS_ILOCK\'s place)' },
  '*.i_disksize': { k: 'ignored', doc: 'the on-disk size: the model keeps i_size only' },
  '*.i_mmap_sem': { k: 'const', v: SEM.MMAPLOCK, doc: 'ext4\'s i_mmap_sem (ext4_inode_info, to v5.14): the filesystem\'s mmap lock' },
  'page._refcount': { k: 'read', prim: 'dax_page_ref_count', variable: VARIABLE._refcount, doc: 'page_ref_count() of a DAX page: 1 idle, plus get_user_pages()\'s references' },
  'inode.i_mode': { k: 'const', v: 0, doc: 'a regular file' },
  'inode.i_nlink': { k: 'const', v: 1, doc: 'the one file has a name: no truncate of the model is of an unlinked file' },
  'inode.i_sb': { k: 'const', v: 1, type: 'struct super_block *', doc: 'the one superblock' },
  'exceptional_entry_key.xa': { k: 'ignored' },
  'exceptional_entry_key.entry_start': { k: 'ignored' },
  'inode.i_blkbits': { k: 'const', v: 12, doc: 'the model\'s blocks are pages' },
  'vm_area_struct.vm_page_prot': { k: 'const', v: 0 },
  'iomap.dax_dev': { k: 'const', v: 1, type: 'struct dax_device *', doc: 'the one DAX device' },
  'address_space_operations.writepages': { k: 'const', v: 1 },
};

export const XARRAY_API: Api = {
  era: 'XArray (v5.12)',
  associates: true,
  derefs: { pmd_t: { prim: 'pmd_read', doc: '*pmd: the PMD of the modelled region' } },
  prefixes: { trace_: { k: 'none', doc: 'tracepoints change nothing the model keeps' } },
  calls,
  fields,
  protocol: XARRAY_PROTOCOL as Record<string, readonly Effect[]>,
  records: {
    vm_fault: ['pgoff', 'flags', 'page'],
    xa_state: XA_STATE_FIELDS,
    writeback_control: ['sync_mode', 'range_start', 'range_end'],
    iattr: ['ia_valid', 'ia_size'],
  },
  macros: {
    // include/linux/xarray.h; xa_shift holds the order in the model (the kernel splits it into shift and sibs)
    XA_STATE: { params: ['name', 'array', 'index'], body: 'struct xa_state name = { .xa_index = index, .xa_shift = 0, .xa_node = XAS_RESTART }' },
    XA_STATE_ORDER: { params: ['name', 'array', 'index', 'order'],
      body: 'struct xa_state name = { .xa_index = ((index) >> (order)) << (order), .xa_shift = order, .xa_node = XAS_RESTART }' },
    // fs/dax.c: the entry's pages, the ones the scenario models (the others no thread touches)
    for_each_mapped_pfn: { params: ['entry', 'pfn'],
      body: 'for (pfn = dax_next_mapped_pfn(entry, dax_to_pfn(entry)); pfn < dax_end_pfn(entry); pfn = dax_next_mapped_pfn(entry, pfn + 1))' },
    xas_for_each: { params: ['xas', 'entry', 'max'], body: 'for (entry = xas_find(xas, max); entry; entry = xas_next_entry(xas, max))' },
    xas_for_each_marked: { params: ['xas', 'entry', 'max', 'mark'],
      body: 'for (entry = xas_find_marked(xas, max, mark); entry; entry = xas_next_marked(xas, max, mark))' },
  },
  constants: {
    ...COMMON_CONSTANTS,
    // fs/dax.c v5.12
    DAX_SHIFT: 4, DAX_LOCKED: 1, DAX_PMD: 2, DAX_ZERO_PAGE: 4, DAX_EMPTY: 8,
    // enum dax_wake_mode of v5.14
    WAKE_ALL: 0, WAKE_NEXT: 1,
    // include/linux/xarray.h, in the model's encoding
    XA_RETRY_ENTRY: (256 << 2) | 1, XA_ZERO_ENTRY: (257 << 2) | 1, XAS_RESTART, XA_CHECK_SCHED: 4096,
    PE_SIZE_PTE: 0, PE_SIZE_PMD: 1, PE_SIZE_PUD: 2,
    VM_FAULT_NEEDDSYNC: 0x2000, IOMAP_F_SHARED: 0x04,
    WB_SYNC_NONE: 0, WB_SYNC_ALL: 1,
    // the model's 32-bit words: the largest offset and index it holds
    LLONG_MAX: 0x7fffffff, ULONG_MAX: 0x3fffffff,
    fallthrough: 0,
    MF_ACTION_REQUIRED: 1, MF_MUST_KILL: 4,
    xfs_read_iomap_ops: 1, xfs_direct_write_iomap_ops: 1, xfs_dax_dev: 1,
    ext4_iomap_ops: 1, EXT4_HT_WRITE_PAGE: 3, EXT4_HT_INODE: 1, ENOSPC: 28,
    ATTR_SIZE: 8, init_user_ns: 1, nop_mnt_idmap: 1, dax_dentry: 1,
  },
};

/** The table of v6.12: mapping->nrpages counts the pages DAX entries cover (v5.13 removed
 *  nrexceptional), read by mapping_empty(). */
export const XARRAY_V6_API: Api = {
  ...XARRAY_API,
  era: 'XArray (v6.12)',
  accounting: 'pages',
  calls: {
    ...XARRAY_API.calls,
    mapping_empty: expr('$0->nrpages == 0', 'the mapping holds no entry'),
    // the mapping's invalidate_lock (v5.15): the filesystem's mmap lock (objects/rwsem SEM)
    filemap_invalidate_lock: prim('down_write', 'filemap_invalidate_lock(mapping): the invalidate lock exclusive', [`${SEM.MMAPLOCK}`]),
    filemap_invalidate_unlock: prim('up_write', 'filemap_invalidate_unlock(mapping)', [`${SEM.MMAPLOCK}`]),
    filemap_invalidate_lock_shared: prim('down_read', 'filemap_invalidate_lock_shared(mapping): the invalidate lock shared', [`${SEM.MMAPLOCK}`]),
    filemap_invalidate_unlock_shared: prim('up_read', 'filemap_invalidate_unlock_shared(mapping)', [`${SEM.MMAPLOCK}`]),
    pfn_folio: expr('((($0) >> 3) + 1) << 2', 'the DAX folio of a pfn: a DAX folio (order 0) is named by the file index its pfn maps'),
    page_folio: expr('$0', 'the folio of a DAX page: the page itself (order 0)'),
  },
  fields: {
    ...XARRAY_API.fields,
    'address_space.invalidate_lock': { k: 'const', v: SEM.MMAPLOCK, doc: 'the invalidate lock (v5.15 on): the filesystem\'s mmap lock' },
    'folio.mapping': { k: 'read', prim: 'dax_page_mapping', doc: 'the DAX folio\'s mapping: MAPPING while dax_associate_entry() has tied it to the file, else NULL' },
    'folio.index': { k: 'read', prim: 'dax_page_index', doc: 'the file index of a DAX folio' },
    'address_space.nrpages': { k: 'counter', add: 'nrpages_add', read: 'nrpages_read', doc: 'pages the XArray\'s entries cover (a PMD entry 512), under the i_pages lock' },
  },
};

/** The table of the seed 002 life cycle over v6.12: the mapping holds a reference on the DAX
 *  pages of its entries (dax_associate_entry() and dax_disassociate_entry() are the era's C),
 *  and DAX_ZAP says break layouts has dropped it. DAX_ZAP is a value bit above every pfn the
 *  model reaches (K.DAX_ZAP), so the pfn of a zapped entry is read with it masked. */
export const XARRAY_ZAP_API: Api = {
  ...XARRAY_V6_API,
  era: 'XArray (v6.12 with seed 002\'s life cycle)',
  pageRefs: 'mapping',
  calls: {
    ...Object.fromEntries(Object.entries(XARRAY_V6_API.calls).filter(([k]) => k !== 'dax_associate_entry' && k !== 'dax_disassociate_entry')),
    dax_to_pfn: expr('(xa_to_value($0) & ~DAX_ZAP) >> DAX_SHIFT', 'the pfn an entry maps'),
    dax_is_zap_entry: expr('xa_to_value($0) & DAX_ZAP', 'break layouts has dropped the mapping\'s reference to the entry\'s pages'),
    dax_entry_pages_get: prim('dax_entry_pages_get', 'the mapping takes a reference to each DAX page of the entry'),
    dax_entry_pages_put: prim('dax_entry_pages_put', 'the mapping drops its reference to each DAX page of the entry'),
    dax_entry_page_refs: prim('dax_entry_page_refs', 'page_ref_count() of the entry\'s DAX pages'),
    // The life cycle's busy test counts the mapping's own reference too (the zap drops it first).
    dax_busy_page: prim('dax_busy_page', 'the first page of the entry someone holds beyond the idle level, else NULL'),
    dax_entry_associate: prim('dax_entry_associate', 'page->mapping and ->index of the entry\'s DAX pages'),
    dax_entry_disassociate: prim('dax_entry_disassociate', 'clears page->mapping of the entry\'s DAX pages'),
  },
  constants: { ...XARRAY_V6_API.constants, DAX_ZAP: K.DAX_ZAP >> 2 },
};
