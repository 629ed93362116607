// Properties of the patch stage over generated mails.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { analyseQuotes } from '../../../src/mail/quote';
import { readMail } from '../../../src/mail/index';
import { parsePatch } from 'diff';
import { formatFiles, jsdiffAccepts, parsePatchMail, parsePatchMessage } from '../../../src/patch/index';
import type { FilePatch, Hunk, PatchMessage } from '../../../src/patch/types';
import { messageFromText, quote } from './helpers';

const parse = (text: string): PatchMessage => parsePatchMessage(messageFromText(text));
const hunksOf = (pm: PatchMessage): Hunk[] => pm.files.flatMap((f) => f.hunks).sort((a, b) => a.id - b.id);

// Kernel-style code: tab indentation, a few shapes that matter to the function scan.
const code = fc.oneof(
  fc.constantFrom(
    '\tspin_lock_irq(&mapping->tree_lock);', '\tif (!entry) {', '\t}', '\treturn err;', '\t\tgoto out;',
    'out:', '}', '{', '', '\t/* comment { */', ' * text', '#define X 1', 'EXPORT_SYMBOL_GPL(f);',
    'static int helper(struct page *page)', 'int other(void)', '\tint err;', '\tentry = lock_slot(mapping, slot);',
  ),
  fc.stringMatching(/^\t{1,3}[a-z_]{1,8}\([a-z, ]{0,10}\);$/),
);
const line = fc.record({ op: fc.constantFrom(' ', '+', '-'), code });
const hunk = fc.record({
  lines: fc.array(line, { minLength: 1, maxLength: 12 }),
  context: fc.constantFrom('', ' static int f(void)', ' restart:', ' struct x {'),
});
const file = fc.record({
  path: fc.constantFrom('fs/dax.c', 'mm/memory.c', 'include/linux/dax.h', 'fs/xfs/xfs_file.c'),
  hunks: fc.array(hunk, { minLength: 1, maxLength: 3 }),
});
const patch = fc.uniqueArray(file, { minLength: 1, maxLength: 3, selector: (f) => f.path });

type GenFile = { path: string; hunks: { lines: { op: string; code: string }[]; context: string }[] };

/** A format-patch mail for the generated files, with counts that agree with the lines. */
function mailOf(files: GenFile[]): string {
  const out = ['dax: a generated change', '', 'Signed-off-by: A <a@example.org>', '---'];
  for (const f of files) {
    out.push(`diff --git a/${f.path} b/${f.path}`, `--- a/${f.path}`, `+++ b/${f.path}`);
    let at = 1;
    for (const h of f.hunks) {
      const oldN = h.lines.filter((l) => l.op !== '+').length;
      const newN = h.lines.filter((l) => l.op !== '-').length;
      out.push(`@@ -${at},${oldN} +${at},${newN} @@${h.context}`);
      for (const l of h.lines) out.push(l.op + l.code);
      at += oldN + 10;
    }
  }
  out.push('-- ', '2.7.4');
  return out.join('\n');
}

/** What must not depend on how deep the patch is quoted. */
function shape(pm: PatchMessage): unknown {
  return hunksOf(pm).map((h) => ({
    path: h.path, pathSource: h.pathSource, oldStart: h.oldStart, newStart: h.newStart, oldCount: h.oldCount,
    newCount: h.newCount, headerMissing: h.headerMissing, function: h.function, functions: h.functions,
    damage: h.damage.map((d) => d.kind), clean: h.clean,
    lines: h.lines.map((l) => [l.op, l.text, l.mailLine, l.oldLine, l.newLine, l.function]),
  }));
}

/** Quote styles mailers use between levels: "> ", ">", mixed; the last mark is followed by a space. */
const style = fc.array(fc.constantFrom('> ', '>'), { minLength: 1, maxLength: 12 });

describe('patch properties', function () {
  this.timeout(30000);
  it('any quote depth yields the same hunks', () => {
    fc.assert(fc.property(patch, fc.integer({ min: 1, max: 12 }), style, (files, depth, styles) => {
      const mail = mailOf(files);
      const plain = parse(mail);
      const quoted = parse(quote(mail, depth, (level) => (level === depth - 1 ? '> ' : styles[level % styles.length])));
      assert.equal(quoted.quoteDepth, depth);
      assert.deepEqual(shape(quoted), shape(plain));
    }), { numRuns: 100 });
  });

  it('a compact ">" quote keeps every op and tab-indented text', () => {
    fc.assert(fc.property(patch, fc.integer({ min: 1, max: 6 }), (files, depth) => {
      // Without the space, "> " + " x" and ">" + "  x" are the same text: only tab indentation survives.
      fc.pre(files.every((f) => f.hunks.every((h) => h.lines.every((l) => !l.code.startsWith(' ')))));
      const mail = mailOf(files);
      const ops = (pm: PatchMessage) => hunksOf(pm).map((h) => h.lines.map((l) => [l.op, l.text.trimEnd()]));
      assert.deepEqual(ops(parse(quote(mail, depth, () => '>'))), ops(parse(mail)));
    }), { numRuns: 100 });
  });

  it('re-serialising parsed hunks and parsing again is stable, damage and gaps included', () => {
    const damaged = fc.record({ strip: fc.boolean(), gapAt: fc.nat(40), depth: fc.integer({ min: 0, max: 3 }) });
    fc.assert(fc.property(patch, damaged, (files, d) => {
      let lines = mailOf(files).split('\n');
      if (d.strip) lines = lines.map((l) => (l.startsWith(' ') ? l.trimStart() : l.replace(/^([+-])\s+/, '$1 ')));
      if (d.gapAt < lines.length && d.gapAt > 6) lines.splice(d.gapAt, 1, '...');
      const first = parse(quote(lines.join('\n'), d.depth));
      const text1 = formatFiles(first.files);
      const second = parse(text1);
      const text2 = formatFiles(second.files);
      assert.equal(text2, text1);
      const body = (fs: FilePatch[]) => fs.map((f) => f.hunks.map((h) => h.lines.map((l) => l.op + l.text)));
      assert.deepEqual(body(second.files), body(first.files));
    }), { numRuns: 100 });
  });

  it('never throws on byte soup, and every hunk line is a line of the patch depth', () => {
    const piece = fc.oneof(
      fc.constantFrom('@@ -1,2 +1,2 @@', 'diff --git a/x b/x', '--- a/x', '+++ b/x', '...', '<snip>', '-- ', '',
        'On Mon, Jan 1, 2018, X wrote:', 'Y wrote:', '}', '{', 'static int f(', '+\tx();', '-\ty();', ' \tz();',
        '/*', '*/', '"', 'index 0..1 100644', '\\ No newline at end of file'),
      fc.string({ maxLength: 20 }),
    );
    const soup = fc.array(fc.tuple(fc.constantFrom('', '> ', '>', '> > ', '>>> ', ' > '), piece), { maxLength: 60 })
      .map((ls) => ls.map(([q, t]) => q + t).join('\n'));
    fc.assert(fc.property(soup, (text) => {
      const pm = parse(text);
      const depth = new Map(pm.message.body.map((l) => [l.mailLine, l.depth]));
      const seen = new Set<number>();
      for (const h of hunksOf(pm)) {
        for (const l of h.lines) {
          assert.ok((depth.get(l.mailLine) ?? -1) >= (pm.quoteDepth ?? 0));
          assert.ok(!seen.has(l.mailLine), 'a mail line is in one hunk at most');
          seen.add(l.mailLine);
        }
        const anchors = (cs: PatchMessage['comments']): void => cs.forEach((c) => {
          if (c.anchor) assert.ok(c.anchor[0] >= 0 && c.anchor[0] <= c.anchor[1] && c.anchor[1] < h.lines.length, 'anchor inside the hunk');
          anchors(c.replies);
        });
        anchors(h.comments);
      }
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      parsePatchMail(readMail(bytes));
    }), { numRuns: 200 });
  });

  it('a hunk jsdiff accepts without being asked is one its parsePatch accepts', () => {
    // jsdiff on the hunk's text, as jsdiffAccepts asked it before answering most hunks itself.
    const jsdiff = (h: Hunk): boolean => {
      const text = ['--- a/x', '+++ b/x', `@@ -${h.oldStart},${h.oldCount} +${h.newStart},${h.newCount} @@`, ...h.lines.map((l) => l.op + l.text)].join('\n') + '\n';
      try {
        const parsed = parsePatch(text);
        return parsed.length === 1 && parsed[0].hunks.length === 1;
      } catch {
        return false;
      }
    };
    const text = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('', '\\ x', '-- a/x', '++ b/x', '@ -1 +1 @@', 'x\ny', '\r'));
    const lines = fc.array(fc.record({ op: fc.constantFrom<' ' | '+' | '-'>(' ', '+', '-'), text }), { maxLength: 6 });
    const number = fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constantFrom(1e21, 1e22, 2 ** 53 + 2));
    fc.assert(fc.property(lines, number, number, fc.boolean(), fc.integer({ min: -1, max: 1 }), (ls, oldStart, newStart, agree, skew) => {
      const old = ls.filter((l) => l.op !== '+').length;
      const now = ls.filter((l) => l.op !== '-').length;
      const h = { oldStart, newStart, oldCount: agree ? old : Math.max(0, old + skew), newCount: agree ? now : now, lines: ls.map((l) => ({ ...l })) } as unknown as Hunk;
      assert.equal(jsdiffAccepts(h), jsdiff(h));
    }), { numRuns: 3000 });
  });

  it('parses a million-line hunk in linear time', function () {
    this.timeout(60000);
    const run = (n: number): number => {
      const raw: { raw: string; mailLine: number }[] = ['> --- a/fs/dax.c', '> +++ b/fs/dax.c', `> @@ -1,${n} +1,${n} @@`, '>  int f(void)', '>  {']
        .map((r, i) => ({ raw: r, mailLine: i + 1 }));
      for (let i = 2; i < n; i++) raw.push({ raw: i % 3 ? '> -\tx = y;' : '> +\tif (x) {', mailLine: raw.length + 1 });
      const { body, speakers } = analyseQuotes(raw, 'A');
      const msg = { ...messageFromText(''), body, speakers, lastLine: raw.length };
      const t0 = process.hrtime.bigint();
      const pm = parsePatchMessage(msg);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      assert.equal(hunksOf(pm)[0].lines.length, n);
      assert.equal(hunksOf(pm)[0].function, 'f');
      return ms;
    };
    const small = run(100_000);
    const large = run(1_000_000);
    // Ten times the lines; a quadratic step would cost a hundred times.
    assert.ok(large < small * 30, `1M lines took ${large.toFixed(0)} ms, 100k took ${small.toFixed(0)} ms`);
  });
});
