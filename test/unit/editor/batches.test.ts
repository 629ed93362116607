// A large mailbox read in batches, the one in view first: the same findings as one read of
// the whole, the messages in view in the first answer, hunks simulated within their batch.
import { strict as assert } from 'node:assert';
import { BATCH, analyse, scenarios } from '../../../src/editor/core';
import type { Analysis } from '../../../src/editor/jobs';
import { checkMailStatic } from '../../../src/review';
import { mailbox } from '../../support/mailbox';

describe('editor: a large mailbox in batches', function () {
  this.timeout(120000);
  const n = BATCH * 2 + 5;
  const text = mailbox(n);

  it('finds what one read of the whole finds, on the same lines', async () => {
    const whole = checkMailStatic(text, { file: 'box.mbox' });
    const a = await analyse({ text, file: 'box.mbox', rules: [] });
    const key = (f: { rule: string; line: number; endLine: number }) => `${f.rule}@${f.line}-${f.endLine}`;
    assert.deepEqual(a.review!.findings.map(key).sort(), whole.findings.map(key).sort());
    assert.equal(a.outline.messages.length, n);
    assert.deepEqual(a.outline.messages.map((m) => m.index), [...Array(n).keys()]);
    for (const m of a.outline.messages) for (const f of m.files) for (const h of f.hunks) assert.equal(h.message, m.index);
  });

  it('answers first with the batch holding the line in view', async () => {
    const lines = text.split('\n');
    const focus = lines.findIndex((l) => l === `From mailbox-${BATCH * 2 + 1}@example.org Tue Oct 11 18:51:39 2016`) + 3;
    const parts: Analysis[] = [];
    const all = await analyse({ text, file: null, rules: [], focus }, (p) => parts.push(p));
    assert.ok(parts.length >= 1, 'a partial answer came');
    const first = parts[0].outline.messages;
    assert.ok(first.some((m) => focus >= m.firstLine && focus <= m.lastLine), 'with the message in view');
    assert.ok(first.length < n, 'before the whole mailbox was read');
    assert.equal(all.outline.messages.length, n);
  });

  it('gives every finding before binding any batch, then binds the batch in view first', async () => {
    const parts: Analysis[] = [];
    const all = await analyse({ text, file: 'box.mbox', rules: [], focus: 1 }, (p) => parts.push(p));
    const complete = parts.find((p) => !p.unfinished?.findings);
    assert.ok(complete, 'an answer with every finding came before the end');
    assert.equal(complete.review!.findings.length, all.review!.findings.length);
    assert.deepEqual(complete.review!.coverage, {}, 'no batch bound before every finding is in');
    const bound = parts.find((p) => Object.keys(p.review!.coverage).length > 0);
    assert.ok(bound, 'an answer with the batch in view bound came before the end');
    assert.ok(bound.unfinished!.coverage > 0, 'while batches were still to bind');
    const inView = bound.outline.messages[0].files.flatMap((f) => f.hunks);
    for (const h of inView) assert.ok(bound.review!.coverage[`${h.message}:${h.hunk}`], `coverage of hunk ${h.hunk + 1} in view`);
    assert.equal(all.unfinished, undefined);
    assert.equal(Object.keys(all.review!.coverage).length, all.outline.messages.flatMap((m) => m.files.flatMap((f) => f.hunks)).length);
  });

  it('stops binding for a request waiting behind it, and a read after it binds the rest', async () => {
    const edited = text.replace('Subject: Re: [PATCH v5 1/17]', 'Subject: Re: [PATCH v5 1/17] (edited)');
    const cut = await analyse({ text: edited, file: 'box.mbox', rules: [], focus: 1 }, undefined, () => true);
    assert.ok(cut.unfinished && !cut.unfinished.findings && cut.unfinished.coverage > 0, 'says what is left to bind');
    const covered = (a: Analysis) => Object.keys(a.review!.coverage).length;
    const again = await analyse({ text: edited, file: 'box.mbox', rules: [], focus: 1 }, undefined, () => true);
    assert.ok((again.unfinished?.coverage ?? 0) < cut.unfinished.coverage && covered(again) > covered(cut), 'a read that gives way still binds one more batch');
    const whole = await analyse({ text: edited, file: 'box.mbox', rules: [], focus: 1 });
    assert.equal(whole.unfinished, undefined);
    assert.deepEqual(whole.review!.findings, cut.review!.findings);
    for (const [k, c] of Object.entries(cut.review!.coverage)) assert.deepEqual(whole.review!.coverage[k], c);
  });

  it('finds a hunk of a later batch by its place in the whole', async () => {
    const a = await analyse({ text, file: null, rules: [] });
    const h = a.outline.messages[BATCH + 1].files.flatMap((f) => f.hunks).find((x) => x.function === 'grab_mapping_entry')!;
    const s = await scenarios({ text, file: null, key: { message: h.message, hunk: h.hunk } });
    assert.ok(s.length > 0, 'the scenarios that run grab_mapping_entry');
    await assert.rejects(scenarios({ text, file: null, key: { message: n + 3, hunk: 0 } }), /No message/);
  });
});
