// Hunk extraction, damage, gaps and comment threading on small hand-made mails.
import { strict as assert } from 'node:assert';
import { formatFiles, parsePatchMessage } from '../../../src/patch/index';
import type { Hunk, PatchMessage } from '../../../src/patch/types';
import { messageFromText, quote } from './helpers';

const parse = (text: string, author?: string | null): PatchMessage => parsePatchMessage(messageFromText(text, author));
const hunksOf = (pm: PatchMessage): Hunk[] => pm.files.flatMap((f) => f.hunks).sort((a, b) => a.id - b.id);

const CLEAN = [
  'mm: fix the thing',
  '',
  'Signed-off-by: A <a@example.org>',
  '---',
  ' fs/dax.c | 3 ++-',
  ' 1 file changed, 2 insertions(+), 1 deletion(-)',
  '',
  'diff --git a/fs/dax.c b/fs/dax.c',
  'index 1111111..2222222 100644',
  '--- a/fs/dax.c',
  '+++ b/fs/dax.c',
  '@@ -10,6 +10,7 @@ static int dax_thing(struct address_space *mapping,',
  ' \tint err;',
  ' ',
  ' \tspin_lock_irq(&mapping->tree_lock);',
  '-\terr = old(mapping);',
  '+\terr = new(mapping);',
  '+\tput_unlocked_mapping_entry(mapping, index, entry);',
  ' \tspin_unlock_irq(&mapping->tree_lock);',
  ' \treturn err;',
  '-- ',
  '2.7.4',
].join('\n');

describe('patch extraction', () => {
  it('reads a clean format-patch mail with line numbers and the function from the @@ context', () => {
    const pm = parse(CLEAN);
    const [h] = hunksOf(pm);
    assert.equal(pm.quoteDepth, 0);
    assert.equal(h.path, 'fs/dax.c');
    assert.equal(h.pathSource, 'header');
    assert.equal(h.function, 'dax_thing');
    assert.equal(h.functionSource, 'header');
    assert.equal(h.clean, true);
    assert.deepEqual(h.damage, []);
    assert.equal(h.lines.map((l) => l.op).join(''), '   -++  ');
    assert.deepEqual(h.lines.map((l) => [l.oldLine, l.newLine]), [
      [10, 10], [11, 11], [12, 12], [13, null], [null, 13], [null, 14], [14, 15], [15, 16],
    ]);
    assert.ok(!h.lines.some((l) => l.text.includes('2.7.4')), 'the signature is not patch');
  });

  it('does not take the diffstat or the commit message for patch lines', () => {
    const [h] = hunksOf(parse(CLEAN));
    assert.ok(h.lines.every((l) => l.mailLine >= 13));
  });

  it('finds the same hunk in a quoted reply and threads the comments', () => {
    const reply = [
      'On Mon, Jan 2, 2017 at 10:00 AM, Rev Iewer <r@example.org> wrote:',
      quote(['On Sun, Jan 1, 2017, Author wrote:', quote(CLEAN.split('\n').slice(0, 18).join('\n'), 1)].join('\n'), 1),
      '>',
      '> This wakes nobody.',
      '',
      'Right, fixed in v2:',
      '',
      'static void helper(void)',
      '{',
      '+\tnot_patch();',
      '}',
      '',
      quote(quote(CLEAN.split('\n').slice(18, 20).join('\n'), 1), 1),
    ].join('\n');
    const pm = parse(reply, 'Author <a@example.org>');
    const [h] = hunksOf(pm);
    assert.equal(pm.quoteDepth, 2);
    assert.equal(h.lines.length, 8);
    assert.equal(h.comments.length, 1);
    const c = h.comments[0];
    assert.equal(c.speaker, 'Rev Iewer');
    assert.equal(c.depth, 1);
    assert.equal(c.text, 'This wakes nobody.');
    assert.equal(h.lines[c.anchor![1]].text, '\tput_unlocked_mapping_entry(mapping, index, entry);');
    assert.equal(c.function, 'dax_thing');
    assert.equal(c.replies.length, 1);
    assert.equal(c.replies[0].speaker, 'Author');
    assert.match(c.replies[0].text, /not_patch\(\);/);
    assert.ok(!h.lines.some((l) => l.text.includes('not_patch')));
  });

  for (const marker of ['...', '[...]', '<snip>', '[snip]', '.....']) {
    it(`treats '${marker}' as a gap: a fitting run stays in the hunk with unknown line numbers`, () => {
      const text = [
        '--- a/fs/dax.c', '+++ b/fs/dax.c',
        '@@ -1,8 +1,8 @@ int f(void)',
        ' \ta();', '-\tb();', '+\tc();',
        marker,
        ' \td();', ' \treturn 0;',
      ].join('\n');
      const [h, ...rest] = hunksOf(parse(text));
      assert.equal(rest.length, 0);
      const gap = h.damage.find((d) => d.kind === 'elided');
      assert.ok(gap);
      assert.equal(gap.mailLine, 7);
      assert.deepEqual(h.lines.map((l) => l.newLine), [1, null, 2, null, null]);
      assert.equal(h.function, 'f');
    });
  }

  it('starts a header-less fragment when the run after a gap overflows the @@ counts', () => {
    const text = [
      '> --- a/fs/dax.c', '> +++ b/fs/dax.c',
      '> @@ -1,3 +1,3 @@ int f(void)',
      '>  \ta();', '> -\tb();', '> +\tc();',
      '> ...',
      '> +static int g(void)', '> +{', '> +\treturn 1;', '> +}', '> +',
    ].join('\n');
    const hs = hunksOf(parse(text));
    assert.equal(hs.length, 2);
    assert.equal(hs[1].headerMissing, true);
    assert.equal(hs[1].afterGap, 7);
    assert.equal(hs[1].path, 'fs/dax.c');
    assert.equal(hs[1].pathSource, 'inherited');
    assert.equal(hs[1].function, 'g');
    assert.ok(hs[1].lines.every((l) => l.oldLine === null && l.newLine === null));
  });

  it('leaves the file unknown after a second cut, unless the diffstat names a single file', () => {
    const body = (stat: string[]) => [
      ...stat,
      '> --- a/fs/dax.c', '> +++ b/fs/dax.c',
      '> @@ -1,2 +1,2 @@', '> -a', '> +b',
      '> ...',
      '> @@ -50,2 +50,3 @@', '>  c', '> +d',
      'A comment.',
      '> +e', '> +f', '> +g', '> +h',
    ].join('\n');
    const unknown = hunksOf(parse(body([])));
    assert.deepEqual(unknown.map((h) => h.pathSource), ['header', 'inherited', 'unknown']);
    assert.equal(unknown[2].path, null);
    const inferred = hunksOf(parse(body(['>  fs/dax.c | 4 +++-', '>  1 file changed', '>'])));
    assert.deepEqual(inferred.map((h) => h.path), ['fs/dax.c', 'fs/dax.c', 'fs/dax.c']);
    assert.equal(inferred[2].pathSource, 'inferred');
  });

  it('reads stripped indentation by the first character and reports it per hunk', () => {
    const text = ['> > @@ -5,4 +5,4 @@ int f(void)', '> > if (x) {', '> > - a();', '> > + b();', '> > }', '> >'].join('\n');
    const [h] = hunksOf(parse(text));
    // The counts still expect a context line: the bare '> >' is the blank one that lost its space.
    assert.deepEqual(h.lines.map((l) => l.op), [' ', '-', '+', ' ', ' ']);
    assert.ok(h.damage.some((d) => d.kind === 'trailing-ws' && d.mailLine === 6));
    const strip = h.damage.find((d) => d.kind === 'stripped-indent');
    assert.ok(strip);
    assert.deepEqual(strip.mailLines, [2, 5]);
    assert.equal(h.clean, false);
  });

  it('calls a line without an op in an indented hunk wrapped', () => {
    const text = ['@@ -1,3 +1,3 @@ int f(void)', ' \ta();', '-\tb(1,', 'wrapped);', '+\tc();', ' \td();'].join('\n');
    const [h] = hunksOf(parse(text));
    assert.ok(h.damage.some((d) => d.kind === 'wrapped' && d.mailLine === 4));
    assert.ok(h.damage.some((d) => d.kind === 'count-mismatch'));
    // A long line broken by the mailer is joined back, and the counts hold.
    const long = '-\tdax_wake_mapping_entry_waiter(mapping, index, entry, false, some_more,';
    const joined = hunksOf(parse(['@@ -1,3 +1,3 @@ int f(void)', ' \ta();', long, 'other_argument);', '+\tc();', ' \td();'].join('\n')))[0];
    assert.equal(joined.lines.length, 4);
    assert.equal(joined.lines[1].text, long.slice(1) + ' other_argument);');
    assert.ok(joined.damage.some((d) => d.kind === 'wrapped' && d.mailLine === 4));
    assert.ok(!joined.damage.some((d) => d.kind === 'count-mismatch'));
    assert.deepEqual(joined.lines.map((l) => l.newLine), [1, null, 2, 3]);
    // A context line that lost only its op space keeps its tab: stripped, not wrapped.
    const tab = hunksOf(parse(['@@ -1,2 +1,2 @@ int f(void)', '\ta();', '-\tb();', '+\tc();'].join('\n')))[0];
    assert.deepEqual(tab.damage.map((d) => d.kind), ['stripped-indent']);
    assert.equal(tab.lines[0].text, '\ta();');
  });

  it('resolves the function of a hunk that removes one, adds one, and of a label context', () => {
    const text = [
      '--- a/fs/dax.c', '+++ b/fs/dax.c',
      '@@ -10,9 +10,5 @@ static void a(void)',
      ' }',
      ' ',
      '-static int old_fn(int x)',
      '-{',
      '-\treturn x;',
      '-}',
      '+static int new_fn(int x)',
      '+{',
      '+restart:',
      '+\treturn x + 1;',
      ' ',
      '@@ -40,3 +40,4 @@ restart:',
      ' \tif (y)',
      '+\t\tgoto restart;',
      ' \treturn 0;',
      ' }',
    ].join('\n');
    const hs = hunksOf(parse(text));
    assert.deepEqual(hs[0].functions, ['old_fn', 'new_fn']);
    assert.equal(hs[1].function, 'new_fn');
    assert.equal(hs[1].functionSource, 'label');
  });

  it('reads XFS-style definitions with the name on its own line', () => {
    const text = ['@@ -1,1 +1,6 @@', ' #include "x.h"', '+STATIC int', '+xfs_thing(', '+\tstruct inode *ip)', '+{', '+\treturn 0;', '+}'].join('\n');
    const [h] = hunksOf(parse(text));
    assert.deepEqual(h.functions, ['xfs_thing']);
    assert.equal(h.lines[1].function, 'xfs_thing', 'the return type line belongs to the definition');
  });

  it('puts comments before the diff on the commit message, threaded', () => {
    const text = ['> Commit message line.', 'Why is this needed?', '> Signed-off-by: A <a@example.org>', '> @@ -1 +1 @@', '> -a', '> +b'].join('\n');
    const pm = parse(text, 'Rev <r@example.org>');
    assert.equal(pm.comments.length, 1);
    assert.equal(pm.comments[0].anchor, null);
    assert.equal(pm.comments[0].hunk, null);
    assert.equal(pm.comments[0].speaker, 'Rev');
  });

  it('keeps a blank line between a finished hunk and the next file header out of the hunk', () => {
    const text = ['--- a/x.c', '+++ b/x.c', '@@ -1 +1 @@', '-a', '+b', '', '--- a/y.c', '+++ b/y.c', '@@ -1 +1 @@', '-c', '+d'].join('\n');
    const pm = parse(text);
    assert.deepEqual(pm.files.map((f) => [f.path, f.hunks[0].lines.length]), [['x.c', 2], ['y.c', 2]]);
    assert.ok(hunksOf(pm).every((h) => h.clean));
  });

  it('anchors a comment under the body of an unbraced if to the whole statement, its wrapped header included', () => {
    const text = [
      '> @@ -10,4 +10,5 @@ int f(void)', '>  \ta();', '> -\tif (b() || c())', '> +\tif (b() || c() ||', '> +\t    d())',
      '>  \t\treturn 0;', '', 'd() is never true here.', '', '>  \te();',
    ].join('\n');
    const [h] = hunksOf(parse(text));
    const [first, last] = h.comments[0].anchor!;
    assert.deepEqual([h.lines[first].text, h.lines[last].text], ['\tif (b() || c() ||', '\t\treturn 0;']);
    // A braced statement above is not a header of the line under it.
    const braced = hunksOf(parse(text.replace('> +\t    d())', '> +\t    d()) {').replace('>  \t\treturn 0;', '>  \t\treturn 0;\n>  \t}')))[0];
    const [bf, bl] = braced.comments[0].anchor!;
    assert.deepEqual([braced.lines[bf].text, braced.lines[bl].text], ['\t\treturn 0;', '\t\treturn 0;']);
  });

  it('reads a bare quoted blank line beside a comment as spacing when the counts have no room for it', () => {
    const text = [
      '> @@ -10,4 +10,5 @@ int f(void)', '>  \ta();', '> -\tb();', '> +\tc();', '> +\td();', '> ',
      'Why d()?', '', '>  \te();', '>  \tf();',
    ].join('\n');
    const pm = parse(text);
    const [h] = hunksOf(pm);
    assert.deepEqual(h.lines.map((l) => l.text), ['\ta();', '\tb();', '\tc();', '\td();', '\te();', '\tf();']);
    assert.deepEqual(h.lines.map((l) => l.newLine), [10, null, 11, 12, 13, 14]);
    assert.equal(h.lines[h.comments[0].anchor![1]].text, '\td();');
    assert.ok(!h.damage.some((d) => d.kind === 'count-mismatch'));
    assert.ok(pm.diagnostics.some((d) => d.line === 6 && /spacing/.test(d.message)));
    // With room in the counts the same line is a blank context line.
    const roomy = hunksOf(parse(text.replace('@@ -10,4 +10,5 @@', '@@ -10,5 +10,6 @@')))[0];
    assert.equal(roomy.lines.length, 7);
  });

  it('names each quoted writer when a reply quotes two mails at the same depth', () => {
    const text = [
      'On Mon, Jan 1, 2018, Rev One <one@example.org> wrote:',
      '> On Sun, Dec 31, 2017, Author wrote:', '> > @@ -1,2 +1,2 @@', '> >  a();', '> > -b();', '> > +c();',
      '> First remark.',
      '',
      'On Tue, Jan 2, 2018, Rev Two <two@example.org> wrote:',
      '> > @@ -9,2 +9,2 @@', '> >  d();', '> > -e();', '> > +f();',
      '> Second remark.',
    ].join('\n');
    const hs = hunksOf(parse(text, 'Author <a@example.org>'));
    assert.deepEqual(hs.map((h) => h.comments.map((c) => c.speaker)), [['Rev One'], ['Rev Two']]);
  });

  it('hangs a comment right under an @@ line on the hunk as a whole', () => {
    const pm = parse(['> @@ -1,2 +1,2 @@ int f(void)', 'Why touch this at all?', '>  a();', '> -b();', '> +c();'].join('\n'));
    const [h] = hunksOf(pm);
    assert.equal(h.lines.length, 3);
    assert.equal(h.comments.length, 1);
    assert.equal(h.comments[0].anchor, null);
    assert.equal(h.comments[0].hunk, h.id);
  });

  it('warns about an @@ header with no lines under it', () => {
    const pm = parse(['@@ -1,2 +1,2 @@', '@@ -9 +9 @@', '-a', '+b'].join('\n'));
    assert.ok(pm.diagnostics.some((d) => d.line === 1 && /no lines/.test(d.message)));
  });

  it('ends a hunk whose counts are met at the first line that is no diff line', () => {
    const text = ['> @@ -1 +1 @@', '> -a', '> +b', '> ____________', '> Linux-nvdimm mailing list', '> +not a hunk line either'].join('\n');
    const pm = parse(text);
    assert.deepEqual(hunksOf(pm).map((h) => h.lines.length), [2]);
    assert.ok(pm.diagnostics.some((d) => d.line === 4 && /not read as patch/.test(d.message)));
  });

  it('finds a patch quoted a thousand levels deep', () => {
    const text = quote(CLEAN, 1000, (level) => (level % 2 ? '>' : '> '));
    const pm = parse(text);
    assert.equal(pm.quoteDepth, 1000);
    const [h] = hunksOf(pm);
    assert.equal(h.function, 'dax_thing');
    assert.equal(h.lines.length, 8);
  });

  it('finds nothing in a message without a diff, and does not throw on a torn one', () => {
    assert.equal(parse('just prose\n> quoted prose\n- a list item\n+ another').quoteDepth, null);
    const torn = parse('@@ -1,3 +1,3 @@');
    assert.equal(hunksOf(torn).length, 1);
    assert.equal(hunksOf(torn)[0].lines.length, 0);
  });

  it('re-serialises hunks as a unified diff jsdiff reads back', () => {
    const pm = parse(CLEAN);
    const text = formatFiles(pm.files);
    assert.match(text, /^--- a\/fs\/dax\.c\n\+\+\+ b\/fs\/dax\.c\n@@ -10,6 \+10,7 @@ static int dax_thing/);
    const again = parse(text);
    assert.deepEqual(hunksOf(again)[0].lines, hunksOf(pm)[0].lines.map((l, i) => ({ ...l, mailLine: i + 4 })));
  });
});
