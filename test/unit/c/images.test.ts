import { strict as assert } from 'node:assert';
import { getCParser } from '../../../src/c/parser';
import { rebuildFunctions } from '../../../src/c/images';
import { buildCfg } from '../../../src/c/cfg';
import type { FunctionImage, RebuiltFunction } from '../../../src/c/types';
import { patchFromDiff } from './diff';

const texts = (img: FunctionImage | null) => (img ? img.lines.map((l) => l.text.trim()) : null);
const fn = (fns: RebuiltFunction[], name: string) => {
  const f = fns.find((x) => x.name === name);
  assert.ok(f, `no function ${name} among ${fns.map((x) => x.name).join(', ')}`);
  return f;
};

describe('c/images: pre- and post-images from the mail', () => {
  before(async () => { await getCParser(); });

  it('a function the quote cuts right after a return at its top level is closed there; one it cuts elsewhere is not', () => {
    const cut = (body: string[]) => fn(rebuildFunctions(patchFromDiff([
      '--- a/include/linux/dax.h', '+++ b/include/linux/dax.h', '@@ -238,4 +238,12 @@ static inline bool dax_mapping(struct address_space *mapping)',
      ' \treturn mapping->host && IS_DAX(mapping->host);', ' }', ' ', '+static inline bool dax_page_idle(struct page *page)', '+{', ...body,
    ].join('\n'))), 'dax_page_idle').post!;
    const closed = cut(['+\treturn page_ref_count(page) == 1;']);
    assert.equal(closed.whole, true);
    assert.deepEqual(texts(closed), ['static inline bool dax_page_idle(struct page *page)', '{', 'return page_ref_count(page) == 1;', '}']);
    assert.equal(closed.lines[3].mailLine, null, 'the closing brace is not a mail line');
    // A return inside an if, or one a goto may jump past, leaves the rest unknown.
    assert.equal(cut(['+\tif (!page)', '+\t\treturn false;']).whole, false);
    assert.equal(cut(['+\tif (!page) {', '+\t\treturn false;']).whole, false);
    assert.equal(cut(['+\tif (!page)', '+\t\tgoto out;', '+\treturn true;']).whole, false);
  });

  it('a later hunk of a function an earlier hunk renamed goes on with it under its new name (git names hunks by the old one)', () => {
    const fns = rebuildFunctions(patchFromDiff([
      '--- a/fs/dax.c', '+++ b/fs/dax.c',
      '@@ -10,5 +10,6 @@ static int before(void)',
      ' }', ' ',
      '-int dax_scan(struct address_space *mapping)',
      '+int dax_scan_range(struct address_space *mapping, loff_t start, loff_t end)',
      ' {',
      '+\tpgoff_t end_idx = end >> PAGE_SHIFT;',
      ' \tvoid *entry;',
      '@@ -30,3 +31,3 @@ int dax_scan(struct address_space *mapping)',
      ' \txas_lock_irq(&xas);',
      '-\txas_for_each(&xas, entry, ULONG_MAX) {',
      '+\txas_for_each(&xas, entry, end_idx) {',
      ' \t\tput_unlocked_entry(&xas, entry);',
    ].join('\n')));
    const renamed = fn(fns, 'dax_scan_range');
    assert.deepEqual(renamed.hunks, [0, 1]);
    assert.ok(texts(renamed.post)!.includes('xas_for_each(&xas, entry, end_idx) {'));
    assert.ok(!fns.some((f) => f.name === 'dax_scan' && f.post), 'the old name has no post-image of its own');
    // The old name keeps its pre-image, both hunks of it.
    assert.deepEqual(fn(fns, 'dax_scan').hunks, [0, 1]);
  });

  it('a new function is whole on the post side and absent on the pre side', () => {
    const pm = patchFromDiff([
      '--- a/fs/dax.c',
      '+++ b/fs/dax.c',
      '@@ -10,6 +10,14 @@ static int other(void)',
      ' \treturn 0;',
      ' }',
      ' ',
      '+static int dax_new(struct inode *inode)',
      '+{',
      '+\tif (!inode)',
      '+\t\treturn -EINVAL;',
      '+\treturn do_it(inode);',
      '+}',
      '+',
      ' static int after(void)',
    ].join('\n'));
    const fns = rebuildFunctions(pm);
    assert.deepEqual(fns.map((f) => f.name), ['dax_new']);
    const f = fns[0];
    assert.equal(f.pre, null);
    assert.ok(f.post);
    assert.equal(f.post.whole, true);
    assert.deepEqual(f.post.gaps, []);
    assert.deepEqual(texts(f.post), ['static int dax_new(struct inode *inode)', '{', 'if (!inode)', 'return -EINVAL;', 'return do_it(inode);', '}']);
    assert.deepEqual(f.post.lines.map((l) => l.mailLine), [7, 8, 9, 10, 11, 12]);
    assert.equal(f.path, 'fs/dax.c');
    assert.deepEqual(f.hunks, [0]);
  });

  it('two hunks of one function join in order with a gap between them', () => {
    const pm = patchFromDiff([
      '--- a/fs/dax.c',
      '+++ b/fs/dax.c',
      '@@ -20,7 +20,7 @@ static void put_entry(void)',
      ' }',
      ' ',
      ' static void *grab(struct address_space *mapping, pgoff_t index)',
      ' {',
      '-\tvoid *entry;',
      '+\tvoid *entry, **slot;',
      ' ',
      '@@ -40,6 +40,7 @@ static void *grab(struct address_space *mapping, pgoff_t index)',
      ' \t\treturn page;',
      ' \t}',
      ' \tentry = lock_slot(mapping, slot);',
      '+ out_unlock:',
      ' \tspin_unlock_irq(&mapping->tree_lock);',
      ' \treturn entry;',
      ' }',
    ].join('\n'));
    const f = fn(rebuildFunctions(pm), 'grab');
    assert.deepEqual(f.hunks, [0, 1]);
    assert.ok(f.pre && f.post);
    assert.equal(f.pre.whole, false);
    assert.equal(f.post.whole, false);
    // pre: head, '{', 'void *entry;', '' | gap | 'return page;' ...
    assert.deepEqual(f.pre.gaps, [3]);
    assert.equal(f.pre.lines[3].text, '');
    assert.equal(f.pre.lines[4].text.trim(), 'return page;');
    assert.deepEqual(texts(f.post)!.slice(-4), ['out_unlock:', 'spin_unlock_irq(&mapping->tree_lock);', 'return entry;', '}']);
    assert.equal(f.post.lines.find((l) => l.op === '+' && l.text.includes('slot'))!.mailLine, 9);
  });

  it('finds function boundaries from the C, not from the @@ context', () => {
    // The @@ context names the function before; the change is in the one the hunk defines.
    const pm = patchFromDiff([
      '--- a/fs/dax.c',
      '+++ b/fs/dax.c',
      '@@ -100,9 +100,9 @@ static int first(struct inode *inode)',
      ' \treturn 0;',
      ' }',
      ' ',
      ' static int second(struct inode *inode)',
      ' {',
      '-\treturn old(inode);',
      '+\treturn new(inode);',
      ' }',
    ].join('\n'));
    const fns = rebuildFunctions(pm);
    assert.deepEqual(fns.map((f) => f.name), ['second']);
    assert.equal(fns[0].pre!.whole, true);
    assert.equal(fns[0].post!.whole, true);
    assert.deepEqual(texts(fns[0].pre), ['static int second(struct inode *inode)', '{', 'return old(inode);', '}']);
  });

  it('a hunk that starts inside a function takes the name from the @@ context and records the missing head', () => {
    const pm = patchFromDiff([
      '--- a/fs/dax.c',
      '+++ b/fs/dax.c',
      '@@ -50,6 +50,7 @@ static int dax_fault(struct vm_area_struct *vma,',
      ' \t\tgoto out;',
      ' \t}',
      '+\tput_entry(entry);',
      ' \treturn ret;',
      ' }',
      ' ',
    ].join('\n'));
    const f = fn(rebuildFunctions(pm), 'dax_fault');
    assert.deepEqual(f.post!.gaps, [-1]);
    assert.equal(f.post!.whole, false);
    assert.equal(f.post!.lines.length, 5);
  });

  it('a header-less fragment continues the function the previous hunk left open (the @@ context is a label)', () => {
    const pm = patchFromDiff([
      '--- a/fs/dax.c',
      '+++ b/fs/dax.c',
      '@@ -10,5 +10,5 @@ static void other(void)',
      ' static void *grab(pgoff_t index)',
      ' {',
      '-\tentry = a();',
      '+\tentry = b();',
      ' \tif (entry) {',
      '@@ -40,4 +40,5 @@ restart:',
      ' \t}',
      '+ out:',
      ' \treturn entry;',
      ' }',
    ].join('\n'));
    const fns = rebuildFunctions(pm);
    assert.deepEqual(fns.map((f) => f.name), ['grab']);
    assert.deepEqual(fns[0].post!.gaps, [3]);
    assert.equal(fns[0].post!.lines.length, 8);
    assert.deepEqual(fns[0].hunks, [0, 1]);
  });

  it('an elision inside a hunk is a gap; a hunk opening inside a comment is read as comment', () => {
    const pm = patchFromDiff([
      '--- a/fs/dax.c',
      '+++ b/fs/dax.c',
      '@@ -281,7 +281,7 @@ static wait_queue_head_t *entry_waitqueue(struct address_space *mapping,',
      ' \t * queue to the start of that PMD. { This brace is prose }',
      ' \t */',
      '-\tif (RADIX_DAX_TYPE(entry) == RADIX_DAX_PMD)',
      '+\tif ((unsigned long)entry & RADIX_DAX_PMD)',
      ' \t\tindex &= ~PG_PMD_COLOUR;',
      '...',
      ' \treturn wait_table + hash;',
      ' }',
    ].join('\n'));
    const f = fn(rebuildFunctions(pm), 'entry_waitqueue');
    assert.deepEqual(f.post!.gaps, [-1, 3]);
    assert.equal(f.post!.lines.length, 6);
    assert.equal(f.post!.lines[5].text, '}');
  });

  it('changes inside a struct or an initializer are not functions', () => {
    const pm = patchFromDiff([
      '--- a/drivers/dax/super.c',
      '+++ b/drivers/dax/super.c',
      '@@ -169,6 +170,7 @@ struct dax_device {',
      ' \tconst char *host;',
      ' \tunsigned long flags;',
      '+\tstruct dev_pagemap *pgmap;',
      ' \tconst struct dax_operations *ops;',
      ' };',
      ' ',
      '@@ -3111,6 +3165,7 @@ static const struct block_device_operations dm_blk_dops = {',
      ' static const struct dax_operations dm_dax_ops = {',
      ' \t.direct_access = dm_dax_direct_access,',
      '+\t.fs_claim = dm_dax_fs_claim,',
      ' };',
    ].join('\n'));
    assert.deepEqual(rebuildFunctions(pm), []);
  });

  it('a function whose head the hunk shows only in part is named by the @@ context', () => {
    const pm = patchFromDiff([
      '--- a/fs/xfs/xfs_file.c',
      '+++ b/fs/xfs/xfs_file.c',
      '@@ -1024,6 +1054,7 @@ __xfs_filemap_fault(',
      ' \tenum page_entry_size\tpe_size,',
      ' \tbool\t\t\twrite_fault)',
      ' {',
      '+\tstruct vm_area_struct\t*vma = vmf->vma;',
      ' \tstruct inode\t\t*inode = file_inode(vmf->vma->vm_file);',
    ].join('\n'));
    const f = fn(rebuildFunctions(pm), '__xfs_filemap_fault');
    assert.deepEqual(f.post!.gaps, [-1, 4]);
    assert.equal(f.pre!.lines.length, 4);
  });

  it('a removed function has a whole pre-image and no post-image', () => {
    const pm = patchFromDiff([
      '--- a/fs/dax.c',
      '+++ b/fs/dax.c',
      '@@ -70,9 +70,3 @@ EXPORT_SYMBOL_GPL(dax_fault);',
      ' ',
      '-static void old_helper(void)',
      '-{',
      '-\tdo_old();',
      '-}',
      '-',
      ' #ifdef CONFIG_FS_DAX_PMD',
    ].join('\n'));
    const fns = rebuildFunctions(pm);
    assert.deepEqual(fns.map((f) => [f.name, !!f.pre, !!f.post]), [['old_helper', true, false]]);
    assert.equal(fns[0].pre!.whole, true);
    assert.deepEqual(fns[0].pre!.lines.map((l) => l.op), ['-', '-', '-', '-']);
  });

  it('reads heads with kernel annotations and macro-made heads', () => {
    const pm = patchFromDiff([
      '--- a/fs/dax.c',
      '+++ b/fs/dax.c',
      '@@ -1,3 +1,16 @@',
      '+static int __init dax_fs_init(void)',
      '+{',
      '+\treturn register_fs(&dax_fs_type);',
      '+}',
      '+',
      '+SYSCALL_DEFINE3(dax_probe, unsigned long, addr, unsigned long, len,',
      '+\t\tunsigned long, flags)',
      '+{',
      '+\tif (flags & ~PROBE_MASK)',
      '+\t\treturn -EINVAL;',
      '+\treturn probe(addr, len);',
      '+}',
    ].join('\n'));
    const fns = rebuildFunctions(pm);
    assert.deepEqual(fns.map((f) => [f.name, f.post!.whole, f.post!.lines.length]), [['dax_fs_init', true, 4], ['SYSCALL_DEFINE3', true, 7]]);
    const init = buildCfg(fns[0].post!);
    assert.deepEqual(init.unparsed, []);
    assert.ok(init.nodes.some((n) => n.kind === 'return' && n.calls[0]?.name === 'register_fs'));
    const sys = buildCfg(fns[1].post!);
    assert.equal(sys.nodes.filter((n) => n.kind === 'return').length, 2);
    assert.ok(sys.nodes.some((n) => n.kind === 'branch' && n.text === 'flags & ~PROBE_MASK'));
  });

  it('a run of indented declarations is inside the function the @@ context names; at column 0 it is file scope', () => {
    const inside = rebuildFunctions(patchFromDiff([
      '--- a/fs/dax.c',
      '+++ b/fs/dax.c',
      '@@ -60,4 +60,5 @@ static int dax_fault(struct vm_fault *vmf)',
      ' \tstruct address_space *mapping = vmf->vma->vm_file->f_mapping;',
      '+\tbool pmd_downgrade = false;',
      ' \tvoid *entry;',
      ' \tint ret;',
    ].join('\n')));
    assert.deepEqual(inside.map((f) => [f.name, f.post!.gaps]), [['dax_fault', [-1, 3]]]);
    const outside = rebuildFunctions(patchFromDiff([
      '--- a/fs/dax.c',
      '+++ b/fs/dax.c',
      '@@ -60,3 +60,4 @@ static int dax_fault(struct vm_fault *vmf)',
      ' static struct kmem_cache *dax_cache;',
      '+static DEFINE_MUTEX(devmap_lock);',
      ' static int dax_count;',
    ].join('\n')));
    assert.deepEqual(outside, []);
  });

  it('hunks whose line numbers run on (a hunk split by a reply) join without a gap', () => {
    const pm = patchFromDiff([
      '--- a/fs/dax.c',
      '+++ b/fs/dax.c',
      '@@ -10,3 +10,3 @@',
      ' static int f(void)',
      ' {',
      '-\told();',
      '+\tnew();',
      '@@ -13,3 +13,3 @@',
      ' \tif (x)',
      ' \t\treturn 1;',
      ' }',
    ].join('\n'));
    const f = rebuildFunctions(pm)[0];
    assert.equal(f.name, 'f');
    assert.equal(f.post!.whole, true);
    assert.deepEqual(f.post!.gaps, []);
    assert.deepEqual(f.hunks, [0, 1]);
  });

  it('only C files are read: a Kconfig hunk has no functions', () => {
    const pm = patchFromDiff([
      '--- a/fs/xfs/Kconfig',
      '+++ b/fs/xfs/Kconfig',
      '@@ -112,4 +112,4 @@ config XFS_ASSERT_FATAL',
      ' config XFS_LAYOUT',
      ' \tdef_bool y',
      '-\tdepends on EXPORTFS_BLOCK_OPS',
      '+\tif (x) { depends(); }',
    ].join('\n'));
    assert.deepEqual(rebuildFunctions(pm), []);
  });

  it('a brace on the head line and a one-line function are read', () => {
    const pm = patchFromDiff([
      '--- a/drivers/dax/bus.c',
      '+++ b/drivers/dax/bus.c',
      '@@ -1,2 +1,9 @@',
      '+static int dax_a(int x) {',
      '+\tif (x) { return 1; }',
      '+\treturn 0;',
      '+}',
      '+static inline int dax_b(void) { return dax_a(2); }',
      '+struct dax_c { int y; };',
      '+static int dax_d = 3;',
    ].join('\n'));
    const fns = rebuildFunctions(pm);
    assert.deepEqual(fns.map((f) => [f.name, f.post!.lines.length, f.post!.whole]), [['dax_a', 4, true], ['dax_b', 1, true]]);
    const cfg = buildCfg(fns[1].post!);
    assert.equal(cfg.nodes.find((n) => n.kind === 'return')!.calls[0].name, 'dax_a');
  });
});
