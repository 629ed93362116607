// public-inbox thread overview rows: tree depth from the backtick indentation,
// subjects told from authors, "[this message]", rows that are not rows.
import { strict as assert } from 'node:assert';
import { splitLines } from '../../../src/mail/lines';
import { parseThreadOverview } from '../../../src/mail/thread';
import type { MailDiagnostic } from '../../../src/mail';

const rows = (text: string, names: string[] = []) => {
  const diags: MailDiagnostic[] = [];
  const entries = parseThreadOverview(splitLines(text, 100), names, diags);
  return { entries, diags };
};

describe('mail: thread overview', () => {
  it('depth from the tree, subjects and authors apart, the current row marked', () => {
    const { entries } = rows([
      '2016-10-07 21:08 [PATCH v5 00/17] re-enable DAX PMD support Ross Zwisler',
      '2016-10-07 21:08 ` [PATCH v5 15/17] dax: add struct iomap based DAX PMD support Ross Zwisler',
      '2016-10-11  8:31   ` Jan Kara',
      '2016-10-11 22:51     ` Ross Zwisler [this message]',
      '2016-10-12  7:45       ` Re: [PATCH v5 15/17] dax: a new subject line Jan Kara',
    ].join('\n'));
    assert.deepEqual(entries.map((e) => [e.depth, e.author, e.current, e.mailLine]), [
      [0, 'Ross Zwisler', false, 100], [1, 'Ross Zwisler', false, 101], [2, 'Jan Kara', false, 102],
      [3, 'Ross Zwisler', true, 103], [4, 'Jan Kara', false, 104],
    ]);
    assert.equal(entries[1].subject, '[PATCH v5 15/17] dax: add struct iomap based DAX PMD support');
    assert.equal(entries[2].subject, '');
    assert.equal(entries[2].date, '2016-10-11 8:31');
    assert.deepEqual([entries[4].subject, entries[4].series?.index], ['Re: [PATCH v5 15/17] dax: a new subject line', 15]);
  });

  it('an author known only from the page headers is split off a subject row', () => {
    const { entries } = rows('2017-10-06 22:35 [PATCH v7 00/12] MAP_DIRECT for DAX Dan Williams', ['Dan Williams']);
    assert.deepEqual([entries[0].subject, entries[0].author], ['[PATCH v7 00/12] MAP_DIRECT for DAX', 'Dan Williams']);
  });

  it('separator and "[not found]" lines are reported, not taken as rows', () => {
    const { entries, diags } = rows([
      '-- links below jump to the message on this page --',
      '2016-10-07 21:08 [PATCH] dax: x Ross Zwisler',
      '     [not found] <20161011083152.GG6952@quack2.suse.cz>',
      '-- strict thread matches above, loose matches on Subject: below --',
    ].join('\n'));
    assert.equal(entries.length, 1);
    assert.deepEqual(diags.map((d) => d.line), [100, 102, 103]);
  });
});
