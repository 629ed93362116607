// Acceptance on the seed mails, read through the mail stage as a user's file would be.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { readMailFile } from '../../../src/mail/index';
import { parsePatchMail } from '../../../src/patch/index';
import type { Comment, Hunk, PatchMessage } from '../../../src/patch/types';

const SEEDS = join(__dirname, '..', '..', 'fixtures', 'seeds');

function parseSeed(prefix: string): PatchMessage {
  const names: Record<string, string> = {
    '000': '000_4ccc91fba6929e52.txt', '001': '001_6e1e73b3e7c39ad9.txt', '002': '002_a5a61db4d6f739a3.txt',
    '003': '003_3d6b82453f49d3bf.txt', '004': '004_a390448b7e93e5fc.txt',
  };
  const doc = readMailFile(join(SEEDS, names[prefix]));
  const out = parsePatchMail(doc);
  assert.equal(out.length, 1, 'one message per seed page');
  return out[0];
}

function hunks(pm: PatchMessage): Hunk[] {
  return pm.files.flatMap((f) => f.hunks).sort((a, b) => a.id - b.id);
}

/** Every comment of the message with the hunk it hangs on, replies included. */
function allComments(pm: PatchMessage): { c: Comment; h: Hunk | null }[] {
  const out: { c: Comment; h: Hunk | null }[] = [];
  const walk = (c: Comment, h: Hunk | null) => { out.push({ c, h }); c.replies.forEach((r) => walk(r, h)); };
  pm.comments.forEach((c) => walk(c, null));
  for (const h of hunks(pm)) h.comments.forEach((c) => walk(c, h));
  return out;
}

/** The root comment whose text starts with `start`, with its hunk. */
function comment(pm: PatchMessage, start: string): { c: Comment; h: Hunk | null } {
  const found = allComments(pm).filter(({ c }) => c.text.trimStart().startsWith(start));
  assert.equal(found.length, 1, `exactly one comment starting "${start}"`);
  return found[0];
}

/** The anchored lines' text (trimmed), first to last. */
function anchored(c: Comment, h: Hunk | null): string[] {
  assert.ok(h && c.anchor, `comment "${c.text.slice(0, 30)}" is anchored on a hunk`);
  return h.lines.slice(c.anchor[0], c.anchor[1] + 1).map((l) => l.text.trim());
}

function lastAnchored(c: Comment, h: Hunk | null): string {
  const lines = anchored(c, h);
  return lines[lines.length - 1];
}

describe('patch stage on the seed mails', () => {
  describe('seed 000: Jan Kara reviews v5 15/17 (lkml.org page, damaged indentation)', () => {
    const pm = parseSeed('000');
    const hs = hunks(pm);

    it('reads the series tag and the speakers by depth', () => {
      const s = pm.message.series;
      assert.ok(s);
      assert.equal(s.version, 5);
      assert.equal(s.index, 15);
      assert.equal(s.total, 17);
      assert.equal(pm.message.speakers[0].name, 'Ross Zwisler');
      assert.equal(pm.message.speakers[1].name, 'Jan Kara');
      assert.equal(pm.quoteDepth, 2);
    });

    it('finds one file, fs/dax.c, with six hunks in mail order', () => {
      assert.deepEqual(pm.files.map((f) => f.path), ['fs/dax.c']);
      assert.equal(hs.length, 6);
      assert.deepEqual(hs.map((h) => h.function), [
        'dax_entry_waitqueue', 'grab_mapping_entry', 'grab_mapping_entry',
        'dax_insert_mapping_entry', 'dax_insert_mapping_entry', 'dax_pmd_insert_mapping',
      ]);
      assert.deepEqual(hs.map((h) => h.headerMissing), [false, true, false, false, false, false]);
      assert.deepEqual(hs.map((h) => h.oldStart), [281, null, 441, 581, 608, 1261]);
      assert.deepEqual(hs.map((h) => h.newStart), [281, null, 509, 650, 683, 1338]);
    });

    it('resolves functions from the lines, not the @@ context', () => {
      assert.equal(hs[2].headerContext, 'restart:');
      assert.equal(hs[2].function, 'grab_mapping_entry');
      assert.match(hs[3].headerContext ?? '', /copy_user_dax/);
      assert.equal(hs[3].function, 'dax_insert_mapping_entry');
      assert.deepEqual(hs[3].functions, ['dax_insert_mapping_entry']);
      for (const fn of ['dax_pmd_insert_mapping', 'dax_pmd_load_hole', 'dax_iomap_pmd_fault']) {
        assert.ok(hs[5].functions.includes(fn), `@@ -1261 hunk adds ${fn}`);
      }
    });

    it('keeps the fragment after the elision as a header-less hunk of the same file', () => {
      const frag = hs[1];
      assert.equal(frag.path, 'fs/dax.c');
      assert.notEqual(frag.afterGap, null);
      assert.ok(frag.damage.some((d) => d.kind === 'missing-header'));
      assert.ok(frag.lines.every((l) => l.oldLine === null && l.newLine === null));
      assert.equal(frag.lines[0].op, '-');
      assert.match(frag.lines[0].text, /static void \*grab_mapping_entry/);
    });

    it('reports the stripped indentation per hunk and numbers lines of hunks with headers', () => {
      assert.ok(hs[0].damage.some((d) => d.kind === 'stripped-indent'));
      const ctx = hs[0].lines.find((l) => l.text.startsWith('index &='));
      assert.ok(ctx);
      assert.equal(ctx.op, ' ');
      assert.equal(ctx.mailLine, 19);
      assert.equal(hs[0].lines[0].oldLine, 281);
      assert.equal(hs[0].lines[0].newLine, 281);
      const removed = hs[0].lines.find((l) => l.op === '-');
      const added = hs[0].lines.find((l) => l.op === '+');
      assert.equal(removed?.oldLine, 284);
      assert.equal(removed?.newLine, null);
      assert.equal(added?.newLine, 284);
    });

    const janOn: [string, RegExp][] = [
      ['You need to call put_unlocked_mapping_entry()', /^goto out_unlock;$/],
      ['You need to unlock the locked entry', /^return ERR_PTR\(err\);$/],
      ["You need to set 'wake_all' argument here to true", /^false\);$/],
      ["You've lost the RADIX_DAX_ENTRY_LOCK flag", /^new_entry = dax_radix_entry\(sector, flags\);$/],
      ['Why the 0 here?', /^struct iomap iomap = \{ 0 \};$/],
    ];
    for (const [text, line] of janOn) {
      it(`anchors Jan's '${text}' on ${line.source} with Ross's reply threaded`, () => {
        const { c, h } = comment(pm, text);
        assert.equal(c.speaker, 'Jan Kara');
        assert.equal(c.depth, 1);
        assert.match(lastAnchored(c, h), line);
        assert.equal(c.replies.length, 1);
        assert.equal(c.replies[0].speaker, 'Ross Zwisler');
        assert.equal(c.replies[0].depth, 0);
        assert.deepEqual(c.replies[0].anchor, c.anchor);
      });
    }

    it('takes the wrapped dax_wake_mapping_entry_waiter(..., false) call whole', () => {
      const { c, h } = comment(pm, "You need to set 'wake_all'");
      assert.deepEqual(anchored(c, h), ['dax_wake_mapping_entry_waiter(mapping, index, entry,', 'false);']);
    });

    it("never counts Ross's unquoted code as patch", () => {
      const all = hs.flatMap((h) => h.lines);
      assert.ok(!all.some((l) => /dax_radix_entry\(sector_t sector, unsigned long flags\)/.test(l.text)));
      assert.ok(!all.some((l) => l.mailLine >= 215 && l.mailLine <= 226));
      const { c } = comment(pm, "You've lost the RADIX_DAX_ENTRY_LOCK flag");
      assert.match(c.replies[0].text, /static inline void \*dax_radix_entry\(sector_t sector, unsigned long flags\)/);
      // Every hunk line comes from a line quoted at the patch's depth.
      const depthOf = new Map(pm.message.body.map((l) => [l.mailLine, l.depth]));
      assert.ok(all.every((l) => depthOf.get(l.mailLine) === 2));
    });
  });

  describe('seed 001: Dave Chinner reviews v7 06/12 (public-inbox page with thread overview)', () => {
    const pm = parseSeed('001');
    const hs = hunks(pm);

    it('finds fs/xfs/Kconfig and fs/xfs/xfs_file.c', () => {
      assert.deepEqual(pm.files.map((f) => f.path), ['fs/xfs/Kconfig', 'fs/xfs/xfs_file.c']);
    });

    it('names the functions, including the header-less xfs_file_mmap_validate fragment', () => {
      const fns = hs.flatMap((h) => h.functions);
      for (const fn of ['is_xfs_map_direct', 'xfs_vma_checks', '__xfs_filemap_fault', 'xfs_file_mmap_validate']) {
        assert.ok(fns.includes(fn), `a hunk in ${fn}`);
      }
      const frag = hs.find((h) => h.function === 'xfs_file_mmap_validate');
      assert.ok(frag);
      assert.equal(frag.headerMissing, true);
      assert.equal(frag.path, 'fs/xfs/xfs_file.c');
      assert.equal(hs.find((h) => h.function === '__xfs_filemap_fault')?.oldStart, 1024);
    });

    it("anchors Dave Chinner's six comments, each answered by Dan", () => {
      const dave = allComments(pm).filter(({ c }) => c.speaker === 'Dave Chinner');
      assert.equal(dave.length, 6);
      for (const { c, h } of dave) {
        assert.ok(h && c.anchor, `"${c.text.slice(0, 30)}" anchored`);
        assert.equal(c.replies.length, c.text.startsWith('You missed') ? 0 : 1);
      }
      const urk = comment(pm, "Urk. That's nasty.");
      assert.equal(lastAnchored(urk.c, urk.h), 'xfs_iunlock(ip, XFS_MMAPLOCK_EXCL);');
      assert.equal(urk.c.function, 'xfs_file_mmap_validate');
      const ns = comment(pm, 'Namespacing (xfs_vma_is_direct)');
      assert.equal(ns.c.function, 'is_xfs_map_direct');
    });

    it('parses the thread overview into a series table', () => {
      assert.equal(pm.message.thread.length, 49);
      const rows = pm.seriesTable;
      const v7 = rows.filter((r) => r.version === 7);
      assert.deepEqual(v7.map((r) => r.index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      const six = v7.find((r) => r.index === 6);
      assert.ok(six);
      assert.equal(six.replies, 3);
      assert.equal(six.current, true);
      assert.equal(six.author, 'Dan Williams');
      assert.equal(rows.reduce((n, r) => n + 1 + r.replies, 0), 49);
      assert.ok(rows.some((r) => r.version === 8 && r.index === null), 'the nested v8 repost has its own row');
    });
  });

  describe('seed 002: a five-level discussion without a patch', () => {
    const pm = parseSeed('002');
    it('has no hunks and names the speakers by depth', () => {
      assert.equal(hunks(pm).length, 0);
      assert.equal(pm.quoteDepth, null);
      const names = pm.message.speakers.map((s) => s.name);
      assert.deepEqual(names.slice(1, 5), ['Jason Gunthorpe', 'Dan Williams', 'Jason Gunthorpe', 'Dan Williams']);
      const zero = pm.message.speakers[0];
      assert.ok(zero.name === null || zero.inferred, 'depth 0 is unknown or marked inferred');
    });
  });

  describe('seed 003: v8 10/18 with Dan asking Mike about the DM touches', () => {
    const pm = parseSeed('003');
    const hs = hunks(pm);
    it('finds the four files and all eight hunks', () => {
      assert.deepEqual(pm.files.map((f) => f.path), [
        'drivers/dax/super.c', 'drivers/md/dm.c', 'include/linux/dax.h', 'include/linux/memremap.h',
      ]);
      assert.equal(hs.length, 8);
      assert.ok(hs.every((h) => !h.headerMissing));
    });
    it('names the functions the hunks define', () => {
      const fns = hs.flatMap((h) => h.functions);
      for (const fn of ['fs_dax_claim', 'fs_dax_claim_bdev', '__fs_dax_release', 'fs_dax_release',
        'dm_dax_dev_claim', 'dm_dax_dev_release', 'dm_dax_iterate', 'dm_dax_fs_claim', 'dm_dax_fs_release']) {
        assert.ok(fns.includes(fn), fn);
      }
      // Changes to a struct, an ops table and prototypes lie in no function; the objects are named instead.
      assert.equal(hs[0].function, null);
      assert.equal(hs[3].function, null);
      assert.equal(hs[4].function, null);
      assert.equal(hs[5].function, null);
      assert.ok(hs[1].scopes.includes('struct dax_device'));
      assert.deepEqual(hs[3].scopes, ['dm_dax_ops']);
      assert.deepEqual(hs[4].scopes, ['struct dax_operations']);
      assert.deepEqual(hs[7].scopes, ['enum memory_type']);
    });
    it("puts Dan's 'Mike, do these DM touches look ok' on the commit message", () => {
      const { c, h } = comment(pm, 'Mike, do these DM touches look ok');
      assert.equal(h, null);
      assert.equal(c.anchor, null);
      assert.ok(pm.comments.includes(c));
      assert.equal(c.speaker, 'Dan Williams');
    });
  });

  describe('seed 004: Andrew Morton on -mm v2 23/25', () => {
    const pm = parseSeed('004');
    const hs = hunks(pm);
    it('finds the gup.c hunk, the @@ -830 hunk and the header-less fragment', () => {
      assert.equal(hs.length, 3);
      assert.equal(hs[0].path, 'arch/x86/mm/gup.c');
      assert.equal(hs[0].oldStart, 63);
      assert.equal(hs[1].oldStart, 830);
      assert.equal(hs[1].newStart, 831);
      assert.match(hs[1].headerContext ?? '', /put_dev_pagemap/);
      assert.equal(hs[1].function, 'get_page');
      assert.equal(hs[2].headerMissing, true);
      assert.deepEqual(hs[2].functions, ['touch_pmd', 'follow_devmap_pmd']);
    });
    it('says the fragment\'s file is unknown instead of inventing one', () => {
      assert.equal(hs[2].path, null);
      assert.equal(hs[2].pathSource, 'unknown');
      assert.ok(pm.diagnostics.some((d) => d.line === hs[2].mailLines[0] && /does not say which file/.test(d.message)));
    });
    it("anchors Andrew's comments, the first on the commit message", () => {
      const first = comment(pm, 'This patch adds a whole bunch of code');
      assert.equal(first.h, null);
      assert.equal(first.c.anchor, null);
      assert.equal(first.c.speaker, 'Andrew Morton');
      assert.equal(first.c.replies[0]?.speaker, 'Dan Williams');
      assert.equal(comment(pm, 'PG_referenced is doing').c.function, 'undo_dev_pagemap');
      const compound = comment(pm, 'So we\'re assuming');
      assert.equal(lastAnchored(compound.c, compound.h), 'page = compound_head(page);');
      const inc = comment(pm, 'The core pagecache lookup');
      assert.equal(lastAnchored(inc.c, inc.h), 'atomic_inc(&page->_count);');
      const huge = comment(pm, 'hm, so device pages can be huge');
      assert.equal(huge.c.function, 'follow_devmap_pmd');
      assert.equal(huge.h, hs[2]);
    });
    it('keeps the list footer out of the replies', () => {
      assert.ok(!allComments(pm).some(({ c }) => /unsubscribe/.test(c.text)));
    });
  });
});
