import { strict as assert } from 'node:assert';
import path from 'node:path';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { getCParser } from '../../../src/c/parser';
import { applyToTree, sameLine } from '../../../src/c/tree';
import { buildCfg } from '../../../src/c/cfg';
import { patchFromDiff } from './diff';

const TREE = path.join(__dirname, '..', '..', 'fixtures', 'c', 'tree');

// Mail lines are the 1-based indexes in this array.
const MAIL = [
  '--- a/fs/dax.c',                                                              // 1
  '+++ b/fs/dax.c',                                                              // 2
  '@@ -30,8 +30,9 @@ static void *lookup_locked_entry(struct address_space *mapping, pgoff_t index)', // 3: really line 28
  'spin_lock_irq(&mapping->tree_lock);',                                         // 4  indentation lost
  'entry = find_entry(mapping, index);',                                         // 5
  'if (!entry) {',                                                               // 6
  '+ put_unlocked_entry(mapping, index, entry);',                                // 7
  ' spin_unlock_irq(&mapping->tree_lock);',                                      // 8
  ' return  NULL;',                                                              // 9  a doubled space
  '}',                                                                           // 10
  '@@ -44,5 +45,6 @@ static int fill_hole(struct address_space *mapping, pgoff_t index)', // 11
  ' \terr = prepare_insert(mapping, GFP_KERNEL);',                              // 12 not in the file
  ' \tif (err)',                                                                 // 13
  '-\t\treturn err;',                                                            // 14
  '+\t\tgoto out;',                                                              // 15
  '...',                                                                         // 16
  '@@',                                                                          // 17 no header
  ' \tcase 1:',                                                                  // 18
  ' \t\tret = -EIO;',                                                            // 19
  '-\t\t/* fall through */',                                                     // 20
  '+\t\tfallthrough;',                                                           // 21
  ' \tdefault:',                                                                 // 22
  '--- a/fs/missing.c',                                                          // 23
  '+++ b/fs/missing.c',                                                          // 24
  '@@ -1,3 +1,4 @@',                                                             // 25
  ' int x;',                                                                     // 26
  '+int y;',                                                                     // 27
].join('\n');

describe('c/tree: the mail applied to a kernel checkout', () => {
  before(async () => { await getCParser(); });

  it('reads no base file through a symbolic link out of the tree, and no FIFO', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dax-tree-'));
    const outside = path.join(dir, 'outside.c');
    copyFileSync(path.join(TREE, 'fs', 'dax.c'), outside);
    mkdirSync(path.join(dir, 'tree', 'fs'), { recursive: true });
    symlinkSync(outside, path.join(dir, 'tree', 'fs', 'dax.c'));
    const r = applyToTree(patchFromDiff(MAIL), path.join(dir, 'tree'));
    assert.match(r.failures[0]?.reason ?? '', /fs\/dax\.c leads outside the kernel tree \(through a symbolic link\): not read/);
    assert.ok(!r.functions.some((f) => f.pre?.source === 'tree'));
    rmSync(path.join(dir, 'tree', 'fs', 'dax.c'));
    if (spawnSync('mkfifo', [path.join(dir, 'tree', 'fs', 'dax.c')]).status === 0) {
      assert.match(applyToTree(patchFromDiff(MAIL), path.join(dir, 'tree')).failures[0]?.reason ?? '', /is not a regular file: not read/);
    }
  });

  it('compares lines with all whitespace removed', () => {
    assert.ok(sameLine('\treturn NULL;', ' return  NULL; '));
    assert.ok(!sameLine('return NULL;', 'return entry;'));
  });

  it('applies a whitespace-damaged hunk at an offset, and says so', () => {
    const r = applyToTree(patchFromDiff(MAIL), TREE);
    const note = r.failures.find((f) => f.hunk === 0);
    assert.ok(note, JSON.stringify(r.failures));
    assert.equal(note.applied, true);
    assert.match(note.reason, /line 28, offset -2/);
    const f = r.functions.find((x) => x.name === 'lookup_locked_entry');
    assert.ok(f && f.pre && f.post);
    assert.equal(f.pre.source, 'tree');
    assert.equal(f.post.whole, true);
    assert.equal(f.pre.whole, true);
    assert.equal(f.post.lines.length, f.pre.lines.length + 1);
    assert.equal(f.post.lines[0].text, 'static void *lookup_locked_entry(struct address_space *mapping, pgoff_t index)');
    const added = f.post.lines.find((l) => l.op === '+')!;
    assert.equal(added.mailLine, 7);
    assert.equal(added.hunk, 0);
    // Context matched to the mail keeps its mail line and the tree's text; the rest has none.
    const unlock = f.post.lines.find((l) => l.mailLine === 8)!;
    assert.equal(unlock.text, '\t\tspin_unlock_irq(&mapping->tree_lock);');
    assert.equal(unlock.op, ' ');
    const decl = f.post.lines.find((l) => l.text === '\tvoid *entry;')!;
    assert.equal(decl.mailLine, null);
    assert.equal(decl.op, null);
    assert.equal(f.pre.lines.filter((l) => l.mailLine !== null).length, 6);
    assert.deepEqual(f.hunks, [0]);
  });

  it('reports a hunk whose context is not in the file, naming the mail line that differs', () => {
    const r = applyToTree(patchFromDiff(MAIL), TREE);
    const fail = r.failures.find((f) => f.hunk === 1);
    assert.ok(fail, JSON.stringify(r.failures));
    assert.equal(fail.applied, false);
    assert.equal(fail.mailLine, 12);
    assert.match(fail.reason, /context not found/);
    assert.match(fail.reason, /prepare_insert\(mapping, GFP_KERNEL\)/);
    // The function comes from the mail instead, partial, so it does not go missing.
    const fill = r.functions.find((f) => f.name === 'fill_hole')!;
    assert.equal(fill.post!.source, 'mail');
    assert.equal(fill.post!.whole, false);
    assert.ok(fill.post!.lines.some((l) => l.mailLine === 15));
    assert.equal(r.functions.find((f) => f.name === 'lookup_locked_entry')!.post!.source, 'tree');
  });

  it('places a header-less hunk by its content and rebuilds the function whole', () => {
    const r = applyToTree(patchFromDiff(MAIL), TREE);
    const note = r.failures.find((f) => f.hunk === 2)!;
    assert.equal(note.applied, true);
    assert.match(note.reason, /located by content at line 68/);
    const f = r.functions.find((x) => x.name === 'example_fault');
    assert.ok(f && f.pre && f.post);
    assert.equal(f.post.whole, true);
    assert.equal(f.post.lines[f.post.lines.length - 1].text, '}');
    assert.ok(f.post.lines.some((l) => l.text === '\t\tfallthrough;' && l.mailLine === 21));
    assert.ok(f.pre.lines.some((l) => l.op === '-' && l.mailLine === 20));
    const cfg = buildCfg(f.post);
    assert.equal(cfg.partial, false);
    assert.deepEqual(cfg.unparsed, []);
    assert.ok(cfg.nodes.some((n) => n.kind === 'return' && n.text === 'return fill_hole(mapping, vmf->pgoff);'));
  });

  it('reports a file missing from the tree', () => {
    const r = applyToTree(patchFromDiff(MAIL), TREE);
    const fail = r.failures.find((f) => f.hunk === 3)!;
    assert.equal(fail.applied, false);
    assert.match(fail.reason, /file missing: fs\/missing.c/);
    assert.equal(fail.mailLine, 25);
  });

  it('refuses paths that leave the tree', () => {
    const r = applyToTree(patchFromDiff(['--- a/../etc/evil.c', '+++ b/../etc/evil.c', '@@ -1,1 +1,1 @@', '-a', '+b'].join('\n')), TREE);
    assert.match(r.failures[0].reason, /outside the kernel tree/);
  });

  it('places the pieces of a hunk around an elision separately', () => {
    const r = applyToTree(patchFromDiff([
      '--- a/fs/dax.c',
      '+++ b/fs/dax.c',
      '@@ -24,14 +24,15 @@',
      ' static void *lookup_locked_entry(struct address_space *mapping, pgoff_t index)',
      ' {',
      ' \tvoid *entry;',
      '...',
      ' \tentry = lock_entry(mapping, index, entry);',
      '+\tcheck_entry(entry);',
      ' \tspin_unlock_irq(&mapping->tree_lock);',
    ].join('\n')), TREE);
    assert.deepEqual(r.failures.filter((f) => !f.applied), []);
    const f = r.functions.find((x) => x.name === 'lookup_locked_entry')!;
    assert.equal(f.post!.whole, true);
    assert.deepEqual(f.post!.gaps, []);
    assert.deepEqual(f.post!.lines.filter((l) => l.mailLine !== null).map((l) => l.mailLine), [4, 5, 6, 8, 9, 10]);
    const i = f.post!.lines.findIndex((l) => l.mailLine === 9);
    assert.equal(f.post!.lines[i - 1].text, '\tentry = lock_entry(mapping, index, entry);');
  });

  it('a new file starts from nothing', () => {
    const r = applyToTree(patchFromDiff([
      '--- /dev/null',
      '+++ b/fs/dax-new.c',
      '@@ -0,0 +1,4 @@',
      '+int dax_new(void)',
      '+{',
      '+\treturn 0;',
      '+}',
    ].join('\n')), TREE);
    assert.deepEqual(r.failures, []);
    assert.deepEqual(r.functions.map((f) => [f.name, f.pre, f.post!.whole, f.post!.source]), [['dax_new', null, true, 'tree']]);
  });

  it('says when the tree already has the change', () => {
    const r = applyToTree(patchFromDiff([
      '--- a/fs/dax.c',
      '+++ b/fs/dax.c',
      '@@ -28,3 +28,3 @@',
      ' \tspin_lock_irq(&mapping->tree_lock);',
      '-\tentry = old_find_entry(mapping, index);',
      '+\tentry = find_entry(mapping, index);',
      ' \tif (!entry) {',
    ].join('\n')), TREE);
    assert.equal(r.failures.length, 1);
    assert.equal(r.failures[0].applied, false);
    assert.match(r.failures[0].reason, /already has this change: its new lines are at line 28/);
  });

  it('reads a renamed file under its old name', () => {
    const r = applyToTree(patchFromDiff([
      '--- a/fs/dax.c',
      '+++ b/fs/dax-core.c',
      '@@ -28,3 +28,3 @@',
      ' \tspin_lock_irq(&mapping->tree_lock);',
      '-\tentry = find_entry(mapping, index);',
      '+\tentry = find_locked_entry(mapping, index);',
      ' \tif (!entry) {',
    ].join('\n')), TREE);
    assert.deepEqual(r.failures, []);
    const f = r.functions.find((x) => x.name === 'lookup_locked_entry')!;
    assert.equal(f.path, 'fs/dax-core.c');
    assert.equal(f.post!.whole, true);
  });
});
