// The state of the DAX wait table (fs/dax.c's wait_table, kernel/sched/wait.c's queues): per
// queue, the last wake-up and the FIFO of exclusive waiters; per thread, its task state.
import type { FootprintDecl, WordDecl } from '../object';

export const QUEUE_FIELDS = [
  { name: 'LAST_WAKER', doc: 'the thread that woke the queue last + 1', holds: 'thread', diagnostic: true },
  { name: 'LAST_NR', doc: 'the nr_exclusive of that wake-up', diagnostic: true },
  { name: 'LAST_KEY', doc: 'its key', diagnostic: true },
  { name: 'LAST_WOKEN', doc: 'how many it woke', diagnostic: true },
  { name: 'FIFO', doc: 'the waiters in queue order, each (key << 9) | (256 when non-exclusive) | (thread + 1)', holds: 'waiter', perThread: true },
] as const satisfies readonly WordDecl[];
export const WAITTABLE_FOOTPRINTS = [{ name: 'queue', per: 'queue' }, { name: 'task', per: 'thread' }] as const satisfies readonly FootprintDecl[];
