// The protocol rules: the kinds of things a function can hold and what holding them on return
// means, and the rules that read values rather than holdings. What each kernel API acquires,
// releases, waits for or wakes is the eras' API tables (src/model/eras: protocolOf()); the
// engine (engine.ts) evaluates them over a function's CFG, and no rule has code of its own.
import type { ViolationKind } from '../model/machine';
import type { FindingSeverity } from './types';
export type { Effect, GuardLiteral } from '../model/core/api';

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
