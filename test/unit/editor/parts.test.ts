// A large mailbox's analysis passed on as deltas (src/editor/parts.ts): whatever the order the
// batches are read and bound in, and whenever the answers are taken, a client merging the
// deltas it was sent has the analysis the sender has, and at the end the one a single whole
// answer gives; the real read's deltas merge to the read's analysis.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { BATCH, analyse, analyseParts, pauseAfter } from '../../../src/editor/core';
import type { Outline } from '../../../src/editor/jobs';
import { PartStore, type AnalysisDelta, type AnalysisPart } from '../../../src/editor/parts';
import { SHARED_BYTES, sharesFor } from '../../../src/editor/client';
import type { Finding, HunkCoverage } from '../../../src/review/types';
import { mailbox } from '../../support/mailbox';

/** A batch of `size` messages from message `start`, with a finding and a covered hunk each. */
function batch(start: number, size: number): { start: number; outline: Outline; findings: Finding[]; coverage: Record<string, HunkCoverage> } {
  const messages = Array.from({ length: size }, (_, i) => ({
    index: start + i, subject: `message ${start + i}`, from: null, series: null, firstLine: (start + i) * 10 + 1, lastLine: (start + i) * 10 + 9,
    files: [], comments: [],
  }));
  const findings = messages.map((m) => ({ rule: 'r', severity: 'warning', message: `in ${m.index}`, line: m.firstLine, endLine: m.firstLine }) as unknown as Finding);
  const coverage = Object.fromEntries(messages.map((m) => [`${m.index}:0`, { hunk: m.index } as unknown as HunkCoverage]));
  return { start, outline: { messages, diagnostics: [{ line: start * 10 + 1, severity: 'info', message: `batch ${start}` }] as Outline['diagnostics'], symbols: [] }, findings, coverage };
}

type Event = { kind: 'read' | 'bind'; part: number } | { kind: 'answer' };

/** Events a read could go through: every batch read once, each bound after it is read, answers between. */
const plans = fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(
  fc.constant(n),
  fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
  fc.array(fc.boolean(), { minLength: 2 * n, maxLength: 2 * n }),
  fc.array(fc.boolean(), { minLength: 2 * n, maxLength: 2 * n }),
)).map(([n, order, binds, answers]) => {
  const events: Event[] = [];
  const unbound: number[] = [];
  order.forEach((p, i) => {
    events.push({ kind: 'read', part: p });
    unbound.push(p);
    if (binds[i]) events.push({ kind: 'bind', part: unbound.shift()! });
    if (answers[i]) events.push({ kind: 'answer' });
  });
  unbound.forEach((p, i) => {
    events.push({ kind: 'bind', part: p });
    if (answers[n + i]) events.push({ kind: 'answer' });
  });
  return { n, events };
});

describe('editor: an analysis passed on as deltas', function () {
  this.timeout(120000);

  it('merges, at every answer and at the end, to what the sender has and a whole answer gives', () => {
    fc.assert(fc.property(plans, fc.integer({ min: 0, max: 3 }), ({ n, events }, joinAt) => {
      const size = 3;
      const batches = Array.from({ length: n }, (_, i) => batch(i * size, size));
      // The worker's deltas, merged by the server; the client is sent what changed since its last answer.
      const server = new PartStore();
      const client = new PartStore();
      let sent = -1;
      let answers = 0;
      let pending: AnalysisPart[] = [];
      const answer = () => {
        server.add({ batches: n, whole: server.seq === 0, parts: pending });
        pending = [];
        // A client that asks late is sent everything so far, as a whole delta.
        if (answers++ < joinAt) return;
        const d = server.since(sent < 0 ? 0 : sent);
        assert.equal(d.whole, sent < 0);
        sent = server.seq;
        client.add(d);
        assert.deepEqual(client.analysis(), server.analysis());
      };
      for (const e of events) {
        if (e.kind === 'read') pending.push({ start: batches[e.part].start, read: { outline: batches[e.part].outline, findings: batches[e.part].findings } });
        else if (e.kind === 'bind') pending.push({ start: batches[e.part].start, coverage: batches[e.part].coverage });
        else answer();
      }
      answer();
      if (answers <= joinAt) { client.add(server.since(0)); }
      const whole = new PartStore();
      whole.add({ batches: n, whole: true, parts: batches.map((b) => ({ start: b.start, read: { outline: b.outline, findings: b.findings }, coverage: b.coverage })) });
      assert.deepEqual(client.analysis(), whole.analysis());
      assert.equal(whole.analysis().unfinished, undefined);
      assert.deepEqual(whole.analysis().outline.messages.map((m) => m.index), [...Array(n * size).keys()]);
    }), { numRuns: 300 });
  });

  it('says what is unfinished until every batch is read and bound', () => {
    const s = new PartStore();
    const [a, b] = [batch(0, 2), batch(2, 2)];
    s.add({ batches: 2, whole: true, parts: [{ start: 2, read: { outline: b.outline, findings: b.findings }, coverage: b.coverage }] });
    assert.deepEqual(s.analysis().unfinished, { findings: true, coverage: 1 });
    s.add({ batches: 2, whole: false, parts: [{ start: 0, read: { outline: a.outline, findings: a.findings } }] });
    assert.deepEqual(s.analysis().unfinished, { findings: false, coverage: 1 });
    assert.deepEqual(s.analysis().outline.messages.map((m) => m.index), [0, 1, 2, 3], 'in mail order, whatever order they came in');
    s.add({ batches: 2, whole: false, parts: [{ start: 0, coverage: a.coverage }] });
    assert.equal(s.analysis().unfinished, undefined);
    s.add({ batches: 1, whole: true, parts: [{ start: 0, read: { outline: a.outline, findings: a.findings } }] });
    assert.deepEqual(s.analysis().outline.messages.map((m) => m.index), [0, 1], 'a whole delta starts over');
  });

  it("carries a real mailbox's read: each batch read once and bound once, merged to the whole read", async () => {
    const text = mailbox(BATCH * 3 + 2);
    const deltas: AnalysisDelta[] = [];
    const last = await analyseParts({ text, file: null, rules: [], focus: 1 }, (d) => deltas.push(d));
    deltas.push(last);
    assert.ok(deltas.length > 2, `${deltas.length} answers`);
    assert.ok(deltas[0].whole && deltas.slice(1).every((d) => !d.whole), 'the first answer is whole, the others deltas');
    const reads = deltas.flatMap((d) => d.parts.filter((p) => p.read).map((p) => p.start));
    const binds = deltas.flatMap((d) => d.parts.filter((p) => p.coverage).map((p) => p.start));
    assert.deepEqual([...reads].sort((x, y) => x - y), [0, BATCH, BATCH * 2, BATCH * 3], 'each batch read once');
    assert.deepEqual([...binds].sort((x, y) => x - y), [0, BATCH, BATCH * 2, BATCH * 3], 'each batch bound once');
    const merged = new PartStore();
    deltas.forEach((d) => merged.add(d));
    assert.deepEqual(merged.analysis(), await analyse({ text, file: null, rules: [], focus: 1 }));
  });

  it('splits a read into shares whose deltas, merged in any order, are the whole read', async () => {
    const text = mailbox(BATCH * 4 + 3);
    // The line in view is in the third batch: its share reads and binds it first.
    const focus = text.split('\n').findIndex((l) => l.startsWith(`From mailbox-${BATCH * 2 + 1}@`)) + 1;
    const whole = await analyse({ text, file: null, rules: [], focus });
    for (const of of [2, 3]) {
      const byShare: AnalysisDelta[][] = [];
      for (let index = 0; index < of; index++) {
        const ds: AnalysisDelta[] = [];
        ds.push(await analyseParts({ text, file: null, rules: [], focus, share: { index, of } }, (d) => ds.push(d)));
        assert.ok(ds.every((d) => !d.whole && d.batches === 5), 'no share answers for the whole read');
        const reads = ds.flatMap((d) => d.parts.filter((p) => p.read).map((p) => p.start / BATCH));
        assert.ok(reads.every((b) => b % of === index), `share ${index} of ${of} reads its own batches (${reads})`);
        if ((2 % of) === index) assert.equal(reads[0], 2, 'the batch in view first, by the share that holds it');
        byShare.push(ds);
      }
      // Interleaved one way and the other: the same analysis.
      for (const order of [byShare.flat(), [...byShare].reverse().flat()]) {
        const merged = new PartStore();
        order.forEach((d) => merged.add(d));
        assert.deepEqual(merged.analysis(), whole, `${of} shares`);
      }
    }
  });

  it('binds the batches out of view at the share of a core it is given, to the same analysis', async () => {
    const text = mailbox(BATCH * 3);
    const full = await analyse({ text, file: 'paced.mbox', rules: [], focus: 1 });
    // The same text again would find every batch bound before (the memo): an edit makes it new.
    const edited = text.replace('Subject: Re: [PATCH v5 1/17]', 'Subject: Re: [PATCH v5 1/17] (paced)');
    const paced = await analyse({ text: edited, file: 'paced.mbox', rules: [], focus: 1, background: 0.25 });
    const plain = await analyse({ text: edited, file: 'paced.mbox', rules: [], focus: 1 });
    assert.deepEqual(paced, plain);
    assert.equal(paced.unfinished, undefined);
    assert.equal(paced.review!.findings.length, full.review!.findings.length);
    assert.equal(pauseAfter(100, 0.25), 300, 'a quarter of a core: three times the work in pauses');
    assert.equal(pauseAfter(100, 0.5), 100);
    for (const none of [undefined, 1, 0, -1, NaN]) assert.equal(pauseAfter(100, none), 0, `share ${none}`);
  });

  it('shares a read among workers only for a large mailbox, as many as the cores or the reviewer says', () => {
    const big = 'x'.repeat(SHARED_BYTES);
    assert.equal(sharesFor('x'.repeat(SHARED_BYTES - 1), undefined, 8), 1);
    assert.equal(sharesFor(big, undefined, 2), 2);
    assert.equal(sharesFor(big, undefined, 16), 4, 'at most four: each holds the parser and the mail');
    assert.equal(sharesFor(big, 1, 8), 1);
    assert.equal(sharesFor(big, 3, 1), 3);
    assert.equal(sharesFor(big, 0, 2), 2, 'a reader count that is no count is the default');
  });

  it('stops a read the host will drop at the next batch, saying it is unfinished', async () => {
    const text = mailbox(BATCH * 3);
    const deltas: AnalysisDelta[] = [];
    // The mail changes once the first batch is posted.
    const last = await analyseParts({ text, file: null, rules: [], focus: 1 }, (d) => deltas.push(d), () => false, () => deltas.length > 0);
    const merged = new PartStore();
    [...deltas, last].forEach((d) => merged.add(d));
    assert.equal(merged.analysis().outline.messages.length, BATCH, 'the first batch read, then the read stopped');
    assert.deepEqual(merged.analysis().unfinished, { findings: true, coverage: 3 }, 'and no batch is bound before every finding is in');
  });
});
