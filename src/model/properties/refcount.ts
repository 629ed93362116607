// Once every thread returned, a page is referenced by the page cache and by the PTEs that map
// it, nothing else: more is a leak, fewer a use after free.
import { PAGE, SLOT } from '../kernel/layout';
import type { Fault } from '../machine';
import type { Property } from './property';

export const REFCOUNT: Property = {
  name: 'refcount',
  kinds: ['refcount'],
  protects: 'page references: a leaked one pins memory forever, a missing one frees a page still mapped',
  final({ st, L }) {
    const faults: Fault[] = [];
    for (let p = 0; p < L.nPages; p++) {
      const ptes = L.indexes.filter((_x, s) => st[L.slotWord(s, SLOT.PTE)] === p + 1).length;
      const want = st[L.pageWord(p, PAGE.MAPPING)] + ptes;
      const ref = st[L.pageWord(p, PAGE.REF)];
      if (ref !== want) faults.push({ kind: 'refcount', message: `page#${p} holds ${ref} reference${ref === 1 ? '' : 's'} after every thread returned; the page cache and its PTEs account for ${want}`, detail: { page: p, refcount: ref, expected: want } });
    }
    return faults;
  },
};
