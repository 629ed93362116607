import { strict as assert } from 'node:assert';
import { withComments } from '../../../src/editor/review';

const reply = [
  'To: Ross Zwisler',
  'Subject: Re: [PATCH] dax: fix',
  '',
  'Ross Zwisler wrote:',
  '> + entry = lock_slot(mapping, slot);',
  '>  spin_unlock_irq(&mapping->tree_lock);',
  '> + entry = lock_slot(mapping, slot);',
  '',
  'a finding',
  '',
].join('\n');

describe('editor: own comments in the drafted reply', () => {
  it('puts a comment under the quoted line it answers, whitespace and quote depth aside', () => {
    const r = withComments(reply, [{ line: 40, quote: '> >  spin_unlock_irq(&mapping->tree_lock);', text: 'Why drop the lock here?\nIt was held before.' }]);
    const lines = r.split('\n');
    const at = lines.indexOf('>  spin_unlock_irq(&mapping->tree_lock);');
    assert.deepEqual(lines.slice(at + 1, at + 5), ['', 'Why drop the lock here?', 'It was held before.', '']);
    assert.ok(r.includes('a finding'), 'the findings stay');
  });

  it('answers repeated lines in order, and quotes a line the reply lacks at the end', () => {
    const r = withComments(reply, [
      { line: 12, quote: '+\tentry = lock_slot(mapping, slot);', text: 'first' },
      { line: 30, quote: '+\tentry = lock_slot(mapping, slot);', text: 'second' },
      { line: 50, quote: '+\tunmap_mapping_range(mapping, 0, 0, 0);', text: 'may sleep' },
    ]);
    const lines = r.split('\n');
    assert.ok(lines.indexOf('first') < lines.indexOf('>  spin_unlock_irq(&mapping->tree_lock);'));
    assert.ok(lines.indexOf('second') > lines.indexOf('>  spin_unlock_irq(&mapping->tree_lock);'));
    assert.equal(lines.at(-1), '');
    assert.equal(lines.at(-2), 'may sleep');
    assert.equal(lines.at(-4), '> +\tunmap_mapping_range(mapping, 0, 0, 0);');
  });

  it('leaves the reply as it is without comments', () => {
    assert.equal(withComments(reply, []), reply);
  });
});
