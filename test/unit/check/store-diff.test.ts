// The visited set stores a successor relative to its parent (the words that differ, or
// only those a step says it may have changed): the result must be exactly what storing
// the successor on its own gives, across chunks of the arena.
import { strict as assert } from 'node:assert';
import { StateStore } from '../../../src/check/store';
import { rng } from '../../support/rng';

describe('check/store: successors stored relative to their parents', () => {
  for (const hinted of [false, true]) {
    it(`agrees with storing each state on its own${hinted ? ', given the changed words' : ''}`, () => {
      const n = 200;
      const rand = rng(hinted ? 7 : 11);
      const rel = new StateStore();
      const own = new StateStore();
      const root = new Int32Array(n);
      for (let i = 0; i < n; i += 3) root[i] = (rand() % 5) - 2;
      assert.equal(rel.insert(root, -1, 0, -1, 0)[0], 0);
      assert.equal(own.insert(root, -1, 0, -1, 0)[0], 0);
      // Enough dense states to fill several chunks, the largest included.
      for (let k = 0; k < 12_000; k++) {
        const pid = rand() % rel.size;
        const parent = rel.get(pid);
        const child = parent.slice();
        // Changes inside [lo, hi): some words cleared, some set, some rewritten.
        const lo = rand() % n;
        const hi = Math.min(n, lo + 1 + (rand() % 40));
        const changes = 1 + (rand() % 6);
        for (let c = 0; c < changes; c++) {
          const j = lo + (rand() % (hi - lo));
          child[j] = rand() % 3 === 0 ? 0 : (rand() | 0) >> (rand() % 31);
        }
        if (k % 2 === 0) for (let i = 0; i < n; i += 2) if (child[i] === 0 && i >= lo && i < hi) child[i] = k;
        const spans = hinted ? [0, 1, lo, hi] : undefined;
        if (hinted) child[0] = parent[0];
        const a = rel.lookupFrom(child, pid, parent, spans);
        const b = own.lookup(child);
        assert.equal(a, b, `state ${k}: relative lookup ${a}, own lookup ${b}`);
        if (a < 0) {
          assert.equal(rel.add(pid, 0, 0, 0), own.add(pid, 0, 0, 0));
        }
      }
      assert.ok(rel.size > 5000, `only ${rel.size} distinct states`);
      for (let id = 0; id < rel.size; id += 37) assert.deepEqual([...rel.get(id)], [...own.get(id)]);
      assert.deepEqual([...rel.get(rel.size - 1)], [...own.get(rel.size - 1)]);
    });
  }
});
