// Each modelled function run alone does what the v4.10 kernel does.
import { strict as assert } from 'node:assert';
import { K } from '../../../src/model/objects/constants';
import { lowerC } from '../../../src/model/core/lower';
import { RADIX_ERA } from '../../../src/model/eras/radix/index';
import { Block, Pmd, PTE_PFN } from '../../../src/model/kernel/layout';
import type { ThreadSpec } from '../../../src/model/scenarios';
import { cfn, machine, read, runSolo } from './helpers';

const pte = (index: number, write = false): ThreadSpec => ({ name: `pte ${index}`, fn: 'handle_mm_fault', args: [index, write ? 1 : 0, 0] });
const pmd = (index: number, write = false): ThreadSpec => ({ name: `pmd ${index}`, fn: 'handle_mm_fault', args: [index, write ? 1 : 0, 1] });
const dax = (sector: number, flags = 0): number => K.RADIX_TREE_EXCEPTIONAL_ENTRY | flags | (sector << K.RADIX_DAX_SHIFT);
const LOCK = K.RADIX_DAX_ENTRY_LOCK;

describe('model functions, each alone', () => {
  it('a PTE read fault on a mapped block inserts an unlocked DAX entry and maps the pfn', () => {
    const m = machine({ name: 't', indexes: [0x203], blocks: [[0x203, Block.Mapped]], isize: 0x400, threads: [pte(0x203)] });
    const { state: s, steps } = runSolo(m);
    assert.equal(read.entry(m, s, 0x203), dax(0x203 << 3));
    assert.equal(read.pte(m, s, 0x203), PTE_PFN);
    assert.equal(read.global(s, 'NREXCEPTIONAL'), 1);
    assert.equal(read.retval(m, s, 0), K.VM_FAULT_NOPAGE);
    assert.deepEqual(m.quiescent(s), []);
    // the entry is created locked (grab_mapping_entry) and unlocked at the end (dax_unlock_mapping_entry)
    const fns = steps.map((t) => t.fn);
    assert.ok(fns.indexOf('grab_mapping_entry') < fns.indexOf('dax_insert_mapping_entry'));
    assert.ok(fns.lastIndexOf('unlock_slot') > fns.indexOf('dax_insert_mapping'));
    for (const t of steps) {
      assert.ok(t.label && t.source?.c === t.label, 'each step names its C statement');
      assert.ok(t.reads.length + t.writes.length > 0, `${t.fn}: ${t.label} has a footprint`);
    }
  });

  it('a PTE read fault on a hole puts a hole page in place of the empty locked entry', () => {
    const m = machine({ name: 't', indexes: [0x203], pages: 2, isize: 0x400, threads: [pte(0x203)] });
    const { state: s } = runSolo(m);
    const e = read.entry(m, s, 0x203);
    assert.equal(e & K.RADIX_TREE_EXCEPTIONAL_ENTRY, 0, 'a page');
    assert.equal(read.global(s, 'NRPAGES'), 1);
    assert.equal(read.global(s, 'NREXCEPTIONAL'), 0);
    assert.equal(read.pte(m, s, 0x203), (e >> 2) - 1 + 1);
    assert.equal(read.page(m, s, (e >> 2) - 1, 'LOCK'), 0);
    assert.equal(read.page(m, s, (e >> 2) - 1, 'REF'), 2, 'the page cache and the PTE');
  });

  it('a write fault after a hole read replaces the hole page with a dirty DAX entry', () => {
    const m = machine({ name: 't', indexes: [0x203], pages: 2, isize: 0x400, threads: [pte(0x203), pte(0x203, true)] });
    const { state: s } = runSolo(m);
    assert.equal(read.entry(m, s, 0x203), dax(0x203 << 3));
    assert.equal(read.tags(m, s, 0x203) & (1 << K.PAGECACHE_TAG_DIRTY), 1);
    assert.equal(read.global(s, 'NRPAGES'), 0);
    assert.equal(read.global(s, 'NREXCEPTIONAL'), 1);
    assert.equal(read.pte(m, s, 0x203), PTE_PFN);
    assert.equal(read.page(m, s, 0, 'REF'), 0, 'the hole page is freed');
    assert.deepEqual(m.quiescent(s), []);
  });

  it('a PMD read fault on a hole maps the huge zero page under a HZP entry', () => {
    const m = machine({ name: 't', indexes: [0x203], isize: 0x400, threads: [pmd(0x203)] });
    const { state: s } = runSolo(m);
    assert.equal(read.entry(m, s, 0x200), dax(0, K.RADIX_DAX_PMD | K.RADIX_DAX_HZP));
    assert.equal(read.global(s, 'PMD'), Pmd.HugeZero);
    assert.equal(read.retval(m, s, 0), K.VM_FAULT_NOPAGE);
  });

  it('a PMD read fault on mapped blocks maps a devmap PMD under a PMD entry', () => {
    const m = machine({ name: 't', indexes: [0x203], blocks: [[0x200, Block.Mapped], [0x203, Block.Mapped]], isize: 0x400, threads: [pmd(0x203)] });
    const { state: s } = runSolo(m);
    assert.equal(read.entry(m, s, 0x200), dax(0x200 << 3, K.RADIX_DAX_PMD));
    assert.equal(read.global(s, 'PMD'), Pmd.Devmap);
  });

  it('a PMD fault over a PTE entry at another index of the range fails the order-9 insert and falls back', () => {
    const m = machine({ name: 't', indexes: [0x203], entries: [[0x203, dax(0x203 << 3)]], blocks: [[0x203, Block.Mapped]], isize: 0x400, threads: [pmd(0x203)] });
    const { state: s, steps } = runSolo(m);
    assert.ok(steps.some((t) => t.fn === 'grab_mapping_entry' && /-EEXIST/.test(t.note)));
    assert.equal(read.entry(m, s, 0x200), 0);
    assert.equal(read.pte(m, s, 0x203), PTE_PFN);
    assert.equal(read.global(s, 'PMD'), Pmd.Table);
  });

  const fallbacks: [string, object, number][] = [
    ['a private write (COW)', { vmShared: false }, K.VM_FAULT_FALLBACK],
    ['a PMD outside the VMA', { vm: [0x201, 0x400] }, K.VM_FAULT_FALLBACK],
    ['a PMD beyond EOF', { isize: 0x300 }, K.VM_FAULT_FALLBACK],
    ['an offset beyond EOF', { isize: 0x100 }, K.VM_FAULT_SIGBUS],
    ['a short extent', { pmdExtent: false }, K.VM_FAULT_FALLBACK],
  ];
  for (const [what, spec, expected] of fallbacks) {
    it(`dax_iomap_pmd_fault returns ${expected === K.VM_FAULT_SIGBUS ? 'SIGBUS' : 'FALLBACK'} for ${what}`, () => {
      const m = machine({
        name: 't', indexes: [0x203], blocks: [[0x200, Block.Mapped], [0x203, Block.Mapped]], isize: 0x400,
        threads: [{ name: 'pmd', fn: 'xfs_filemap_pmd_fault', args: [1, 0x203 << 12, 1, 1] }], ...spec,  // (vma, address, pmd, FAULT_FLAG_WRITE)
      });
      const { state: s } = runSolo(m);
      assert.equal(read.retval(m, s, 0), expected);
      assert.equal(read.global(s, 'PMD'), Pmd.None);
      if (what === 'a short extent') {
        // v4.10 leaves the empty PMD entry in the tree, unlocked: later PTE faults downgrade it
        assert.equal(read.entry(m, s, 0x200), dax(0, K.RADIX_DAX_PMD | K.RADIX_DAX_EMPTY));
      }
    });
  }

  it('a PTE fault over an empty PMD entry downgrades it to a PTE entry', () => {
    const m = machine({
      name: 't', indexes: [0x203], entries: [[0x200, dax(0, K.RADIX_DAX_PMD | K.RADIX_DAX_EMPTY)]],
      blocks: [[0x203, Block.Mapped]], isize: 0x400, threads: [pte(0x203)],
    });
    const { state: s, steps } = runSolo(m);
    assert.ok(steps.some((t) => t.label.startsWith('radix_tree_delete')));
    assert.equal(read.entry(m, s, 0x200), 0);
    assert.equal(read.entry(m, s, 0x203), dax(0x203 << 3));
    assert.equal(read.global(s, 'NREXCEPTIONAL'), 1);
  });

  it('truncate deletes the entry and the mapping beyond the new size', () => {
    const m = machine({
      name: 't', indexes: [0x203], entries: [[0x203, dax(0x203 << 3)]], ptes: [[0x203, PTE_PFN]],
      blocks: [[0x203, Block.Mapped]], isize: 0x400, fsMmaplock: true,
      threads: [{ name: 'truncate', fn: 'xfs_setattr_size', args: [0x203] }, pte(0x203)],
    });
    const { state: s } = runSolo(m);
    assert.equal(read.entry(m, s, 0x203), 0);
    assert.equal(read.pte(m, s, 0x203), 0);
    assert.equal(read.global(s, 'ISIZE'), 0x203);
    assert.equal(read.global(s, 'NREXCEPTIONAL'), 0);
    assert.equal(read.retval(m, s, 1), K.VM_FAULT_SIGBUS, 'a fault beyond the new EOF');
  });

  it('invalidation deletes a clean entry and keeps a dirty one', () => {
    const inval = { name: 'inval', fn: 'invalidate_inode_pages2_range', args: [K.MAPPING, 0x203, 0x203] };
    const clean = machine({ name: 't', indexes: [0x203], entries: [[0x203, dax(8)]], isize: 0x400, threads: [inval] });
    assert.equal(read.entry(clean, runSolo(clean).state, 0x203), 0);
    const dirty = machine({ name: 't', indexes: [0x203], blocks: [[0x203, Block.Mapped]], isize: 0x400, threads: [pte(0x203, true), inval] });
    assert.equal(read.entry(dirty, runSolo(dirty).state, 0x203), dax(0x203 << 3));
  });

  it('grab_mapping_entry returns a locked entry: left alone it is reported at quiescence', () => {
    const m = machine({ name: 't', indexes: [0x203], isize: 0x400, threads: [{ name: 'grab', fn: 'grab_mapping_entry', args: [K.MAPPING, 0x203, 0] }] });
    const { state: s } = runSolo(m);
    assert.equal(read.retval(m, s, 0), dax(0, K.RADIX_DAX_EMPTY) | LOCK);
    assert.deepEqual(m.quiescent(s).map((f) => f.kind), ['entry-left-locked']);
  });

  it('returning with mapping->tree_lock held, or sleeping with it, is a step fault', () => {
    const leaky = cfn(`void leaky(struct address_space *mapping)
{
	spin_lock_irq(&mapping->tree_lock);
}`);
    const m = machine({ name: 't', indexes: [0x203], isize: 0x400, threads: [{ name: 'leaky', fn: 'leaky', args: [K.MAPPING] }] }, {}, [leaky]);
    const [tr] = m.successors(m.initial(), 0);
    assert.equal(tr.fault?.kind, 'lock-imbalance');
    const sleepy = cfn(`void sleepy(struct address_space *mapping)
{
	spin_lock_irq(&mapping->tree_lock);
	find_or_create_page(mapping, 0x203, 0);
}`);
    const m2 = machine({ name: 't', indexes: [0x203], isize: 0x400, pages: 1, threads: [{ name: 'sleepy', fn: 'sleepy', args: [K.MAPPING] }] }, {}, [sleepy]);
    let s = m2.initial();
    const kinds: string[] = [];
    for (let n = 0; n < 20 && m2.successors(s, 0).length; n++) {
      const [t] = m2.successors(s, 0);
      if (t.fault) kinds.push(t.fault.kind);
      s = t.state;
    }
    assert.ok(kinds.includes('lock-imbalance'), 'spin_lock_irq in add_to_page_cache_lru while holding it');
    const atomic = cfn(`void atomic(struct address_space *mapping)
{
	spin_lock_irq(&mapping->tree_lock);
	radix_tree_preload(GFP_KERNEL);
	spin_unlock_irq(&mapping->tree_lock);
}`);
    const m3 = machine({ name: 't', indexes: [0x203], isize: 0x400, threads: [{ name: 'atomic', fn: 'atomic', args: [K.MAPPING] }] }, {}, [atomic]);
    const [t1] = m3.successors(m3.initial(), 0);
    assert.equal(t1.fault?.kind, 'sleep-in-atomic');
    assert.equal(t1.label, 'radix_tree_preload(GFP_KERNEL);', 'the step is named after its operation, not its lock');
  });
});

describe('model properties at quiescence', () => {
  it('a page reference nobody accounts for is a refcount fault', () => {
    const leak = cfn(`void leak(struct address_space *mapping)
{
	struct page *page = find_or_create_page(mapping, 0x203, 0);

	unlock_page(page);
}`);
    const m = machine({ name: 't', indexes: [0x203], isize: 0x400, pages: 1, threads: [{ name: 'leak', fn: 'leak', args: [K.MAPPING] }] }, {}, [leak]);
    const { state } = runSolo(m);
    assert.deepEqual(m.quiescent(state).map((f) => f.kind), ['refcount']);
  });
});

describe('model IR in the VM', () => {
  it('a choice the model cannot evaluate branches the step, and the transition says which value it took', () => {
    const r = lowerC(`int chooser(void)
{
	if (page_was_truncated())
		return VM_FAULT_SIGBUS;
	return VM_FAULT_NOPAGE;
}`, RADIX_ERA.api, { file: 'test.c', strict: false, kernel: 'test' });
    const m = machine({ name: 't', indexes: [0x203], isize: 0x400, threads: [{ name: 'c', fn: 'chooser', args: [] }] }, {}, r.funcs);
    const succ = m.successors(m.initial(), 0);
    assert.deepEqual(succ.map((t) => t.choice), ['page_was_truncated() = 0', 'page_was_truncated() = 1']);
    assert.deepEqual(succ.map((t) => read.retval(m, t.state, 0)), [K.VM_FAULT_NOPAGE, K.VM_FAULT_SIGBUS]);
  });

  it('out-parameters: a callee writes the caller\'s local through &local', () => {
    const m = machine({
      name: 't', indexes: [0x203], entries: [[0x200, dax(0, K.RADIX_DAX_PMD | K.RADIX_DAX_EMPTY)]], isize: 0x400,
      threads: [{ name: 'slot', fn: 'outer', args: [K.MAPPING] }],
    }, {}, [cfn(`void **outer(struct address_space *mapping)
{
	void *entry, **slot;

	spin_lock_irq(&mapping->tree_lock);
	entry = get_unlocked_mapping_entry(mapping, 0x203, &slot);
	spin_unlock_irq(&mapping->tree_lock);
	return slot;
}`)]);
    const { state } = runSolo(m);
    assert.equal(read.retval(m, state, 0), 0x200, 'the slot of the PMD entry covering 0x203');
  });
});

describe('model view', () => {
  it('shows entries, wait queues, locks and threads of a state', () => {
    const m = machine({
      name: 't', indexes: [0x203], entries: [[0x200, dax(0, K.RADIX_DAX_PMD | K.RADIX_DAX_EMPTY) | LOCK]], isize: 0x400,
      threads: [{ name: 'wait', fn: 'do_dax_fault', args: [0x203, 0] }],
    });
    let s = m.initial();
    const v0 = m.view(s);
    assert.deepEqual(v0.entries, [{ index: 0x200, order: 9, value: 'PMD|EMPTY|LOCKED sector 0', locked: true }]);
    assert.equal(v0.threads[0].status, 'runnable');
    while (m.status(s, 0) === 0) s = m.successors(s, 0)[0].state;
    const v1 = m.view(s);
    assert.equal(v1.threads[0].status, 'blocked');
    assert.match(v1.threads[0].at, /schedule/);
    assert.deepEqual(v1.waitqueues.map((q) => q.waiters), [['T1: wait (key 0x200)']]);
    assert.equal(v1.locks.find((l) => l.name === 'mapping->tree_lock')?.holder, null);
    assert.equal(m.quiescent(s)[0].kind, 'entry-left-locked');
  });
});
