import { strict as assert } from 'node:assert';
import { readMail } from '../../../src/mail/index';
import { parsePatchMail } from '../../../src/patch/index';
import { rebuildFunctions } from '../../../src/c/images';
import { getCParser } from '../../../src/c/parser';
import { bindPoints, scenariosForHunk, coverageOf, modelIndex } from '../../../src/bind/index';
import { helpersOf } from '../../../src/bind/simulate';
import { fixedReference } from '../../../src/bind/points';
import { allHunks } from '../../../src/bind/coverage';
import { seed, fixture, lineOf } from '../review/support';

function load(text: string, file: string) {
  const patches = parsePatchMail(readMail(text, { file }));
  const functions = patches.flatMap((pm) => rebuildFunctions(pm));
  return { patches, functions };
}

const values = (bs: { point: string; value: unknown }[]) => Object.fromEntries(bs.map((b) => [b.point, b.value]));
const pick = (v: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, v[k]]));
const GRAB = ['downgrade_wake_all', 'eexist_put', 'preload_fail', 'unmap_vs_preload'];

describe('bind: variation points from C fragments', () => {
  before(async () => { await getCParser(); });

  it('reads grab_mapping_entry\'s points from seed 000\'s post-image', () => {
    const s = seed('000');
    const { functions } = load(s.text, s.file);
    const grab = functions.find((f) => f.name === 'grab_mapping_entry')!;
    const post = bindPoints(grab.post!);
    assert.deepEqual(pick(values(post), GRAB),
      { downgrade_wake_all: false, eexist_put: false, preload_fail: 'return', unmap_vs_preload: 'preload-first' });
    const wake = post.find((b) => b.point === 'downgrade_wake_all')!;
    assert.ok(wake.mailLines.includes(lineOf(s.text, '+ dax_wake_mapping_entry_waiter(mapping, index, entry,')));
    // The pre-image has no downgrade: it says nothing about these points.
    assert.deepEqual(Object.keys(values(bindPoints(grab.pre!))).filter((k) => GRAB.includes(k)), []);
  });

  it('reads the reference values from the fixed mail, and the defect back when a line is left out', () => {
    const s = fixture('review/000-fixed-all.txt');
    const { functions } = load(s.text, s.file);
    const grab = functions.find((f) => f.name === 'grab_mapping_entry')!;
    assert.deepEqual(pick(values(bindPoints(grab.post!)), GRAB),
      { downgrade_wake_all: true, eexist_put: true, preload_fail: 'put-locked-if-downgrade', unmap_vs_preload: 'unmap-first' });
    const put = lineOf(s.text, '+ put_unlocked_mapping_entry(mapping, index, entry);');
    assert.equal(values(bindPoints(grab.post!, { without: put })).eexist_put, false);
    const unlock = lineOf(s.text, '+ put_locked_mapping_entry(mapping, index, entry);');
    assert.equal(values(bindPoints(grab.post!, { without: unlock })).preload_fail, 'return');
  });

  it('every point the table binds is a variation point of the model, or says what the reference does', () => {
    const s = fixture('review/000-fixed-all.txt');
    const { functions } = load(s.text, s.file);
    const model = modelIndex();
    for (const f of functions) {
      if (!f.post || !model.functions.has(f.name)) continue;
      for (const b of bindPoints(f.post)) {
        assert.ok(model.hasPoint(b.fn, b.point) || fixedReference(b.fn, b.point) !== undefined, `${b.fn}.${b.point}`);
      }
    }
  });

  it('learns from Ross\'s reply that dax_radix_entry() returns a locked entry', () => {
    const s = seed('000');
    const { patches, functions } = load(s.text, s.file);
    const helpers = helpersOf(patches, functions);
    assert.equal(helpers.get('dax_radix_entry')?.locked, true);
    assert.equal(helpers.get('dax_radix_entry')?.mailLine, lineOf(s.text, 'static inline void *dax_radix_entry(sector_t sector, unsigned long flags)'));
  });

  it('maps hunks to the scenarios that run their functions, and says what it does not run', () => {
    const s = seed('000');
    const { patches, functions } = load(s.text, s.file);
    const grabHunk = allHunks(patches).find((h) => h.function === 'grab_mapping_entry')!;
    const sc = scenariosForHunk(patches, grabHunk.id, functions);
    for (const n of ['pmd-downgrade', 'eexist-waiters', 'enomem-downgrade']) assert.ok(sc.includes(n), n);
    const cov = coverageOf(grabHunk, functions);
    assert.ok(cov.executed > 0);
    assert.ok(cov.notExecuted.length > 0 && cov.notExecuted.every((n) => n.detail));
    const pmd = allHunks(patches).find((h) => h.functions.includes('dax_pmd_load_hole'))!;
    const c2 = coverageOf(pmd, functions);
    assert.ok(c2.changed > 0);
  });

  it('finds no modelled function in an XFS or device-mapper patch', () => {
    for (const n of ['001', '003']) {
      const s = seed(n);
      const { patches, functions } = load(s.text, s.file);
      for (const h of allHunks(patches)) assert.deepEqual(scenariosForHunk(patches, h.id, functions), [], `seed ${n} hunk ${h.id}`);
    }
  });
});
