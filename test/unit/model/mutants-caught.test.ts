// Mistakes a patch makes in the era's own C (the kinds bench:mutants makes), each caught by a
// scenario with the violation a reviewer would want: the model's scenarios and properties are
// what stands between such a patch and a clean verdict.
import { strict as assert } from 'node:assert';
import { getCParser } from '../../../src/c/parser';
import { explore } from '../../../src/check/index';
import { lowerSources } from '../../../src/model/core/lower';
import { buildScenario, MODEL_ERAS, type Func } from '../../../src/model/index';

const BUDGET = { maxStates: 1_000_000, maxMs: 60_000 };

/** The function fn of the era's version with `from` replaced by `to` in its file, lowered as the era's C is. */
function mutated(version: string, fn: string, from: string, to: string): Func {
  const era = MODEL_ERAS.find((e) => e.version === version)!;
  const file = era.sources.find((s) => s.text.includes(from));
  assert.ok(file, `no source of ${version} has ${from}`);
  const sources = era.sources.map((s) => (s === file ? { ...s, text: s.text.replace(from, to) } : s));
  const r = lowerSources(sources, era.api, true);
  assert.deepEqual(r.errors.filter((e) => e.fn === fn), []);
  return r.funcs.find((f) => f.name === fn)!;
}

interface Case { what: string; version: string; fn: string; from: string; to: string; scenario: string; kind: string; message: RegExp }

const CASES: Case[] = [
  {
    what: 'finish_wait() before schedule() in the entry wait loop: it never sleeps, it spins',
    version: 'v6.12', fn: 'get_unlocked_entry',
    from: '\t\tschedule();\n\t\tfinish_wait(wq, &ewait.wait);', to: '\t\tfinish_wait(wq, &ewait.wait);\n\t\tschedule();',
    scenario: 'xa-pmd-downgrade', kind: 'livelock', message: /schedule\(\) in TASK_RUNNING with no wait prepared/,
  },
  {
    what: 'the PMD downgrade asked of a PMD fault and not of a PTE fault: a PTE write over a zero-page PMD entry',
    version: 'v6.12', fn: 'grab_mapping_entry',
    from: '\t\tif (order == 0) {', to: '\t\tif (order != 0) {',
    scenario: 'xa-pte-write-over-zero-pmd', kind: 'entry-left-locked', message: /entry at 0x200 is left locked/,
  },
  {
    what: 'the major-fault test inverted: a fault that allocated nothing counted as major',
    version: 'v6.12', fn: 'dax_iomap_pte_fault',
    from: '\t\tif (iomap.flags & IOMAP_F_NEW) {', to: '\t\tif (!(iomap.flags & IOMAP_F_NEW)) {',
    scenario: 'xa-fsync-vs-fault', kind: 'accounting', message: /returned VM_FAULT_MAJOR \(0x104\) for 0x203 but allocated nothing/,
  },
  {
    what: 'write(2) that allocates leaves the zero page mapped: mmap reads zeroes where the file has data',
    version: 'v6.12', fn: 'dax_iomap_actor',
    from: '\tif (iomap->flags & IOMAP_F_NEW) {', to: '\tif (0) {',
    scenario: 'xa-write-over-hole', kind: 'stale-mapping', message: /the zero page is still mapped at 0x203 after a block was allocated there/,
  },
  {
    what: 'the invalidation looks no entry up: the zero page\'s entry and mapping stay',
    version: 'v5.12', fn: 'invalidate_inode_pages2_range',
    from: '\t\tentry = find_get_entry(mapping, index);\n\t\tif (xa_is_value(entry)) {\n\t\t\tif (!dax_invalidate_mapping_entry_sync',
    to: '\t\tif (xa_is_value(entry)) {\n\t\t\tif (!dax_invalidate_mapping_entry_sync',
    scenario: 'xa-write-over-hole', kind: 'stale-mapping', message: /the zero page is still mapped at 0x203/,
  },
  {
    what: 'VM_FAULT_MAJOR never said: a write that allocated its block counted as a minor fault',
    version: 'v4.10', fn: 'dax_iomap_pte_fault',
    from: '\t\t\tmajor = VM_FAULT_MAJOR;', to: '\t\t\tmajor = 0;',
    scenario: 'hole-read-write', kind: 'accounting', message: /allocated the block of 0x203 \(IOMAP_F_NEW\) but returned 0x100 without VM_FAULT_MAJOR/,
  },
  {
    what: 'the write test of a present PTE inverted: a write fault returns with the PTE still read-only',
    version: 'v6.12', fn: 'handle_pte_fault',
    from: '\tif (!(vmf->flags & FAULT_FLAG_WRITE))\n\t\treturn 0;', to: '\tif (vmf->flags & FAULT_FLAG_WRITE)\n\t\treturn 0;',
    scenario: 'xa-fsync-vs-fault', kind: 'wrong-result', message: /from a write to 0x203 whose PTE it found read-only and left so/,
  },
  {
    what: 'a write to the PTE of a DAX pfn sent to ->page_mkwrite: the fault maps nothing new and the PTE stays read-only',
    version: 'v4.10', fn: 'handle_pte_fault',
    from: '\tif (pte_special(entry))\n\t\treturn wp_pfn_shared(vmf);', to: '\tif (!pte_special(entry))\n\t\treturn wp_pfn_shared(vmf);',
    scenario: 'hole-read-write', kind: 'wrong-result', message: /whose PTE it found read-only and left so/,
  },
  {
    what: 'the extent-type check inverted: write(2) into a mapped block fails with -EIO',
    version: 'v5.12', fn: 'dax_iomap_actor',
    from: '\tif (WARN_ON_ONCE(iomap->type != IOMAP_MAPPED))', to: '\tif (!WARN_ON_ONCE(iomap->type != IOMAP_MAPPED))',
    scenario: 'xa-write-over-hole', kind: 'wrong-result', message: /returned the error -5 for a write of the page at 0x203/,
  },
  {
    what: 'the invalidation looks no entry up: the hole page under the written block stays mapped',
    version: 'v4.10', fn: 'invalidate_inode_pages2_range',
    from: '\t\tpage = find_get_entry(mapping, index);\n\t\tif (radix_tree_exceptional_entry(page)) {\n\t\t\tif (!invalidate_exceptional_entry2',
    to: '\t\tif (radix_tree_exceptional_entry(page)) {\n\t\t\tif (!invalidate_exceptional_entry2',
    scenario: 'hole-page-write', kind: 'stale-mapping', message: /the zero page \(a hole page\) is still mapped at 0x203 after a block was allocated there/,
  },
  {
    what: 'a write to the huge zero page returns at once: the PMD stays read-only under the store',
    version: 'v4.10', fn: 'handle_mm_fault',
    from: '\t\tif (!write)\n\t\t\treturn 0;', to: '\t\tif (write)\n\t\t\treturn 0;',
    scenario: 'hzp-downgrade', kind: 'wrong-result', message: /from a write to 0x203 under the huge zero page it found there and left so/,
  },
  {
    what: 'the huge write fault\'s fallback returned to the caller instead of running the PTE fault',
    version: 'v4.10', fn: 'handle_mm_fault',
    from: '\t\tret = wp_huge_pmd(&vmf, orig_pmd);\n\t\tif (!(ret & VM_FAULT_FALLBACK))', to: '\t\tret = wp_huge_pmd(&vmf, orig_pmd);\n\t\tif (ret & VM_FAULT_FALLBACK)',
    scenario: 'hzp-downgrade', kind: 'wrong-result', message: /returned VM_FAULT_FALLBACK \(0x800\) for 0x203: the PTE fault it asks for never ran/,
  },
];

describe('model: mistakes in the era\'s C that its scenarios catch', function () {
  this.timeout(120_000);
  before(async () => { await getCParser(); });
  for (const c of CASES) {
    it(`${c.fn}: ${c.what}`, () => {
      assert.equal(explore(buildScenario(c.scenario, { version: c.version }), BUDGET).verdict, 'ok');
      const v = explore(buildScenario(c.scenario, { version: c.version, overrides: { [c.fn]: mutated(c.version, c.fn, c.from, c.to) } }), BUDGET);
      const x = v.violations.find((y) => y.kind === c.kind);
      assert.ok(x, v.violations.map((y) => `${y.kind}: ${y.message}`).join('; ') || v.verdict);
      assert.match(x.message, c.message);
    });
  }
});
