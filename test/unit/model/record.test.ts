// Every step of a machine records what it touched in room the machine shares (StepRecord):
// a transition must keep its own footprint, notes, fault and changed words, whatever steps
// the machine takes after it. Each step is compared with the same step taken alone on a
// fresh machine.
import { strict as assert } from 'node:assert';
import { buildScenario, listModel } from '../../../src/model/index';
import { Status, type Transition } from '../../../src/model/machine';

const PER_SCENARIO = 150;

function changedOf(tr: Transition): readonly number[] | undefined {
  return (tr as Transition & { changed?: readonly number[] }).changed;
}

/** What a transition says besides its state, as one comparable value. */
function record(tr: Transition): unknown {
  return { reads: [...tr.reads], writes: [...tr.writes], note: tr.note, fault: tr.fault, progress: tr.progress, changed: changedOf(tr) && [...changedOf(tr)!] };
}

describe('model: transitions keep what their step recorded', function () {
  this.timeout(60000);
  for (const s of listModel().scenarios.slice(0, 6)) {
    it(`${s.name}: the steps of every thread, taken together, as each taken alone`, () => {
      const m = buildScenario(s.name);
      const queue: Int32Array[] = [m.initial()];
      const seen = new Set<string>();
      for (let i = 0; i < queue.length && seen.size < PER_SCENARIO; i++) {
        const st = queue[i];
        // Every thread's steps first, as the explorer takes them; read them afterwards.
        const all: [number, Transition[]][] = [];
        for (let t = 0; t < m.threads.length; t++) if (m.status(st, t) === Status.Runnable) all.push([t, m.successors(st, t)]);
        for (const [t, ts] of all) {
          const alone = buildScenario(s.name).successors(st, t);
          assert.equal(ts.length, alone.length);
          ts.forEach((tr, k) => {
            assert.deepEqual(record(tr), record(alone[k]), `${s.name}: ${m.threads[t].name} at "${tr.label}"`);
            assert.deepEqual(Array.from(tr.state), Array.from(alone[k].state));
            if (tr.fault) return;
            const key = tr.state.join(',');
            if (!seen.has(key)) { seen.add(key); queue.push(tr.state.slice()); }
          });
        }
      }
    });
  }
});
