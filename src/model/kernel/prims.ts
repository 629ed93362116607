// The kernel primitives the modelled functions call: mapping->tree_lock, the radix
// tree with DAX exceptional entries, page cache pages, the DAX wait table, page
// tables, i_size, the block map and the filesystem's mmap lock.
//
// Semantics follow the v4.10 kernel (lib/radix-tree.c, kernel/sched/wait.c,
// mm/filemap.c, mm/memory.c, fs/xfs). A primitive is visible (one explorer step)
// when another thread could observe it; invisible ones run inside the step that
// reaches them.
import { K } from '../ir';
import {
  Block, G, Layout, OBJ, PAGE, PTE_PFN, Pmd, QUEUE, SLOT, THREAD,
} from './layout';
import type { Step } from './step';

export const TASK_RUNNING = 0;
export const TASK_UNINTERRUPTIBLE = 2;

export interface Prim {
  name: string;
  arity: number;
  /** What the primitive stands for in the kernel. */
  doc: string;
  visible: boolean;
  /** A visible primitive that no other thread can observe in this state: it runs inside the
   *  current step. Reads of tree_lock-protected state by the lock holder are quiet, since
   *  every writer of that state holds the lock. */
  quiet?(w: Step): boolean;
  /** The kind of state the primitive only reads: when no primitive a scenario can run
   *  writes that kind (`writesTo`), the read cannot race and runs inside the current step. */
  readsOnly?: string;
  writesTo?: string[];
  /** Lock acquires move right and releases move left (Lipton): a step may run acquires, one
   *  other visible operation, then releases. */
  mover?: 'right' | 'left';
  /** The kernel may sleep in it: a fault with a spinlock held or preemption disabled. */
  mightSleep?: boolean;
  /** True when the thread cannot take the step now (spins on a lock, sleeps): it is blocked. */
  blocked?(w: Step, args: number[]): boolean;
  /** Outcomes the explorer branches over (an injected fault), by name. */
  choices?(w: Step, args: number[]): string[] | undefined;
  run(w: Step, args: number[], choice: number): number;
}

const hex = (x: number): string => `0x${(x >>> 0).toString(16)}`;
const isExceptional = (e: number): boolean => (e & K.RADIX_TREE_EXCEPTIONAL_ENTRY) !== 0;
const isPmd = (e: number): boolean => isExceptional(e) && (e & K.RADIX_DAX_PMD) !== 0;
/** A page pointer is the page frame + 1, shifted so it is word aligned (bit 1 clear: not exceptional). */
export const pagePtr = (frame: number): number => (frame + 1) << 2;
export const pageFrame = (ptr: number): number => (ptr >> 2) - 1;

export function describeEntry(e: number): string {
  if (e === 0) return 'NULL';
  if (!isExceptional(e)) return `page#${pageFrame(e)}`;
  const f: string[] = [];
  if (e & K.RADIX_DAX_PMD) f.push('PMD');
  if (e & K.RADIX_DAX_HZP) f.push('HZP');
  if (e & K.RADIX_DAX_EMPTY) f.push('EMPTY');
  if (e & K.RADIX_DAX_ENTRY_LOCK) f.push('LOCKED');
  return `${f.length ? f.join('|') : 'PTE'} sector ${e >> K.RADIX_DAX_SHIFT}`;
}

/** The state changes primitives describe, formatted only when a trace shows the step (Step.note). */
const NOTE = {
  lookup: (index: number, e: number) => `entry at ${hex(index)}: ${describeEntry(e)}`,
  replace: (slot: number, entry: number) => `slot ${hex(slot)} := ${describeEntry(entry)}`,
  eexist: (index: number, order: number) => `insert at ${hex(index)} (order ${order}): -EEXIST`,
  inserted: (entry: number, index: number) => `inserted ${describeEntry(entry)} at ${hex(index)}`,
  noDelete: (index: number) => `nothing to delete at ${hex(index)}`,
  deleted: (e: number, index: number) => `deleted ${describeEntry(e)} at ${hex(index)}`,
  waits: (key: number) => `waits on key ${hex(key)}`,
  woke: (woken: number[], waiting: number, key: number, name: (t: number) => string) =>
    `woke ${woken.length} of ${woken.length + waiting} waiters on ${hex(key)}` +
    (woken.length ? ` (${woken.map((t) => name(t)).join(', ')})` : ''),
  pageLocked: (p: number) => `page#${p} locked`,
  pageUnlocked: (p: number) => `page#${p} unlocked`,
  pageAt: (page: number, index: number) => `page#${pageFrame(page)} at ${hex(index)}`,
  pageRemoved: (p: number) => `page#${p} removed from the page cache`,
  pteBusy: (index: number) => `PTE ${hex(index)} already mapped: -EBUSY`,
  ptePfn: (index: number) => `PTE ${hex(index)} maps the DAX pfn`,
  ptePage: (index: number, p: number) => `PTE ${hex(index)} maps page#${p}`,
  unmapped: (index: number, nr: number, end: number) => `unmapped ${hex(index)}..${nr === 0 ? 'end' : hex(end - 1)}`,
  isize: (pages: number) => `i_size = ${hex(pages)} pages`,
  block: (index: number) => `block at ${hex(index)} allocated`,
};

// ---------------------------------------------------------------------------
// The radix tree: entries live at their head index; a PMD entry (order 9)
// covers the 512 indexes of its region.

function slotOrFault(w: Step, index: number): number {
  const s = w.L.slot(index);
  if (s < 0) w.commit('assertion', `index ${hex(index)} is not modelled by this scenario`);
  return s;
}

/** The slot holding the entry that covers index (the index itself, or its PMD head), or -1. */
export function lookupSlot(L: Layout, st: Int32Array, index: number): number {
  const s = L.slot(index);
  if (s >= 0 && st[L.slotWord(s, SLOT.ENTRY)] !== 0) return s;
  const head = L.slot(index & ~K.PG_PMD_COLOUR);
  if (head >= 0 && isPmd(st[L.slotWord(head, SLOT.ENTRY)])) return head;
  return -1;
}

/** lookupSlot() as a step sees it: it reads the index's own slot and its PMD head. */
function lookupRead(w: Step, index: number): number {
  const { L, s } = w;
  const own = L.slot(index);
  if (own >= 0) w.read(OBJ.slot(own));
  const head = L.slot(index & ~K.PG_PMD_COLOUR);
  if (head >= 0) w.read(OBJ.slot(head));
  // lookupSlot(), with the slots just found.
  if (own >= 0 && s[L.slotWord(own, SLOT.ENTRY)] !== 0) return own;
  if (head >= 0 && isPmd(s[L.slotWord(head, SLOT.ENTRY)])) return head;
  return -1;
}

function entryAt(w: Step, slot: number): number {
  w.read(OBJ.slot(slot));
  return w.s[w.L.slotWord(slot, SLOT.ENTRY)];
}

function setEntry(w: Step, slot: number, e: number): void {
  w.write(OBJ.slot(slot));
  w.set(w.L.slotWord(slot, SLOT.ENTRY), e);
}

// ---------------------------------------------------------------------------
// The DAX wait table (kernel/sched/wait.c with fs/dax.c's wake function).

function queueWaiters(w: Step, q: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < w.L.nThreads; i++) {
    const v = w.s[w.L.queueWord(q, QUEUE.FIFO + i)];
    if (v === 0) break;
    out.push(v);
  }
  return out;
}

function setQueue(w: Step, q: number, waiters: number[]): void {
  for (let i = 0; i < w.L.nThreads; i++) w.set(w.L.queueWord(q, QUEUE.FIFO + i), waiters[i] ?? 0);
}

const waiterThread = (v: number): number => (v & 0xff) - 1;
const waiterKey = (v: number): number => v >> 8;

function taskWord(w: Step, t: number): number { return w.L.thread(t) + THREAD.TASK_STATE; }

// ---------------------------------------------------------------------------

/** Quiet for the holder of mapping->tree_lock: only lock holders write the radix tree. */
const underTreeLock = (w: Step): boolean => w.holdsTreeLock();

export const PRIMS: Record<string, Prim> = {};
function def(p: Prim): void { PRIMS[p.name] = p; }

// --- mapping->tree_lock: spin_lock_irq / spin_unlock_irq ---------------------

def({
  name: 'spin_lock_irq', arity: 1, visible: true, mover: 'right',
  doc: 'spin_lock_irq(&mapping->tree_lock): spins while another thread holds it; taking it twice deadlocks',
  blocked: (w) => w.s[G.TREE_LOCK] !== 0 && w.s[G.TREE_LOCK] !== w.t + 1,
  run: (w) => {
    w.read(OBJ.TREE_LOCK); w.write(OBJ.TREE_LOCK);
    if (w.holdsTreeLock()) { w.commit('lock-imbalance', 'spin_lock_irq(&mapping->tree_lock) while already holding it'); return 0; }
    w.set(G.TREE_LOCK, w.t + 1);
    w.note('tree_lock taken');
    return 0;
  },
});

def({
  name: 'spin_unlock_irq', arity: 1, visible: true, mover: 'left',
  doc: 'spin_unlock_irq(&mapping->tree_lock): releasing a lock the thread does not hold is a fault',
  run: (w) => {
    w.read(OBJ.TREE_LOCK); w.write(OBJ.TREE_LOCK);
    if (!w.holdsTreeLock()) { w.commit('lock-imbalance', 'spin_unlock_irq(&mapping->tree_lock) without holding it'); return 0; }
    w.set(G.TREE_LOCK, 0);
    w.note('tree_lock released');
    return 0;
  },
});

// --- the radix tree ---------------------------------------------------------

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
    w.requireTreeLock('radix_tree_replace_slot()');
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
    w.requireTreeLock('__radix_tree_insert()');
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
    w.requireTreeLock('radix_tree_delete()');
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
  doc: 'radix_tree_preload(gfp): 0 with preemption disabled, or -ENOMEM (a fault the explorer injects)',
  choices: (w) => (w.s[G.ENOMEM_BUDGET] > 0 ? ['radix_tree_preload() succeeds', 'radix_tree_preload() fails: -ENOMEM'] : undefined),
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
    w.requireTreeLock('radix_tree_tag_set()');
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
    w.requireTreeLock('mapping->nrexceptional update');
    w.write(OBJ.NREXCEPTIONAL);
    w.add(G.NREXCEPTIONAL, d);
    return 0;
  },
});

def({
  name: 'nrpages_add', arity: 1, visible: false,
  doc: 'mapping->nrpages += delta (under mapping->tree_lock)',
  run: (w, [d]) => {
    w.requireTreeLock('mapping->nrpages update');
    w.write(OBJ.NRPAGES);
    w.add(G.NRPAGES, d);
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

// --- the DAX wait table -----------------------------------------------------

def({
  name: 'prepare_to_wait_exclusive', arity: 1, visible: true,
  doc: 'prepare_to_wait_exclusive(wq, &ewait.wait, TASK_UNINTERRUPTIBLE): queue at the tail, keyed by the entry index',
  run: (w, [key]) => {
    const q = w.L.queueOf(key);
    w.write(OBJ.queue(q)); w.write(OBJ.task(w.t));
    const ws = queueWaiters(w, q);
    if (!ws.some((v) => waiterThread(v) === w.t)) ws.push((key << 8) | (w.t + 1));
    setQueue(w, q, ws);
    w.set(taskWord(w, w.t), TASK_UNINTERRUPTIBLE);
    w.note(NOTE.waits, key);
    return 0;
  },
});

def({
  name: 'schedule', arity: 0, visible: true, mightSleep: true,
  doc: 'schedule(): sleeps until a wake-up puts the task back to TASK_RUNNING',
  blocked: (w) => w.s[taskWord(w, w.t)] !== TASK_RUNNING,
  run: (w) => { w.read(OBJ.task(w.t)); w.note('woken'); return 0; },
});

def({
  name: 'finish_wait', arity: 1, visible: true,
  doc: 'finish_wait(wq, &ewait.wait): TASK_RUNNING and off the queue',
  run: (w, [key]) => {
    const q = w.L.queueOf(key);
    w.write(OBJ.queue(q)); w.write(OBJ.task(w.t));
    setQueue(w, q, queueWaiters(w, q).filter((v) => waiterThread(v) !== w.t));
    w.set(taskWord(w, w.t), TASK_RUNNING);
    return 0;
  },
});

def({
  name: 'waitqueue_active', arity: 1, visible: true,
  doc: 'waitqueue_active(wq): any waiter on the hashed queue (whatever its key)',
  run: (w, [key]) => {
    const q = w.L.queueOf(key);
    w.read(OBJ.queue(q));
    // Waiters fill the FIFO from its first word.
    return w.s[w.L.queueWord(q, QUEUE.FIFO)] !== 0 ? 1 : 0;
  },
});

def({
  name: '__wake_up', arity: 2, visible: true,
  doc: '__wake_up(wq, TASK_NORMAL, nr_exclusive, &key): wakes key matches in FIFO order; waiters of other keys do not count; nr_exclusive 0 wakes all',
  run: (w, [key, nrExclusive]) => {
    const q = w.L.queueOf(key);
    w.read(OBJ.queue(q)); w.write(OBJ.queue(q));
    const keep: number[] = [];
    const woken: number[] = [];
    let left = nrExclusive;
    let stopped = false;
    for (const v of queueWaiters(w, q)) {
      // wake_exceptional_entry_func(): a waiter of another key returns 0 and does not count.
      if (stopped || waiterKey(v) !== key) { keep.push(v); continue; }
      const t = waiterThread(v);
      // autoremove_wake_function(): back to TASK_RUNNING and off the queue.
      w.write(OBJ.task(t));
      w.set(taskWord(w, t), TASK_RUNNING);
      woken.push(t);
      if (--left === 0) stopped = true;
    }
    setQueue(w, q, keep);
    w.set(w.L.queueWord(q, QUEUE.LAST_WAKER), w.t + 1);
    w.set(w.L.queueWord(q, QUEUE.LAST_NR), nrExclusive);
    w.set(w.L.queueWord(q, QUEUE.LAST_KEY), key);
    w.set(w.L.queueWord(q, QUEUE.LAST_WOKEN), woken.length);
    const waiting = keep.filter((v) => waiterKey(v) === key).length;
    w.note(NOTE.woke, woken, waiting, key);
    return woken.length;
  },
});

// --- page cache pages ---------------------------------------------------------

function frameOrFault(w: Step, page: number): number {
  const p = pageFrame(page);
  if (page === 0 || page & 3 || p < 0 || p >= w.L.nPages) { w.commit('null-deref', `bad page pointer ${hex(page)}`); return -1; }
  return p;
}

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
    w.requireTreeLock('__radix_tree_create()');
    slotOrFault(w, index);
    const s = lookupRead(w, index);
    return s < 0 ? 0 : entryAt(w, s);
  },
});

def({
  name: 'page_cache_tree_replace', arity: 2, visible: true,
  doc: '__radix_tree_replace(&mapping->page_tree, node, slot, page, ...): the page takes the slot of index',
  run: (w, [index, page]) => {
    w.requireTreeLock('__radix_tree_replace()');
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
    w.requireTreeLock('__delete_from_page_cache()');
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

// --- page tables --------------------------------------------------------------

function regionPtes(w: Step): number[] {
  const out: number[] = [];
  w.L.indexes.forEach((_x, s) => out.push(s));
  return out;
}

const pmdHuge = (v: number): boolean => v === Pmd.HugeZero || v === Pmd.Devmap;

def({
  name: 'pmd_read', arity: 0, visible: true,
  doc: 'orig_pmd = *vmf->pmd: none (0), huge zero page (1), devmap (2) or a PTE table (3)',
  run: (w) => { w.read(OBJ.PMD); return w.s[G.PMD]; },
});

def({
  name: 'pte_read', arity: 1, visible: true,
  doc: 'vmf->orig_pte = *vmf->pte: 0 none, PTE_PFN a DAX pfn, else a page frame + 1',
  run: (w, [index]) => {
    const s = slotOrFault(w, index);
    if (s < 0) return 0;
    w.read(OBJ.pte(s));
    return w.s[w.L.slotWord(s, SLOT.PTE)];
  },
});

def({
  name: 'vm_insert_mixed', arity: 2, visible: true,
  doc: 'vm_insert_mixed(vma, address, pfn): maps the PTE of index, -EBUSY when it is already mapped',
  run: (w, [index]) => {
    const s = slotOrFault(w, index);
    if (s < 0) return -K.EIO;
    w.read(OBJ.PMD); w.read(OBJ.pte(s));
    if (pmdHuge(w.s[G.PMD])) { w.commit('overlap', `PTE insert at ${hex(index)} under a huge PMD mapping`); return -K.EBUSY; }
    if (w.s[G.PMD] === Pmd.None) { w.write(OBJ.PMD); w.set(G.PMD, Pmd.Table); }
    if (w.s[w.L.slotWord(s, SLOT.PTE)] !== 0) { w.note(NOTE.pteBusy, index); return -K.EBUSY; }
    w.write(OBJ.pte(s));
    w.set(w.L.slotWord(s, SLOT.PTE), PTE_PFN);
    w.note(NOTE.ptePfn, index);
    return 0;
  },
});

def({
  name: 'finish_fault', arity: 2, visible: true,
  doc: 'finish_fault(vmf) with vmf->page = page: maps the page at index unless the PTE is taken (VM_FAULT_NOPAGE)',
  run: (w, [page, index]) => {
    const s = slotOrFault(w, index);
    const p = frameOrFault(w, page);
    if (s < 0 || p < 0) return K.VM_FAULT_SIGBUS;
    w.read(OBJ.PMD); w.read(OBJ.pte(s));
    if (pmdHuge(w.s[G.PMD])) return K.VM_FAULT_NOPAGE;
    if (w.s[G.PMD] === Pmd.None) { w.write(OBJ.PMD); w.set(G.PMD, Pmd.Table); }
    if (w.s[w.L.slotWord(s, SLOT.PTE)] !== 0) return K.VM_FAULT_NOPAGE;
    w.write(OBJ.pte(s));
    w.set(w.L.slotWord(s, SLOT.PTE), p + 1);
    w.note(NOTE.ptePage, index, p);
    return 0;
  },
});

def({
  name: 'vmf_insert_pfn_pmd', arity: 1, visible: true,
  doc: 'vmf_insert_pfn_pmd(vma, address, pmd, pfn, write): a devmap PMD mapping of the region',
  run: (w) => {
    w.read(OBJ.PMD); w.write(OBJ.PMD);
    regionPtes(w).forEach((s) => w.read(OBJ.pte(s)));
    const mapped = regionPtes(w).filter((s) => w.s[w.L.slotWord(s, SLOT.PTE)] !== 0);
    if (mapped.length) w.commit('overlap', 'PMD mapping installed over mapped PTEs');
    w.set(G.PMD, Pmd.Devmap);
    w.note('PMD maps the DAX pfn');
    return K.VM_FAULT_NOPAGE;
  },
});

def({
  name: 'set_pmd_huge_zero', arity: 0, visible: true,
  doc: 'ptl = pmd_lock(); if (!pmd_none(*pmd)) fail; set_pmd_at(..., huge zero page); spin_unlock(ptl): 1 when set',
  run: (w) => {
    w.read(OBJ.PMD);
    if (w.s[G.PMD] !== Pmd.None) return 0;
    w.write(OBJ.PMD);
    w.set(G.PMD, Pmd.HugeZero);
    w.note('PMD maps the huge zero page');
    return 1;
  },
});

def({
  name: 'pmd_lock', arity: 0, visible: true, mover: 'right',
  doc: 'ptl = pmd_lock(mm, pmd): the PMD\'s page table lock, a spinlock (preemption off while held)',
  blocked: (w) => w.s[G.PTL] !== 0 && w.s[G.PTL] !== w.t + 1,
  run: (w) => {
    w.read(OBJ.PMD); w.write(OBJ.PMD);
    if (w.s[G.PTL] === w.t + 1) { w.commit('deadlock', 'pmd_lock() while already holding the PMD lock'); return 0; }
    w.set(G.PTL, w.t + 1);
    w.add(w.base + THREAD.PREEMPT, 1);
    return 1;
  },
});

def({
  name: 'pmd_unlock', arity: 0, visible: true, mover: 'left',
  doc: 'spin_unlock(ptl) of the PMD\'s page table lock',
  run: (w) => {
    w.read(OBJ.PMD); w.write(OBJ.PMD);
    if (w.s[G.PTL] !== w.t + 1) { w.commit('lock-imbalance', 'spin_unlock() of the PMD lock without holding it'); return 0; }
    w.set(G.PTL, 0);
    w.add(w.base + THREAD.PREEMPT, -1);
    return 0;
  },
});

def({
  name: 'set_pmd_at', arity: 1, visible: true,
  doc: 'set_pmd_at(mm, addr, pmd, entry) under the PMD lock: the PMD now maps entry (a huge zero page or devmap PMD)',
  run: (w, [v]) => {
    if (w.s[G.PTL] !== w.t + 1) w.commit('assertion', 'set_pmd_at() without the PMD lock');
    w.read(OBJ.PMD); w.write(OBJ.PMD);
    w.set(G.PMD, v);
    w.note(v === Pmd.HugeZero ? 'PMD maps the huge zero page' : `PMD set to ${v}`);
    return 0;
  },
});

def({
  name: 'split_huge_pmd', arity: 0, visible: true,
  doc: 'split_huge_pmd(vma, pmd, address): a DAX or huge zero PMD mapping is zapped',
  run: (w) => {
    w.read(OBJ.PMD);
    if (!pmdHuge(w.s[G.PMD])) return 0;
    w.write(OBJ.PMD);
    w.set(G.PMD, Pmd.None);
    w.note('huge PMD split (zapped)');
    return 0;
  },
});

def({
  name: 'unmap_mapping_range', arity: 2, visible: true, mightSleep: true,
  doc: 'unmap_mapping_range(mapping, index << PAGE_SHIFT, nr << PAGE_SHIFT, 0): zaps PTEs (dropping hole page references) and huge PMDs in range; nr 0 means to the end',
  run: (w, [index, nr]) => {
    const end = nr === 0 ? 0x7fffffff : index + nr;
    w.read(OBJ.PMD);
    const base = w.L.indexes.length ? w.L.indexes[0] & ~K.PG_PMD_COLOUR : 0;
    if (pmdHuge(w.s[G.PMD]) && index < base + K.PG_PMD_NR && end > base) {
      w.write(OBJ.PMD); w.set(G.PMD, Pmd.None);
    }
    w.L.indexes.forEach((x, s) => {
      if (x < index || x >= end) return;
      const a = w.L.slotWord(s, SLOT.PTE);
      w.read(OBJ.pte(s));
      if (w.s[a] === 0) return;
      w.write(OBJ.pte(s));
      if (w.s[a] > 0) { const p = w.s[a] - 1; w.write(OBJ.page(p)); w.add(w.L.pageWord(p, PAGE.REF), -1); }
      w.set(a, 0);
    });
    w.note(NOTE.unmapped, index, nr, end);
    return 0;
  },
});

// --- inode, block map, filesystem lock ---------------------------------------

def({
  name: 'i_size_read', arity: 0, visible: true, readsOnly: 'i_size',
  doc: 'i_size_read(inode) >> PAGE_SHIFT (pages)',
  run: (w) => { w.read(OBJ.ISIZE); return w.s[G.ISIZE]; },
});

def({
  name: 'i_size_write', arity: 1, visible: true, writesTo: ['i_size'],
  doc: 'i_size_write(inode, newsize) (pages)',
  run: (w, [pages]) => { w.write(OBJ.ISIZE); w.set(G.ISIZE, pages); w.note(NOTE.isize, pages); return 0; },
});

def({
  name: 'iomap_begin', arity: 3, visible: true, mightSleep: true,
  doc: 'ops->iomap_begin(inode, pos, length, flags, &iomap): the extent at index; a write allocates (IOMAP_F_NEW). Result: type | flags << 8 | pages << 12 | index << 22',
  run: (w, [index, pages, write]) => {
    const s = slotOrFault(w, index);
    if (s < 0) return K.IOMAP_HOLE | (1 << 12) | (index << 22);
    const a = w.L.slotWord(s, SLOT.BLOCK);
    w.read(OBJ.block(s));
    let flags = 0;
    if (write && w.s[a] !== Block.Mapped) {
      w.write(OBJ.block(s));
      w.set(a, Block.Mapped);
      flags = K.IOMAP_F_NEW;
      w.note(NOTE.block, index);
    }
    const type = w.s[a] === Block.Mapped ? K.IOMAP_MAPPED : w.s[a] === Block.Unwritten ? K.IOMAP_UNWRITTEN : K.IOMAP_HOLE;
    // One extent covers the PMD range only when the scenario says so; an allocating write gets
    // a one-page extent (free space is fragmented, so the PMD fault falls back) unless the
    // scenario says the filesystem allocates the whole range asked for (PMD_EXTENT 2).
    const whole = w.s[G.PMD_EXTENT] === 2 || (w.s[G.PMD_EXTENT] === 1 && !flags);
    const len = pages > 1 && !whole ? 1 : pages;
    return type | (flags << 8) | (len << 12) | (index << 22);
  },
});

def({
  name: 'xfs_ilock', arity: 1, visible: true, mightSleep: true,
  doc: 'xfs_ilock(ip, XFS_MMAPLOCK_SHARED | XFS_MMAPLOCK_EXCL): the rw semaphore serialising faults with truncate',
  blocked: (w, [mode]) => (mode === K.XFS_MMAPLOCK_EXCL ? w.s[G.MMAPLOCK] !== 0 : w.s[G.MMAPLOCK] < 0),
  run: (w, [mode]) => {
    w.read(OBJ.MMAPLOCK); w.write(OBJ.MMAPLOCK);
    if (mode === K.XFS_MMAPLOCK_EXCL) w.set(G.MMAPLOCK, -(w.t + 1)); else w.add(G.MMAPLOCK, 1);
    return 0;
  },
});

def({
  name: 'xfs_iunlock', arity: 1, visible: true,
  doc: 'xfs_iunlock(ip, mode)',
  run: (w, [mode]) => {
    w.read(OBJ.MMAPLOCK); w.write(OBJ.MMAPLOCK);
    const v = w.s[G.MMAPLOCK];
    if (mode === K.XFS_MMAPLOCK_EXCL) {
      if (v !== -(w.t + 1)) { w.commit('lock-imbalance', 'xfs_iunlock(XFS_MMAPLOCK_EXCL) without holding it'); return 0; }
      w.set(G.MMAPLOCK, 0);
    } else {
      if (v <= 0) { w.commit('lock-imbalance', 'xfs_iunlock(XFS_MMAPLOCK_SHARED) without holding it'); return 0; }
      w.add(G.MMAPLOCK, -1);
    }
    return 0;
  },
});

def({
  name: 'fs_mmaplock', arity: 0, visible: false,
  doc: 'whether the filesystem takes XFS_MMAPLOCK around faults and truncate (a scenario constant)',
  run: (w) => w.s[G.FS_MMAPLOCK],
});

def({
  name: 'vma_shared', arity: 0, visible: false,
  doc: 'vma->vm_flags & VM_SHARED (a scenario constant)',
  run: (w) => w.s[G.VM_SHARED],
});

def({
  name: 'vma_start', arity: 0, visible: false, doc: 'vma->vm_start in pages', run: (w) => w.s[G.VM_START],
});

def({
  name: 'vma_end', arity: 0, visible: false, doc: 'vma->vm_end in pages', run: (w) => w.s[G.VM_END],
});

def({
  name: 'WARN_ON_ONCE', arity: 1, visible: false,
  doc: 'WARN_ON_ONCE(cond): a kernel warning is an assertion fault',
  run: (w, [cond]) => { if (cond) w.commit('assertion', 'WARN_ON_ONCE() fired'); return cond ? 1 : 0; },
});

export { isExceptional, isPmd, pmdHuge };
