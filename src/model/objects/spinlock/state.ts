// The state of the model's spinlocks: mapping->tree_lock and the PMD's page table lock.
import type { FootprintDecl, WordDecl } from '../object';

export const SPINLOCK_WORDS = [
  { name: 'TREE_LOCK', doc: 'mapping->tree_lock: holder thread + 1, 0 when free', holds: 'thread' },
  { name: 'PTL', doc: 'the PMD\'s page table lock (pmd_lock()): holder thread + 1, 0 when free', holds: 'thread' },
] as const satisfies readonly WordDecl[];
export const SPINLOCK_FOOTPRINTS = [{ name: 'TREE_LOCK' }] as const satisfies readonly FootprintDecl[];
