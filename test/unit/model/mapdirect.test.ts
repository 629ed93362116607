// XFS MAP_DIRECT and its layout lease (v4.14 with the MAP_DIRECT v7 series, seed 001): every
// scenario exhaustively, the defects the series has, and the answers to the questions of the
// seed's thread as variation points.
import { strict as assert } from 'node:assert';
import { buildScenario, link, referenceFunctions, scenarioSpec, SCENARIOS, DaxMachine, type PointValue } from '../../../src/model/index';
import { explore } from '../../../src/check/index';
import type { Verdict } from '../../../src/check/types';
import { MAPDIRECT_ERA } from '../../../src/model/eras/mapdirect/index';
import { lowerC } from '../../../src/model/core/lower';
import { eraFunctionNames } from '../../../src/model/core/era';
import { CRED_CAP_LEASE } from '../../../src/model/objects/lease/index';

const BUDGET = { maxStates: 1_000_000, maxMs: 60_000 };
const run = (name: string, points: Record<string, PointValue> = {}): Verdict => explore(buildScenario(name, { points }), BUDGET);
const kinds = (v: Verdict): string[] => [...new Set(v.violations.map((x) => x.kind))].sort();
const MD = SCENARIOS.filter((s) => s.era === 'MAP_DIRECT');

describe('model: XFS MAP_DIRECT (v4.14 with the v7 series)', function () {
  this.timeout(60_000);

  it('has the scenarios of seed 001\'s questions', () => {
    assert.deepEqual(MD.map((s) => s.name).sort(), ['md-direct-write-hole', 'md-eacces', 'md-flush-in-flight', 'md-not-dax',
      'md-reflink', 'md-shared-validate', 'md-timeout', 'md-truncate-breaks', 'md-truncate-leased', 'md-unknown-flag']);
  });

  for (const s of MD.filter((x) => !x.expect)) {
    it(`${s.name}: clean, searched to the end in under a second`, () => {
      const t = Date.now();
      const v = run(s.name);
      assert.equal(v.verdict, 'ok', v.violations.map((x) => x.message).join('; '));
      assert.ok(Date.now() - t < 1000, `${Date.now() - t} ms`);
    });
  }

  describe('md-flush-in-flight: mmap(MAP_DIRECT) racing a write fault through another mapping', () => {
    it('v7 as posted: the write fault gets SIGBUS and nothing starts the lease break (Dan Williams\'s remark)', () => {
      const v = run('md-flush-in-flight');
      assert.deepEqual(kinds(v), ['wrong-result']);
      const x = v.violations[0];
      assert.match(x.message, /T2: write fault 0x203 through a MAP_SHARED mapping got SIGBUS at 0x203.*nothing started the lease break/);
      assert.ok(x.trace.steps.some((st) => /i_mapdcount_read/.test(st.source?.c ?? '')), 'the refusal is i_mapdcount\'s');
    });

    it('without 03/12\'s i_mapdcount check: the write fault allocates under the live lease', () => {
      const v = run('md-flush-in-flight', { 'xfs_file_iomap_begin.fault_alloc': 'none' });
      assert.deepEqual(kinds(v), ['layout-changed']);
      assert.match(v.violations[0].message, /block map at 0x203 changes \(a write fault allocates it\) under a MAP_DIRECT mapping still in force: the lease is unbroken/);
    });

    it('with break_layout(inode, false) in ->iomap_begin() bailing out with -EWOULDBLOCK: clean', () => {
      assert.equal(run('md-flush-in-flight', { 'xfs_file_iomap_begin.fault_alloc': 'break-layout' }).verdict, 'ok');
    });

    it('without the XFS_MMAPLOCK_EXCL cycle (Dave Chinner\'s question): a fault that read i_mapdcount before it rose allocates once mmap() returned', () => {
      const v = run('md-flush-in-flight', { 'xfs_file_mmap_validate.flush_faults': false });
      assert.ok(kinds(v).includes('layout-changed'), kinds(v).join());
      const x = v.violations.find((y) => y.kind === 'layout-changed')!;
      const labels = x.trace.steps.map((st) => `${st.thread} ${st.source?.c ?? ''}`);
      const read = labels.findIndex((l) => /i_mapdcount_read/.test(l));
      const inc = labels.findIndex((l) => /i_mapdcount_inc/.test(l));
      const linked = labels.findIndex((l) => /vma_link/.test(l));
      assert.ok(read >= 0 && inc > read && linked > inc, labels.join('\n'));
    });
  });

  it('md-truncate-breaks: a truncate past xfs_break_layouts() before the lease existed frees blocks after mmap() returned', () => {
    const v = run('md-truncate-breaks');
    assert.ok(kinds(v).includes('layout-changed'), kinds(v).join());
    const v8 = kinds(run('md-truncate-breaks', { 'xfs_file_iomap_begin.fault_alloc': 'break-layout' }));
    assert.ok(v8.includes('layout-changed') && !v8.includes('refcount'), `v8 drops i_mapdcount, and the count below zero with it; the truncate race stays: ${v8.join()}`);
  });

  it('md-truncate-leased: an access already past xfs_vma_checks() when the lease times out maps its block after the invalidation', () => {
    const v = run('md-truncate-leased');
    assert.deepEqual(kinds(v), ['wrong-result']);
    const x = v.violations[0];
    assert.match(x.message, /read of 0x202 through the MAP_DIRECT mapping accessed 0x202 .* without SIGBUS .* but the lease timed out/);
    const labels = x.trace.steps.map((st) => `T${st.thread + 1}: ${st.source?.c ?? ''}`);
    const check = labels.findIndex((l) => /^T1: .*test_bit\(MAPDIRECT_VALID/.test(l));
    const cleared = labels.findIndex((l) => /^T3: .*clear_bit\(MAPDIRECT_VALID/.test(l));
    assert.ok(check >= 0 && cleared > check, labels.join('\n'));
  });

  describe('mmap(2)\'s errors', () => {
    it('EACCES is owed to a task that neither owns the file nor has CAP_LEASE; with CAP_LEASE the mapping is made', () => {
      const spec = scenarioSpec('md-eacces');
      const withCap = { ...spec, name: 'md-eacces with CAP_LEASE', threads: spec.threads.map((t) => ({ ...t, cred: CRED_CAP_LEASE })) };
      const m = new DaxMachine(withCap, link(referenceFunctions({}, MAPDIRECT_ERA)));
      assert.equal(explore(m, BUDGET).verdict, 'ok');
    });

    it('a vfs_setlease() that skips the permission check is caught', () => {
      const src = `int vfs_setlease(struct file *filp, long arg, struct file_lock **lease, void **priv)
{
	return generic_setlease(filp, arg, lease, priv);
}`;
      const l = lowerC(src, MAPDIRECT_ERA.api, { file: 'fs/locks.c', known: eraFunctionNames(MAPDIRECT_ERA), strict: true, kernel: 'test' });
      assert.deepEqual(l.errors, []);
      const v = explore(buildScenario('md-eacces', { overrides: { vfs_setlease: l.funcs[0] } }), BUDGET);
      assert.deepEqual(kinds(v), ['wrong-result']);
      assert.match(v.violations[0].message, /mmap\(\) returned 0 where MAP_SHARED_VALIDATE and MAP_DIRECT promise -EACCES/);
    });
  });
});
