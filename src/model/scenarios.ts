// Scenarios: named sets of threads over an initial state. Each exercises one
// protocol of fs/dax.c with the fewest threads and indexes that show it.
import { K } from './objects/constants';
import type { ViolationKind } from './machine';
import { Block, Pmd, PTE_PFN } from './kernel/layout';
import { MAP_FLAGS, mapFlagWords } from './objects/lease/index';
import type { DaxDeviceSpec } from './objects/daxdev/index';
import { DPMD_PRESENT, DPMD_TABLE, DPMD_WRITE } from './objects/devmap/index';

export interface ThreadSpec {
  name: string;
  /** The function the thread runs and its arguments. */
  fn: string;
  args: number[];
  /** The task's credentials (MAP_DIRECT scenarios): its fsuid owns the file (1), CAP_LEASE (2); default: owner. */
  cred?: number;
  /** Why no caller the era has reads the entry point's return value, when none does: the
   *  thread stands in for a caller that ignores it, so the value is not an outcome. */
  resultUnread?: string;
}

export interface ScenarioSpec {
  name: string;
  description: string;
  /** Page indexes the scenario touches; the PMD head of their region is added. */
  indexes: number[];
  /** Page frames for hole pages. */
  pages?: number;
  /** Radix tree entries present at the start (index, entry). */
  entries?: [number, number][];
  /** PTEs mapped at the start (index, PTE_PFN). */
  ptes?: [number, number][];
  blocks?: [number, Block][];
  pmd?: Pmd;
  /** i_size in pages. */
  isize: number;
  /** radix_tree_preload() failures the explorer may inject. */
  enomem?: number;
  /** iomap_begin() over the PMD range returns one extent covering it. */
  pmdExtent?: boolean;
  /** A PMD write fault's allocation gets an extent covering the PMD (the filesystem allocates the
   *  whole range asked for, as XFS does when free space allows); otherwise one page. */
  pmdAlloc?: boolean;
  vmShared?: boolean;
  /** vma bounds in pages (default: the whole modelled region). */
  vm?: [number, number];
  /** The filesystem serialises faults with truncate by XFS_MMAPLOCK. */
  fsMmaplock?: boolean;
  /** The file's filesystem, whose vm_operations its faults run (XArray era): XFS by default. */
  fs?: 'xfs' | 'ext4';
  threads: ThreadSpec[];
  /** The era whose functions the threads run (default: the radix era). */
  era?: 'radix' | 'XArray' | 'MAP_DIRECT' | 'dax_device' | 'devmap';
  /** The version of the era it runs by default, when not the era's first (a life cycle only
   *  one version has). */
  version?: string;
  /** The dax_devices (dax_device scenarios), numbered from 1 in order, and the dm table's
   *  targets, each the dax_device of its one device. */
  daxDevices?: DaxDeviceSpec[];
  dmTable?: number[];
  /** Device memory DAX maps (devmap scenarios): the PMD over it (objects/devmap DPMD_* bits, 0
   *  none), the PTEs under a PTE table (4 bits a page), and whether the process's DAX vma is mapped. */
  device?: { pmd: number; ptes?: number; vma?: boolean };
  /** A MAP_DIRECT mapping the process made before the scenario begins (its lease held). */
  mapDirect?: boolean;
  /** The inode (MAP_DIRECT scenarios): DAX unless said otherwise; reflinked (shared) extents. */
  inode?: { dax?: boolean; reflink?: boolean };
  /** References get_user_pages() holds on DAX pages at the start (index, count): DMA in flight. */
  pins?: [number, number][];
  /** Marks of entries present at the start (index, PAGECACHE_TAG_* bits). */
  tags?: [number, number][];
  /** Indexes whose data the process wrote through its mapping before the scenario began, not
   *  yet flushed to persistent memory (their entries are marked DIRTY): what an fsync must
   *  write back. */
  written?: number[];
  /** Nothing stands in the way of the scenario's PMD fault (an empty region inside the vma and
   *  the file, one extent over it, no other thread in the region): it must map the PMD. */
  mustMapPmd?: boolean;
  /** A defect the v4.10 shapes have in this scenario (fixed in a later kernel): the kind the
   *  explorer must find with the default points, and why. */
  expect?: { kind: ViolationKind; why: string };
}

const pte = (index: number, write = false): ThreadSpec => ({
  name: `pte ${write ? 'write' : 'read'} fault ${hex(index)}`, fn: 'handle_mm_fault', args: [index, write ? 1 : 0, 0],
});
/** A PTE fault entering dax_iomap_pte_fault() directly (do_dax_fault of mm/memory.c): exact when no thread of the scenario maps a
 *  huge PMD or the PTE of the index, since __handle_mm_fault() then always gets there. */
const daxPte = (index: number, write = false): ThreadSpec => ({
  name: `pte ${write ? 'write' : 'read'} fault ${hex(index)}`, fn: 'do_dax_fault', args: [index, write ? 1 : 0],
});
const pmd = (index: number, write = false): ThreadSpec => ({
  name: `pmd ${write ? 'write' : 'read'} fault ${hex(index)}`, fn: 'handle_mm_fault', args: [index, write ? 1 : 0, 1],
});
const truncate = (size: number): ThreadSpec => ({ name: `truncate to ${hex(size)}`, fn: 'xfs_setattr_size', args: [size] });
const ext4Truncate = (size: number): ThreadSpec => ({ name: `ext4 truncate to ${hex(size)}`, fn: 'ext4_setattr_size', args: [size] });
/** write(2) of one page at index through DAX (xfs_file_dax_write()). */
const write = (index: number): ThreadSpec => ({ name: `write(2) ${hex(index)}`, fn: 'xfs_file_dax_write', args: [index] });
const invalidate = (start: number, end: number): ThreadSpec => ({
  name: `invalidate ${hex(start)}-${hex(end)}`, fn: 'invalidate_inode_pages2_range', args: [K.MAPPING, start, end],
  // v4.10 and v5.12 dax_iomap_actor(), the DAX caller, drop it; -EBUSY matters only to the
  // page cache's direct I/O (generic_file_direct_write(), iomap_dio_rw()), which DAX never takes.
  resultUnread: 'dax_iomap_actor(), its only DAX caller, ignores the -EBUSY it may return',
});

function hex(x: number): string { return `0x${x.toString(16)}`; }

const unlocked = (e: number): number => e & ~K.RADIX_DAX_ENTRY_LOCK;
const entry = (sector: number, flags: number): number =>
  unlocked(K.RADIX_TREE_EXCEPTIONAL_ENTRY | flags | (sector << K.RADIX_DAX_SHIFT) | K.RADIX_DAX_ENTRY_LOCK);
const mapped = (...xs: number[]): [number, Block][] => xs.map((x) => [x, Block.Mapped]);

const REGION = 0x200;

const CLEAN: readonly ScenarioSpec[] = [
  {
    name: 'pmd-downgrade',
    description: 'Seed 000\'s table: an empty PMD entry at 0x200; three PTE faults at 0x202, 0x203, 0x204. The first locks ' +
      'the PMD entry to downgrade it while the others sleep on the PMD-aligned key 0x200; after the delete, waking one ' +
      'waiter is not enough. The faults enter dax_iomap_pte_fault() directly.',
    indexes: [0x202, 0x203, 0x204],
    entries: [[REGION, entry(0, K.RADIX_DAX_PMD | K.RADIX_DAX_EMPTY)]],
    blocks: mapped(0x202, 0x203, 0x204),
    isize: 0x400,
    threads: [daxPte(0x202), daxPte(0x203), daxPte(0x204)],
  },
  {
    name: 'eexist-waiters',
    description: 'A PTE entry at 0x200 is held by a PTE fault; a PMD fault and another PTE fault wait on it. When the PMD ' +
      'fault is woken it finds the PTE entry and gives up with -EEXIST: it must pass the wake-up on.',
    indexes: [0x200],
    entries: [[0x200, entry(0x200 << 3, 0)]],
    blocks: mapped(0x200),
    isize: 0x400,
    threads: [pte(0x200), pmd(0x200), pte(0x200)],
  },
  {
    name: 'enomem-downgrade',
    description: 'A PTE fault at 0x202 locks the empty PMD entry at 0x200 to downgrade it and radix_tree_preload() fails; ' +
      'a PTE fault at 0x203 waits on the PMD entry. The faults enter dax_iomap_pte_fault() directly.',
    indexes: [0x202, 0x203],
    entries: [[REGION, entry(0, K.RADIX_DAX_PMD | K.RADIX_DAX_EMPTY)]],
    blocks: mapped(0x202, 0x203),
    isize: 0x400,
    enomem: 1,
    threads: [daxPte(0x202), daxPte(0x203)],
  },
  {
    name: 'hole-read-write',
    description: 'Two read faults on a hole at 0x203 (a hole page replaces the empty locked entry) race a write fault that ' +
      'allocates the block and replaces the hole page with a DAX entry.',
    indexes: [0x203],
    pages: 3,
    isize: 0x400,
    threads: [pte(0x203), pte(0x203), pte(0x203, true)],
  },
  {
    name: 'hole-page-write',
    description: 'A process reads the hole at 0x203 through its mapping (a hole page is mapped there), then write(2)s ' +
      'it, while another process reads 0x204: the write allocates the block and must invalidate the hole page (unmap it, ' +
      'take it out of the page cache) so that the mapping sees the data.',
    indexes: [0x203, 0x204],
    blocks: mapped(0x204),
    pages: 2,
    isize: 0x400,
    threads: [{ name: 'read 0x203 through the mapping, then write(2) it', fn: 'mmap_read_then_write', args: [0x203] }, pte(0x204)],
  },
  {
    name: 'hole-read-vs-write',
    description: 'A read fault on the hole at 0x203 races write(2) to 0x203, which allocates its block: whichever order ' +
      'they meet in, the mapping must end up showing the data, not a hole page of zeroes.',
    indexes: [0x203],
    pages: 2,
    isize: 0x400,
    threads: [pte(0x203), write(0x203)],
    expect: {
      kind: 'stale-mapping',
      why: 'the fault finds the hole (->iomap_begin) before the write allocates; the write\'s invalidation finds nothing to ' +
        'tear down (v4.10 invalidates only while nrpages, and the fault\'s empty locked entry is not a page), and the fault ' +
        'then maps its hole page over the data: the race of 13e451fdc1af ("dax: fix data corruption when fault races with ' +
        'write", v4.12). Invalidating whatever the mapping holds (dax_iomap_actor.invalidate_nrpages=false) and unmapping ' +
        'after it (invalidate_inode_pages2_range.dax_unmap=true) narrow it but leave it: the invalidation meets the empty ' +
        'entry, which the hole page replaces before the fault maps it, and leaves the page',
    },
  },
  {
    name: 'hzp-downgrade',
    description: 'A PMD read fault on a hole maps the huge zero page at 0x200 while a PTE write fault at 0x203 downgrades ' +
      'the zero-page PMD entry (unmapping it) and a PTE read fault at 0x204 waits.',
    indexes: [0x203, 0x204],
    blocks: [[0x203, Block.Hole], [0x204, Block.Hole]],
    pages: 2,
    isize: 0x400,
    pmdExtent: true,
    threads: [pmd(0x200), pte(0x203, true), pte(0x204)],
  },
  {
    name: 'pmd-map-extent',
    description: 'A PMD read fault at 0x200 on an empty region inside the vma and the file that one extent maps: nothing ' +
      'is in its way, so it must map the PMD (a fault path that falls back here loses the huge mapping).',
    indexes: [REGION],
    blocks: mapped(REGION),
    isize: 0x400,
    pmdExtent: true,
    mustMapPmd: true,
    threads: [pmd(REGION)],
  },
  {
    name: 'pmd-map-hole',
    description: 'A PMD read fault at 0x200 on a hole that one extent covers: it must map the huge zero page.',
    indexes: [REGION],
    blocks: [[REGION, Block.Hole]],
    isize: 0x400,
    pmdExtent: true,
    mustMapPmd: true,
    threads: [pmd(REGION)],
  },
  {
    name: 'pmd-map-write',
    description: 'A PMD write fault at 0x200 through a shared mapping on a hole: the filesystem allocates the whole range, ' +
      'and the fault must map it with a PMD.',
    indexes: [REGION],
    blocks: [[REGION, Block.Hole]],
    isize: 0x400,
    pmdExtent: true,
    pmdAlloc: true,
    vmShared: true,
    mustMapPmd: true,
    threads: [pmd(REGION, true)],
  },
  {
    name: 'pmd-narrow-vma',
    description: 'The vma maps half of the region at 0x200 (to 0x300): a PMD fault at 0x203 falls back to PTEs while ' +
      'another PTE fault at 0x203 and a truncate to 0x203 race it.',
    indexes: [0x203],
    blocks: mapped(0x203),
    isize: 0x400,
    vm: [REGION, 0x300],
    fsMmaplock: true,
    threads: [pmd(0x203), pte(0x203), truncate(0x203)],
  },
  {
    name: 'pmd-vs-truncate',
    description: 'A PMD read fault maps the blocks of the region at 0x200 (one extent covers it) while a truncate to 0x300 ' +
      'cuts the region: XFS_MMAPLOCK serialises them, and the truncate removes the PMD entry and its mapping.',
    indexes: [0x200, 0x300],
    blocks: mapped(0x200, 0x300),
    isize: 0x400,
    pmdExtent: true,
    fsMmaplock: true,
    threads: [pmd(0x200), truncate(0x300)],
  },
  ...[2, 3].map((n): ScenarioSpec => ({
    name: `fault-vs-truncate-${n}`,
    description: `${n} PTE read faults at 0x203 race a truncate that removes 0x203; XFS_MMAPLOCK serialises them and the ` +
      'faults wait on each other\'s entry lock.',
    indexes: [0x203],
    entries: [[0x203, entry(0x203 << 3, 0)]],
    blocks: mapped(0x203),
    isize: 0x400,
    fsMmaplock: true,
    threads: [truncate(0x203), ...Array.from({ length: n }, () => pte(0x203))],
  })),
  ...[2, 3].map((n): ScenarioSpec => ({
    name: `fault-vs-invalidate-${n}`,
    description: `${n} PTE read faults at 0x203 race invalidate_inode_pages2_range() (direct I/O), which waits for the entry ` +
      'lock, deletes the clean entry and must wake the next waiter.',
    indexes: [0x203],
    entries: [[0x203, entry(0x203 << 3, 0)]],
    blocks: mapped(0x203),
    isize: 0x400,
    threads: [invalidate(0x203, 0x203), ...Array.from({ length: n }, () => pte(0x203))],
    expect: {
      kind: 'stale-mapping',
      why: 'v4.10 invalidate_inode_pages2_range() deletes the DAX entry but leaves the PTE a fault mapped; v4.12 unmaps ' +
        'the range afterwards (invalidate_inode_pages2_range.dax_unmap=true)',
    },
  })),
];

/** Scenarios built around a defect of the v4.10 shapes that a later kernel fixed. */
const DEFECTS: readonly ScenarioSpec[] = [
  {
    name: 'pmd-pte-collide',
    description: 'A PMD read fault maps the blocks of the region at 0x200 (one extent covers it) while a PTE read fault at ' +
      '0x203 races it: the PTE fault looked at the PMD before the PMD fault mapped it, and maps its PTE under it.',
    indexes: [0x203],
    blocks: mapped(0x200, 0x203),
    isize: 0x400,
    pmdExtent: true,
    threads: [pmd(0x200), pte(0x203)],
    expect: {
      kind: 'overlap',
      why: 'v4.10 maps a PTE under a PMD a colliding fault mapped; v4.12 ("dax: fix race between colliding PMD & PTE ' +
        'entries") checks the PMD again under the entry lock (dax_iomap_pte_fault.huge_pmd_recheck=true, and ' +
        'dax_iomap_pmd_fault.pte_table_recheck=true for a PMD over a page table)',
    },
  },
  {
    name: 'pmd-hole-fill',
    description: 'Two PMD read faults on a hole at 0x200 and a PMD write fault: the first read maps the huge zero page, ' +
      'the second finds the PMD mapped and falls back, and the write replaces the zero-page entry with the blocks it ' +
      'allocates, unmapping the zero page first.',
    indexes: [0x200],
    blocks: [[0x200, Block.Hole]],
    isize: 0x400,
    pmdAlloc: true,
    threads: [pmd(0x200), pmd(0x200), pmd(0x200, true)],
    expect: {
      kind: 'overlap',
      why: 'the read fault that falls back maps a PTE under the PMD the write fault maps: v4.12 checks the PMD again ' +
        'under the entry lock (dax_iomap_pte_fault.huge_pmd_recheck=true)',
    },
  },
  {
    name: 'hzp-write',
    description: 'A PMD read fault maps the huge zero page over the hole at 0x200 while write(2) to 0x203 allocates its ' +
      'block: the write must tear the zero page down so that the mapping sees the data.',
    indexes: [0x203],
    blocks: [[0x203, Block.Hole]],
    isize: 0x400,
    pmdExtent: true,
    threads: [pmd(REGION), write(0x203)],
    expect: {
      kind: 'stale-mapping',
      why: 'v4.10 invalidates after an allocating write only while the mapping holds pages (nrpages), and the huge zero ' +
        'page\'s entry is exceptional: the zero page stays mapped over the written block. Invalidating whatever the mapping ' +
        'holds (dax_iomap_actor.invalidate_nrpages=false, 2017) and unmapping after it (invalidate_inode_pages2_range.dax_unmap=true, v4.12) tear it down',
    },
  },
  {
    name: 'pmd-invalidate',
    description: 'A fault holds the mapped PMD entry at 0x200 and is about to unlock it; PTE faults at 0x204 and 0x205 ' +
      'and an invalidation of the range wait on the PMD-aligned key. The invalidation deletes the entry and wakes one ' +
      'waiter, which inserts a PTE entry at its own index and never wakes the other.',
    indexes: [0x203, 0x204, 0x205],
    entries: [[REGION, entry(REGION << 3, K.RADIX_DAX_PMD) | K.RADIX_DAX_ENTRY_LOCK]],
    blocks: mapped(0x204, 0x205),
    isize: 0x400,
    threads: [
      { name: 'fault 0x203 unlocks the PMD entry', fn: 'dax_unlock_mapping_entry', args: [K.MAPPING, 0x203] },
      daxPte(0x204), daxPte(0x205), invalidate(REGION, REGION + K.PG_PMD_COLOUR),
    ],
    expect: {
      kind: 'lost-wakeup',
      why: '__dax_invalidate_mapping_entry() wakes one waiter after deleting a PMD entry; fixed in v5.14 by waking all ' +
        '(__dax_invalidate_mapping_entry.put_wake_all=true; with invalidate_inode_pages2_range.dax_unmap=true for the ' +
        'v4.12 fix of the stale mapping the same scenario shows)',
    },
  },
];

/** A writeback of the whole file (fsync): dax_writeback_mapping_range() through XFS's ->writepages. */
const writeback = (): ThreadSpec => ({ name: 'writeback of the file', fn: 'filemap_fdatawrite_range', args: [K.MAPPING, 0, 0x7fffffff] });

const DIRTY = 1 << K.PAGECACHE_TAG_DIRTY;

/** Seed 002's world: the DAX page of 0x203 mapped (its entry, a PTE) and pinned for DMA; a
 *  truncate to 0x203, the DMA's end and memory failure of the page. */
const PAGE_LIFECYCLE: Pick<ScenarioSpec, 'indexes' | 'entries' | 'ptes' | 'pins' | 'blocks' | 'isize' | 'fsMmaplock' | 'threads'> = {
  indexes: [0x203],
  entries: [[0x203, entry(0x203 << 3, 0)]],
  ptes: [[0x203, PTE_PFN]],
  pins: [[0x203, 1]],
  blocks: mapped(0x203),
  isize: 0x400,
  fsMmaplock: true,
  threads: [truncate(0x203), { name: 'DMA done: unpin 0x203', fn: 'unpin_user_page', args: [0x203] },
    { name: 'memory failure 0x203', fn: 'memory_failure', args: [0x203] }],
};

/** A file whose page 0x203 is a hole (the region's others unmodelled). */
const HOLE_AT_0x203: Pick<ScenarioSpec, 'indexes' | 'blocks' | 'isize'> = {
  indexes: [0x203],
  blocks: [[0x203, Block.Hole]],
  isize: 0x400,
};

/** The XArray era's scenarios (fs/dax.c of v4.20 on, following v5.12): the same stores of
 *  entries, with fs/dax.c's value entries (the model keeps them in one encoding). */
const XARRAY: readonly ScenarioSpec[] = [
  {
    name: 'xa-pmd-downgrade', era: 'XArray',
    description: 'Seed 000\'s table in the XArray era: a zero-page PMD entry at 0x200, its huge zero page mapped; three PTE ' +
      'faults at 0x202, 0x203, 0x204. The first locks the PMD entry and drops the i_pages lock to unmap the zero page while the ' +
      'others sleep on the PMD-aligned key 0x200; after xas_store(NULL) it must wake them all. (An empty PMD entry is removed ' +
      'without dropping the lock: nobody can see it locked.)',
    indexes: [0x202, 0x203, 0x204],
    entries: [[REGION, entry(0, K.RADIX_DAX_PMD | K.RADIX_DAX_HZP)]],
    pmd: Pmd.HugeZero,
    blocks: mapped(0x202, 0x203, 0x204),
    isize: 0x400,
    threads: [daxPte(0x202), daxPte(0x203), daxPte(0x204)],
  },
  {
    name: 'xa-pte-write-over-zero-pmd', era: 'XArray',
    description: 'A zero-page PMD entry at 0x200 that a PMD-aligned mapping made; this mapping is not PMD-aligned, so its ' +
      'faults are PTE faults: a write at 0x202 and a read at 0x203. The write must downgrade the PMD entry to PTE entries ' +
      'before it stores its pfn: a PTE entry stored over the multi-order zero entry would stand for the whole region, and ' +
      'the read at 0x203 would map 0x202\'s block.',
    indexes: [0x202, 0x203],
    entries: [[REGION, entry(0, K.RADIX_DAX_PMD | K.RADIX_DAX_HZP)]],
    blocks: mapped(0x202, 0x203),
    isize: 0x400,
    threads: [daxPte(0x202, true), daxPte(0x203)],
  },
  {
    name: 'xa-enomem-retry', era: 'XArray',
    description: 'Two PTE faults at 0x203 on an empty index; storing the first empty entry may find no node (-ENOMEM in the ' +
      'xa_state): xas_nomem() allocates without the lock and grab_mapping_entry() retries, or fails too (VM_FAULT_OOM).',
    indexes: [0x203],
    blocks: mapped(0x203),
    isize: 0x400,
    enomem: 2,
    threads: [daxPte(0x203), daxPte(0x203)],
  },
  {
    name: 'xa-pmd-pte-conflict', era: 'XArray',
    description: 'A PTE fault at 0x203 holds its entry while a PMD fault at 0x200 asks for the region: the PTE entry is a ' +
      'conflict (XA_RETRY_ENTRY) and the PMD fault falls back, rather than sleep on the PMD key 0x200 that the PTE entry\'s ' +
      'unlock (key 0x203) never wakes (v5.2, "dax: Fix missed wakeup with PMD faults").',
    indexes: [0x203],
    blocks: mapped(0x200, 0x203),
    isize: 0x400,
    threads: [daxPte(0x203), pmd(REGION)],
  },
  {
    name: 'xa-pmd-empty', era: 'XArray',
    description: 'A PMD read fault at 0x200 on an empty region that one extent maps: it must map the PMD (with the order ' +
      'check before the NULL check, v5.2-rc1, every such fault fell back to PTEs).',
    indexes: [REGION],
    blocks: mapped(REGION),
    isize: 0x400,
    mustMapPmd: true,
    threads: [pmd(REGION)],
  },
  {
    name: 'xa-fault-vs-truncate', era: 'XArray',
    description: 'A truncate to 0x203 (busy-page scan, then the entries removed) races two PTE read faults at 0x203; ' +
      'XFS_MMAPLOCK serialises them.',
    indexes: [0x203],
    blocks: mapped(0x203),
    isize: 0x400,
    fsMmaplock: true,
    threads: [truncate(0x203), pte(0x203), pte(0x203)],
  },
  {
    name: 'xa-ext4-fault-vs-truncate', era: 'XArray',
    description: 'xa-fault-vs-truncate on ext4: an ext4 truncate to 0x203 races a PTE read fault and a PTE write fault ' +
      'at 0x203 through ext4\'s vm_operations; i_mmap_sem (v6.12: the invalidate lock) serialises them.',
    indexes: [0x203],
    blocks: mapped(0x203),
    isize: 0x400,
    fsMmaplock: true,
    fs: 'ext4',
    threads: [ext4Truncate(0x203), pte(0x203), pte(0x203, true)],
  },
  {
    name: 'xa-fault-vs-invalidate', era: 'XArray',
    description: 'Two PTE read faults at 0x203 and an invalidation of 0x203: the invalidation waits for a fault\'s entry, ' +
      'deletes it and must pass the wake-up it consumed to the other fault, which then maps its own entry; the range is ' +
      'unmapped after.',
    indexes: [0x203],
    blocks: mapped(0x203),
    isize: 0x400,
    threads: [invalidate(0x203, 0x203), daxPte(0x203), daxPte(0x203)],
  },
  {
    name: 'xa-writeback-vs-fault', era: 'XArray',
    description: 'An fsync of the file meets the dirty entry at 0x203, written before it began, locked by a write fault ' +
      'that dirties it again: the writeback must wait for the entry and flush it before it returns success.',
    indexes: [0x203],
    entries: [[0x203, entry(0x203 << 3, 0)]],
    tags: [[0x203, DIRTY]],
    written: [0x203],
    ptes: [[0x203, PTE_PFN]],
    blocks: mapped(0x203),
    isize: 0x400,
    threads: [writeback(), pte(0x203, true)],
    expect: {
      kind: 'wrong-result',
      why: 'dax_writeback_one() hands the locked entry to get_unlocked_entry() from the xa_state xas_for_each_marked() ' +
        'walked, which finds nothing there: the entry is skipped and the fsync returns success with its data unflushed ' +
        '(the walk real mail 14 fixes in the busy-page scan, not here); waiting where the state stands ' +
        '(dax_writeback_one.locked_entry=wait) flushes it',
    },
  },
  {
    name: 'xa-fsync-vs-fault', era: 'XArray',
    description: 'An fsync of the file while the process writes to 0x203, mapped read-only and clean: the data written to ' +
      '0x202 and 0x204 before the fsync began must be flushed when it returns success, and the write fault must mark the ' +
      'entry of 0x203 DIRTY again for the next one.',
    indexes: [0x202, 0x203, 0x204],
    entries: [[0x202, entry(0x202 << 3, 0)], [0x203, entry(0x203 << 3, 0)], [0x204, entry(0x204 << 3, 0)]],
    tags: [[0x202, DIRTY], [0x204, DIRTY]],
    written: [0x202, 0x204],
    ptes: [[0x202, PTE_PFN], [0x203, PTE_PFN], [0x204, PTE_PFN]],
    blocks: mapped(0x202, 0x203, 0x204),
    isize: 0x400,
    threads: [writeback(), pte(0x203, true)],
  },
  {
    name: 'xa-busy-scan', era: 'XArray',
    description: 'Two writebacks hold and wait for the dirty entry at 0x203 while a truncate\'s busy-page scan ' +
      '(dax_layout_busy_page) meets it locked: the scan waits for it and passes the wake-up on.',
    indexes: [0x203],
    entries: [[0x203, entry(0x203 << 3, 0)]],
    tags: [[0x203, DIRTY]],
    blocks: mapped(0x203),
    isize: 0x400,
    fsMmaplock: true,
    threads: [writeback(), truncate(0x203), writeback()],
  },
  {
    name: 'xa-hole-read-write', era: 'XArray',
    description: 'Two read faults and a write fault at the hole 0x203: a read maps the zero page under a zero-page entry; ' +
      'the write allocates the block and replaces the entry, unmapping the zero page first, so every mapping ends on the ' +
      'block (the XArray form of hole-read-write).',
    ...HOLE_AT_0x203,
    threads: [daxPte(0x203), daxPte(0x203), daxPte(0x203, true)],
  },
  {
    name: 'xa-write-over-hole', era: 'XArray',
    description: 'A read fault maps the zero page over the hole at 0x203 while write(2) to 0x203 allocates its block: ' +
      'the write must tear the zero page\'s mapping and entry down (invalidate_inode_pages2_range()), so that the mapping ' +
      'sees the data rather than zeroes; another read fault then maps the block.',
    ...HOLE_AT_0x203,
    threads: [daxPte(0x203), write(0x203), daxPte(0x203)],
  },
  {
    name: 'xa-truncate-dma', era: 'XArray',
    description: 'get_user_pages() holds the mapped DAX page of 0x203 for DMA while a truncate to 0x203 breaks the layouts: ' +
      'the busy-page scan unmaps the page, finds it busy and XFS waits until the DMA ends (unpin) before it frees the block. ' +
      'Nobody holds the entry, so every version finds the page (seed 002\'s life cycle without memory failure).',
    ...PAGE_LIFECYCLE,
    threads: PAGE_LIFECYCLE.threads.slice(0, 2),
  },
  {
    name: 'xa-ext4-truncate-dma', era: 'XArray',
    description: 'xa-truncate-dma on ext4: get_user_pages() holds the mapped DAX page of 0x203 for DMA while an ext4 ' +
      'truncate to 0x203 breaks the layouts under i_mmap_sem, waiting with it dropped until the DMA ends (unpin) ' +
      'before it frees the block.',
    ...PAGE_LIFECYCLE,
    fs: 'ext4',
    threads: [ext4Truncate(0x203), PAGE_LIFECYCLE.threads[1]],
  },
  {
    name: 'xa-memory-failure-vs-truncate', era: 'XArray',
    description: 'Memory failure of the mapped DAX page at 0x203 locks its entry (dax_lock_page(), waiting non-exclusively ' +
      'while a writeback holds it) to unmap it, while a truncate to 0x203 removes the entry: the handler finds the page ' +
      'still in the file with its entry locked, or gone.',
    indexes: [0x203],
    entries: [[0x203, entry(0x203 << 3, 0)]],
    tags: [[0x203, DIRTY]],
    ptes: [[0x203, PTE_PFN]],
    blocks: mapped(0x203),
    isize: 0x400,
    fsMmaplock: true,
    threads: [{ name: 'memory failure 0x203', fn: 'memory_failure', args: [0x203] }, truncate(0x203), writeback()],
  },
  {
    name: 'xa-page-lifecycle', era: 'XArray',
    description: 'Seed 002\'s life cycle of a DAX page that is truncated: mapped at 0x203 (its entry in the file, a PTE), ' +
      'pinned by get_user_pages() for DMA; truncate breaks the layouts, zapping the PTE and waiting until the DMA is done ' +
      '(unpin) before the block is freed, while memory failure looks the page up through its mapping in the meantime.',
    ...PAGE_LIFECYCLE,
    expect: {
      kind: 'use-after-free',
      why: 'memory failure holds the entry locked (dax_lock_page()) while the busy-page scan runs, and the scan skips a ' +
        'locked entry: the pinned page is missed and truncate frees its block under DMA; waiting for the entry where the ' +
        'state stands (dax_layout_busy_page_range.locked_entry=wait, real mail 14) makes the life cycle clean, and a ' +
        'truncate that breaks no layouts at all (xfs_setattr_size.break_layouts=false, before v4.17) frees it always',
    },
  },
  {
    name: 'xa-zap-lifecycle', era: 'XArray', version: 'v6.12+zap',
    description: 'Seed 002\'s life cycle as its steps 0/ to 5/ write it out: the entry of 0x203 holds the mapping\'s ' +
      'reference to its DAX page (1/), get_user_pages() holds another for DMA (2/); truncate (3/) breaks the layouts, ' +
      'dropping the mapping\'s reference and tagging the entry DAX_ZAP, and waits for the DMA to end (4/); memory ' +
      'failure meanwhile still finds the zapped page\'s file (5/) until the final truncate removes the entry.',
    ...PAGE_LIFECYCLE,
  },
  {
    name: 'xa-zap-refault', era: 'XArray', version: 'v6.12+zap',
    description: 'Break layouts zaps every entry of the file, those the truncate keeps too: a read fault of 0x202 below ' +
      'the new size of 0x203 maps its zapped page again, and the mapping must take its reference back, or the next ' +
      'break layouts would not wait for the page it maps.',
    indexes: [0x202, 0x203],
    entries: [[0x202, entry(0x202 << 3, 0)], [0x203, entry(0x203 << 3, 0)]],
    blocks: mapped(0x202, 0x203),
    isize: 0x400,
    fsMmaplock: true,
    threads: [truncate(0x203), pte(0x202)],
  },
  {
    name: 'xa-mixed-mapping-memory-failure', era: 'XArray',
    description: 'One process maps the file with a PMD (its entry at 0x200 maps blocks) while another faults 0x203 with a ' +
      'PTE under it; memory failure of the page at 0x205 must still find the file through page->mapping and unmap it.',
    indexes: [0x203, 0x205],
    entries: [[REGION, entry(REGION << 3, K.RADIX_DAX_PMD)]],
    blocks: mapped(0x203, 0x205),
    isize: 0x400,
    threads: [daxPte(0x203), { name: 'memory failure 0x205', fn: 'memory_failure', args: [0x205] }],
  },
  {
    name: 'xa-busy-page-dma', era: 'XArray',
    description: 'get_user_pages() holds the DAX page of 0x203 for DMA while a writeback holds its entry locked and a ' +
      'truncate to 0x203 scans for busy pages: the scan must wait for the locked entry, find the page busy and wait for the ' +
      'DMA to end (unpin) before the block is freed. Skipping the locked entry frees the block under DMA (v4.20 to v6.12; ' +
      'real mail 14, 2024).',
    indexes: [0x203],
    entries: [[0x203, entry(0x203 << 3, 0)]],
    tags: [[0x203, DIRTY]],
    written: [0x203],
    pins: [[0x203, 1]],
    blocks: mapped(0x203),
    isize: 0x400,
    fsMmaplock: true,
    threads: [writeback(), truncate(0x203), { name: 'DMA done: unpin 0x203', fn: 'unpin_user_page', args: [0x203] }],
    expect: {
      kind: 'use-after-free',
      why: 'dax_layout_busy_page_range() gives a locked entry to get_unlocked_entry() from a walked xa_state, which looks ' +
        'past it: the busy page is missed and truncate frees its block under DMA; fixed by waiting for the entry where the ' +
        'state stands (dax_layout_busy_page_range.locked_entry=wait: wait_entry_unlocked_exclusive(), real mail 14)',
    },
  },
  {
    name: 'xa-invalidate-waiters', era: 'XArray',
    description: 'Real mail 01/03/05 (2021): a fault at 0x203 holds its entry while three invalidations of 0x203 wait for ' +
      'it. The first deletes the entry and wakes one waiter; the next finds nothing and wakes nobody: the third sleeps ' +
      'forever (v5.12).',
    indexes: [0x203],
    blocks: mapped(0x203),
    isize: 0x400,
    threads: [daxPte(0x203), invalidate(0x203, 0x203), invalidate(0x203, 0x203), invalidate(0x203, 0x203)],
    expect: {
      kind: 'lost-wakeup',
      why: '__dax_invalidate_entry() puts the deleted entry with put_unlocked_entry(), which wakes one waiter, and a waiter ' +
        'that then finds no entry wakes nobody; fixed in v5.14 by waking all after invalidating (__dax_invalidate_entry.wake_all=true)',
    },
  },
];

const MAP_DIRECT = MAP_FLAGS.MAP_SHARED_VALIDATE | MAP_FLAGS.MAP_DIRECT;
const page = (index: number): number => index << K.PAGE_SHIFT;
/** mmap(2) of the file with flags, then one access of the new mapping at index (none for -1). */
const mmap = (flags: number, index = -1, write = false, cred?: number): ThreadSpec => ({
  name: `mmap(${mapFlagWords(flags)})${index >= 0 ? ` then a ${write ? 'write' : 'read'} at ${hex(index)}` : ''}${cred === 0 ? ' by a task that neither owns the file nor has CAP_LEASE' : ''}`,
  fn: 'mmap_and_access', args: [flags, index >= 0 ? page(index) : 0, write ? 1 : 0], ...(cred !== undefined ? { cred } : {}),
});
/** A write fault through a MAP_SHARED mapping of the file made before (not MAP_DIRECT). */
const otherWrite = (index: number): ThreadSpec => ({
  name: `write fault ${hex(index)} through a MAP_SHARED mapping`, fn: 'access_other_mapping', args: [page(index), 1],
});
/** An access through the MAP_DIRECT mapping the process made before the scenario. */
const directAccess = (index: number, write = false): ThreadSpec => ({
  name: `${write ? 'write' : 'read'} of ${hex(index)} through the MAP_DIRECT mapping`, fn: 'access_direct_mapping', args: [page(index), write ? 1 : 0],
});
const leaseTimer = (): ThreadSpec => ({ name: 'kworker: lease-break-time expires', fn: 'delayed_work_timer_fn', args: [0], cred: 2 });
const truncateLeased = (size: number): ThreadSpec => ({ name: `truncate to ${hex(size)}`, fn: 'xfs_vn_setattr', args: [size] });

/** XFS MAP_DIRECT (the v7 series on v4.14): the layout lease, its breakers and its timeout. */
const MAPDIRECT: readonly ScenarioSpec[] = [
  {
    name: 'md-flush-in-flight', era: 'MAP_DIRECT',
    description: 'Dave Chinner\'s question on seed 001: mmap(MAP_DIRECT) races a write fault through a MAP_SHARED mapping ' +
      'of the same file that allocates the hole at 0x203. A fault that read i_mapdcount before the lease was registered ' +
      'must not allocate once mmap() has returned the mapping: xfs_file_mmap_validate() flushes such faults by cycling ' +
      'XFS_MMAPLOCK_EXCL.',
    indexes: [0x202, 0x203], blocks: [[0x202, Block.Mapped], [0x203, Block.Hole]], isize: 0x400,
    threads: [mmap(MAP_DIRECT), otherWrite(0x203), leaseTimer()],
    expect: {
      kind: 'wrong-result',
      why: 'the v7 series stops write faults under a MAP_DIRECT mapping with i_mapdcount (03/12): the fault gets SIGBUS and ' +
        'nothing starts the lease break, the problem Dan Williams names in seed 001; his fix calls break_layout(inode, false) ' +
        'in ->iomap_begin() and bails out with -EWOULDBLOCK, dropping i_mapdcount (v8 05/14 iomap_can_allocate(): ' +
        'xfs_file_iomap_begin.fault_alloc=break-layout)',
    },
  },
  {
    name: 'md-truncate-breaks', era: 'MAP_DIRECT',
    description: 'The lease holder maps the file with MAP_DIRECT and reads 0x202 while a truncate to 0x202 breaks the ' +
      'lease (SIGIO to the holder) and waits; lease-break-time expires, the mapping is invalidated (its faults get ' +
      'SIGBUS) and the lease removed, and only then does the truncate free the blocks.',
    indexes: [0x202, 0x203], blocks: [[0x202, Block.Mapped], [0x203, Block.Mapped]], isize: 0x400,
    threads: [mmap(MAP_DIRECT, 0x202), truncateLeased(0x202), leaseTimer()],
    expect: {
      kind: 'layout-changed',
      why: 'map_direct_register() takes the lease without XFS_IOLOCK, so a truncate that passed xfs_break_layouts() before ' +
        'the lease existed frees the blocks after mmap() returned the mapping (and a lease that times out before ' +
        'i_mapdcount_inc() drops the count below zero); the series as posted leaves both open',
    },
  },
  {
    name: 'md-truncate-leased', era: 'MAP_DIRECT',
    description: 'The process has its MAP_DIRECT mapping and reads 0x202 through it while a truncate to 0x202 breaks the ' +
      'lease (SIGIO) and waits; lease-break-time expires, the mapping is invalidated and the lease removed, and only then ' +
      'are the blocks freed. A read that begins after the invalidation gets SIGBUS; one already past xfs_vma_checks() ' +
      'still maps the block.',
    indexes: [0x202, 0x203], blocks: [[0x202, Block.Mapped], [0x203, Block.Mapped]], isize: 0x400, mapDirect: true,
    threads: [directAccess(0x202), truncateLeased(0x202), leaseTimer()],
    expect: {
      kind: 'wrong-result',
      why: 'map_direct_invalidate() clears MAPDIRECT_VALID and zaps the mapping without excluding faults (no XFS_MMAPLOCK), ' +
        'so an access that passed xfs_vma_checks() before the timeout maps its block after it: the mapping is used after ' +
        'the kernel invalidated it; the series as posted leaves it open',
    },
  },
  {
    name: 'md-timeout', era: 'MAP_DIRECT',
    description: 'The lease holder truncates its own file to 0x202, then reads 0x201 through its MAP_DIRECT mapping: the ' +
      'truncate breaks the lease and waits until lease-break-time expires and the mapping is invalidated, so the read, ' +
      'inside the file, gets SIGBUS; a read through a MAP_SHARED mapping gets its page before the truncate, SIGBUS after.',
    indexes: [0x201, 0x202, 0x203], blocks: [[0x201, Block.Mapped], [0x202, Block.Mapped], [0x203, Block.Mapped]], isize: 0x400,
    mapDirect: true,
    threads: [
      { name: 'truncate to 0x202, then a read of 0x201 through the MAP_DIRECT mapping', fn: 'truncate_then_access', args: [0x202, page(0x201), 0] },
      leaseTimer(),
      { ...otherWrite(0x203), name: 'read fault 0x203 through a MAP_SHARED mapping', args: [page(0x203), 0] },
    ],
  },
  {
    name: 'md-direct-write-hole', era: 'MAP_DIRECT',
    description: 'A write through a MAP_DIRECT mapping to the hole at 0x203 would allocate: it gets SIGBUS and the block ' +
      'map stays as it is.',
    indexes: [0x203], blocks: [[0x203, Block.Hole]], isize: 0x400,
    threads: [mmap(MAP_DIRECT, 0x203, true)],
  },
  {
    name: 'md-reflink', era: 'MAP_DIRECT',
    description: 'Dave Chinner\'s question "how do we get is_xfs_map_direct() set if the inode has shared extents?": ' +
      'mmap(MAP_DIRECT) of a reflinked file succeeds, and its first access gets SIGBUS from xfs_vma_checks().',
    indexes: [0x202], blocks: [[0x202, Block.Mapped]], isize: 0x400, inode: { reflink: true },
    threads: [mmap(MAP_DIRECT, 0x202)],
  },
  {
    name: 'md-not-dax', era: 'MAP_DIRECT',
    description: 'The same question for a file that is not DAX: mmap(MAP_DIRECT) succeeds (it takes the lease only) and ' +
      'the first access gets SIGBUS from xfs_vma_checks().',
    indexes: [0x202], blocks: [[0x202, Block.Mapped]], isize: 0x400, inode: { dax: false },
    threads: [mmap(MAP_DIRECT, 0x202)],
  },
  {
    name: 'md-unknown-flag', era: 'MAP_DIRECT',
    description: 'mmap(MAP_SHARED_VALIDATE) with a flag XFS does not know fails with EOPNOTSUPP ' +
      '(xfs_file_mmap_validate()), MAP_DIRECT or not; plain MAP_SHARED would ignore the flag, as it always did.',
    indexes: [0x202], blocks: [[0x202, Block.Mapped]], isize: 0x400,
    threads: [mmap(MAP_FLAGS.MAP_SHARED_VALIDATE | 0x200000)],
  },
  {
    name: 'md-shared-validate', era: 'MAP_DIRECT',
    description: 'mmap(MAP_SHARED_VALIDATE) without MAP_DIRECT is an ordinary shared mapping (xfs_file_mmap()): no lease, ' +
      'and a write to the hole at 0x203 allocates it.',
    indexes: [0x203], blocks: [[0x203, Block.Hole]], isize: 0x400,
    threads: [mmap(MAP_FLAGS.MAP_SHARED_VALIDATE, 0x203, true)],
  },
  {
    name: 'md-eacces', era: 'MAP_DIRECT',
    description: 'mmap(MAP_DIRECT) by a task that neither owns the file nor has CAP_LEASE fails with EACCES (vfs_setlease()).',
    indexes: [0x202], blocks: [[0x202, Block.Mapped]], isize: 0x400,
    threads: [mmap(MAP_DIRECT, -1, false, 0)],
  },
];

/** A filesystem (superblock `sb`) mounting dax_device `dev`'s block device, then unmounting it;
 *  the mount may fail after the claim. */
const mountUmount = (sb: number, dev: number): ThreadSpec => ({ name: `ext2 ${sb}: mount and unmount dax_device ${dev}`, fn: 'ext2_mount_umount', args: [sb, dev] });
/** A claim of dax_device `dev`'s block device by owner `sb`, which it keeps. */
const claim = (sb: number, dev: number): ThreadSpec => ({ name: `owner ${sb}: fs_dax_claim_bdev(dax_device ${dev})`, fn: 'fs_dax_claim_bdev', args: [dev, sb] });

/** The dax_devices of a scenario: a dm device (no pgmap of its own), then pmem members, each
 *  also held by device-mapper (two references), with the pgmaps given (default: free). */
const dmOver = (...members: DaxDeviceSpec['pgmap'][]): DaxDeviceSpec[] =>
  [{ kind: 'dm', pgmap: null }, ...members.map((pgmap): DaxDeviceSpec => ({ kind: 'pmem', refs: 2, ...(pgmap ? { pgmap } : {}) }))];
/** A pgmap another owner has claimed. */
const claimedBy = (owner: number): DaxDeviceSpec['pgmap'] => ({ fsDax: true, pageFree: true, owner });

/** What every dax_device scenario shares: its part of the model, and a file whose pages it never touches. */
const DAX_DEVICE_WORLD: Pick<ScenarioSpec, 'era' | 'indexes' | 'isize'> = { era: 'dax_device', indexes: [REGION], isize: 0x400 };

/** dax_device claims by filesystems (the v8 series of 2018 on v4.16; seed 003). */
const DAXDEV: readonly ScenarioSpec[] = [
  {
    name: 'dd-pmem-mount', ...DAX_DEVICE_WORLD,
    description: 'A filesystem mounts a pmem device (its dax_device and dev_pagemap are free), claims the pgmap, and gives ' +
      'it back when it unmounts or when the rest of the mount fails.',
    daxDevices: [{ kind: 'pmem' }],
    threads: [mountUmount(1, 1)],
  },
  {
    name: 'dd-conflict', ...DAX_DEVICE_WORLD,
    description: 'Two owners claim one pmem device\'s pgmap: one has it; the other is refused, as the code\'s comment says, ' +
      'with the reference the lookup took dropped.',
    daxDevices: [{ kind: 'pmem' }],
    threads: [claim(1, 1), claim(2, 1)],
  },
  {
    name: 'dd-no-host', ...DAX_DEVICE_WORLD,
    description: 'A filesystem mounts a block device that supports DAX but whose dax_device the host table does not know ' +
      '(it was unregistered): fs_dax_get_by_host() returns NULL.',
    daxDevices: [{ kind: 'pmem', host: false }],
    threads: [claim(1, 1)],
    expect: {
      kind: 'null-deref',
      why: 'fs_dax_claim_bdev() reads dax_dev->ops of what fs_dax_get_by_host() returned without a NULL check (v8 10/18)',
    },
  },
  {
    name: 'dd-mount-refused', ...DAX_DEVICE_WORLD,
    description: 'A second filesystem mounts a pmem device the first has claimed: its claim is refused (NULL), and a mount ' +
      'that then fails releases what it got.',
    daxDevices: [{ kind: 'pmem', pgmap: claimedBy(1) }],
    threads: [mountUmount(2, 1)],
    expect: {
      kind: 'null-deref',
      why: 'fs_dax_release() reads dax_dev->ops without the NULL check __fs_dax_release() has, and a mount whose claim was ' +
        'refused calls it with NULL on its way out (v8 10/18 and its ext2 patch)',
    },
  },
  {
    name: 'dd-dm-claim', ...DAX_DEVICE_WORLD,
    description: 'A filesystem mounts a dm device over two pmem members (two linear targets) and unmounts it: the claim and ' +
      'the release go to every member.',
    daxDevices: dmOver(undefined, undefined), dmTable: [2, 3],
    threads: [mountUmount(1, 1)],
    expect: {
      kind: 'refcount',
      why: 'dm_dax_dev_release() puts the member\'s reference (__fs_dax_release() calls put_dax()), which device-mapper holds ' +
        'and the claim never took, and dm_dax_fs_release() never puts the reference fs_dax_claim_bdev() took on the dm ' +
        'device (v8 10/18)',
    },
  },
  {
    name: 'dd-dm-member-taken', ...DAX_DEVICE_WORLD,
    description: 'A filesystem claims a dm device whose second member\'s pgmap another owner (9) holds: that member\'s claim ' +
      'fails, and the whole claim must not return as if it had succeeded.',
    daxDevices: dmOver(undefined, claimedBy(9)), dmTable: [2, 3],
    threads: [claim(1, 1)],
    expect: {
      kind: 'wrong-result',
      why: 'dm_dax_iterate() ignores what ->iterate_devices() returns, so dm_dax_fs_claim() reports the dm device claimed ' +
        'although a member\'s claim failed (v8 10/18); the failed fs_dax_claim() also puts device-mapper\'s reference',
    },
  },
  {
    name: 'dd-dm-owner-twice', ...DAX_DEVICE_WORLD,
    description: 'A dm device whose two targets map the same member: the claim reaches the member twice, and the second ' +
      'claim by the same owner has it again, as the code\'s comment says.',
    daxDevices: dmOver(undefined), dmTable: [2, 2],
    threads: [claim(1, 1)],
  },
];

const RW = DPMD_PRESENT | DPMD_WRITE;
const FOLL = { WRITE: 0x01, TOUCH: 0x02, GET: 0x04 };
const unbind = (): ThreadSpec => ({ name: 'unbind of the pmem namespace', fn: 'pmem_unbind', args: [1] });
/** An O_DIRECT I/O whose buffer is nr pages of the DAX mapping: pinned, then put once it completed. */
const dio = (nr: number, write: boolean): ThreadSpec => ({
  name: `O_DIRECT ${write ? 'read into' : 'write from'} ${nr} page${nr === 1 ? '' : 's'} of the DAX mapping`, fn: 'dax_direct_io', args: [0, nr, write ? 1 : 0],
});
/** follow_page() of the DAX mapping at a page, as its callers use it. */
const lookup = (index: number, flags: number): ThreadSpec => ({
  name: `follow_page(${['FOLL_WRITE', 'FOLL_TOUCH', 'FOLL_GET'].filter((_f, i) => flags & (1 << i)).join(' | ')}) of page ${index}`, fn: 'lookup_page', args: [page(index), flags],
});

/** get_user_pages() on device memory that DAX maps (v4.4 with the -mm series of December 2015,
 *  seed 004), and the unbind of the driver that owns the memory. */
const DEVMAP: readonly ScenarioSpec[] = [
  {
    name: 'gup-pmd-unbind', era: 'devmap',
    description: 'A process maps the DAX file (a writable devmap PMD), reads two pages into it with O_DIRECT and unmaps it, ' +
      'while the pmem namespace is unbound: gup pins the pages through the fast walk, each page reference holding the ' +
      'dev_pagemap, and unbind waits for the I/O to complete before it removes the pages.',
    indexes: [0], isize: 0, device: { pmd: 0 },
    threads: [{ name: 'mmap, O_DIRECT read into 2 pages, munmap', fn: 'dax_mmap_io', args: [2, 1, 1] }, unbind()],
  },
  {
    name: 'gup-pte-unbind', era: 'devmap',
    description: 'The DAX mapping is made of devmap PTEs: an O_DIRECT read pins both pages through gup_pte_range(), whose ' +
      'dev_pagemap lookup may fail once unbind killed the reference, undoing the first page\'s pin.',
    indexes: [0], isize: 0, device: { pmd: DPMD_PRESENT | DPMD_TABLE, ptes: RW | (RW << 4), vma: true },
    threads: [dio(2, true), unbind()],
  },
  {
    name: 'gup-vma-open-unbind', era: 'devmap',
    description: 'Dan Williams\'s trade-off in seed 004: the process maps the DAX file, does an O_DIRECT I/O and keeps the ' +
      'mapping while the namespace is unbound. Pinned only while I/O is in flight (the series, pmem as a storage device), ' +
      'unbind finishes once the I/O completed; pinned while any DAX vma is open (get_page.pin=vma, pmem as memory), it ' +
      'waits for as long as the vma stays.',
    indexes: [0], isize: 0, device: { pmd: 0 },
    threads: [{ name: 'mmap, O_DIRECT write from 1 page, the vma kept', fn: 'dax_mmap_io', args: [1, 0, 0] }, unbind()],
  },
  {
    name: 'gup-vs-munmap', era: 'devmap',
    description: 'An O_DIRECT read pins two pages of the devmap PMD while the process unmaps it: the fast walk runs with ' +
      'interrupts off, so the unmap\'s TLB flush (an IPI on x86) waits for it, and no pin is taken of a mapping already gone.',
    indexes: [0], isize: 0, device: { pmd: RW, vma: true },
    threads: [dio(2, true), { name: 'munmap of the DAX mapping', fn: 'vm_munmap', args: [0, K.PMD_SIZE] }],
  },
  {
    name: 'follow-devmap-pmd', era: 'devmap',
    description: 'follow_page() of a read-only devmap PMD: for a write it must give NULL (the caller faults), a lookup ' +
      'with a reference gets the page, and one without (FOLL_GET clear) gets -EEXIST; the namespace is unbound meanwhile.',
    indexes: [0], isize: 0, device: { pmd: DPMD_PRESENT, vma: true },
    threads: [lookup(0, FOLL.WRITE | FOLL.TOUCH | FOLL.GET), lookup(1, FOLL.TOUCH | FOLL.GET), lookup(0, FOLL.TOUCH), unbind()],
  },
  {
    name: 'gup-write-ro-pte', era: 'devmap',
    description: 'An O_DIRECT read into a DAX mapping whose devmap PTEs are read-only: get_user_pages_fast() for a write ' +
      'must not pin them (the slow path then faults them writable).',
    indexes: [0], isize: 0, device: { pmd: DPMD_PRESENT | DPMD_TABLE, ptes: DPMD_PRESENT | (DPMD_PRESENT << 4), vma: true },
    threads: [dio(2, true)],
    expect: {
      kind: 'wrong-result',
      why: 'gup_pte_range() of the series takes a devmap PTE without checking the access it allows (the mask is checked ' +
        'for other PTEs only), so a write pins read-only pages; fixed in 2017 by checking the access first ' +
        '("x86/mm: fix gup_pte_range() vs DAX mappings": gup_pte_range.devmap_access=checked)',
    },
  },
];

/**
 * Every scenario. Those with `expect` show a defect the v4.10 shapes have (a later kernel
 * fixed it): the explorer must find it with the default points and must not with the fix's.
 */
export const SCENARIOS: readonly ScenarioSpec[] = [...CLEAN, ...DEFECTS, ...XARRAY, ...MAPDIRECT, ...DAXDEV, ...DEVMAP];
/** The scenarios where the v4.10 shapes have a defect. */
export const KNOWN_DEFECTS: readonly ScenarioSpec[] = SCENARIOS.filter((s) => s.expect);

/**
 * The threads a reviewer composes a scenario of, without code: `kind@index`, or
 * `invalidate@start-end`. Each is an entry point of the model with its arguments.
 */
export const THREAD_KINDS: Readonly<Record<string, { doc: string; make: (a: number, b: number) => ThreadSpec }>> = {
  'pte-read': { doc: 'a read fault of the PTE at index (handle_mm_fault)', make: (x) => pte(x) },
  'pte-write': { doc: 'a write fault of the PTE at index (handle_mm_fault)', make: (x) => pte(x, true) },
  'pmd-read': { doc: 'a read fault at index, trying a PMD first (handle_mm_fault with THP)', make: (x) => pmd(x) },
  'pmd-write': { doc: 'a write fault at index, trying a PMD first (handle_mm_fault with THP)', make: (x) => pmd(x, true) },
  'dax-read': { doc: 'a read fault entering dax_iomap_pte_fault() directly (do_dax_fault)', make: (x) => daxPte(x) },
  'dax-write': { doc: 'a write fault entering dax_iomap_pte_fault() directly (do_dax_fault)', make: (x) => daxPte(x, true) },
  'truncate': { doc: 'truncate of the file to index pages (xfs_setattr_size)', make: (x) => truncate(x) },
  'ext4-truncate': { doc: 'truncate of an ext4 file to index pages (ext4_setattr_size; the XArray era)', make: (x) => ext4Truncate(x) },
  'write': { doc: 'write(2) of the page at index through DAX (xfs_file_dax_write)', make: (x) => write(x) },
  'invalidate': { doc: 'invalidate_inode_pages2_range() of start-end (direct I/O)', make: (a, b) => invalidate(a, b) },
  'unlock': { doc: 'a thread that holds the entry at index and unlocks it (dax_unlock_mapping_entry)', make: (x) => ({ name: `unlock ${hex(x)}`, fn: 'dax_unlock_mapping_entry', args: [K.MAPPING, x] }) },
};

/** Threads from their text ("pte-read@0x202,truncate@0x203"); errors name what is wrong and what is known. */
export function composeThreads(text: string): ThreadSpec[] {
  const items = text.split(',').map((t) => t.trim()).filter(Boolean);
  if (!items.length) throw new Error('no threads given: e.g. --threads "pte-read@0x202,pte-read@0x203"');
  return items.map((item) => {
    const m = /^([a-z-]+)@(0x[0-9a-f]+|\d+)(?:-(0x[0-9a-f]+|\d+))?$/i.exec(item);
    const kind = m ? THREAD_KINDS[m[1]] : undefined;
    if (!m || !kind) {
      throw new Error(`'${item}' is not a thread: give kind@index, kind one of ${Object.keys(THREAD_KINDS).join(', ')}`);
    }
    const a = Number(m[2]);
    const b = m[3] !== undefined ? Number(m[3]) : a;
    if ((a & ~K.PG_PMD_COLOUR) !== (b & ~K.PG_PMD_COLOUR) && m[1] !== 'invalidate') throw new Error(`'${item}': one PMD region`);
    return kind.make(a, b);
  });
}

/**
 * A scenario of composed threads: over the world of a scenario (its tree, blocks and sizes),
 * or over a file of mapped blocks with nothing in the tree.
 */
export function composedScenario(threads: ThreadSpec[], base?: ScenarioSpec): ScenarioSpec {
  // The index each thread works at: a fault's, a truncate's new size, an invalidation's start, an unlock's.
  const touched = threads.map((t) => t.args[t.fn === 'do_dax_fault' || t.fn === 'handle_mm_fault' || t.fn === 'xfs_setattr_size' ? 0 : 1]);
  const regions = new Set([...touched, ...(base?.indexes ?? [])].map((x) => x & ~K.PG_PMD_COLOUR));
  if (regions.size > 1) throw new Error('the threads must work in one PMD region (the model has one)');
  const indexes = [...new Set([...(base?.indexes ?? []), ...touched])].sort((x, y) => x - y);
  const name = `${base ? `${base.name} with ` : ''}${threads.map((t) => t.name).join(', ')}`;
  return {
    ...(base ?? { isize: 0x400, blocks: mapped(...indexes), fsMmaplock: true }),
    name, description: `Composed: ${threads.map((t) => t.name).join('; ')}${base ? ` over the world of ${base.name}` : ''}.`,
    indexes: indexes.length ? indexes : [REGION], threads, expect: undefined,
  };
}

