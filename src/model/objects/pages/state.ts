// The state of page cache pages (the hole pages of a DAX mapping) and the mapping's count of them.
import type { FootprintDecl, WordDecl } from '../object';

export const PAGES_WORDS = [
  { name: 'NRPAGES', doc: 'mapping->nrpages' },
] as const satisfies readonly WordDecl[];
export const PAGE_FIELDS = [
  { name: 'LOCK', doc: 'the page lock: holder thread + 1, 0 when free', holds: 'thread' },
  { name: 'MAPPING', doc: 'page->mapping: 1 while in the page cache, else 0' },
  { name: 'INDEX', doc: 'page->index' },
  { name: 'REF', doc: 'page->_refcount' },
] as const satisfies readonly WordDecl[];
export const PAGES_FOOTPRINTS = [{ name: 'NRPAGES' }, { name: 'page', per: 'page' }] as const satisfies readonly FootprintDecl[];
