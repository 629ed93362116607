// A page fault gives the process what it asked for: a fault at an index inside the file that
// returns without an error has mapped the page it faulted on, or found it mapped (a PTE, or a
// huge PMD over it: THREAD.MAPPED, which the page table's primitives set); one that returns
// SIGBUS for an index inside the file had no reason to; one that returns without an error
// says it was a major fault (VM_FAULT_MAJOR, counted in PGMAJFAULT) exactly when its PTE path
// allocated the block (IOMAP_F_NEW, THREAD.ALLOCATED); a write fault that only found its
// PTE read-only (or the huge zero page) and left it so has given the store nothing; and
// VM_FAULT_FALLBACK, the huge fault handlers' "try PTEs", never reaches the caller. Checked in the step where the fault
// returns; what it reads there is the thread's own words and i_size.
import { G, OBJ, Pmd, SLOT, THREAD } from '../kernel/layout';
import { Mapped, pmdHuge } from '../objects/pagetable/index';
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
  returnTouches(x, entry) {
    if (!FAULTS.has(entry.fn)) return;
    x.read(OBJ.ISIZE); x.read(OBJ.PMD); x.index(OBJ.pte, entry.args[0], false);
  },
  returned(w, entry, ret) {
    if (!FAULTS.has(entry.fn)) return null;
    const index = entry.args[0];
    if (ret & K.VM_FAULT_FALLBACK) {
      // An answer between __handle_mm_fault() and the huge fault handlers ("try PTEs"), never
      // one for the caller: the arch code takes it for success and the access faults again.
      return { kind: 'wrong-result', threads: [w.t], message: `${w.threadName(w.t)} returned VM_FAULT_FALLBACK (${hex(ret)}) for ${hex(index)}: the PTE fault it asks for never ran`, detail: { index: hex(index), ret: hex(ret) } };
    }
    w.read(OBJ.ISIZE);
    // Beyond i_size a SIGBUS is the answer; an allocation that failed (OOM) is a reason too.
    if (index >= w.s[G.ISIZE] || ret & K.VM_FAULT_OOM) return null;
    const name = w.threadName(w.t);
    if (ret & K.VM_FAULT_SIGBUS) {
      return { kind: 'wrong-result', threads: [w.t], message: `${name} returned SIGBUS (${hex(ret)}) for ${hex(index)}, inside the file`, detail: { index: hex(index), ret: hex(ret) } };
    }
    if (w.s[w.base + THREAD.MAPPED] & SAW_MAPPING) return ret & VM_FAULT_ERROR ? null : readOnlyWrite(w, entry.args, ret) ?? majorFault(w, index, ret);
    return { kind: 'wrong-result', threads: [w.t], message: `${name} returned ${hex(ret)} without an error, but never mapped ${hex(index)} nor found it mapped: the process faults on it again`, detail: { index: hex(index), ret: hex(ret) } };
  },
};

/** THREAD.MAPPED's bits that say the fault mapped its page or found it mapped. */
const SAW_MAPPING = Mapped.FoundPte | Mapped.Made | Mapped.Writable;

/** A fault's errors (mm.h VM_FAULT_ERROR, the ones the model returns). */
const VM_FAULT_ERROR = K.VM_FAULT_OOM | K.VM_FAULT_SIGBUS;

/**
 * A write fault that found its PTE present and returned without an error, having neither
 * made it writable nor mapped anything: while that PTE is still there, read-only, the
 * process's store faults the same way again, forever. A fault that mapped a PTE, or met a
 * huge PMD, is retried along another path (v4.10 maps a PTE read-only and makes it
 * writable on the next fault, ->pfn_mkwrite); one whose PTE changed meanwhile is retried
 * on the new one.
 */
function readOnlyWrite(w: Step, [index, write]: readonly number[], ret: number): Fault | null {
  const mapped = w.s[w.base + THREAD.MAPPED];
  if (!write || mapped & Mapped.Writable) return null;
  const s = w.L.slot(index);
  w.read(OBJ.PMD);
  const pmd = w.s[G.PMD];
  const fault = (what: string): Fault => ({
    kind: 'wrong-result', threads: [w.t], detail: { index: hex(index), ret: hex(ret) },
    message: `${w.threadName(w.t)} returned ${hex(ret)} from a write to ${hex(index)} ${what} and left so: the store faults again, forever`,
  });
  // The huge zero page it met at its first look is still there: its retry looks the same way.
  if (mapped & Mapped.FirstHugeZero && pmd === Pmd.HugeZero) return fault('under the huge zero page it found there');
  if ((mapped & ~(Mapped.PmdRead | Mapped.FirstHugeZero)) !== Mapped.FoundPte) return null;
  if (s < 0 || pmdHuge(pmd)) return null;
  w.read(OBJ.pte(s));
  if (w.s[w.L.slotWord(s, SLOT.PTE)] === 0) return null;
  return fault('whose PTE it found read-only');
}

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
