// A page fault gives the process what it asked for: a fault at an index inside the file that
// returns without an error has mapped the page it faulted on, or found it mapped (a PTE, or a
// huge PMD over it: THREAD.MAPPED, which the page table's primitives set); one that returns
// SIGBUS for an index inside the file had no reason to. Checked in the step where the fault
// returns; what it reads there is the thread's own words and i_size.
import { G, OBJ, THREAD } from '../kernel/layout';
import { K } from '../objects/constants';
import { hex } from '../objects/format';
import type { Property } from './property';

/** Entry points that are page faults: the index they fault at is their first argument. */
const FAULTS = new Set(['handle_mm_fault', 'do_dax_fault']);

export const FAULT_RESULT: Property = {
  name: 'fault-result',
  kinds: ['wrong-result'],
  protects: 'a fault inside the file maps its page or says why not: a wrong SIGBUS kills the process, a fault that maps nothing faults again forever',
  returned(w, entry, ret) {
    if (!FAULTS.has(entry.fn)) return null;
    const index = entry.args[0];
    w.read(OBJ.ISIZE);
    // Beyond i_size a SIGBUS is the answer; an allocation that failed (OOM) is a reason too.
    if (index >= w.s[G.ISIZE] || ret & K.VM_FAULT_OOM) return null;
    const name = w.threadName(w.t);
    if (ret & K.VM_FAULT_SIGBUS) {
      return { kind: 'wrong-result', threads: [w.t], message: `${name} returned SIGBUS (${hex(ret)}) for ${hex(index)}, inside the file`, detail: { index: hex(index), ret: hex(ret) } };
    }
    if (w.s[w.base + THREAD.MAPPED]) return null;
    return { kind: 'wrong-result', threads: [w.t], message: `${name} returned ${hex(ret)} without an error, but never mapped ${hex(index)} nor found it mapped: the process faults on it again`, detail: { index: hex(index), ret: hex(ret) } };
  },
};
