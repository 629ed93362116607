// The packed state: one Int32Array with a small fixed layout per scenario, derived from what
// the objects (src/model/objects/*/state.ts) declare. Only the page indexes a scenario uses
// are modelled; every other index is empty and never touched.

import type { FootprintDecl, Holds, RecordKind, WordDecl } from '../objects/object';
import { SPINLOCK_FOOTPRINTS, SPINLOCK_WORDS } from '../objects/spinlock/state';
import { RWSEM_FOOTPRINTS, RWSEM_WORDS } from '../objects/rwsem/state';
import { RADIX_FIELDS, RADIX_FOOTPRINTS, RADIX_WORDS } from '../objects/radix/state';
import { PAGE_FIELDS, PAGES_FOOTPRINTS, PAGES_WORDS } from '../objects/pages/state';
import { PAGETABLE_FIELDS, PAGETABLE_FOOTPRINTS, PAGETABLE_THREAD_FIELDS, PAGETABLE_WORDS } from '../objects/pagetable/state';
import { INODE_FIELDS, INODE_FOOTPRINTS, INODE_THREAD_FIELDS, INODE_WORDS } from '../objects/inode/state';
import { QUEUE_FIELDS, WAITTABLE_FOOTPRINTS } from '../objects/waittable/state';
import { LEASE_FOOTPRINTS, LEASE_THREAD_FIELDS, LEASE_WORDS } from '../objects/lease/state';
import { DAXDEV_FOOTPRINTS, DAXDEV_WORDS } from '../objects/daxdev/state';
import { DEVMAP_FOOTPRINTS, DEVMAP_THREAD_FIELDS, DEVMAP_WORDS } from '../objects/devmap/state';

/** Word offsets by name, in declaration order from `from`. */
function offsets<const W extends readonly WordDecl[]>(words: W, from = 0): { readonly [K in W[number]['name']]: number } {
  return Object.fromEntries(words.map((w, i) => [w.name, from + i])) as { readonly [K in W[number]['name']]: number };
}

/** The global words of every object, in the order of the objects. */
const GLOBAL_WORDS = [...SPINLOCK_WORDS, ...RWSEM_WORDS, ...RADIX_WORDS, ...PAGES_WORDS, ...PAGETABLE_WORDS, ...INODE_WORDS, ...LEASE_WORDS, ...DAXDEV_WORDS, ...DEVMAP_WORDS] as const;
/** Global words by name. */
export const G = offsets(GLOBAL_WORDS);
export const GLOBALS = GLOBAL_WORDS.length;

/** The fields of a record kind, from every object that keeps some there. */
const INDEX_FIELDS = [...RADIX_FIELDS, ...PAGETABLE_FIELDS, ...INODE_FIELDS] as const;
/** Per modelled index: the radix tree slot, its tags, the PTE, the block map. */
export const SLOT = offsets(INDEX_FIELDS);
export const SLOT_STRIDE = INDEX_FIELDS.length;
/** Per page frame: lock holder + 1, page->mapping (1 while in the page cache, else 0), page->index, refcount. */
export const PAGE = offsets(PAGE_FIELDS);
export const PAGE_STRIDE = PAGE_FIELDS.length;
/** Per wait-table queue: who woke it last (+1), with what nr_exclusive, on which key, how many it woke;
 *  then its waiters in FIFO order, each (key << 9) | (256 when non-exclusive) | (thread + 1). */
export const QUEUE = offsets(QUEUE_FIELDS);

/** Words that hold thread ids, for the symmetry renaming: globals by word, record fields by
 *  offset within their record (a per-thread field spans one word per thread). */
export const THREAD_ID_WORDS: {
  globals: readonly { at: number; holds: Holds }[];
  fields: Readonly<Record<RecordKind, readonly { at: number; holds: Holds; perThread: boolean }[]>>;
} = {
  globals: GLOBAL_WORDS.flatMap((w: WordDecl, at) => (w.holds ? [{ at, holds: w.holds }] : [])),
  fields: {
    index: idFields(INDEX_FIELDS), page: idFields(PAGE_FIELDS), queue: idFields(QUEUE_FIELDS),
  },
};

function idFields(fields: readonly WordDecl[]): { at: number; holds: Holds; perThread: boolean }[] {
  return fields.flatMap((w, at) => (w.holds ? [{ at, holds: w.holds, perThread: w.perThread ?? false }] : []));
}

/** pmd_t of the region: none, a huge zero page, a devmap PMD, or a pointer to a PTE table. */
export const enum Pmd { None = 0, HugeZero = 1, Devmap = 2, Table = 3 }

/** pte_t: 0 none, PTE_PFN a DAX pfn, PTE_ZERO the shared zero page (read-only: a read fault
 *  on a hole of the XArray era), else page frame + 1 of a page cache (hole) page. */
export const PTE_PFN = -1;
export const PTE_ZERO = -2;
/** Block map of iomap_begin. */
export const enum Block { Hole = 0, Unwritten = 1, Mapped = 2 }
/** The vmas of a MAP_DIRECT scenario: the one mmap(2) sets up, and a MAP_SHARED one made before. */
export const enum Vma { New = 1, Other = 2 }



/** Per thread, the VM's words: status, task state, preempt count, return value, stack pointer;
 *  then the objects' per-thread words; then the stack. */
const VM_THREAD_WORDS = [
  { name: 'STATUS', doc: 'running or done' }, { name: 'TASK_STATE', doc: 'the task state (TASK_RUNNING, TASK_UNINTERRUPTIBLE)' },
  { name: 'PREEMPT', doc: 'the preempt count' }, { name: 'RETVAL', doc: 'the entry point\'s return value, once done' },
  { name: 'SP', doc: 'the current frame' },
] as const satisfies readonly WordDecl[];
const THREAD_WORDS = [...VM_THREAD_WORDS, ...PAGETABLE_THREAD_FIELDS, ...INODE_THREAD_FIELDS, ...LEASE_THREAD_FIELDS, ...DEVMAP_THREAD_FIELDS] as const;
export const THREAD = { ...offsets(THREAD_WORDS), STACK: THREAD_WORDS.length } as const;
export const enum TStatus { Running = 0, Done = 2 }
/** Frame header words before the locals: CODE = function id << 16 | pc; LINKS = (return
 *  destination + 1) << 16 | (caller frame + 1), 0 meaning none (no result; the first frame). */
export const FRAME = { CODE: 0, LINKS: 1, LOCALS: 2 } as const;
/** Pointers into a thread's own stack: PTR_BASE + word offset within the thread region. */
export const PTR_BASE = 0x10000000;

/** Footprint ids of every object: a global id from 1, or a range of ids per record (a slot,
 *  a page, a queue, a thread). Steps with disjoint footprints commute. */
const FOOTPRINTS: readonly FootprintDecl[] = [
  ...SPINLOCK_FOOTPRINTS, ...RWSEM_FOOTPRINTS, ...RADIX_FOOTPRINTS, ...PAGES_FOOTPRINTS, ...PAGETABLE_FOOTPRINTS,
  ...INODE_FOOTPRINTS, ...WAITTABLE_FOOTPRINTS, ...LEASE_FOOTPRINTS, ...DAXDEV_FOOTPRINTS, ...DEVMAP_FOOTPRINTS,
];
type FootprintNames<F extends readonly FootprintDecl[], Per extends boolean> =
  (Per extends true ? Extract<F[number], { per: string }> : Exclude<F[number], { per: string }>)['name'];
type AllFootprints = [...typeof SPINLOCK_FOOTPRINTS, ...typeof RWSEM_FOOTPRINTS, ...typeof RADIX_FOOTPRINTS,
  ...typeof PAGES_FOOTPRINTS, ...typeof PAGETABLE_FOOTPRINTS, ...typeof INODE_FOOTPRINTS, ...typeof WAITTABLE_FOOTPRINTS,
  ...typeof LEASE_FOOTPRINTS, ...typeof DAXDEV_FOOTPRINTS,
  ...typeof DEVMAP_FOOTPRINTS];
/** Ids of a record's footprint are RECORD_IDS apart: more records than that no scenario has. */
const RECORD_IDS = 1000;

function footprintIds(): Record<string, number | ((i: number) => number)> {
  const out: Record<string, number | ((i: number) => number)> = {};
  let global = 1;
  let range = 1;
  for (const f of FOOTPRINTS) {
    if (f.per) {
      const base = range++ * RECORD_IDS;
      out[f.name] = (i: number) => base + i;
    } else out[f.name] = global++;
  }
  return out;
}

export const OBJ = footprintIds() as
  { readonly [K in FootprintNames<AllFootprints, false>]: number } &
  { readonly [K in FootprintNames<AllFootprints, true>]: (i: number) => number };

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
  /** The words that record what the model saw rather than the kernel's state (WordDecl.diagnostic). */
  diagnosticWords(): number[] {
    const out: number[] = [];
    const words = (fields: readonly WordDecl[], n: number, word: (r: number, f: number) => number): void => {
      fields.forEach((w, f) => { if (w.diagnostic) for (let r = 0; r < n; r++) out.push(word(r, f)); });
    };
    words(GLOBAL_WORDS, 1, (_r, f) => f);
    words(INDEX_FIELDS, this.indexes.length, (r, f) => this.slotWord(r, f));
    words(PAGE_FIELDS, this.nPages, (r, f) => this.pageWord(r, f));
    words(QUEUE_FIELDS, this.nQueues, (r, f) => this.queueWord(r, f));
    return out;
  }
  /** The words of every thread that record what it did for the properties (WordDecl.ghost). */
  ghostWords(): number[] {
    const fields = (THREAD_WORDS as readonly WordDecl[]).flatMap((w, f) => (w.ghost ? [f] : []));
    return Array.from({ length: this.nThreads }, (_x, t) => fields.map((f) => this.thread(t) + f)).flat();
  }
  thread(t: number): number { return this.threadBase + t * this.threadStride; }
  /** The footprint id of every object of a state of this layout (OBJ): each global object,
   *  and each record's. */
  objectIds(): number[] {
    const ids = OBJ as unknown as Record<string, number | ((i: number) => number)>;
    return FOOTPRINTS.flatMap((f) => {
      const id = ids[f.name];
      return typeof id === 'number' ? [id] : Array.from({ length: this.records(f.per!) }, (_x, r) => id(r));
    });
  }
  /** How many records of a kind a state of this layout has. */
  records(kind: RecordKind | 'thread'): number {
    return kind === 'index' ? this.indexes.length : kind === 'page' ? this.nPages : kind === 'queue' ? this.nQueues : this.nThreads;
  }
  /** What word i of a state is, in the objects' own names: `slot 0x203 tags`, `thread 1 stack+4`. */
  wordName(i: number): string {
    const field = (fields: readonly WordDecl[], f: number): string => fields[f]?.name ?? `+${f}`;
    if (i < this.slotBase) return field(GLOBAL_WORDS, i);
    if (i < this.pageBase) return `slot 0x${this.indexes[Math.floor((i - this.slotBase) / SLOT_STRIDE)].toString(16)} ${field(INDEX_FIELDS, (i - this.slotBase) % SLOT_STRIDE)}`;
    if (i < this.queueBase) return `page ${Math.floor((i - this.pageBase) / PAGE_STRIDE)} ${field(PAGE_FIELDS, (i - this.pageBase) % PAGE_STRIDE)}`;
    if (i < this.threadBase) {
      const f = (i - this.queueBase) % this.queueStride;
      return `queue ${Math.floor((i - this.queueBase) / this.queueStride)} ${f < QUEUE.FIFO ? field(QUEUE_FIELDS, f) : `waiter ${f - QUEUE.FIFO}`}`;
    }
    const f = (i - this.threadBase) % this.threadStride;
    return `thread ${Math.floor((i - this.threadBase) / this.threadStride)} ${f < THREAD.STACK ? field(THREAD_WORDS, f) : `stack+${f - THREAD.STACK}`}`;
  }
  /** The wait-table queue a key hashes to (queues may be shared by several keys: the hash collides). */
  queueOf(key: number): number {
    const s = this.slot(key);
    return (s < 0 ? key : s) % this.nQueues;
  }
}
