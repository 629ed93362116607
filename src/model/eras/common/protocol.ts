// What the kernel APIs every era shares do to what their caller holds, for the static rules:
// the locks (spinlocks, sleeping locks, RCU and the dax_device's SRCU), references, the calls
// that may sleep, and helpers that only read their arguments. An era's own table
// (Api.protocol) says the rest, and wins where both name a call.
import type { Effect, GuardLiteral } from '../../core/api';

const acquire = (cls: string, handle: 'result' | number = 0, guard?: GuardLiteral[]): Effect[] =>
  [{ op: 'acquire', cls, handle, ...(guard ? { guard } : {}) }];
const release = (cls: string, match = 0): Effect[] => [{ op: 'release', cls, match }];
const each = (names: string[], effects: Effect[]): Record<string, Effect[]> => Object.fromEntries(names.map((n) => [n, effects]));

/** A sleeping lock's acquire may sleep too. */
const SLEEPS: Effect = { op: 'sleeps' };

export const COMMON_PROTOCOL: Readonly<Record<string, readonly Effect[]>> = {
  // Spinlocks (include/linux/spinlock.h) and the XArray's lock wrappers around them.
  ...each(['spin_lock', 'spin_lock_irq', 'spin_lock_irqsave', 'spin_lock_bh', 'xa_lock', 'xa_lock_irq', 'xa_lock_irqsave',
    'read_lock', 'write_lock'], acquire('spinlock')),
  ...each(['spin_unlock', 'spin_unlock_irq', 'spin_unlock_irqrestore', 'spin_unlock_bh', 'xa_unlock', 'xa_unlock_irq',
    'xa_unlock_irqrestore', 'read_unlock', 'write_unlock'], release('spinlock')),
  pmd_lock: acquire('spinlock', 'result'),
  // Page table locks taken for the caller: pte_offset_map_lock() through its last argument
  // (&ptl); follow_pte() and follow_pte_pmd() through theirs, when they return 0.
  pte_offset_map_lock: acquire('spinlock', -1),
  pte_unmap_unlock: release('spinlock', 1),
  ...each(['follow_pte', 'follow_pte_pmd'], acquire('spinlock', -1, [{ atom: '$', value: false }])),
  // Sleeping locks (mutexes, rw semaphores, the inode's and the mapping's locks, XFS's ilock).
  ...each(['mutex_lock', 'down_read', 'down_write', 'i_mmap_lock_read', 'i_mmap_lock_write',
    'xfs_ilock', 'inode_lock', 'inode_lock_shared'], [...acquire('sleeping-lock'), SLEEPS]),
  // Held when they return 0 (a signal or a kill interrupts the wait with an error) ...
  ...each(['mutex_lock_interruptible', 'mutex_lock_killable', 'down_read_killable', 'down_write_killable', 'down_read_interruptible'],
    [...acquire('sleeping-lock', 0, [{ atom: '$', value: false }]), SLEEPS]),
  // ... or when they return true (a try that did not wait).
  ...each(['mutex_trylock', 'down_read_trylock', 'down_write_trylock', 'xfs_ilock_nowait'], acquire('sleeping-lock', 0, [{ atom: '$', value: true }])),
  ...each(['spin_trylock', 'spin_trylock_irq'], acquire('spinlock', 0, [{ atom: '$', value: true }])),
  ...each(['mutex_unlock', 'up_read', 'up_write', 'i_mmap_unlock_read', 'i_mmap_unlock_write', 'xfs_iunlock',
    'inode_unlock', 'inode_unlock_shared'], release('sleeping-lock')),
  rcu_read_lock: acquire('sleeping-lock', -1),
  rcu_read_unlock: release('sleeping-lock', -1),
  dax_read_lock: acquire('sleeping-lock', 'result'),
  dax_read_unlock: release('sleeping-lock', 0),
  // SRCU read side, and device-mapper's live table over it (drivers/md/dm.c): the table is
  // held from dm_get_live_table() (or dm_dax_get_live_target(), which takes it whether or not
  // it finds a target) to dm_put_live_table() on the same mapped_device.
  srcu_read_lock: acquire('sleeping-lock', 'result'),
  srcu_read_unlock: release('sleeping-lock', 1),
  dm_get_live_table: acquire('sleeping-lock', 0),
  dm_dax_get_live_target: acquire('sleeping-lock', 0),
  dm_put_live_table: release('sleeping-lock', 0),
  // The page cache's invalidate lock (v5.15 on) and the mm's mmap lock (v5.8 on) by their wrappers.
  ...each(['filemap_invalidate_lock', 'filemap_invalidate_lock_shared', 'mmap_read_lock', 'mmap_write_lock'],
    [...acquire('sleeping-lock'), SLEEPS]),
  ...each(['filemap_invalidate_unlock', 'filemap_invalidate_unlock_shared', 'mmap_read_unlock', 'mmap_write_unlock'],
    release('sleeping-lock')),
  // A block device's DAX mapping of v4.10 (dax_map_atomic() enters the request queue,
  // dax_unmap_atomic() leaves it), and a dax_device's reference by its host or block device.
  // Held unless it failed: the rules read `length < 0` as the error test (an error code is set).
  dax_map_atomic: acquire('reference', 1, [{ atom: '$', value: false }]),
  dax_unmap_atomic: release('reference', 1),
  ...each(['dax_get_by_host', 'fs_dax_get_by_host', 'fs_dax_get_by_bdev'], acquire('reference', 'result', [{ atom: '$', value: true }])),
  put_dax: release('reference', 0),
  fs_put_dax: release('reference', 0),
  // References.
  get_dev_pagemap: acquire('reference', 'result', [{ atom: '$', value: true }]),
  put_dev_pagemap: release('reference', 0),
  // Calls that may sleep (wait, or allocate with GFP_KERNEL).
  ...each(['unmap_mapping_range', 'lock_page', 'wait_on_page_locked', 'schedule', 'msleep', 'might_sleep', 'synchronize_rcu',
    'wait_var_event', '___wait_var_event',
    'copy_user_dax', 'dax_flush', 'wb_writeback'], [SLEEPS]),
  // Reads only: passing a handle here does not give it away.
  ...each(['IS_ERR', 'IS_ERR_OR_NULL', 'PTR_ERR', 'ERR_PTR', 'unlikely', 'likely', 'WARN_ON', 'WARN_ON_ONCE', 'BUG_ON',
    'VM_BUG_ON', 'pte_lockptr', 'dax_is_pmd_entry', 'dax_is_pte_entry', 'dax_is_zero_entry', 'dax_is_empty_entry',
    'dax_entry_waitqueue', 'trace_dax_pmd_fault', 'trace_dax_pmd_fault_done', 'trace_dax_pmd_load_hole',
    'trace_dax_pmd_insert_mapping', 'trace_dax_insert_mapping', 'trace_dax_pte_fault', 'trace_dax_pte_fault_done',
    'trace_dax_grab_entry'], [{ op: 'pure' }]),
};
