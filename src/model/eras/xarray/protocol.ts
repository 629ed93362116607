// What the XArray era's fs/dax.c (v4.20 on) does to what its caller holds, for the static
// rules: the same entry-lock protocol as the radix era, over an xa_state. Until the era's
// functions are in the model these calls are outside it; the rules read them all the same.
import type { Effect } from '../../core/api';

const pure = (names: string[]): Record<string, Effect[]> => Object.fromEntries(names.map((n) => [n, [{ op: 'pure' }]]));

export const XARRAY_PROTOCOL: Readonly<Record<string, readonly Effect[]>> = {
  // fs/dax.c v4.20: the entry an unlocked lookup returns must be locked or put.
  get_unlocked_entry: [{ op: 'acquire', cls: 'unlocked-entry', handle: 'result', index: 0,
    guard: [{ atom: '$', value: true }, { atom: 'xa_is_value($)', value: true }] }],
  // v4.20 (two arguments: wake the next waiter); v5.12 adds the wake mode (WAKE_NEXT / WAKE_ALL).
  put_unlocked_entry: [{ op: 'release', cls: 'unlocked-entry', match: 1, lenient: true }, { op: 'wake', all: 2, missing: false }],
  dax_lock_entry: [{ op: 'convert', from: 'unlocked-entry', to: 'locked-entry', match: 1, always: true }, { op: 'value', locked: true }],
  dax_unlock_entry: [{ op: 'release', cls: 'locked-entry', match: 1, lenient: true }],
  dax_wake_entry: [{ op: 'wake', all: -1 }],
  // Memory failure's lock of a page's entry (v4.20: a cookie, 0 when the page left the file;
  // v6.x: the folio's), given back with the cookie.
  ...Object.fromEntries(['dax_lock_page', 'dax_lock_folio'].map((n) => [n, [{ op: 'acquire', cls: 'locked-entry', handle: 0, guard: [{ atom: '$', value: true }] }]])),
  ...Object.fromEntries(['dax_unlock_page', 'dax_unlock_folio'].map((n) => [n, [{ op: 'release', cls: 'locked-entry', match: 0 }]])),
  // xas_store(&xas, NULL) deletes the entry: its waiters must all be woken.
  xas_store: [{ op: 'delete', index: 0, nullArg: 1 }],
  xas_lock_irq: [{ op: 'acquire', cls: 'spinlock', handle: 0 }],
  xas_unlock_irq: [{ op: 'release', cls: 'spinlock', match: 0 }],
  xas_lock: [{ op: 'acquire', cls: 'spinlock', handle: 0 }],
  xas_unlock: [{ op: 'release', cls: 'spinlock', match: 0 }],
  ...pure(['dax_disassociate_entry', 'dax_associate_entry', 'xas_get_mark', 'xas_set_mark', 'xas_clear_mark', 'XA_STATE',
    'xa_is_value', 'xa_is_internal', 'xa_to_value', 'xa_mk_value', 'dax_is_locked', 'dax_is_conflict', 'xas_load',
    'dax_entry_order', 'xas_set', 'xas_reset', 'xas_pause', 'dax_to_pfn']),
};
