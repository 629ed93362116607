// The protocol table: what each kernel API acquires, releases, waits for or wakes.
// The engine (engine.ts) evaluates this table over a function's CFG; no rule has code
// of its own. API shapes follow fs/dax.c, mm/filemap.c and lib/radix-tree.c of v4.9-v4.19.
import type { ViolationKind } from '../model/machine';
import type { FindingSeverity } from './types';

/** A kind of thing a function can hold, and what holding it on return means. */
export interface ResourceClass {
  id: string;
  /** Rule id reported when a path returns while holding it. */
  rule: string;
  kind: ViolationKind;
  severity: FindingSeverity;
  /** What a reviewer writes; {api} is the acquiring call, {handle} the variable. */
  message: string;
  /** Strict: every path must give it up. Otherwise a leak counts only when another path
   *  of the same function releases the same lock (the function is then meant to balance). */
  strict: boolean;
  /** Returning the handle, or storing it through a pointer, hands it to the caller. */
  transferable: boolean;
  /** Holding it makes the context atomic: nothing may sleep meanwhile. */
  atomic?: boolean;
}

export const CLASSES: Record<string, ResourceClass> = {
  'unlocked-entry': {
    id: 'unlocked-entry', rule: 'dax/get-unlocked-put', kind: 'lost-wakeup', severity: 'error', strict: true, transferable: true,
    message: 'the entry from {api} is neither locked (lock_slot) nor released with put_unlocked_mapping_entry() on this path; ' +
      'the entry waitqueues are exclusive, so a waiter that was woken for this entry never passes the wakeup on',
  },
  'locked-entry': {
    id: 'locked-entry', rule: 'dax/locked-entry-unlock', kind: 'entry-left-locked', severity: 'error', strict: true, transferable: true,
    message: 'the radix tree entry locked by {api} is still locked when this path returns; ' +
      'every later fault on this index sleeps on it forever',
  },
  'deleted-entry': {
    id: 'deleted-entry', rule: 'dax/delete-wake-all', kind: 'lost-wakeup', severity: 'error', strict: true, transferable: false,
    message: '{api} removes an entry that exclusive waiters may sleep on, and no path wakes them all ' +
      '(dax_wake_mapping_entry_waiter(..., true))',
  },
  'preload': {
    id: 'preload', rule: 'radix/preload-end', kind: 'lock-imbalance', severity: 'error', strict: true, transferable: false, atomic: true,
    message: '{api} succeeded (preemption disabled) but this path returns without radix_tree_preload_end()',
  },
  'spinlock': {
    id: 'spinlock', rule: 'lock/spin-balance', kind: 'lock-imbalance', severity: 'error', strict: false, transferable: false, atomic: true,
    message: '{handle} taken by {api} is still held when this path returns, while other paths release it',
  },
  'sleeping-lock': {
    id: 'sleeping-lock', rule: 'lock/balance', kind: 'lock-imbalance', severity: 'error', strict: false, transferable: false,
    message: '{handle} taken by {api} is still held when this path returns, while other paths release it',
  },
  'reference': {
    id: 'reference', rule: 'ref/balance', kind: 'refcount', severity: 'warning', strict: false, transferable: true,
    message: 'the reference taken by {api} is not dropped on this path, while other paths drop it',
  },
};

/** Truth of an expression: "$" stands for the call's result (its variable, or the call text). */
export interface GuardLiteral { atom: string; value: boolean }

export type Effect =
  /** Takes a resource. `handle`: 'result' or the argument whose text names it (a lock address). */
  | { op: 'acquire'; cls: string; handle: 'result' | number; guard?: GuardLiteral[]; index?: number }
  /** Gives one up, matched by the argument's text against the resource's handles. */
  | { op: 'release'; cls: string; match?: number; lenient?: boolean }
  /** Turns a held resource of one class into another (lock_slot: unlocked entry -> locked entry).
   *  `always`: the result is held even when the path shows nothing to convert (code before it was elided). */
  | { op: 'convert'; from: string; to: string; match?: number; guard?: GuardLiteral[]; always?: boolean }
  /** Removes the entry at an index from the tree: the held entry is gone and its waiters must all be woken.
   *  `nullArg`: a store that deletes only when this argument is NULL (xas_store(&xas, NULL)). */
  | { op: 'delete'; index: number; nullArg?: number }
  /** Stores an entry value in the tree; a locked value leaves the caller holding the entry lock. */
  | { op: 'store'; value: number; index: number | null; guard?: GuardLiteral[] }
  /** Wakes entry waiters; `all` is the argument that says wake all (true, WAKE_ALL) or one (false,
   *  WAKE_NEXT); `missing` is the mode when the call has no such argument. */
  | { op: 'wake'; all: number; missing?: boolean }
  /** Returns an entry value whose lock bit is known. */
  | { op: 'value'; locked: boolean }
  /** May sleep: a violation while the path holds anything atomic. */
  | { op: 'sleeps' }
  /** Reads its arguments only: passing a handle here does not give it away. */
  | { op: 'pure' };

export interface Api { name: string; effects: Effect[]; cite?: string }

const OK_ZERO: GuardLiteral[] = [{ atom: '$', value: false }];
const NOT_ERR: GuardLiteral[] = [{ atom: 'IS_ERR($)', value: false }];

const spin = (acq: string[], rel: string[]): Api[] => [
  ...acq.map((name): Api => ({ name, effects: [{ op: 'acquire', cls: 'spinlock', handle: 0 }] })),
  ...rel.map((name): Api => ({ name, effects: [{ op: 'release', cls: 'spinlock', match: 0 }] })),
];
const sleeping = (acq: string[], rel: string[]): Api[] => [
  ...acq.map((name): Api => ({ name, effects: [{ op: 'acquire', cls: 'sleeping-lock', handle: 0 }] })),
  ...rel.map((name): Api => ({ name, effects: [{ op: 'release', cls: 'sleeping-lock', match: 0 }] })),
];
const pure = (names: string[]): Api[] => names.map((name) => ({ name, effects: [{ op: 'pure' }] }));

export const APIS: Api[] = [
  // fs/dax.c entry locking (v4.10).
  { name: 'get_unlocked_mapping_entry', cite: 'fs/dax.c v4.10',
    effects: [{ op: 'acquire', cls: 'unlocked-entry', handle: 'result', index: 1,
      guard: [{ atom: '$', value: true }, { atom: 'radix_tree_exceptional_entry($)', value: true }] }] },
  { name: 'put_unlocked_mapping_entry', cite: 'fs/dax.c v4.10: wakes the next waiter',
    effects: [{ op: 'release', cls: 'unlocked-entry', match: 2, lenient: true }, { op: 'wake', all: 3, missing: false }] },
  { name: 'lock_slot', effects: [{ op: 'convert', from: 'unlocked-entry', to: 'locked-entry', match: 1, always: true }, { op: 'value', locked: true }] },
  { name: 'grab_mapping_entry', cite: 'fs/dax.c v4.10',
    effects: [{ op: 'acquire', cls: 'locked-entry', handle: 'result', index: 1, guard: NOT_ERR }] },
  { name: 'unlock_slot', effects: [{ op: 'release', cls: 'locked-entry', match: 1, lenient: true }] },
  { name: 'dax_unlock_mapping_entry', effects: [{ op: 'release', cls: 'locked-entry', match: 1, lenient: true }] },
  { name: 'put_locked_mapping_entry', effects: [{ op: 'release', cls: 'locked-entry', match: 2, lenient: true }] },
  { name: 'dax_insert_mapping_entry', cite: 'fs/dax.c v4.10: replaces the locked entry, returns the new locked entry',
    effects: [{ op: 'convert', from: 'locked-entry', to: 'locked-entry', match: 2, guard: NOT_ERR }] },
  { name: 'dax_wake_mapping_entry_waiter', effects: [{ op: 'wake', all: -1 }] },
  { name: 'dax_radix_locked_entry', cite: 'fs/dax.c v4.11', effects: [{ op: 'value', locked: true }] },
  { name: 'dax_make_locked', cite: 'fs/dax.c v4.19', effects: [{ op: 'value', locked: true }] },
  // fs/dax.c of the XArray era (v4.20 on): the same protocol over an xa_state.
  { name: 'get_unlocked_entry', cite: 'fs/dax.c v4.20',
    effects: [{ op: 'acquire', cls: 'unlocked-entry', handle: 'result', index: 0,
      guard: [{ atom: '$', value: true }, { atom: 'xa_is_value($)', value: true }] }] },
  { name: 'put_unlocked_entry', cite: 'fs/dax.c v4.20 (two arguments: wake next), v5.13 (mode)',
    effects: [{ op: 'release', cls: 'unlocked-entry', match: 1, lenient: true }, { op: 'wake', all: 2, missing: false }] },
  { name: 'dax_lock_entry', effects: [{ op: 'convert', from: 'unlocked-entry', to: 'locked-entry', match: 1, always: true }, { op: 'value', locked: true }] },
  { name: 'dax_unlock_entry', effects: [{ op: 'release', cls: 'locked-entry', match: 1, lenient: true }] },
  { name: 'dax_wake_entry', effects: [{ op: 'wake', all: -1 }] },
  { name: 'xas_store', effects: [{ op: 'delete', index: 0, nullArg: 1 }] },
  { name: 'xas_lock_irq', effects: [{ op: 'acquire', cls: 'spinlock', handle: 0 }] },
  { name: 'xas_unlock_irq', effects: [{ op: 'release', cls: 'spinlock', match: 0 }] },
  { name: 'xas_lock', effects: [{ op: 'acquire', cls: 'spinlock', handle: 0 }] },
  { name: 'xas_unlock', effects: [{ op: 'release', cls: 'spinlock', match: 0 }] },
  // lib/radix-tree.c: the tree itself.
  { name: 'radix_tree_delete', effects: [{ op: 'delete', index: 1 }] },
  { name: 'radix_tree_delete_item', effects: [{ op: 'delete', index: 1 }] },
  { name: 'radix_tree_insert', effects: [{ op: 'store', value: 2, index: 1, guard: OK_ZERO }] },
  { name: '__radix_tree_insert', effects: [{ op: 'store', value: 3, index: 1, guard: OK_ZERO }] },
  { name: 'radix_tree_replace_slot', effects: [{ op: 'store', value: -1, index: null }] },
  { name: '__radix_tree_replace', effects: [{ op: 'store', value: 3, index: null }] },
  { name: 'radix_tree_preload', effects: [{ op: 'acquire', cls: 'preload', handle: 'result', guard: OK_ZERO }] },
  { name: 'radix_tree_maybe_preload', effects: [{ op: 'acquire', cls: 'preload', handle: 'result', guard: OK_ZERO }] },
  { name: 'radix_tree_preload_end', effects: [{ op: 'release', cls: 'preload', lenient: true }] },
  // Locks.
  ...spin(['spin_lock', 'spin_lock_irq', 'spin_lock_irqsave', 'spin_lock_bh', 'xa_lock', 'xa_lock_irq', 'xa_lock_irqsave', 'read_lock', 'write_lock'],
    ['spin_unlock', 'spin_unlock_irq', 'spin_unlock_irqrestore', 'spin_unlock_bh', 'xa_unlock', 'xa_unlock_irq', 'xa_unlock_irqrestore', 'read_unlock', 'write_unlock']),
  { name: 'pmd_lock', effects: [{ op: 'acquire', cls: 'spinlock', handle: 'result' }] },
  { name: 'pte_lockptr', effects: [{ op: 'pure' }] },
  ...sleeping(['mutex_lock', 'mutex_lock_interruptible', 'down_read', 'down_write', 'i_mmap_lock_read', 'i_mmap_lock_write', 'xfs_ilock', 'inode_lock', 'inode_lock_shared'],
    ['mutex_unlock', 'mutex_unlock', 'up_read', 'up_write', 'i_mmap_unlock_read', 'i_mmap_unlock_write', 'xfs_iunlock', 'inode_unlock', 'inode_unlock_shared']),
  { name: 'rcu_read_lock', effects: [{ op: 'acquire', cls: 'sleeping-lock', handle: -1 }] },
  { name: 'rcu_read_unlock', effects: [{ op: 'release', cls: 'sleeping-lock', match: -1 }] },
  { name: 'dax_read_lock', effects: [{ op: 'acquire', cls: 'sleeping-lock', handle: 'result' }] },
  { name: 'dax_read_unlock', effects: [{ op: 'release', cls: 'sleeping-lock', match: 0 }] },
  // References.
  { name: 'get_dev_pagemap', effects: [{ op: 'acquire', cls: 'reference', handle: 'result', guard: [{ atom: '$', value: true }] }] },
  { name: 'put_dev_pagemap', effects: [{ op: 'release', cls: 'reference', match: 0 }] },
  // Calls that may sleep (take a sleeping lock, wait, or allocate with GFP_KERNEL).
  ...['unmap_mapping_range', 'lock_page', 'wait_on_page_locked', 'schedule', 'msleep', 'might_sleep', 'synchronize_rcu',
    'i_mmap_lock_write', 'i_mmap_lock_read', 'copy_user_dax', 'dax_flush', 'wb_writeback'].map((name): Api => ({ name, effects: [{ op: 'sleeps' }] })),
  // Reads only.
  ...pure(['dax_disassociate_entry', 'dax_associate_entry', 'xas_get_mark', 'xas_set_mark', 'xas_clear_mark', 'XA_STATE', 'xa_is_value', 'xa_is_internal', 'xa_to_value', 'xa_mk_value', 'dax_is_locked', 'dax_is_conflict', 'xas_load',
    'dax_entry_order', 'xas_set', 'xas_reset', 'xas_pause', 'trace_dax_grab_entry', 'radix_tree_exceptional_entry', 'IS_ERR', 'IS_ERR_OR_NULL', 'PTR_ERR', 'ERR_PTR', 'dax_radix_order',
    'dax_is_pmd_entry', 'dax_is_pte_entry', 'dax_is_zero_entry', 'dax_is_empty_entry', 'dax_radix_sector',
    'dax_to_pfn', 'dax_entry_waitqueue', 'slot_locked', 'entry_wait_queue', 'radix_tree_lookup_slot',
    '__radix_tree_lookup', 'radix_tree_deref_slot_protected', 'radix_tree_deref_slot', 'radix_tree_lookup',
    'unlikely', 'likely', 'WARN_ON', 'WARN_ON_ONCE', 'BUG_ON', 'VM_BUG_ON', 'dax_flag_test', 'trace_dax_pmd_fault',
    'trace_dax_pmd_fault_done', 'trace_dax_pmd_load_hole', 'trace_dax_pmd_insert_mapping', 'trace_dax_insert_mapping',
    'trace_dax_pte_fault', 'trace_dax_pte_fault_done', 'RADIX_DAX_ENTRY', 'RADIX_DAX_TYPE', 'RADIX_DAX_SECTOR']),
];

export const API_BY_NAME: ReadonlyMap<string, Api> = new Map(APIS.map((a) => [a.name, a]));

/** Masks that compute a wait-queue key for a PMD entry: the low PMD-colour bits of the index
 *  must be cleared, so every index a PMD covers sleeps on the key of its first page. */
export interface KeyMaskRule {
  rule: string;
  kind: ViolationKind;
  /** A branch fact naming the PMD type on the path. */
  pmdFact: RegExp;
  /** The variable the mask is applied to. */
  target: RegExp;
  /** Bits the mask must clear, and the lowest bit it must keep. */
  clear: bigint;
  keep: bigint;
  message: string;
}

export const KEY_MASKS: KeyMaskRule[] = [{
  rule: 'dax/pmd-wake-key', kind: 'lost-wakeup', pmdFact: /RADIX_DAX_PMD|dax_is_pmd_entry/,
  target: /index/, clear: (1n << 9n) - 1n, keep: 1n << 9n,
  message: 'the wait key of a PMD entry must be the PMD-aligned index (index & ~PG_PMD_COLOUR); ' +
    'this mask gives waiters and wakers of the same PMD different keys',
}];

/** Entry values stored with the lock bit clear: the storing thread loses the entry lock with no wakeup. */
export const STORE_UNLOCKED = {
  rule: 'dax/store-locked', kind: 'entry-left-locked' as ViolationKind, severity: 'warning' as FindingSeverity,
  message: 'stores an entry value without RADIX_DAX_ENTRY_LOCK while this thread still treats the entry as locked; ' +
    'the later unlock finds it unlocked and waiters are never woken',
};

/** A call that may sleep while the path holds a spinlock or a radix tree preload. */
export const SLEEP_IN_ATOMIC = {
  rule: 'atomic/sleep', kind: 'sleep-in-atomic' as ViolationKind, severity: 'error' as FindingSeverity,
  message: '{api}() may sleep, but this path holds {held} (atomic context): it must be called before taking it or after giving it up',
};

/** A wake of one waiter after the entry was removed. */
export const WAKE_ONE_AFTER_DELETE = {
  rule: 'dax/delete-wake-all', kind: 'lost-wakeup' as ViolationKind, severity: 'error' as FindingSeverity,
  message: 'after deleting the entry this wakes only one waiter (wake_all = false); the waitqueues are exclusive ' +
    'and hashed by the entry\'s (PMD-aligned) index, so the other waiters sleep on an entry that no longer exists: ' +
    'wake_all must be true',
};
