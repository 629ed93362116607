// The state of the dax_devices a filesystem claims (drivers/dax/super.c with the v8 series of
// 2018), their dev_pagemaps, the devmap_lock mutex, and the device-mapper table over them.
import type { FootprintDecl, WordDecl } from '../object';

/** Per dax_device n (1..3): its references, its dev_pagemap's fields, what it is. */
export const DAXDEV_WORDS = [
  { name: 'DEVMAP_LOCK', doc: 'devmap_lock: holder + 1, 0 when free', holds: 'thread' },
  { name: 'DM_TABLE', doc: 'the live dm table: per target (4 bits each) the dax_device of its one device' },
  { name: 'DAX1_REF', doc: 'references to dax_device 1 (the driver\'s, dm\'s, a claim\'s)' },
  { name: 'DAX1_PGMAP', doc: 'its dev_pagemap: present (1), MEMORY_DEVICE_FS_DAX (2), page_free set (4), page_fault set (8)' },
  { name: 'DAX1_OWNER', doc: 'its pgmap->data: the owner id that claimed it, 0 for none' },
  { name: 'DAX1_KIND', doc: 'pmem (1) or dm (2), registered in the host table (16); its references at the start << 8' },
  { name: 'DAX2_REF', doc: 'as dax_device 1' }, { name: 'DAX2_PGMAP', doc: 'as dax_device 1' },
  { name: 'DAX2_OWNER', doc: 'as dax_device 1' }, { name: 'DAX2_KIND', doc: 'as dax_device 1' },
  { name: 'DAX3_REF', doc: 'as dax_device 1' }, { name: 'DAX3_PGMAP', doc: 'as dax_device 1' },
  { name: 'DAX3_OWNER', doc: 'as dax_device 1' }, { name: 'DAX3_KIND', doc: 'as dax_device 1' },
] as const satisfies readonly WordDecl[];

export const DAXDEV_FOOTPRINTS = [{ name: 'devmap_lock' }, { name: 'daxdev' }, { name: 'pgmap' }] as const satisfies readonly FootprintDecl[];
