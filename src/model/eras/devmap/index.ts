// The devmap part of the model: get_user_pages() on device memory that DAX maps (ZONE_DEVICE
// pages and their dev_pagemap), as the -mm series of December 2015 has it on v4.4 (seed 004 is
// its v2 23/25), with the unbind of the pmem driver that owns the pages. Its kernel C, one file
// per kernel file, its API table and its variation points.
import gupX86C from './arch/x86/mm/gup.c';
import mmH from './include/linux/mm.h';
import hugeMemoryC from './mm/huge_memory.c';
import gupC from './mm/gup.c';
import mmapC from './mm/mmap.c';
import memremapC from './kernel/memremap.c';
import blkMqC from './block/blk-mq.c';
import pmemC from './drivers/nvdimm/pmem.c';
import directIoC from './fs/direct-io.c';
import type { Era } from '../../core/era';
import { DEVMAP_API } from './api';
import { DEVMAP_POINTS } from './points';

export const DEVMAP_ERA: Era = {
  name: 'devmap', version: 'v4.4+v2', api: DEVMAP_API, points: DEVMAP_POINTS,
  sources: [
    { path: 'arch/x86/mm/gup.c', text: gupX86C },
    { path: 'include/linux/mm.h', text: mmH },
    { path: 'mm/huge_memory.c', text: hugeMemoryC },
    { path: 'mm/gup.c', text: gupC },
    { path: 'mm/mmap.c', text: mmapC },
    { path: 'kernel/memremap.c', text: memremapC },
    { path: 'block/blk-mq.c', text: blkMqC },
    { path: 'drivers/nvdimm/pmem.c', text: pmemC },
    { path: 'fs/direct-io.c', text: directIoC },
  ],
};
