// The patch mail colours (media/patch-mail.tmLanguage.json), run as the editor runs them
// (vscode-textmate over vscode-oniguruma): every line is coloured by what it is, whatever came
// before it (no rule is left open across lines), removed and added lines apart from quoted
// prose at each quote depth.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { INITIAL, type IGrammar } from 'vscode-textmate';
import { grammar, tokenize } from '../../support/textmate';

const fixtures = path.join(__dirname, '..', '..', 'fixtures');

/** The scopes of one line tokenised alone, from the start of a document. */
function alone(g: IGrammar, line: string): { text: string; scopes: string[] }[] {
  return g.tokenizeLine(line, INITIAL).tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes.slice(1) }));
}

/** Every scope a line's tokens carry. */
function scopesOf(tokens: { scopes: string[] }[]): Set<string> {
  return new Set(tokens.flatMap((t) => t.scopes.flatMap((s) => s.split(' '))));
}

const KINDS: { make: (n: number) => string; scope: string | null }[] = [
  { make: () => '', scope: null },
  { make: (n) => `From: Reviewer ${n} <r${n}@example.org>`, scope: 'keyword.other.header.mail.dax' },
  { make: (n) => `Subject: [PATCH ${n}/3] dax: fix`, scope: 'keyword.other.header.mail.dax' },
  { make: (n) => `From mailbox-${n}@example.org Tue Oct 11 18:51:39 2016`, scope: 'meta.separator.mbox.dax' },
  { make: (n) => `On Mon, ${n} Mar 2017, Jan Kara wrote:`, scope: 'entity.name.section.attribution.mail.dax' },
  { make: (n) => `Reviewed-by: Reviewer ${n} <r@example.org>`, scope: 'keyword.other.trailer.mail.dax' },
  { make: (n) => `+\tentry = lock_slot(mapping, slot${n});`, scope: 'markup.inserted.diff.dax' },
  { make: (n) => `-\tput_locked_mapping_entry(mapping, ${n}, entry);`, scope: 'markup.deleted.diff.dax' },
  { make: (n) => `@@ -${n},6 +${n},7 @@ static void *grab_mapping_entry(void)`, scope: 'entity.name.section.diff.dax' },
  { make: (n) => `diff --git a/fs/dax.c b/fs/dax${n}.c`, scope: 'keyword.control.diff.dax' },
  { make: (n) => `I think this loses a wakeup (${n}).`, scope: null },
];
const QUOTES = ['', '> ', '>> ', '> > > '];
const DEPTH_SCOPE = [null, 'markup.quote.depth-1.dax', 'markup.quote.depth-2.dax', 'markup.quote.depth-3.dax'];

describe('vscode: the patch mail colours', function () {
  this.timeout(60000);
  let g: IGrammar;
  before(async () => { g = await grammar(); });

  it('colours every line by what it is, whatever lines came before it', () => {
    const line = fc.tuple(fc.nat(KINDS.length - 1), fc.nat(QUOTES.length - 1), fc.nat(999));
    fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 12 }), (spec) => {
      // Headers and separators stand unquoted; the rest at any depth.
      const lines = spec.map(([k, q, n]) => {
        const quote = k >= 1 && k <= 3 ? 0 : q;
        return { kind: KINDS[k], quote, text: `${QUOTES[quote]}${KINDS[k].make(n)}` };
      });
      const tokens = tokenize(g, lines.map((l) => l.text).join('\n'));
      lines.forEach((l, i) => {
        assert.deepEqual(tokens[i], alone(g, l.text), `line ${i + 1} "${l.text}" coloured by the lines before it`);
        const scopes = scopesOf(tokens[i]);
        if (l.kind.scope && l.text.trim()) assert.ok(scopes.has(l.kind.scope), `"${l.text}": ${[...scopes]} lacks ${l.kind.scope}`);
        if (l.quote && l.text.trim() !== QUOTES[l.quote].trim()) assert.ok(scopes.has(DEPTH_SCOPE[l.quote]!), `"${l.text}" is quoted at depth ${l.quote}: ${[...scopes]}`);
      });
    }), { numRuns: 300 });
  });

  it('sets removed and added lines apart from quoted prose at every depth', () => {
    for (const q of QUOTES.slice(1)) {
      const removed = scopesOf(alone(g, `${q}-\tunlock_slot(mapping, slot);`));
      const added = scopesOf(alone(g, `${q}+\tunlock_slot(mapping, slot);`));
      const prose = scopesOf(alone(g, `${q}unlock_slot() is called under the tree lock.`));
      assert.ok(removed.has('markup.deleted.diff.dax') && added.has('markup.inserted.diff.dax'), q);
      assert.ok(!prose.has('markup.deleted.diff.dax') && !prose.has('markup.inserted.diff.dax'), `${q}prose is no diff line`);
      // File headers and a signature are no added or removed lines.
      assert.ok(scopesOf(alone(g, `${q}+++ b/fs/dax.c`)).has('meta.diff.header.to-file.dax'), `${q}+++`);
      assert.ok(scopesOf(alone(g, `${q}--- a/fs/dax.c`)).has('meta.diff.header.from-file.dax'), `${q}---`);
      assert.ok(!scopesOf(alone(g, `${q}-- `)).has('markup.deleted.diff.dax'), `${q}-- `);
    }
  });

  it('gives a quoted added or removed line one token, so a large mailbox\'s colours cross to the editor small', () => {
    for (const q of QUOTES.slice(1)) {
      for (const line of [`${q}+\tentry = lock_slot(mapping, slot);`, `${q}-\tunlock_slot(mapping, slot);`]) {
        assert.equal(alone(g, line).length, 1, line);
      }
    }
  });

  it('colours every line of the seeds, the real mail and the mail fixtures as it colours the line alone', () => {
    const files = ['seeds', 'real-mail', 'mail', 'review'].flatMap((d) => readdirSync(path.join(fixtures, d)).map((f) => path.join(fixtures, d, f)));
    let lines = 0;
    for (const file of files.filter((f) => !f.endsWith('.md') && statSync(f).isFile())) {
      const text = readFileSync(file, 'utf8');
      tokenize(g, text).forEach((t, i) => {
        lines++;
        const line = text.split('\n')[i];
        assert.deepEqual(t, alone(g, line), `${path.basename(file)}:${i + 1}`);
      });
    }
    assert.ok(lines > 5000, `${lines} lines`);
  });
});
