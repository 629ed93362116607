// Written data and fsync (property data-integrity): data written through a shared DAX mapping
// is in CPU caches until writeback flushes it, and the DIRTY mark of its entry is how writeback
// finds it. An fsync that returns success has flushed what was written before it began; data
// left unflushed at the end is in an entry marked DIRTY.
import { strict as assert } from 'node:assert';
import { buildScenario, type PointValue } from '../../../src/model/index';
import { explore } from '../../../src/check/index';
import type { Verdict } from '../../../src/check/types';

const BUDGET = { maxStates: 1_000_000, maxMs: 60_000 };
const run = (name: string, version: string, points: Record<string, PointValue> = {}): Verdict => explore(buildScenario(name, { version, points }), BUDGET);
const kinds = (v: Verdict): string => v.violations.map((x) => `${x.kind}: ${x.message}`).join('; ');

describe('model: written data and fsync', function () {
  this.timeout(60_000);

  for (const version of ['v5.12', 'v6.12', 'v6.15', 'v6.12+zap']) {
    it(`${version}: an fsync beside a write fault flushes what was written before it and leaves the fault's write marked`, () => {
      const v = run('xa-fsync-vs-fault', version);
      assert.equal(v.verdict, 'ok', kinds(v));
    });

    it(`${version}: an fsync that meets the entry locked by a write fault skips it and returns with its data unflushed; waiting flushes it`, () => {
      const v = run('xa-writeback-vs-fault', version);
      const x = v.violations.find((y) => y.kind === 'wrong-result');
      assert.ok(x, kinds(v));
      assert.match(x.message, /writeback of the file returned success with the data written to 0x203 before it began still not flushed/);
      assert.ok(x.trace.steps.some((st) => st.thread === 1 && /LOCKED/.test(st.note)), 'the fault holds the entry when the writeback passes');
      assert.equal(run('xa-writeback-vs-fault', version, { 'dax_writeback_one.locked_entry': 'wait' }).verdict, 'ok');
    });
  }
});
