// truncate(2) that returns success has made the file the size asked for: a truncate that
// skipped its work (a lease break read as a failure, a path that returns early) leaves blocks
// the caller believes freed, and the size it reported set. And a truncate that nothing in the
// model can fail does not fail: one that gives up for no reason leaves the application a file
// it cannot shrink.
import { G, OBJ } from '../kernel/layout';
import { hex } from '../objects/format';
import type { Property } from './property';
import type { Fault } from '../machine';

/** Entry points that truncate the file to their first argument (pages), then may do more (an
 *  access, whose own result another property judges). */
const TRUNCATES = new Set(['xfs_setattr_size', 'ext4_setattr_size', 'xfs_vn_setattr', 'truncate_then_access']);
/** Truncates nothing in the model can fail: no signal ends their waits, no allocation fails
 *  (a MAP_DIRECT truncate may be refused by a lease, so xfs_vn_setattr() is not one). */
const INFALLIBLE = new Set(['xfs_setattr_size', 'ext4_setattr_size']);

export const TRUNCATE_RESULT: Property = {
  name: 'truncate-result',
  kinds: ['wrong-result'],
  protects: 'a truncate that reports success has set the size it was asked for, and one nothing could fail does not fail',
  returnTouches(x, entry) {
    if (TRUNCATES.has(entry.fn)) x.read(OBJ.ISIZE);
  },
  returned(w, entry, ret): Fault | null {
    if (!TRUNCATES.has(entry.fn)) return null;
    if (ret !== 0 && INFALLIBLE.has(entry.fn)) {
      const what = ret < 0 ? `failed with the error ${ret}` : `returned ${ret}, which no setattr returns`;
      return { kind: 'wrong-result', threads: [w.t], message: `${w.threadName(w.t)} ${what}, where nothing in the model can fail it (no signal, no failed allocation)`, detail: { ret: String(ret) } };
    }
    if (ret < 0 || (ret !== 0 && entry.fn !== 'truncate_then_access')) return null;
    w.read(OBJ.ISIZE);
    if (w.s[G.ISIZE] === entry.args[0]) return null;
    return { kind: 'wrong-result', threads: [w.t], message: `${w.threadName(w.t)} returned success with i_size ${hex(w.s[G.ISIZE])}, not the ${hex(entry.args[0])} pages it was asked for`, detail: { i_size: hex(w.s[G.ISIZE]) } };
  },
};
