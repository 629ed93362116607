// A thread asleep on an entry's wait queue must be woken by whoever unlocks, deletes or
// replaces the entry it waits for. Asleep on an entry that is gone or unlocked: the wake-up
// was lost (the queues are exclusive, so one wake-up too few strands a waiter). Asleep on a
// locked entry once everyone else returned: the entry was left locked. Otherwise: deadlock.
import { K } from '../objects/constants';
import { QUEUE, SLOT, THREAD } from '../kernel/layout';
import { hex } from '../objects/format';
import { describeEntry, isExceptional, lookupSlot } from '../objects/radix/entries';
import { isVarKey, keyName, TASK_UNINTERRUPTIBLE, VARIABLE, varOfKey, waitKey } from '../objects/waittable/index';
import { daxPageIndex, daxPageRefs } from '../objects/inode/index';
import type { Property } from './property';
import type { Layout } from '../kernel/layout';
import type { Fault } from '../machine';

/** A thread asleep on a DAX page's _refcount (break layouts' ___wait_var_event()): the page
 *  going idle wakes it, so asleep on an idle page the wake-up was lost; on a page still held
 *  once no other thread can run, nothing ever lets it go. */
function stuckOnPage(st: Int32Array, L: Layout, name: (t: number) => string, t: number, page: number, othersDone: boolean): Fault {
  const index = hex(daxPageIndex(page));
  const refs = daxPageRefs(st, L, page);
  const detail = { page: index, refs };
  if (refs === 0) {
    return { kind: 'lost-wakeup', threads: [t], detail,
      message: `${name(t)} sleeps forever on the _refcount of the DAX page of ${index}, which is idle: no wake-up comes again (the page went idle before it queued, or its condition does not hold for an idle page)` };
  }
  return { kind: 'deadlock', threads: [t], detail,
    message: `${name(t)} waits for the DAX page of ${index} to go idle ${othersDone ? 'after every other thread returned' : 'while no thread can run'}: ${refs} reference${refs === 1 ? '' : 's'} above idle never dropped` };
}

export const WAITERS: Property = {
  name: 'waiters',
  kinds: ['lost-wakeup', 'entry-left-locked', 'deadlock'],
  protects: 'every waiter of an entry lock is woken: a fault sleeping forever hangs the process that took it',
  stuck({ st, L, name }, { t, ins, othersDone }) {
    if (ins.k !== 'prim' || ins.name !== 'schedule' || st[L.thread(t) + THREAD.TASK_STATE] !== TASK_UNINTERRUPTIBLE) return null;
    const key = waitKey(st, L, t);
    if (isVarKey(key)) {
      const v = varOfKey(key);
      if (v.variable === VARIABLE._refcount) return stuckOnPage(st, L, name, t, v.object, othersDone);
      return { kind: 'lost-wakeup', threads: [t], detail: { key: keyName(key) }, message: `${name(t)} sleeps forever on ${keyName(key)}, which no thread of the model wakes` };
    }
    const s = lookupSlot(L, st, key);
    const e = s < 0 ? 0 : st[L.slotWord(s, SLOT.ENTRY)];
    const entryKey = s < 0 ? -1 : (e & K.RADIX_DAX_PMD ? L.indexes[s] & ~K.PG_PMD_COLOUR : key);
    const locked = isExceptional(e) && (e & K.RADIX_DAX_ENTRY_LOCK) !== 0 && entryKey === key;
    const q = L.queueOf(key);
    const waker = st[L.queueWord(q, QUEUE.LAST_WAKER)];
    const detail = {
      key: hex(key), entry: describeEntry(e),
      lastWaker: waker ? name(waker - 1) : 'none',
      nr_exclusive: waker ? st[L.queueWord(q, QUEUE.LAST_NR)] : -1,
      lastWakeKey: waker ? hex(st[L.queueWord(q, QUEUE.LAST_KEY)]) : 'none',
    };
    if (!locked) {
      return {
        kind: 'lost-wakeup', threads: [t], detail,
        message: `${name(t)} sleeps forever on key ${hex(key)} (${describeEntry(e)}); ` +
          (waker ? `last wake-up of that queue: ${name(waker - 1)} with nr_exclusive=${detail.nr_exclusive} on key ${detail.lastWakeKey}` : 'nobody ever woke that queue'),
      };
    }
    if (othersDone) return { kind: 'entry-left-locked', threads: [t], detail, message: `entry at ${hex(key)} is left locked (${describeEntry(e)}); ${name(t)} sleeps on it forever` };
    return { kind: 'deadlock', threads: [t], detail, message: `${name(t)} waits on the locked entry at ${hex(key)} while no thread can run` };
  },
};
