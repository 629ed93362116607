// The API table of the devmap part of the model (v4.4 with the -mm series "get_user_pages()
// for dax mappings", December 2015): what every call, field and constant its C and a patch's
// may use is in the model. Values: a PMD or PTE is its bits (objects/devmap: present and
// _PAGE_DEVMAP 1, writable 2, young and dirty 4, a PTE table 8), a PTE carries its pfn above
// bit 4, the PMD maps the device from pfn 0, a struct page pointer is DEV_PAGE_BASE + (pfn << 2),
// ptep is the pfn of its PTE, and the one dev_pagemap, its percpu_ref and the vma are 1.
import type { Api, CallMeaning, FieldMeaning } from '../../core/api';
import { COMMON_CALLS, COMMON_CONSTANTS, expr, none, prim } from '../common/api';
import { DEV_PAGE_BASE, DEV_PAGES, DPMD_PRESENT, DPMD_TABLE, DPMD_WRITE, DPMD_YOUNG, PGMAP } from '../../objects/devmap/index';

const calls: Record<string, CallMeaning> = {
  IS_ERR: COMMON_CALLS.IS_ERR, PTR_ERR: COMMON_CALLS.PTR_ERR, ERR_PTR: COMMON_CALLS.ERR_PTR,
  unlikely: COMMON_CALLS.unlikely, likely: COMMON_CALLS.likely,
  pmd_lock: COMMON_CALLS.pmd_lock, spin_unlock: COMMON_CALLS.spin_unlock,
  WARN_ON_ONCE: COMMON_CALLS.WARN_ON_ONCE, WARN_ON: COMMON_CALLS.WARN_ON,
  VM_BUG_ON: prim('WARN_ON_ONCE', 'VM_BUG_ON(cond): a kernel BUG is an assertion fault', ['$0']),
  VM_BUG_ON_PAGE: prim('WARN_ON_ONCE', 'VM_BUG_ON_PAGE(cond, page): a kernel BUG is an assertion fault', ['$0']),
  dev_WARN: prim('WARN_ON_ONCE', 'dev_WARN(dev, ...): a warning is an assertion fault', ['1']),
  // the dev_pagemap and its percpu_ref (include/linux/percpu-refcount.h, kernel/memremap.c)
  percpu_ref_get: prim('percpu_ref_get', 'one reference more on the dev_pagemap', []),
  percpu_ref_tryget_live: prim('percpu_ref_tryget_live', 'a reference unless the ref was killed', []),
  percpu_ref_put: prim('percpu_ref_put', 'one reference less on the dev_pagemap', []),
  percpu_ref_kill: prim('percpu_ref_kill', 'kills the reference and drops the base one', []),
  wait_event: prim('percpu_ref_wait_zero', 'wait_event(wq, percpu_ref_is_zero(ref)): sleeps until the last reference is put', []),
  find_dev_pagemap: prim('find_dev_pagemap', 'the dev_pagemap of the device memory at phys (pgmap_radix under RCU)', ['$0']),
  arch_remove_memory: prim('arch_remove_memory', 'the device\'s struct pages removed', []),
  rcu_read_lock: none('RCU readers are not modelled: pgmap_radix is read in one step'),
  rcu_read_unlock: none('RCU readers are not modelled'),
  __pfn_to_phys: expr('($0) << PAGE_SHIFT', 'the physical address of a pfn'),
  // struct page (include/linux/mm.h, mm/swap.c)
  is_zone_device_page: prim('is_zone_device_page', 'page_zonenum(page) == ZONE_DEVICE: reads the struct page', ['$0']),
  compound_head: expr('$0', 'a ZONE_DEVICE page is never compound'),
  atomic_read: prim('page_ref_read', 'atomic_read(&page->_count)', ['$0']),
  atomic_inc: prim('page_ref_inc', 'atomic_inc(&page->_count)', ['$0']),
  put_page_testzero: prim('put_page_testzero', 'one reference less, true at zero', ['$0']),
  __put_page: none('freeing a page: a ZONE_DEVICE page is never freed (put_page_testzero() reports reaching zero)'),
  SetPageReferenced: prim('page_referenced', 'sets PG_referenced', ['$0', '1']),
  ClearPageReferenced: prim('page_referenced', 'clears PG_referenced', ['$0', '0']),
  pfn_to_page: expr(`${DEV_PAGE_BASE} + (($0) << 2)`, 'the struct page of a device pfn (the memmap devm_memremap_pages() made)'),
  pfn_valid: expr('1', 'every pfn of the model has a struct page'),
  // page tables (arch/x86/include/asm/pgtable.h, mm/huge_memory.c)
  pgd_offset: expr('1', 'the pgd entry: the pgd and pud levels are folded'),
  pud_offset: expr('1', 'the pud entry: folded'),
  pmd_offset: expr('1', 'the PMD over the device'),
  pmd_addr_end: expr('$1', 'the walk stays in one PMD'),
  pmd_none: expr('!($0)', 'the PMD maps nothing'),
  pmd_present: expr(`(($0) & ${DPMD_PRESENT}) != 0`, 'the PMD is present'),
  pmd_devmap: expr(`(($0) & ${DPMD_PRESENT | DPMD_TABLE}) == ${DPMD_PRESENT}`, 'a huge PMD with _PAGE_DEVMAP (every huge PMD of the model maps the device)'),
  pmd_trans_huge: expr(`(($0) & ${DPMD_PRESENT | DPMD_TABLE}) == ${DPMD_PRESENT}`, 'a huge PMD'),
  pmd_large: expr(`!(($0) & ${DPMD_TABLE})`, 'a huge PMD (no PTE table under it)'),
  pmd_write: expr(`(($0) & ${DPMD_WRITE}) != 0`, 'the PMD allows writes'),
  pmd_val: expr('$0', 'the PMD\'s value'),
  pmd_flags: expr('($0) & 15', 'the PMD\'s flags'),
  pmd_pfn: expr('0', 'the PMD maps the device from pfn 0'),
  pmd_mkyoung: expr(`($0) | ${DPMD_YOUNG}`, 'the PMD young (and dirty: one bit of the model)'),
  pmd_mkdirty: expr('$0', 'the PMD dirty (one bit of the model with young)'),
  pmd_lockptr: expr('0', 'the PMD\'s lock'),
  assert_spin_locked: prim('assert_pmd_locked', 'assert_spin_locked(pmd_lockptr(mm, pmd)): the caller holds the PMD lock', []),
  pmdp_set_access_flags: prim('pmdp_set_access_flags', 'the PMD takes the entry when it differs; 1 when it changed', ['$3']),
  update_mmu_cache_pmd: none('the MMU\'s cache of the PMD is not modelled'),
  pmdp_huge_get_and_clear_full: prim('pmdp_huge_get_and_clear', 'clears the PMD, returning it', []),
  flush_tlb_range: prim('flush_tlb_range', 'flushes the TLB: an IPI that waits for CPUs with interrupts off', []),
  pte_offset_map: expr('(($1) & ~PMD_MASK) >> PAGE_SHIFT', 'the PTE of addr (ptep is the pfn of its page)'),
  pte_unmap: none('the PTE page is not kmapped in the model'),
  READ_ONCE: prim('dev_pte_read', 'READ_ONCE(*ptep): the PTE, with its pfn above bit 4', ['&($0)']),
  pte_protnone: expr('0', 'NUMA hinting PTEs are not modelled'),
  pte_devmap: expr(`(($0) & ${DPMD_PRESENT}) != 0`, 'a present PTE with _PAGE_DEVMAP (every PTE of the model maps the device)'),
  pte_flags: expr('($0) & 15', 'the PTE\'s flags'),
  pte_pfn: expr('($0) >> 4', 'the PTE\'s pfn'),
  pte_page: expr(`${DEV_PAGE_BASE} + ((($0) >> 4) << 2)`, 'the struct page of the PTE\'s pfn'),
  local_irq_disable: prim('local_irq_set', 'interrupts off: TLB flush IPIs wait', ['1']),
  local_irq_enable: prim('local_irq_set', 'interrupts on', ['0']),
  // the vma (mm/mmap.c, fs/dax.c)
  vma_link: prim('dax_vma_link', 'the DAX vma joins the address space', ['1']),
  detach_vmas_to_be_unmapped: prim('dax_vma_link', 'the DAX vma leaves the address space', ['0']),
  vmf_insert_pfn_pmd: prim('dev_pmd_map', 'a devmap PMD over the device (the PMD fault)', ['$4']),
};

const fields: Record<string, FieldMeaning> = {
  'dev_pagemap.res': { k: 'const', v: 1, type: 'struct resource *', doc: 'the device\'s physical range' },
  'dev_pagemap.ref': { k: 'const', v: PGMAP, type: 'struct percpu_ref *', doc: 'the one percpu_ref' },
  'resource.start': { k: 'const', v: 0 },
  'resource.end': { k: 'const', v: (DEV_PAGES << 12) - 1 },
  'page.pgmap': { k: 'read', prim: 'page_pgmap', args: ['$0'], type: 'struct dev_pagemap *', doc: 'the dev_pagemap of a ZONE_DEVICE page' },
  'page._count': { k: 'read', prim: 'page_ref_read', args: ['$0'], doc: 'the page\'s reference count' },
  'vm_area_struct.vm_mm': { k: 'const', v: 1, type: 'struct mm_struct *' },
  'vm_area_struct.vm_private_data': {
    k: 'read', prim: 'dax_vma_private', args: [], set: { prim: 'dax_vma_set_private', args: ['$1'] },
    type: 'struct dev_pagemap *', doc: 'what the DAX vma holds: the dev_pagemap it pins, or NULL',
  },
  '*.mm': { k: 'const', v: 1, type: 'struct mm_struct *', doc: 'the process\'s mm (current->mm, tlb->mm)' },
  'mmu_gather.fullmm': { k: 'const', v: 0 },
  'request_queue.q_usage_counter': { k: 'const', v: PGMAP, doc: 'the percpu_ref the pmem driver gave devm_memremap_pages()' },
  'request_queue.mq_freeze_wq': { k: 'const', v: 0 },
};

export const DEVMAP_API: Api = {
  era: 'devmap (v4.4 with the -mm series "get_user_pages() for dax mappings", December 2015)',
  calls,
  fields,
  protocol: {},
  records: {},
  derefs: {
    pmd_t: { prim: 'dev_pmd_read', doc: '*pmd: the PMD over the device' },
    pud_t: { prim: 'pud_folded', doc: '*pud: folded' },
  },
  arrays: { 'struct page **': { read: 'gup_pages_read', write: 'gup_pages_write', doc: 'pages[]: the page vector of the thread\'s get_user_pages() call' } },
  constants: {
    ...COMMON_CONSTANTS,
    _PAGE_PRESENT: DPMD_PRESENT, _PAGE_RW: DPMD_WRITE, _PAGE_USER: 0, _PAGE_SPECIAL: 16,
    FOLL_WRITE: 0x01, FOLL_TOUCH: 0x02, FOLL_GET: 0x04, EFAULT: 14,
    PAGE_MASK: ~((1 << 12) - 1), HPAGE_PMD_MASK: ~((1 << 21) - 1),
    current: 1, dax_vma: 1, dio_pages: 0, pmem_dev: 1, pmem_page_map: 1, dev_pagemap: PGMAP, tlb: 1,
    align_start: 0, align_size: DEV_PAGES << 12,
  },
};
