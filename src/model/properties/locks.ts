// Every lock is released on every path of the function that took it, and threads never wait
// on each other in a cycle. A thread blocked taking a lock whose holder returned: the holder
// leaked it; whose holder is blocked too: deadlock. Once every thread returned, no lock of any
// object is still held.
import { locksAcquiredBy, LOCKS } from '../objects/index';
import type { Property } from './property';

export const LOCKS_RELEASED: Property = {
  name: 'locks',
  kinds: ['lock-imbalance', 'deadlock', 'entry-left-locked'],
  protects: 'locks are released on every path, and no two threads wait for each other',
  stuck({ st, L, name, done }, { t, ins }) {
    const locks = ins.k === 'prim' ? locksAcquiredBy(ins.name) : [];
    if (!locks.length) return null;
    // Of the locks the primitive may take, the one held exclusive is the one the thread waits for.
    const lock = locks.find((l) => l.holder(st, L, t) >= 0) ?? locks[0];
    const holder = lock.holder(st, L, t);
    if (holder >= 0 && done(holder)) {
      return { kind: lock.leftKind, threads: [t, holder], message: `${name(holder)} returned holding ${lock.what}; ${name(t)} waits for it forever` };
    }
    return { kind: 'deadlock', threads: holder >= 0 ? [t, holder] : [t], message: `${name(t)} waits for ${lock.what}${holder >= 0 ? ` held by ${name(holder)}` : ''}` };
  },
  final: ({ st, L, name }) => LOCKS.flatMap((l) => l.heldAtEnd(st, L, name)),
};
