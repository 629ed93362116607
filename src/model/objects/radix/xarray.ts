// The mapping's page cache as an XArray (lib/xarray.c, v4.20 on) over the same slots as the
// radix tree: an xa_state is a record on the caller's stack (xa_index, xa_shift, xa_node, as
// the XA_STATE() macro of the era's table lays it out) and these primitives take its address,
// as the kernel's xas_*() do. Entries are kept in the one encoding of entries.ts; the era's
// table says how its xa_mk_value()/xa_to_value() read it. xas_store() of an entry that needs
// a new node may fail with -ENOMEM (injected: the tree's allocation failure budget), and
// xas_nomem() may fail to allocate again; writers hold the i_pages lock, the model asserts it.
import { daxPageIndex, daxPageMapping, setDaxPageMapping } from '../inode/index';
import { K } from '../constants';
import { G, OBJ, SLOT } from '../../kernel/layout';
import type { Step } from '../../kernel/step';
import type { Prim } from '../object';
import { hex } from '../format';
import { requireTreeLock, underTreeLock } from '../spinlock/index';
import { describeEntry, entryAt, isExceptional, isPmd, lookupRead, setEntry, slotOrFault } from './entries';

/** The words of struct xa_state the model keeps, in record order. */
export const XAS = { INDEX: 0, SHIFT: 1, NODE: 2 } as const;
export const XA_STATE_FIELDS = ['xa_index', 'xa_shift', 'xa_node'] as const;
/** xa_node: 0 once walked to an entry; XAS_RESTART before a walk; XA_ERROR(-errno) after an error
 *  (the kernel's encodings: an internal value 3, and errno << 2 | 2). */
export const XAS_RESTART = 3;
export const XAS_BOUNDS = 1;
export const xaError = (errno: number): number => (errno << 2) | 2;
const isError = (node: number): boolean => node < 0 && (node & 3) === 2;

const NOTE = {
  load: (index: number, e: number) => `entry at ${hex(index)}: ${describeEntry(e)}`,
  store: (index: number, e: number) => `xas_store at ${hex(index)}: ${describeEntry(e)}`,
  nomem: (index: number) => `xas_store at ${hex(index)}: no node, -ENOMEM`,
};

const index = (w: Step, xas: number): number => w.loadPtr(xas, XAS.INDEX);
const order = (w: Step, xas: number): number => w.loadPtr(xas, XAS.SHIFT);
const node = (w: Step, xas: number): number => w.loadPtr(xas, XAS.NODE);
const setNode = (w: Step, xas: number, v: number): void => w.storePtr(xas + XAS.NODE, v);

/** Whether the explorer may still inject an allocation failure (a read of the budget). */
function failuresLeft(w: Step): boolean {
  w.read(OBJ.ENOMEM);
  return w.s[G.ENOMEM_BUDGET] > 0;
}

/** The entry covering an index, and its slot (-1 for none). */
function covering(w: Step, at: number): { s: number; e: number } {
  slotOrFault(w, at);
  const s = lookupRead(w, at);
  return { s, e: s < 0 ? 0 : w.s[w.L.slotWord(s, SLOT.ENTRY)] };
}

/** The entry covering an index a walk passes (an index no scenario thread names holds nothing
 *  of its own, but may lie under a PMD entry). */
function passing(w: Step, at: number): { s: number; e: number } {
  const s = lookupRead(w, at);
  return { s, e: s < 0 ? 0 : w.s[w.L.slotWord(s, SLOT.ENTRY)] };
}

/** The first index >= from (up to max) holding an entry or covered by one, or -1. */
function nextEntryIndex(w: Step, from: number, max: number): number {
  if (passing(w, from).s >= 0) return from;
  const { indexes } = w.L;
  for (let s = 0; s < indexes.length; s++) {
    if (indexes[s] <= from) continue;
    if (indexes[s] > max) break;
    if (entryAt(w, s) !== 0) return indexes[s];
  }
  return -1;
}

/** The index after the entry covering at (past the whole range of a PMD entry). */
function pastEntry(w: Step, at: number): number {
  const c = passing(w, at);
  return c.s >= 0 && isPmd(c.e) ? (w.L.indexes[c.s] & ~K.PG_PMD_COLOUR) + K.PG_PMD_NR : at + 1;
}

export const XARRAY_PRIMS: Prim[] = [
  {
    name: 'xas_load', arity: 1, visible: true, quiet: underTreeLock,
    doc: 'xas_load(&xas): the entry covering xas.xa_index; the xa_state is walked to it',
    run: (w, [xas]) => {
      if (isError(node(w, xas))) return 0;
      const at = index(w, xas);
      // An index no thread of the scenario names holds nothing of its own (it may lie under a PMD entry).
      const { e } = passing(w, at);
      setNode(w, xas, 0);
      w.note(NOTE.load, at, e);
      return e;
    },
  },
  {
    name: 'xas_find_conflict', arity: 1, visible: true, quiet: underTreeLock,
    doc: 'xas_find_conflict(&xas): the first entry in the range of the xa_state\'s order (a PMD entry, or any PTE entry inside the PMD range); from a state walked to an entry, the first one after it in the range',
    run: (w, [xas]) => {
      const n = node(w, xas);
      if (isError(n)) return 0;
      const at = index(w, xas);
      const o = order(w, xas);
      const head = at & ~((1 << o) - 1);
      // A state walked to an entry goes on from the slot after it, within the range: a
      // caller that did not reset the state does not see the entry it stands on again.
      const from = n === 0 ? pastEntry(w, at) : head;
      setNode(w, xas, 0);
      if (n !== 0) {
        const c = passing(w, head);
        if (c.s >= 0) return c.e;
      }
      const { indexes } = w.L;
      for (let s = 0; s < indexes.length; s++) {
        if (indexes[s] < from || indexes[s] >= head + (1 << o)) continue;
        const e = entryAt(w, s);
        if (e !== 0) return e;
      }
      return 0;
    },
  },
  {
    name: 'xas_store', arity: 2, visible: true,
    doc: 'xas_store(&xas, entry): replaces the entry covering xa_index (NULL deletes it), or stores a new one of the xa_state\'s order; a new one may need a node: -ENOMEM in the xa_state (injected)',
    // What the choice reads is read by the step that stops before it (Lipton's merge ends at a branch).
    choices: (w, [xas, entry]) => (entry !== 0 && failuresLeft(w) && !isError(node(w, xas)) && lookupRead(w, index(w, xas)) < 0
      ? ['xas_store() finds a node', 'xas_store() cannot allocate a node: -ENOMEM'] : undefined),
    run: (w, [xas, entry], choice) => {
      requireTreeLock(w, 'xas_store()');
      if (isError(node(w, xas))) return 0;
      const at = index(w, xas);
      const c = covering(w, at);
      setNode(w, xas, 0);
      if (c.s >= 0) {
        setEntry(w, c.s, entry);
        if (entry === 0) { w.write(OBJ.tags(c.s)); w.set(w.L.slotWord(c.s, SLOT.TAGS), 0); }
        w.note(NOTE.store, w.L.indexes[c.s], entry);
        return c.e;
      }
      if (entry === 0) return 0;
      // Whether a node can be had depended on the failures left (choices).
      w.read(OBJ.ENOMEM);
      if (choice === 1) {
        w.write(OBJ.ENOMEM);
        w.add(G.ENOMEM_BUDGET, -1);
        setNode(w, xas, xaError(-K.ENOMEM));
        w.note(NOTE.nomem, at);
        return 0;
      }
      const o = order(w, xas);
      const head = at & ~((1 << o) - 1);
      const s = slotOrFault(w, head);
      if (s < 0) return 0;
      const { indexes } = w.L;
      for (let t = 0; t < indexes.length; t++) {
        if (t !== s && indexes[t] >= head && indexes[t] < head + (1 << o) && entryAt(w, t) !== 0) {
          w.commit('assertion', `xas_store() of an order-${o} entry at ${hex(head)} over the entry at ${hex(indexes[t])}`);
        }
      }
      setEntry(w, s, entry);
      w.note(NOTE.store, head, entry);
      return 0;
    },
  },
  {
    name: 'xas_nomem', arity: 1, visible: true, mightSleep: true,
    doc: 'xas_nomem(&xas, gfp) after an -ENOMEM store: allocates a node (sleeping, without the lock) and restarts the xa_state (1), or the allocation fails too (0, injected)',
    choices: (w) => (failuresLeft(w) ? ['xas_nomem() allocates', 'xas_nomem() fails: -ENOMEM'] : undefined),
    run: (w, [xas], choice) => {
      w.read(OBJ.ENOMEM);
      if (node(w, xas) !== xaError(-K.ENOMEM)) return 0;
      if (choice === 1) {
        w.write(OBJ.ENOMEM);
        w.add(G.ENOMEM_BUDGET, -1);
        w.note('xas_nomem: -ENOMEM');
        return 0;
      }
      setNode(w, xas, XAS_RESTART);
      return 1;
    },
  },
  {
    name: 'xas_error', arity: 1, visible: false,
    doc: 'xas_error(&xas): the errno the xa_state holds, or 0',
    run: (w, [xas]) => { const n = node(w, xas); return isError(n) ? n >> 2 : 0; },
  },
  {
    name: 'xas_set_err', arity: 2, visible: false,
    doc: 'xas_set_err(&xas, err): the xa_state holds XA_ERROR(err) (an errno that is not negative is no error to xas_error())',
    run: (w, [xas, err]) => { setNode(w, xas, xaError(err)); return 0; },
  },
  {
    name: 'xas_reset', arity: 1, visible: false,
    doc: 'xas_reset(&xas): the next operation walks the tree again from xa_index (an error is cleared)',
    run: (w, [xas]) => { setNode(w, xas, XAS_RESTART); return 0; },
  },
  {
    name: 'xas_set', arity: 2, visible: false,
    doc: 'xas_set(&xas, index): a new index, walked again from there',
    run: (w, [xas, at]) => { w.storePtr(xas + XAS.INDEX, at); setNode(w, xas, XAS_RESTART); return 0; },
  },
  {
    name: 'xas_pause', arity: 1, visible: true, quiet: underTreeLock,
    doc: 'xas_pause(&xas) before dropping the lock: a walked xa_state moves past the entry it is on (the whole range of a PMD entry), to be walked again from there',
    run: (w, [xas]) => {
      const n = node(w, xas);
      if (n !== 0) return 0;
      w.storePtr(xas + XAS.INDEX, pastEntry(w, index(w, xas)));
      setNode(w, xas, XAS_RESTART);
      return 0;
    },
  },
  {
    name: 'xas_find', arity: 2, visible: true, quiet: underTreeLock,
    doc: 'xas_find(&xas, max) / xas_next_entry(): the next entry up to max (from xa_index before a walk, past the current entry after one); xa_index is set to it',
    run: (w, [xas, max]) => {
      const n = node(w, xas);
      if (isError(n) || n === XAS_BOUNDS) return 0;
      const from = n === 0 ? pastEntry(w, index(w, xas)) : index(w, xas);
      const at = from > max ? -1 : nextEntryIndex(w, from, max);
      if (at < 0) { setNode(w, xas, XAS_BOUNDS); return 0; }
      w.storePtr(xas + XAS.INDEX, at);
      setNode(w, xas, 0);
      return passing(w, at).e;
    },
  },
  {
    name: 'xas_set_mark', arity: 2, visible: true,
    doc: 'xas_set_mark(&xas, mark): marks the entry the xa_state is on',
    run: (w, [xas, mark]) => {
      requireTreeLock(w, 'xas_set_mark()');
      const { s } = covering(w, index(w, xas));
      if (s < 0) return 0;
      w.write(OBJ.tags(s));
      w.set(w.L.slotWord(s, SLOT.TAGS), w.s[w.L.slotWord(s, SLOT.TAGS)] | (1 << mark));
      return 0;
    },
  },
  {
    name: 'xas_clear_mark', arity: 2, visible: true,
    doc: 'xas_clear_mark(&xas, mark): clears a mark of the entry the xa_state is on',
    run: (w, [xas, mark]) => {
      requireTreeLock(w, 'xas_clear_mark()');
      const { s } = covering(w, index(w, xas));
      if (s < 0) return 0;
      w.write(OBJ.tags(s));
      w.set(w.L.slotWord(s, SLOT.TAGS), w.s[w.L.slotWord(s, SLOT.TAGS)] & ~(1 << mark));
      return 0;
    },
  },
  {
    name: 'xas_get_mark', arity: 2, visible: true, quiet: underTreeLock,
    doc: 'xas_get_mark(&xas, mark): whether the entry the xa_state is on has the mark',
    run: (w, [xas, mark]) => {
      const { s } = covering(w, index(w, xas));
      if (s < 0) return 0;
      w.read(OBJ.tags(s));
      return (w.s[w.L.slotWord(s, SLOT.TAGS)] >> mark) & 1;
    },
  },
  {
    name: 'xas_find_marked', arity: 3, visible: true, quiet: underTreeLock,
    doc: 'xas_find_marked(&xas, max, mark) / xas_next_marked(): the next entry up to max that has the mark; xa_index is set to it',
    run: (w, [xas, max, mark]) => {
      const n = node(w, xas);
      if (isError(n) || n === XAS_BOUNDS) return 0;
      let from = n === 0 ? pastEntry(w, index(w, xas)) : index(w, xas);
      for (;;) {
        const at = from > max ? -1 : nextEntryIndex(w, from, max);
        if (at < 0) { setNode(w, xas, XAS_BOUNDS); return 0; }
        const c = passing(w, at);
        w.read(OBJ.tags(c.s));
        if ((w.s[w.L.slotWord(c.s, SLOT.TAGS)] >> mark) & 1) {
          w.storePtr(xas + XAS.INDEX, at);
          setNode(w, xas, 0);
          return c.e;
        }
        from = pastEntry(w, at);
      }
    },
  },
  {
    name: 'tag_pages_for_writeback', arity: 2, visible: true,
    doc: 'tag_pages_for_writeback(mapping, start, end): every entry of the range marked DIRTY is marked TOWRITE too (under the i_pages lock)',
    run: (w, [start, end]) => {
      const { indexes } = w.L;
      w.read(OBJ.TREE_LOCK);
      for (let s = 0; s < indexes.length; s++) {
        if (indexes[s] < start || indexes[s] > end || entryAt(w, s) === 0) continue;
        w.read(OBJ.tags(s));
        const tags = w.s[w.L.slotWord(s, SLOT.TAGS)];
        if (!((tags >> K.PAGECACHE_TAG_DIRTY) & 1)) continue;
        w.write(OBJ.tags(s));
        w.set(w.L.slotWord(s, SLOT.TAGS), tags | (1 << K.PAGECACHE_TAG_TOWRITE));
      }
      return 0;
    },
  },
  {
    name: 'dax_page_mapping', arity: 1, visible: true, quiet: underTreeLock,
    touches: (x, [page]) => x.index(OBJ.pins, page === undefined ? undefined : daxPageIndex(page), false),
    doc: 'page->mapping of a DAX page ((index + 1) << 2): the mapping while dax_associate_entry() has tied it to the file, else NULL',
    run: (w, [page]) => daxPageMapping(w, page),
  },
  {
    name: 'dax_page_set_mapping', arity: 2, visible: true,
    touches: (x, [page]) => {
      const index = page === undefined ? undefined : daxPageIndex(page);
      x.index(OBJ.pins, index, true);
    },
    doc: 'page->mapping = mapping (or NULL) of a DAX page ((index + 1) << 2): ties it to the file, or unties it',
    run: (w, [page, value]) => setDaxPageMapping(w, page, value),
  },
  {
    name: 'dax_page_set_index', arity: 2, visible: false,
    doc: 'page->index = index of a DAX page: the model names a DAX page by the file index its pfn maps (the block map is linear), so only that index, or 0 as the page leaves the file, can be written',
    run: (w, [page, value]) => {
      const x = (page >> 2) - 1;
      if (value !== 0 && value !== x) w.commit('assertion', `page->index of the DAX page of ${hex(x)} set to ${hex(value)}: the page would be found at another offset`);
      return 0;
    },
  },
  {
    name: 'dax_page_index', arity: 1, visible: false,
    doc: 'page->index of a DAX page ((index + 1) << 2): the file index it maps',
    run: (_w, [page]) => (page >> 2) - 1,
  },
  {
    name: 'nrpages_read', arity: 0, visible: true,
    doc: 'mapping->nrpages, read without the lock (mapping_empty(): a hint, as writeback reads it)',
    run: (w) => { w.read(OBJ.NRPAGES); return w.s[G.NRPAGES]; },
  },
  {
    name: 'nrexceptional_read', arity: 0, visible: true,
    doc: 'mapping->nrexceptional, read without the lock (a hint: writeback skips a mapping with no entries)',
    run: (w) => { w.read(OBJ.NREXCEPTIONAL); return w.s[G.NREXCEPTIONAL]; },
  },
];
