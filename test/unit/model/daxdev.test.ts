// The dax_device part (drivers/dax/super.c and drivers/md of v4.16 with the v8 series, seed 003):
// every scenario exhaustively with its verdict, and the model's mechanisms it needs: calls
// through a function pointer (device-mapper's callout), definitions inside #if blocks, and
// kernel warnings after which the path goes on.
import { strict as assert } from 'node:assert';
import { buildScenario, SCENARIOS } from '../../../src/model/index';
import { explore } from '../../../src/check/index';
import type { Verdict } from '../../../src/check/types';
import { DAXDEV_ERA } from '../../../src/model/eras/daxdev/index';
import { eraFunctionNames, eraFunctionText } from '../../../src/model/core/era';
import { lowerC } from '../../../src/model/core/lower';

const BUDGET = { maxStates: 1_000_000, maxMs: 60_000 };
const run = (name: string): Verdict => explore(buildScenario(name), BUDGET);
const kinds = (v: Verdict): string[] => [...new Set(v.violations.map((x) => x.kind))].sort();
const DD = SCENARIOS.filter((s) => s.era === 'dax_device');

describe('model: dax_device claims (v4.16 with the v8 series)', function () {
  this.timeout(60_000);

  it('reads the functions inside #if IS_ENABLED(CONFIG_FS_DAX), from the first branch', () => {
    const names = eraFunctionNames(DAXDEV_ERA);
    for (const n of ['fs_dax_claim', 'fs_dax_claim_bdev', '__fs_dax_release', 'fs_dax_release']) assert.ok(names.has(n), n);
    assert.equal(eraFunctionText(DAXDEV_ERA, 'fs_dax_claim')?.path, 'drivers/dax/super.c');
  });

  for (const s of DD) {
    it(`${s.name}: ${s.expect ? `${s.expect.kind}, as v8 has it` : 'clean'}, searched to the end in under a second`, () => {
      const t = Date.now();
      const v = run(s.name);
      assert.ok(Date.now() - t < 1000, `${Date.now() - t} ms`);
      if (!s.expect) assert.equal(v.verdict, 'ok', v.violations.map((x) => x.message).join('; '));
      else assert.ok(kinds(v).includes(s.expect.kind), kinds(v).join());
    });
  }

  it('a conflicting owner is refused and its reference dropped; the same owner twice has the pgmap again', () => {
    assert.equal(run('dd-conflict').verdict, 'ok');
    assert.equal(run('dd-dm-owner-twice').verdict, 'ok');
  });

  it('a warning is reported and the path goes on: dm reports the claim whose member failed as claimed', () => {
    const v = run('dd-dm-member-taken');
    const x = v.violations.find((y) => y.kind === 'wrong-result')!;
    assert.match(x.message, /as claimed, but the pgmap of dax_device 3 is owner 9's \(after WARN_ON_ONCE\(\) fired\)/);
    assert.ok(x.trace.steps.length > 0);
  });

  it('a call through a function pointer calls the function it holds, and one it does not know is an assertion', () => {
    const src = `static int call_it(iterate_devices_callout_fn fn)
{
	return fn(NULL, NULL, 0, 0, NULL);
}`;
    const l = lowerC(src, DAXDEV_ERA.api, { file: 'test.c', known: eraFunctionNames(DAXDEV_ERA), strict: true, kernel: 'test' });
    assert.deepEqual(l.errors, []);
    const calls = l.funcs[0].code.filter((i) => i.k === 'call').map((i) => (i as { fn: string }).fn);
    assert.deepEqual(calls, ['dm_dax_dev_claim', 'dm_dax_dev_release']);
    assert.ok(l.funcs[0].code.some((i) => i.k === 'prim' && i.name === 'WARN_ON_ONCE'));
  });
});
