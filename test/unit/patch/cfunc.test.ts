// The enclosing C function of hunk lines, with and without indentation.
import { strict as assert } from 'node:assert';
import { aggregateName, definitionName, hintFromContext, scanFunctions, type CLine } from '../../../src/patch/cfunc';

const ctx = (...texts: string[]): CLine[] => texts.map((text) => ({ op: ' ', text }));
const hint = (name: string) => ({ name, source: 'header' as const });

describe('C function scan', () => {
  it('names definitions and rejects calls, prototypes, macros and initialisers', () => {
    assert.equal(definitionName('static void *grab_mapping_entry(struct address_space *mapping, pgoff_t index,'), 'grab_mapping_entry');
    assert.equal(definitionName('struct page *follow_devmap_pmd(struct vm_area_struct *vma, unsigned long addr,'), 'follow_devmap_pmd');
    assert.equal(definitionName('xfs_file_mmap_validate('), 'xfs_file_mmap_validate');
    assert.equal(definitionName('int f(void);'), null);
    assert.equal(definitionName('if (x)'), null);
    assert.equal(definitionName('EXPORT_SYMBOL_GPL(dax_iomap_fault);'), null);
    assert.equal(definitionName('static const struct dax_operations dm_dax_ops = {'), null);
    assert.equal(definitionName('#define DAX_PMD_INDEX(page_index) (page_index & (PMD_MASK >> PAGE_SHIFT))'), null);
  });

  it('reads the @@ context as a hint: a function, a label, an aggregate, or neither', () => {
    assert.deepEqual(hintFromContext('static int copy_user_dax(struct block_device *bdev, sector_t sector, size_t size'), { kind: 'function', name: 'copy_user_dax' });
    assert.deepEqual(hintFromContext('restart:'), { kind: 'label', name: 'restart' });
    assert.deepEqual(hintFromContext('struct dax_device {'), { kind: 'aggregate', name: 'struct dax_device' });
    assert.deepEqual(hintFromContext('static const struct dax_operations dm_dax_ops = {'), { kind: 'aggregate', name: 'dm_dax_ops' });
    assert.deepEqual(hintFromContext('static struct vfsmount *dax_mnt;'), { kind: 'declaration', name: null });
    assert.deepEqual(hintFromContext('#define DAX_PMD_INDEX(page_index) (page_index & (PMD_MASK >> PAGE_SHIFT))'), { kind: 'other', name: null });
  });

  it('ends the hinted function at a column-0 brace when the hunk kept its indentation', () => {
    const lines: CLine[] = [...ctx('\treturn 0;', '}', '', 'static int b(void)', '{'), { op: '-', text: '\tx();' }, { op: '+', text: '\ty();' }];
    const scan = scanFunctions(lines, hint('a'), true);
    assert.deepEqual(scan.fn, ['a', 'a', null, 'b', 'b', 'b', 'b']);
  });

  it('without indentation, lets the next decisive line decide whether a brace ends the function', () => {
    const closes = scanFunctions(ctx('return 0;', '}', '', 'STATIC int', 'xfs_foo(', 'struct inode *ip)', '{', 'x = 1;'), hint('prev'), false);
    assert.deepEqual(closes.fn, ['prev', 'prev', null, 'xfs_foo', 'xfs_foo', 'xfs_foo', 'xfs_foo', 'xfs_foo']);
    const stays = scanFunctions(ctx('x = 1;', 'if (y) {', 'z();', '}', '}', 'w();'), hint('inside'), false);
    assert.ok(stays.fn.every((f) => f === 'inside'));
    assert.equal(stays.openAtEnd, 'inside');
  });

  it('drops a hint that file-scope lines contradict', () => {
    const scan = scanFunctions([...ctx('struct dax_device *fs_dax_get_by_bdev(struct block_device *bdev);'), { op: '+', text: 'void fs_dax_release(struct dax_device *dax_dev);' }], hint('fs_put_dax'), false);
    assert.deepEqual(scan.fn, [null, null]);
  });

  it('ignores braces in strings, character literals and comments', () => {
    const scan = scanFunctions(ctx('int f(void)', '{', '\tpr_info("}");', "\tc = '}';", '\t/* } */', '\treturn 0;', '}', 'int g;'), null, true);
    assert.deepEqual(scan.fn, ['f', 'f', 'f', 'f', 'f', 'f', 'f', null]);
  });

  it('reads a removed definition from the pre-image', () => {
    const lines: CLine[] = [{ op: '-', text: 'static int gone(void)' }, { op: '-', text: '{' }, { op: '-', text: '\treturn 1;' }, { op: '-', text: '}' }];
    assert.deepEqual(scanFunctions(lines, null, true).fn, ['gone', 'gone', 'gone', 'gone']);
  });

  it('names file-scope objects: tagged types and initialised tables', () => {
    assert.equal(aggregateName('struct dax_operations {'), 'struct dax_operations');
    assert.equal(aggregateName('static const struct dax_operations dm_dax_ops = {'), 'dm_dax_ops');
    assert.equal(aggregateName('static const char *names[] = {'), 'names');
    assert.equal(aggregateName('if (x) {'), null);
    const scan = scanFunctions([...ctx('static const struct dax_operations dm_dax_ops = {', '\t.direct_access = dm_dax_direct_access,'),
      { op: '+', text: '\t.fs_claim = dm_dax_fs_claim,' }, ...ctx('};', '')], null, true);
    assert.deepEqual(scan.scope, ['dm_dax_ops', 'dm_dax_ops', 'dm_dax_ops', 'dm_dax_ops', null]);
    assert.ok(scan.fn.every((f) => f === null));
  });

  it('records labels with their function', () => {
    const scan = scanFunctions(ctx('int f(void)', '{', 'restart:', '\tgoto restart;', '}'), null, true);
    assert.equal(scan.labels.get('restart'), 'f');
  });
});
