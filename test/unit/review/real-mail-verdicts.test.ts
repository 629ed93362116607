// The verdicts ../shared/real-mail/EXPECTED.md gives the real DAX mail (copied to
// test/fixtures/real-mail): the fixes are found as fixes, with the trace before them, and the
// mail that changes no behaviour the model checks gets no error.
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

  for (const prefix of ['04_', '07_', '12_', '14_', '17_', '26_']) {
    it(`${prefix}: no error`, async () => {
      const m = mail(prefix);
      const r = await checkMail(m.text, { file: m.file });
      assert.deepEqual(r.findings.filter((f) => f.severity === 'error').map((f) => `${f.line}: ${f.message}`), []);
    });
  }
});
