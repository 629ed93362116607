// Page cache pages (mm/filemap.c, v4.10): the hole pages a read fault of a DAX file puts in the
// page cache, with their lock, ->mapping, ->index and reference count, and mapping->nrpages.
import { K } from '../constants';
import { G, OBJ, PAGE } from '../../kernel/layout';
import type { Step } from '../../kernel/step';
import type { KernelObject, LockDecl, Prim } from '../object';
import { hex } from '../format';
import { requireTreeLock, underTreeLock } from '../spinlock/index';
import { entryAt, isExceptional, lookupRead, pageFrame, pagePtr, setEntry, slotOrFault } from '../radix/entries';
import { SLOT } from '../../kernel/layout';

const NOTE = {
  pageLocked: (p: number) => `page#${p} locked`,
  pageUnlocked: (p: number) => `page#${p} unlocked`,
  pageAt: (page: number, index: number) => `page#${pageFrame(page)} at ${hex(index)}`,
  pageRemoved: (p: number) => `page#${p} removed from the page cache`,
};

/** The frame of a page pointer, or -1 after a fault when it points at no page of the scenario. */
export function frameOrFault(w: Step, page: number): number {
  const p = pageFrame(page);
  if (page === 0 || page & 3 || p < 0 || p >= w.L.nPages) { w.commit('null-deref', `bad page pointer ${hex(page)}`); return -1; }
  return p;
}

/** A page lock another thread than t holds, and the holder, or -1. */
function pageHolder(st: Int32Array, L: Step['L'], t: number): number {
  for (let p = 0; p < L.nPages; p++) {
    const h = st[L.pageWord(p, PAGE.LOCK)];
    if (h && h !== t + 1) return h - 1;
  }
  return -1;
}

const PAGE_LOCK: LockDecl = {
  what: 'a page lock', acquire: ['lock_page'], leftKind: 'entry-left-locked',
  holder: pageHolder,
  heldAtEnd: (st, L, name) => Array.from({ length: L.nPages }, (_x, p) => st[L.pageWord(p, PAGE.LOCK)])
    .flatMap((h, p) => (h ? [{ kind: 'entry-left-locked' as const, message: `page#${p} is still locked by ${name(h - 1)} after every thread returned` }] : [])),
};

const prims: Prim[] = [];
const def = (p: Prim): void => { prims.push(p); };

def({
  name: 'nrpages_add', arity: 1, visible: false,
  doc: 'mapping->nrpages += delta (under mapping->tree_lock)',
  run: (w, [d]) => {
    requireTreeLock(w, 'mapping->nrpages update');
    w.write(OBJ.NRPAGES);
    w.add(G.NRPAGES, d);
    return 0;
  },
});

def({
  name: '__page_cache_alloc', arity: 0, visible: false,
  doc: '__page_cache_alloc(gfp): a free page frame with one reference',
  run: (w) => {
    for (let p = 0; p < w.L.nPages; p++) {
      const b = w.L.pageWord(p, 0);
      w.read(OBJ.page(p));
      if (w.s[b + PAGE.REF] === 0 && w.s[b + PAGE.MAPPING] === 0 && w.s[b + PAGE.LOCK] === 0) {
        w.set(b + PAGE.REF, 1);
        w.write(OBJ.page(p));
        return pagePtr(p);
      }
    }
    w.commit('assertion', 'the scenario has too few page frames');
    return 0;
  },
});

def({
  name: 'page_cache_init', arity: 2, visible: false,
  doc: '__SetPageLocked(page); page->mapping = mapping; page->index = offset; (a page not yet shared)',
  run: (w, [page, index]) => {
    const p = frameOrFault(w, page);
    if (p < 0) return 0;
    w.write(OBJ.page(p));
    w.set(w.L.pageWord(p, PAGE.LOCK), w.t + 1);
    w.set(w.L.pageWord(p, PAGE.MAPPING), 1);
    w.set(w.L.pageWord(p, PAGE.INDEX), index);
    return 0;
  },
});

def({
  name: 'page_cache_uninit', arity: 1, visible: false,
  doc: 'page->mapping = NULL; __ClearPageLocked(page); (insertion failed, page never shared)',
  run: (w, [page]) => {
    const p = frameOrFault(w, page);
    if (p < 0) return 0;
    w.write(OBJ.page(p));
    w.set(w.L.pageWord(p, PAGE.LOCK), 0);
    w.set(w.L.pageWord(p, PAGE.MAPPING), 0);
    return 0;
  },
});

def({
  name: 'page_index', arity: 1, visible: false,
  doc: 'page->index',
  run: (w, [page]) => { const p = frameOrFault(w, page); return p < 0 ? 0 : w.s[w.L.pageWord(p, PAGE.INDEX)]; },
});

def({
  name: 'page_mapping', arity: 1, visible: true,
  doc: 'page->mapping == mapping (1) or truncated (0)',
  run: (w, [page]) => {
    const p = frameOrFault(w, page);
    if (p < 0) return 0;
    w.read(OBJ.page(p));
    return w.s[w.L.pageWord(p, PAGE.MAPPING)] ? K.MAPPING : 0;
  },
});

def({
  name: 'get_page', arity: 1, visible: false,
  doc: 'get_page(page): the caller already holds a reference or the tree lock, so no other thread can observe it',
  run: (w, [page]) => {
    const p = frameOrFault(w, page);
    if (p >= 0) { w.write(OBJ.page(p)); w.add(w.L.pageWord(p, PAGE.REF), 1); }
    return 0;
  },
});

def({
  name: 'put_page', arity: 1, visible: true,
  doc: 'put_page(page): a reference dropped below zero is a refcount fault',
  run: (w, [page]) => {
    const p = frameOrFault(w, page);
    if (p < 0) return 0;
    w.write(OBJ.page(p));
    const r = w.add(w.L.pageWord(p, PAGE.REF), -1);
    if (r < 0) w.commit('refcount', `put_page() on page#${p} with no reference`);
    return 0;
  },
});

def({
  name: 'lock_page', arity: 1, visible: true, mightSleep: true,
  doc: 'lock_page(page): sleeps while another thread holds the page lock',
  blocked: (w, [page]) => {
    const p = pageFrame(page);
    if (p < 0 || p >= w.L.nPages) return false;
    const h = w.s[w.L.pageWord(p, PAGE.LOCK)];
    return h !== 0 && h !== w.t + 1;
  },
  run: (w, [page]) => {
    const p = frameOrFault(w, page);
    if (p < 0) return 0;
    w.read(OBJ.page(p)); w.write(OBJ.page(p));
    if (w.s[w.L.pageWord(p, PAGE.LOCK)] === w.t + 1) { w.commit('deadlock', `lock_page() on page#${p} the thread already holds`); return 0; }
    w.set(w.L.pageWord(p, PAGE.LOCK), w.t + 1);
    w.note(NOTE.pageLocked, p);
    return 0;
  },
});

def({
  name: 'unlock_page', arity: 1, visible: true,
  doc: 'unlock_page(page)',
  run: (w, [page]) => {
    const p = frameOrFault(w, page);
    if (p < 0) return 0;
    w.write(OBJ.page(p));
    if (w.s[w.L.pageWord(p, PAGE.LOCK)] !== w.t + 1) { w.commit('lock-imbalance', `unlock_page() on page#${p} the thread does not hold`); return 0; }
    w.set(w.L.pageWord(p, PAGE.LOCK), 0);
    w.note(NOTE.pageUnlocked, p);
    return 0;
  },
});

def({
  name: 'find_get_entry', arity: 1, visible: true,
  doc: 'find_get_entry(mapping, offset): the entry at offset, with a reference taken when it is a page',
  run: (w, [index]) => {
    slotOrFault(w, index);
    const s = lookupRead(w, index);
    if (s < 0) return 0;
    const e = entryAt(w, s);
    if (!isExceptional(e)) {
      const p = pageFrame(e);
      w.write(OBJ.page(p));
      w.add(w.L.pageWord(p, PAGE.REF), 1);
    }
    return e;
  },
});

def({
  name: 'page_cache_tree_slot', quiet: underTreeLock, arity: 1, visible: true,
  doc: '__radix_tree_create(&mapping->page_tree, page->index, 0, &node, &slot); *slot: what the slot of index holds',
  run: (w, [index]) => {
    requireTreeLock(w, '__radix_tree_create()');
    slotOrFault(w, index);
    const s = lookupRead(w, index);
    return s < 0 ? 0 : entryAt(w, s);
  },
});

def({
  name: 'page_cache_tree_replace', arity: 2, visible: true,
  doc: '__radix_tree_replace(&mapping->page_tree, node, slot, page, ...): the page takes the slot of index',
  run: (w, [index, page]) => {
    requireTreeLock(w, '__radix_tree_replace()');
    const own = slotOrFault(w, index);
    if (own < 0) return 0;
    const s = lookupRead(w, index);
    if (s >= 0 && s !== own) { w.commit('assertion', `page at ${hex(index)} inside a PMD entry`); return 0; }
    setEntry(w, own, page);
    w.note(NOTE.pageAt, page, index);
    return 0;
  },
});

def({
  name: '__delete_from_page_cache', arity: 1, visible: true,
  doc: '__delete_from_page_cache(page, NULL): the page leaves the tree, mapping->nrpages--, page->mapping = NULL',
  run: (w, [page]) => {
    requireTreeLock(w, '__delete_from_page_cache()');
    const p = frameOrFault(w, page);
    if (p < 0) return 0;
    const index = w.s[w.L.pageWord(p, PAGE.INDEX)];
    const s = slotOrFault(w, index);
    if (s < 0) return 0;
    if (entryAt(w, s) !== page) { w.commit('assertion', `__delete_from_page_cache(): page#${p} is not in the tree`); return 0; }
    setEntry(w, s, 0);
    w.write(OBJ.NRPAGES); w.write(OBJ.page(p));
    w.add(G.NRPAGES, -1);
    w.set(w.L.pageWord(p, PAGE.MAPPING), 0);
    w.note(NOTE.pageRemoved, p);
    return 0;
  },
});

export const PAGES: KernelObject = {
  name: 'pages',
  doc: 'page cache pages and mapping->nrpages (mm/filemap.c, v4.10)',
  prims,
  // Its primitives touch page frames, the page cache's slots and counters under the tree lock,
  // and the wait queues of a page's lock.
  touches(x) {
    x.read(OBJ.TREE_LOCK); x.all(OBJ.page, 'page', true);
    x.all(OBJ.slot, 'index', true); x.all(OBJ.tags, 'index', true);
    x.write(OBJ.NRPAGES); x.write(OBJ.NREXCEPTIONAL);
    x.all(OBJ.queue, 'queue', true);
  },
  locks: [PAGE_LOCK],
  view(st, { L, name }, out) {
    L.indexes.forEach((x, s) => {
      const e = st[L.slotWord(s, SLOT.ENTRY)];
      if (!e || isExceptional(e)) return;
      const p = pageFrame(e);
      out.entries.push({ index: x, order: 0, value: `page#${p}`, locked: p >= 0 && p < L.nPages && st[L.pageWord(p, PAGE.LOCK)] !== 0 });
    });
    for (let p = 0; p < L.nPages; p++) {
      const h = st[L.pageWord(p, PAGE.LOCK)];
      if (h || st[L.pageWord(p, PAGE.REF)]) out.locks.push({ name: `page#${p} lock`, holder: h ? name(h) : null });
    }
    out.other.nrpages = st[G.NRPAGES];
  },
};
