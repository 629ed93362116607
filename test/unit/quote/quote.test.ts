// The quote tree: depths, attribution lines and the speaker of each depth.
import { strict as assert } from 'node:assert';
import { analyseQuotes, findAttributions, parseAttribution, splitQuote, splitQuoteUpTo } from '../../../src/mail/quote';

const lines = (text: string) => text.split('\n').map((raw, i) => ({ raw, mailLine: i + 1 }));

describe('quote tree', () => {
  it('splits every quote prefix style', () => {
    assert.deepEqual(splitQuote('> text'), { depth: 1, text: 'text' });
    assert.deepEqual(splitQuote('>text'), { depth: 1, text: 'text' });
    assert.deepEqual(splitQuote('>> text'), { depth: 2, text: 'text' });
    assert.deepEqual(splitQuote('> > text'), { depth: 2, text: 'text' });
    assert.deepEqual(splitQuote('> >> text'), { depth: 3, text: 'text' });
    assert.deepEqual(splitQuote('> >  ctx'), { depth: 2, text: ' ctx' });
    assert.deepEqual(splitQuote('> > + x'), { depth: 2, text: '+ x' });
    assert.deepEqual(splitQuote('>'), { depth: 1, text: '' });
    assert.deepEqual(splitQuote('no quote'), { depth: 0, text: 'no quote' });
    assert.deepEqual(splitQuoteUpTo('> > > x', 2), { depth: 2, text: '> x' });
  });

  it('reads the attribution forms reviewers use', () => {
    const cases: [string, string | null, string | null][] = [
      ['On Tue, Oct 11, 2016 at 10:31:52AM +0200, Jan Kara wrote:', 'Jan Kara', null],
      ['On Fri 07-10-16 15:09:02, Ross Zwisler wrote:', 'Ross Zwisler', null],
      ['Jason Gunthorpe wrote:', 'Jason Gunthorpe', null],
      ['On Sun, Oct 8, 2017 at 8:40 PM, Dave Chinner <david@fromorbit.com> wrote:', 'Dave Chinner', 'david@fromorbit.com'],
      ['On Wed, 09 Dec 2015 18:39:16 -0800 Dan Williams <dan.j.williams@xxxxxxxxx> wrote:', 'Dan Williams', 'dan.j.williams@xxxxxxxxx'],
      ['On Wed, 09 Dec 2015 18:39:16 -0800 Jan Kara <jack@suse.cz> wrote:', 'Jan Kara', 'jack@suse.cz'],
      ['Quoting Dan Williams (2017-10-09 10:08:40):', 'Dan Williams', null],
      ['On Mon, Oct 9, 2017 at 10:08 AM, Wong, Darrick J <darrick.wong@oracle.com> wrote:', 'Wong, Darrick J', 'darrick.wong@oracle.com'],
      ['On Thursday, October 12, 2017 6:27:00 PM, Jason Gunthorpe via Linux-nvdimm <linux-nvdimm@lists.01.org> wrote:', 'Jason Gunthorpe', 'linux-nvdimm@lists.01.org'],
      ['On 2016-10-11 10:31, Jan Kara wrote:', 'Jan Kara', null],
      ['On Mon, 9 Jan 2017 10:31:52 +0100 Jan Kara <jack@suse.cz> wrote:', 'Jan Kara', 'jack@suse.cz'],
      ['* Jan Kara <jack@suse.cz> [161011 10:31]:', 'Jan Kara', 'jack@suse.cz'],
    ];
    for (const [text, name, email] of cases) {
      assert.deepEqual(parseAttribution(text), { name, email }, text);
    }
    assert.equal(parseAttribution('This is what the old code did, as I said before when I wrote:'), null);
    assert.equal(parseAttribution('Fixed, thanks.'), null);
  });

  it('joins an attribution wrapped over two lines', () => {
    const body = lines('On Tue, Dec 15, 2015 at 4:14 PM, Andrew Morton\n<akpm@xxxxxxxxxxxxxxxxxxxx> wrote:\n> text');
    const { body: b, speakers } = analyseQuotes(body, 'Dan Williams');
    const found = findAttributions(b);
    assert.equal(found.length, 1);
    assert.equal(found[0].firstLine, 1);
    assert.equal(found[0].lastLine, 2);
    assert.equal(speakers[1].name, 'Andrew Morton');
    assert.equal(speakers[1].email, 'akpm@xxxxxxxxxxxxxxxxxxxx');
    assert.equal(speakers[1].mailLine, 1);
  });

  it('a bare "Name wrote:" counts only when deeper quoting follows', () => {
    assert.equal(findAttributions(analyseQuotes(lines('Jason Gunthorpe wrote:\nno quote follows'), null).body).length, 0);
    assert.equal(findAttributions(analyseQuotes(lines('Jason Gunthorpe wrote:\n> quoted'), null).body).length, 1);
  });

  it('names depth 0 from the author, and infers it from an alternating exchange when unknown', () => {
    const text = 'Jason Gunthorpe wrote:\n> Dan Williams wrote:\n> > Jason Gunthorpe wrote:\n> > > x\n> > y\n> z\nw';
    const known = analyseQuotes(lines(text), 'Dan Williams <dan@example.org>').speakers;
    assert.deepEqual(known.map((s) => [s.depth, s.name, s.inferred]),
      [[0, 'Dan Williams', false], [1, 'Jason Gunthorpe', false], [2, 'Dan Williams', false], [3, 'Jason Gunthorpe', false]]);
    assert.equal(known[0].email, 'dan@example.org');
    const unknown = analyseQuotes(lines(text), null).speakers;
    assert.equal(unknown[0].name, 'Dan Williams');
    assert.equal(unknown[0].inferred, true);
    const selfReply = analyseQuotes(lines('Dan wrote:\n> Dan wrote:\n> > x\n> y'), null).speakers;
    assert.equal(selfReply[0].name, null, 'no inference when depths 1 and 2 are the same person');
  });

  it('takes a thousand quote levels in its stride', () => {
    const deep = '>'.repeat(1000) + ' deepest';
    const text = Array.from({ length: 1000 }, (_, d) => '> '.repeat(d) + `Person ${d} wrote:`).join('\n') + '\n' + deep;
    const { body, speakers } = analyseQuotes(lines(text), 'Author');
    assert.equal(body[1000].depth, 1000);
    assert.equal(body[1000].text, 'deepest');
    assert.equal(speakers.length, 1001);
    assert.equal(speakers[1000].name, 'Person 999');
  });
});

describe('quote: attribution names that look like a time zone', () => {
  it('"Pat" and "Matt" are names after the date, "PDT" and "(CEST)" are zones', () => {
    assert.equal(parseAttribution('On Thu, Mar 16, 2017 at 03:02:11PM +0100, Pat Reviewer wrote:')?.name, 'Pat Reviewer');
    assert.equal(parseAttribution('On Mon, 2 Jan 2017 10:00:00 PDT Matt Example wrote:')?.name, 'Matt Example');
    assert.equal(parseAttribution('On 2 Jan 2017 10:00 (CEST), Jan Kara wrote:')?.name, 'Jan Kara');
  });
});
