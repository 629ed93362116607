// dax_devices and their dev_pagemaps as a filesystem claims them (drivers/dax/super.c v4.16 with
// the v8 series "dax: fix dma vs truncate/hole-punch", 2018; drivers/md/dm.c, dm-linear.c): up
// to three dax_devices (a pmem device, or a dm device over two members), each with its
// reference count, its dev_pagemap (type, page_free, page_fault, data: the owner), and whether
// the host table knows it; devmap_lock; the dm table's targets and the device each maps.
//
// A dax_device used after its references are all put may be freed: a use-after-free. A put
// below zero is a refcount error. Reading through a NULL dax_device or pgmap is a NULL
// dereference (the thread stops there). Writing a pgmap without devmap_lock is an assertion.
import { G, OBJ } from '../../kernel/layout';
import type { Step } from '../../kernel/step';
import type { KernelObject, LockDecl, Prim } from '../object';
import { hex } from '../format';

export const KIND_PMEM = 1;
export const KIND_DM = 2;
export const KIND_HOST = 16;
export const PGMAP_PRESENT = 1;
export const PGMAP_FS_DAX = 2;
export const PGMAP_PAGE_FREE = 4;
export const PGMAP_PAGE_FAULT = 8;
/** The dax_devices a scenario has. */
export const DAX_DEVICES = 3;

/** The words of dax_device n (1..3). */
export function daxWords(n: number): { ref: number; pgmap: number; owner: number; kind: number } {
  const base = G.DAX1_REF + (n - 1) * 4;
  return { ref: base, pgmap: base + 1, owner: base + 2, kind: base + 3 };
}

/** The dax_device of the dm table's target t (1-based), 0 for none. */
export function targetDevice(st: Int32Array, t: number): number {
  return t >= 1 && t <= 4 ? (st[G.DM_TABLE] >> ((t - 1) * 4)) & 15 : 0;
}

/** The dm table's targets. */
export function targetCount(st: Int32Array): number {
  let n = 0;
  while (n < 4 && targetDevice(st, n + 1)) n++;
  return n;
}

const DEVICE = (n: number) => `dax_device ${n}`;

/** A dax_device of a scenario: what it is, whether the host table knows it, the references
 *  held on it at the start (the driver's, dm's for a member), its dev_pagemap. */
export interface DaxDeviceSpec {
  kind: 'pmem' | 'dm';
  host?: boolean;
  refs?: number;
  pgmap?: { fsDax?: boolean; pageFree?: boolean; owner?: number } | null;
}

/** The state of a scenario's dax_devices and dm table (targets: the device of each). */
export function initDevices(s: Int32Array, devices: readonly DaxDeviceSpec[], table: readonly number[]): void {
  devices.forEach((d, i) => {
    const w = daxWords(i + 1);
    const refs = d.refs ?? 1;
    s[w.kind] = (d.kind === 'dm' ? KIND_DM : KIND_PMEM) | (d.host === false ? 0 : KIND_HOST) | (refs << 8);
    s[w.ref] = refs;
    const p = d.pgmap === undefined ? (d.kind === 'pmem' ? {} : null) : d.pgmap;
    if (p) s[w.pgmap] = PGMAP_PRESENT | (p.fsDax ? PGMAP_FS_DAX : 0) | (p.pageFree ? PGMAP_PAGE_FREE : 0);
    if (p?.owner) s[w.owner] = p.owner;
  });
  s[G.DM_TABLE] = table.reduce((a, dev, t) => a | (dev << (t * 4)), 0);
}

/** The references held on dax_device n at the start. */
export function initialRefs(st: Int32Array, n: number): number {
  return st[daxWords(n).kind] >> 8;
}

/** A dax_device being used: NULL stops the thread; one whose references are all put was freed. */
function use(w: Step, dev: number, what: string): boolean {
  if (dev === 0) { w.halt('null-deref', `${what} of a NULL dax_device`); return false; }
  if (dev < 0 || dev > DAX_DEVICES) { w.halt('null-deref', `${what} of a dax_device the model does not know (${hex(dev)})`); return false; }
  w.read(OBJ.daxdev);
  if (w.s[daxWords(dev).ref] <= 0) { w.commit('use-after-free', `${what} of ${DEVICE(dev)}, whose last reference was put: it may be freed`); return false; }
  return true;
}

const prims: Prim[] = [];
const def = (p: Prim): void => { prims.push(p); };

def({
  name: 'dax_get_by_host', arity: 1, visible: true,
  doc: 'fs_dax_get_by_host(host) / dax_get_by_host(): the dax_device the host table names, with a reference, or NULL',
  run: (w, [dev]) => {
    w.read(OBJ.daxdev);
    if (dev < 1 || dev > DAX_DEVICES || !(w.s[daxWords(dev).kind] & KIND_HOST)) return 0;
    w.write(OBJ.daxdev);
    w.add(daxWords(dev).ref, 1);
    return dev;
  },
});

def({
  name: 'put_dax', arity: 1, visible: true,
  doc: 'put_dax(dax_dev): drops a reference (NULL is no dax_device)',
  run: (w, [dev]) => {
    if (dev === 0) return 0;
    if (dev < 0 || dev > DAX_DEVICES) { w.halt('null-deref', `put_dax() of a dax_device the model does not know (${hex(dev)})`); return 0; }
    const r = daxWords(dev).ref;
    w.read(OBJ.daxdev); w.write(OBJ.daxdev);
    if (w.s[r] <= 0) { w.commit('refcount', `put_dax() of ${DEVICE(dev)}, whose references are all put`); return 0; }
    w.add(r, -1);
    return 0;
  },
});

def({
  name: 'dax_dev_field', arity: 2, visible: true,
  doc: 'dax_dev->pgmap (0: the pgmap, named by its device, or NULL) or dax_dev->ops (1: pmem 1, dm 2)',
  run: (w, [dev, f]) => {
    if (!use(w, dev, f === 0 ? 'dax_dev->pgmap' : 'dax_dev->ops')) return 0;
    const k = w.s[daxWords(dev).kind] & 15 & ~KIND_HOST;
    if (f === 1) return k;
    return w.s[daxWords(dev).pgmap] & PGMAP_PRESENT ? dev : 0;
  },
});

def({
  name: 'dax_ops_field', arity: 2, visible: false,
  doc: 'ops->fs_claim (0) or ops->fs_release (1): dm\'s dax_operations have both, pmem\'s neither',
  run: (w, [ops]) => {
    if (ops === 0) { w.halt('null-deref', 'a dax_operations field read through NULL'); return 0; }
    return ops === KIND_DM ? 1 : 0;
  },
});

/** The pgmap field f: 0 type (MEMORY_DEVICE_HOST 0, FS_DAX 1), 1 page_free, 2 data, 3 page_fault. */
def({
  name: 'pgmap_field', arity: 2, visible: true,
  doc: 'pgmap->type (0), ->page_free (1), ->data (2), ->page_fault (3)',
  run: (w, [pgmap, f]) => {
    if (pgmap === 0) { w.halt('null-deref', 'a dev_pagemap field read through NULL'); return 0; }
    w.read(OBJ.pgmap);
    const { pgmap: p, owner } = daxWords(pgmap);
    switch (f) {
      case 0: return w.s[p] & PGMAP_FS_DAX ? 1 : 0;
      case 1: return w.s[p] & PGMAP_PAGE_FREE ? 1 : 0;
      case 2: return w.s[owner];
      default: return w.s[p] & PGMAP_PAGE_FAULT ? 1 : 0;
    }
  },
});

def({
  name: 'pgmap_set', arity: 3, visible: true,
  doc: 'pgmap->type, ->page_free or ->data = value, under devmap_lock',
  run: (w, [pgmap, f, v]) => {
    if (pgmap === 0) { w.halt('null-deref', 'a dev_pagemap field written through NULL'); return 0; }
    w.read(OBJ.devmap_lock);
    if (w.s[G.DEVMAP_LOCK] !== w.t + 1) w.commit('assertion', 'a dev_pagemap changed without devmap_lock');
    w.read(OBJ.pgmap); w.write(OBJ.pgmap);
    const { pgmap: p, owner } = daxWords(pgmap);
    const bit = (b: number) => w.set(p, v ? w.s[p] | b : w.s[p] & ~b);
    if (f === 0) bit(PGMAP_FS_DAX);
    else if (f === 1) bit(PGMAP_PAGE_FREE);
    else if (f === 2) w.set(owner, v);
    else bit(PGMAP_PAGE_FAULT);
    return 0;
  },
});

const DEVMAP_LOCK: LockDecl = {
  what: 'devmap_lock', acquire: ['devmap_mutex_lock'], leftKind: 'lock-imbalance',
  holder: (st) => st[G.DEVMAP_LOCK] - 1,
  heldAtEnd: (st) => (st[G.DEVMAP_LOCK] ? [{ kind: 'lock-imbalance', message: 'devmap_lock still held after every thread returned' }] : []),
};

def({
  name: 'devmap_mutex_lock', arity: 0, visible: true, mightSleep: true, mover: 'right',
  doc: 'mutex_lock(&devmap_lock)',
  blocked: (w) => w.s[G.DEVMAP_LOCK] !== 0,
  run: (w) => {
    w.read(OBJ.devmap_lock); w.write(OBJ.devmap_lock);
    w.set(G.DEVMAP_LOCK, w.t + 1);
    return 0;
  },
});

def({
  name: 'devmap_mutex_unlock', arity: 0, visible: true, mover: 'left',
  doc: 'mutex_unlock(&devmap_lock)',
  run: (w) => {
    w.read(OBJ.devmap_lock); w.write(OBJ.devmap_lock);
    if (w.s[G.DEVMAP_LOCK] !== w.t + 1) { w.commit('lock-imbalance', 'mutex_unlock(&devmap_lock) without holding it'); return 0; }
    w.set(G.DEVMAP_LOCK, 0);
    return 0;
  },
});

def({
  name: 'blk_queue_dax', arity: 1, visible: false,
  doc: 'blk_queue_dax(bdev->bd_queue): the block device of dax_device n supports DAX',
  run: (w, [dev]) => (dev >= 1 && dev <= DAX_DEVICES && w.s[daxWords(dev).kind] & 3 ? 1 : 0),
});

def({
  name: 'object_id', arity: 1, visible: false,
  doc: 'a pointer the model names by the object it leads to: a block device, its disk and its dax_device share one number',
  run: (_w, [x]) => x,
});

def({
  name: 'mount_outcome', arity: 0, visible: true,
  doc: 'the rest of a mount (reading the superblock and the rest, outside the model): it succeeds (1) or fails (0)',
  choices: () => ['succeeds', 'fails'],
  run: (_w, _args, choice) => (choice === 0 ? 1 : 0),
});

def({
  name: 'dm_num_targets', arity: 0, visible: false,
  doc: 'dm_table_get_num_targets(map): the live table\'s targets (the table does not change in a scenario)',
  run: (w) => targetCount(w.s),
});

def({
  name: 'dm_target_dev', arity: 1, visible: false,
  doc: 'lc->dev of a linear target: its dm_dev, named by the dax_device it holds',
  run: (w, [t]) => targetDevice(w.s, t),
});

export const DAXDEV: KernelObject = {
  name: 'daxdev',
  // Its primitives touch the dax_device table, its lock, and the pgmaps the devices claim.
  touches(x) { x.write(OBJ.devmap_lock); x.write(OBJ.daxdev); x.write(OBJ.pgmap); },
  doc: 'dax_devices, their dev_pagemaps and devmap_lock, and the dm table over them (drivers/dax/super.c v4.16 with the v8 series)',
  prims,
  locks: [DEVMAP_LOCK],
  view(st, { name }, out) {
    if (!(st[G.DAX1_KIND] || st[G.DAX2_KIND] || st[G.DAX3_KIND])) return;
    out.locks.push({ name: 'devmap_lock', holder: st[G.DEVMAP_LOCK] ? name(st[G.DEVMAP_LOCK]) : null });
    for (let n = 1; n <= DAX_DEVICES; n++) {
      const d = daxWords(n);
      if (!st[d.kind]) continue;
      const p = st[d.pgmap];
      const pg = p & PGMAP_PRESENT ? `pgmap ${p & PGMAP_FS_DAX ? 'FS_DAX' : 'HOST'}${p & PGMAP_PAGE_FREE ? ', page_free' : ''}${st[d.owner] ? `, owner ${st[d.owner]}` : ''}` : 'no pgmap';
      out.other[`dax_device ${n}`] = `${(st[d.kind] & 15) === KIND_DM ? 'dm' : 'pmem'}, ${st[d.ref]} ref${st[d.ref] === 1 ? '' : 's'}, ${pg}`;
    }
  },
};
