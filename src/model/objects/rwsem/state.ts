// The state of XFS_MMAPLOCK, the rw semaphore XFS serialises faults with truncate by.
import type { FootprintDecl, WordDecl } from '../object';

export const RWSEM_WORDS = [
  { name: 'MMAPLOCK', doc: 'XFS_MMAPLOCK: reader count, or -(holder + 1) when held exclusive', holds: 'rwsem' },
] as const satisfies readonly WordDecl[];
export const RWSEM_FOOTPRINTS = [{ name: 'MMAPLOCK' }] as const satisfies readonly FootprintDecl[];
