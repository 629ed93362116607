// The dax_device part of the model: the claim and release of a dax_device's dev_pagemap by a
// filesystem, directly or through device-mapper, as the v8 series "dax: fix dma vs
// truncate/hole-punch" (2018, seed 003 is its 10/18) has it on v4.16.
import superC from './drivers/dax/super.c';
import dmC from './drivers/md/dm.c';
import dmLinearC from './drivers/md/dm-linear.c';
import ext2C from './fs/ext2/super.c';
import type { Era } from '../../core/era';
import { DAXDEV_API } from './api';

export const DAXDEV_ERA: Era = {
  name: 'dax_device', version: 'v4.16+v8', api: DAXDEV_API, points: [],
  series: '[PATCH v8 00/18] dax: fix dma vs truncate/hole-punch (2018), through 10/18',
  sources: [
    { path: 'drivers/dax/super.c', text: superC },
    { path: 'drivers/md/dm.c', text: dmC },
    { path: 'drivers/md/dm-linear.c', text: dmLinearC },
    { path: 'fs/ext2/super.c', text: ext2C },
  ],
};
