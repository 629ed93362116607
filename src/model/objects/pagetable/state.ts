// The state of the page tables of the modelled 2 MiB region and of the vma that maps it.
import type { FootprintDecl, WordDecl } from '../object';

export const PAGETABLE_WORDS = [
  { name: 'PMD', doc: 'the PMD of the region (Pmd: none, huge zero page, devmap, PTE table)' },
  { name: 'VM_SHARED', doc: '1 when the vma is VM_SHARED (0: private, a write fault COWs)' },
  { name: 'VM_START', doc: 'vma->vm_start in pages' },
  { name: 'VM_END', doc: 'vma->vm_end in pages' },
] as const satisfies readonly WordDecl[];
export const PAGETABLE_FIELDS = [
  { name: 'PTE', doc: 'pte_t of the index: 0 none, PTE_PFN a DAX pfn, PTE_ZERO the zero page, else page frame + 1' },
] as const satisfies readonly WordDecl[];
export const PAGETABLE_FOOTPRINTS = [{ name: 'PMD' }, { name: 'pte', per: 'index' }] as const satisfies readonly FootprintDecl[];
/** Per thread: whether the thread has mapped, or found mapped, the page it faults on (a fault
 *  that returns success without either gave the process nothing). */
export const PAGETABLE_THREAD_FIELDS = [
  { name: 'MAPPED', doc: 'what the thread made or found of the mapping of its fault\'s page (Mapped bits: found its PTE, mapped it or found a huge PMD, made it writable); 0 for nothing', ghost: true },
] as const satisfies readonly WordDecl[];
