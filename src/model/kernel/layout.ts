// The packed state: one Int32Array with a small fixed layout per scenario.
// Only the page indexes a scenario uses are modelled; every other index is
// empty and never touched.

/** Global words. */
export const G = {
  /** mapping->tree_lock: holder thread + 1, 0 when free. */
  TREE_LOCK: 0,
  NRPAGES: 1,
  NREXCEPTIONAL: 2,
  /** i_size in pages. */
  ISIZE: 3,
  /** radix_tree_preload() failures the explorer may still inject. */
  ENOMEM_BUDGET: 4,
  /** XFS_MMAPLOCK: reader count, or -(holder + 1) when held exclusive. */
  MMAPLOCK: 5,
  /** The PMD of the modelled 2 MiB region (Pmd below). */
  PMD: 6,
  /** 1 when iomap_begin over the PMD range returns one extent covering it all. */
  PMD_EXTENT: 7,
  /** 1 when the vma is VM_SHARED (0: private, a write fault COWs). */
  VM_SHARED: 8,
  /** vma bounds in pages. */
  VM_START: 9,
  VM_END: 10,
  /** 1 when the filesystem serialises faults with truncate (XFS_MMAPLOCK). */
  FS_MMAPLOCK: 11,
  /** The PMD's page table lock (pmd_lock()): holder thread + 1, 0 when free. */
  PTL: 12,
} as const;
export const GLOBALS = 13;

/** pmd_t of the region: none, a huge zero page, a devmap PMD, or a pointer to a PTE table. */
export const enum Pmd { None = 0, HugeZero = 1, Devmap = 2, Table = 3 }

/** Per modelled index: the radix tree slot, its tags, the PTE, the block map. */
export const SLOT = { ENTRY: 0, TAGS: 1, PTE: 2, BLOCK: 3 } as const;
export const SLOT_STRIDE = 4;
/** pte_t: 0 none, PTE_PFN a DAX pfn, else page frame + 1 of a page cache (hole) page. */
export const PTE_PFN = -1;
/** Block map of iomap_begin. */
export const enum Block { Hole = 0, Unwritten = 1, Mapped = 2 }

/** Per page frame: lock holder + 1, page->mapping (1 while in the page cache, else 0), page->index, refcount. */
export const PAGE = { LOCK: 0, MAPPING: 1, INDEX: 2, REF: 3 } as const;
export const PAGE_STRIDE = 4;

/** Per wait-table queue: who woke it last (+1), with what nr_exclusive, on which key, how many it woke;
 *  then its waiters in FIFO order, each (key << 8) | (thread + 1). */
export const QUEUE = { LAST_WAKER: 0, LAST_NR: 1, LAST_KEY: 2, LAST_WOKEN: 3, FIFO: 4 } as const;

/** Per thread: status, task state, preempt count, return value, stack pointer, stack. */
export const THREAD = { STATUS: 0, TASK_STATE: 1, PREEMPT: 2, RETVAL: 3, SP: 4, STACK: 5 } as const;
export const enum TStatus { Running = 0, Done = 2 }
/** Frame header words before the locals: CODE = function id << 16 | pc; LINKS = (return
 *  destination + 1) << 16 | (caller frame + 1), 0 meaning none (no result; the first frame). */
export const FRAME = { CODE: 0, LINKS: 1, LOCALS: 2 } as const;
/** Pointers into a thread's own stack: PTR_BASE + word offset within the thread region. */
export const PTR_BASE = 0x10000000;

/** Object ids of footprints: steps with disjoint footprints commute. */
export const OBJ = {
  TREE_LOCK: 1, NRPAGES: 2, NREXCEPTIONAL: 3, ISIZE: 4, ENOMEM: 5, MMAPLOCK: 6, PMD: 7,
  slot: (s: number) => 100 + s, tags: (s: number) => 200 + s, pte: (s: number) => 300 + s,
  block: (s: number) => 400 + s, page: (p: number) => 500 + p, queue: (q: number) => 600 + q,
  task: (t: number) => 700 + t,
} as const;

export class Layout {
  readonly slotBase = GLOBALS;
  readonly pageBase: number;
  readonly queueBase: number;
  readonly queueStride: number;
  readonly threadBase: number;
  readonly threadStride: number;
  readonly size: number;
  /** Where the state's objects begin: the globals, each slot, page, wait queue and thread
   *  (Machine.segments). */
  readonly segments: readonly number[];
  /** Slot + 1 of each page index in [first, first + table length), 0 when not modelled; the
   *  indexes of a scenario lie in one PMD region, so the table is short. */
  private readonly slotTable: Int32Array;
  private readonly first: number;
  /** Slots by index when the indexes spread too far for the table. */
  private readonly slotByIndex: Map<number, number> | null;

  constructor(
    /** The page indexes modelled, ascending; PMD-aligned heads of their regions included. */
    readonly indexes: readonly number[],
    readonly nPages: number,
    readonly nQueues: number,
    readonly nThreads: number,
    readonly stackWords: number,
  ) {
    this.first = indexes.length ? Math.min(...indexes) : 0;
    const span = indexes.length ? Math.max(...indexes) - this.first + 1 : 0;
    const dense = indexes.every(Number.isInteger) && span <= 1 << 16;
    this.slotTable = new Int32Array(dense ? span : 0);
    this.slotByIndex = dense ? null : new Map(indexes.map((x, s) => [x, s]));
    if (dense) indexes.forEach((x, s) => { this.slotTable[x - this.first] = s + 1; });
    this.pageBase = this.slotBase + indexes.length * SLOT_STRIDE;
    this.queueBase = this.pageBase + nPages * PAGE_STRIDE;
    this.queueStride = QUEUE.FIFO + nThreads;
    this.threadBase = this.queueBase + nQueues * this.queueStride;
    this.threadStride = THREAD.STACK + stackWords;
    this.size = this.threadBase + nThreads * this.threadStride;
    const at = (base: number, n: number, stride: number) => Array.from({ length: n }, (_, i) => base + i * stride);
    this.segments = [0, ...at(this.slotBase, indexes.length, SLOT_STRIDE), ...at(this.pageBase, nPages, PAGE_STRIDE),
      ...at(this.queueBase, nQueues, this.queueStride), ...at(this.threadBase, nThreads, this.threadStride)].filter((x, i, a) => x < this.size && (i === 0 || x > a[i - 1]));
  }

  /** Slot of a page index, or -1 when the scenario does not model it. */
  slot(index: number): number {
    if (this.slotByIndex) return this.slotByIndex.get(index) ?? -1;
    const i = index - this.first;
    return i >= 0 && i < this.slotTable.length ? (this.slotTable[i] | 0) - 1 : -1;
  }
  slotWord(s: number, field: number): number { return this.slotBase + s * SLOT_STRIDE + field; }
  pageWord(p: number, field: number): number { return this.pageBase + p * PAGE_STRIDE + field; }
  queueWord(q: number, field: number): number { return this.queueBase + q * this.queueStride + field; }
  thread(t: number): number { return this.threadBase + t * this.threadStride; }
  /** The wait-table queue a key hashes to (queues may be shared by several keys: the hash collides). */
  queueOf(key: number): number {
    const s = this.slot(key);
    return (s < 0 ? key : s) % this.nQueues;
  }
}
