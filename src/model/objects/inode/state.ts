// The state of the inode and its filesystem: i_size, the block map iomap_begin() reads and
// allocates, and how the filesystem behaves (a scenario's constants).
import type { FootprintDecl, WordDecl } from '../object';

export const INODE_WORDS = [
  { name: 'ISIZE', doc: 'i_size in pages' },
  { name: 'PMD_EXTENT', doc: 'iomap_begin() over the PMD range: 0 one page, 1 one extent covering it, 2 and an allocating write gets the whole range' },
  { name: 'FS_MMAPLOCK', doc: '1 when the filesystem serialises faults with truncate (XFS_MMAPLOCK)' },
  { name: 'FILESYSTEM', doc: 'the file\'s filesystem (Filesystem: XFS, ext4): whose vm_operations its mapping has' },
] as const satisfies readonly WordDecl[];
export const INODE_FIELDS = [
  { name: 'BLOCK', doc: 'the block map at the index (Block: hole, unwritten, mapped)' },
  { name: 'PINS', doc: 'references get_user_pages() holds on the DAX page of the index\'s block (DMA in flight)' },
  { name: 'DATA', doc: 'data written to the index\'s DAX page through a writable mapping and still in CPU caches, not flushed to persistent memory: bit 0 written before the scenario began, bit 1 by a write fault of it' },
  { name: 'ASSOC', doc: 'page->mapping of the index\'s DAX page: 1 while dax_associate_entry() has tied it to the file (XArray era), else 0' },
  { name: 'MAPREF', doc: 'the reference the mapping holds on the DAX page of the index\'s block (seed 002\'s life cycle: taken when its entry goes in, dropped when break layouts zaps it; 0 where the era keeps none)' },
] as const satisfies readonly WordDecl[];
/** Per thread: what its own fault did to the block map. */
export const INODE_THREAD_FIELDS = [
  { name: 'ALLOCATED', doc: '1 once the thread\'s one-page iomap_begin() (a PTE fault\'s) allocated the block of its index (IOMAP_F_NEW): the fault is a major fault', ghost: true },
] as const satisfies readonly WordDecl[];
export const INODE_FOOTPRINTS = [{ name: 'ISIZE' }, { name: 'block', per: 'index' }, { name: 'pins', per: 'index' }, { name: 'data', per: 'index' }] as const satisfies readonly FootprintDecl[];

/** The filesystem of the scenario's file (INODE_WORDS FILESYSTEM). */
export const enum Filesystem { Xfs = 0, Ext4 = 1 }
