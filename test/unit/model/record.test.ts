// Every step of a machine records what it touched in room the machine shares (StepRecord):
// a transition must keep its own footprint, notes and fault, whatever steps
// the machine takes after it. Each step is compared with the same step taken alone on a
// fresh machine.
import { strict as assert } from 'node:assert';
import { buildScenario, listModel } from '../../../src/model/index';
import type { Transition } from '../../../src/model/machine';
import { eachState } from './helpers';

const PER_SCENARIO = 150;

/** What a transition says besides its state, as one comparable value. */
function record(tr: Transition): unknown {
  return { reads: [...tr.reads], writes: [...tr.writes], note: tr.note, fault: tr.fault, progress: tr.progress };
}

describe('model: transitions keep what their step recorded', function () {
  this.timeout(60000);
  for (const s of listModel().scenarios.slice(0, 6)) {
    it(`${s.name}: the steps of every thread, taken together, as each taken alone`, () => {
      const m = buildScenario(s.name);
      // eachState takes every thread's steps first, as the explorer does, and reads them after.
      eachState(m, PER_SCENARIO, (st, steps) => steps.forEach((ts, t) => {
        if (!ts) return;
        const alone = buildScenario(s.name).successors(st, t);
        assert.equal(ts.length, alone.length);
        ts.forEach((tr, k) => {
          assert.deepEqual(record(tr), record(alone[k]), `${s.name}: ${m.threads[t].name} at "${tr.label}"`);
          assert.deepEqual(Array.from(tr.state), Array.from(alone[k].state));
        });
      }));
    });
  }
});

describe('model: footprint numbers', function () {
  this.timeout(60000);
  it('are equal for two steps of one machine exactly when their reads and writes are', () => {
    for (const s of listModel().scenarios) {
      const m = buildScenario(s.name);
      const byNumber = new Map<number, string>();
      const byIds = new Map<string, number>();
      eachState(m, 300, (_st, steps) => steps.forEach((ts) => ts?.forEach((tr) => {
        assert.equal(typeof tr.footprint, 'number', `${s.name}: "${tr.label}" has no footprint number`);
        const ids = JSON.stringify([tr.reads, tr.writes]);
        const f = tr.footprint!;
        assert.equal(byNumber.get(f) ?? ids, ids, `${s.name}: footprint ${f} names two footprints`);
        assert.equal(byIds.get(ids) ?? f, f, `${s.name}: footprint ${ids} has two numbers`);
        byNumber.set(f, ids);
        byIds.set(ids, f);
      })));
      assert.ok(byNumber.size > 1, `${s.name}: one footprint only`);
    }
  });
});
