// The page tables of the modelled 2 MiB region (mm/memory.c, mm/huge_memory.c, v4.10): its PMD
// (none, the huge zero page, a devmap PMD, or a PTE table) and the PTE of each modelled index,
// and the vma that maps the region (shared or private, its bounds).
import { K } from '../constants';
import { G, OBJ, PAGE, PTE_PFN, PTE_ZERO, Pmd, SLOT, THREAD } from '../../kernel/layout';
import type { Step } from '../../kernel/step';
import type { KernelObject, Prim, Touches } from '../object';
import { hex } from '../format';
import { slotOrFault } from '../radix/entries';
import { frameOrFault } from '../pages/index';
import { markWritten } from '../inode/index';

const NOTE = {
  pteBusy: (index: number) => `PTE ${hex(index)} already mapped: -EBUSY`,
  ptePfn: (index: number) => `PTE ${hex(index)} maps the DAX pfn`,
  pteZero: (index: number) => `PTE ${hex(index)} maps the zero page`,
  ptePage: (index: number, p: number) => `PTE ${hex(index)} maps page#${p}`,
  unmapped: (index: number, nr: number, end: number) => `unmapped ${hex(index)}..${nr === 0 ? 'end' : hex(end - 1)}`,
};

function regionPtes(w: Step): number[] {
  const out: number[] = [];
  w.L.indexes.forEach((_x, s) => out.push(s));
  return out;
}

/** Whether the PMD maps the region huge (the huge zero page or device memory). */
export const pmdHuge = (v: number): boolean => v === Pmd.HugeZero || v === Pmd.Devmap;

/** What the thread has done to, or found in, the mapping of its fault's page (THREAD.MAPPED):
 *  bits, so that a fault that only found a read-only PTE is told from one that got further. */
export const enum Mapped {
  /** Found its PTE present (read, or taken when it tried to map it). */
  FoundPte = 1,
  /** Mapped it (a PTE or a PMD), or found a huge PMD over it: a retry goes another way. */
  Made = 2,
  /** Made it writable: the process's store goes through. */
  Writable = 4,
  /** Read the PMD at least once. */
  PmdRead = 8,
  /** Found the huge zero page at its first read of the PMD: a fault that returns leaving it
   *  there meets it again on its retry. */
  FirstHugeZero = 16,
}

function saw(w: Step, how: Mapped): void { w.set(w.base + THREAD.MAPPED, w.s[w.base + THREAD.MAPPED] | how); }

const prims: Prim[] = [];
const def = (p: Prim): void => { prims.push(p); };

def({
  name: 'pmd_read', arity: 0, visible: true,
  touches: (x) => x.read(OBJ.PMD),
  doc: 'orig_pmd = *vmf->pmd: none (0), huge zero page (1), devmap (2) or a PTE table (3)',
  run: (w) => {
    w.read(OBJ.PMD);
    const first = (w.s[w.base + THREAD.MAPPED] & Mapped.PmdRead) === 0;
    saw(w, Mapped.PmdRead | (first && w.s[G.PMD] === Pmd.HugeZero ? Mapped.FirstHugeZero : 0));
    if (pmdHuge(w.s[G.PMD])) saw(w, Mapped.Made);
    return w.s[G.PMD];
  },
});

def({
  name: 'pte_read', arity: 1, visible: true,
  touches: (x, [index]) => x.index(OBJ.pte, index, false),
  doc: 'vmf->orig_pte = *vmf->pte: 0 none, PTE_PFN a DAX pfn, else a page frame + 1',
  run: (w, [index]) => {
    const s = slotOrFault(w, index);
    if (s < 0) return 0;
    w.read(OBJ.pte(s));
    const pte = w.s[w.L.slotWord(s, SLOT.PTE)];
    if (pte !== 0) saw(w, Mapped.FoundPte);
    return w.s[w.L.slotWord(s, SLOT.PTE)];
  },
});

/** insertPte()'s footprint: the PMD (a table is allocated under a none PMD) and the index's PTE. */
function insertsPte(x: Touches, [index]: readonly (number | undefined)[]): void {
  x.write(OBJ.PMD); x.index(OBJ.pte, index, true);
}

/** vm_insert_mixed(): maps the PTE of index to its DAX pfn (or the zero page); -EBUSY when it is mapped. */
function insertPte(w: Step, index: number, pfn: number): number {
  const s = slotOrFault(w, index);
  if (s < 0) return -K.EIO;
  w.read(OBJ.PMD); w.read(OBJ.pte(s));
  if (pmdHuge(w.s[G.PMD])) { w.commit('overlap', `PTE insert at ${hex(index)} under a huge PMD mapping`); return -K.EBUSY; }
  if (w.s[G.PMD] === Pmd.None) { w.write(OBJ.PMD); w.set(G.PMD, Pmd.Table); }
  const old = w.s[w.L.slotWord(s, SLOT.PTE)];
  if (old !== 0) { saw(w, Mapped.FoundPte); w.note(NOTE.pteBusy, index); return -K.EBUSY; }
  const pte = pfn === K.ZERO_PFN ? PTE_ZERO : PTE_PFN;
  saw(w, Mapped.Made);
  w.write(OBJ.pte(s));
  w.set(w.L.slotWord(s, SLOT.PTE), pte);
  w.note(pte === PTE_ZERO ? NOTE.pteZero : NOTE.ptePfn, index);
  return 0;
}

def({
  name: 'vm_insert_mixed', arity: 2, visible: true,
  touches: insertsPte,
  doc: 'vm_insert_mixed(vma, address, pfn): maps the PTE of index to the pfn (the zero page\'s read-only), -EBUSY when it is already mapped',
  run: (w, [index, pfn]) => insertPte(w, index, pfn),
});

def({
  name: 'vm_insert_mixed_mkwrite', arity: 2, visible: true,
  doc: 'vmf_insert_mixed_mkwrite(vma, address, pfn): maps the PTE of index writable (already mapped: made writable); the process writes through it, so the page holds data not yet flushed',
  run: (w, [index, pfn]) => {
    const r = insertPte(w, index, pfn);
    if (r !== -K.EIO) { markWritten(w, index); saw(w, Mapped.Writable); }
    return r;
  },
});

def({
  name: 'finish_mkwrite_fault', arity: 1, visible: true,
  doc: 'finish_mkwrite_fault(vmf): the PTE of index made writable, unless it changed since the fault read it (then the fault is retried)',
  run: (w, [index]) => {
    const s = slotOrFault(w, index);
    if (s < 0) return K.VM_FAULT_SIGBUS;
    w.read(OBJ.pte(s));
    if (w.s[w.L.slotWord(s, SLOT.PTE)] === 0) return K.VM_FAULT_NOPAGE;
    saw(w, Mapped.Writable);
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
    if (pmdHuge(w.s[G.PMD])) { saw(w, Mapped.Made); return K.VM_FAULT_NOPAGE; }
    if (w.s[G.PMD] === Pmd.None) { w.write(OBJ.PMD); w.set(G.PMD, Pmd.Table); }
    if (w.s[w.L.slotWord(s, SLOT.PTE)] !== 0) { saw(w, Mapped.FoundPte); return K.VM_FAULT_NOPAGE; }
    saw(w, Mapped.Made);
    w.write(OBJ.pte(s));
    w.set(w.L.slotWord(s, SLOT.PTE), p + 1);
    w.note(NOTE.ptePage, index, p);
    return 0;
  },
});

def({
  name: 'vmf_insert_pfn_pmd', arity: 2, visible: true,
  doc: 'vmf_insert_pfn_pmd(vma, address, pmd, pfn, write): a devmap PMD mapping of the region; written through when write is set',
  run: (w, [, write]) => {
    w.read(OBJ.PMD); w.write(OBJ.PMD);
    regionPtes(w).forEach((s) => w.read(OBJ.pte(s)));
    const mapped = regionPtes(w).filter((s) => w.s[w.L.slotWord(s, SLOT.PTE)] !== 0);
    if (mapped.length) w.commit('overlap', 'PMD mapping installed over mapped PTEs');
    saw(w, write ? Mapped.Made | Mapped.Writable : Mapped.Made);
    w.set(G.PMD, Pmd.Devmap);
    if (write) w.L.indexes.forEach((x) => markWritten(w, x));
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
    saw(w, Mapped.Made);
    w.write(OBJ.PMD);
    w.set(G.PMD, Pmd.HugeZero);
    w.note('PMD maps the huge zero page');
    return 1;
  },
});

def({
  name: 'set_pmd_at', arity: 1, visible: true,
  doc: 'set_pmd_at(mm, addr, pmd, entry) under the PMD lock: the PMD now maps entry (a huge zero page or devmap PMD)',
  run: (w, [v]) => {
    if (w.s[G.PTL] !== w.t + 1) w.commit('assertion', 'set_pmd_at() without the PMD lock');
    w.read(OBJ.PMD); w.write(OBJ.PMD);
    if (pmdHuge(v)) saw(w, Mapped.Made);
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

def({
  name: 'page_mapped', arity: 1, visible: true,
  doc: 'page_mapped(page): whether a PTE of the modelled region maps the page cache page',
  run: (w, [page]) => {
    const p = frameOrFault(w, page);
    if (p < 0) return 0;
    let mapped = 0;
    w.L.indexes.forEach((_x, s) => {
      w.read(OBJ.pte(s));
      if (w.s[w.L.slotWord(s, SLOT.PTE)] === p + 1) mapped = 1;
    });
    return mapped;
  },
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

export const PAGETABLE: KernelObject = {
  name: 'pagetable',
  doc: 'the PMD and PTEs of the modelled region, and its vma (mm/memory.c, v4.10)',
  prims,
  // Its primitives touch the page table and what a mapping refers to: page frames, the
  // references to DAX pages, and the data a writable mapping lets the process write.
  touches(x) {
    x.write(OBJ.PMD);
    x.all(OBJ.pte, 'index', true); x.all(OBJ.page, 'page', true); x.all(OBJ.pins, 'index', true); x.all(OBJ.data, 'index', true);
  },
  view(st, { L }, out) {
    out.other.pmd = ['none', 'huge zero page', 'devmap', 'pte table'][st[G.PMD]] ?? String(st[G.PMD]);
    L.indexes.forEach((x, s) => {
      const p = st[L.slotWord(s, SLOT.PTE)];
      if (p) out.other[`pte ${hex(x)}`] = p < 0 ? 'pfn' : `page#${p - 1}`;
    });
  },
};
