// The XArray era (fs/dax.c of v4.20 on, following v5.12) against the explorer: its scenarios
// are clean with the v5.12 shapes, the 2021 invalidation defect is found and its v5.14 fix is
// clean, and each of the era's variation points that undoes a fix brings its defect back.
import { strict as assert } from 'node:assert';
import { explore } from '../../../src/check/explore';
import { buildScenario, listModel, SCENARIOS, type BuildOptions } from '../../../src/model/index';
import { expandMacros } from '../../../src/model/core/macros';

const budget = { maxStates: 1_000_000, maxMs: 30_000 };
const run = (name: string, opts: BuildOptions = {}) => explore(buildScenario(name, opts), budget, { stopAtFirst: true });

describe('model: the XArray era', function () {
  this.timeout(60_000);

  for (const s of SCENARIOS.filter((x) => x.era === 'XArray' && !x.expect)) {
    it(`${s.name} is clean with the v5.12 shapes, exhaustively`, () => {
      const v = explore(buildScenario(s.name), budget);
      assert.equal(v.verdict, 'ok', v.violations.map((x) => x.message).join('; '));
      assert.ok(v.states > 1);
    });
  }

  it('xa-invalidate-waiters: v5.12 loses the third waiter; v5.14\'s wake-all after invalidating is clean', () => {
    const bad = run('xa-invalidate-waiters');
    assert.equal(bad.verdict, 'violation');
    const [lost] = bad.violations;
    assert.equal(lost.kind, 'lost-wakeup');
    assert.equal(lost.detail?.key, '0x203');
    assert.ok(lost.trace.steps.some((st) => st.function === '__dax_invalidate_entry' && /xas_store/.test(st.label)), 'the trace shows the invalidation deleting the entry');
    const fixed = explore(buildScenario('xa-invalidate-waiters', { points: { '__dax_invalidate_entry.wake_all': true } }), budget);
    assert.equal(fixed.verdict, 'ok');
  });

  it('xa-pmd-pte-conflict: without the order check (v5.1) the PMD fault sleeps on a key the PTE entry\'s unlock never wakes', () => {
    const bad = run('xa-pmd-pte-conflict', { points: { 'get_unlocked_entry.order_check': 'none' } });
    assert.equal(bad.verdict, 'violation');
    assert.equal(bad.violations[0].kind, 'lost-wakeup');
    assert.equal(bad.violations[0].detail?.key, '0x200');
  });

  it('xa-pmd-empty: with the order check before the NULL check (v5.2-rc1) the PMD fault always falls back', () => {
    const bad = run('xa-pmd-empty', { points: { 'get_unlocked_entry.order_check': 'before-null' } });
    assert.equal(bad.verdict, 'violation');
    assert.equal(bad.violations[0].kind, 'wrong-result');
    assert.match(bad.violations[0].message, /fell back to PTEs/);
  });

  it('xa-pmd-downgrade: waking one waiter after removing the PMD entry strands the others', () => {
    const bad = run('xa-pmd-downgrade', { points: { 'grab_mapping_entry.downgrade_wake_all': false } });
    assert.equal(bad.verdict, 'violation');
    assert.equal(bad.violations[0].kind, 'lost-wakeup');
  });

  it('xa-enomem-retry: the injected -ENOMEM of xas_store() is retried after xas_nomem(), or ends in VM_FAULT_OOM', () => {
    const v = explore(buildScenario('xa-enomem-retry'), budget);
    assert.equal(v.verdict, 'ok');
    const none = explore(buildScenario('xa-enomem-retry', { enomem: 0 }), budget);
    assert.ok(v.states > none.states, 'the failures add states');
  });

  it('xa-busy-page-dma: the busy-page scan skips a locked entry and truncate frees a block under DMA; waiting for it where the state stands is clean', () => {
    for (const version of ['v5.12', 'v6.12']) {
      const bad = explore(buildScenario('xa-busy-page-dma', { version }), budget);
      const uaf = bad.violations.find((x) => x.kind === 'use-after-free');
      assert.ok(uaf, version);
      assert.ok(uaf.trace.steps.some((st) => st.function === 'xfs_itruncate_extents' || /xfs_itruncate_extents/.test(st.label)), 'the trace ends where the block is freed');
      const fixed = explore(buildScenario('xa-busy-page-dma', { version, points: { 'dax_layout_busy_page_range.locked_entry': 'wait' } }), budget);
      assert.equal(fixed.verdict, 'ok', version);
    }
  });

  it('a walked xa_state looks past its entry: get_unlocked_entry() from xas_for_each() does not see the entry it stands on', () => {
    // The scan finds the locked entry and gets NULL back: the pre-2024 busy-page scan never waits.
    const v = explore(buildScenario('xa-busy-page-dma'), budget);
    const steps = v.violations[0].trace.steps.filter((st) => st.thread === 1);
    assert.ok(steps.length > 0, 'the truncate steps in the trace');
    assert.ok(!steps.some((st) => /waits on key/.test(st.note ?? '')), 'the truncate never waits for the writeback\'s entry');
  });

  it('lists its scenarios and functions with their era', () => {
    const l = listModel();
    assert.ok(l.knownDefects.some((s) => s.name === 'xa-invalidate-waiters' && s.era === 'XArray'));
    assert.ok(l.scenarios.some((s) => s.name === 'xa-busy-scan' && s.functions.includes('dax_layout_busy_page_range')));
    const f = l.functions.find((x) => x.name === 'get_unlocked_entry');
    assert.equal(f?.era, 'XArray');
    assert.match(f!.kernel, /v5\.12/);
  });
});

describe('model: function-like macros of an era', () => {
  const macros = {
    XA_STATE: { params: ['name', 'array', 'index'], body: 'struct xa_state name = { .xa_index = index }' },
    each: { params: ['x', 'e'], body: 'for (e = first(x); e; e = next(x))' },
  };

  it('expands an invocation in place, its arguments parenthesised unless they are one word', () => {
    assert.equal(expandMacros('\tXA_STATE(xas, &m->i_pages, vmf->pgoff);', macros), '\tstruct xa_state xas = { .xa_index = (vmf->pgoff) };');
  });

  it('keeps every line where it was when an invocation spans lines', () => {
    const text = 'a;\neach(&xas,\n     entry) {\nb;\n}';
    const out = expandMacros(text, macros);
    assert.equal(out.split('\n').length, text.split('\n').length);
    assert.equal(out.split('\n')[3], 'b;');
    assert.match(out.split('\n')[1], /^for \(entry = first\(\(&xas\)\)/);
  });

  it('leaves a call with another number of arguments, and text without the macros, alone', () => {
    assert.equal(expandMacros('each(a);', macros), 'each(a);');
    assert.equal(expandMacros('f(x);', macros), 'f(x);');
  });
});

describe('model: the XArray era as v6.12 has it', function () {
  this.timeout(60_000);

  for (const s of SCENARIOS.filter((x) => x.era === 'XArray' && !x.expect && !x.version)) {
    it(`${s.name} is clean with the v6.12 shapes, exhaustively`, () => {
      const v = explore(buildScenario(s.name, { version: 'v6.12' }), budget);
      assert.equal(v.verdict, 'ok', v.violations.map((x) => x.message).join('; '));
    });
  }

  it('xa-invalidate-waiters is clean in v6.12 (WAKE_ALL), and loses a waiter with WAKE_NEXT as between v5.14\'s two patches', () => {
    assert.equal(explore(buildScenario('xa-invalidate-waiters', { version: 'v6.12' }), budget).verdict, 'ok');
    const bad = run('xa-invalidate-waiters', { version: 'v6.12', points: { '__dax_invalidate_entry.wake': 'WAKE_NEXT' } });
    assert.equal(bad.violations[0]?.kind, 'lost-wakeup');
  });

  it('has v6.12\'s names: memory failure locks a folio\'s entry, the PMD fault checks its fallback apart', () => {
    const v6 = listModel().functions.filter((f) => f.era === 'XArray' && f.version === 'v6.12').map((f) => f.name);
    for (const n of ['dax_lock_folio', 'dax_unlock_folio', 'dax_fault_check_fallback']) assert.ok(v6.includes(n), n);
    assert.ok(!v6.includes('dax_lock_page'));
    const v512 = listModel().functions.filter((f) => f.era === 'XArray' && f.version === 'v5.12').map((f) => f.name);
    assert.ok(v512.includes('dax_lock_page') && !v512.includes('dax_lock_folio'));
  });

  it('counts the pages under DAX entries in nrpages: a PMD entry is 512', () => {
    const m = buildScenario('xa-pmd-downgrade', { version: 'v6.12' });
    const v = explore(m, budget);
    assert.equal(v.verdict, 'ok');
    assert.equal(m.view(m.initial()).other.nrpages, 512);
  });
});

describe('model: the XArray era as v6.15 has it (real mail 14 applied)', function () {
  this.timeout(60_000);

  for (const s of SCENARIOS.filter((x) => x.era === 'XArray' && !x.version && x.name !== 'xa-writeback-vs-fault' && (!x.expect || /busy|lifecycle/.test(x.name)))) {
    it(`${s.name} is clean with the v6.15 shapes, exhaustively`, () => {
      const v = explore(buildScenario(s.name, { version: 'v6.15' }), budget);
      assert.equal(v.verdict, 'ok', v.violations.map((x) => x.message).join('; '));
    });
  }

  it('has v6.15\'s names: get_next_unlocked_entry(), and the busy-page scan waits where its walk stands', () => {
    const fns = listModel().functions.filter((f) => f.era === 'XArray' && f.version === 'v6.15');
    assert.ok(fns.some((f) => f.name === 'get_next_unlocked_entry' && /v6\.15/.test(f.kernel)));
    assert.ok(!fns.some((f) => f.name === 'get_unlocked_entry'));
    assert.ok(fns.find((f) => f.name === 'dax_layout_busy_page_range')!.calls.includes('wait_entry_unlocked_exclusive'));
  });
});

describe('model: DAX pages tied to their file (page->mapping) and memory failure', function () {
  this.timeout(60_000);

  for (const version of ['v5.12', 'v6.12', 'v6.15', 'v6.12+zap']) {
    it(`${version}: a PTE fault under another process's PMD entry leaves every page tied; v5.1's re-tying by size unties them and memory failure gives up`, () => {
      assert.equal(explore(buildScenario('xa-mixed-mapping-memory-failure', { version }), budget).verdict, 'ok');
      const bad = explore(buildScenario('xa-mixed-mapping-memory-failure', { version, points: { 'dax_insert_entry.associate': 'size-change' } }), budget);
      const x = bad.violations.find((y) => y.kind === 'wrong-result');
      assert.ok(x, bad.violations.map((y) => y.message).join('; '));
      assert.match(x.message, /memory failure 0x205 gave up .* still in the file/);
      assert.ok(x.trace.steps.some((st) => st.function === 'dax_disassociate_entry' || /disassociate/.test(st.label)), 'the trace shows the fault untying the PMD\'s pages');
    });
  }
});
