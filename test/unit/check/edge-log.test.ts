// The livelock analysis's log of steps without progress keeps each edge as varint deltas:
// whatever the order and size of the ids, it gives back the edges logged, less those of a
// state that turned out to be an exit.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { EdgeLog } from '../../../src/check/explore';

describe('check/EdgeLog', () => {
  it('gives back every edge logged, but those of an exit, in order', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('edge' as const), from: fc.nat(5), to: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }),
      fc.record({ k: fc.constant('progress' as const), from: fc.nat(5) }),
      fc.record({ k: fc.constant('far' as const), from: fc.integer({ min: 0, max: 2 ** 30 }), to: fc.nat(3) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
      const log = new EdgeLog(4);
      // The reference: edges grouped by the run of one source, dropped when it becomes an exit.
      const kept: [number, number][] = [];
      let run: [number, number][] = [];
      let source = -1;
      const exits = new Set<number>();
      const close = (): void => { if (source >= 0 && !exits.has(source)) kept.push(...run); run = []; source = -1; };
      for (const o of ops) {
        if (o.k === 'progress') { log.add(o.from, o.from + 1, true); exits.add(o.from); continue; }
        if (o.from !== source) { close(); source = o.from; }
        run.push([o.from, o.to]);
        log.add(o.from, o.to, false);
      }
      close();
      log.flush();
      const got: [number, number][] = [];
      log.forEach((f, t) => got.push([f, t]));
      assert.deepEqual(got, kept);
      assert.equal(log.n, kept.length);
    }), { numRuns: 500 });
  });
});
