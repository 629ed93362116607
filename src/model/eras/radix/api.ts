// The kernel API of the radix-tree era (v4.9 to v4.19, following v4.10) as the model sees
// it: its tree (mapping->tree_lock, lib/radix-tree.c), its entry encoding, its block device
// mapping and its vma operations; the APIs every era shares are eras/common/api.ts. The
// lowering reads it (src/model/core/lower.ts); see api.ts in src/model/core for the template
// language ($0.. the call's arguments, $ret the primitive's result).
import type { Api, CallMeaning, Effect, FieldMeaning, GuardLiteral } from '../../core/api';
import { call, COMMON_CALLS, COMMON_CONSTANTS, COMMON_FIELDS, expr, none, prim } from '../common/api';

const TREE_LOCKED = 'mapping->tree_lock';

const calls: Record<string, CallMeaning> = {
  ...COMMON_CALLS,
  // mapping->tree_lock
  spin_lock_irq: prim('spin_lock_irq', `spin_lock_irq(&${TREE_LOCKED})`),
  spin_unlock_irq: prim('spin_unlock_irq', `spin_unlock_irq(&${TREE_LOCKED})`),
  spin_lock_irqsave: prim('spin_lock_irq', 'spin_lock_irqsave(&mapping->tree_lock, flags): the model has no interrupts to save', ['$0']),
  spin_unlock_irqrestore: prim('spin_unlock_irq', 'spin_unlock_irqrestore(&mapping->tree_lock, flags)', ['$0']),

  // the radix tree (lib/radix-tree.c): the root and node arguments name the one tree
  __radix_tree_lookup: prim('__radix_tree_lookup', 'the entry covering index; *slotp = its slot', ['$1', '$3']),
  radix_tree_deref_slot_protected: prim('radix_tree_deref_slot', 'the entry in a slot, under tree_lock', ['$0']),
  radix_tree_replace_slot: prim('radix_tree_replace_slot', 'the slot takes a new entry', ['$1', '$2']),
  __radix_tree_replace: prim('radix_tree_replace_slot', 'the slot takes a new entry (node and update callback unused)', ['$2', '$3']),
  __radix_tree_insert: prim('__radix_tree_insert', 'inserts an entry of an order: -EEXIST when any slot of its range is taken', ['$1', '$2', '$3']),
  radix_tree_insert: prim('__radix_tree_insert', 'inserts an order-0 entry', ['$1', '0', '$2']),
  radix_tree_delete: prim('radix_tree_delete', 'removes the entry covering index', ['$1']),
  radix_tree_preload: prim('radix_tree_preload', 'preallocates tree nodes: 0 with preemption disabled, or -ENOMEM (injected)', ['0']),
  radix_tree_maybe_preload: prim('radix_tree_preload', 'radix_tree_preload() for a mask that may sleep', ['0']),
  radix_tree_preload_end: prim('radix_tree_preload_end', 'enables preemption again', []),
  radix_tree_tag_set: prim('radix_tree_tag_set', 'sets a tag of the entry at index', ['$1', '$2']),
  radix_tree_tag_get: prim('radix_tree_tag_get', 'a tag of the entry at index', ['$1', '$2']),
  // mm/filemap.c's tree operations in page_cache_tree_insert(), as the model has them
  page_cache_tree_slot: prim('page_cache_tree_slot',
    '__radix_tree_create(&mapping->page_tree, index, 0, &node, &slot) and *slot: what the slot of index holds', ['$1']),
  page_cache_tree_replace: prim('page_cache_tree_replace',
    '__radix_tree_replace(&mapping->page_tree, node, slot, page, ...) of the slot page_cache_tree_slot() read', ['$1', '$2']),

  // the entry encoding of fs/dax.c v4.10 and include/linux/radix-tree.h
  radix_tree_exceptional_entry: expr('(($0) & RADIX_TREE_EXCEPTIONAL_ENTRY) != 0', 'an exceptional entry (a DAX entry) rather than a page pointer'),
  dax_is_pmd_entry: expr('($0) & RADIX_DAX_PMD', 'a PMD entry'),
  dax_is_pte_entry: expr('(($0) & RADIX_DAX_PMD) == 0', 'a PTE entry'),
  dax_is_zero_entry: expr('($0) & RADIX_DAX_HZP', 'a huge zero page entry'),
  dax_is_empty_entry: expr('($0) & RADIX_DAX_EMPTY', 'an empty entry (a placeholder while the fault maps blocks)'),
  dax_radix_sector: expr('($0) >> RADIX_DAX_SHIFT', 'the sector an entry maps'),
  dax_radix_order: expr('(($0) & RADIX_DAX_PMD) ? PMD_ORDER : 0', 'the order of an entry in the tree'),
  dax_radix_locked_entry: expr('RADIX_TREE_EXCEPTIONAL_ENTRY | ($1) | (($0) << RADIX_DAX_SHIFT) | RADIX_DAX_ENTRY_LOCK',
    'a new entry of a sector and flags: entries begin locked'),
  dax_radix_entry: expr('RADIX_TREE_EXCEPTIONAL_ENTRY | ($1) | (($0) << RADIX_DAX_SHIFT) | RADIX_DAX_ENTRY_LOCK',
    'dax_radix_locked_entry() as the v5 iomap PMD series named it before it was merged'),
  // the block device (dax_map_atomic() of v4.10): linear and always mapped
  dax_map_atomic: expr('$1->size', 'maps the whole range asked for: the model\'s block device never fails'),
  dax_unmap_atomic: none('ends the block device mapping'),
  pfn_t_to_pfn: expr('$0', 'the pfn'),
  pfn_t_devmap: expr('1', 'DAX pfns have struct pages (devmap)'),
  // the vma's operations are XFS's
  '->fault': call('xfs_filemap_fault', 'vma->vm_ops->fault'),
  '->page_mkwrite': call('xfs_filemap_fault', 'vma->vm_ops->page_mkwrite: the DAX fault again, under XFS_MMAPLOCK'),
  '->pmd_fault': call('xfs_filemap_pmd_fault', 'vma->vm_ops->pmd_fault'),
  '->pfn_mkwrite': call('xfs_filemap_pfn_mkwrite', 'vma->vm_ops->pfn_mkwrite'),
};

const fields: Record<string, FieldMeaning> = {
  ...COMMON_FIELDS,
  'address_space.tree_lock': { k: 'const', v: 1, doc: 'the one tree_lock (TREE_LOCK)' },
  'address_space.page_tree': { k: 'const', v: 1, type: 'struct radix_tree_root', doc: 'the one radix tree' },
  'address_space.nrexceptional': { k: 'counter', add: 'nrexceptional_add', doc: 'exceptional entries in the tree, under tree_lock' },
  'address_space.nrpages': { k: 'counter', add: 'nrpages_add', read: 'nrpages_read', doc: 'pages in the tree, under tree_lock' },
  'blk_dax_ctl.pfn': { k: 'view', e: '$0.sector', doc: 'the model\'s pfn is the sector (a linear block device)' },
  'blk_dax_ctl.addr': { k: 'const', v: 0, doc: 'the kernel address of the mapping: no object of the model' },
};

// What the era's functions and the radix tree's calls do to what their caller holds, for the
// static rules (the entry-lock protocol of fs/dax.c v4.10).
const OK_ZERO: GuardLiteral[] = [{ atom: '$', value: false }];
const NOT_ERR: GuardLiteral[] = [{ atom: 'IS_ERR($)', value: false }];
const pure = (names: string[]): Record<string, Effect[]> => Object.fromEntries(names.map((n) => [n, [{ op: 'pure' }]]));

const protocol: Record<string, readonly Effect[]> = {
  // The entry an unlocked lookup returns must be locked (lock_slot) or put.
  get_unlocked_mapping_entry: [{ op: 'acquire', cls: 'unlocked-entry', handle: 'result', index: 1,
    guard: [{ atom: '$', value: true }, { atom: 'radix_tree_exceptional_entry($)', value: true }] }],
  // Puts the entry and wakes the next waiter.
  put_unlocked_mapping_entry: [{ op: 'release', cls: 'unlocked-entry', match: 2, lenient: true }, { op: 'wake', all: 3, missing: false }],
  lock_slot: [{ op: 'convert', from: 'unlocked-entry', to: 'locked-entry', match: 1, always: true }, { op: 'value', locked: true }],
  grab_mapping_entry: [{ op: 'acquire', cls: 'locked-entry', handle: 'result', index: 1, guard: NOT_ERR }],
  unlock_slot: [{ op: 'release', cls: 'locked-entry', match: 1, lenient: true }],
  dax_unlock_mapping_entry: [{ op: 'release', cls: 'locked-entry', match: 1, lenient: true }],
  put_locked_mapping_entry: [{ op: 'release', cls: 'locked-entry', match: 2, lenient: true }],
  // Replaces the locked entry and returns the new one, locked.
  dax_insert_mapping_entry: [{ op: 'convert', from: 'locked-entry', to: 'locked-entry', match: 2, guard: NOT_ERR }],
  dax_wake_mapping_entry_waiter: [{ op: 'wake', all: -1 }],
  // v4.11 and v4.19 helpers that make locked entry values.
  dax_radix_locked_entry: [{ op: 'value', locked: true }],
  dax_make_locked: [{ op: 'value', locked: true }],
  // lib/radix-tree.c: deleting an entry others may wait on, storing entry values, preloading.
  radix_tree_delete: [{ op: 'delete', index: 1 }],
  radix_tree_delete_item: [{ op: 'delete', index: 1 }],
  radix_tree_insert: [{ op: 'store', value: 2, index: 1, guard: OK_ZERO }],
  __radix_tree_insert: [{ op: 'store', value: 3, index: 1, guard: OK_ZERO }],
  radix_tree_replace_slot: [{ op: 'store', value: -1, index: null }],
  __radix_tree_replace: [{ op: 'store', value: 3, index: null }],
  radix_tree_preload: [{ op: 'acquire', cls: 'preload', handle: 'result', guard: OK_ZERO }],
  radix_tree_maybe_preload: [{ op: 'acquire', cls: 'preload', handle: 'result', guard: OK_ZERO }],
  radix_tree_preload_end: [{ op: 'release', cls: 'preload', lenient: true }],
  ...pure(['radix_tree_exceptional_entry', 'dax_radix_order', 'dax_radix_sector', 'slot_locked', 'entry_wait_queue',
    'radix_tree_lookup_slot', '__radix_tree_lookup', 'radix_tree_deref_slot_protected', 'radix_tree_deref_slot',
    'radix_tree_lookup', 'dax_flag_test', 'RADIX_DAX_ENTRY', 'RADIX_DAX_TYPE', 'RADIX_DAX_SECTOR']),
};

export const RADIX_API: Api = {
  era: 'radix (v4.10)',
  derefs: { pmd_t: { prim: 'pmd_read', doc: '*pmd: the PMD of the modelled region' } },
  prefixes: { trace_: { k: 'none', doc: 'tracepoints change nothing the model keeps' } },
  calls,
  fields,
  protocol,
  records: {
    vm_fault: ['pgoff', 'flags', 'page'],
    blk_dax_ctl: ['sector', 'size'],
  },
  constants: { ...COMMON_CONSTANTS, xfs_iomap_ops: 1 },
};
