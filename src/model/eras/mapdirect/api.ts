// The API table of the MAP_DIRECT part of the model (v4.14 with the MAP_DIRECT v7 series): what
// every call, field and constant its C and a patch's may use is in the model. The kernel APIs
// shared with the fs/dax.c eras come from eras/common/api.ts.
import type { Api, CallMeaning, FieldMeaning } from '../../core/api';
import { call, COMMON_CALLS, COMMON_CONSTANTS, COMMON_FIELDS, expr, none, prim } from '../common/api';
import { LEGACY_MAP_MASK, MAP_FLAGS, S_DAX, S_REFLINK, VM_HUGEPAGE, VM_MIXEDMAP } from '../../objects/lease/index';

const MAP = MAP_FLAGS;

const calls: Record<string, CallMeaning> = {
  ...COMMON_CALLS,
  // the lease (fs/locks.c, include/linux/fs.h)
  lease_lookup: prim('lease_lookup', 'the inode\'s layout lease (the walk of its flc_lease list), or NULL', []),
  lease_insert: prim('lease_insert', 'generic_add_lease(): the lease joins the inode\'s list', []),
  lease_modify: prim('lease_modify', 'removes the lease and wakes its breakers', []),
  locks_delete_lock_ctx: prim('lease_modify', 'removes the lease and wakes its breakers', []),
  wait_event_interruptible: prim('lease_wait_gone', 'sleeps until the lease is gone', []),
  list_empty_careful: prim('lease_list_empty', 'the inode has no lease (an unlocked look)', []),
  uid_eq: prim('lease_permitted', 'current_fsuid() is the file\'s owner', ['0']),
  current_fsuid: expr('0', 'the task\'s fsuid: lease_permitted() knows whether it owns the file'),
  capable: prim('lease_permitted', 'capable(CAP_LEASE)', ['1']),
  locks_alloc_lock: expr('1', 'the lease of the model (allocation does not fail)'),
  locks_free_lock: none('the lease is not freed in the model'),
  smp_mb: none('a barrier: every step of the model is sequentially consistent'),
  '->lm_break': call('map_direct_lm_break', 'fl->fl_lmops->lm_break: the MAP_DIRECT lease\'s'),
  '->lm_change': call('map_direct_lm_change', 'fl->fl_lmops->lm_change: the MAP_DIRECT lease\'s'),
  // the map_direct_state (fs/mapdirect.c)
  test_bit: prim('mds_test_bit', 'a bit of mds->mds_state', ['$0']),
  set_bit: prim('mds_set_bit', 'sets a bit of mds->mds_state', ['$0', '1']),
  clear_bit: prim('mds_set_bit', 'clears a bit of mds->mds_state', ['$0', '0']),
  test_and_set_bit: prim('mds_test_and_set_bit', 'sets a bit of mds->mds_state, returning it as it was', ['$0']),
  schedule_delayed_work: prim('schedule_delayed_work', 'arms the lease-break-time timer of the map_direct_state', []),
  kill_fasync: prim('kill_fasync', 'SIGIO to the lease holder', []),
  i_mapdcount_inc: prim('i_mapdcount_add', 'one MAP_DIRECT mapping more', ['1']),
  i_mapdcount_dec: prim('i_mapdcount_add', 'one MAP_DIRECT mapping less', ['-1']),
  i_mapdcount_read: prim('i_mapdcount_read', 'the inode\'s MAP_DIRECT mappings', []),
  kzalloc: expr('1', 'the model\'s one map_direct_state (allocation does not fail)'),
  kfree: none('freeing is not modelled'),
  put_map_direct: none('the map_direct_state\'s reference count: it is never freed in the model'),
  container_of: expr('1', 'the map_direct_state of its delayed work'),
  ACCESS_ONCE: expr('$0', 'a single read: every read of the model is one'),
  // the kworker (kernel/workqueue.c)
  delayed_work_expired: prim('delayed_work_expired', 'the timer of the delayed work expires (any time after it was armed)', []),
  // mmap(2) and the vma (mm/mmap.c)
  kmem_cache_zalloc: expr('VMA_NEW', 'the vma mmap() sets up'),
  vma_link: prim('vma_link', 'the vma joins the process\'s address space', []),
  find_vma: expr('VMA_NEW', 'the vma of the address: the one mmap() set up'),
  call_mmap: call('xfs_file_mmap', 'file->f_op->mmap'),
  '->mmap_validate': call('xfs_file_mmap_validate', 'file->f_op->mmap_validate'),
  '->mmap': call('xfs_file_mmap', 'file->f_op->mmap'),
  file_accessed: none('atime is not modelled'),
  // faults (mm/memory.c, fs/xfs)
  '->fault': call('xfs_filemap_fault', 'vma->vm_ops->fault: XFS\'s, for both operation tables'),
  sb_start_pagefault: none('freeze protection is not modelled'),
  sb_end_pagefault: none('freeze protection is not modelled'),
  file_update_time: none('mtime is not modelled'),
  iomap_page_mkwrite: expr('VM_FAULT_LOCKED', 'a page cache write fault (not a DAX file): the page cache is outside the model, and it is taken to succeed'),
  filemap_fault: expr('VM_FAULT_LOCKED', 'a page cache fault (not a DAX file): the page cache is outside the model, and it is taken to succeed'),
  vm_insert_mixed: prim('vm_insert_mixed_vma', 'vm_insert_mixed(vma, addr, pfn): BUG_ON a vma without VM_MIXEDMAP; the PTE itself is the radix era\'s and is not kept here', ['$0']),
  IS_DAX: prim('inode_flag', 'the inode is DAX (S_DAX)', [String(S_DAX)]),
  xfs_is_reflink_inode: prim('inode_flag', 'the inode has shared (reflinked) extents', [String(S_REFLINK)]),
  // the block map (fs/xfs/xfs_iomap.c, xfs_bmap.c)
  '->iomap_begin': call('xfs_file_iomap_begin', 'ops->iomap_begin: XFS\'s'),
  xfs_ilock_data_map_shared: prim('xfs_ilock', 'XFS_ILOCK shared for reading the data fork', ['XFS_ILOCK_SHARED'], { ret: 'XFS_ILOCK_SHARED' }),
  xfs_bmapi_read: prim('xfs_bmapi_read', 'the mapping of the block at offset_fsb, into imap', ['$1'], { out: '$3' }),
  imap_needs_alloc: expr('!($2) || ((*($1)) & 15) != XFS_BLOCK_MAPPED', 'a hole, or for DAX an unwritten extent: the write must allocate or convert'),
  xfs_iomap_write_direct: prim('xfs_iomap_write_direct', 'allocates (or converts) the block, mapping it into imap', ['$1 >> PAGE_SHIFT'], { out: '$3' }),
  xfs_bmbt_to_iomap: prim('xfs_bmbt_to_iomap', 'fills the iomap from a block mapping', ['*($2)'], { out: '$1' }),
  xfs_itruncate_extents: prim('xfs_itruncate_extents', 'frees the blocks from the new size on', ['$2 >> PAGE_SHIFT']),
  inode_lock: prim('xfs_ilock', 'the VFS\'s inode lock (i_rwsem), which is XFS_IOLOCK', ['XFS_IOLOCK_EXCL']),
};

const fields: Record<string, FieldMeaning> = {
  ...COMMON_FIELDS,
  'vm_area_struct.vm_ops': { k: 'read', prim: 'vma_field', args: ['$0', '0'], set: { prim: 'vma_set_field', args: ['$0', '0', '$1'] }, type: 'struct vm_operations_struct *' },
  'vm_area_struct.vm_flags': { k: 'read', prim: 'vma_field', args: ['$0', '1'], set: { prim: 'vma_set_field', args: ['$0', '1', '$1'] } },
  'vm_area_struct.vm_private_data': { k: 'read', prim: 'vma_field', args: ['$0', '2'], set: { prim: 'vma_set_field', args: ['$0', '2', '$1'] }, type: 'struct map_direct_state *' },
  'vm_area_struct.vm_pgoff': { k: 'const', v: 0, doc: 'the vma maps the file from offset 0' },
  'file.f_op': { k: 'const', v: 1, type: 'struct file_operations *', doc: 'xfs_file_operations' },
  'file_operations.mmap_validate': { k: 'const', v: 1, doc: 'XFS has ->mmap_validate' },
  'inode.i_flctx': { k: 'const', v: 1, type: 'struct file_lock_context *', doc: 'the inode\'s lease context' },
  'inode.i_sb': { k: 'const', v: 1, type: 'struct super_block *' },
  'inode.i_uid': { k: 'const', v: 0, doc: 'the owner: lease_permitted() compares the task with it' },
  'task_struct.mm': { k: 'const', v: 1, type: 'struct mm_struct *' },
  'map_direct_state.mds_vma': { k: 'const', v: 1, writes: 'dropped', type: 'struct vm_area_struct *', doc: 'the MAP_DIRECT vma (never unmapped in the model)' },
  'map_direct_state.mds_inode': { k: 'const', v: 1, writes: 'dropped', type: 'struct inode *' },
  'map_direct_state.mds_state': { k: 'ignored', doc: 'kept by the mds_*_bit primitives' },
  'file_lock.fl_lmops': { k: 'const', v: 1, writes: 'dropped', type: 'struct lock_manager_operations *' },
  'file_lock.fl_flags': { k: 'const', v: 2048, writes: 'dropped', doc: 'FL_LAYOUT' },
  'file_lock.fl_type': { k: 'const', v: 0, writes: 'dropped', doc: 'F_RDLCK' },
  'file_lock.fl_owner': { k: 'const', v: 1, writes: 'dropped', type: 'struct map_direct_state *' },
  'file_lock.fl_file': { k: 'const', v: 1, writes: 'dropped', type: 'struct file *' },
  'file_lock.fl_break_time': { k: 'ignored', doc: 'the core\'s own break timeout: MAP_DIRECT sets none' },
};
delete fields['vm_fault.vma'];

export const MAPDIRECT_API: Api = {
  era: 'MAP_DIRECT (v4.14 with the MAP_DIRECT v7 series)',
  prefixes: { trace_: { k: 'none', doc: 'tracepoints change nothing the model keeps' } },
  calls,
  fields,
  protocol: {},
  records: { vm_fault: ['pgoff', 'flags', 'vma'] },
  constants: {
    ...COMMON_CONSTANTS, ...MAP, LEGACY_MAP_MASK, XFS_MAP_SUPPORTED: LEGACY_MAP_MASK | MAP.MAP_DIRECT,
    F_RDLCK: 0, F_WRLCK: 1, F_UNLCK: 2, FL_LAYOUT: 2048, O_RDONLY: 0, O_WRONLY: 1, O_NONBLOCK: 0x800, CAP_LEASE: 28,
    MAPDIRECT_BREAK: 0, MAPDIRECT_VALID: 1, VM_MIXEDMAP, VM_HUGEPAGE, PE_SIZE_PTE: 0,
    xfs_iomap_ops: 1, xfs_file_vm_ops: 1, xfs_file_vm_direct_ops: 2, map_direct_lm_ops: 1, VMA_NEW: 1, other_vma: 2, dax_file: 1,
    MAP_DIRECT_FD: 3, current: 1, GFP_KERNEL: 0, vm_area_cachep: 0, lease_break_time: 45, HZ: 100, SIGIO: 29, POLL_MSG: 0,
    XFS_DATA_FORK: 0, XFS_BLOCK_MAPPED: 2, EWOULDBLOCK: 11, IOMAP_DIRECT: 0x10,
  },
};
