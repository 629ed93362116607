// Once truncate has returned, nothing maps the file beyond i_size: a mapping left there
// reaches blocks the filesystem has freed.
import { K } from '../objects/constants';
import { G, SLOT } from '../kernel/layout';
import { hex } from '../objects/format';
import { pmdHuge } from '../objects/pagetable/index';
import type { Property } from './property';

export const BEYOND_EOF: Property = {
  name: 'beyond-eof',
  kinds: ['beyond-eof'],
  protects: 'nothing maps the file beyond i_size after truncate: such a mapping reaches freed blocks',
  final({ st, L }) {
    const size = st[G.ISIZE];
    const beyond = L.indexes.filter((x, s) => x >= size && st[L.slotWord(s, SLOT.PTE)] !== 0);
    const region = L.indexes[0] & ~K.PG_PMD_COLOUR;
    if (pmdHuge(st[G.PMD]) && region + K.PG_PMD_NR > size) beyond.push(region);
    if (!beyond.length) return [];
    return [{ kind: 'beyond-eof', message: `${beyond.map(hex).join(', ')} still mapped beyond i_size ${hex(size)} after every thread returned`, detail: { i_size: hex(size), mapped: beyond.map(hex).join(',') } }];
  },
};
