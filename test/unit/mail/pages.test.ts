// Archive page variants beyond the seeds: lost header indentation, thread pages,
// openwall, marc and hypermail. The fixtures are in test/fixtures/mail.
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { readMailFile } from '../../../src/mail';

const fixture = (n: string) => readMailFile(path.join(__dirname, '..', '..', 'fixtures', 'mail', n));

describe('mail: archive page variants', () => {
  it('public-inbox page whose folded Cc lost its indentation and has no blank line before the body', () => {
    const doc = fixture('lore-flat-headers.txt');
    assert.equal(doc.format, 'public-inbox');
    const [m] = doc.messages;
    assert.match(m.headers.find((h) => h.name === 'Cc')!.value, /^Ross Zwisler <[^>]+>, linux-kernel@vger.kernel.org, Alexander Viro .* linux-nvdimm@lists.01.org$/);
    assert.equal(m.subject, 'Re: [PATCH v6 15/17] dax: add struct iomap based DAX PMD support');
    assert.equal(m.date, 'Thu, 13 Oct 2016 13:25:20 -0600');
    assert.equal(m.messageId, '20161013192520.GB26922@dax-review.invalid');
    assert.equal(m.body[0].mailLine, 11);
    assert.equal(m.body[m.body.length - 1].raw, 'Right, fixed in v7.');
  });

  it('public-inbox thread page: one message per permalink block, overview on the first', () => {
    const doc = fixture('lore-thread.txt');
    assert.equal(doc.format, 'public-inbox');
    assert.equal(doc.messages.length, 2);
    const [a, b] = doc.messages;
    assert.deepEqual([a.from, a.date, a.subject], ['Jan Kara', '2016-10-20 09:10 UTC', '[PATCH v2 1/3] dax: wake all waiters on entry deletion']);
    assert.equal(a.headers.find((h) => h.name === 'To')?.value, 'linux-nvdimm');
    assert.equal(a.headers.find((h) => h.name === 'Cc')?.value, 'Ross Zwisler, Dan Williams');
    assert.deepEqual(a.body.map((l) => l.raw), ['A waiter hashed to the same queue can sleep forever otherwise.', '', 'Signed-off-by: Jan Kara <jack@suse.cz>']);
    assert.deepEqual([b.from, b.subject, b.headers.find((h) => h.name === 'Cc')?.value], ['Ross Zwisler', 'Re: [PATCH v2 1/3] dax: wake all waiters on entry deletion', 'linux-nvdimm, Dan Williams']);
    assert.equal(b.trailers[0].key, 'Reviewed-by');
    assert.equal(b.speakers[1].name, 'Jan Kara');
    assert.deepEqual(a.thread.map((t) => [t.depth, t.author]), [[0, 'Jan Kara'], [1, 'Ross Zwisler'], [1, 'Jan Kara'], [1, 'Jan Kara']]);
    assert.ok(a.diagnostics.some((d) => d.line === 1 && /banner \(lines 1-7\)/.test(d.message)));
    assert.ok(b.diagnostics.some((d) => d.line === 17 && /thread context \(lines 17-19\)/.test(d.message)));
  });

  it('openwall: navigation, headers with an unindented continuation, obfuscated addresses kept', () => {
    const doc = fixture('openwall.txt');
    assert.equal(doc.format, 'mail-archive');
    const [m] = doc.messages;
    assert.equal(m.from, 'jack@...e.cz');
    assert.equal(m.messageId, '20160412093012.1234@dax-review.invalid');
    assert.equal(m.headers.find((h) => h.name === 'To')?.value, 'linux-fsdevel@...r.kernel.org, linux-nvdimm@...ts.01.org, linux-mm@...ck.org');
    assert.deepEqual([m.series?.index, m.series?.total], [3, 10]);
    assert.equal(m.body[0].mailLine, 9);
    assert.equal(m.trailers[0].value, 'Jan Kara <jack@...e.cz>');
  });

  it('marc: padded headers, raw-download link and navigation footer out of the body', () => {
    const doc = fixture('marc.txt');
    assert.equal(doc.format, 'mail-archive');
    const [m] = doc.messages;
    assert.equal(m.from, 'Jan Kara <jack () suse ! cz>');
    assert.equal(m.subject, 'Re: [PATCH 2/2] dax: fix a lost wakeup in grab_mapping_entry');
    assert.deepEqual(m.body.map((l) => l.raw), ['On Fri 07-10-16 15:09:02, Ross Zwisler wrote:', '> +\t\t\tgoto out_unlock;', '', "You need to call put_unlocked_mapping_entry() here."]);
    assert.ok(m.diagnostics.some((d) => d.line === 15 && /footer/.test(d.message)));
  });

  it('hypermail (lkml.iu.edu): lkml-style headers without blank lines', () => {
    const doc = fixture('hypermail.txt');
    assert.equal(doc.format, 'lkml');
    const [m] = doc.messages;
    assert.deepEqual([m.from, m.date, m.series?.index], ['Ross Zwisler', 'Wed Oct 12 2016 - 18:50:20 EST', 1]);
    assert.equal(m.body[0].mailLine, 4);
  });
});
