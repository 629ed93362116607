// Quoted fragments with no diff or @@ header: a reviewer trimmed the quote to the code they
// answer. They are hunks, with the comments between their lines inside them; quoted prose
// lists that start with '+' or '-' are not.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { readMail } from '../../../src/mail/index';
import { parsePatchMessage } from '../../../src/patch/index';
import { readsAsC } from '../../../src/patch/fragments';
import { messageFromText } from './helpers';

const hunksOf = (text: string) => parsePatchMessage(messageFromText(text)).files.flatMap((f) => f.hunks);

describe('patch: header-less quoted fragments', () => {
  it('a trimmed quote is one hunk; the comment that splits it stays inside; the changelog list is not patch', () => {
    const msg = readMail(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'mail', 'headerless-trimmed.txt'))).messages[0];
    const pm = parsePatchMessage(msg);
    const hunks = pm.files.flatMap((f) => f.hunks);
    assert.equal(hunks.length, 1);
    const [h] = hunks;
    assert.equal(h.headerMissing, true);
    assert.equal(h.lines.filter((l) => l.op === '+').length, 3);
    assert.equal(h.lines.filter((l) => l.op === '-').length, 1);
    assert.ok(!h.lines.some((l) => /unlock the entry before/.test(l.text)), 'the changelog list is not a hunk line');
    const why = h.comments.find((c) => /Why test only/.test(c.text));
    assert.ok(why && why.anchor, 'the comment is anchored in the hunk');
    assert.match(h.lines[why.anchor[1]].text, /goto unlock_entry;/);
    assert.equal(why.speaker, 'Pat Reviewer');
  });

  it('quoted prose lists starting with + or - are not hunks', () => {
    const text = [
      'On Mon, Jan 2, 2017, Dana Kernel wrote:',
      '> v3:',
      '> - wake every waiter after the delete',
      '> - rebase on the current tree',
      '> + added a test to the suite',
      '',
      'Thanks.',
    ].join('\n');
    assert.deepEqual(hunksOf(text), []);
  });

  it('no prose list made of words, whatever its ops, is read as patch', () => {
    const word = fc.stringMatching(/^[a-z]{1,9}$/);
    const sentence = fc.array(word, { minLength: 2, maxLength: 8 }).map((ws) => ws.join(' '));
    const item = fc.tuple(fc.constantFrom('+', '-', ' '), sentence, fc.constantFrom('', '.', ';', ':')).map(([op, s, end]) => `> ${op} ${s}${end === ';' ? '' : end}`);
    fc.assert(fc.property(fc.array(item, { minLength: 1, maxLength: 8 }), (items) => {
      assert.deepEqual(hunksOf(['Dana wrote:', ...items, '', 'Fine by me.'].join('\n')), []);
    }));
  });

  it('C reads as C, prose does not', () => {
    for (const c of ['\tentry = lock_slot(mapping, slot);', '\tif (IS_ERR(entry))', '}', '\t\tgoto fallback;', 'out_unlock:', '\t/* the waiters */', '\tspin_unlock_irq(&mapping->tree_lock)']) assert.ok(readsAsC(c), c);
    for (const p of [' fix the thing', ' rebase on the current tree', ' added a test (see below).', ' v2: no changes']) assert.ok(!readsAsC(p), p);
  });

  it('a message with a diff header keeps reading the headed patch only', () => {
    const text = ['> diff --git a/fs/dax.c b/fs/dax.c', '> --- a/fs/dax.c', '> +++ b/fs/dax.c', '> @@ -1,2 +1,2 @@', '>  a();', '> -b();', '> +c();'].join('\n');
    const hunks = hunksOf(text);
    assert.equal(hunks.length, 1);
    assert.equal(hunks[0].headerMissing, false);
  });
});

describe('patch: a multipart reply quoting the old version and attaching the new', () => {
  it('keeps the quoted hunk with its comment and the attached patch, hunk numbers running on', () => {
    const msg = readMail(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'mail', 'multipart-quoted-and-attached.eml'))).messages[0];
    const pm = parsePatchMessage(msg);
    const hunks = pm.files.flatMap((f) => f.hunks);
    assert.equal(hunks.length, 2);
    assert.deepEqual(hunks.map((h) => h.id), [0, 1]);
    assert.deepEqual(hunks.map((h) => [h.quoteDepth, h.oldStart, h.clean]), [[2, 498, true], [0, 495, true]]);
    assert.ok(hunks[0].comments.some((c) => /still says one waiter/.test(c.text) && c.hunk === 0));
    assert.ok(hunks[1].lines.some((l) => l.op === '+' && /wake every waiter/.test(l.text)));
  });
});
