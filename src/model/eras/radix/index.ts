// The radix-tree era (v4.9 to v4.19, following v4.10): its kernel C, one file per kernel
// file, and its API table. The reference functions are these files lowered to IR.
import daxC from './fs/dax.c';
import xfsFileC from './fs/xfs/xfs_file.c';
import xfsIopsC from './fs/xfs/xfs_iops.c';
import filemapC from './mm/filemap.c';
import memoryC from './mm/memory.c';
import truncateC from './mm/truncate.c';
import { RADIX_API } from './api';

export interface EraSource {
  /** The kernel path the file mirrors. */
  path: string;
  text: string;
}

export const RADIX_SOURCES: readonly EraSource[] = [
  { path: 'fs/dax.c', text: daxC },
  { path: 'mm/filemap.c', text: filemapC },
  { path: 'mm/truncate.c', text: truncateC },
  { path: 'mm/memory.c', text: memoryC },
  { path: 'fs/xfs/xfs_file.c', text: xfsFileC },
  { path: 'fs/xfs/xfs_iops.c', text: xfsIopsC },
];

export { RADIX_API };

import type { Era } from '../../core/era';
import { RADIX_POINTS } from './points';

/** The radix-tree era: fs/dax.c from v4.9 to v4.19, following v4.10. */
export const RADIX_ERA: Era = { name: 'radix', version: 'v4.10', sources: RADIX_SOURCES, api: RADIX_API, points: RADIX_POINTS };
