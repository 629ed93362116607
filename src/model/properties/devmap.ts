// What get_user_pages() on device memory (the -mm series of December 2015, seed 004) owes:
// - every reference taken on the dev_pagemap is given back, the failure paths' undo included,
//   and every ZONE_DEVICE page is idle again (one reference, the driver's) once every thread
//   returned (refcount: a leak keeps unbind waiting forever);
// - unbind finishes once the I/O that pinned pages completes: a thread stuck waiting for the
//   dev_pagemap's references says who holds them (deadlock);
// - follow_page() of a devmap PMD returns NULL for a write the PMD does not allow, -EEXIST to a
//   caller that takes no reference, else the page (wrong-result);
// - get_user_pages() for a write pins only pages mapped writable, and only pages still mapped
//   where it pinned them: a pin taken through a mapping an unmap had already cleared and flushed
//   outlives the mapping, and whoever unmapped it (truncate) cannot see it (stale-mapping).
// A struct page used after unbind removed the pages is the devmap object's use-after-free.
import { G, OBJ, THREAD } from '../kernel/layout';
import { K } from '../objects/constants';
import { DAX_VMA_PINS, DEV_PAGE_BASE, DPMD_PRESENT, DPMD_TABLE, DPMD_WRITE, mappingOf, pageRef, PGMAP_LIVE, DEV_PAGES } from '../objects/devmap/index';
import type { Step } from '../kernel/step';
import type { Fault } from '../machine';
import { NO_FAULTS, type Property } from './property';

const FOLL_WRITE = 0x01;
const FOLL_GET = 0x04;
const EEXIST = -K.EEXIST;

/** Whether the state is a devmap scenario's (its pages exist). */
const device = (st: Int32Array): boolean => st[G.DEVPAGE_REFS] !== 0;

/** The references the dev_pagemap must hold when nothing is in flight: the driver's while live,
 *  and the DAX vma's when it pins it. */
const restingRefs = (st: Int32Array): number => (st[G.PGMAP_STATE] === PGMAP_LIVE ? 1 : 0) + (st[G.DAX_VMA] & DAX_VMA_PINS ? 1 : 0);

export const DEVMAP_REFS: Property = {
  name: 'devmap-refs',
  kinds: ['refcount', 'deadlock'],
  protects: 'the dev_pagemap\'s references: one leaked keeps unbind waiting forever, one put twice frees the pages under their users',
  final({ st }) {
    if (!device(st)) return NO_FAULTS;
    const faults: Fault[] = [];
    for (let p = 0; p < DEV_PAGES; p++) {
      const n = pageRef(st, p);
      if (n !== 1) faults.push({ kind: 'refcount', message: `the ZONE_DEVICE page of pfn ${p} holds ${n} references after every thread returned; idle, it holds the driver's one`, detail: { pfn: p, count: n } });
    }
    const want = restingRefs(st);
    if (st[G.PGMAP_REF] !== want) {
      faults.push({ kind: 'refcount', message: `the dev_pagemap holds ${st[G.PGMAP_REF]} references after every thread returned, where ${want} ${want === 1 ? 'is' : 'are'} owed (${st[G.PGMAP_STATE] === PGMAP_LIVE ? 'the driver\'s' : 'none: unbind killed it'}${st[G.DAX_VMA] & DAX_VMA_PINS ? ', the DAX vma\'s' : ''})`, detail: { refs: st[G.PGMAP_REF], owed: want } });
    }
    return faults;
  },
  stuck({ st, name }, { t, ins, othersDone }) {
    if (ins.k !== 'prim' || ins.name !== 'percpu_ref_wait_zero') return null;
    const who = st[G.DAX_VMA] & DAX_VMA_PINS ? 'the DAX vma, which is still mapped (the dev_pagemap is pinned for as long as a DAX vma is open)'
      : othersDone ? 'nobody: a reference was leaked' : 'threads that cannot go on';
    return { kind: 'deadlock', threads: [t], message: `${name(t)} waits forever for the dev_pagemap's ${st[G.PGMAP_REF]} reference${st[G.PGMAP_REF] === 1 ? '' : 's'}, held by ${who}`, detail: { refs: st[G.PGMAP_REF] } };
  },
};

const wrong = (w: Step, message: string, detail: Record<string, string | number | boolean>): Fault =>
  ({ kind: 'wrong-result', threads: [w.t], message: `${w.threadName(w.t)} ${message}`, detail });

/** follow_page() of a devmap PMD: what it owes for these flags. */
function followResult(w: Step, flags: number, ret: number): Fault | null {
  w.read(OBJ.PMD); w.read(OBJ.pgmap);
  const pmd = w.s[G.DEV_PMD];
  if (!(pmd & DPMD_PRESENT) || pmd & DPMD_TABLE) return null;
  if (flags & FOLL_WRITE && !(pmd & DPMD_WRITE)) {
    return ret === 0 ? null : wrong(w, `got ${ret} from follow_page(FOLL_WRITE) of a read-only devmap PMD: a write it does not allow must get NULL (and fault)`, { ret });
  }
  if (!(flags & FOLL_GET)) {
    return ret === EEXIST ? null : wrong(w, `got ${ret} from follow_page() without FOLL_GET of a devmap PMD: a device page is only valid while a reference is held, so it must be -EEXIST`, { ret });
  }
  if (ret > 0 || w.s[G.PGMAP_STATE] !== PGMAP_LIVE) return null;
  return wrong(w, `got ${ret} from follow_page(FOLL_GET) of a present devmap PMD whose dev_pagemap is live: it must get the page`, { ret });
}

/** A get_user_pages() that returned: the pages it pinned for a write are mapped writable, and none
 *  was pinned through a mapping already torn down. */
function gupResult(w: Step, write: number, ret: number): Fault | null {
  const stale = w.s[w.base + THREAD.STALE_PINS];
  if (ret > 0 && stale > 0) {
    return { kind: 'stale-mapping', threads: [w.t], message: `${w.threadName(w.t)} pinned ${stale} page${stale === 1 ? '' : 's'} through a PMD that an unmap had already cleared and flushed: the pin outlives the mapping, and the unmapper (truncate) cannot know of it`, detail: { stale } };
  }
  if (!write) return null;
  w.read(OBJ.PMD);
  for (let i = 0; i < Math.min(ret, DEV_PAGES); i++) {
    const pfn = (w.s[w.base + (i ? THREAD.PAGEVEC1 : THREAD.PAGEVEC0)] - DEV_PAGE_BASE) >> 2;
    const m = pfn >= 0 && pfn < DEV_PAGES ? mappingOf(w.s, pfn) : 0;
    if (m && !(m & DPMD_WRITE)) return wrong(w, `pinned the page of pfn ${pfn} for a write through a read-only mapping: get_user_pages(write) must fault it writable first (the slow path), or the write lands where the process may not write`, { pfn });
  }
  return null;
}

export const DEVMAP_RESULTS: Property = {
  name: 'devmap-results',
  kinds: ['wrong-result', 'stale-mapping'],
  protects: 'what get_user_pages() and follow_page() give their callers on a devmap mapping: a page only where the access is allowed, a reference the caller manages, and never a pin of a mapping already gone',
  returnTouches(x, entry) {
    if (entry.fn === 'lookup_page' || entry.fn === 'dax_direct_io') { x.read(OBJ.PMD); x.read(OBJ.pgmap); }
  },
  returned(w, entry, ret) {
    if (entry.fn === 'lookup_page') return followResult(w, entry.args[1], ret);
    if (entry.fn === 'dax_direct_io') return gupResult(w, entry.args[2], ret);
    return null;
  },
};
