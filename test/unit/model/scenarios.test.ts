// The scenarios against the explorer (src/check): the v4.10 shapes are clean, and each
// defect Jan Kara found in seed 000 is found again when its variation point undoes the fix.
import { strict as assert } from 'node:assert';
import { explore } from '../../../src/check/explore';
import { buildScenario, DaxMachine, link, listModel, referenceFunctions, SCENARIOS, type BuildOptions } from '../../../src/model/index';
import { cfn } from './helpers';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const budget = { maxStates: 300_000, maxMs: 15_000 };
const run = (name: string, opts: BuildOptions = {}) => explore(buildScenario(name, opts), budget, { stopAtFirst: true });

describe('model scenarios, explored', function () {
  this.timeout(20_000);

  it('pmd-downgrade: waking one waiter after the downgrade delete loses the other', () => {
    const v = run('pmd-downgrade', { points: { 'grab_mapping_entry.downgrade_wake_all': false } });
    assert.equal(v.verdict, 'violation');
    const [lost] = v.violations;
    assert.equal(lost.kind, 'lost-wakeup');
    assert.equal(lost.detail?.key, '0x200');
    assert.equal(lost.detail?.nr_exclusive, 1);
    const steps = lost.trace.steps;
    const wake = steps.findIndex((s) => s.function === 'dax_wake_mapping_entry_waiter' && /woke 1 of 2 waiters on 0x200/.test(s.note));
    assert.ok(wake > 0, 'the trace shows one of two PMD waiters woken');
    assert.ok(steps.slice(0, wake).some((s) => s.label.startsWith('radix_tree_delete')), 'after the downgrade delete');
  });

  it('pmd-downgrade: with wake_all the downgrade is clean, exhaustively', () => {
    const v = run('pmd-downgrade');
    assert.equal(v.verdict, 'ok');
  });

  it('eexist-waiters: the -EEXIST path without put_unlocked_mapping_entry() loses a wake-up; with it, clean', () => {
    const bad = run('eexist-waiters', { points: { 'grab_mapping_entry.eexist_put': false } });
    assert.equal(bad.verdict, 'violation');
    assert.equal(bad.violations[0].kind, 'lost-wakeup');
    assert.equal(run('eexist-waiters').verdict, 'ok');
  });

  it('enomem-downgrade: returning after a failed radix_tree_preload() leaves the PMD entry locked; put_locked in the downgrade case is clean', () => {
    const bad = run('enomem-downgrade', { points: { 'grab_mapping_entry.preload_fail': 'return' } });
    assert.equal(bad.verdict, 'violation');
    assert.equal(bad.violations[0].kind, 'entry-left-locked');
    assert.ok(bad.violations[0].trace.steps.some((s) => s.choice && /-ENOMEM/.test(s.choice)), 'the trace shows the injected failure');
    assert.equal(run('enomem-downgrade').verdict, 'ok');
  });

  it('hole-read-write: the hole page must wake every waiter of the entry it replaces', () => {
    const bad = run('hole-read-write', { points: { 'page_cache_tree_insert.dax_wake_all': false } });
    assert.equal(bad.verdict, 'violation');
    assert.equal(bad.violations[0].kind, 'lost-wakeup');
    assert.equal(run('hole-read-write').verdict, 'ok');
  });

  it('hole-read-vs-write: a read fault that found the hole maps its hole page after write(2) allocated the block (13e451fdc1af)', () => {
    const variants: Record<string, boolean>[] = [{}, { 'dax_iomap_actor.invalidate_nrpages': false, 'invalidate_inode_pages2_range.dax_unmap': true }];
    for (const points of variants) {
      const v = run('hole-read-vs-write', { points });
      assert.equal(v.verdict, 'violation');
      const [x] = v.violations;
      assert.equal(x.kind, 'stale-mapping');
      // With v4.12's unmap after the invalidation, the mapped hole page may be unmapped after the
      // fault mapped it; the page cache still holds it over the written block.
      const said = points['invalidate_inode_pages2_range.dax_unmap']
        ? /a hole page\) is still mapped at 0x203|the hole page of 0x203 stays in the page cache/
        : /a hole page\) is still mapped at 0x203/;
      assert.match(x.message, said);
      assert.match(x.message, /after a block was allocated there/);
      const steps = x.trace.steps;
      const alloc = steps.findIndex((s) => /block at 0x203 allocated/.test(s.note));
      const hole = steps.findIndex((s) => s.thread !== steps[alloc]?.thread && /iomap_begin/.test(s.label));
      const mapped = steps.findIndex((s) => /PTE 0x203 maps page#/.test(s.note));
      assert.ok(hole >= 0 && hole < alloc && alloc < mapped, 'the fault saw the hole before the write allocated, and mapped its page after');
    }
  });

  it('invalidation must pass the wake-up on: without its put_unlocked_mapping_entry() a fault sleeps forever', () => {
    const bad = run('fault-vs-invalidate-2', { points: { '__dax_invalidate_mapping_entry.put': false, 'invalidate_inode_pages2_range.dax_unmap': true } });
    assert.equal(bad.verdict, 'violation');
    assert.equal(bad.violations[0].kind, 'lost-wakeup');
  });

  it('the seed\'s preload-then-unmap order of a zero-page downgrade sleeps with preemption disabled', () => {
    const bad = run('hzp-downgrade', { points: { 'grab_mapping_entry.unmap_vs_preload': 'preload-first' } });
    assert.equal(bad.verdict, 'violation');
    assert.equal(bad.violations[0].kind, 'sleep-in-atomic');
  });

  for (const name of ['enomem-downgrade', 'eexist-waiters', 'fault-vs-truncate-2', 'fault-vs-truncate-3']) {
    it(`${name}: the v4.10 shapes are clean, exhaustively`, () => {
      assert.equal(run(name).verdict, 'ok');
    });
  }

  it('fault-vs-invalidate-2: v4.10 leaves a PTE to a deleted entry (stale-mapping); the v4.12 unmap is clean', () => {
    const bad = run('fault-vs-invalidate-2');
    assert.equal(bad.violations[0]?.kind, 'stale-mapping');
    assert.equal(listModel().knownDefects.find((s) => s.name === 'fault-vs-invalidate-2')?.expect?.kind, 'stale-mapping');
    assert.equal(run('fault-vs-invalidate-2', { points: { 'invalidate_inode_pages2_range.dax_unmap': true } }).verdict, 'ok');
  });

  it('pmd-invalidate: v4.10 loses a PMD waiter after invalidation wakes one; waking all (v5.14) is clean', () => {
    const spec = listModel().knownDefects.find((x) => x.name === 'pmd-invalidate');
    assert.ok(!listModel().scenarios.some((x) => x.name === 'pmd-invalidate'), 'kept apart from the clean scenarios');
    assert.equal(spec?.expect?.kind, 'lost-wakeup');
    const bad = run('pmd-invalidate', { points: { 'invalidate_inode_pages2_range.dax_unmap': true } });
    assert.equal(bad.verdict, 'violation');
    assert.equal(bad.violations[0].kind, 'lost-wakeup');
    assert.equal(bad.violations[0].detail?.key, '0x200');
    const fixed = { '__dax_invalidate_mapping_entry.put_wake_all': true, 'invalidate_inode_pages2_range.dax_unmap': true };
    assert.equal(run('pmd-invalidate', { points: fixed }).verdict, 'ok');
  });

  it('pmd-pte-collide: v4.10 maps a PTE under a colliding PMD mapping; the v4.12 recheck is clean', () => {
    const spec = listModel().knownDefects.find((x) => x.name === 'pmd-pte-collide');
    assert.equal(spec?.expect?.kind, 'overlap');
    const bad = run('pmd-pte-collide', {});
    assert.deepEqual(bad.violations.map((v) => v.kind), ['overlap']);
    // The PTE fault's recheck is what this collision needs: a PMD fault here never gets its PMD
    // entry over a PTE entry already in the tree, so its own recheck changes nothing.
    assert.equal(run('pmd-pte-collide', { points: { 'dax_iomap_pte_fault.huge_pmd_recheck': true } }).verdict, 'ok');
    assert.equal(run('pmd-pte-collide', { points: { 'dax_iomap_pmd_fault.pte_table_recheck': true } }).verdict, 'violation');
    const fixed = { 'dax_iomap_pte_fault.huge_pmd_recheck': true, 'dax_iomap_pmd_fault.pte_table_recheck': true };
    assert.equal(run('pmd-pte-collide', { points: fixed }).verdict, 'ok');
  });

  it('pmd-hole-fill: a read fault falling back maps a PTE under the PMD a write fault maps; with the v4.12 rechecks, clean', () => {
    assert.equal(listModel().knownDefects.find((x) => x.name === 'pmd-hole-fill')?.expect?.kind, 'overlap');
    assert.deepEqual(run('pmd-hole-fill').violations.map((v) => v.kind), ['overlap']);
    const fixed = { 'dax_iomap_pte_fault.huge_pmd_recheck': true, 'dax_iomap_pmd_fault.pte_table_recheck': true };
    assert.equal(run('pmd-hole-fill', { points: fixed }).verdict, 'ok');
  });

  it('pmd-narrow-vma: a PMD fault in a vma narrower than the region falls back to PTEs, clean', () => {
    assert.equal(run('pmd-narrow-vma').verdict, 'ok');
  });

  it('without XFS_MMAPLOCK a fault that checked i_size before truncate maps the page beyond the new EOF', () => {
    const spec = { ...SCENARIOS.find((x) => x.name === 'fault-vs-truncate-2')!, name: 'unlocked-truncate', fsMmaplock: false };
    const m = new DaxMachine(spec, link(referenceFunctions()));
    const v = explore(m, budget, { stopAtFirst: true });
    assert.equal(v.verdict, 'violation');
    assert.equal(v.violations[0].kind, 'beyond-eof');
  });

  it('hash collisions in the wait table change nothing: keys sharing a queue do not steal wake-ups', () => {
    assert.equal(run('eexist-waiters', { waitQueues: 1 }).verdict, 'ok');
    const bad = run('pmd-downgrade', { waitQueues: 1, points: { 'grab_mapping_entry.downgrade_wake_all': false } });
    assert.equal(bad.violations[0]?.kind, 'lost-wakeup');
  });

  it('lists functions with their points and scenarios with their threads', () => {
    const l = listModel();
    const grab = l.functions.find((f) => f.name === 'grab_mapping_entry');
    assert.deepEqual(grab?.points.map((p) => p.name), ['eexist_put', 'downgrade_wake_all', 'preload_fail', 'unmap_vs_preload', 'insert_eexist_restart']);
    const s = l.scenarios.find((x) => x.name === 'pmd-downgrade');
    assert.equal(s?.threads.length, 3);
    assert.ok(s?.functions.includes('grab_mapping_entry'));
    assert.ok(JSON.parse(JSON.stringify(l)), 'serialisable');
    assert.throws(() => buildScenario('nope'), /unknown scenario 'nope'/);
  });
});

describe('model step reductions', function () {
  this.timeout(30_000);
  // Quiet reads, reads of state nobody writes and Lipton's atomic critical sections must not
  // change what the explorer finds: the same violation kinds with every visible operation a step.
  const CASES: [string, Record<string, string | boolean>][] = [
    ['enomem-downgrade', { 'grab_mapping_entry.preload_fail': 'return' }],
    ['enomem-downgrade', {}],
    ['eexist-waiters', { 'grab_mapping_entry.eexist_put': false }],
    ['eexist-waiters', {}],
    ['fault-vs-invalidate-2', { '__dax_invalidate_mapping_entry.put': false }],
    ['fault-vs-invalidate-2', {}],
    ['fault-vs-truncate-2', {}],
    ['hzp-downgrade', { 'grab_mapping_entry.unmap_vs_preload': 'preload-first' }],
  ];
  for (const [name, points] of CASES) {
    it(`${name} ${JSON.stringify(points)}: the same verdicts with and without them`, () => {
      const kinds = (reduce: boolean): string[] => {
        const v = explore(buildScenario(name, { points, reduce }), { maxStates: 400_000, maxMs: 25_000 });
        assert.notEqual(v.verdict, 'bounded');
        return [...new Set(v.violations.map((x) => x.kind))].sort();
      };
      assert.deepEqual(kinds(true), kinds(false));
    });
  }
});

describe('model overrides', function () {
  this.timeout(20_000);
  it('a substituted function runs in place of the reference one, through the same primitives', () => {
    const silent = cfn('static void put_unlocked_mapping_entry(struct address_space *mapping, pgoff_t index, void *entry)\n{\n}');
    const v = run('fault-vs-invalidate-2', { overrides: { put_unlocked_mapping_entry: silent }, points: { 'invalidate_inode_pages2_range.dax_unmap': true } });
    assert.equal(v.verdict, 'violation');
    assert.equal(v.violations[0].kind, 'lost-wakeup');
    assert.throws(() => buildScenario('fault-vs-invalidate-2', { overrides: { grab_mapping_entry: silent } }), /holds function/);
  });
});

describe('docs/model.md', () => {
  it('gives each listed scenario the state words its layout has', () => {
    const doc = readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'model.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z0-9-]+)` \| .* \| (\d+) \|$/gm)];
    assert.ok(rows.length > 10, 'the tables are there');
    for (const [, name, words] of rows) assert.equal(buildScenario(name).L.size, Number(words), name);
  });
});
