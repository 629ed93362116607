// A huge PMD and PTEs never map the same range at once: the page table holds only one of
// them, and two mappings of one file offset would diverge.
import { G, OBJ, SLOT } from '../kernel/layout';
import { hex } from '../objects/format';
import { pmdHuge } from '../objects/pagetable/index';
import { NO_FAULTS, type Property } from './property';

export const OVERLAP: Property = {
  name: 'overlap',
  kinds: ['overlap'],
  protects: 'one mapping per file offset: a huge PMD and PTEs of the same range would diverge',
  observes(x) {
    x.read(OBJ.PMD); x.all(OBJ.pte, 'index', false);
  },
  invariant({ st, L }) {
    if (!pmdHuge(st[G.PMD])) return NO_FAULTS;
    let any = false;
    for (let s = 0; s < L.indexes.length && !any; s++) any = st[L.slotWord(s, SLOT.PTE)] !== 0;
    if (!any) return NO_FAULTS;
    const ptes = L.indexes.filter((_x, s) => st[L.slotWord(s, SLOT.PTE)] !== 0);
    return [{ kind: 'overlap', message: `a huge PMD and the PTE${ptes.length > 1 ? 's' : ''} of ${ptes.map(hex).join(', ')} map the same range`, detail: { pmd: st[G.PMD], ptes: ptes.map(hex).join(',') } }];
  },
};
