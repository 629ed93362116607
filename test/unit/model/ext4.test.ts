// ext4 in the XArray era: its DAX faults (ext4_dax_huge_fault() under i_mmap_sem shared, v6.12's
// invalidate lock), its truncate (ext4_setattr_size(), breaking layouts under the lock held
// exclusive). A scenario's file is on the filesystem it says (ScenarioSpec.fs), and its faults
// run that filesystem's vm_operations.
import { strict as assert } from 'node:assert';
import { lowerSources } from '../../../src/model/core/lower';
import { buildScenario, MODEL_ERAS, type Func } from '../../../src/model/index';
import { explore } from '../../../src/check/explore';
import { getCParser } from '../../../src/c/parser';

const BUDGET = { maxStates: 500_000, maxMs: 60_000 };

/** Function fn of the era's version with `from` replaced by `to` in its file, lowered as the era's C is. */
function changed(version: string, fn: string, from: string, to: string): Func {
  const era = MODEL_ERAS.find((e) => e.name === 'XArray' && e.version === version)!;
  const file = era.sources.find((s) => s.text.includes(from));
  assert.ok(file, `no source of ${version} has ${from}`);
  const r = lowerSources(era.sources.map((s) => (s === file ? { ...s, text: s.text.replace(from, to) } : s)), era.api, true);
  assert.deepEqual(r.errors.filter((e) => e.fn === fn), []);
  return r.funcs.find((f) => f.name === fn)!;
}

describe('model: ext4 in the XArray era', function () {
  this.timeout(120_000);
  before(async () => { await getCParser(); });

  for (const version of ['v5.12', 'v6.12', 'v6.15', 'v6.12+zap']) {
    for (const name of ['xa-ext4-fault-vs-truncate', 'xa-ext4-truncate-dma']) {
      it(`${version}: ${name} is clean`, () => {
        const v = explore(buildScenario(name, { version }), BUDGET);
        assert.equal(v.verdict, 'ok', v.violations.map((x) => x.message).join('; '));
      });
    }
  }

  it('a read fault that keeps i_mmap_sem runs through ext4\'s handler, and leaves the truncate waiting', () => {
    const keeps = changed('v5.12', 'ext4_dax_huge_fault', '\t} else {\n\t\tup_read(&EXT4_I(inode)->i_mmap_sem);\n\t}', '\t}');
    const v = explore(buildScenario('xa-ext4-fault-vs-truncate', { version: 'v5.12', overrides: { ext4_dax_huge_fault: keeps } }), BUDGET);
    assert.ok(v.violations.some((x) => x.kind === 'lock-imbalance' || x.kind === 'deadlock'), v.violations.map((x) => x.message).join('; ') || v.verdict);
    const xfs = explore(buildScenario('xa-fault-vs-truncate', { version: 'v5.12', overrides: { ext4_dax_huge_fault: keeps } }), BUDGET);
    assert.equal(xfs.verdict, 'ok', 'an XFS file\'s faults never run ext4\'s handler');
  });

  it('v6.12: the invalidate lock in i_mmap_sem\'s place', () => {
    const era = MODEL_ERAS.find((e) => e.name === 'XArray' && e.version === 'v6.12')!;
    const text = era.sources.filter((s) => s.path.startsWith('fs/ext4/')).map((s) => s.text).join('\n');
    assert.ok(!/->i_mmap_sem/.test(text) && text.includes('filemap_invalidate_lock_shared(mapping)') && text.includes('filemap_invalidate_lock(inode->i_mapping)'));
  });

  it('a shrinking truncate that skips ext4_truncate() leaves its block beyond i_size', () => {
    const keeps = changed('v5.12', 'ext4_setattr', 'if (attr->ia_size <= oldsize) {', 'if (attr->ia_size > oldsize) {');
    const v = explore(buildScenario('xa-ext4-fault-vs-truncate', { version: 'v5.12', overrides: { ext4_setattr: keeps } }), BUDGET);
    const x = v.violations.find((y) => y.kind === 'beyond-eof');
    assert.ok(x, v.violations.map((y) => y.message).join('; ') || v.verdict);
    assert.match(x.message, /the block of 0x203 is still allocated beyond i_size 0x203/);
  });
});
