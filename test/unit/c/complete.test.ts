// Completing a function the mail shows in part from a base text of the same function.
import { strict as assert } from 'node:assert';
import { completeFromBase } from '../../../src/c/complete';
import type { FunctionImage, ImageLine } from '../../../src/c/types';

const BASE = `int f(struct thing *t, unsigned long a)
{
	unsigned long head = a & MASK;
	pgoff_t pgoff, last;
	int result = FALLBACK;

	if (head < t->start)
		goto fallback;
	pgoff = index_of(t, head);
	last = (size_of(t) - 1) >> SHIFT;
	if (pgoff > last)
		return SIGBUS;
	result = do_it(t, pgoff);
 fallback:
	return result;
}`.split('\n');

const lines = (text: string, op: ImageLine['op'], from: number): ImageLine[] =>
  text.split('\n').map((t, i) => ({ text: t, op, mailLine: from + i, hunk: 0 }));

function image(ls: ImageLine[], cut: boolean): FunctionImage {
  return { name: 'f', side: 'post', path: 'x.c', lines: ls, whole: !cut, gaps: cut ? [ls.length - 1] : [], source: 'mail' };
}

describe('c/complete: a function shown in part, completed from the base', () => {
  it('a function the patch adds whole, cut in the mail, is placed by its added lines; the base keeps the locals its rest uses', () => {
    const added = lines(`int f(struct thing *t, unsigned long a)
{
	unsigned long head = a & MASK;
	pgoff_t size, pgoff;
	int result = FALLBACK;

	if (head < t->start)
		goto fallback;
	pgoff = index_of(t, head);
	size = (size_of(t) + PAGE - 1) >> SHIFT;`, '+', 100);
    const c = completeFromBase(image(added, true), BASE);
    assert.ok(c, 'placed');
    const text = c.image.lines.map((l) => l.text);
    // Every mail line is there, in order, then the base's rest after the last aligned line.
    assert.deepEqual(c.image.lines.filter((l) => l.mailLine !== null).map((l) => l.mailLine), added.map((l) => l.mailLine));
    assert.ok(text.includes('\tlast = (size_of(t) - 1) >> SHIFT;'), 'the base line the mail was cut before');
    assert.ok(text.some((t) => /^\s*pgoff_t last;$/.test(t)), 'the base local its rest uses is declared again');
    assert.ok(!text.some((t) => /pgoff_t pgoff, last;/.test(t)), 'the base declaration the mail replaced is gone');
    assert.equal(text[text.length - 1], '}');
  });

  it('added lines that share only braces and short statements with the base are not placed', () => {
    const added = lines(`int f(struct thing *t, unsigned long a)
{
	return 0;`, '+', 10);
    const c = completeFromBase(image(added, true), BASE);
    assert.ok(!c || c.unplaced.length === 1);
  });
});
