// The wait_event family (___wait_var_event(), wait_var_event()) is a loop the kernel writes as a
// macro around its condition: the lowering expands it so that the condition is tested afresh
// after queueing, each time round. Break layouts waits so for a busy DAX page; the page's last
// put wakes the queue of its _refcount. A wait on another variable than the one woken sleeps
// for ever, as it does in the kernel, where the two addresses hash apart.
import { strict as assert } from 'node:assert';
import { lowerC } from '../../../src/model/core/lower';
import { eraFunctionNames } from '../../../src/model/core/era';
import { XARRAY_ERA } from '../../../src/model/eras/xarray/index';
import { buildScenario } from '../../../src/model/index';
import { explore } from '../../../src/check/explore';

const KNOWN = eraFunctionNames(XARRAY_ERA);

/** xfs_break_dax_layouts() of v5.12 with its wait written as `wait`. */
function breakLayouts(wait: string) {
  const src = [
    'static int xfs_break_dax_layouts(struct inode *inode, bool *retry)',
    '{',
    '\tstruct page *page;',
    '',
    '\tpage = dax_layout_busy_page(inode->i_mapping);',
    '\tif (!page)',
    '\t\treturn 0;',
    '',
    '\t*retry = true;',
    `\treturn ${wait};`,
    '}',
  ].join('\n');
  return lowerC(src, XARRAY_ERA.api, { file: 'fs/xfs/xfs_file.c', known: KNOWN, strict: true, kernel: 'test' });
}

function truncateWith(wait: string) {
  const r = breakLayouts(wait);
  assert.deepEqual(r.errors, []);
  return explore(buildScenario('xa-truncate-dma', { version: 'v5.12', overrides: { xfs_break_dax_layouts: r.funcs[0] } }), { maxStates: 200_000, maxMs: 30_000 });
}

describe('model: waits on a variable (___wait_var_event)', function () {
  this.timeout(60_000);

  it('lowers to a loop that queues, tests the condition, runs its command, and leaves the queue', () => {
    const r = breakLayouts('___wait_var_event(&page->_refcount, atomic_read(&page->_refcount) == 1, TASK_INTERRUPTIBLE, 0, 0, xfs_wait_dax_page(inode))');
    assert.deepEqual(r.errors, []);
    const code = r.funcs[0].code;
    const names = code.flatMap((i) => (i.k === 'prim' ? [i.name] : i.k === 'call' ? [i.fn] : []));
    for (const n of ['__var_waitqueue', 'prepare_to_wait', 'dax_page_ref_count', 'xfs_wait_dax_page', 'finish_wait']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
    assert.ok(names.indexOf('prepare_to_wait') < names.indexOf('dax_page_ref_count'), 'queued before the condition is read');
    assert.ok(code.some((i, at) => i.k === 'jump' && !i.cond && i.target <= at), 'round again after the command');
  });

  it('the era\'s own wait: the truncate is woken when get_user_pages() lets go, and frees nothing under DMA', () => {
    const v = truncateWith('___wait_var_event(&page->_refcount, atomic_read(&page->_refcount) == 1, TASK_INTERRUPTIBLE, 0, 0, xfs_wait_dax_page(inode))');
    assert.equal(v.verdict, 'ok', v.violations.map((x) => x.message).join('; '));
  });

  it('a wait on the page where the page\'s free wakes its _refcount: the truncate sleeps for ever', () => {
    const v = truncateWith('___wait_var_event(page, atomic_read(&page->_refcount) == 1, TASK_INTERRUPTIBLE, 0, 0, xfs_wait_dax_page(inode))');
    const x = v.violations.find((y) => y.kind === 'lost-wakeup');
    assert.ok(x, `${v.verdict}: ${v.violations.map((y) => y.message).join('; ')}`);
    assert.match(x.message, /sleeps forever on the variable at 0x[0-9a-f]+, which no thread of the model wakes/);
  });

  it('a condition an idle page never meets: the truncate sleeps on after the wake-up', () => {
    const v = truncateWith('___wait_var_event(&page->_refcount, atomic_read(&page->_refcount) == 0, TASK_INTERRUPTIBLE, 0, 0, xfs_wait_dax_page(inode))');
    const x = v.violations.find((y) => y.kind === 'lost-wakeup');
    assert.ok(x, `${v.verdict}: ${v.violations.map((y) => y.message).join('; ')}`);
    assert.match(x.message, /the _refcount of the DAX page of 0x203, which is idle/);
  });

  it('a wait on a field the model wakes nothing of is not lowered, and says why', () => {
    const r = breakLayouts('___wait_var_event(&page->mapping, !page->mapping, TASK_INTERRUPTIBLE, 0, 0, xfs_wait_dax_page(inode))');
    assert.ok(r.errors.some((e) => /'&page->mapping' is not a variable the model's threads wait on or wake/.test(e.why)), JSON.stringify(r.errors));
  });

  it('ext4 breaks layouts with the same wait under i_mmap_sem: clean as the era has it, a lost wake-up with the idle test at zero', () => {
    const ext4 = (idle: string) => [
      'int ext4_break_layouts(struct inode *inode)',
      '{',
      '\tstruct ext4_inode_info *ei = EXT4_I(inode);',
      '\tstruct page *page;',
      '\tint error;',
      '',
      '\tif (WARN_ON_ONCE(!rwsem_is_locked(&ei->i_mmap_sem)))',
      '\t\treturn -EINVAL;',
      '\tdo {',
      '\t\tpage = dax_layout_busy_page(inode->i_mapping);',
      '\t\tif (!page)',
      '\t\t\treturn 0;',
      `\t\terror = ___wait_var_event(&page->_refcount, ${idle}, TASK_INTERRUPTIBLE, 0, 0, ext4_wait_dax_page(ei));`,
      '\t} while (error == 0);',
      '\treturn error;',
      '}',
    ].join('\n');
    const run = (idle: string) => {
      const r = lowerC(ext4(idle), XARRAY_ERA.api, { file: 'fs/ext4/inode.c', known: KNOWN, strict: true, kernel: 'test' });
      assert.deepEqual(r.errors, []);
      return explore(buildScenario('xa-ext4-truncate-dma', { version: 'v5.12', overrides: { ext4_break_layouts: r.funcs[0] } }), { maxStates: 200_000, maxMs: 30_000 });
    };
    const ok = run('atomic_read(&page->_refcount) == 1');
    assert.equal(ok.verdict, 'ok', ok.violations.map((x) => x.message).join('; '));
    const bad = run('atomic_read(&page->_refcount) == 0');
    assert.ok(bad.violations.some((y) => y.kind === 'lost-wakeup' && /ext4 truncate to 0x203 sleeps forever on the _refcount/.test(y.message)), bad.violations.map((y) => y.message).join('; '));
  });

  it('an ext4 truncate that gives up with an error nothing in the model causes is a wrong result', () => {
    const gives = 'int ext4_break_layouts(struct inode *inode)\n{\n\treturn -EINVAL;\n}';
    const r = lowerC(gives, XARRAY_ERA.api, { file: 'fs/ext4/inode.c', known: KNOWN, strict: true, kernel: 'test' });
    assert.deepEqual(r.errors, []);
    const v = explore(buildScenario('xa-ext4-truncate-dma', { version: 'v5.12', overrides: { ext4_break_layouts: r.funcs[0] } }), { maxStates: 200_000, maxMs: 30_000 });
    const x = v.violations.find((y) => y.kind === 'wrong-result');
    assert.ok(x, v.violations.map((y) => y.message).join('; ') || v.verdict);
    assert.match(x.message, /ext4 truncate to 0x203 failed with the error -22, where nothing in the model can fail it/);
  });
});
