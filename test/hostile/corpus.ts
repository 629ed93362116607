// The hostile corpus: inputs that once crashed, hung, lost hunks or smuggled headers, each
// built from the bundled example (two hunks) or from nothing. The unit tests, the fuzzing
// harness (its seeds and regressions) and bench:hostile all read them from here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { existsSync } from 'node:fs';

/** The repository: two folders up from this file, or one up from a bundle in dist/. */
const ROOT = [path.resolve(__dirname, '..', '..'), path.resolve(__dirname, '..')].find((d) => existsSync(path.join(d, 'examples'))) ?? process.cwd();
export const EXAMPLE = path.join(ROOT, 'examples', 'dax-pmd-downgrade.mbox');

export function example(): string {
  return readFileSync(EXAMPLE, 'latin1');
}

const PATCH_HEAD = 'From: A Developer <dev@example.org>\nSubject: [PATCH] dax: x\n\n---\ndiff --git a/fs/dax.c b/fs/dax.c\n--- a/fs/dax.c\n+++ b/fs/dax.c\n';

/** A one-hunk patch mail adding these C lines to fs/dax.c. */
export function cPatch(lines: string[]): string {
  return `${PATCH_HEAD}@@ -1,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}\n`).join('')}`;
}

/** An assignment through a pointer: the binding once built `\b*p\b` from it (SyntaxError: Nothing to repeat). */
export function regexpCrash(): string {
  return cPatch(['static void *grab_mapping_entry(struct address_space *mapping, pgoff_t index)', '{',
    '\tentry = lock_slot(mapping, slot);', '\t*p = radix_tree_preload(GFP_KERNEL);', '\tif (*p) {',
    '\t\tput_unlocked_mapping_entry(mapping, index, entry);', '\t\treturn ERR_PTR(-ENOMEM);', '\t}', '}']);
}

/** A function head tree-sitter cannot read whose tail the head reader's regex split every way: 2^n steps. */
export function headHang(n = 40): string {
  return `--- a/fs/dax.c\n+++ b/fs/dax.c\n@@ -1 +1 @@\n+f(x) ${'a'.repeat(n)}( {\n`;
}

/** An assignment to '(x)' after many words: the declaration regex read each word two ways before failing. */
export function declHang(n = 40): string {
  return cPatch(['static int dax_x(void)', '{', `\t${'static '.repeat(n)}(x) = 1;`, '\treturn 0;', '}']);
}

/** A condition nested 10,000 parentheses deep. */
export function nestedParens(n = 10_000): string {
  return cPatch(['static void *grab_mapping_entry(struct address_space *mapping, pgoff_t index)', '{',
    `\tif (${'('.repeat(n)}entry${')'.repeat(n)})`, '\t\treturn entry;', '}']);
}

/** An expression of 100,000 terms: a left-deep tree every reader of expressions recursed down. */
export function longExpression(n = 100_000): string {
  return cPatch(['static void *grab_mapping_entry(struct address_space *mapping, pgoff_t index)', '{',
    `\tx = ${Array(n).fill('a').join(' + ')};`, '\treturn x;', '}']);
}

/** A modelled function of `n` lines of `per` statement pairs each: more instructions than the VM takes. */
export function longFunction(n = 100_000, per = 1): string {
  const body: string[] = [];
  const pair = 'entry = lock_slot(mapping, slot); put_unlocked_mapping_entry(mapping, index, entry);';
  for (let i = 0; i < n; i++) body.push(per > 1 ? `\t${Array(per).fill(pair).join(' ')}` : i % 2 ? '\tput_unlocked_mapping_entry(mapping, index, entry);' : '\tentry = lock_slot(mapping, slot);');
  return cPatch(['static void *grab_mapping_entry(struct address_space *mapping, pgoff_t index)', '{', ...body, '\treturn entry;', '}']);
}

/** The example with CR-only line ends. */
export function crOnly(): Buffer {
  return Buffer.from(example().replace(/\r?\n/g, '\r'), 'latin1');
}

/** The example as UTF-16LE with a byte order mark. */
export function utf16(le = true): Buffer {
  const b = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(example(), 'utf16le')]);
  return le ? b : Buffer.from(b).swap16();
}

/** The example with a Latin-1 author name, as mbox.gz. */
export function latin1Gzip(): Buffer {
  return gzipSync(Buffer.from(example().replace(/^From: Alex Reviewer/m, 'From: J\xf6rg Reviewer'), 'latin1'));
}

/** The example's body base64-encoded in 76-column lines, with one stray line in the middle. */
export function strayBase64(): string {
  const text = example();
  const cut = text.indexOf('\n\n');
  const head = text.slice(0, cut).split('\n').filter((l) => !/^(MIME-Version|Content-)/i.test(l));
  const b64 = Buffer.from(text.slice(cut + 2), 'latin1').toString('base64').match(/.{1,76}/g) ?? [];
  b64.splice(Math.floor(b64.length / 3), 0, 'This line is no base64.');
  return [...head, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', ...b64, ''].join('\n');
}

/** A mail without hunks. */
export function noHunks(): string {
  return 'From: A <a@example.org>\nSubject: hello\n\nNo patch here.\n';
}

/** The example with its Subject, From and Cc encoded to carry CR/LF and a Bcc: header (Q and B encodings). */
export function headerInjection(): string {
  const b = (s: string) => `=?utf-8?b?${Buffer.from(s).toString('base64')}?=`;
  return example()
    .replace(/^Subject: .*$/m, 'Subject: =?utf-8?q?Re:_[PATCH_2/3]_dax:_foo=0D=0ABcc:_victim@evil.example?=')
    .replace(/^From: .*$/m, `From: ${b('Alex\r\nBcc: victim2@evil.example')} <alex.reviewer@example.org>`)
    .replace(/^To: .*$/m, (l) => `${l}\nCc: =?utf-8?q?x=0ABcc:_victim3@evil.example?= <x@example.org>`);
}

/** The example with terminal controls in its subject and body: OSC 8 link, clear screen, OSC 52 clipboard write. */
export function terminalEscapes(): string {
  return example()
    .replace(/^Subject: (.*)$/m, 'Subject: $1 \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \x1b[2J\x1b[H')
    .replace(/^(\+.*preload.*)$/m, '$1 \x1b]52;c;ZXZpbA==\x07');
}

/** gzip members of zeros, concatenated: a few MiB that inflate to `total` bytes. */
export function gzipBomb(total = 4 * 1024 ** 3): Buffer {
  const member = gzipSync(Buffer.alloc(64 * 1024 ** 2), { level: 9 });
  return Buffer.concat(Array(Math.ceil(total / (64 * 1024 ** 2))).fill(member));
}

/** An mbox of about `bytes` bytes: the example repeated with fresh From_ lines. */
export function bigMbox(bytes: number): Buffer {
  const one = Buffer.from(example().replace(/\n*$/, '\n\n'), 'latin1');
  return Buffer.concat(Array(Math.max(1, Math.ceil(bytes / one.length))).fill(one));
}
