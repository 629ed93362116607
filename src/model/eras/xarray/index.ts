// The XArray era (v4.20 on, following v5.13): its kernel C, one file per kernel file, its API
// table and its variation points. The reference functions are these files lowered to IR.
import daxC from './fs/dax.c';
import xfsFileC from './fs/xfs/xfs_file.c';
import xfsIopsC from './fs/xfs/xfs_iops.c';
import filemapC from './mm/filemap.c';
import memoryC from './mm/memory.c';
import truncateC from './mm/truncate.c';
import type { Era } from '../../core/era';
import { XARRAY_API } from './api';
import { XARRAY_POINTS } from './points';

/** The XArray era: fs/dax.c from v4.20 on, following v5.13. */
export const XARRAY_ERA: Era = {
  name: 'XArray', version: 'v5.13', api: XARRAY_API, points: XARRAY_POINTS,
  sources: [
    { path: 'fs/dax.c', text: daxC },
    { path: 'mm/filemap.c', text: filemapC },
    { path: 'mm/truncate.c', text: truncateC },
    { path: 'mm/memory.c', text: memoryC },
    { path: 'fs/xfs/xfs_file.c', text: xfsFileC },
    { path: 'fs/xfs/xfs_iops.c', text: xfsIopsC },
  ],
};
