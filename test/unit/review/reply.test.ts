// The reply as a reviewer sends it, on every seed and every real message: headers a mail
// client takes, a body wrapped at 72 columns (quoted code and thread tables excepted), and a
// verdict only on code the model ran.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkMail, composeReply, reviewReady, type CheckResult } from '../../../src/review/index';
import { sendableAddress, sentence, REPLY_WIDTH } from '../../../src/review/reply';
import { FIXTURES } from './support';

const corpus = ['seeds', 'real-mail'].flatMap((d) => readdirSync(path.join(FIXTURES, d)).filter((f) => !f.endsWith('.md')).map((f) => path.join(FIXTURES, d, f)));

function body(text: string): { lines: string[]; first: number } {
  const lines = text.split('\n');
  return { lines, first: lines.indexOf('') + 1 };
}

describe('review: the reply on every seed and real message', function () {
  this.timeout(300_000);
  const results = new Map<string, CheckResult>();
  before(async () => {
    await reviewReady();
    for (const f of corpus) results.set(f, await checkMail(readFileSync(f), { file: f, verdicts: false, budget: { maxStates: 50_000, maxMs: 5_000 } }));
  });
  const withPatch = (): [string, CheckResult][] => [...results].filter(([, r]) => r.patches.some((p) => p.files.some((x) => x.hunks.length)));

  it('has headers a mail client sends: each on one line, addresses only, Re: subject, threading from the Message-ID', () => {
    assert.ok(withPatch().length >= 15);
    for (const [file, r] of withPatch()) {
      const d = composeReply(r);
      const { lines, first } = body(d.text);
      const headers = lines.slice(0, first - 1);
      for (const h of headers) assert.match(h, /^(To|Cc|Subject|In-Reply-To|References): \S/, `${file}: ${h}`);
      const subject = headers.find((h) => h.startsWith('Subject: '))!;
      assert.match(subject, /^Subject: Re: (?!Re:)/i, file);
      for (const h of headers.filter((x) => /^(To|Cc): /.test(x))) {
        for (const entry of h.replace(/^(To|Cc): /, '').split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
          assert.ok(sendableAddress(entry), `${file}: '${entry}' is no address mail can be sent to`);
        }
      }
      const id = r.patches[0].message.messageId;
      if (id) assert.ok(headers.includes(`In-Reply-To: <${id.replace(/^<|>$/g, '')}>`), file);
      else assert.ok(d.notes.some((n) => /Message-ID/.test(n)), file);
    }
  });

  it('wraps the body at 72 columns, quoted code and thread tables excepted', () => {
    for (const [file, r] of withPatch()) {
      const d = composeReply(r);
      const { lines, first } = body(d.text);
      lines.forEach((l, i) => {
        if (i < first || l.startsWith('>') || d.tables.some(([a, b]) => i >= a && i <= b)) return;
        assert.ok(l.length <= REPLY_WIDTH, `${file}: body line ${i + 1} has ${l.length} columns: ${l}`);
      });
    }
  });

  it('gives no verdict on code the model did not run, and says what is outside the model', () => {
    for (const [file, r] of withPatch()) {
      const text = composeReply(r).text;
      const ran = r.coverage.reduce((n, c) => n + c.executed, 0);
      if (ran === 0) {
        assert.doesNotMatch(text, /looks right|Reviewed-by/, file);
        assert.match(text, /I have not checked the locking of this patch/, file);
      }
      const flat = text.replace(/\s+/g, ' ');
      for (const c of r.coverage.filter((x) => x.outside)) {
        const said = sentence(c.outside!.replace(/^not checked: /, '').replace(/ \(it models [^)]*\)/, ''));
        assert.ok(flat.includes(said.replace(/\s+/g, ' ')), `${file}: ${said}`);
        const models = /\(it models ([^,)]+)/.exec(c.outside!);
        if (models) assert.ok(flat.includes(`The model covers ${models[1]}`), `${file}: the reply names what the model covers`);
      }
    }
  });

  it('a hunk the model does not run has one line saying what is outside the model, and nothing to simulate', () => {
    const get = (name: string): CheckResult => [...results].find(([f]) => f.includes(name))![1];
    const mm = get('16_gup_no_longterm');
    assert.equal(mm.coverage.length, 1);
    assert.match(mm.coverage[0].outside!, /^not checked: .*in include\/linux\/mm\.h: the model has no include\/linux\/mm\.h/);
    assert.equal(mm.coverage[0].simulable, false);
    const dm = get('10_dm_dax');
    assert.ok(dm.coverage.filter((c) => c.changed).every((c) => /the model has no drivers\/md\/|the model has no include\//.test(c.outside ?? '')), JSON.stringify(dm.coverage.map((c) => c.outside)));
    // Where the model runs the hunk, no such line, and a simulation has something to run.
    const ran = get('000_').coverage.filter((c) => c.executed > 0);
    assert.ok(ran.length > 0 && ran.every((c) => c.outside === undefined && c.simulable));
  });

  it('leaves out entries without an address and says so', () => {
    const [file, r] = withPatch().find(([f]) => f.includes('003_'))!;
    const d = composeReply(r);
    assert.ok(!/xxxx/.test(d.text.split('\n\n')[0]), `${file}: obfuscated addresses in the headers`);
    assert.ok(d.notes.some((n) => /left out of To\/Cc/.test(n) || /no To/.test(n)), d.notes.join('\n'));
  });
});

describe('review: reply pieces', () => {
  it('an address mail can be sent to; bare names and obfuscated ones are not', () => {
    assert.equal(sendableAddress('Jan Kara <jack@suse.cz>'), 'jack@suse.cz');
    assert.equal(sendableAddress('linux-xfs@vger.kernel.org'), 'linux-xfs@vger.kernel.org');
    assert.equal(sendableAddress('Dan Williams <dan.j.williams@xxxxxxxxx>'), null);
    assert.equal(sendableAddress('Ross Zwisler'), null);
    assert.equal(sendableAddress('jack at suse.cz'), null);
    assert.equal(sendableAddress('Jan Kara <jack-AlSwsSmVLrQ@public.gmane.org>'), null);
  });

  it('a finding as a sentence: a capital unless it starts with an identifier, and a full stop', () => {
    assert.equal(sentence('after deleting the entry this wakes one waiter'), 'After deleting the entry this wakes one waiter.');
    assert.equal(sentence('unmap_mapping_range() may sleep'), 'unmap_mapping_range() may sleep.');
    assert.equal(sentence('Done.'), 'Done.');
  });
});

describe('review: what the reply says about the thread and the verdict', function () {
  this.timeout(300_000);
  before(async () => { await reviewReady(); });

  it('acknowledges the point a reviewer in the thread already made, by name', async () => {
    const f = path.join(FIXTURES, 'seeds', readdirSync(path.join(FIXTURES, 'seeds')).find((x) => x.startsWith('000_'))!);
    const r = await checkMail(readFileSync(f), { file: f, verdicts: false });
    const answered = r.findings.filter((x) => x.comment !== undefined && x.severity !== 'info');
    assert.ok(answered.length > 0);
    const text = composeReply(r).text.replace(/\s+/g, ' ');
    for (const x of answered) assert.ok(text.includes(`As Jan noted, ${x.message.slice(0, 40).replace(/\s+/g, ' ')}`), x.message);
  });

  it('offers Reviewed-by only when the model ran every changed line and found nothing', async () => {
    const f = path.join(FIXTURES, 'shapes', 'refactor-helper.patch');
    const r = await checkMail(readFileSync(f), { file: f, verdicts: false });
    assert.ok(r.coverage.every((c) => c.executed === c.changed) && !r.findings.some((x) => x.severity !== 'info'));
    const signed = composeReply(r, { reviewer: 'Rae Viewer <rae@example.org>' });
    assert.match(signed.text, /^Reviewed-by: Rae Viewer <rae@example.org>$/m);
    assert.match(signed.text.replace(/\s+/g, ' '), /looks right to me: the model runs every changed line/);
    const unsigned = composeReply(r);
    assert.doesNotMatch(unsigned.text, /Reviewed-by/);
    assert.ok(unsigned.notes.some((n) => /no Reviewed-by/.test(n)));
    // Not when some changed line was not run, nor with a finding.
    const partial = { ...r, coverage: r.coverage.map((c, i) => (i === 0 ? { ...c, executed: c.executed - 1 } : c)) };
    assert.doesNotMatch(composeReply(partial, { reviewer: 'Rae Viewer <rae@example.org>' }).text, /Reviewed-by/);
  });
});
