// The state of device memory mapped by DAX (ZONE_DEVICE, v4.4 with the -mm series of December
// 2015 that lets get_user_pages() pin it): the dev_pagemap's percpu_ref, its struct pages, the
// process's PMD (or PTEs) over them and its DAX vma; per thread, the page vector of a
// get_user_pages() call and what its interrupts and pins are.
import type { FootprintDecl, WordDecl } from '../object';

export const DEVMAP_WORDS = [
  { name: 'PGMAP_REF', doc: 'the dev_pagemap\'s percpu_ref (the driver\'s base reference included)' },
  { name: 'PGMAP_STATE', doc: 'the dev_pagemap: 0 live, 1 its reference killed (unbind), 2 its pages removed (arch_remove_memory)' },
  { name: 'DEV_PMD', doc: 'the PMD over the device: 0 none, else DPMD_PRESENT (present, _PAGE_DEVMAP) | DPMD_WRITE | DPMD_YOUNG | DPMD_TABLE (a PTE table)' },
  { name: 'DEV_PTES', doc: 'the two PTEs of the table, 4 bits each (DPMD_PRESENT | DPMD_WRITE)' },
  { name: 'DEV_FLUSHED', doc: '1 once an unmap cleared the PMD and its TLB flush completed' },
  { name: 'DEVPAGE_REFS', doc: 'the _count of the two ZONE_DEVICE pages, 8 bits each (idle at 1: the driver owns them)' },
  { name: 'DEVPAGE_FLAGS', doc: 'PG_referenced of the two pages, one bit each' },
  { name: 'DAX_VMA', doc: 'the process\'s DAX vma: 1 while mapped, | 2 while its vm_private_data holds a pgmap reference' },
  { name: 'IRQS_OFF', doc: 'the threads with interrupts disabled (local_irq_save), one bit each' },
] as const satisfies readonly WordDecl[];

/** Per thread: the pages[] of its get_user_pages() call and the pins it took after an unmap completed. */
export const DEVMAP_THREAD_FIELDS = [
  { name: 'PAGEVEC0', doc: 'pages[0] of the thread\'s get_user_pages() call' },
  { name: 'PAGEVEC1', doc: 'pages[1]' },
  { name: 'STALE_PINS', doc: 'page references the thread took through a mapping an unmap had already cleared and flushed', ghost: true },
] as const satisfies readonly WordDecl[];

export const DEVMAP_FOOTPRINTS = [{ name: 'pgmap' }, { name: 'devpage' }, { name: 'daxvma' }, { name: 'irq' }] as const satisfies readonly FootprintDecl[];
