// The inode and its filesystem as fs/dax.c's callers see them (fs/xfs, v4.10 and v5.12): i_size,
// the block map ->iomap_begin() reads and allocates from (holes, unwritten and mapped blocks;
// whether one extent covers a PMD), whether the filesystem takes XFS_MMAPLOCK, and the pins
// get_user_pages() holds on the DAX pages of its blocks: a block freed while its page is pinned
// is a use-after-free (DMA writes into storage the filesystem may give to another file).
import { K } from '../constants';
import { Block, G, OBJ, SLOT, THREAD } from '../../kernel/layout';
import { Filesystem } from './state';
import type { KernelObject, Prim } from '../object';
import type { Step } from '../../kernel/step';
import { hex } from '../format';
import { entryPageIndexes, entrySector, slotOrFault } from '../radix/entries';
import { layoutChange } from '../lease/index';
import { VARIABLE, wakeUpVar } from '../waittable/index';

const NOTE = {
  isize: (pages: number) => `i_size = ${hex(pages)} pages`,
  block: (index: number) => `block at ${hex(index)} allocated`,
  unpinned: (index: number) => `the DAX page of ${hex(index)} unpinned`,
  flushed: (index: number) => `the data of ${hex(index)} flushed to persistent memory`,
  mapref: (index: number) => `the mapping holds the DAX page of ${hex(index)}`,
  mapunref: (index: number) => `the mapping lets go of the DAX page of ${hex(index)}`,
  freed: (pages: number) => `blocks from ${hex(pages)} on freed`,
};

const prims: Prim[] = [];
const def = (p: Prim): void => { prims.push(p); };

def({
  name: 'i_size_read', arity: 0, visible: true, readsOnly: 'i_size',
  touches: (x) => x.read(OBJ.ISIZE),
  doc: 'i_size_read(inode) >> PAGE_SHIFT (pages)',
  run: (w) => { w.read(OBJ.ISIZE); return w.s[G.ISIZE]; },
});

def({
  name: 'i_size_write', arity: 1, visible: true, writesTo: ['i_size'],
  touches: (x) => x.write(OBJ.ISIZE),
  doc: 'i_size_write(inode, newsize) (pages)',
  run: (w, [pages]) => { w.write(OBJ.ISIZE); w.set(G.ISIZE, pages); w.note(NOTE.isize, pages); return 0; },
});

def({
  name: 'iomap_begin', arity: 3, visible: true, mightSleep: true,
  // The blocks of the extent asked for, and the block at index when it may allocate.
  touches: (x, [index, pages, write]) => {
    x.index(OBJ.block, index, false);
    if (index === undefined || pages === undefined) x.all(OBJ.block, 'index', false);
    else x.L.indexes.forEach((i) => { if (i >= index && i < index + pages) x.index(OBJ.block, i, false); });
    if (write !== 0) x.index(OBJ.block, index, true);
  },
  doc: 'ops->iomap_begin(inode, pos, length, flags, &iomap): the extent at index; a write allocates (IOMAP_F_NEW). Result: type | flags << 8 | pages << 12 | index << 22',
  run: (w, [index, pages, write]) => {
    const s = slotOrFault(w, index);
    if (s < 0) return K.IOMAP_HOLE | (1 << 12) | (index << 22);
    const a = w.L.slotWord(s, SLOT.BLOCK);
    w.read(OBJ.block(s));
    let flags = 0;
    if (write && w.s[a] !== Block.Mapped) {
      w.write(OBJ.block(s));
      w.set(a, Block.Mapped);
      flags = K.IOMAP_F_NEW;
      if (pages === 1) w.set(w.base + THREAD.ALLOCATED, 1);
      w.note(NOTE.block, index);
    }
    const type = w.s[a] === Block.Mapped ? K.IOMAP_MAPPED : w.s[a] === Block.Unwritten ? K.IOMAP_UNWRITTEN : K.IOMAP_HOLE;
    // One extent covers the PMD range only when the scenario says so; an allocating write gets
    // a one-page extent (free space is fragmented, so the PMD fault falls back) unless the
    // scenario says the filesystem allocates the whole range asked for (PMD_EXTENT 2).
    const whole = w.s[G.PMD_EXTENT] === 2 || (w.s[G.PMD_EXTENT] === 1 && !flags && oneExtent(w, index, pages, w.s[a]));
    const len = pages > 1 && !whole ? 1 : pages;
    return type | (flags << 8) | (len << 12) | (index << 22);
  },
});

/** Whether the blocks of [index, index + pages) that the scenario models are all of one kind:
 *  an extent is one run of blocks, so a block allocated inside a hole ends the hole's extent. */
function oneExtent(w: Step, index: number, pages: number, kind: number): boolean {
  return w.L.indexes.every((x, s) => {
    if (x < index || x >= index + pages) return true;
    w.read(OBJ.block(s));
    return w.s[w.L.slotWord(s, SLOT.BLOCK)] === kind;
  });
}

/** A DAX page is named by the file index its pfn maps, (index + 1) << 2 (the block map is linear). */
const pageIndex = (page: number): number => (page >> 2) - 1;
const daxPage = (index: number): number => (index + 1) << 2;

/** page_ref_count() of the DAX page of an index above the idle level: get_user_pages()'s
 *  references and, where the era keeps one (seed 002), the mapping's. Where it keeps none, an
 *  idle DAX page has _refcount 1 and this is what lies above it. */
/** The same, of a DAX page pointer, read from a state (the properties' view). */
export function daxPageRefs(st: Int32Array, L: Step['L'], page: number): number {
  const s = L.slot(pageIndex(page));
  return s < 0 ? 0 : st[L.slotWord(s, SLOT.PINS)] + st[L.slotWord(s, SLOT.MAPREF)];
}
/** The file index a DAX page pointer maps. */
export const daxPageIndex = (page: number): number => pageIndex(page);

const refsOf = (w: Step, index: number): number => {
  const s = w.L.slot(index);
  if (s < 0) return 0;
  w.read(OBJ.pins(s));
  return w.s[w.L.slotWord(s, SLOT.PINS)] + w.s[w.L.slotWord(s, SLOT.MAPREF)];
};

def({
  name: 'dax_busy_page', arity: 1, visible: true,
  doc: 'dax_busy_page(entry): the first page of the entry\'s pfns that is not idle (get_user_pages() holds it), else NULL; one step for the whole range',
  run: (w, [entry]) => {
    for (const x of entryPageIndexes(w.L, entry)) if (refsOf(w, x) > 0) return daxPage(x);
    return 0;
  },
});

def({
  name: 'dax_next_mapped_pfn', arity: 2, visible: false,
  doc: 'for_each_mapped_pfn()\'s step: the first pfn at or after pfn of the entry\'s pages that the scenario models, else dax_end_pfn(entry); the pages it skips are ones no thread touches, idle and never tied to another file',
  run: (w, [entry, pfn]) => {
    const xs = entryPageIndexes(w.L, entry);
    const next = xs.find((x) => x << 3 >= pfn);
    if (next !== undefined) return next << 3;
    // dax_end_pfn(): the model's pfns step 8 a page.
    const pages = entry & (K.RADIX_DAX_HZP | K.RADIX_DAX_EMPTY) ? 0 : entry & K.RADIX_DAX_PMD ? K.PG_PMD_NR : 1;
    return entrySector(entry) + (pages << 3);
  },
});

def({
  name: 'dax_page_ref_count', arity: 1, visible: true,
  doc: 'page_ref_count(page) of a DAX page: 1 while idle (its dev_pagemap\'s reference), plus get_user_pages()\'s',
  run: (w, [page]) => 1 + refsOf(w, pageIndex(page)),
});

def({
  name: 'dax_entry_page_refs', arity: 1, visible: true,
  doc: 'page_ref_count() summed over the DAX pages of an entry (seed 002: 0 once every reference is gone)',
  run: (w, [entry]) => entryPageIndexes(w.L, entry).reduce((n, x) => n + refsOf(w, x), 0),
});

def({
  name: 'dax_entry_associate', arity: 1, visible: true,
  doc: 'dax_associate_entry(entry, mapping, vma, address): page->mapping and ->index of each DAX page of the entry (WARN_ON_ONCE(page->mapping): a page tied already)',
  run: (w, [entry]) => {
    for (const x of entryPageIndexes(w.L, entry)) {
      const s = w.L.slot(x);
      w.read(OBJ.pins(s)); w.write(OBJ.pins(s));
      if (w.s[w.L.slotWord(s, SLOT.ASSOC)]) w.warn(`WARN_ON_ONCE(page->mapping) fired: the DAX page of ${hex(x)} is tied to the file already`);
      w.set(w.L.slotWord(s, SLOT.ASSOC), 1);
    }
    return 0;
  },
});

def({
  name: 'dax_entry_disassociate', arity: 2, visible: true,
  doc: 'dax_disassociate_entry(entry, mapping, trunc): page->mapping = NULL for each DAX page of the entry (WARN_ON_ONCE(trunc && page_ref_count(page) > 1): a truncated page still in use)',
  run: (w, [entry, trunc]) => {
    for (const x of entryPageIndexes(w.L, entry)) {
      const s = w.L.slot(x);
      if (trunc && refsOf(w, x) > 0) w.warn(`WARN_ON_ONCE(trunc && page_ref_count(page) > 1) fired: the DAX page of ${hex(x)} leaves the file while in use`);
      w.read(OBJ.pins(s)); w.write(OBJ.pins(s));
      w.set(w.L.slotWord(s, SLOT.ASSOC), 0);
    }
    return 0;
  },
});

/** page->mapping of a DAX page ((index + 1) << 2): the file while it is tied to it. */
export function daxPageMapping(w: Step, page: number): number {
  const s = w.L.slot(pageIndex(page));
  if (s < 0) return 0;
  w.read(OBJ.pins(s));
  return w.s[w.L.slotWord(s, SLOT.ASSOC)] ? K.MAPPING : 0;
}

/** page->mapping = value for a DAX page: the file (MAPPING) or NULL; any other mapping is
 *  not one the model has. */
export function setDaxPageMapping(w: Step, page: number, value: number): number {
  const x = pageIndex(page);
  const s = w.L.slot(x);
  if (s < 0) return 0;
  if (value !== 0 && value !== K.MAPPING) { w.commit('assertion', `page->mapping of the DAX page of ${hex(x)} set to ${hex(value)}, a mapping the model does not have`); return 0; }
  w.read(OBJ.pins(s)); w.write(OBJ.pins(s));
  w.set(w.L.slotWord(s, SLOT.ASSOC), value ? 1 : 0);
  w.note(value ? `the DAX page of ${hex(x)} is tied to the file` : `the DAX page of ${hex(x)} leaves the file`);
  return 0;
}

/** The mapping's reference to each DAX page of an entry, taken (+1) or dropped (-1). */
function mappingRefs(w: Step, entry: number, delta: 1 | -1): number {
  for (const x of entryPageIndexes(w.L, entry)) {
    const s = w.L.slot(x);
    const a = w.L.slotWord(s, SLOT.MAPREF);
    w.read(OBJ.pins(s)); w.write(OBJ.pins(s));
    if (delta < 0 && w.s[a] <= 0) { w.commit('refcount', `the mapping drops a reference to the DAX page of ${hex(x)} it does not hold (_refcount below zero)`, { index: hex(x) }); return 0; }
    w.set(a, w.s[a] + delta);
    w.note(delta > 0 ? NOTE.mapref : NOTE.mapunref, x);
    if (delta < 0) wakeIfIdle(w, x);
  }
  return 0;
}

/** A DAX page whose last reference above the idle level is dropped is freed to its pagemap,
 *  whose page_free (v5.12 fsdax_pagefree()) wakes the waiters of its _refcount:
 *  wake_up_var(&page->_refcount), which break layouts' ___wait_var_event() sleeps in. */
function wakeIfIdle(w: Step, index: number): void {
  if (refsOf(w, index) === 0) wakeUpVar(w, daxPage(index), VARIABLE._refcount);
}

def({
  name: 'dax_entry_pages_get', arity: 1, visible: true,
  doc: 'for_each_mapped_pfn(entry, pfn) page_ref_inc(pfn_to_page(pfn)): the mapping takes a reference to each DAX page of the entry (seed 002\'s step 1/)',
  run: (w, [entry]) => mappingRefs(w, entry, 1),
});

def({
  name: 'dax_entry_pages_put', arity: 1, visible: true,
  doc: 'for_each_mapped_pfn(entry, pfn) page_ref_dec(pfn_to_page(pfn)): the mapping drops its reference to each DAX page of the entry (seed 002\'s step 4/)',
  run: (w, [entry]) => mappingRefs(w, entry, -1),
});

def({
  name: 'dax_page_put', arity: 1, visible: true,
  doc: 'put_page(page) / unpin_user_page(page) of a DAX page: drops a reference get_user_pages() took (its DMA is done)',
  run: (w, [page]) => {
    const s = slotOrFault(w, pageIndex(page));
    if (s < 0) return 0;
    const a = w.L.slotWord(s, SLOT.PINS);
    w.read(OBJ.pins(s)); w.write(OBJ.pins(s));
    if (w.s[a] <= 0) { w.commit('refcount', `put_page() of the DAX page of ${hex(pageIndex(page))}, which get_user_pages() does not hold`); return 0; }
    w.set(a, w.s[a] - 1);
    w.note(NOTE.unpinned, pageIndex(page));
    wakeIfIdle(w, pageIndex(page));
    return 0;
  },
});

/** What the DATA word of an index says: written before the scenario began, and by a write
 *  fault of it (properties/data-integrity.ts reads them). */
export const DATA_BEFORE = 1;
export const DATA_FAULT = 2;

/** A write through a writable mapping of index: its data sits in CPU caches until flushed. */
export function markWritten(w: Step, index: number): void {
  const s = w.L.slot(index);
  if (s < 0) return;
  w.read(OBJ.data(s)); w.write(OBJ.data(s));
  w.set(w.L.slotWord(s, SLOT.DATA), w.s[w.L.slotWord(s, SLOT.DATA)] | DATA_FAULT);
}

def({
  name: 'dax_flush', arity: 2, visible: true,
  doc: 'dax_flush(dax_dev, page_address(page), size): writes the CPU cache lines of the pages back to persistent memory',
  run: (w, [page, bytes]) => {
    const first = pageIndex(page);
    const n = Math.max(1, bytes >> K.PAGE_SHIFT);
    w.L.indexes.forEach((x, s) => {
      if (x < first || x >= first + n) return;
      w.read(OBJ.data(s));
      if (!w.s[w.L.slotWord(s, SLOT.DATA)]) return;
      w.write(OBJ.data(s));
      w.set(w.L.slotWord(s, SLOT.DATA), 0);
      w.note(NOTE.flushed, x);
    });
    return 0;
  },
});

def({
  name: 'xfs_itruncate_extents', arity: 1, visible: true,
  doc: 'xfs_itruncate_extents(&ip, XFS_DATA_FORK, newsize): frees the blocks from the new size on; one whose DAX page get_user_pages() still holds is freed under DMA (use-after-free)',
  run: (w, [pages]) => {
    w.L.indexes.forEach((x, s) => {
      if (x < pages) return;
      w.read(OBJ.block(s)); w.read(OBJ.pins(s));
      if (w.s[w.L.slotWord(s, SLOT.PINS)] > 0) {
        w.commit('use-after-free', `the block of ${hex(x)} is freed while get_user_pages() holds its DAX page: DMA writes into a block the filesystem may give to another file`, { index: hex(x) });
      }
      if (w.s[w.L.slotWord(s, SLOT.BLOCK)] === Block.Hole) return;
      layoutChange(w, x, 'truncate frees its block');
      w.write(OBJ.block(s));
      w.set(w.L.slotWord(s, SLOT.BLOCK), Block.Hole);
    });
    w.note(NOTE.freed, pages);
    return 0;
  },
});

/** struct xfs_bmbt_irec of one block as the model keeps it: its state (Block) | its index << 4. */
const irec = (index: number, block: number): number => block | (index << 4);

def({
  name: 'xfs_bmapi_read', arity: 1, visible: true,
  doc: 'xfs_bmapi_read(ip, offset_fsb, 1, &imap, &nimaps, 0): the mapping of one block (hole, unwritten, written) into imap',
  run: (w, [index]) => {
    const s = slotOrFault(w, index);
    if (s < 0) return irec(index, Block.Hole);
    w.read(OBJ.block(s));
    return irec(index, w.s[w.L.slotWord(s, SLOT.BLOCK)]);
  },
});

def({
  name: 'xfs_iomap_write_direct', arity: 1, visible: true, mightSleep: true,
  doc: 'xfs_iomap_write_direct(ip, offset, count, &imap, nmaps): allocates the block (a DAX write: zeroed, written) and maps it into imap',
  run: (w, [index]) => {
    const s = slotOrFault(w, index);
    if (s < 0) return irec(index, Block.Mapped);
    const a = w.L.slotWord(s, SLOT.BLOCK);
    w.read(OBJ.block(s));
    if (w.s[a] !== Block.Mapped) {
      layoutChange(w, index, w.s[a] === Block.Hole ? 'a write fault allocates it' : 'a write fault converts its unwritten extent');
      w.write(OBJ.block(s));
      w.set(a, Block.Mapped);
      w.note(NOTE.block, index);
    }
    return irec(index, Block.Mapped);
  },
});

def({
  name: 'xfs_bmbt_to_iomap', arity: 1, visible: false,
  doc: 'xfs_bmbt_to_iomap(ip, iomap, &imap): the iomap of a block mapping (type | 1 page << 12 | index << 22)',
  run: (_w, [rec]) => {
    const b = rec & 15;
    const type = b === Block.Mapped ? K.IOMAP_MAPPED : b === Block.Unwritten ? K.IOMAP_UNWRITTEN : K.IOMAP_HOLE;
    return type | (1 << 12) | ((rec >> 4) << 22);
  },
});

def({
  name: 'dax_finish_sync_fault', arity: 0, visible: true,
  doc: 'dax_finish_sync_fault(vmf, pe_size, pfn): the end of a MAP_SYNC write fault (fsync, then the PTE made writable); the model maps no vma MAP_SYNC, so a call is always for a fault that did not ask for it',
  run: (w) => {
    w.commit('wrong-result', `${w.threadName(w.t)} finishes a synchronous fault that was not one (no VM_FAULT_NEEDDSYNC: no vma of the model is MAP_SYNC): the fsync and the pfn it makes writable are not this fault's`);
    return 0;
  },
});

def({
  name: 'file_is_ext4', arity: 0, visible: false,
  doc: 'whether the scenario\'s file is on ext4 (its mapping has ext4\'s vm_operations), else XFS (a scenario constant)',
  run: (w) => (w.s[G.FILESYSTEM] === Filesystem.Ext4 ? 1 : 0),
});

def({
  name: 'fs_mmaplock', arity: 0, visible: false,
  doc: 'whether the filesystem takes XFS_MMAPLOCK around faults and truncate (a scenario constant)',
  run: (w) => w.s[G.FS_MMAPLOCK],
});

export const INODE: KernelObject = {
  name: 'inode',
  doc: 'i_size, the block map and the filesystem\'s behaviour (fs/xfs, v4.10)',
  prims,
  // Its primitives touch the inode's size, block map, data and the references to its DAX pages;
  // a layout change reads the leases and mappings it must break, and a page's last reference
  // wakes its waiters.
  touches(x) {
    x.write(OBJ.ISIZE); x.read(OBJ.lease); x.read(OBJ.vma);
    x.all(OBJ.block, 'index', true); x.all(OBJ.pins, 'index', true); x.all(OBJ.data, 'index', true); x.all(OBJ.queue, 'queue', true);
  },
  view(st, { L }, out) {
    out.other.i_size = hex(st[G.ISIZE]);
    const pinned = L.indexes.filter((_x, s) => st[L.slotWord(s, SLOT.PINS)] > 0).map((x, i) => `${hex(x)}`);
    if (pinned.length) out.other.pinned = pinned.join(', ');
    const held = L.indexes.filter((_x, s) => st[L.slotWord(s, SLOT.MAPREF)] > 0).map((x) => hex(x));
    if (held.length) out.other['held by the mapping'] = held.join(', ');
  },
};
