// Short states are stored word for word rather than as a bitmap and their non-zero words:
// looked up on their own or relative to a parent, they must be found exactly as long ones
// are, and kept apart from long states with the same leading words.
import { strict as assert } from 'node:assert';
import { StateStore } from '../../../src/check/store';
import { rng } from '../../support/rng';

describe('check/store: short states', () => {
  for (const n of [1, 8, 31, 32, 33]) {
    it(`agrees with a set of the states' words, ${n} words, relative and on their own`, () => {
      const rand = rng(n);
      const rel = new StateStore();
      const own = new StateStore();
      const seen = new Map<string, number>();
      const root = new Int32Array(n);
      rel.insert(root, -1, 0, -1, 0);
      own.insert(root, -1, 0, -1, 0);
      seen.set(root.join(), 0);
      for (let k = 0; k < 20_000; k++) {
        const pid = rand() % rel.size;
        const parent = rel.get(pid);
        const child = parent.slice();
        const j = rand() % n;
        child[j] = rand() % 4 === 0 ? 0 : (rand() % 7) - 3;
        const a = rel.lookupFrom(child, pid, parent, rand() % 2 ? [j, j + 1] : undefined);
        const b = own.lookup(child);
        assert.equal(a, seen.get(child.join()) ?? -1);
        assert.equal(b, a);
        if (a < 0) {
          seen.set(child.join(), rel.size);
          assert.equal(rel.add(pid, 0, 0, 0), own.add(pid, 0, 0, 0));
        }
      }
      for (const [key, id] of seen) assert.equal(rel.get(id).join(), key);
    });
  }

  it('keeps a short state apart from a longer one that starts with the same words', () => {
    const st = new StateStore();
    const short = Int32Array.of(1, 2, 3);
    const long = new Int32Array(40);
    long.set(short);
    assert.deepEqual(st.insert(short, -1, 0, 0, 0), [0, true]);
    assert.deepEqual(st.insert(long, -1, 0, 0, 0), [1, true]);
    assert.equal(st.lookup(short), 0);
    assert.equal(st.lookup(long), 1);
    assert.deepEqual([...st.get(1)], [...long]);
  });
});
