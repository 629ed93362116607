// Patch mails against the XArray era of fs/dax.c, one pair per property (./pairs.ts says what
// each pair must show), in the forms reviewers have mail: a raw git format-patch, a reply quoting
// the hunks with comments under them, a lore page, lkml.org and mail-archive dumps, an mbox thread.
import { describePairs, type Pair } from './pairs';

const PAIRS: readonly Pair[] = [
  {
    property: 'every waiter of a removed entry is woken', kind: 'lost-wakeup', scenario: 'xa-invalidate-waiters',
    broken: 'xarray/lost-wakeup.patch', fixed: 'xarray/lost-wakeup-fixed.patch',
    at: /^\+\s*put_unlocked_entry\(&xas, entry, WAKE_NEXT\);$/,
  },
  {
    property: 'every locked entry is unlocked on every path', kind: 'entry-left-locked', scenario: 'xa-pmd-pte-conflict',
    broken: 'xarray/entry-left-locked.eml', fixed: 'xarray/entry-left-locked-fixed.eml',
    at: /^> \+\s*(if \(pmd_trans_huge\(\*vmf->pmd\) \|\| pmd_devmap\(\*vmf->pmd\)\)|return VM_FAULT_NOPAGE;)$/,
    comment: 'This returns with the entry still locked',
  },
  {
    property: 'mapping->nrpages counts the pages under the entries', kind: 'accounting', scenario: 'xa-pte-write-over-zero-pmd',
    broken: 'xarray/accounting.lore.txt', fixed: 'xarray/accounting-fixed.lore.txt',
    at: /^\+\s*mapping->nrpages -= 1UL << order;$/,
  },
  {
    property: 'a PMD fault on an empty range maps a PMD', kind: 'wrong-result', scenario: 'xa-pmd-empty',
    broken: 'xarray/wrong-result.lkml.txt', fixed: 'xarray/wrong-result-fixed.mail-archive.txt',
    at: /^\+ (if \(dax_entry_order\(entry\) < order\)|return XA_RETRY_ENTRY;)$/,
  },
  {
    property: 'the i_pages lock is never taken by its holder', kind: 'lock-imbalance', scenario: 'xa-writeback-vs-fault', twinScenario: 'xa-fsync-vs-fault',
    broken: 'xarray/self-deadlock.mail-archive.txt', fixed: 'xarray/self-deadlock-fixed.mbox',
    at: /^> \+\s*dax_unlock_entry\(xas, entry\);$/,
    comment: 'dax_unlock_entry() takes the i_pages lock itself',
  },
  {
    property: 'data written through the mapping stays findable by the next fsync', kind: 'wrong-result', scenario: 'xa-fsync-vs-fault',
    broken: 'xarray/data-integrity.patch', fixed: 'xarray/data-integrity-fixed.patch',
    at: /^\+\s*(if \(dirty\)|xas_set_mark\(xas, PAGECACHE_TAG_DIRTY\);)$/,
  },
  {
    property: 'the zero page stays mapped only over holes: what write(2) writes is what mmap reads', kind: 'stale-mapping', scenario: 'xa-write-over-hole',
    broken: 'xarray/stale-zero-page.patch', fixed: 'xarray/stale-zero-page-fixed.patch',
    at: /^\+\s*if \(\(iomap->flags & IOMAP_F_NEW\) && inode->i_mapping->nrpages\) \{$/,
  },
  {
    property: 'a page held for DMA is found by the busy-page scan before truncate frees its block', kind: 'use-after-free', scenario: 'xa-truncate-dma',
    broken: 'xarray/use-after-free.eml', fixed: 'xarray/use-after-free-fixed.patch',
    at: /^> \+\s*(if \(!dax_mapping\(mapping\) \|\| !mapping_mapped\(mapping\) \|\||!mapping->nrpages\))$/,
    comment: 'A DAX mapping has no pages in nrpages',
  },
  {
    property: 'a truncate waiting for a busy DAX page wakes once the page is idle', kind: 'lost-wakeup', scenario: 'xa-truncate-dma',
    broken: 'xarray/page-idle-wait.eml', fixed: 'xarray/page-idle-wait-fixed.patch',
    at: /^> \+\s*atomic_read\(&page->_refcount\) == 0, TASK_INTERRUPTIBLE,$/,
    comment: 'The pagemap still holds the last reference',
  },
  {
    property: 'an ext4 truncate waits for a page held for DMA before it frees the block', kind: 'use-after-free', scenario: 'xa-ext4-truncate-dma',
    broken: 'xarray/ext4-no-break-layouts.patch', fixed: 'xarray/ext4-no-break-layouts-fixed.patch',
    at: /^-\s*rc = ext4_break_layouts\(inode\);$/,
  },
];

describePairs('review: XArray-era patch mails, each breaking a property, and their fixed twins', 'XArray', PAIRS);
