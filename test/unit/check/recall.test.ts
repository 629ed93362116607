// Functions of a state remembered by the blocks they read (src/check/recall.ts): a value is
// found again exactly on the states that agree with one it was computed on along its path,
// and a leaf remembered after a step is the leaf the tree gives the state the step reaches.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { Recall } from '../../../src/check/recall';
import { rng } from '../../support/rng';

/**
 * A deterministic function of a state of `nb` block numbers that reads blocks in an order
 * decided by the values read so far (like a thread's moves): which block it reads next, and
 * whether it stops, are hashes of what it has read. Returns the blocks it read and its value.
 */
function walk(ids: Int32Array, seed: number): { path: number[]; value: string } {
  const nb = ids.length;
  const path: number[] = [];
  let h = seed | 0;
  for (;;) {
    h = Math.imul(h ^ 0x5bd1e995, 0x9e3779b1) ^ (h >>> 13);
    const left = Array.from({ length: nb }, (_, b) => b).filter((b) => !path.includes(b));
    if (left.length === 0 || (path.length > 0 && ((h >>> 3) & 3) === 0)) break;
    const b = left[(h >>> 8) % left.length];
    path.push(b);
    h = (h + Math.imul(ids[b] + 1, 0x85ebca6b)) | 0;
  }
  return { path, value: `${seed}:${path.map((b) => `${b}=${ids[b]}`).join(',')}` };
}

/** The leaf of root r for ids, added from walk() when not known yet. */
function leafOf(rec: Recall<string>, r: number, ids: Int32Array): number {
  const f = rec.find(r, ids);
  if (f >= 0) return f;
  const { path, value } = walk(ids, r);
  return rec.add(r, path, ids, value);
}

const maskOf = (blocks: readonly number[]) => blocks.reduce((m, b) => m | (b < 31 ? 1 << b : -1), 0);

describe('check: remembered functions of a state', () => {
  it('finds a value exactly on the states that agree with its own along its path', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.array(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 40 }),
      (roots, states) => {
        const rec = new Recall<string>(roots);
        for (const s of states) {
          const ids = Int32Array.from(s);
          for (let r = 0; r < roots; r++) assert.equal(rec.values[leafOf(rec, r, ids)], walk(ids, r).value);
        }
      },
    ), { numRuns: 200 });
  });

  it('refuses a path that reads another block where a state agreeing on the blocks before read one', () => {
    const rec = new Recall<string>(1);
    rec.add(0, [1, 2], Int32Array.of(0, 5, 7), 'a');
    assert.throws(() => rec.add(0, [1, 0], Int32Array.of(0, 5, 8), 'b'), /depends on more than the state/);
  });

  it('a leaf remembered after a step is the leaf of every state that step reaches from that leaf', () => {
    // States of 4 blocks; a step is a set of blocks with their new numbers, numbered by
    // what it writes, so that it fixes them as a step of the search does.
    let hits = 0;
    fc.assert(fc.property(fc.integer(), fc.integer({ min: 1, max: 3 }), (seed, roots) => {
      const next32 = rng(seed);
      const rec = new Recall<string>(roots);
      const numbers = new Map<string, number>();
      for (let c = 0; c < 300; c++) {
        const ids = Int32Array.from({ length: 4 }, () => next32() & 1);
        const blocks = [next32() & 3];
        if (next32() & 1) blocks.push((blocks[0] + 1 + (next32() % 3)) & 3);
        const to = blocks.map(() => next32() & 1);
        const key = JSON.stringify([blocks, to]);
        if (!numbers.has(key)) numbers.set(key, numbers.size);
        const step = numbers.get(key)!;
        const next = ids.slice();
        blocks.forEach((b, k) => { next[b] = to[k]; });
        for (let r = 0; r < roots; r++) {
          const p = leafOf(rec, r, ids);
          const want = leafOf(rec, r, next);
          const q = rec.after(p, step);
          if (q >= 0) {
            hits++;
            assert.equal(q, want, `after step ${key} from ${rec.values[p]}: ${rec.values[q]}, where the tree gives ${rec.values[want]}`);
          } else rec.remember(p, step, maskOf(blocks), want);
        }
      }
    }), { numRuns: 100 });
    assert.ok(hits > 2000, `only ${hits} leaves were found after a step`);
  });

  it('remembers no leaf after a step when a mask cannot tell which blocks are fixed', () => {
    const rec = new Recall<string>(1);
    const ids = new Int32Array(40);
    const p = rec.add(0, [35], ids, 'p');
    rec.remember(p, 0, maskOf([36]), p);
    assert.equal(rec.after(p, 0), -1);
    rec.remember(p, 1, maskOf([3]), p);
    assert.equal(rec.after(p, 1), -1, 'leaf p reads block 35, which its mask cannot name');
    const small = new Recall<string>(1);
    const r = small.add(0, [2], ids, 'r');
    small.remember(r, 0, maskOf([3]), r);
    assert.equal(small.after(r, 0), r);
  });
});
