// DAX radix tree entry locking: fs/dax.c of v4.10 (the entry lock of Jan Kara's
// "dax: New fault locking", with the PMD entries of Ross Zwisler's iomap PMD series).
import type { FnDef } from '../ir';

const V = 'v4.10 fs/dax.c';

/** wq = dax_entry_waitqueue(mapping, index, entry, &key): the wait key; for a PMD entry
 *  the index is aligned down to the PMD so all 512 offsets share one bit lock. */
export const dax_entry_waitqueue: FnDef = {
  name: 'dax_entry_waitqueue', kernel: V, params: ['mapping', 'index', 'entry'], locals: [],
  body: (b) => {
    b.if('dax_is_pmd_entry(entry)', () => {
      b.assign('index', 'index & ~PG_PMD_COLOUR', 'index &= ~((1UL << (PMD_SHIFT - PAGE_SHIFT)) - 1);');
    });
    b.ret('index', 'return wait_table + hash_long((unsigned long)mapping ^ index, DAX_WAIT_TABLE_BITS);');
  },
};

export const dax_wake_mapping_entry_waiter: FnDef = {
  name: 'dax_wake_mapping_entry_waiter', kernel: V, params: ['mapping', 'index', 'entry', 'wake_all'], locals: ['wq', 'active'],
  body: (b) => {
    b.call('dax_entry_waitqueue', ['mapping', 'index', 'entry'], 'wq', 'wq = dax_entry_waitqueue(mapping, index, entry, &key);');
    /*
     * Checking for locked entry and prepare_to_wait_exclusive() happens
     * under mapping->tree_lock, ditto for entry handling in our callers.
     */
    b.prim('waitqueue_active', ['wq'], 'active', 'if (waitqueue_active(wq))');
    b.if('active', () => {
      b.prim('__wake_up', ['wq', 'wake_all ? 0 : 1'], undefined, '__wake_up(wq, TASK_NORMAL, wake_all ? 0 : 1, &key);');
    }, undefined, 'if (waitqueue_active(wq))');
  },
};

export const lock_slot: FnDef = {
  name: 'lock_slot', kernel: V, params: ['mapping', 'slot'], locals: ['entry'],
  body: (b) => {
    b.prim('radix_tree_deref_slot', ['slot'], 'entry', 'unsigned long entry = (unsigned long)radix_tree_deref_slot_protected(slot, &mapping->tree_lock);');
    b.assign('entry', 'entry | RADIX_DAX_ENTRY_LOCK', 'entry |= RADIX_DAX_ENTRY_LOCK;');
    b.prim('radix_tree_replace_slot', ['slot', 'entry'], undefined, 'radix_tree_replace_slot(&mapping->page_tree, slot, (void *)entry);');
    b.ret('entry', 'return (void *)entry;');
  },
};

export const unlock_slot: FnDef = {
  name: 'unlock_slot', kernel: V, params: ['mapping', 'slot'], locals: ['entry'],
  body: (b) => {
    b.prim('radix_tree_deref_slot', ['slot'], 'entry', 'unsigned long entry = (unsigned long)radix_tree_deref_slot_protected(slot, &mapping->tree_lock);');
    b.assign('entry', 'entry & ~RADIX_DAX_ENTRY_LOCK', 'entry &= ~(unsigned long)RADIX_DAX_ENTRY_LOCK;');
    b.prim('radix_tree_replace_slot', ['slot', 'entry'], undefined, 'radix_tree_replace_slot(&mapping->page_tree, slot, (void *)entry);');
    b.ret('entry', 'return (void *)entry;');
  },
};

/*
 * Look up entry in radix tree, wait for it to become unlocked if it is
 * exceptional entry and return it. The caller must call
 * put_unlocked_mapping_entry() when he decided not to lock the entry or
 * put_locked_mapping_entry() when he locked the entry and now wants to
 * unlock it. Called with mapping->tree_lock held.
 */
export const get_unlocked_mapping_entry: FnDef = {
  name: 'get_unlocked_mapping_entry', kernel: V, params: ['mapping', 'index', 'slotp'], locals: ['entry', 'slot', 'wq'],
  body: (b) => {
    b.label('for');
    b.prim('__radix_tree_lookup', ['index', '&slot'], 'entry', 'entry = __radix_tree_lookup(&mapping->page_tree, index, NULL, &slot);');
    b.if('!entry || !radix_tree_exceptional_entry(entry) || !(entry & RADIX_DAX_ENTRY_LOCK)', () => {
      b.if('slotp', () => b.assign('*slotp', 'slot', '*slotp = slot;'), undefined, 'if (slotp)');
      b.ret('entry');
    }, undefined, 'if (!entry || !radix_tree_exceptional_entry(entry) || !slot_locked(mapping, slot))');
    b.call('dax_entry_waitqueue', ['mapping', 'index', 'entry'], 'wq', 'wq = dax_entry_waitqueue(mapping, index, entry, &ewait.key);');
    b.prim('prepare_to_wait_exclusive', ['wq'], undefined, 'prepare_to_wait_exclusive(wq, &ewait.wait, TASK_UNINTERRUPTIBLE);');
    b.prim('spin_unlock_irq', ['TREE_LOCK'], undefined, 'spin_unlock_irq(&mapping->tree_lock);');
    b.prim('schedule', [], undefined, 'schedule();');
    b.prim('finish_wait', ['wq'], undefined, 'finish_wait(wq, &ewait.wait);');
    b.prim('spin_lock_irq', ['TREE_LOCK'], undefined, 'spin_lock_irq(&mapping->tree_lock);');
    b.goto('for', '}  /* for (;;) */');
  },
};

export const put_unlocked_mapping_entry: FnDef = {
  name: 'put_unlocked_mapping_entry', kernel: V, params: ['mapping', 'index', 'entry'], locals: [],
  body: (b) => {
    const wakeAll = b.point('wake_all', 'dax_wake_mapping_entry_waiter(mapping, index, entry, false)', [false, true], false);
    b.if('!radix_tree_exceptional_entry(entry)', () => b.ret());
    /* We have to wake up next waiter for the radix tree entry lock */
    b.call('dax_wake_mapping_entry_waiter', ['mapping', 'index', 'entry', wakeAll ? 'true' : 'false'], undefined,
      `dax_wake_mapping_entry_waiter(mapping, index, entry, ${wakeAll});`);
  },
};

export const dax_unlock_mapping_entry: FnDef = {
  name: 'dax_unlock_mapping_entry', kernel: V, params: ['mapping', 'index'], locals: ['entry', 'slot', 'bad'],
  body: (b) => {
    const wakeAll = b.point('wake_all', 'dax_wake_mapping_entry_waiter(mapping, index, entry, false)', [false, true], false);
    const order = b.point('wake_order', 'spin_unlock_irq(&mapping->tree_lock); dax_wake_mapping_entry_waiter(...)',
      ['unlock-then-wake', 'wake-under-lock'], 'unlock-then-wake');
    const wake = (): void => b.call('dax_wake_mapping_entry_waiter', ['mapping', 'index', 'entry', wakeAll ? 'true' : 'false'], undefined,
      `dax_wake_mapping_entry_waiter(mapping, index, entry, ${wakeAll});`);
    b.prim('spin_lock_irq', ['TREE_LOCK'], undefined, 'spin_lock_irq(&mapping->tree_lock);');
    b.prim('__radix_tree_lookup', ['index', '&slot'], 'entry', 'entry = __radix_tree_lookup(&mapping->page_tree, index, NULL, &slot);');
    b.prim('WARN_ON_ONCE', ['!entry || !radix_tree_exceptional_entry(entry) || !(entry & RADIX_DAX_ENTRY_LOCK)'], 'bad',
      'if (WARN_ON_ONCE(!entry || !radix_tree_exceptional_entry(entry) || !slot_locked(mapping, slot)))');
    b.if('bad', () => {
      b.prim('spin_unlock_irq', ['TREE_LOCK'], undefined, 'spin_unlock_irq(&mapping->tree_lock);');
      b.ret();
    });
    b.call('unlock_slot', ['mapping', 'slot'], undefined, 'unlock_slot(mapping, slot);');
    if (order === 'wake-under-lock') wake();
    b.prim('spin_unlock_irq', ['TREE_LOCK'], undefined, 'spin_unlock_irq(&mapping->tree_lock);');
    if (order === 'unlock-then-wake') wake();
  },
};

export const put_locked_mapping_entry: FnDef = {
  name: 'put_locked_mapping_entry', kernel: V, params: ['mapping', 'index', 'entry'], locals: [],
  body: (b) => {
    b.if('!radix_tree_exceptional_entry(entry)', () => {
      b.prim('unlock_page', ['entry'], undefined, 'unlock_page(entry);');
      b.prim('put_page', ['entry'], undefined, 'put_page(entry);');
    }, () => {
      b.call('dax_unlock_mapping_entry', ['mapping', 'index'], undefined, 'dax_unlock_mapping_entry(mapping, index);');
    });
  },
};

export const ENTRY_FNS = [
  dax_entry_waitqueue, dax_wake_mapping_entry_waiter, lock_slot, unlock_slot, get_unlocked_mapping_entry,
  put_unlocked_mapping_entry, dax_unlock_mapping_entry, put_locked_mapping_entry,
];
