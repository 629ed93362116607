// The five archive pages in test/fixtures/seeds, each in its own web-archive format.
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { readMailFile, type Message } from '../../../src/mail';

const seed = (n: string) => path.join(__dirname, '..', '..', 'fixtures', 'seeds', n);
const bodyText = (m: Message) => m.body.map((l) => l.raw).join('\n');

describe('mail: seed archive pages', () => {
  it('000 lkml.org: headers, series, body from the attribution to the end', () => {
    const doc = readMailFile(seed('000_4ccc91fba6929e52.txt'));
    assert.equal(doc.format, 'lkml');
    const [m] = doc.messages;
    assert.equal(m.subject, 'Re: [PATCH v5 15/17] dax: add struct iomap based DAX PMD support');
    assert.equal(m.from, 'Ross Zwisler');
    assert.equal(m.date, 'Tue Oct 11 2016 - 18:51:39 EST');
    assert.deepEqual([m.series?.version, m.series?.index, m.series?.total], [5, 15, 17]);
    assert.equal(m.body[0].mailLine, 7);
    assert.match(m.body[0].raw, /^On Tue, Oct 11, 2016 at 10:31:52AM \+0200, Jan Kara wrote:$/);
    assert.equal(m.body[m.body.length - 1].raw, 'Jan, thank you for the review!');
    assert.equal(m.speakers[0].name, 'Ross Zwisler');
    assert.equal(m.speakers[0].inferred, false);
    assert.equal(m.body.find((l) => l.raw.startsWith('> > diff --git'))?.depth, 2);
  });

  it('001 public-inbox: headers unfolded, body ends before the list footer, overview kept as thread rows', () => {
    const doc = readMailFile(seed('001_6e1e73b3e7c39ad9.txt'));
    assert.equal(doc.format, 'public-inbox');
    const [m] = doc.messages;
    assert.equal(m.from, 'Dan Williams <dan.j.williams@intel.com>');
    assert.equal(m.date, 'Mon, 9 Oct 2017 10:08:40 -0700');
    assert.equal(m.messageId, 'CAPcyv4i6WBxfVJ0yqWbuW2kiJ-wpi+iYRPk=Kykqt3U5Rrw7MA@mail.gmail.com');
    assert.equal(m.inReplyTo, '20171009034030.GH3666@dastard');
    assert.match(m.headers.find((h) => h.name === 'Cc')!.value, /Jan Kara <jack@suse.cz>, Arnd Bergmann/);
    assert.equal(m.speakers[0].email, 'dan.j.williams@intel.com');
    assert.equal(m.body[m.body.length - 1].raw, 'break process.');
    assert.ok(!/unsubscribe|Thread overview|Reply instructions/.test(bodyText(m)));
    assert.equal(m.listFooter[0].raw, '--');
    assert.match(m.listFooter[1].raw, /^To unsubscribe/);
    assert.equal(m.thread.length, 49);
    const cover = m.thread[0];
    assert.deepEqual([cover.depth, cover.author, cover.series?.index, cover.series?.total], [0, 'Dan Williams', 0, 12]);
    assert.equal(cover.subject, '[PATCH v7 00/12] MAP_DIRECT for DAX RDMA and userspace flush');
    const current = m.thread.filter((t) => t.current);
    assert.equal(current.length, 1);
    assert.deepEqual([current[0].depth, current[0].author, current[0].date, current[0].mailLine], [3, 'Dan Williams', '2017-10-09 17:08', 254]);
    const robot = m.thread.find((t) => t.author === 'kbuild test robot');
    assert.ok(robot && robot.subject === '' && robot.depth === 3);
    const v8 = m.thread.find((t) => t.subject.startsWith('[PATCH v8 2/2]'));
    assert.deepEqual([v8?.depth, v8?.author, v8?.series?.version], [2, 'Dan Williams', 8]);
    assert.ok(m.thread.find((t) => t.author === 'Raj, Ashok'));
    const chrome = m.diagnostics.filter((d) => d.severity === 'info').map((d) => d.line);
    assert.deepEqual(chrome.sort((a, b) => a - b), [1, 236, 242, 295]);
  });

  it('002 mail-archive: navigation and footer out of the body, depth-0 author inferred', () => {
    const doc = readMailFile(seed('002_a5a61db4d6f739a3.txt'));
    assert.equal(doc.format, 'mail-archive');
    const [m] = doc.messages;
    assert.equal(m.subject, 'Re: [PATCH 00/13] Fix the DAX-gup mistake');
    assert.equal(m.from, null);
    assert.equal(m.body[0].raw, 'Jason Gunthorpe wrote:');
    assert.equal(m.body[m.body.length - 1].raw, 'the latter is more likely.');
    assert.ok(!/Index.of.Archives|Date Prev/.test(bodyText(m)));
    const zero = m.speakers[0];
    assert.ok(zero.name === null || zero.inferred, 'depth 0 is unknown or marked inferred');
    assert.ok(m.diagnostics.some((d) => d.line === 106 && /footer/.test(d.message)));
  });

  it('003 lkml.org without blank lines; obfuscated addresses and trailers kept as given', () => {
    const doc = readMailFile(seed('003_3d6b82453f49d3bf.txt'));
    assert.equal(doc.format, 'lkml');
    const [m] = doc.messages;
    assert.equal(m.from, 'Dan Williams');
    assert.equal(m.body[0].mailLine, 4);
    const sob = m.trailers.find((t) => t.key === 'Signed-off-by');
    assert.deepEqual(sob && [sob.value, sob.depth], ['Dan Williams <dan.j.williams@xxxxxxxxx>', 1]);
    assert.equal(m.trailers.filter((t) => t.key === 'Cc').length, 7);
    assert.ok(m.trailers.every((t) => t.depth === 1));
  });

  it('004 mail-archive: list footer apart, -mm series tag', () => {
    const doc = readMailFile(seed('004_a390448b7e93e5fc.txt'));
    const [m] = doc.messages;
    assert.equal(doc.format, 'mail-archive');
    assert.deepEqual(m.series?.prefixes, ['-mm']);
    assert.equal(m.body[0].raw, 'On Tue, Dec 15, 2015 at 4:14 PM, Andrew Morton');
    assert.equal(m.body[m.body.length - 1].raw, 'looking for...');
    assert.match(m.listFooter.map((l) => l.raw).join('\n'), /majordomo@xxxxxxxxx/);
    assert.equal(m.speakers[1].name, 'Andrew Morton');
  });

  it('every line of every seed is body, footer, header or reported chrome', () => {
    for (const n of ['000_4ccc91fba6929e52.txt', '001_6e1e73b3e7c39ad9.txt', '002_a5a61db4d6f739a3.txt', '003_3d6b82453f49d3bf.txt', '004_a390448b7e93e5fc.txt']) {
      const doc = readMailFile(seed(n));
      const m = doc.messages[0];
      assert.ok(m.firstLine === 1 && m.lastLine > m.body[m.body.length - 1].mailLine - 1, n);
      for (let i = 1; i < m.body.length; i++) assert.equal(m.body[i].mailLine, m.body[i - 1].mailLine + 1, `${n} body is contiguous`);
    }
  });
});
