// Raw messages written one after another without mbox separators: each is read from its
// own header block, and the reader says so; a message attached to one of them stays inside it.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { readMail } from '../../../src/mail/index';
import { parsePatchMessage } from '../../../src/patch/index';

const FIX = path.join(__dirname, '..', '..', 'fixtures');

describe('mail: messages without mbox separators', () => {
  it('reads each message from its own header block, an attached message/rfc822 stays in its part', () => {
    const doc = readMail(readFileSync(path.join(FIX, 'mail', 'concatenated.txt')));
    assert.deepEqual(doc.messages.map((m) => m.subject), [
      '[PATCH 1/2] dax: wake all waiters after deleting an entry',
      'Re: [PATCH 1/2] dax: wake all waiters after deleting an entry',
      '[PATCH 2/2] dax: say why the waiters are woken',
    ]);
    const note = doc.diagnostics.find((d) => /no mbox separators/.test(d.message));
    assert.ok(note && note.severity === 'warning' && !note.verbose);
    assert.match(note.message, /read as 3 messages.*at lines 1, 28, 58\)/);
    const hunks = doc.messages.map((m) => parsePatchMessage(m).files.flatMap((f) => f.hunks).length);
    assert.deepEqual(hunks, [1, 0, 1]);
  });

  it('the fourteen real messages, concatenated as they are, read as fourteen', () => {
    const dir = path.join(FIX, 'real-mail');
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
    const one = Buffer.concat(files.map((f) => readFileSync(path.join(dir, f))));
    const doc = readMail(one);
    assert.equal(doc.messages.length, files.length);
    assert.deepEqual(doc.messages.map((m) => m.subject), files.map((f) => readMail(readFileSync(path.join(dir, f))).messages[0].subject));
  });

  it('a single message is never split, whatever its body quotes', () => {
    const header = 'From: A <a@example.org>\nSubject: s\nDate: Tue, 14 Mar 2017 10:00:00 +0000\nMessage-ID: <x@example.org>\n\n';
    const quotedHeaders = fc.constantFrom('> From: B <b@example.org>', '> Subject: t', '> Date: x', '> Message-ID: <y@e>', 'From: B', 'plain text', '');
    fc.assert(fc.property(fc.array(quotedHeaders, { maxLength: 30 }), (body) => {
      assert.equal(readMail(header + body.join('\n')).messages.length, 1);
    }));
  });

  it('a long text with no headers says how it was read', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `line ${i}`).join('\n');
    const doc = readMail(text);
    const d = [...doc.diagnostics, ...doc.messages.flatMap((m) => m.diagnostics)].find((x) => /plain-text/.test(x.message));
    assert.ok(d && d.severity === 'warning' && !d.verbose, JSON.stringify(d));
    assert.match(d.message, /all 3000 lines read as one plain-text message/);
  });
});
