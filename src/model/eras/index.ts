// The eras of fs/dax.c and what the rest of the product reads of them: which era a patch is
// written against (from the identifiers only that era's code uses), whether the model has it,
// and what a call does to what its caller holds (the static rules).
import type { Effect } from '../core/api';
import type { Era } from '../core/era';
import { RADIX_ERA } from './radix/index';
import { COMMON_PROTOCOL } from './common/protocol';
import { RADIX_API } from './radix/api';
import { XARRAY_PROTOCOL } from './xarray/protocol';
import { XARRAY_ERA, XARRAY_V6_ERA, XARRAY_V6_15_ERA, XARRAY_ZAP_ERA } from './xarray/index';
import { MAPDIRECT_ERA } from './mapdirect/index';
import { DAXDEV_ERA } from './daxdev/index';
import { DEVMAP_ERA } from './devmap/index';

/** The protocol tables, an era's before the shared one. */
const TABLES: readonly Readonly<Record<string, readonly Effect[]>>[] = [RADIX_API.protocol, XARRAY_PROTOCOL, COMMON_PROTOCOL];

/** What a call does to what its caller holds, by the first table that names it; undefined when none does. */
export function protocolOf(name: string): { name: string; effects: readonly Effect[] } | undefined {
  for (const t of TABLES) {
    const effects = Object.prototype.hasOwnProperty.call(t, name) ? t[name] : undefined;
    if (effects) return { name, effects };
  }
  return undefined;
}

/** An era of fs/dax.c: the kernels it spans, the model's rendition when there is one, and the
 *  identifiers only its code uses, by which a patch is known to be written against it. */
export interface EraInfo {
  name: string;
  /** The kernels whose fs/dax.c has this shape. */
  kernels: string;
  /** The model's era (its default version), or null when the model does not have this one. */
  era: Era | null;
  /** Every version of the era the model has, oldest first. */
  versions: readonly Era[];
  words: ReadonlySet<string>;
  prefixes: readonly string[];
  /** A subsystem beside fs/dax.c (XFS MAP_DIRECT): chosen only by its own identifiers, never
   *  by the fs/dax.c functions it reduces. */
  subsystem?: boolean;
  /** How a reviewer names a subsystem's code ("XFS MAP_DIRECT"). */
  subject?: string;
}

export const ERAS: readonly EraInfo[] = [
  {
    name: 'radix', kernels: 'v4.9 to v4.19', era: RADIX_ERA, versions: [RADIX_ERA],
    // The radix tree's entry locking: mapping->tree_lock (page_tree), exceptional entries.
    words: new Set(['get_unlocked_mapping_entry', 'put_unlocked_mapping_entry', 'put_locked_mapping_entry', 'lock_slot',
      'unlock_slot', 'slot_locked', 'dax_wake_mapping_entry_waiter', 'dax_radix_locked_entry', 'dax_radix_entry',
      'dax_insert_mapping_entry', '__dax_invalidate_mapping_entry', 'dax_radix_order', 'dax_radix_sector', 'tree_lock',
      'page_tree', 'exceptional_entry_key', 'wait_exceptional_entry_queue', 'dax_make_locked']),
    prefixes: ['radix_tree_', 'RADIX_DAX_', 'RADIX_TREE_', '__radix_tree_'],
  },
  {
    name: 'XArray', kernels: 'v4.20 on', era: XARRAY_ERA, versions: [XARRAY_ERA, XARRAY_V6_ERA, XARRAY_V6_15_ERA, XARRAY_ZAP_ERA],
    // The XArray's entry locking: value entries, an xa_state, wake modes, folios.
    words: new Set(['get_unlocked_entry', 'get_next_unlocked_entry', 'put_unlocked_entry', 'dax_lock_entry',
      'dax_unlock_entry', 'dax_wake_entry', 'wait_entry_unlocked', 'wait_entry_unlocked_exclusive', 'dax_is_conflict',
      'dax_insert_entry', '__dax_invalidate_entry', 'dax_entry_order', 'dax_to_pfn', 'dax_make_entry', 'XA_STATE',
      'XA_STATE_ORDER', 'WAKE_ALL', 'WAKE_NEXT', 'DAX_LOCKED', 'DAX_ZERO_PAGE', 'DAX_EMPTY', 'DAX_SHIFT', 'folio',
      'dax_lock_folio', 'dax_unlock_folio', 'dax_layout_busy_page_range', 'mapping_empty']),
    prefixes: ['xas_', 'XA_', 'folio_'],
  },
  {
    name: 'MAP_DIRECT', kernels: 'v4.14 with the MAP_DIRECT series (2017)', era: MAPDIRECT_ERA, versions: [MAPDIRECT_ERA],
    subsystem: true, subject: 'XFS MAP_DIRECT',
    // The MAP_DIRECT lease: its mmap flag, its registration, the mapping count that stops allocations.
    words: new Set(['MAP_DIRECT', 'map_direct_register', 'is_map_direct_valid', 'is_xfs_map_direct', 'xfs_vma_checks',
      'xfs_file_mmap_validate', 'mmap_validate', 'map_direct_state', 'xfs_file_vm_direct_ops', 'LEGACY_MAP_MASK',
      'MAP_SHARED_VALIDATE', 'XFS_MAP_SUPPORTED', 'i_mapdcount', 'mapdirect']),
    prefixes: ['map_direct_', 'i_mapdcount_', 'MAPDIRECT_'],
  },
  {
    name: 'dax_device', kernels: 'v4.16 with the dax dma-vs-truncate series (2018)', era: DAXDEV_ERA, versions: [DAXDEV_ERA],
    subsystem: true, subject: 'dax_device claim',
    // The claim of a dax_device's dev_pagemap by a filesystem, directly or through device-mapper.
    words: new Set(['fs_dax_claim', 'fs_dax_claim_bdev', '__fs_dax_release', 'fs_dax_release', 'fs_claim', 'fs_release',
      'devmap_lock', 'dm_dax_dev_claim', 'dm_dax_dev_release', 'dm_dax_iterate', 'dm_dax_fs_claim', 'dm_dax_fs_release',
      'generic_dax_pagefree', 'MEMORY_DEVICE_FS_DAX']),
    prefixes: ['fs_dax_claim', 'dm_dax_fs_'],
  },
  {
    name: 'devmap', kernels: 'v4.4 with the -mm series "get_user_pages() for dax mappings" (2015)', era: DEVMAP_ERA, versions: [DEVMAP_ERA],
    subsystem: true, subject: 'get_user_pages() on devmap',
    // get_user_pages() on ZONE_DEVICE pages: the dev_pagemap lookups, devmap page table entries, the
    // fast walk's undo. (Not dev_pagemap or pgmap alone: the dax_device claims use those too.)
    // (Not pmd_devmap or is_zone_device_page either: fs/dax.c's fault paths read those.)
    words: new Set(['undo_dev_pagemap', 'get_dev_pagemap', 'put_dev_pagemap', 'follow_devmap_pmd', 'touch_pmd', '__gup_device_huge_pmd',
      'get_zone_device_page', 'put_zone_device_page', 'devm_memremap_pages', 'gup_pte_range', 'gup_huge_pmd']),
    prefixes: ['percpu_ref_'],
  },
];

/** How a reviewer names the code of an era: "the radix era of fs/dax.c", "XFS MAP_DIRECT code". */
export function eraPhrase(name: string): string {
  const info = ERAS.find((e) => e.name === name);
  return info?.subsystem ? `${info.subject ?? name} code` : `the ${name} era of fs/dax.c`;
}

/** Which era identifiers of a patch belong to, with the identifiers that say so; null when
 *  none of them is any era's own. The era with the most distinct identifiers of its own wins. */
export function identifyEra(idents: Iterable<string>): { info: EraInfo; evidence: string[] } | null {
  const all = [...new Set(idents)];
  let best: { info: EraInfo; evidence: string[] } | null = null;
  for (const info of ERAS) {
    const evidence = all.filter((w) => info.words.has(w) || info.prefixes.some((p) => w.startsWith(p))).sort();
    if (evidence.length && (!best || evidence.length > best.evidence.length)) best = { info, evidence };
  }
  return best;
}
