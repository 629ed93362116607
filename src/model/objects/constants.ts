// The kernel's constants as the model's objects and eras encode them (v4.10 values): the
// radix-tree era's DAX entry bits, page and PMD sizes, errnos, fault codes, iomap types, and
// the ids of the model's one mapping and its tree_lock. An era's API table gives them to the
// C it lowers (Api.constants); the objects' primitives read them here.
export const K = {
  NULL: 0, false: 0, true: 1,
  RADIX_TREE_EXCEPTIONAL_ENTRY: 2,
  RADIX_TREE_EXCEPTIONAL_SHIFT: 2,
  RADIX_DAX_ENTRY_LOCK: 1 << 2,
  RADIX_DAX_PMD: 1 << 3,
  RADIX_DAX_HZP: 1 << 4,
  RADIX_DAX_EMPTY: 1 << 5,
  RADIX_DAX_SHIFT: 6,
  /** Seed 002's DAX_ZAP (the mapping's reference to the entry's pages is dropped): a value bit
   *  above every pfn the model's indexes reach, so the bits the radix era shares stay put. */
  DAX_ZAP: 1 << 29,
  PMD_ORDER: 9,
  PAGE_SHIFT: 12, PMD_SHIFT: 21, PAGE_SIZE: 1 << 12, PMD_SIZE: 1 << 21, PMD_MASK: ~((1 << 21) - 1),
  PG_PMD_COLOUR: 511,
  PG_PMD_NR: 512,
  ENOMEM: 12, EEXIST: 17, EBUSY: 16, EIO: 5, EINVAL: 22, EFAULT: 14,
  VM_FAULT_OOM: 0x0001, VM_FAULT_SIGBUS: 0x0002, VM_FAULT_MAJOR: 0x0004,
  VM_FAULT_NOPAGE: 0x0100, VM_FAULT_LOCKED: 0x0200, VM_FAULT_RETRY: 0x0400, VM_FAULT_FALLBACK: 0x0800,
  IOMAP_HOLE: 0x01, IOMAP_DELALLOC: 0x02, IOMAP_MAPPED: 0x03, IOMAP_UNWRITTEN: 0x04,
  IOMAP_F_NEW: 0x01,
  /** The one mapping (address_space) of the model and its tree_lock. */
  MAPPING: 1,
  TREE_LOCK: 1,
  PAGECACHE_TAG_DIRTY: 0, PAGECACHE_TAG_TOWRITE: 2,
  XFS_MMAPLOCK_SHARED: 1, XFS_MMAPLOCK_EXCL: 2, XFS_IOLOCK_SHARED: 4, XFS_IOLOCK_EXCL: 8, XFS_ILOCK_SHARED: 16, XFS_ILOCK_EXCL: 32,
  EACCES: 13, EAGAIN: 11, EWOULDBLOCK: 11, ETXTBSY: 26, EOPNOTSUPP: 95,
  /** What pmd_read() returns (kernel/layout.ts Pmd); pte_read() gives PTE_PFN for a DAX pfn. */
  PMD_NONE: 0, PMD_HUGE_ZERO: 1, PMD_DEVMAP: 2, PMD_TABLE: 3, PTE_PFN: -1, PTE_ZERO: -2,
  /** The shared zero page's pfn as the model passes pfns (a block's sector, eight a page): odd,
   *  so no block's. */
  ZERO_PFN: 1,
} as const;
