// A step of the model says which words of its successor may differ from the state it was
// taken from (the search compares only those): every word outside them must be unchanged,
// in every scenario, with and without the model's step reductions and with points that
// take the defective paths.
import { strict as assert } from 'node:assert';
import { buildScenario, listModel } from '../../../src/model/index';
import { Status, type Machine, type Transition } from '../../../src/model/machine';
import { DEFECT_VARIANTS } from './helpers';

const PER_SCENARIO = 500;

function changedOf(tr: Transition): readonly number[] | undefined {
  return (tr as Transition & { changed?: readonly number[] }).changed;
}

/** Breadth first over up to PER_SCENARIO states; returns the steps checked. */
function check(m: Machine): number {
  const seen = new Set<string>();
  const queue: Int32Array[] = [m.initial()];
  let steps = 0;
  for (let i = 0; i < queue.length && seen.size < PER_SCENARIO; i++) {
    const s = queue[i];
    for (let t = 0; t < m.threads.length; t++) {
      if (m.status(s, t) !== Status.Runnable) continue;
      for (const tr of m.successors(s, t)) {
        const spans = changedOf(tr);
        assert.ok(spans, `${m.name}: a step of ${m.threads[t].name} does not say what it changed`);
        for (let r = 2; r < spans.length; r += 2) assert.ok(spans[r] >= spans[r - 1], 'spans ascend without overlap');
        let r = 0;
        for (let j = 0; j < s.length; j++) {
          while (r < spans.length && j >= spans[r + 1]) r += 2;
          const inside = r < spans.length && j >= spans[r];
          if (!inside) assert.equal(tr.state[j], s[j], `${m.name}: ${m.threads[t].name} at "${tr.label}" changed word ${j}, outside ${spans.join(',')}`);
        }
        steps++;
        if (tr.fault) continue;
        const k = tr.state.join(',');
        if (!seen.has(k)) { seen.add(k); queue.push(tr.state.slice()); }
      }
    }
  }
  return steps;
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
