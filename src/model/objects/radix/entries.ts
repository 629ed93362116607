// The radix tree's slots as the model keeps them: an entry lives at its head index, and a PMD
// entry (order 9) covers the 512 indexes of its region. A slot holds 0, a page pointer, or a
// DAX exceptional entry with the v4.10 bit layout of fs/dax.c (K.RADIX_DAX_*).
import { K } from '../constants';
import { Layout, OBJ, SLOT } from '../../kernel/layout';
import type { Step } from '../../kernel/step';
import { hex } from '../format';

export const isExceptional = (e: number): boolean => (e & K.RADIX_TREE_EXCEPTIONAL_ENTRY) !== 0;
export const isPmd = (e: number): boolean => isExceptional(e) && (e & K.RADIX_DAX_PMD) !== 0;
/** A page pointer is the page frame + 1, shifted so it is word aligned (bit 1 clear: not exceptional). */
export const pagePtr = (frame: number): number => (frame + 1) << 2;
export const pageFrame = (ptr: number): number => (ptr >> 2) - 1;

/** The sector (the radix era) or pfn (the XArray era) a DAX entry maps, its flags aside. */
export const entrySector = (e: number): number => (e & ~K.DAX_ZAP) >> K.RADIX_DAX_SHIFT;

/** The modelled indexes whose DAX pages a DAX entry maps (the block map is linear: pfn = index << 3):
 *  none for a zero-page or empty entry, its own index for a PTE entry, its region's for a PMD. */
export function entryPageIndexes(L: Layout, e: number): number[] {
  if (e & (K.RADIX_DAX_HZP | K.RADIX_DAX_EMPTY)) return [];
  const first = entrySector(e) >> 3;
  const n = e & K.RADIX_DAX_PMD ? K.PG_PMD_NR : 1;
  return L.indexes.filter((x) => x >= first && x < first + n);
}

export function describeEntry(e: number): string {
  if (e === 0) return 'NULL';
  if (!isExceptional(e)) return `page#${pageFrame(e)}`;
  const f: string[] = [];
  if (e & K.RADIX_DAX_PMD) f.push('PMD');
  if (e & K.RADIX_DAX_HZP) f.push('HZP');
  if (e & K.RADIX_DAX_EMPTY) f.push('EMPTY');
  if (e & K.RADIX_DAX_ENTRY_LOCK) f.push('LOCKED');
  if (e & K.DAX_ZAP) f.push('ZAP');
  return `${f.length ? f.join('|') : 'PTE'} sector ${entrySector(e)}`;
}

/** The slot of an index, or -1 after an assertion fault when the scenario does not model it. */
export function slotOrFault(w: Step, index: number): number {
  const s = w.L.slot(index);
  if (s < 0) w.commit('assertion', `index ${hex(index)} is not modelled by this scenario`);
  return s;
}

/** The slot holding the entry that covers index (the index itself, or its PMD head), or -1. */
export function lookupSlot(L: Layout, st: Int32Array, index: number): number {
  const s = L.slot(index);
  if (s >= 0 && st[L.slotWord(s, SLOT.ENTRY)] !== 0) return s;
  const head = L.slot(index & ~K.PG_PMD_COLOUR);
  if (head >= 0 && isPmd(st[L.slotWord(head, SLOT.ENTRY)])) return head;
  return -1;
}

/** lookupSlot() as a step sees it: it reads the index's own slot and its PMD head. */
export function lookupRead(w: Step, index: number): number {
  const { L, s } = w;
  const own = L.slot(index);
  if (own >= 0) w.read(OBJ.slot(own));
  const head = L.slot(index & ~K.PG_PMD_COLOUR);
  if (head >= 0) w.read(OBJ.slot(head));
  // lookupSlot(), with the slots just found.
  if (own >= 0 && s[L.slotWord(own, SLOT.ENTRY)] !== 0) return own;
  if (head >= 0 && isPmd(s[L.slotWord(head, SLOT.ENTRY)])) return head;
  return -1;
}

export function entryAt(w: Step, slot: number): number {
  w.read(OBJ.slot(slot));
  return w.s[w.L.slotWord(slot, SLOT.ENTRY)];
}

export function setEntry(w: Step, slot: number, e: number): void {
  w.write(OBJ.slot(slot));
  w.set(w.L.slotWord(slot, SLOT.ENTRY), e);
}
