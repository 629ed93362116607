// Remembered steps (src/model/memo.ts) and moves (VM.moves): the VM finds a step it has run
// before from any state that agrees with the first on every word the step read, and says
// which words decided a thread's moves. A step found must be the step itself (the same
// successor words, footprint, fault and progress), and two states that agree on the words
// that decided a thread's moves must give it the same moves, so that searches which find
// moves by those words are the same search as one that runs every step.
import { strict as assert } from 'node:assert';
import { explore } from '../../../src/check/explore';
import type { DaxMachine } from '../../../src/model/dax-machine';
import { buildScenario, listModel } from '../../../src/model/index';
import { Status, type Moves, type Transition } from '../../../src/model/machine';
import { Recorder } from '../../../src/model/memo';
import { DEFECT_VARIANTS, eachState } from './helpers';

const BUDGET = { maxStates: 1_000_000, maxMs: 120_000 };

const CASES: [string, Record<string, string | number | boolean>][] = [
  ...listModel().scenarios.map((s): [string, Record<string, never>] => [s.name, {}]),
  ...listModel().knownDefects.map((s): [string, Record<string, never>] => [s.name, {}]),
  ...DEFECT_VARIANTS,
];

/** What a search reads of a step: the successor's words, footprint, progress, fault, choice. */
function said(s: Int32Array, tr: Transition): unknown[] {
  return [Array.from(tr.state).join(','), tr.reads, tr.writes, tr.progress, tr.fault?.kind, tr.fault?.message, tr.choice];
}

function saidOf(s: Int32Array, m: Moves): unknown[][] {
  return m.steps.map((mv) => {
    const next = s.slice();
    mv.at.forEach((i, k) => { next[i] = mv.val[k]; });
    return [Array.from(next).join(','), mv.reads, mv.writes, mv.progress, mv.fault?.kind, mv.fault?.message, mv.choice];
  });
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
    it(`${name}${how}: the same search, violations and traces with steps remembered`, () => {
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
    it(`${name}: from every state of a breadth-first search, moves are the steps run, and the words that decide them decide them`, () => {
      const m = buildScenario(name);
      const ref = buildScenario(name, { rememberSteps: false });
      let compared = 0;
      /** Per thread, the moves met by the values of the words that decided them. */
      const byWords = m.threads.map(() => new Map<string, string>());
      eachState(ref, 3000, (s, steps) => {
        steps.forEach((ts, t) => {
          const mv = m.moves(s, t);
          assert.equal(mv.status, ref.status(s, t), `thread ${t}`);
          assert.equal(new Set(mv.decidedBy).size, mv.decidedBy.length, 'each word once');
          const got = saidOf(s, mv);
          assert.deepEqual(got, (ts ?? []).map((tr) => said(s, tr)), `thread ${t}`);
          compared += got.length;
          // Another state with the same values there must have had the same moves.
          const key = mv.decidedBy.map((i) => `${i}=${s[i]}`).join(' ');
          const what = JSON.stringify([mv.status, mv.steps.map((x) => [Array.from(x.at), Array.from(x.val), x.reads, x.writes, x.fault?.kind])]);
          const before = byWords[t].get(key);
          if (before !== undefined) assert.equal(what, before, `thread ${t}: two states agree on ${key} but move differently`);
          byWords[t].set(key, what);
        });
      });
      assert.ok(m.vm.remembered > 0 && m.vm.remembered < compared / 4, `${m.vm.remembered} steps remembered of ${compared} taken`);
      assert.ok(byWords.some((x) => x.size < 3000), 'some states share the words that decide a thread');
    });
  }

  it('decides by every word a step reads otherwise than word by word', () => {
    const r = new Recorder(4);
    const v = r.begin(Int32Array.of(1, 2, 3, 4));
    assert.equal(v.length, 4);
    assert.equal(r.whole, false);
    v.slice(0, 2);
    assert.equal(r.whole, true);
    r.begin(new Int32Array(4));
    assert.equal(r.whole, false);
  });

  it('steps taken for a trace are run with their notes, and not remembered', () => {
    const m: DaxMachine = buildScenario('pmd-downgrade');
    const s = m.initial();
    const first = m.successors(s, 0)[0];
    assert.ok(first.note.length > 0);
    assert.equal(m.vm.remembered, 0);
    assert.equal(m.moves(s, 0).status, Status.Runnable);
    assert.equal(m.vm.remembered, 1);
  });
});
