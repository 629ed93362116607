// write(2) through DAX gives the caller what it asked for: the model's write of one page has
// nothing that can fail but an allocation (-ENOMEM), so a write that returns a short count, or
// an error of another kind, tells the application its data did not land when it could have;
// a write that returns 0 for a page makes it loop for ever.
import { K } from '../objects/constants';
import { hex } from '../objects/format';
import type { Property } from './property';

/** Entry points that end in a write of one page at their first argument. */
const WRITES = new Set(['xfs_file_dax_write', 'mmap_read_then_write']);

export const WRITE_RESULT: Property = {
  name: 'write-result',
  kinds: ['wrong-result'],
  protects: 'a write(2) of a page writes the whole page, or fails for a reason the model has (an allocation)',
  // It reads only what the thread returned.
  returnTouches() {},
  returned(w, entry, ret) {
    if (!WRITES.has(entry.fn) || ret === K.PAGE_SIZE || ret === -K.ENOMEM) return null;
    const what = ret < 0 ? `the error ${ret}` : `${ret} of ${K.PAGE_SIZE} bytes`;
    return {
      kind: 'wrong-result', threads: [w.t], detail: { index: hex(entry.args[0]), ret: String(ret) },
      message: `${w.threadName(w.t)} returned ${what} for a write of the page at ${hex(entry.args[0])}, which nothing in its way could fail`,
    };
  },
};
