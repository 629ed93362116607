// Seed 002's life cycle of a DAX page: the mapping holds one reference to each DAX page its
// entries map, from the entry going in until break layouts drops it and tags the entry
// DAX_ZAP. Once every thread returned, the references the mapping holds and its entries must
// agree: a reference with no entry behind it pins the page forever (the block is never idle
// for truncate), and an entry without DAX_ZAP whose page the mapping no longer holds is the
// drift the DAX_ZAP check exists to catch (memory failure or truncate would act on a page the
// file no longer keeps).
import { PTE_PFN, SLOT } from '../kernel/layout';
import type { Fault } from '../machine';
import { K } from '../objects/constants';
import { hex } from '../objects/format';
import { entryPageIndexes, isExceptional } from '../objects/radix/entries';
import { NO_FAULTS, type Property } from './property';

export const DAX_PAGE_REFS: Property = {
  name: 'dax-page-refs',
  kinds: ['refcount'],
  protects: 'the mapping\'s references to its DAX pages (seed 002): one per page an unzapped entry maps, none otherwise',
  final({ st, L, pageRefs }) {
    if (pageRefs !== 'mapping') return NO_FAULTS;
    const want = new Map<number, number>(L.indexes.map((x) => [x, 0]));
    L.indexes.forEach((_x, s) => {
      const e = st[L.slotWord(s, SLOT.ENTRY)];
      if (!isExceptional(e) || e & K.DAX_ZAP) return;
      for (const i of entryPageIndexes(L, e)) want.set(i, (want.get(i) ?? 0) + 1);
    });
    const faults: Fault[] = [];
    L.indexes.forEach((x, s) => {
      const held = st[L.slotWord(s, SLOT.MAPREF)];
      const w = want.get(x) ?? 0;
      if (held === 0 && st[L.slotWord(s, SLOT.PTE)] === PTE_PFN) {
        faults.push({ kind: 'refcount', message: `the DAX page of ${hex(x)} is mapped by a PTE after every thread returned, but the mapping holds no reference to it: the next break layouts would not wait for it`, detail: { index: hex(x) } });
        return;
      }
      if (held === w) return;
      const why = held > w ? 'no entry of the file maps it without DAX_ZAP: the page never goes idle' : 'its entry is in the file without DAX_ZAP: the reference was dropped behind the life cycle\'s back';
      faults.push({ kind: 'refcount', message: `the mapping holds ${held} reference${held === 1 ? '' : 's'} to the DAX page of ${hex(x)} after every thread returned, and ${why}`, detail: { index: hex(x), held, expected: w } });
    });
    return faults;
  },
};
