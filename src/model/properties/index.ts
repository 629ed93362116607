// The model's properties, registered: each file says what it protects. The machine checks
// every state against the invariants, asks them why a stuck thread is stuck, and checks the
// states where every thread returned against the final ones.
import type { Property } from './property';
import { ACCOUNTING } from './accounting';
import { OVERLAP } from './overlap';
import { WAITERS } from './waiters';
import { LOCKS_RELEASED } from './locks';
import { ENTRIES_UNLOCKED } from './entries-unlocked';
import { REFCOUNT } from './refcount';
import { STALE_MAPPING } from './stale-mapping';
import { BEYOND_EOF } from './beyond-eof';
import { FAULT_RESULT } from './fault-result';
import { PMD_RESULT } from './pmd-result';
import { MAP_DIRECT_RESULTS } from './map-direct';
import { TRUNCATE_RESULT } from './truncate-result';
import { DAX_CLAIM } from './dax-claim';
import { DEVMAP_REFS, DEVMAP_RESULTS } from './devmap';
import { DAX_PAGE_REFS } from './dax-page-refs';
import { MEMORY_FAILURE_FOUND } from './memory-failure';
import { DATA_INTEGRITY } from './data-integrity';
import { WRITE_RESULT } from './write-result';

export const PROPERTIES: readonly Property[] = [
  ACCOUNTING, OVERLAP, WAITERS, LOCKS_RELEASED, ENTRIES_UNLOCKED, REFCOUNT, STALE_MAPPING, BEYOND_EOF, FAULT_RESULT, PMD_RESULT, MAP_DIRECT_RESULTS, TRUNCATE_RESULT, DAX_CLAIM, DEVMAP_REFS, DEVMAP_RESULTS,
  DAX_PAGE_REFS, MEMORY_FAILURE_FOUND, DATA_INTEGRITY, WRITE_RESULT,
];

export const INVARIANTS = PROPERTIES.filter((p) => p.invariant);
export const STUCK = PROPERTIES.filter((p) => p.stuck);
export const FINAL = PROPERTIES.filter((p) => p.final);
export const RETURNED = PROPERTIES.filter((p) => p.returned);

export { NO_FAULTS } from './property';
export type { Property, PropertyContext } from './property';
