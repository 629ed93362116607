// The state of the mapping's radix tree: one slot per modelled index (an entry lives at its
// head index; a PMD entry covers its 512 indexes), its tags, the count of exceptional entries
// and the radix_tree_preload() failures the explorer may still inject.
import type { FootprintDecl, WordDecl } from '../object';

export const RADIX_WORDS = [
  { name: 'NREXCEPTIONAL', doc: 'mapping->nrexceptional' },
  { name: 'ENOMEM_BUDGET', doc: 'radix_tree_preload() failures the explorer may still inject' },
] as const satisfies readonly WordDecl[];
export const RADIX_FIELDS = [
  { name: 'ENTRY', doc: 'the slot: 0, a page pointer, or a DAX exceptional entry' },
  { name: 'TAGS', doc: 'the slot\'s tags, one bit each' },
] as const satisfies readonly WordDecl[];
export const RADIX_FOOTPRINTS = [
  { name: 'NREXCEPTIONAL' }, { name: 'ENOMEM' }, { name: 'slot', per: 'index' }, { name: 'tags', per: 'index' },
] as const satisfies readonly FootprintDecl[];
