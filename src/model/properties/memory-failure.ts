// Memory failure of a DAX page finds the file that maps it for as long as the page is in the
// file (its entry there, zapped or not): the handler must unmap it from every process and
// signal them. A handler that gives up (-EBUSY) while the entry is in place, and no removal of
// it is under way, leaves processes mapping poisoned memory. (A truncate unties the page,
// page->mapping = NULL, and removes its entry under one hold of the i_pages lock: a handler
// that read page->mapping in between gives up rightly.)
import { SLOT } from '../kernel/layout';
import { hex } from '../objects/format';
import { lookupRead } from '../objects/radix/entries';
import { G, OBJ } from '../kernel/layout';
import type { Property } from './property';

export const MEMORY_FAILURE_FOUND: Property = {
  name: 'memory-failure-found',
  kinds: ['wrong-result'],
  protects: 'memory failure of a DAX page still in its file finds the file and unmaps the page',
  returnTouches(x, entry) {
    if (entry.fn === 'memory_failure') { x.read(OBJ.TREE_LOCK); x.all(OBJ.slot, 'index', false); }
  },
  returned(w, entry, ret) {
    if (entry.fn !== 'memory_failure' || ret >= 0) return null;
    const index = entry.args[0];
    w.read(OBJ.TREE_LOCK);
    if (w.s[G.TREE_LOCK] !== 0) return null;
    const s = lookupRead(w, index);
    if (s < 0) return null;
    return {
      kind: 'wrong-result', threads: [w.t],
      message: `${w.threadName(w.t)} gave up (${ret}) although the page of ${hex(index)} is still in the file: the processes mapping it keep poisoned memory`,
      detail: { index: hex(index), entry: w.s[w.L.slotWord(s, SLOT.ENTRY)] },
    };
  },
};
