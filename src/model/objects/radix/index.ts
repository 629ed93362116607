// The mapping's radix tree (lib/radix-tree.c, v4.10) with fs/dax.c's exceptional entries:
// lookup, insert of an order (-EEXIST when any slot of its range is taken), replace, delete,
// tags, radix_tree_preload() with an injectable -ENOMEM, and mapping->nrexceptional. Writers
// hold mapping->tree_lock; the model asserts it.
import { K } from '../constants';
import { G, OBJ, SLOT, THREAD } from '../../kernel/layout';
import type { KernelObject, Prim, Touches } from '../object';
import { hex } from '../format';
import { requireTreeLock, underTreeLock } from '../spinlock/index';
import { describeEntry, entryAt, isExceptional, lookupRead, setEntry, slotOrFault } from './entries';
import { XARRAY_PRIMS } from './xarray';

const NOTE = {
  lookup: (index: number, e: number) => `entry at ${hex(index)}: ${describeEntry(e)}`,
  replace: (slot: number, entry: number) => `slot ${hex(slot)} := ${describeEntry(entry)}`,
  eexist: (index: number, order: number) => `insert at ${hex(index)} (order ${order}): -EEXIST`,
  inserted: (entry: number, index: number) => `inserted ${describeEntry(entry)} at ${hex(index)}`,
  noDelete: (index: number) => `nothing to delete at ${hex(index)}`,
  deleted: (e: number, index: number) => `deleted ${describeEntry(e)} at ${hex(index)}`,
};

const prims: Prim[] = [];
const def = (p: Prim): void => { prims.push(p); };

/** An allocation reads the failure budget, and spends it only where the scenario gave one. */
function allocates(x: Touches): void {
  x.read(OBJ.ENOMEM);
  if (x.start[G.ENOMEM_BUDGET] > 0) x.write(OBJ.ENOMEM);
}

def({
  name: '__radix_tree_lookup', quiet: underTreeLock, arity: 2, visible: true,
  doc: '__radix_tree_lookup(&mapping->page_tree, index, NULL, &slot): the entry covering index; *slotp = its slot (the head index)',
  run: (w, [index, slotp]) => {
    slotOrFault(w, index);
    const s = lookupRead(w, index);
    const e = s < 0 ? 0 : w.s[w.L.slotWord(s, SLOT.ENTRY)];
    w.storePtr(slotp, s < 0 ? index : w.L.indexes[s]);
    w.note(NOTE.lookup, index, e);
    return e;
  },
});

def({
  name: 'radix_tree_deref_slot', quiet: underTreeLock, arity: 1, visible: true,
  doc: 'radix_tree_deref_slot_protected(slot, &mapping->tree_lock): the entry in a slot',
  run: (w, [slot]) => { const s = slotOrFault(w, slot); return s < 0 ? 0 : entryAt(w, s); },
});

def({
  name: 'radix_tree_replace_slot', arity: 2, visible: true,
  doc: 'radix_tree_replace_slot(&mapping->page_tree, slot, entry)',
  run: (w, [slot, entry]) => {
    requireTreeLock(w, 'radix_tree_replace_slot()');
    const s = slotOrFault(w, slot);
    if (s < 0) return 0;
    if (entryAt(w, s) === 0) w.commit('assertion', `radix_tree_replace_slot() on empty slot ${hex(slot)}`);
    setEntry(w, s, entry);
    w.note(NOTE.replace, slot, entry);
    return 0;
  },
});

def({
  name: '__radix_tree_insert', arity: 3, visible: true,
  doc: '__radix_tree_insert(&mapping->page_tree, index, order, entry): -EEXIST when any slot of the range is taken',
  run: (w, [index, order, entry]) => {
    requireTreeLock(w, '__radix_tree_insert()');
    if (order !== 0 && index & ((1 << order) - 1)) { w.commit('assertion', `order-${order} insert at unaligned index ${hex(index)}`); return -K.EINVAL; }
    const own = slotOrFault(w, index);
    if (own < 0) return -K.EEXIST;
    const covering = lookupRead(w, index);
    // Every slot of the range is read, taken or not.
    let taken = 0;
    const { indexes } = w.L;
    const end = index + (1 << order);
    for (let s = 0; s < indexes.length; s++) if (indexes[s] >= index && indexes[s] < end && entryAt(w, s) !== 0) taken++;
    if (covering >= 0 || taken > 0) {
      w.note(NOTE.eexist, index, order);
      return -K.EEXIST;
    }
    setEntry(w, own, entry);
    w.note(NOTE.inserted, entry, index);
    return 0;
  },
});

def({
  name: 'radix_tree_delete', arity: 1, visible: true,
  doc: 'radix_tree_delete(&mapping->page_tree, index): removes the entry covering index, returns it',
  run: (w, [index]) => {
    requireTreeLock(w, 'radix_tree_delete()');
    slotOrFault(w, index);
    const s = lookupRead(w, index);
    if (s < 0) { w.note(NOTE.noDelete, index); return 0; }
    const e = entryAt(w, s);
    setEntry(w, s, 0);
    w.write(OBJ.tags(s));
    w.set(w.L.slotWord(s, SLOT.TAGS), 0);
    w.note(NOTE.deleted, e, w.L.indexes[s]);
    return e;
  },
});

def({
  name: 'radix_tree_preload', arity: 1, visible: true, mightSleep: true,
  touches: allocates,
  doc: 'radix_tree_preload(gfp): 0 with preemption disabled, or -ENOMEM (a fault the explorer injects)',
  choices: (w) => { w.read(OBJ.ENOMEM); return w.s[G.ENOMEM_BUDGET] > 0 ? ['radix_tree_preload() succeeds', 'radix_tree_preload() fails: -ENOMEM'] : undefined; },
  run: (w, _a, choice) => {
    w.read(OBJ.ENOMEM);
    if (choice === 1) {
      w.write(OBJ.ENOMEM);
      w.add(G.ENOMEM_BUDGET, -1);
      w.note('radix_tree_preload: -ENOMEM');
      return -K.ENOMEM;
    }
    w.add(w.base + THREAD.PREEMPT, 1);
    return 0;
  },
});

def({
  name: 'radix_tree_preload_end', arity: 0, visible: false,
  touches: () => {},
  doc: 'radix_tree_preload_end(): enables preemption again',
  run: (w) => {
    if (w.s[w.base + THREAD.PREEMPT] <= 0) { w.commit('lock-imbalance', 'radix_tree_preload_end() without radix_tree_preload()'); return 0; }
    w.add(w.base + THREAD.PREEMPT, -1);
    return 0;
  },
});

def({
  name: 'radix_tree_tag_set', arity: 2, visible: true,
  doc: 'radix_tree_tag_set(&mapping->page_tree, index, tag)',
  run: (w, [index, tag]) => {
    requireTreeLock(w, 'radix_tree_tag_set()');
    const s = lookupRead(w, index);
    if (s < 0) { w.commit('assertion', `radix_tree_tag_set() on empty index ${hex(index)}`); return 0; }
    w.write(OBJ.tags(s));
    w.set(w.L.slotWord(s, SLOT.TAGS), w.s[w.L.slotWord(s, SLOT.TAGS)] | (1 << tag));
    return 0;
  },
});

def({
  name: 'radix_tree_tag_get', quiet: underTreeLock, arity: 2, visible: true,
  doc: 'radix_tree_tag_get(&mapping->page_tree, index, tag)',
  run: (w, [index, tag]) => {
    const s = lookupRead(w, index);
    if (s < 0) return 0;
    w.read(OBJ.tags(s));
    return (w.s[w.L.slotWord(s, SLOT.TAGS)] >> tag) & 1;
  },
});

def({
  name: 'nrexceptional_add', arity: 1, visible: false,
  doc: 'mapping->nrexceptional += delta (under mapping->tree_lock)',
  run: (w, [d]) => {
    requireTreeLock(w, 'mapping->nrexceptional update');
    w.write(OBJ.NREXCEPTIONAL);
    w.add(G.NREXCEPTIONAL, d);
    return 0;
  },
});

def({
  name: 'radix_tree_next_entry', arity: 1, visible: true,
  doc: 'pagevec_lookup_entries(): the first index >= start that holds or is covered by an entry, or -1',
  run: (w, [start]) => {
    if (lookupRead(w, start) >= 0) return start;
    for (let s = 0; s < w.L.indexes.length; s++) {
      if (w.L.indexes[s] < start) continue;
      w.read(OBJ.slot(s));
      if (w.s[w.L.slotWord(s, SLOT.ENTRY)] !== 0) return w.L.indexes[s];
    }
    return -1;
  },
});

export const RADIX: KernelObject = {
  name: 'radix',
  doc: 'the mapping\'s tree of DAX entries: the radix tree (lib/radix-tree.c, fs/dax.c, v4.10) and the XArray over the same slots (lib/xarray.c, v4.20 on)',
  prims: [...prims, ...XARRAY_PRIMS],
  // Its primitives read the lock their callers hold, and touch the tree and its counters.
  touches(x) {
    x.read(OBJ.TREE_LOCK);
    x.all(OBJ.slot, 'index', true); x.all(OBJ.tags, 'index', true);
    x.write(OBJ.NREXCEPTIONAL); x.write(OBJ.NRPAGES);
    allocates(x);
  },
  view(st, { L }, out) {
    L.indexes.forEach((x, s) => {
      const e = st[L.slotWord(s, SLOT.ENTRY)];
      if (!e || !isExceptional(e)) return;
      out.entries.push({ index: x, order: e & K.RADIX_DAX_PMD ? K.PMD_ORDER : 0, value: describeEntry(e), locked: (e & K.RADIX_DAX_ENTRY_LOCK) !== 0 });
    });
    out.other.nrexceptional = st[G.NREXCEPTIONAL];
  },
};
