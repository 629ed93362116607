// Data written through a shared DAX mapping sits in CPU caches until fs/dax.c flushes it
// (dax_flush()) on writeback; the DIRTY mark of its entry is how writeback finds it. Two
// promises follow. An fsync (a WB_SYNC_ALL writeback) that returns success has flushed every
// page written before it began: otherwise a power failure loses data the application was told
// is durable. And once every thread returned, a page holding unflushed data in the file is in
// an entry marked DIRTY: otherwise no later fsync flushes it either. Data of a page truncated
// out of the file is gone with the file's tail, and not counted. The model's persistent memory
// never fails, so an fsync that returns an error reports a failure that did not happen.
import { G, OBJ, SLOT } from '../kernel/layout';
import type { Fault } from '../machine';
import { K } from '../objects/constants';
import { hex } from '../objects/format';
import { DATA_BEFORE } from '../objects/inode/index';
import { lookupSlot } from '../objects/radix/entries';
import { NO_FAULTS, type Property } from './property';

/** Entry points that write the file back with WB_SYNC_ALL (fsync, msync). */
const DATA_INTEGRITY_WRITEBACKS = new Set(['filemap_fdatawrite_range']);

const MARKED = (1 << K.PAGECACHE_TAG_DIRTY) | (1 << K.PAGECACHE_TAG_TOWRITE);

export const DATA_INTEGRITY: Property = {
  name: 'data-integrity',
  kinds: ['wrong-result'],
  protects: 'written data: an fsync that returns success has flushed what was written before it, and unflushed data stays findable by the next one',
  returnTouches(x, entry) {
    if (!DATA_INTEGRITY_WRITEBACKS.has(entry.fn)) return;
    x.read(OBJ.ISIZE); x.all(OBJ.data, 'index', false);
  },
  returned(w, entry, ret): Fault | null {
    if (!DATA_INTEGRITY_WRITEBACKS.has(entry.fn)) return null;
    // The model's persistent memory never fails a flush: an error is the code's own.
    if (ret < 0) return { kind: 'wrong-result', threads: [w.t], message: `${w.threadName(w.t)} failed (${ret}) though no flush failed: the application is told its data may be lost`, detail: { ret } };
    if (ret !== 0) return null;
    w.read(OBJ.ISIZE);
    const stale = w.L.indexes.filter((x, s) => {
      w.read(OBJ.data(s));
      return x < w.s[G.ISIZE] && (w.s[w.L.slotWord(s, SLOT.DATA)] & DATA_BEFORE) !== 0;
    });
    if (!stale.length) return null;
    return {
      kind: 'wrong-result', threads: [w.t],
      message: `${w.threadName(w.t)} returned success with the data written to ${stale.map(hex).join(', ')} before it began still not flushed to persistent memory: a power failure loses what the fsync promised was durable`,
      detail: { indexes: stale.map(hex).join(', ') },
    };
  },
  final({ st, L }) {
    let faults: Fault[] | null = null;
    L.indexes.forEach((x, s) => {
      if (!st[L.slotWord(s, SLOT.DATA)] || x >= st[G.ISIZE]) return;
      const e = lookupSlot(L, st, x);
      if (e >= 0 && st[L.slotWord(e, SLOT.TAGS)] & MARKED) return;
      (faults ??= []).push({
        kind: 'wrong-result',
        message: `the data written to ${hex(x)} is not flushed after every thread returned, and ${e < 0 ? 'no entry of the file covers it' : 'its entry is not marked DIRTY'}: no fsync will ever write it back`,
        detail: { index: hex(x) },
      });
    });
    return faults ?? NO_FAULTS;
  },
};
