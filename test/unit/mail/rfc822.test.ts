// Raw RFC 822 messages: detection, folding, encoded words, CRLF, trailers, line numbers.
import { strict as assert } from 'node:assert';
import { readMail } from '../../../src/mail';

const patchMail = [
  'From: =?UTF-8?Q?J=C3=A9r=C3=B4me_Glisse?= <jglisse@redhat.com>',
  'To: linux-nvdimm@lists.01.org',
  'Subject: [PATCH v3 2/5] dax: fix a lost wakeup in',
  ' =?ISO-8859-1?B?Z3JhYl9tYXBwaW5nX2VudHJ5?=',
  '\t=?utf-8?q?=28=29?=',
  'Date: Tue, 11 Oct 2016 10:31:52 +0200',
  'Message-ID: <20161011083152.GG6952@quack2.suse.cz>',
  'In-Reply-To: <1475874544-24842-16-git-send-email-ross.zwisler@linux.intel.com>',
  'References: <1475874544-24842-1-git-send-email-ross.zwisler@linux.intel.com>',
  '\t<1475874544-24842-16-git-send-email-ross.zwisler@linux.intel.com>',
  '',
  'Wake all waiters when the entry is deleted.',
  '',
  'Reviewed-by: Jan Kara <jack@suse.cz>',
  'Signed-off-by: Ross Zwisler <ross.zwisler@linux.intel.com>',
  '---',
  ' fs/dax.c | 2 +-',
  '',
  'diff --git a/fs/dax.c b/fs/dax.c',
  '--- a/fs/dax.c',
  '+++ b/fs/dax.c',
  '@@ -1,3 +1,3 @@',
  '-\tdax_wake_mapping_entry_waiter(mapping, index, false);',
  '+\tdax_wake_mapping_entry_waiter(mapping, index, true);',
  '',
];

describe('mail: raw RFC 822', () => {
  it('reads headers (folded, encoded words) and the body with its mail lines', () => {
    const doc = readMail(patchMail.join('\n'));
    assert.equal(doc.format, 'rfc822');
    const [m] = doc.messages;
    assert.equal(m.from, 'Jérôme Glisse <jglisse@redhat.com>');
    assert.equal(m.subject, '[PATCH v3 2/5] dax: fix a lost wakeup in grab_mapping_entry()');
    assert.deepEqual([m.series?.version, m.series?.index, m.series?.total], [3, 2, 5]);
    assert.equal(m.messageId, '20161011083152.GG6952@quack2.suse.cz');
    assert.equal(m.inReplyTo, '1475874544-24842-16-git-send-email-ross.zwisler@linux.intel.com');
    assert.equal(m.references.length, 2);
    assert.equal(m.headers.find((h) => h.name === 'Date')?.mailLine, 6);
    assert.equal(m.body[0].mailLine, 12);
    assert.equal(m.body[0].raw, 'Wake all waiters when the entry is deleted.');
    const plus = m.body.find((l) => l.raw.startsWith('+\t'));
    assert.equal(plus?.mailLine, 24);
    assert.deepEqual(m.trailers.map((t) => [t.key, t.mailLine]), [['Reviewed-by', 14], ['Signed-off-by', 15]]);
    assert.equal(m.speakers[0].name, 'Jérôme Glisse');
    assert.equal(m.speakers[0].email, 'jglisse@redhat.com');
    assert.deepEqual([m.firstLine, m.lastLine], [1, 24]);
  });

  it('blank lines before the headers are skipped, line numbers kept', () => {
    const m = readMail('\n\n' + patchMail.join('\n')).messages[0];
    assert.equal(m.from, 'Jérôme Glisse <jglisse@redhat.com>');
    assert.equal(m.body[0].mailLine, 14);
  });

  it('CRLF mail reads the same as LF mail', () => {
    const lf = readMail(patchMail.join('\n')).messages[0];
    const crlf = readMail(patchMail.join('\r\n')).messages[0];
    assert.deepEqual(crlf.headers, lf.headers);
    assert.deepEqual(crlf.body, lf.body);
  });

  it('8-bit header bytes are read as UTF-8, invalid ones as Latin-1', () => {
    const bytes = Buffer.concat([Buffer.from('From: J'), Buffer.from([0xe9]), Buffer.from('r\nSubject: caf\xc3\xa9\n\nbody\n', 'latin1')]);
    const m = readMail(bytes).messages[0];
    assert.equal(m.from, 'Jér');
    assert.equal(m.subject, 'café');
  });

  it('a header block without a blank line before the body is reported, not lost', () => {
    const m = readMail('From: a@b.c\nSubject: x\nthis is body text\n').messages[0];
    assert.equal(m.body[0].raw, 'this is body text');
    assert.ok(m.diagnostics.some((d) => d.line === 3 && d.severity === 'warning'));
  });

  it('trailers at any depth with their depth', () => {
    const m = readMail('From: a@b.c\nSubject: Re: x\n\n> Acked-by: Dan Williams <dan.j.williams@intel.com>\n> > Tested-by: X <x@y>\nCo-developed-by: Y <y@z>\nFixes: 1234567890ab ("dax: x")\n').messages[0];
    assert.deepEqual(m.trailers.map((t) => [t.key, t.depth]), [['Acked-by', 1], ['Tested-by', 2], ['Co-developed-by', 0], ['Fixes', 0]]);
  });

  it('a raw message quoting archive navigation or lkml dates in its body is still a raw message', () => {
    const doc = readMail('Return-Path: <jack@suse.cz>\nFrom: Jan Kara <jack@suse.cz>\nSubject: Re: x\n\n[Date Prev][Date Next][Thread Prev]\nDate: Tue Oct 11 2016 - 18:51:39 EST\n');
    assert.equal(doc.format, 'rfc822');
    assert.equal(doc.messages[0].body.length, 2);
  });

  it('an archive page starting with a "Subject:" line is a page, not a raw message', () => {
    const doc = readMail('Subject: Re: [PATCH] dax: x\n[Date Prev][Date Next][Thread Prev][Thread Next]\n\nbody text\n[Index of Archives]\n');
    assert.equal(doc.format, 'mail-archive');
    assert.deepEqual(doc.messages[0].body.map((l) => l.raw), ['body text']);
    assert.equal(doc.messages[0].subject, 'Re: [PATCH] dax: x');
  });

  it('a subject line "Re: ..." alone does not make a header block', () => {
    assert.equal(readMail('Re: [PATCH] dax: x\n\nsome words\n').format, 'text');
  });

  it('a file of plain text is read as text, not lost', () => {
    const doc = readMail('just some words\nand a line\n');
    assert.equal(doc.format, 'text');
    assert.equal(doc.messages[0].body.length, 2);
  });
});
