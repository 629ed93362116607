// The explorer's sleep sets keep the step a sleeping thread had where it fell asleep: a step
// independent of another thread's (no write of one meets a read or a write of the other)
// must be the same step after it, with the same footprint, branches and outcome.
import { strict as assert } from 'node:assert';
import { buildScenario, listModel } from '../../../src/model/index';
import { Status, type Machine, type Transition } from '../../../src/model/machine';
import { eachState } from './helpers';

const PER_SCENARIO = 300;

const meets = (p: readonly number[], q: readonly number[]): boolean => p.some((x) => q.includes(x));
const conflict = (a: Transition, b: Transition): boolean =>
  meets(a.writes, b.reads) || meets(a.writes, b.writes) || meets(b.writes, a.reads);
const shape = (ts: Transition[]): string =>
  JSON.stringify(ts.map((x) => [[...x.reads].sort(), [...x.writes].sort(), x.progress, x.fault?.kind, x.fn, x.label, x.choice]));

/** The first PER_SCENARIO states; returns the pairs of independent steps checked. */
function check(m: Machine): number {
  let pairs = 0;
  eachState(m, PER_SCENARIO, (_s, steps) => steps.forEach((ts, t) => {
    if (!ts) return;
    steps.forEach((us, u) => {
      if (u === t || !us || ts.some((a) => us.some((b) => conflict(a, b)))) return;
      for (const tr of ts) {
        if (tr.fault) continue;
        assert.equal(m.status(tr.state, u), Status.Runnable, `${m.name}: ${m.threads[t].name} at "${tr.label}" disables ${m.threads[u].name}`);
        assert.equal(shape(m.successors(tr.state, u)), shape(us), `${m.name}: ${m.threads[t].name} at "${tr.label}" changes the step of ${m.threads[u].name}`);
        pairs++;
      }
    });
  }));
  return pairs;
}

describe('model: independent steps leave each other unchanged', function () {
  this.timeout(20_000);
  const listing = listModel();
  for (const s of [...listing.scenarios, ...listing.knownDefects]) {
    it(`${s.name}`, () => {
      const pairs = check(buildScenario(s.name));
      // A scenario of one thread has no pair of steps to compare.
      if (s.threads.length > 1) assert.ok(pairs > 0, 'some independent steps');
    });
  }
  it('pmd-downgrade, the model\'s step reductions off', () => {
    assert.ok(check(buildScenario('pmd-downgrade', { reduce: false })) > 0);
  });
});
