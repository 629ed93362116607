// The fourteen real DAX messages (test/fixtures/real-mail, byte for byte as the archives keep
// them): every hunk and comment their EXPECTED notes imply, and the diffstat's counts.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readMail } from '../../../src/mail/index';
import { parsePatchMessage } from '../../../src/patch/index';
import type { PatchMessage } from '../../../src/patch/types';

const DIR = path.join(__dirname, '..', '..', 'fixtures', 'real-mail');
const files = readdirSync(DIR).filter((f) => f.endsWith('.eml')).sort();
const parsed = (f: string): { text: string; pm: PatchMessage } => {
  const bytes = readFileSync(path.join(DIR, f));
  return { text: bytes.toString('utf8'), pm: parsePatchMessage(readMail(bytes, { file: f }).messages[0]) };
};
const hunks = (pm: PatchMessage) => pm.files.flatMap((x) => x.hunks);

describe('patch: the real DAX mail', () => {
  it('finds a hunk for every @@ line of every message', () => {
    assert.equal(files.length, 14);
    for (const f of files) {
      const { text, pm } = parsed(f);
      const headers = text.split('\n').filter((l) => /^(?:> ?)*@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@/.test(l)).length;
      assert.equal(hunks(pm).length, headers, f);
      assert.ok(hunks(pm).every((h) => h.path !== null && h.lines.length > 0), f);
    }
  });

  it('the lines of every posted patch agree with its @@ counts and its diffstat', () => {
    for (const f of files.filter((x) => !/^2[56]_/.test(x))) {
      const { text, pm } = parsed(f);
      for (const h of hunks(pm)) assert.ok(h.clean, `${f}: hunk at ${h.mailLines[0]}: ${h.damage.map((d) => d.message).join('; ')}`);
      // " fs/dax.c | 7 ++++---": the +/- marks are the file's insertions and deletions (scaled only past 60 columns).
      for (const m of text.matchAll(/^ (\S+)\s+\|\s+(\d+) (\+*)(-*)$/gm)) {
        const file = pm.files.find((x) => x.path !== null && (x.path === m[1] || x.path.endsWith(m[1].replace(/^\.\.\.\//, '/'))));
        assert.ok(file, `${f}: ${m[1]}`);
        const changed = file.hunks.flatMap((h) => h.lines).filter((l) => l.op !== ' ').length;
        assert.equal(changed, Number(m[2]), `${f}: ${m[1]}`);
      }
    }
  });

  it('a quilt Index: header with a vendor prefix is fs/dax.c', () => {
    assert.deepEqual(parsed('01_put_unlocked_missed_wakeup_v1_2021.eml').pm.files.map((x) => x.path), ['fs/dax.c']);
  });

  it('Gmail damage: every hunk found, Dan\'s comment on the refcount line', () => {
    const { pm } = parsed('25_dan_re_page_refcount_helper_gmail_2020.eml');
    assert.equal(hunks(pm).length, 6);
    const all = hunks(pm).flatMap((h) => h.comments.map((c) => ({ h, c })));
    assert.equal(all.length, 1);
    const { h, c } = all[0];
    assert.equal(c.speaker, 'Dan Williams');
    assert.equal(h.lines[c.anchor![1]].text.trim(), 'return page_ref_count(page) <= 1;');
  });

  it('a full quote with Reviewed-by: the whole patch, the reviewer\'s trailer at depth 0', () => {
    const { pm } = parsed('26_darrick_re_fsdax_invalidate_cow_2022.eml');
    assert.equal(hunks(pm).length, 4);
    assert.ok(hunks(pm).every((h) => h.clean));
    const rb = pm.message.trailers.find((t) => t.key === 'Reviewed-by' && t.depth === 0);
    assert.ok(rb && /Darrick J\. Wong/.test(rb.value));
  });

  it('b4 format: the "---" before base-commit is not patch', () => {
    const { pm } = parsed('17_allow_block_size_gt_page_2024.eml');
    const [h] = hunks(pm);
    assert.ok(h.clean);
    assert.deepEqual([h.oldCount, h.newCount, h.lines.length], [7, 7, 8]);
  });

  it('a typedef of a function pointer names no function', () => {
    const { pm } = parsed('10_dm_dax_zero_page_range_v6_2020.eml');
    assert.ok(!hunks(pm).some((h) => h.function === 'long' || h.functions.includes('long')));
  });
});
