// Every locked entry is unlocked by its locker, error paths included: once every thread
// returned, an entry still locked makes the next fault on its index sleep forever.
import { K } from '../objects/constants';
import { SLOT } from '../kernel/layout';
import type { Fault } from '../machine';
import { hex } from '../objects/format';
import { describeEntry, isExceptional } from '../objects/radix/entries';
import type { Property } from './property';

export const ENTRIES_UNLOCKED: Property = {
  name: 'entries-unlocked',
  kinds: ['entry-left-locked'],
  protects: 'entry locks are given back on every path: a locked entry nobody will unlock hangs every later fault on it',
  final({ st, L }) {
    const faults: Fault[] = [];
    L.indexes.forEach((x, s) => {
      const e = st[L.slotWord(s, SLOT.ENTRY)];
      if (isExceptional(e) && e & K.RADIX_DAX_ENTRY_LOCK) faults.push({ kind: 'entry-left-locked', message: `entry at ${hex(x)} is still locked after every thread returned (${describeEntry(e)})`, detail: { index: hex(x), entry: describeEntry(e) } });
    });
    return faults;
  },
};
