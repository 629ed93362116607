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
