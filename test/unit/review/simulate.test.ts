// Acceptance on seed 000 through the model: each static finding confirmed by a run of the
// scenario the fragment's variation point changes, with the trace. These runs explore every
// interleaving of real scenarios, so they take seconds, not milliseconds.
import { strict as assert } from 'node:assert';
import { readMail } from '../../../src/mail/index';
import { parsePatchMail } from '../../../src/patch/index';
import { checkMail, draftReply, reviewReady, type CheckResult } from '../../../src/review/index';
import { simulateHunk } from '../../../src/bind/index';
import { allHunks } from '../../../src/bind/coverage';
import { eraFunctionText } from '../../../src/model/core/era';
import { RADIX_ERA } from '../../../src/model/eras/radix/index';
import { seed, fixture, lineOf, patchMail } from './support';

describe('review: seed 000 confirmed by simulation', function () {
  this.timeout(300_000);
  const s = seed('000');
  let result: CheckResult;
  before(async () => {
    await reviewReady();
    result = await checkMail(s.text, { file: s.file, verdicts: false });
  });

  it('confirms each of Jan Kara\'s three defects with a trace', () => {
    const errors = result.findings.filter((f) => f.severity === 'error');
    assert.deepEqual(errors.map((f) => [f.rule, f.evidence, f.kind]), [
      ['dax/get-unlocked-put', 'both', 'lost-wakeup'],
      ['dax/locked-entry-unlock', 'both', 'entry-left-locked'],
      ['atomic/sleep', 'both', 'sleep-in-atomic'],
      ['dax/delete-wake-all', 'both', 'lost-wakeup'],
    ]);
    for (const f of errors) assert.ok(f.trace && f.trace.steps.length > 0, f.rule);
    assert.equal(errors[0].simulation?.scenario, 'eexist-waiters');
    assert.equal(errors[1].simulation?.scenario, 'enomem-downgrade');
    assert.equal(errors[2].simulation?.scenario, 'hzp-downgrade');
    assert.equal(errors[3].simulation?.scenario, 'pmd-downgrade');
  });

  it('the downgrade trace is Ross\'s three-thread table: one waiter woken, the other asleep on 0x200', () => {
    const f = result.findings.find((x) => x.rule === 'dax/delete-wake-all')!;
    const t = f.trace!;
    assert.equal(t.threads.length, 3);
    assert.ok(t.steps.some((x) => /woke 1 of 2 waiters on 0x200/.test(x.note)), 'the downgrading thread wakes one of two');
    assert.ok(t.steps.some((x) => /delete/i.test(x.note) && x.thread === t.steps.find((y) => /woke 1 of 2/.test(y.note))!.thread));
    assert.match(f.simulation!.summary, /sleeps forever on key 0x200/);
  });

  it('the reply answers Jan\'s three points (and the unmap under the preload), each under its line, with the thread table', () => {
    const reply = draftReply(s.text, result);
    // The lkml page gives names without addresses: no To or Cc a mail could go to.
    assert.doesNotMatch(reply, /^(To|Cc): /m);
    assert.match(reply, /^Subject: Re: \[PATCH v5 15\/17\] dax: add struct iomap based DAX PMD support$/m);
    const flat = reply.replace(/\s+/g, ' ');
    const at = (needle: string) => { const i = flat.indexOf(needle.replace(/\s+/g, ' ')); assert.ok(i >= 0, needle); return i; };
    assert.ok(at('> + goto out_unlock;') < at('put_unlocked_mapping_entry() on this path'));
    assert.ok(at('put_unlocked_mapping_entry() on this path') < at('>  return ERR_PTR(err);'));
    assert.ok(at('>  return ERR_PTR(err);') < at('still locked when this path returns'));
    assert.ok(at('still locked when this path returns') < at('unmap_mapping_range() may sleep'));
    assert.ok(at('unmap_mapping_range() may sleep') < at('> + false);'));
    assert.ok(at('> + false);') < at('wake_all must be true'));
    assert.match(reply, /T1: pte read fault 0x202\s+T2: pte read fault 0x203\s+T3: pte read fault 0x204/);
    assert.match(reply, /\.\.\. sleeps forever on 0x200/);
    // Only the hunks with findings are quoted.
    assert.ok(!reply.includes('dax_pmd_load_hole'));
  });
});

describe('bind: seed 000 hunks in the model', function () {
  this.timeout(300_000);
  before(async () => { await reviewReady(); });

  const grabHunk = (text: string, file: string) => {
    const patches = parsePatchMail(readMail(text, { file }));
    return { patches, id: allHunks(patches).find((h) => h.function === 'grab_mapping_entry')!.id };
  };

  it('introduces a lost wakeup in pmd-downgrade; the fully fixed mail is clean', async () => {
    const s = seed('000');
    const a = grabHunk(s.text, s.file);
    const r = await simulateHunk(a.patches, a.id, { scenario: 'pmd-downgrade' });
    assert.equal(r.verdicts.length, 1);
    assert.equal(r.verdicts[0].pre?.verdict, 'ok');
    assert.equal(r.verdicts[0].post.verdict, 'violation');
    assert.equal(r.verdicts[0].summary, 'introduces a lost wakeup in pmd-downgrade');

    const fx = fixture('review/000-fixed-all.txt');
    const b = grabHunk(fx.text, fx.file);
    for (const sc of ['pmd-downgrade', 'eexist-waiters', 'enomem-downgrade', 'hzp-downgrade']) {
      const v = (await simulateHunk(b.patches, b.id, { scenario: sc })).verdicts[0];
      assert.equal(v.post.verdict, 'ok', sc);
    }
  });

  it('answers "why is this line necessary?" with a trace', async () => {
    const fx = fixture('review/000-fixed.txt');
    const b = grabHunk(fx.text, fx.file);
    const put = lineOf(fx.text, '+ put_unlocked_mapping_entry(mapping, index, entry);');
    const v = (await simulateHunk(b.patches, b.id, { scenario: 'eexist-waiters', without: put })).verdicts[0];
    assert.equal(v.without, put);
    assert.equal(v.post.verdict, 'violation');
    assert.match(v.summary, new RegExp(`^without line ${put}: introduces a lost wakeup in eexist-waiters`));
    assert.ok(v.post.violations[0].trace.steps.length > 0);
  });

  it('compares the patch without a line with the patch as posted: without the wake call the downgrade loses a wake-up', async () => {
    const fx = fixture('review/000-fixed-all.txt');
    const b = grabHunk(fx.text, fx.file);
    const wake = lineOf(fx.text, '+ dax_wake_mapping_entry_waiter(mapping, index, entry,');
    const r = await simulateHunk(b.patches, b.id, { scenario: 'pmd-downgrade', without: wake });
    assert.equal(r.without, wake);
    assert.equal(r.verdicts.length, 1);
    assert.equal(r.verdicts[0].pre?.verdict, 'ok', 'the patch as posted is clean');
    assert.match(r.verdicts[0].summary, /^without line \d+: introduces a lost wakeup in pmd-downgrade/);
  });

  it('dax_insert_mapping_entry with the locked dax_radix_entry() and PMD entries left in place stays clean', async () => {
    const s = seed('000');
    const patches = parsePatchMail(readMail(s.text, { file: s.file }));
    const h = allHunks(patches).find((x) => x.function === 'dax_insert_mapping_entry' && x.lines.some((l) => l.text.includes('dax_radix_entry(sector, flags)')))!;
    const r = await simulateHunk(patches, h.id, { scenario: 'fault-vs-truncate-2' });
    assert.equal(r.verdicts[0].post.verdict, 'ok');
    const fn = r.coverage.functions?.find((f) => f.name === 'dax_insert_mapping_entry');
    assert.equal(fn?.mode, 'interpreted', 'the mail\'s dax_insert_mapping_entry() runs, laid over the reference');
    assert.equal(fn?.how, 'completed');
  });
});

describe('review: a rule the model confirms in code the patch does not change', function () {
  this.timeout(300_000);
  before(async () => { await reviewReady(); });

  it('the wake-one-after-delete of v4.10 __dax_invalidate_mapping_entry() loses a wake-up in pmd-invalidate, as it did before', async () => {
    // The patch adds the model's own v4.10 function, as fs/dax.c of the era has it.
    const text = patchMail(`\n${eraFunctionText(RADIX_ERA, '__dax_invalidate_mapping_entry')!.lines.join('\n')}`);
    const r = await checkMail(text, { file: 'mail', verdicts: false });
    assert.equal(r.findings.length, 1);
    const f = r.findings[0];
    assert.equal(f.rule, 'dax/delete-wake-all');
    assert.equal(f.line, lineOf(text, '+\tput_unlocked_mapping_entry(mapping, index, entry);'));
    assert.equal(f.severity, 'error');
    assert.equal(f.evidence, 'both');
    assert.equal(f.simulation?.scenario, 'pmd-invalidate');
    assert.equal(f.simulation?.confirmed, true);
    assert.match(f.simulation!.summary, /\(so before the patch too\)/);
  });
});

describe('review: the other seeds through the whole review', function () {
  this.timeout(120_000);
  before(async () => { await reviewReady(); });
  for (const n of ['002']) {
    it(`seed ${n}: no findings, static or simulated`, async () => {
      const s = seed(n);
      const r = await checkMail(s.text, { file: s.file });
      assert.deepEqual(r.findings.map((f) => `${f.line} ${f.rule}`), []);
      assert.deepEqual(r.verdicts, []);
    });
  }
});
