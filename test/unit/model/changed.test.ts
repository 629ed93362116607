// A step of the model says which words of its successor may differ from the state it was
// taken from (the search compares only those): every word outside them must be unchanged,
// in every scenario, with and without the model's step reductions and with points that
// take the defective paths.
import { strict as assert } from 'node:assert';
import { buildScenario, listModel } from '../../../src/model/index';
import type { Machine } from '../../../src/model/machine';
import { assertChangedCovers, DEFECT_VARIANTS, eachState } from './helpers';

const PER_SCENARIO = 500;

/** Every step of the first PER_SCENARIO states; returns the steps checked. */
function check(m: Machine): number {
  return eachState(m, PER_SCENARIO, (s, steps) => steps.forEach((ts, t) => {
    for (const tr of ts ?? []) assertChangedCovers(s, tr, `${m.name}: ${m.threads[t].name} at "${tr.label}"`);
  }));
}

describe('model: the words a step may change', function () {
  this.timeout(20_000);
  const listing = listModel();
  for (const s of [...listing.scenarios, ...listing.knownDefects]) {
    it(`${s.name}: every word outside them is unchanged`, () => {
      assert.ok(check(buildScenario(s.name)) > 0);
      assert.ok(check(buildScenario(s.name, { reduce: false })) > 0);
    });
  }
  for (const [name, points] of DEFECT_VARIANTS) {
    it(`${name} with ${JSON.stringify(points)}: every word outside them is unchanged`, () => {
      assert.ok(check(buildScenario(name, { points })) > 0);
    });
  }
});
