// A DAX pfn stays mapped only while the tree holds the entry that covers it; otherwise
// writeback and truncate no longer see the mapping, and the block can be reused under it. The
// huge zero page too stays mapped only under its PMD entry: without one, a PTE fault in the
// region finds the huge PMD, returns and faults again forever.
import { K } from '../objects/constants';
import { G, Pmd, PTE_PFN, SLOT } from '../kernel/layout';
import { hex } from '../objects/format';
import { isExceptional, isPmd, lookupSlot } from '../objects/radix/entries';
import type { Property } from './property';

export const STALE_MAPPING: Property = {
  name: 'stale-mapping',
  kinds: ['stale-mapping'],
  protects: 'every mapped DAX pfn has its radix tree entry, so writeback flushes it and truncate unmaps it',
  final({ st, L }) {
    const stale = L.indexes.filter((x, s) => {
      if (st[L.slotWord(s, SLOT.PTE)] !== PTE_PFN) return false;
      const at = lookupSlot(L, st, x);
      return at < 0 || !isExceptional(st[L.slotWord(at, SLOT.ENTRY)]);
    });
    if (st[G.PMD] === Pmd.Devmap || st[G.PMD] === Pmd.HugeZero) {
      const head = L.indexes[0] & ~K.PG_PMD_COLOUR;
      const at = lookupSlot(L, st, head);
      if (at < 0 || !isPmd(st[L.slotWord(at, SLOT.ENTRY)])) stale.push(head);
    }
    if (!stale.length) return [];
    return [{ kind: 'stale-mapping', message: `${stale.map(hex).join(', ')} still mapped (a DAX pfn or the huge zero page) without the tree entry that covers it after every thread returned`, detail: { mapped: stale.map(hex).join(',') } }];
  },
};
