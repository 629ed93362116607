// Long states are stored as numbers of distinct blocks of words: every state stored must be
// found again, relative to any parent or on its own, and decoded word for word, whatever
// the number of distinct blocks (the tables of blocks grow on the way) and whatever array
// it is decoded into (one that held another state gets only the blocks that differ).
import { strict as assert } from 'node:assert';
import { StateStore } from '../../../src/check/store';
import { rng } from '../../support/rng';

describe('check/store: states stored as blocks', () => {
  for (const n of [33, 64, 65, 100, 308]) {
    it(`agrees with a set of the states' words, ${n} words, across the growth of the block tables`, () => {
      const rand = rng(n);
      const st = new StateStore();
      const seen = new Map<string, number>();
      const root = new Int32Array(n);
      st.insert(root, -1, 0, -1, 0);
      seen.set(root.join(), 0);
      let reused = new Int32Array(n);
      const into = () => reused;
      for (let k = 0; k < 30_000; k++) {
        const pid = rand() % st.size;
        const parent = st.get(pid, into);
        const child = parent.slice();
        // A few words of one region, some of them set to values not seen before, so that
        // thousands of distinct blocks are made.
        const lo = rand() % n;
        for (let c = 1 + (rand() % 3); c > 0; c--) {
          const j = Math.min(n - 1, lo + (rand() % 8));
          child[j] = rand() % 3 === 0 ? 0 : rand() % 5 === 0 ? k : (rand() % 7) - 3;
        }
        const spans = rand() % 2 ? [lo, Math.min(n, lo + 8)] : undefined;
        const f = st.lookupFrom(child, pid, parent, spans);
        assert.equal(f, seen.get(child.join()) ?? -1, `state ${k}`);
        if (f < 0) {
          seen.set(child.join(), st.size);
          st.add(pid, 0, 0, 0);
        }
        if (k % 1000 === 0) reused = new Int32Array(n);
      }
      assert.ok(st.size > 10_000, `only ${st.size} distinct states`);
      for (const [key, id] of seen) {
        assert.equal(st.get(id).join(), key);
        assert.equal(st.get(id, into).join(), key);
        assert.equal(st.lookup(Int32Array.from(key.split(','), Number)), id);
      }
    });
  }

  it('keeps apart states of different lengths that share their leading blocks', () => {
    const st = new StateStore();
    const states = [40, 64, 65, 96, 40].map((n, i) => Int32Array.from({ length: n }, (_, j) => (j === n - 1 && i === 4 ? 9 : j % 5 === 0 ? j : 0)));
    states.forEach((s, i) => assert.deepEqual(st.insert(s, -1, 0, 0, 0), [i, true]));
    states.forEach((s, i) => {
      assert.equal(st.lookup(s), i);
      assert.deepEqual([...st.get(i)], [...s]);
    });
    // The 40-word state followed by zeros: its blocks are those of the 40-word state.
    const padded = new Int32Array(64);
    padded.set(states[0]);
    assert.equal(st.lookup(padded), -1);
    assert.equal(st.add(-1, 0, 0, 0), 5);
    assert.deepEqual([...st.get(5)], [...padded]);
    assert.deepEqual([...st.get(0)], [...states[0]]);
    assert.equal(st.lookup(states[0]), 0);
  });
});
