// canonical() is a true symmetry: identical threads can be renamed without changing futures.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { buildScenario } from '../../../src/model/index';
import { Status } from '../../../src/model/machine';
import type { DaxMachine } from '../../../src/model/dax-machine';

const key = (s: Int32Array): string => Array.from(s).join(',');

function classPerms(m: DaxMachine): number[][] {
  const n = m.threads.length;
  const out: number[][] = [];
  const rec = (p: number[], used: Set<number>): void => {
    if (p.length === n) { out.push(p.slice()); return; }
    const t = p.length;
    for (let u = 0; u < n; u++) {
      if (used.has(u) || m.threads[u].symmetryClass !== m.threads[t].symmetryClass) continue;
      used.add(u); p.push(u); rec(p, used); p.pop(); used.delete(u);
    }
  };
  rec([], new Set());
  return out;
}

function checkSymmetry(m: DaxMachine, schedule: number[]): void {
  const perms = classPerms(m);
  assert.ok(perms.length > 1, `${m.name} has identical threads`);
  let s = m.initial();
  for (const pick of schedule) {
    const c = key(m.canonical(s));
    for (const perm of perms) {
      const p = m.permute(s, perm);
      assert.equal(key(m.canonical(p)), c, 'canonical form is invariant under renaming');
      assert.deepEqual(m.invariants(p).map((f) => f.kind), m.invariants(s).map((f) => f.kind));
      for (let t = 0; t < m.threads.length; t++) {
        assert.equal(m.status(p, perm[t]), m.status(s, t), 'a renamed thread has the same status');
        const a = m.successors(s, t).map((x) => key(m.canonical(x.state))).sort();
        const b = m.successors(p, perm[t]).map((x) => key(m.canonical(x.state))).sort();
        assert.deepEqual(b, a, 'a renamed thread has the same successors up to renaming');
      }
    }
    const enabled = m.threads.map((_x, t) => t).filter((t) => m.status(s, t) === Status.Runnable);
    if (!enabled.length) break;
    const succ = m.successors(s, enabled[pick % enabled.length]);
    s = succ[Math.floor(pick / 7) % succ.length].state;
  }
}

describe('model symmetry', () => {
  for (const name of ['hole-read-write', 'fault-vs-invalidate-3', 'eexist-waiters']) {
    it(`${name}: canonical() and permuted threads agree along random schedules`, () => {
      const m = buildScenario(name);
      fc.assert(fc.property(fc.array(fc.nat(1000), { minLength: 10, maxLength: 50 }), (schedule) => checkSymmetry(m, schedule)), { numRuns: 12 });
    });
  }

  it('threads are identical only when they run the same program from the same start', () => {
    const m = buildScenario('eexist-waiters');
    assert.equal(m.threads[0].symmetryClass, m.threads[2].symmetryClass);
    assert.notEqual(m.threads[0].symmetryClass, m.threads[1].symmetryClass);
    const d = buildScenario('pmd-downgrade');
    assert.equal(new Set(d.threads.map((t) => t.symmetryClass)).size, 3);
  });
});
