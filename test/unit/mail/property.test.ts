// Properties of the reader: it never throws on any bytes, and a message written as
// RFC 822, mbox or mboxrd reads back to the same headers and body.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readMail, readMbox, type Message } from '../../../src/mail';

/** Fragments that steer random input into every reader: separators, MIME, encodings, page markers. */
const fragment = fc.constantFrom(
  'From mboxrd@z Thu Jan  1 00:00:00 1970\n', 'From x Mon Sep 17 00:00:00 2001\n', 'From: a <b@c>\n', 'Subject: =?utf-8?B?w6k=?=\n',
  'Content-Type: multipart/mixed; boundary=q\n', '--q\n', '--q--\n', 'Content-Transfer-Encoding: base64\n',
  'Content-Transfer-Encoding: quoted-printable\n', 'Content-Type: text/plain; charset=bogus; format=flowed; delsp=yes\n',
  '=\n', '=E9', '=?', '\n', '\r\n', '> ', '>>', '>From ', '[Date Prev][Date Next]\n', 'Thread overview: 3+ messages\n',
  '2017-10-06 22:35 ` [PATCH v7 01/12] x Dan\n', 'Date: Tue Oct 11 2016 - 18:51:39 EST\n', 'Date: x\t[thread overview]\n',
  '--\nTo unsubscribe\n', 'On Tue, Oct 11, 2016, Jan Kara wrote:\n', '\u00a0', '\xff\xfe', '\u00e9',
);
const soup = fc.array(fc.oneof(fragment, fc.string({ maxLength: 20 })), { maxLength: 40 }).map((a) => a.join(''));

describe('mail: properties', () => {
  it('any byte soup never throws', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => { readMail(bytes); }), { numRuns: 300 });
  });

  it('any soup of mail fragments never throws and every diagnostic names a line', () => {
    fc.assert(fc.property(soup, (s) => {
      const doc = readMail(Buffer.from(s, 'latin1'));
      const lines = s.split('\n').length;
      for (const m of doc.messages) for (const d of [...m.diagnostics, ...doc.diagnostics]) assert.ok(d.line >= 1 && d.line <= lines + 1, d.message);
    }), { numRuns: 500 });
  });

  const word = fc.stringMatching(/^[A-Za-z0-9<>@.,;()[\]'"_+\-/]{1,10}$/);
  const value = fc.array(word, { minLength: 1, maxLength: 8 }).map((w) => w.join(' '));
  const header = fc.tuple(fc.stringMatching(/^X-[A-Za-z][A-Za-z0-9-]{0,10}$/), value);
  const bodyLine = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, '')),
    fc.constantFrom('From me to you', '>From x', '>>From y', 'From x Mon Sep 17 00:00:00 2001', '', '> quoted', '-- '),
  );
  const message = fc.record({
    headers: fc.array(header, { maxLength: 5 }),
    subject: value,
    body: fc.array(bodyLine, { maxLength: 20 }),
    fold: fc.boolean(),
  });
  type Msg = typeof message extends fc.Arbitrary<infer T> ? T : never;

  const headerLines = (m: Msg) => [['From', 'Jan Kara <jack@suse.cz>'], ['Subject', m.subject], ...m.headers]
    .map(([n, v]) => `${n}: ${m.fold ? v.replace(' ', '\n\t') : v}`);
  const rfc822 = (m: Msg, eol: string) => [...headerLines(m), '', ...m.body].join(eol) + eol;
  const mbox = (ms: Msg[], rd: boolean) => ms.map((m) => [
    rd ? 'From mboxrd@z Thu Jan  1 00:00:00 1970' : 'From jack@suse.cz Tue Oct 11 10:31:52 2016',
    ...headerLines(m), '', ...m.body.map((l) => (rd ? l.replace(/^(>*From )/, '>$1') : l.replace(/^From /, '>From '))), '',
  ].join('\n')).join('\n') + '\n';

  const same = (got: ReturnType<typeof readMail>['messages'][number], m: Msg) => {
    assert.deepEqual(got.headers.map((h) => [h.name, h.value]), [['From', 'Jan Kara <jack@suse.cz>'], ['Subject', m.subject], ...m.headers]);
    assert.deepEqual(got.body.map((l) => l.raw), m.body);
  };

  it('rfc822 (LF and CRLF) round trip', () => {
    fc.assert(fc.property(message, fc.boolean(), (m, crlf) => {
      const doc = readMail(rfc822(m, crlf ? '\r\n' : '\n'));
      assert.equal(doc.format, 'rfc822');
      same(doc.messages[0], m);
    }), { numRuns: 300 });
  });

  it('mboxrd round trip', () => {
    fc.assert(fc.property(fc.array(message, { minLength: 1, maxLength: 4 }), (ms) => {
      const doc = readMail(mbox(ms, true));
      assert.equal(doc.format, 'mboxrd');
      assert.equal(doc.messages.length, ms.length);
      doc.messages.forEach((got, k) => same(got, ms[k]));
    }), { numRuns: 200 });
  });

  it('streaming an mbox gives what reading it whole gives, for any soup after a From_ line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dax-mbox-prop-'));
    try {
      await fc.assert(fc.asyncProperty(soup, async (s) => {
        const text = 'From mboxrd@z Thu Jan  1 00:00:00 1970\n' + s;
        const file = path.join(dir, 'm.mbox');
        writeFileSync(file, Buffer.from(text, 'latin1'));
        const streamed: Message[] = [];
        for await (const m of readMbox(file)) streamed.push(m);
        assert.deepEqual(streamed, readMail(Buffer.from(text, 'latin1')).messages);
      }), { numRuns: 150 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('mbox round trip (bodies without ">From " lines, which mboxo cannot tell from escaped ones)', () => {
    const plain = message.filter((m) => m.body.every((l) => !/^>+From /.test(l)));
    fc.assert(fc.property(fc.array(plain, { minLength: 1, maxLength: 4 }), (ms) => {
      const doc = readMail(mbox(ms, false));
      assert.equal(doc.format, 'mbox');
      assert.equal(doc.messages.length, ms.length);
      doc.messages.forEach((got, k) => same(got, ms[k]));
    }), { numRuns: 200 });
  });
});
