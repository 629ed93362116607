// The state of the file lease a MAP_DIRECT mapping holds (fs/locks.c, fs/mapdirect.c of the
// MAP_DIRECT v7 series on v4.14), of the vma mmap(2) sets up, of the inode's MAP_DIRECT
// traits, and of the credentials of each thread.
import type { FootprintDecl, WordDecl } from '../object';

export const LEASE_WORDS = [
  { name: 'LEASE', doc: 'the inode\'s FL_LAYOUT lease: 0 none, 1 held' },
  { name: 'MDS', doc: 'the map_direct_state\'s mds_state bits: MAPDIRECT_BREAK (1), MAPDIRECT_VALID (2)' },
  { name: 'MAPDCOUNT', doc: 'i_mapdcount: the inode\'s MAP_DIRECT mappings' },
  { name: 'TIMER', doc: 'the lease-break-time delayed work: 0 idle, 1 scheduled, 2 ran' },
  { name: 'SIGIO', doc: 'SIGIO signals sent to the lease holder' },
  { name: 'VMA_OPS', doc: 'vm_ops of the vma mmap(2) sets up: 0 none, 1 xfs_file_vm_ops, 2 xfs_file_vm_direct_ops' },
  { name: 'VMA_FLAGS', doc: 'vm_flags of that vma' },
  { name: 'VMA_PRIVATE', doc: 'vm_private_data of that vma (the map_direct_state, 1)' },
  { name: 'VMA_LINKED', doc: '1 once mmap(2) returned the vma to the process' },
  { name: 'INODE_FLAGS', doc: 'the inode: S_DAX (1), reflinked extents (2)' },
] as const satisfies readonly WordDecl[];

/** Per thread: what the task may do with leases. */
export const LEASE_THREAD_FIELDS = [
  { name: 'CRED', doc: 'the task\'s credentials: its fsuid owns the file (1), CAP_LEASE (2)' },
] as const satisfies readonly WordDecl[];

export const LEASE_FOOTPRINTS = [{ name: 'lease' }, { name: 'vma' }] as const satisfies readonly FootprintDecl[];
