// Once truncate has returned, nothing maps the file beyond i_size: a mapping left there
// reaches blocks the filesystem has freed; no DAX entry covers an index there either: an
// entry left behind is written back (its blocks flushed) and found by later faults after the
// filesystem freed its blocks; and no block is allocated there: the next extension of the
// file would read its old data.
import { K } from '../objects/constants';
import { Block, G, SLOT } from '../kernel/layout';
import { hex } from '../objects/format';
import { pmdHuge } from '../objects/pagetable/index';
import { isExceptional, isPmd } from '../objects/radix/entries';
import type { Property } from './property';
import type { Fault } from '../machine';

export const BEYOND_EOF: Property = {
  name: 'beyond-eof',
  kinds: ['beyond-eof'],
  protects: 'nothing maps the file, no DAX entry covers it, and no block is allocated beyond i_size after truncate: the first two reach freed blocks, the last shows old data when the file grows',
  final({ st, L }) {
    const size = st[G.ISIZE];
    const beyond = L.indexes.filter((x, s) => x >= size && st[L.slotWord(s, SLOT.PTE)] !== 0);
    const region = L.indexes[0] & ~K.PG_PMD_COLOUR;
    if (pmdHuge(st[G.PMD]) && region + K.PG_PMD_NR > size) beyond.push(region);
    // An entry covers its index, a PMD entry its whole region.
    const entries = L.indexes.filter((x, s) => {
      const e = st[L.slotWord(s, SLOT.ENTRY)];
      return isExceptional(e) && x + (isPmd(e) ? K.PG_PMD_NR : 1) > size;
    });
    // A block past i_size: the truncate kept it (ext4_truncate() or xfs_itruncate_extents() not
    // run), and a later extension of the file shows its old data where zeroes belong.
    const blocks = L.indexes.filter((x, s) => x >= size && st[L.slotWord(s, SLOT.BLOCK)] !== Block.Hole);
    const out: Fault[] = [];
    if (blocks.length) out.push({ kind: 'beyond-eof', message: `the block of ${blocks.map(hex).join(', ')} is still allocated beyond i_size ${hex(size)} after every thread returned: an extending truncate or write would show its old data`, detail: { i_size: hex(size), blocks: blocks.map(hex).join(',') } });
    if (beyond.length) out.push({ kind: 'beyond-eof', message: `${beyond.map(hex).join(', ')} still mapped beyond i_size ${hex(size)} after every thread returned`, detail: { i_size: hex(size), mapped: beyond.map(hex).join(',') } });
    if (entries.length) out.push({ kind: 'beyond-eof', message: `a DAX entry at ${entries.map(hex).join(', ')} still covers the file beyond i_size ${hex(size)} after every thread returned`, detail: { i_size: hex(size), entries: entries.map(hex).join(',') } });
    return out;
  },
};
