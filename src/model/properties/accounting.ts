// mapping->nrexceptional and ->nrpages count the tree's DAX entries and pages (to v5.12), or
// ->nrpages counts the pages of both, a PMD entry 512 (v5.13 on: the era's Api.accounting).
// Writeback, truncate and the shrinkers trust them; they change only under the tree's lock,
// so they are checked whenever nobody holds it.
import { G, OBJ, SLOT } from '../kernel/layout';
import type { Fault } from '../machine';
import { isExceptional, isPmd } from '../objects/radix/entries';
import { K } from '../objects/constants';
import { NO_FAULTS, type Property } from './property';

export const ACCOUNTING: Property = {
  name: 'accounting',
  kinds: ['accounting'],
  protects: 'the mapping\'s counts of DAX entries and pages, which writeback, truncate and reclaim trust',
  observes(x) {
    x.read(OBJ.TREE_LOCK); x.all(OBJ.slot, 'index', false); x.read(OBJ.NREXCEPTIONAL); x.read(OBJ.NRPAGES);
  },
  invariant({ st, L, accounting }) {
    if (st[G.TREE_LOCK] !== 0) return NO_FAULTS;
    let exc = 0;
    let pages = 0;
    for (let s = 0; s < L.indexes.length; s++) {
      const e = st[L.slotWord(s, SLOT.ENTRY)];
      if (e === 0) continue;
      if (!isExceptional(e)) pages++;
      else if (accounting === 'pages') pages += isPmd(e) ? K.PG_PMD_NR : 1;
      else exc++;
    }
    if (exc === st[G.NREXCEPTIONAL] && pages === st[G.NRPAGES]) return NO_FAULTS;
    const faults: Fault[] = [];
    if (exc !== st[G.NREXCEPTIONAL]) {
      faults.push({ kind: 'accounting', message: `mapping->nrexceptional is ${st[G.NREXCEPTIONAL]} but the tree holds ${exc} DAX entries`, detail: { nrexceptional: st[G.NREXCEPTIONAL], entries: exc } });
    }
    if (pages !== st[G.NRPAGES]) {
      const what = accounting === 'pages' ? 'pages under its entries' : 'pages';
      faults.push({ kind: 'accounting', message: `mapping->nrpages is ${st[G.NRPAGES]} but the tree holds ${pages} ${what}`, detail: { nrpages: st[G.NRPAGES], pages } });
    }
    return faults;
  },
};
