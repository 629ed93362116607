// The state of XFS_MMAPLOCK, the rw semaphore XFS serialises faults with truncate by, and of
// XFS_IOLOCK, the one it serialises write(2), fallocate and truncate by, and of XFS_ILOCK, the
// one that guards the block map.
import type { FootprintDecl, WordDecl } from '../object';

export const RWSEM_WORDS = [
  { name: 'MMAPLOCK', doc: 'XFS_MMAPLOCK: reader count, or -(holder + 1) when held exclusive', holds: 'rwsem' },
  { name: 'IOLOCK', doc: 'XFS_IOLOCK: reader count, or -(holder + 1) when held exclusive', holds: 'rwsem' },
  { name: 'ILOCK', doc: 'XFS_ILOCK: reader count, or -(holder + 1) when held exclusive', holds: 'rwsem' },
] as const satisfies readonly WordDecl[];
export const RWSEM_FOOTPRINTS = [{ name: 'MMAPLOCK' }, { name: 'IOLOCK' }, { name: 'ILOCK' }] as const satisfies readonly FootprintDecl[];
