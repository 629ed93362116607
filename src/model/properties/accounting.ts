// mapping->nrexceptional and ->nrpages count the tree's DAX entries and pages. Writeback,
// truncate and the shrinkers trust them; they change only under tree_lock, so they are
// checked whenever nobody holds it.
import { G, SLOT } from '../kernel/layout';
import type { Fault } from '../machine';
import { isExceptional } from '../objects/radix/entries';
import { NO_FAULTS, type Property } from './property';

export const ACCOUNTING: Property = {
  name: 'accounting',
  kinds: ['accounting'],
  protects: 'the mapping\'s counts of DAX entries and pages, which writeback, truncate and reclaim trust',
  invariant({ st, L }) {
    if (st[G.TREE_LOCK] !== 0) return NO_FAULTS;
    let exc = 0;
    let pages = 0;
    for (let s = 0; s < L.indexes.length; s++) {
      const e = st[L.slotWord(s, SLOT.ENTRY)];
      if (e === 0) continue;
      if (isExceptional(e)) exc++; else pages++;
    }
    if (exc === st[G.NREXCEPTIONAL] && pages === st[G.NRPAGES]) return NO_FAULTS;
    const faults: Fault[] = [];
    if (exc !== st[G.NREXCEPTIONAL]) {
      faults.push({ kind: 'accounting', message: `mapping->nrexceptional is ${st[G.NREXCEPTIONAL]} but the tree holds ${exc} DAX entries`, detail: { nrexceptional: st[G.NREXCEPTIONAL], entries: exc } });
    }
    if (pages !== st[G.NRPAGES]) {
      faults.push({ kind: 'accounting', message: `mapping->nrpages is ${st[G.NRPAGES]} but the tree holds ${pages} pages`, detail: { nrpages: st[G.NRPAGES], pages } });
    }
    return faults;
  },
};
