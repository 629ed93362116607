// Damaged, elided, arbitrary hunks never crash the C stage, and whatever it builds
// still maps every line and node back to the mail.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { getCParser } from '../../../src/c/parser';
import { rebuildFunctions } from '../../../src/c/images';
import { buildCfg } from '../../../src/c/cfg';
import { patchFromDiff } from './diff';

const FRAGMENTS = [
  'static void *grab(struct address_space *mapping, pgoff_t index)', 'int dax_fault(struct vm_fault *vmf,', '\tunsigned long flags)',
  '{', '}', '};', '\t}', '} else {', '\t} else if (x) {', '\tif (entry) {', '\tif (err)', '\t\treturn ERR_PTR(err);', '\tgoto out;',
  ' out:', 'restart:', '\tspin_lock_irq(&mapping->tree_lock);', '\tentry = get_entry(mapping, index, &slot);',
  '\twhile (more(x)) {', '\tfor (i = 0; i < n; i++)', '\tdo {', '\t} while (again());', '\tswitch (kind) {', '\tcase 1:',
  '\tdefault:', '\t\tbreak;', '\t\tcontinue;', '/*', ' * prose { with braces', ' */', '\t/* a comment */', '#ifdef CONFIG_FS_DAX',
  '#endif', '#define X(a) { a }', '\tx = "a { string";', "\tc = '{';", '\terr = f(', '\t\ta, b);', '\t}}}', '((((', '))', '',
  'struct dax_device {', '\tint flags;', 'EXPORT_SYMBOL_GPL(grab);', '\tlist_for_each_entry(p, head, list) {', '\\', '\tint err;',
];

const hunkArb = fc.record({
  context: fc.constantFrom('', 'restart:', 'static int grab(struct inode *inode)', 'struct dax_device {', 'xfs_file_llseek('),
  lines: fc.array(fc.tuple(fc.constantFrom(' ', '+', '-', ''), fc.constantFrom(...FRAGMENTS), fc.boolean()), { minLength: 1, maxLength: 30 }),
  header: fc.boolean(),
});

function mail(hunks: { context: string; lines: [string, string, boolean][]; header: boolean }[]): string {
  const out = ['--- a/fs/dax.c', '+++ b/fs/dax.c'];
  let n = 10;
  for (const h of hunks) {
    out.push(h.header ? `@@ -${n},3 +${n},3 @@ ${h.context}` : '@@');
    for (const [op, text, elide] of h.lines) {
      out.push(op === '' ? text.trim() : op + text);
      if (elide) out.push('...');
    }
    n += 40;
  }
  return out.join('\n');
}

describe('c: properties over arbitrary damaged hunks', () => {
  before(async () => { await getCParser(); });

  it('never throws; every image line and CFG node maps back to the mail', () => {
    fc.assert(fc.property(fc.array(hunkArb, { minLength: 1, maxLength: 4 }), (hunks) => {
      const text = mail(hunks);
      const pm = patchFromDiff(text);
      const byMail = new Map(pm.files.flatMap((f) => f.hunks.flatMap((h) => h.lines.map((l) => [l.mailLine, l] as const))));
      const seen = { pre: new Set<number>(), post: new Set<number>() };
      for (const f of rebuildFunctions(pm)) {
        for (const img of [f.pre, f.post]) {
          if (!img) continue;
          for (const l of img.lines) {
            const src = byMail.get(l.mailLine!);
            assert.ok(src, `line ${l.mailLine} is not a hunk line`);
            assert.equal(src.text, l.text);
            assert.ok(src.op === ' ' || src.op === (img.side === 'pre' ? '-' : '+'), `${src.op} line in ${img.side}`);
            assert.ok(!seen[img.side].has(l.mailLine!), `mail line ${l.mailLine} in two ${img.side} images`);
            seen[img.side].add(l.mailLine!);
          }
          for (const g of img.gaps) assert.ok(g >= -1 && g < img.lines.length);
          assert.equal(img.whole, img.gaps.length === 0 && img.whole);
          const cfg = buildCfg(img);
          assert.equal(cfg.partial, !img.whole);
          for (const n of cfg.nodes) {
            for (const s of n.succ) assert.ok(s >= 0 && s < cfg.nodes.length, `node ${n.id} -> ${s}`);
            if (n.lineIndex !== null) {
              assert.ok(n.lineIndex >= 0 && n.lineIndex < img.lines.length);
              assert.equal(n.mailLine, img.lines[n.lineIndex].mailLine);
            }
            if (n.kind === 'branch' && !n.cases) assert.equal(n.succ.length, 2, n.text);
          }
          for (const u of cfg.unparsed) assert.ok(u.mailLine === null || byMail.has(u.mailLine));
        }
      }
    }), { numRuns: 150, seed: 7 });
  });
});
