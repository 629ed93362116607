// A thread's future (src/model/future.ts) holds everything the rest of its run touches: on
// every scenario, every step's footprint lies inside its thread's future at the step's
// source, and no step of any thread makes a future grow. Together they are what the
// persistent sets need: whatever the threads do, each one's steps stay inside the future
// the search was told.
import { strict as assert } from 'node:assert';
import { buildScenario, SCENARIOS } from '../../../src/model/index';
import { OBJ } from '../../../src/model/kernel/layout';
import { Status } from '../../../src/model/machine';
import { StateStore } from '../../../src/check/store';
import type { DaxMachine } from '../../../src/model/dax-machine';

/** States of each scenario checked, breadth first: enough to pass every step of most of them. */
const STATES = Number(process.env.FUTURE_STATES ?? 300);

const has = (xs: readonly number[], x: number): boolean => xs.includes(x);

/** What a scenario's futures get wrong over its first `limit` states, in words. */
function futureFaults(m: DaxMachine, limit: number): string[] {
  const out = new Set<string>();
  const store = new StateStore(undefined, m.threads.length);
  store.insert(m.initial(), -1, 0, 0, 0);
  for (let id = 0; id < store.size && id < limit; id++) {
    const s = store.get(id);
    const futures = m.threads.map((_x, t) => m.future(s, t));
    for (let t = 0; t < m.threads.length; t++) {
      if (m.status(s, t) !== Status.Runnable) continue;
      for (const tr of m.successors(s, t)) {
        const f = futures[t];
        for (const x of tr.reads) if (!has(f.reads, x)) out.add(`${tr.fn}: ${tr.label} reads object ${x} outside the future`);
        for (const x of tr.writes) if (!has(f.writes, x)) out.add(`${tr.fn}: ${tr.label} writes object ${x} outside the future`);
        m.threads.forEach((_x, u) => {
          const after = m.future(tr.state, u);
          const grown = [...after.reads.filter((x) => !has(futures[u].reads, x)), ...after.writes.filter((x) => !has(futures[u].writes, x))];
          if (grown.length) out.add(`T${t + 1}'s ${tr.fn}: ${tr.label} grows T${u + 1}'s future by ${grown.join(', ')}`);
        });
        if (tr.fault && tr.fault.code !== 'warn') continue;
        if (store.lookup(tr.state) < 0) store.add(id, store.depth[id] + 1, t, 0);
      }
    }
  }
  return [...out];
}

describe('model/future: what a thread may still touch', function () {
  this.timeout(300_000);

  it('holds every step each thread takes, and never grows, on every scenario', () => {
    const wrong: string[] = [];
    for (const sc of SCENARIOS) {
      for (const f of futureFaults(buildScenario(sc.name, {}) as DaxMachine, STATES)) wrong.push(`${sc.name}: ${f}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('is what the rest of the fault touches: its own block and PTE, and no tree lock once it is done with it', () => {
    const m = buildScenario('pmd-downgrade', {}) as DaxMachine;
    const s0 = m.initial();
    const block = (x: number) => OBJ.block(m.L.slot(x));
    const first = m.future(s0, 0);
    assert.ok(has(first.reads, block(0x202)) && !has(first.reads, block(0x203)), 'T1 reads only its own block');
    assert.ok(!has(first.writes, block(0x202)), 'a read fault allocates nothing');
    assert.ok(has(first.writes, OBJ.TREE_LOCK));
    // T1 alone, to its end: the tree lock leaves its future with its last critical section.
    let s = s0;
    let sawLockLeave = false;
    while (m.status(s, 0) === Status.Runnable) {
      s = m.successors(s, 0)[0].state;
      const f = m.future(s, 0);
      if (!has(f.writes, OBJ.TREE_LOCK)) sawLockLeave = true;
      else assert.ok(!sawLockLeave, 'the tree lock came back into the future');
    }
    assert.ok(sawLockLeave);
    assert.deepEqual(m.future(s, 0), { reads: [], writes: [] }, 'a thread that returned touches nothing more');
  });

  it('says what the invariants read, so a step writing a PTE or a slot is visible', () => {
    const m = buildScenario('pmd-downgrade', {}) as DaxMachine;
    const reads = m.invariantReads!;
    for (const x of [OBJ.PMD, OBJ.pte(m.L.slot(0x202)), OBJ.slot(m.L.slot(0x200)), OBJ.NREXCEPTIONAL]) assert.ok(has(reads, x));
    assert.ok(!has(reads, OBJ.queue(0)), 'no invariant reads a wait queue');
  });
});
