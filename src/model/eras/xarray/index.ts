// The XArray era (v4.20 on, following v5.12): its kernel C, one file per kernel file, its API
// table and its variation points. The reference functions are these files lowered to IR.
import daxC from './fs/dax.c';
import xfsFileC from './fs/xfs/xfs_file.c';
import xfsIopsC from './fs/xfs/xfs_iops.c';
import filemapC from './mm/filemap.c';
import memoryC from './mm/memory.c';
import truncateC from './mm/truncate.c';
import memoryFailureC from './mm/memory-failure.c';
import gupC from './mm/gup.c';
import ext4InodeC from './fs/ext4/inode.c';
import ext4FileC from './fs/ext4/file.c';
import { applyPatch, parsePatch } from 'diff';
import type { Era } from '../../core/era';
import type { CSource } from '../../core/lower';
import type { PointDef } from '../../core/points';
import { XARRAY_API, XARRAY_V6_API, XARRAY_ZAP_API } from './api';
import { XARRAY_POINTS, XARRAY_V6_15_POINTS, XARRAY_V6_POINTS, XARRAY_ZAP_POINTS } from './points';
import { V6_12_DIFF } from './v6';
import { ZAP_DIFF } from './zap';
import { V6_15_DIFF } from './v6-15';

/** The XArray era: fs/dax.c from v4.20 on, following v5.12. */
export const XARRAY_ERA: Era = {
  name: 'XArray', version: 'v5.12', api: XARRAY_API, points: XARRAY_POINTS, released: '2021-04-25',
  words: ['nrexceptional'],
  sources: [
    { path: 'fs/dax.c', text: daxC },
    { path: 'mm/filemap.c', text: filemapC },
    { path: 'mm/truncate.c', text: truncateC },
    { path: 'mm/memory.c', text: memoryC },
    { path: 'mm/memory-failure.c', text: memoryFailureC },
    { path: 'mm/gup.c', text: gupC },
    { path: 'fs/xfs/xfs_file.c', text: xfsFileC },
    { path: 'fs/xfs/xfs_iops.c', text: xfsIopsC },
    { path: 'fs/ext4/file.c', text: ext4FileC },
    { path: 'fs/ext4/inode.c', text: ext4InodeC },
  ],
};

/** Sources with a diff of some of their files applied; a hunk that does not apply is an error. */
function patched(sources: readonly CSource[], diff: string, what: string): CSource[] {
  const byPath = new Map(parsePatch(diff).map((p) => [(p.newFileName ?? '').replace(/^b\//, ''), p]));
  return sources.map((s) => {
    const p = byPath.get(s.path);
    if (!p) return s;
    const text = applyPatch(s.text, p);
    if (text === false) throw new Error(`the XArray era's ${s.path}: the ${what} changes do not apply`);
    return { path: s.path, text };
  });
}

/** The XArray era as v6.12 has it: the wake modes, page-count accounting, mapping_empty(). */
export const XARRAY_V6_ERA: Era = {
  name: 'XArray', version: 'v6.12', api: XARRAY_V6_API, points: XARRAY_V6_POINTS, released: '2024-11-17',
  words: ['WAKE_ALL', 'WAKE_NEXT', 'dax_wake_mode', 'mapping_empty',
    'iomap_iter', 'folio', 'dax_to_folio', 'dax_fault_check_fallback', 'dax_lock_folio', 'dax_unlock_folio'],
  sources: patched(XARRAY_ERA.sources, V6_12_DIFF, 'v6.12'),
};

/** The diff of a point's value: a later kernel that took it is the version before with it applied. */
function pointValue(points: readonly PointDef[], fn: string, name: string, value: string): string {
  const diff = points.find((p) => p.fn === fn && p.name === name)?.values[value];
  if (!diff) throw new Error(`the XArray era has no point ${fn}.${name}=${value}`);
  return diff;
}

/** The XArray era as v6.15 has it: the waits of real mail 14 (2024) where a walk stands, and
 *  get_unlocked_entry() renamed get_next_unlocked_entry(). */
export const XARRAY_V6_15_ERA: Era = {
  name: 'XArray', version: 'v6.15', api: XARRAY_V6_API, points: XARRAY_V6_15_POINTS, released: '2025-05-25',
  words: ['get_next_unlocked_entry', 'wait_entry_unlocked_exclusive'],
  sources: patched(patched(XARRAY_V6_ERA.sources, pointValue(XARRAY_V6_POINTS, 'dax_layout_busy_page_range', 'locked_entry', 'wait'), 'v6.15 (the busy-page scan)'), V6_15_DIFF, 'v6.15'),
};

/** v6.12 with the life cycle of a DAX page seed 002 writes out (2022): the mapping's reference
 *  to its DAX pages, dropped by break layouts (dax_zap_mappings()), DAX_ZAP on the entry. */
export const XARRAY_ZAP_ERA: Era = {
  name: 'XArray', version: 'v6.12+zap', api: XARRAY_ZAP_API, points: XARRAY_ZAP_POINTS,
  proposal: 'the DAX page life cycle of seed 002 ("Fix the DAX-gup mistake", 2022)',
  words: ['DAX_ZAP', 'dax_zap_mappings', 'dax_zap_mappings_range', 'dax_zap_entry', 'dax_is_zap_entry', 'dax_is_zapped'],
  sources: patched(XARRAY_V6_ERA.sources, ZAP_DIFF, 'seed 002 life cycle'),
};
