// Remembered steps (src/model/memo.ts): while a search reads no notes, the VM replays a step
// it has run before from any state that agrees with the first on every word the step read.
// A replay must be the step itself: the same successor words, changed words, footprint,
// fault and progress, so searches with and without it are the same search.
import { strict as assert } from 'node:assert';
import { explore } from '../../../src/check/explore';
import { Scratch } from '../../../src/check/store';
import type { DaxMachine } from '../../../src/model/dax-machine';
import { buildScenario, listModel } from '../../../src/model/index';
import type { Transition } from '../../../src/model/machine';
import { Recorder } from '../../../src/model/memo';
import { assertChangedCovers, DEFECT_VARIANTS, eachState } from './helpers';

const BUDGET = { maxStates: 1_000_000, maxMs: 120_000 };

const CASES: [string, Record<string, string | number | boolean>][] = [
  ...listModel().scenarios.map((s): [string, Record<string, never>] => [s.name, {}]),
  ...listModel().knownDefects.map((s): [string, Record<string, never>] => [s.name, {}]),
  ...DEFECT_VARIANTS,
];

/** What a search reads of a transition, and the words of its state (a replay says exactly
 *  which words it changed, a step run says a range around them: both must cover the change). */
function said(tr: Transition): unknown[] {
  return [tr.thread, tr.fn, tr.label, tr.choice, tr.footprint, tr.reads, tr.writes, tr.progress, tr.fault?.kind, tr.fault?.message, Array.from(tr.state).join(',')];
}

describe('model: remembered steps', function () {
  this.timeout(120_000);

  it('a word read before the step writes it is an input; every word written is an output', () => {
    const r = new Recorder(8);
    const s = new Int32Array([10, 11, 12, 13, 14, 15, 16, 17]);
    const v = r.begin(s);
    v[2] = v[1] + 1;
    v[3] = v[3] + v[2];
    v[2] = 0;
    assert.equal(v[2], 0);
    assert.deepEqual(r.inputs, [1, 3]);
    assert.deepEqual(r.outputs, [2, 3]);
    assert.deepEqual(Array.from(s), [10, 11, 0, 25, 14, 15, 16, 17]);
    const again = r.begin(new Int32Array(8));
    assert.equal(again[5], 0);
    assert.deepEqual(r.inputs, [5]);
    assert.deepEqual(r.outputs, []);
  });

  for (const [name, points] of CASES) {
    const how = Object.keys(points).length ? ` (${JSON.stringify(points)})` : '';
    it(`${name}${how}: the same search, violations and traces with steps replayed`, () => {
      const run = (rememberSteps: boolean) => explore(buildScenario(name, { points, rememberSteps }), BUDGET);
      const plain = run(false);
      const replayed = run(true);
      const shape = (v: typeof plain) => ({
        verdict: v.verdict, states: v.states, transitions: v.transitions,
        violations: v.violations.map((x) => [x.kind, x.message, x.trace.steps.map((st) => `${st.thread} ${st.label}: ${st.note}`)]),
      });
      assert.deepEqual(shape(replayed), shape(plain));
    });
  }

  for (const name of ['pmd-downgrade', 'hole-read-write', 'hzp-downgrade', 'fault-vs-invalidate-3', 'pmd-invalidate', 'enomem-downgrade']) {
    it(`${name}: from every state of a breadth-first search, each replayed step is the step run`, () => {
      const m = buildScenario(name);
      const ref = buildScenario(name, { rememberSteps: false });
      const scratch = new Scratch();
      // With an allocator installed the machine reads no notes: it remembers and replays.
      m.useAllocator!(scratch.alloc);
      let compared = 0;
      try {
        eachState(ref, 3000, (s, steps) => {
          scratch.reset();
          steps.forEach((ts, t) => {
            if (ts === null) return;
            const got = m.successors(s, t);
            assert.deepEqual(got.map(said), ts.map(said), `thread ${t}`);
            for (const tr of got) assertChangedCovers(s, tr, `thread ${t}`);
            compared += got.length;
          });
        });
      } finally {
        m.useAllocator!(null);
      }
      assert.ok(m.vm.remembered > 0 && m.vm.remembered < compared / 4, `${m.vm.remembered} steps remembered of ${compared} taken`);
    });
  }

  it('replays only while notes are not read: a trace step has its notes', () => {
    const m: DaxMachine = buildScenario('pmd-downgrade');
    const s = m.initial();
    const first = m.successors(s, 0)[0];
    assert.ok(first.note.length > 0);
    assert.equal(m.vm.remembered, 0);
  });
});
