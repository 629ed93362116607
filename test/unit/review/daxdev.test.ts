// Seed 003 (dax_device claim and release, v8 10/18 of 2018) through the whole review: the
// findings the issue names, each with its trace, on the lines of the seed they stand on.
import { strict as assert } from 'node:assert';
import { checkMail, reviewReady, type CheckResult } from '../../../src/review/index';
import { bindPatches } from '../../../src/bind/bind';
import { lineOf, seed } from './support';

describe('review: seed 003, dax_device claims', function () {
  this.timeout(300_000);
  let r: CheckResult;
  const s = seed('003');
  before(async () => {
    await reviewReady();
    r = await checkMail(s.text, { file: s.file });
  });
  const finding = (kind: string, scenario: string) => r.findings.find((x) => x.kind === kind && x.simulation?.scenario === scenario);

  it('binds to the dax_device part of the model; the header stubs for !CONFIG_FS_DAX are not the functions it runs', () => {
    const b = bindPatches(r.patches);
    assert.equal(b.era.name, 'dax_device');
    const stub = b.functions.find((f) => f.name === 'fs_dax_claim' && f.path === 'include/linux/dax.h');
    assert.ok(stub && !stub.post.func && /another definition/.test(stub.post.why ?? ''), JSON.stringify(stub?.post.why));
    assert.ok(b.functions.some((f) => f.name === 'fs_dax_claim' && f.path === 'drivers/dax/super.c' && f.post.func));
  });

  it('fs_dax_claim_bdev(): the dax_device fs_dax_get_by_host() returns is used without a NULL check', () => {
    const f = finding('null-deref', 'dd-no-host');
    assert.ok(f, JSON.stringify(r.findings.map((x) => [x.line, x.kind, x.simulation?.scenario])));
    assert.equal(f.line, lineOf(s.text, '> + if (dax_dev->ops->fs_claim)'));
    assert.equal(f.severity, 'error');
    assert.ok(f.trace && f.trace.steps.length > 0);
  });

  it('dm: a member\'s failed claim is ignored and the whole claim returns success, with a trace', () => {
    const f = finding('wrong-result', 'dd-dm-member-taken');
    assert.ok(f, JSON.stringify(r.findings.map((x) => [x.line, x.kind, x.simulation?.scenario])));
    assert.match(f.message, /returned dax_device 1 as claimed, but the pgmap of dax_device 3 is owner 9's/);
    assert.ok(f.trace && f.trace.steps.some((st) => /iterate_devices/.test(JSON.stringify(st.source ?? {}))), 'the trace goes through dm_dax_iterate()');
  });

  it('fs_dax_claim()\'s put_dax() judged against its callers: balanced for fs_dax_claim_bdev(), not for device-mapper\'s members', () => {
    const f = finding('refcount', 'dd-dm-claim');
    assert.ok(f, JSON.stringify(r.findings.map((x) => [x.line, x.kind, x.simulation?.scenario])));
    assert.match(f.message, /dax_device 1 has 2 references, where the claims that hold it leave 1; dax_device 2 has 1 reference, where the claims that hold it leave 2/);
    // A pmem mount and a conflicting owner stay balanced: fs_dax_claim_bdev() took the reference the refusal puts.
    for (const sc of ['dd-pmem-mount', 'dd-conflict', 'dd-dm-owner-twice']) {
      const vs = r.verdicts.filter((v) => v.scenario === sc);
      assert.ok(vs.length && vs.every((v) => !v.post.violations.some((x) => x.kind === 'refcount')), `${sc}: ${vs.map((v) => v.summary).join('; ')}`);
    }
  });

  it('fs_dax_release() dereferences the NULL a refused claim gives a mount that then fails', () => {
    const f = finding('null-deref', 'dd-mount-refused');
    assert.ok(f);
    assert.equal(f.line, lineOf(s.text, '> + if (dax_dev->ops->fs_release)'));
  });

  it('the owner-twice and conflicting-owner scenarios behave as the code\'s comments say', () => {
    for (const sc of ['dd-dm-owner-twice', 'dd-conflict']) {
      const vs = r.verdicts.filter((v) => v.scenario === sc);
      assert.ok(vs.length && vs.every((v) => v.post.verdict === 'ok'), `${sc}: ${vs.map((v) => v.summary).join('; ')}`);
    }
  });

  it('runs at least 90% of the changed lines of modelled functions', () => {
    const inFunctions = r.coverage.filter((c) => c.function && !c.outside);
    const changed = inFunctions.reduce((n, c) => n + c.changed - c.notExecuted.filter((x) => x.why === 'not-modelled').length, 0);
    const ran = inFunctions.reduce((n, c) => n + c.executed, 0);
    assert.ok(ran >= 0.9 * changed, `${ran} of ${changed}: ${JSON.stringify(r.coverage.map((c) => [c.hunk, c.function, c.notExecuted.map((x) => `${x.mailLine}:${x.why}`)]))}`);
  });
});
