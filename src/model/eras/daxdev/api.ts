// The API table of the dax_device part of the model (drivers/dax/super.c and drivers/md of
// v4.16 with the v8 series): what every call, field and constant its C and a patch's may use is
// in the model. A block device, its disk and its dax_device are named by one number (1..3), and
// so are a dm target and the linear_c behind it.
import type { Api, CallMeaning, FieldMeaning } from '../../core/api';
import { call, COMMON_CALLS, COMMON_CONSTANTS, COMMON_FIELDS, expr, none, prim } from '../common/api';

const id = (type: string, doc: string): FieldMeaning => ({ k: 'read', prim: 'object_id', args: ['$0'], type, doc });
const pgmapField = (f: number): FieldMeaning => ({ k: 'read', prim: 'pgmap_field', args: ['$0', String(f)], set: { prim: 'pgmap_set', args: ['$0', String(f), '$1'] } });

const calls: Record<string, CallMeaning> = {
  ...COMMON_CALLS,
  fs_dax_get_by_host: prim('dax_get_by_host', 'the dax_device the host table names, with a reference, or NULL', ['$0']),
  put_dax: prim('put_dax', 'drops a reference to a dax_device (NULL: none)', ['$0']),
  blk_queue_dax: prim('blk_queue_dax', 'the block device supports DAX', ['$0']),
  mutex_lock: prim('devmap_mutex_lock', 'mutex_lock(&devmap_lock): the one mutex of this part', []),
  mutex_unlock: prim('devmap_mutex_unlock', 'mutex_unlock(&devmap_lock)', []),
  dax_get_private: expr('1', 'the mapped_device of the dm dax_device'),
  dm_get_live_table: expr('1', 'the live table (srcu read side: nothing the model keeps)'),
  dm_put_live_table: none('the end of the srcu read side'),
  dm_table_get_num_targets: prim('dm_num_targets', 'the live table\'s targets', []),
  dm_table_get_target: expr('($1) + 1', 'target i of the table, named 1..n'),
  '->fs_claim': call('dm_dax_fs_claim', 'dax_dev->ops->fs_claim: device-mapper\'s'),
  '->fs_release': call('dm_dax_fs_release', 'dax_dev->ops->fs_release: device-mapper\'s'),
  '->iterate_devices': call('linear_iterate_devices', 'ti->type->iterate_devices: the model\'s targets are linear'),
  ext2_read_super: prim('mount_outcome', 'the rest of the mount, outside the model: it succeeds or fails', []),
};

const fields: Record<string, FieldMeaning> = {
  ...COMMON_FIELDS,
  'block_device.bd_queue': id('struct request_queue *', 'the queue of the block device'),
  'block_device.bd_disk': id('struct gendisk *', 'the disk of the block device'),
  'gendisk.disk_name': id('char *', 'the disk\'s name, which the host table knows its dax_device by'),
  'dax_device.pgmap': { k: 'read', prim: 'dax_dev_field', args: ['$0', '0'], type: 'struct dev_pagemap *' },
  'dax_device.ops': { k: 'read', prim: 'dax_dev_field', args: ['$0', '1'], type: 'struct dax_operations *' },
  'dax_operations.fs_claim': { k: 'read', prim: 'dax_ops_field', args: ['$0', '0'] },
  'dax_operations.fs_release': { k: 'read', prim: 'dax_ops_field', args: ['$0', '1'] },
  'dev_pagemap.type': pgmapField(0),
  'dev_pagemap.page_free': pgmapField(1),
  'dev_pagemap.data': pgmapField(2),
  'dev_pagemap.page_fault': pgmapField(3),
  'dm_dev.dax_dev': id('struct dax_device *', 'the dax_device of a member device'),
  'dm_target.private': id('struct linear_c *', 'the target\'s linear_c'),
  'dm_target.type': { k: 'const', v: 1, type: 'struct target_type *', doc: 'dm-linear' },
  'dm_target.len': { k: 'const', v: 0, doc: 'the target\'s length: nothing the model reads' },
  'target_type.iterate_devices': { k: 'const', v: 1, doc: 'dm-linear has it' },
  'linear_c.dev': { k: 'read', prim: 'dm_target_dev', args: ['$0'], type: 'struct dm_dev *' },
  'linear_c.start': { k: 'const', v: 0 },
};

export const DAXDEV_API: Api = {
  era: 'dax_device (v4.16 with the v8 series)',
  prefixes: { trace_: { k: 'none', doc: 'tracepoints change nothing the model keeps' } },
  calls,
  fields,
  protocol: {},
  records: {},
  functionPointers: { dm_dax_dev_claim: 1, dm_dax_dev_release: 2 },
  constants: {
    ...COMMON_CONSTANTS, MEMORY_DEVICE_HOST: 0, MEMORY_DEVICE_FS_DAX: 1, ENXIO: 6, generic_dax_pagefree: 1, devmap_lock: 0,
  },
};
