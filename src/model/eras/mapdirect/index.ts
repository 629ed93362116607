// The MAP_DIRECT part of the model: XFS MAP_DIRECT and its layout lease as the v7 series (2017)
// has it on v4.14, with the reduced DAX fault it needs. Its kernel C, one file per kernel
// file, its API table and its variation points.
import daxC from './fs/dax.c';
import locksC from './fs/locks.c';
import mapdirectC from './fs/mapdirect.c';
import xfsFileC from './fs/xfs/xfs_file.c';
import xfsIomapC from './fs/xfs/xfs_iomap.c';
import xfsIopsC from './fs/xfs/xfs_iops.c';
import xfsLayoutC from './fs/xfs/xfs_layout.c';
import fsH from './include/linux/fs.h';
import workqueueC from './kernel/workqueue.c';
import memoryC from './mm/memory.c';
import mmapC from './mm/mmap.c';
import type { Era } from '../../core/era';
import { MAPDIRECT_API } from './api';
import { MAPDIRECT_POINTS } from './points';

export const MAPDIRECT_ERA: Era = {
  name: 'MAP_DIRECT', version: 'v4.14+v7', api: MAPDIRECT_API, points: MAPDIRECT_POINTS,
  series: '[PATCH v7 00/12] MAP_DIRECT for DAX RDMA and userspace flush (2017), through 06/12',
  sources: [
    { path: 'fs/dax.c', text: daxC },
    { path: 'fs/xfs/xfs_file.c', text: xfsFileC },
    { path: 'fs/xfs/xfs_iomap.c', text: xfsIomapC },
    { path: 'fs/xfs/xfs_layout.c', text: xfsLayoutC },
    { path: 'fs/xfs/xfs_iops.c', text: xfsIopsC },
    { path: 'fs/mapdirect.c', text: mapdirectC },
    { path: 'fs/locks.c', text: locksC },
    { path: 'include/linux/fs.h', text: fsH },
    { path: 'mm/mmap.c', text: mmapC },
    { path: 'mm/memory.c', text: memoryC },
    { path: 'kernel/workqueue.c', text: workqueueC },
  ],
};
