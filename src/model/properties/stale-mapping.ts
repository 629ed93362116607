// A DAX pfn stays mapped only while the tree holds the entry that covers it; otherwise
// writeback and truncate no longer see the mapping, and the block can be reused under it. The
// huge zero page too stays mapped only under its PMD entry: without one, a PTE fault in the
// region finds the huge PMD, returns and faults again forever. And the zero page (or a hole
// page of the page cache) stays mapped only over a hole: once a block is allocated there (a write(2), a write fault elsewhere in a
// huge page), a process still reading the zero page reads zeroes where the file has data.
import { K } from '../objects/constants';
import { Block, G, Pmd, PTE_PFN, PTE_ZERO, SLOT, type Layout } from '../kernel/layout';
import { hex } from '../objects/format';
import { isExceptional, isPmd, lookupSlot } from '../objects/radix/entries';
import type { Property } from './property';
import type { Fault } from '../machine';

export const STALE_MAPPING: Property = {
  name: 'stale-mapping',
  kinds: ['stale-mapping'],
  protects: 'every mapped DAX pfn has its radix tree entry, so writeback flushes it and truncate unmaps it; the zero page is mapped, and a hole page cached, only over holes, so mmap sees what is written',
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
    const zero = zeroOverData(st, L);
    const out: Fault[] = zero.length ? [{ kind: 'stale-mapping', message: `the zero page${zero.some((x) => st[L.slotWord(L.slot(x), SLOT.PTE)] > 0) ? ' (a hole page)' : ''} is still mapped at ${zero.map(hex).join(', ')} after a block was allocated there: a process reads zeroes where the file has data`, detail: { zero: zero.map(hex).join(',') } }] : [];
    const cached = holePagesOverData(st, L).filter((x) => !zero.includes(x));
    if (cached.length) {
      out.push({ kind: 'stale-mapping', message: `the hole page of ${cached.map(hex).join(', ')} stays in the page cache after a block was allocated there: the mapping holds zeroes for data the file has, which the next fault or invalidation must meet and drop`, detail: { cached: cached.map(hex).join(',') } });
    }
    if (!stale.length) return out;
    return [...out, { kind: 'stale-mapping', message: `${stale.map(hex).join(', ')} still mapped (a DAX pfn or the huge zero page) without the tree entry that covers it after every thread returned`, detail: { mapped: stale.map(hex).join(',') } }];
  },
};

/** Indexes whose block is allocated while the tree still holds a hole page of the page cache
 *  (before the XArray era, a read fault over a hole caches one): nothing of a DAX mapping
 *  leaves one over data, since write(2) invalidates it when it allocates the block and a
 *  fault replaces it by the block's entry. */
function holePagesOverData(st: Int32Array, L: Layout): number[] {
  return L.indexes.filter((x, s) => {
    if (st[L.slotWord(s, SLOT.BLOCK)] !== Block.Mapped) return false;
    const at = lookupSlot(L, st, x);
    const e = at < 0 ? 0 : st[L.slotWord(at, SLOT.ENTRY)];
    return e !== 0 && !isExceptional(e);
  });
}

/** Indexes whose block is allocated while a page of zeroes maps them: the zero page (a PTE,
 *  or the huge zero page over their region) or, before the XArray era, a hole page of the
 *  page cache (a PTE holding a page frame). */
function zeroOverData(st: Int32Array, L: Layout): number[] {
  const hugeZero = st[G.PMD] === Pmd.HugeZero;
  return L.indexes.filter((_x, s) => st[L.slotWord(s, SLOT.BLOCK)] === Block.Mapped
    && (hugeZero || st[L.slotWord(s, SLOT.PTE)] === PTE_ZERO || st[L.slotWord(s, SLOT.PTE)] > 0));
}
