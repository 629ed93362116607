// A page fault gives the process what it asked for: a fault at an index inside the file that
// returns without an error has mapped the page it faulted on, or found it mapped (a PTE, or a
// huge PMD over it: THREAD.MAPPED, which the page table's primitives set); one that returns
// SIGBUS for an index inside the file had no reason to; one that returns without an error
// says it was a major fault (VM_FAULT_MAJOR, counted in PGMAJFAULT) exactly when its PTE path
// allocated the block (IOMAP_F_NEW, THREAD.ALLOCATED). Checked in the step where the fault
// returns; what it reads there is the thread's own words and i_size.
import { G, OBJ, THREAD } from '../kernel/layout';
import { K } from '../objects/constants';
import { hex } from '../objects/format';
import type { Property } from './property';
import type { Fault } from '../machine';
import type { Step } from '../kernel/step';

/** Entry points that are page faults: the index they fault at is their first argument. */
const FAULTS = new Set(['handle_mm_fault', 'do_dax_fault']);

export const FAULT_RESULT: Property = {
  name: 'fault-result',
  kinds: ['wrong-result', 'accounting'],
  protects: 'a fault inside the file maps its page or says why not: a wrong SIGBUS kills the process, a fault that maps nothing faults again forever; and it is counted as major only when it allocated',
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
    if (w.s[w.base + THREAD.MAPPED]) return ret & VM_FAULT_ERROR ? null : majorFault(w, index, ret);
    return { kind: 'wrong-result', threads: [w.t], message: `${name} returned ${hex(ret)} without an error, but never mapped ${hex(index)} nor found it mapped: the process faults on it again`, detail: { index: hex(index), ret: hex(ret) } };
  },
};

/** A fault's errors (mm.h VM_FAULT_ERROR, the ones the model returns). */
const VM_FAULT_ERROR = K.VM_FAULT_OOM | K.VM_FAULT_SIGBUS;

/** VM_FAULT_MAJOR said exactly when the fault allocated its block. */
function majorFault(w: Step, index: number, ret: number): Fault | null {
  const major = (ret & K.VM_FAULT_MAJOR) !== 0;
  if (major === (w.s[w.base + THREAD.ALLOCATED] === 1)) return null;
  const name = w.threadName(w.t);
  return {
    kind: 'accounting', threads: [w.t], detail: { index: hex(index), ret: hex(ret) },
    message: major
      ? `${name} returned VM_FAULT_MAJOR (${hex(ret)}) for ${hex(index)} but allocated nothing: a minor fault counted in PGMAJFAULT`
      : `${name} allocated the block of ${hex(index)} (IOMAP_F_NEW) but returned ${hex(ret)} without VM_FAULT_MAJOR: a major fault counted as minor`,
  };
}
