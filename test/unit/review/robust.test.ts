// Damaged input: whatever an archive or a reviewer did to the mail, the review answers
// with findings on real mail lines or with nothing, and never throws.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { checkMailStatic, reviewReady } from '../../../src/review/index';
import { seed } from './support';

describe('review: damaged mail', function () {
  this.timeout(60_000);
  before(async () => { await reviewReady(); });

  it('never throws on seed 000 with lines cut, duplicated or re-indented, and points only at real lines', () => {
    const lines = seed('000').text.split('\n');
    fc.assert(fc.property(
      fc.array(fc.record({ at: fc.nat(lines.length - 1), op: fc.constantFrom('cut', 'dup', 'indent', 'unquote') }), { maxLength: 12 }),
      (edits) => {
        const out = [...lines];
        for (const e of edits) {
          const i = Math.min(e.at, out.length - 1);
          if (e.op === 'cut') out.splice(i, 1);
          else if (e.op === 'dup') out.splice(i, 0, out[i]);
          else if (e.op === 'indent') out[i] = `\t${out[i]}`;
          else out[i] = out[i].replace(/^> ?/, '');
        }
        const r = checkMailStatic(out.join('\n'));
        for (const f of r.findings) {
          assert.ok(f.line >= 1 && f.line <= out.length && f.endLine >= f.line && f.endLine <= out.length);
        }
      }), { numRuns: 15, seed: 4 });
  });

  it('reads a hunk whose function never closes, and one with an unbalanced brace', () => {
    const mail = (body: string) => ['From: A <a@b.c>', 'Subject: [PATCH] dax: x', '', '---',
      'diff --git a/fs/dax.c b/fs/dax.c', '--- a/fs/dax.c', '+++ b/fs/dax.c', '@@ -1,3 +1,9 @@ static void *grab_mapping_entry(struct address_space *mapping, pgoff_t index)',
      ...body.split('\n')].join('\n');
    const a = checkMailStatic(mail(' restart:\n \tspin_lock_irq(&mapping->tree_lock);\n+\tentry = get_unlocked_mapping_entry(mapping, index, &slot);\n+\tif (entry) {\n+\t\treturn ERR_PTR(-EEXIST);'));
    assert.ok(Array.isArray(a.findings));
    const b = checkMailStatic(mail('+\t}}}\n+\tspin_unlock_irq(&mapping->tree_lock);\n+\treturn ((;'));
    assert.ok(Array.isArray(b.findings));
  });
});
