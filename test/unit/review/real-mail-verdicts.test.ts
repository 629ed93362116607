// The verdicts ../shared/real-mail/EXPECTED.md gives the real DAX mail (copied to
// test/fixtures/real-mail): the fixes are found as fixes, with the trace before them, and the
// mail that changes no behaviour the model checks gets no error. Two verdicts go beyond it:
// v2 of the range version of dax_layout_busy_page() (07) scans the file to offset 0 only, a
// defect v3 fixed by passing LLONG_MAX; and v6 of the dm zero_page_range operation (10) puts
// device-mapper's live table twice on its WARN path, which upstream fixed later (f05c4403db5b,
// "dm: fix double RCU unlock in dm_dax_zero_page_range() error path").
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkMail, reviewReady } from '../../../src/review/index';

const dir = path.join(__dirname, '..', '..', 'fixtures', 'real-mail');
const mail = (prefix: string) => {
  const file = path.join(dir, readdirSync(dir).find((f) => f.startsWith(prefix))!);
  return { file, text: readFileSync(file) };
};

describe('review: real mail gets the verdicts EXPECTED.md gives it', function () {
  this.timeout(300_000);
  before(async () => { await reviewReady(); });

  for (const [prefix, kind] of [['01_', 'lost-wakeup'], ['03_', 'lost-wakeup'], ['05_', 'lost-wakeup'], ['22_', 'wrong-result']] as const) {
    it(`${prefix}: the fix of a ${kind} is found, with the trace before it`, async () => {
      const m = mail(prefix);
      const r = await checkMail(m.text, { file: m.file });
      const fix = r.findings.find((f) => f.fixed && f.kind === kind);
      assert.ok(fix, JSON.stringify(r.findings.map((f) => [f.kind, f.fixed, f.message])));
      assert.ok(fix.trace && fix.trace.steps.length > 2);
      assert.deepEqual(r.findings.filter((f) => f.severity === 'error').map((f) => f.message), []);
    });
  }

  it('07_: dax_layout_busy_page() that scans to offset 0 misses a pinned page, and truncate frees its block under DMA', async () => {
    const m = mail('07_');
    const errors = (r: Awaited<ReturnType<typeof checkMail>>) => r.findings.filter((f) => f.severity === 'error');
    const all = await checkMail(m.text, { file: m.file });
    // The old body of dax_layout_busy_page() comes in pieces (the patch rewrites it as the range
    // version): it is not run with its pieces missing, so nothing is claimed fixed.
    assert.deepEqual(all.findings.filter((f) => f.fixed).map((f) => f.message), []);
    const found = errors(all);
    const uaf = found.find((f) => f.kind === 'use-after-free');
    assert.ok(uaf, JSON.stringify(found.map((f) => [f.line, f.kind, f.message])));
    assert.match(uaf.message, /dax_layout_busy_page\(\) as the patch writes it/);
    const call = m.text.toString('utf8').split('\n').findIndex((l) => l.includes('dax_layout_busy_page_range(mapping, 0, 0);')) + 1;
    assert.equal(uaf.line, call, 'on the line that passes end 0');
    assert.ok(uaf.trace && uaf.trace.steps.length > 2);
    // v3 of the patch: the whole file.
    const v3 = m.text.toString('utf8').replace('dax_layout_busy_page_range(mapping, 0, 0);', 'dax_layout_busy_page_range(mapping, 0, LLONG_MAX);');
    assert.notEqual(v3, m.text.toString('utf8'));
    assert.deepEqual(errors(await checkMail(Buffer.from(v3), { file: m.file })).map((f) => `${f.line}: ${f.message}`), []);
  });

  it('10_: dm_dax_zero_page_range() puts the live table on its WARN path and again at out: (fixed upstream by f05c4403db5b)', async () => {
    const m = mail('10_');
    const r = await checkMail(m.text, { file: m.file });
    const text = m.text.toString('utf8').split('\n');
    const at = text.findIndex((l, i) => l === '+ out:' && text[i + 1] === '+\tdm_put_live_table(md, srcu_idx);') + 2;
    assert.deepEqual(r.findings.map((f) => [f.line, f.rule, f.kind]), [[at, 'lock/balance', 'lock-imbalance']]);
    assert.match(r.findings[0].message, /md is released twice on this path/);
    // Without the put on the WARN path, as upstream has it, nothing (a line of its own keeps the hunk's counts).
    const fixed = m.text.toString('utf8').replace('+\t\tdm_put_live_table(md, srcu_idx);\n+\t\tgoto out;', '+\t\tret = -EIO;\n+\t\tgoto out;');
    assert.notEqual(fixed, m.text.toString('utf8'));
    assert.deepEqual((await checkMail(Buffer.from(fixed), { file: m.file })).findings.map((f) => f.message), []);
  });

  for (const prefix of ['04_', '12_', '14_', '17_', '26_']) {
    it(`${prefix}: no error`, async () => {
      const m = mail(prefix);
      const r = await checkMail(m.text, { file: m.file });
      assert.deepEqual(r.findings.filter((f) => f.severity === 'error').map((f) => `${f.line}: ${f.message}`), []);
    });
  }
});
