// States are stored as numbers of distinct blocks of words, cut every 32 words or where a
// machine's segments begin: every state stored must be found again, on its own (lookup) or
// by the block numbers and fingerprint a search derives from its parent's (findIds), and
// decoded word for word, whatever the number of distinct blocks (the tables of blocks grow
// on the way), a record taking one byte a block, two or four, as its blocks' numbers at their
// places need.
import { strict as assert } from 'node:assert';
import { Cut, StateStore } from '../../../src/check/store';
import { rng } from '../../support/rng';

describe('check/store: states stored as blocks', function () {
  this.timeout(20_000);
  const cases: [number, number[] | undefined][] = [[1, undefined], [31, undefined], [33, undefined], [65, undefined], [308, undefined],
    [100, [0, 12, 16, 20, 24, 40, 58, 99]], [308, [0, 12, 32, 76, 134, 192, 250]]];
  for (const [n, starts] of cases) {
    it(`agrees with a set of the states' words, ${n} words${starts ? `, cut at ${starts.join(' ')}` : ''}, found alone and from a parent`, () => {
      const rand = rng(n + (starts?.length ?? 0));
      const st = new StateStore(starts ? { n, starts } : undefined);
      const cut = st.cutOf(n);
      const seen = new Map<string, number>();
      const root = new Int32Array(n);
      st.insert(root, -1, 0, -1, 0);
      seen.set(root.join(), 0);
      const pids = new Int32Array(cut.blocks);
      const cids = new Int32Array(cut.blocks);
      for (let k = 0; k < 30_000; k++) {
        const pid = rand() % st.size;
        const parent = st.get(pid);
        const child = parent.slice();
        // A few words of one region, some of them set to values not seen before, so that
        // thousands of distinct blocks are made.
        const lo = rand() % n;
        for (let c = 1 + (rand() % 3); c > 0; c--) {
          const j = Math.min(n - 1, lo + (rand() % 8));
          child[j] = rand() % 3 === 0 ? 0 : rand() % 5 === 0 ? k : (rand() % 7) - 3;
        }
        let f: number;
        if (rand() % 2) {
          f = st.lookup(child);
        } else {
          // As a search does: the parent's numbers, the changed blocks' new numbers, the
          // fingerprint moved by what the changed blocks add.
          let h = st.idsOf(pid, pids);
          cids.set(pids);
          for (let b = 0; b < cut.blocks; b++) {
            const k2 = st.block(child, b);
            if (k2 === pids[b]) continue;
            cids[b] = k2;
            h = (h + st.hashOfBlock(k2) - st.hashOfBlock(pids[b])) | 0;
          }
          f = st.findIds(cids, n, h);
        }
        assert.equal(f, seen.get(child.join()) ?? -1, `state ${k}`);
        if (f < 0) {
          seen.set(child.join(), st.size);
          st.add(pid, 0, 0, 0);
        }
      }
      assert.ok(st.size > (n < 8 ? 100 : 10_000), `only ${st.size} distinct states`);
      const out = new Int32Array(cut.blocks);
      for (const [key, id] of seen) {
        assert.equal(st.get(id).join(), key);
        st.idsOf(id, out);
        assert.equal(st.decode(out, new Int32Array(n)).join(), key);
        assert.equal(st.lookup(Int32Array.from(key.split(','), Number)), id);
      }
    });
  }

  it('keeps states found when a place has more blocks than two bytes number: records of every width side by side', () => {
    const n = 40; // two blocks: words 0..31 and 32..39
    const st = new StateStore();
    const state = (k: number): Int32Array => { const s = new Int32Array(n); s[0] = k; s[33] = k % 3; return s; };
    const total = 70_000; // more distinct first blocks than 2^16: records of one, two and four bytes a block
    for (let k = 0; k < total; k++) assert.deepEqual(st.insert(state(k), -1, 0, 0, 0), [k, true]);
    assert.ok(st.blockCount > 1 << 16);
    const ids = new Int32Array(2);
    for (const k of [0, 1, 65_533, 65_534, 65_535, 65_536, 69_999]) {
      assert.equal(st.lookup(state(k)), k, `state ${k} found`);
      assert.deepEqual([...st.get(k)], [...state(k)]);
      // Found again from its numbers and its fingerprint, as a search derives them.
      const h = st.idsOf(k, ids);
      assert.equal(st.findIds(ids.slice(), n, h), k);
    }
    assert.equal(st.lookup(state(total)), -1);
  });

  it('cuts a state where its segments begin, and refuses segments that do not cut it', () => {
    const c = new Cut(10, [0, 3, 7]);
    assert.equal(c.blocks, 3);
    assert.deepEqual([...c.blockOf], [0, 0, 0, 1, 1, 1, 1, 2, 2, 2]);
    assert.deepEqual([...new Cut(70).start], [0, 32, 64, 70]);
    for (const bad of [[1, 3], [0, 3, 3], [0, 5, 2], [0, 10]]) assert.throws(() => new Cut(10, bad), /do not cut a state of 10 words/);
  });

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

describe('check/store: the per-state arrays', () => {
  it('keep depths past 65,535 (two bytes a depth until then) and sleep sets of more than 8 threads', () => {
    const st = new StateStore(undefined, 12);
    const s = new Int32Array(4);
    st.insert(s, -1, 0, 0, 0);
    for (let k = 1; k <= 70_000; k++) {
      s[0] = k;
      const [id, added] = st.insert(s, k - 1, k, k % 12, k % 2 ? 1 << 11 : 0);
      assert.ok(added);
      assert.equal(id, k);
    }
    assert.equal(st.depth[70_000], 70_000);
    assert.equal(st.depth[65_535], 65_535);
    assert.equal(st.sleep[69_999], 1 << 11);
    assert.equal(st.via[69_999], 69_999 % 12);
    assert.equal(st.parent[70_000], 69_999);
    s[0] = 65_536;
    assert.equal(st.lookup(s), 65_536, 'every state found again by its id');
  });
});
