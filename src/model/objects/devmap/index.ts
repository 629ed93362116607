// Device memory that DAX maps (v4.4 with the -mm series "get_user_pages() for dax mappings",
// December 2015): a dev_pagemap whose percpu_ref keeps its struct pages (ZONE_DEVICE, idle at one
// reference: the driver owns them) in existence, the PMD or PTEs (_PAGE_DEVMAP) through which a
// process maps them, and the process's DAX vma. Unbind kills the reference, waits for it to
// drain, then removes the pages: any use of a struct page after that is a use after free, which
// the primitives that touch a page report. A pin taken through a mapping that an unmap had
// already cleared and flushed is counted per thread (STALE_PINS): the pin outlives the mapping.
import { G, OBJ, THREAD } from '../../kernel/layout';
import type { Step } from '../../kernel/step';
import type { KernelObject, Prim } from '../object';

/** DEV_PMD and PTE bits. */
export const DPMD_PRESENT = 1;
export const DPMD_WRITE = 2;
export const DPMD_YOUNG = 4;
export const DPMD_TABLE = 8;
/** The device's pages the model keeps, and what a pointer to one is: DEV_PAGE_BASE + (pfn << 2). */
export const DEV_PAGES = 2;
export const DEV_PAGE_BASE = 0x40000;
/** DAX_VMA bits: mapped, and holding a dev_pagemap reference in vm_private_data. */
export const DAX_VMA_MAPPED = 1;
export const DAX_VMA_PINS = 2;
/** PGMAP_STATE. */
export const PGMAP_LIVE = 0;
export const PGMAP_KILLED = 1;
export const PGMAP_GONE = 2;
/** The one dev_pagemap (and its percpu_ref) of the model. */
export const PGMAP = 1;

const pfnOf = (page: number): number => (page - DEV_PAGE_BASE) >> 2;
const pageName = (pfn: number): string => `the page of pfn ${pfn}`;
export const pageRef = (s: Int32Array, pfn: number): number => (s[G.DEVPAGE_REFS] >> (8 * pfn)) & 0xff;
export const ptePfn = (s: Int32Array, pfn: number): number => (s[G.DEV_PTES] >> (4 * pfn)) & 0xf;

/** The mapping of a pfn as the process's page tables have it: PMD or PTE bits, 0 when unmapped. */
export function mappingOf(s: Int32Array, pfn: number): number {
  const pmd = s[G.DEV_PMD];
  if (!(pmd & DPMD_PRESENT)) return 0;
  return pmd & DPMD_TABLE ? ptePfn(s, pfn) : pmd;
}

const prims: Prim[] = [];
const def = (p: Prim): void => { prims.push(p); };

/** A struct page the thread is about to touch: a use after free once unbind removed the pages. */
function page(w: Step, ptr: number, what: string): number {
  const pfn = pfnOf(ptr);
  w.read(OBJ.pgmap);
  if (pfn < 0 || pfn >= DEV_PAGES) { w.halt('null-deref', `${what} of ${ptr}: not a page the model has`); return -1; }
  if (w.s[G.PGMAP_STATE] === PGMAP_GONE) {
    w.commit('use-after-free', `${what} of ${pageName(pfn)} after unbind removed the device's pages (its dev_pagemap is gone)`, { pfn });
  }
  return pfn;
}

function pgmapRef(w: Step): void { w.read(OBJ.pgmap); w.write(OBJ.pgmap); }

def({
  name: 'percpu_ref_get', arity: 0, visible: true,
  doc: 'percpu_ref_get(pgmap->ref): one reference more (the caller holds one, or the ref is live)',
  run: (w) => {
    pgmapRef(w);
    if (w.s[G.PGMAP_REF] <= 0) { w.commit('refcount', 'percpu_ref_get() of a dev_pagemap reference that already reached zero'); return 0; }
    w.add(G.PGMAP_REF, 1);
    return 0;
  },
});

def({
  name: 'percpu_ref_tryget_live', arity: 0, visible: true,
  doc: 'percpu_ref_tryget_live(pgmap->ref): a reference unless the ref was killed',
  run: (w) => {
    pgmapRef(w);
    if (w.s[G.PGMAP_STATE] !== PGMAP_LIVE) return 0;
    w.add(G.PGMAP_REF, 1);
    return 1;
  },
});

def({
  name: 'percpu_ref_put', arity: 0, visible: true,
  doc: 'percpu_ref_put(pgmap->ref): one reference less (below zero is a refcount fault)',
  run: (w) => {
    pgmapRef(w);
    if (w.s[G.PGMAP_REF] <= 0) { w.commit('refcount', 'percpu_ref_put() of a dev_pagemap reference that is already zero'); return 0; }
    w.add(G.PGMAP_REF, -1);
    return 0;
  },
});

def({
  name: 'percpu_ref_kill', arity: 0, visible: true,
  doc: 'percpu_ref_kill(&q->q_usage_counter): no new live references, and the base reference dropped',
  run: (w) => {
    pgmapRef(w);
    if (w.s[G.PGMAP_STATE] !== PGMAP_LIVE) { w.commit('refcount', 'percpu_ref_kill() of a dev_pagemap reference killed before'); return 0; }
    w.set(G.PGMAP_STATE, PGMAP_KILLED);
    w.add(G.PGMAP_REF, -1);
    w.note('the dev_pagemap reference is killed');
    return 0;
  },
});

def({
  name: 'percpu_ref_wait_zero', arity: 0, visible: true, mightSleep: true,
  doc: 'wait_event(q->mq_freeze_wq, percpu_ref_is_zero(&q->q_usage_counter)): sleeps until the last reference is put',
  blocked: (w) => w.s[G.PGMAP_REF] > 0,
  run: (w) => { w.read(OBJ.pgmap); return 0; },
});

def({
  name: 'find_dev_pagemap', arity: 1, visible: true,
  doc: 'find_dev_pagemap(phys): the dev_pagemap of the device memory at phys, until unbind removes it from pgmap_radix',
  run: (w, [phys]) => {
    w.read(OBJ.pgmap);
    const pfn = phys >> 12;
    return pfn >= 0 && pfn < DEV_PAGES && w.s[G.PGMAP_STATE] !== PGMAP_GONE ? PGMAP : 0;
  },
});

def({
  name: 'arch_remove_memory', arity: 0, visible: true, mightSleep: true,
  doc: 'pgmap_radix_release(); arch_remove_memory(): the device\'s struct pages are gone',
  run: (w) => {
    pgmapRef(w);
    w.set(G.PGMAP_STATE, PGMAP_GONE);
    w.note('the device\'s struct pages are removed');
    return 0;
  },
});

def({
  name: 'is_zone_device_page', arity: 1, visible: true,
  doc: 'is_zone_device_page(page): page_zonenum(page) == ZONE_DEVICE (reads the struct page; every page of the model is one)',
  run: (w, [p]) => { page(w, p, 'is_zone_device_page()'); return 1; },
});

def({
  name: 'page_pgmap', arity: 1, visible: true,
  doc: 'page->pgmap: the dev_pagemap of a ZONE_DEVICE page (reads the struct page)',
  run: (w, [p]) => { page(w, p, 'page->pgmap'); return PGMAP; },
});

/** A reference of a page taken or dropped; a pin taken through a mapping already cleared and flushed is stale. */
function pageRefAdd(w: Step, pfn: number, d: number): number {
  w.read(OBJ.devpage); w.write(OBJ.devpage);
  const n = pageRef(w.s, pfn) + d;
  if (n < 0 || n > 0xff) { w.commit('refcount', `the _count of ${pageName(pfn)} goes to ${n}`); return 0; }
  w.set(G.DEVPAGE_REFS, (w.s[G.DEVPAGE_REFS] & ~(0xff << (8 * pfn))) | (n << (8 * pfn)));
  w.read(OBJ.PMD);
  const stale = w.base + THREAD.STALE_PINS;
  if (d > 0 && w.s[G.DEV_FLUSHED] && !mappingOf(w.s, pfn)) w.set(stale, w.s[stale] + 1);
  return n;
}

def({
  name: 'page_ref_read', arity: 1, visible: true,
  doc: 'atomic_read(&page->_count)',
  run: (w, [p]) => { const pfn = page(w, p, 'atomic_read(&page->_count)'); w.read(OBJ.devpage); return pfn < 0 ? 0 : pageRef(w.s, pfn); },
});

def({
  name: 'page_ref_inc', arity: 1, visible: true,
  doc: 'atomic_inc(&page->_count)',
  run: (w, [p]) => { const pfn = page(w, p, 'atomic_inc(&page->_count)'); if (pfn >= 0) pageRefAdd(w, pfn, 1); return 0; },
});

def({
  name: 'put_page_testzero', arity: 1, visible: true,
  doc: 'put_page_testzero(page): one reference less, true at zero (a ZONE_DEVICE page never gets there: the driver holds one)',
  run: (w, [p]) => {
    const pfn = page(w, p, 'put_page_testzero()');
    if (pfn < 0) return 0;
    const n = pageRefAdd(w, pfn, -1);
    if (n === 0) w.commit('refcount', `the last reference of ${pageName(pfn)} is put: a ZONE_DEVICE page is the driver's, and idle at one reference`, { pfn });
    return n === 0 ? 1 : 0;
  },
});

def({
  name: 'page_referenced', arity: 2, visible: true,
  doc: 'SetPageReferenced(page) (on 1) / ClearPageReferenced(page) (on 0)',
  run: (w, [p, on]) => {
    const pfn = page(w, p, on ? 'SetPageReferenced()' : 'ClearPageReferenced()');
    if (pfn < 0) return 0;
    w.read(OBJ.devpage); w.write(OBJ.devpage);
    w.set(G.DEVPAGE_FLAGS, on ? w.s[G.DEVPAGE_FLAGS] | (1 << pfn) : w.s[G.DEVPAGE_FLAGS] & ~(1 << pfn));
    // ClearPageReferenced() is undo_dev_pagemap()'s: a pin the walk gives back is no longer one.
    const stale = w.base + THREAD.STALE_PINS;
    if (!on && w.s[stale] > 0) w.set(stale, w.s[stale] - 1);
    return 0;
  },
});

/** pages[i] of the thread's get_user_pages() call (its own: no other thread sees it). */
function slot(w: Step, arr: number, i: number): number {
  i += arr;
  if (i < 0 || i > 1) { w.halt('null-deref', `pages[${i}]: the model's page vector holds two pages`); return -1; }
  return w.base + (i ? THREAD.PAGEVEC1 : THREAD.PAGEVEC0);
}

def({
  name: 'gup_pages_read', arity: 2, visible: false,
  doc: 'pages[i] of the caller\'s page vector',
  run: (w, [arr, i]) => { const at = slot(w, arr, i); return at < 0 ? 0 : w.s[at]; },
});

def({
  name: 'gup_pages_write', arity: 3, visible: false,
  doc: 'pages[i] = page',
  run: (w, [arr, i, v]) => { const at = slot(w, arr, i); if (at >= 0) w.set(at, v); return 0; },
});

def({
  name: 'dev_pmd_read', arity: 0, visible: true,
  doc: '*pmd (READ_ONCE): the PMD over the device',
  run: (w) => { w.read(OBJ.PMD); return w.s[G.DEV_PMD]; },
});

def({
  name: 'dev_pte_read', arity: 1, visible: true,
  doc: 'gup_get_pte(ptep): the PTE of a page of the device (ptep is its pfn)',
  run: (w, [pfn]) => {
    w.read(OBJ.PMD);
    const bits = w.s[G.DEV_PMD] & DPMD_TABLE && pfn >= 0 && pfn < DEV_PAGES ? ptePfn(w.s, pfn) : 0;
    return bits ? bits | (pfn << 4) : 0;
  },
});

def({
  name: 'pud_folded', arity: 0, visible: false,
  doc: '*pud_offset(pgd, addr): the pud and pgd levels are folded into the one PMD of the model',
  run: () => 1,
});

def({
  name: 'pmdp_set_access_flags', arity: 1, visible: true,
  doc: 'pmdp_set_access_flags(vma, addr, pmd, entry, 1): the PMD takes entry when it differs (young, dirty); 1 when it changed',
  run: (w, [v]) => {
    w.read(OBJ.PMD);
    if (w.s[G.DEV_PMD] === v) return 0;
    w.write(OBJ.PMD); w.set(G.DEV_PMD, v);
    return 1;
  },
});

def({
  name: 'pmdp_huge_get_and_clear', arity: 0, visible: true,
  doc: 'pmdp_huge_get_and_clear(mm, addr, pmd): the PMD (and a PTE table under it) cleared; its old value',
  run: (w) => {
    w.read(OBJ.PMD); w.write(OBJ.PMD);
    const old = w.s[G.DEV_PMD];
    w.set(G.DEV_PMD, 0); w.set(G.DEV_PTES, 0);
    return old;
  },
});

/** Threads other than t with interrupts disabled. */
const irqsOffElsewhere = (w: Step): boolean => (w.s[G.IRQS_OFF] & ~(1 << w.t)) !== 0;

def({
  name: 'flush_tlb_range', arity: 0, visible: true, mightSleep: true,
  doc: 'flush_tlb_range(vma, start, end): on x86 an IPI every CPU must take, so it waits for those with interrupts disabled (fast gup)',
  blocked: irqsOffElsewhere,
  run: (w) => {
    w.read(OBJ.irq); w.read(OBJ.PMD);
    if (!(w.s[G.DEV_PMD] & DPMD_PRESENT)) { w.write(OBJ.PMD); w.set(G.DEV_FLUSHED, 1); }
    return 0;
  },
});

def({
  name: 'local_irq_set', arity: 1, visible: true,
  doc: 'local_irq_save(flags) (on 1) / local_irq_restore(flags) (on 0): IPIs wait while interrupts are off',
  run: (w, [on]) => {
    w.read(OBJ.irq); w.write(OBJ.irq);
    w.set(G.IRQS_OFF, on ? w.s[G.IRQS_OFF] | (1 << w.t) : w.s[G.IRQS_OFF] & ~(1 << w.t));
    return 0;
  },
});

def({
  name: 'assert_pmd_locked', arity: 0, visible: false,
  doc: 'assert_spin_locked(pmd_lockptr(mm, pmd))',
  run: (w) => { if (w.s[G.PTL] !== w.t + 1) w.commit('assertion', 'assert_spin_locked(): the PMD lock is not held'); return 0; },
});

def({
  name: 'dax_vma_private', arity: 0, visible: true,
  doc: 'vma->vm_private_data of the DAX vma: the dev_pagemap it pins, or NULL',
  run: (w) => { w.read(OBJ.daxvma); return w.s[G.DAX_VMA] & 2 ? PGMAP : 0; },
});

def({
  name: 'dax_vma_set_private', arity: 1, visible: true,
  doc: 'vma->vm_private_data = pgmap',
  run: (w, [v]) => { w.read(OBJ.daxvma); w.write(OBJ.daxvma); w.set(G.DAX_VMA, v ? w.s[G.DAX_VMA] | 2 : w.s[G.DAX_VMA] & ~2); return 0; },
});

def({
  name: 'dax_vma_link', arity: 1, visible: true,
  doc: 'the DAX vma joins (1) or leaves (0) the process\'s address space',
  run: (w, [on]) => { w.read(OBJ.daxvma); w.write(OBJ.daxvma); w.set(G.DAX_VMA, on ? w.s[G.DAX_VMA] | 1 : w.s[G.DAX_VMA] & ~1); return 0; },
});

def({
  name: 'dev_pmd_map', arity: 1, visible: true,
  doc: 'vmf_insert_pfn_pmd(vma, addr, pmd, pfn, write): a _PAGE_DEVMAP PMD over the device (write: writable)',
  run: (w, [write]) => {
    w.read(OBJ.PMD);
    if (w.s[G.DEV_PMD]) return 0;
    w.write(OBJ.PMD); w.set(G.DEV_PMD, DPMD_PRESENT | (write ? DPMD_WRITE : 0));
    return 0;
  },
});

/** The world of a devmap scenario: the driver's base reference on a live dev_pagemap, its pages
 *  idle, the PMD (and PTEs) the process has over them, its DAX vma. */
export function establishDevice(s: Int32Array, pmd: number, ptes: number, vma: boolean): void {
  s[G.PGMAP_REF] = 1;
  s[G.PGMAP_STATE] = PGMAP_LIVE;
  s[G.DEVPAGE_REFS] = Array.from({ length: DEV_PAGES }, (_x, p) => 1 << (8 * p)).reduce((a, b) => a | b, 0);
  s[G.DEV_PMD] = pmd;
  s[G.DEV_PTES] = ptes;
  s[G.DAX_VMA] = vma ? 1 : 0;
}

const PGMAP_STATES = ['live', 'killed', 'pages removed'];

export const DEVMAP: KernelObject = {
  name: 'devmap',
  // Its primitives touch the device's pgmap and pages, the vma mapping them, its PMD, and
  // whether interrupts are off (the lockless walk of get_user_pages_fast()).
  touches(x) { x.write(OBJ.pgmap); x.write(OBJ.devpage); x.write(OBJ.daxvma); x.write(OBJ.irq); x.write(OBJ.PMD); },
  doc: 'ZONE_DEVICE pages, their dev_pagemap and the process\'s _PAGE_DEVMAP mapping of them (v4.4 with the -mm series of December 2015)',
  prims,
  view(st, _ctx, out) {
    if (!st[G.DEVPAGE_REFS]) return;
    out.other.dev_pagemap = `${PGMAP_STATES[st[G.PGMAP_STATE]]}, ${st[G.PGMAP_REF]} reference${st[G.PGMAP_REF] === 1 ? '' : 's'}`;
    out.other.zone_device_pages = Array.from({ length: DEV_PAGES }, (_x, p) => `pfn ${p}: _count ${pageRef(st, p)}${st[G.DEVPAGE_FLAGS] & (1 << p) ? ', referenced' : ''}`).join('; ');
    const pmd = st[G.DEV_PMD];
    out.other.devmap_pmd = !pmd ? `none${st[G.DEV_FLUSHED] ? ' (unmapped, flushed)' : ''}` : pmd & DPMD_TABLE
      ? `PTE table: ${Array.from({ length: DEV_PAGES }, (_x, p) => (ptePfn(st, p) & DPMD_WRITE ? 'rw' : ptePfn(st, p) ? 'ro' : 'none')).join(', ')}`
      : `devmap ${pmd & DPMD_WRITE ? 'rw' : 'ro'}${pmd & DPMD_YOUNG ? ', young, dirty' : ''}`;
    if (st[G.DAX_VMA]) out.other.dax_vma = `${st[G.DAX_VMA] & 1 ? 'mapped' : 'unmapped'}${st[G.DAX_VMA] & 2 ? ', pins the dev_pagemap' : ''}`;
  },
};
