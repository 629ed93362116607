// A thread that can go round a loop for ever without finishing is a livelock, whatever the
// loop is written as (a `goto restart`, a for or while loop, a loop in a function called from
// one): every step that starts inside a loop is no progress, so the search's livelock analysis
// sees the cycle. A loop a thread leaves is no livelock.
import { strict as assert } from 'node:assert';
import { lowerC } from '../../../src/model/core/lower';
import { eraFunctionNames } from '../../../src/model/core/era';
import { RADIX_ERA } from '../../../src/model/eras/radix/index';
import { buildScenario } from '../../../src/model/index';
import { explore } from '../../../src/check/explore';

/** pmd-downgrade with the unlock of its first thread replaced by `body`. */
function withUnlock(body: string) {
  const src = `void dax_unlock_mapping_entry(struct address_space *mapping, pgoff_t index)\n{\n\tint x;\n\n${body}\n}`;
  const r = lowerC(src, RADIX_ERA.api, { file: 'test.c', known: eraFunctionNames(RADIX_ERA), strict: true, kernel: 'test' });
  assert.deepEqual(r.errors, []);
  return explore(buildScenario('pmd-downgrade', { overrides: { dax_unlock_mapping_entry: r.funcs[0] } }), { maxStates: 200_000, maxMs: 30_000 });
}

describe('model: loops that never end are livelocks', function () {
  this.timeout(60_000);

  for (const [what, body] of [
    ['a for (;;) loop taking and dropping the tree lock', '\tfor (;;) {\n\t\tspin_lock_irq(&mapping->tree_lock);\n\t\tspin_unlock_irq(&mapping->tree_lock);\n\t}'],
    ['a while loop on a condition that never changes', '\tx = 1;\n\twhile (x) {\n\t\tspin_lock_irq(&mapping->tree_lock);\n\t\tspin_unlock_irq(&mapping->tree_lock);\n\t}'],
  ] as const) {
    it(`${what}: livelock`, () => {
      const v = withUnlock(body);
      const x = v.violations.find((y) => y.kind === 'livelock');
      assert.ok(x, `${v.verdict}: ${v.violations.map((y) => y.kind).join(', ')}`);
      assert.match(x.message, /keeps retrying without progress; every schedule from step \d+ on stays in this cycle/);
    });
  }

  it('a loop the thread leaves: no livelock', () => {
    const v = withUnlock('\tfor (x = 0; x < 3; x++) {\n\t\tspin_lock_irq(&mapping->tree_lock);\n\t\tspin_unlock_irq(&mapping->tree_lock);\n\t}');
    assert.ok(!v.violations.some((y) => y.kind === 'livelock'), v.violations.map((y) => y.message).join('; '));
  });
});
