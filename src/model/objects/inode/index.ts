// The inode and its filesystem as fs/dax.c's callers see them (fs/xfs, v4.10): i_size, and
// the block map ->iomap_begin() reads and allocates from (holes, unwritten and mapped blocks;
// whether one extent covers a PMD), and whether the filesystem takes XFS_MMAPLOCK.
import { K } from '../constants';
import { Block, G, OBJ, SLOT } from '../../kernel/layout';
import type { KernelObject, Prim } from '../object';
import { hex } from '../format';
import { slotOrFault } from '../radix/entries';

const NOTE = {
  isize: (pages: number) => `i_size = ${hex(pages)} pages`,
  block: (index: number) => `block at ${hex(index)} allocated`,
};

const prims: Prim[] = [];
const def = (p: Prim): void => { prims.push(p); };

def({
  name: 'i_size_read', arity: 0, visible: true, readsOnly: 'i_size',
  doc: 'i_size_read(inode) >> PAGE_SHIFT (pages)',
  run: (w) => { w.read(OBJ.ISIZE); return w.s[G.ISIZE]; },
});

def({
  name: 'i_size_write', arity: 1, visible: true, writesTo: ['i_size'],
  doc: 'i_size_write(inode, newsize) (pages)',
  run: (w, [pages]) => { w.write(OBJ.ISIZE); w.set(G.ISIZE, pages); w.note(NOTE.isize, pages); return 0; },
});

def({
  name: 'iomap_begin', arity: 3, visible: true, mightSleep: true,
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
      w.note(NOTE.block, index);
    }
    const type = w.s[a] === Block.Mapped ? K.IOMAP_MAPPED : w.s[a] === Block.Unwritten ? K.IOMAP_UNWRITTEN : K.IOMAP_HOLE;
    // One extent covers the PMD range only when the scenario says so; an allocating write gets
    // a one-page extent (free space is fragmented, so the PMD fault falls back) unless the
    // scenario says the filesystem allocates the whole range asked for (PMD_EXTENT 2).
    const whole = w.s[G.PMD_EXTENT] === 2 || (w.s[G.PMD_EXTENT] === 1 && !flags);
    const len = pages > 1 && !whole ? 1 : pages;
    return type | (flags << 8) | (len << 12) | (index << 22);
  },
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
  view(st, _ctx, out) { out.other.i_size = hex(st[G.ISIZE]); },
};
