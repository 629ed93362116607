// Driving machines in tests: single-threaded runs and a small exhaustive walk.
import { strict as assert } from 'node:assert';
import { referenceFunctions } from '../../../src/model/index';
import { lowerC } from '../../../src/model/core/lower';
import { eraFunctionNames } from '../../../src/model/core/era';
import { RADIX_ERA } from '../../../src/model/eras/radix/index';
import { DaxMachine } from '../../../src/model/dax-machine';
import type { Func, PointValue } from '../../../src/model/ir';
import { Status, type Fault, type Machine, type Transition } from '../../../src/model/machine';
import type { ScenarioSpec } from '../../../src/model/scenarios';
import { link } from '../../../src/model/index';
import { G, SLOT, THREAD, PAGE } from '../../../src/model/kernel/layout';

export function machine(spec: Omit<ScenarioSpec, 'description'>, points: Record<string, PointValue> = {}, extra: Func[] = []): DaxMachine {
  return new DaxMachine({ description: spec.name, ...spec }, link([...referenceFunctions(points), ...extra]));
}

/** One C function lowered with the radix era's API, its calls resolved against the era's functions. */
export function cfn(src: string): Func {
  const r = lowerC(src, RADIX_ERA.api, { file: 'test.c', known: eraFunctionNames(RADIX_ERA), strict: true, kernel: 'test' });
  if (r.errors.length || r.funcs.length !== 1) throw new Error(`test C does not lower: ${r.errors.map((e) => e.why).join('; ')}`);
  return r.funcs[0];
}

/** Runs the threads one after the other, each to the end, taking the first outcome of every
 *  choice. Returns the final state and the steps; fails on any step fault. */
export function runSolo(m: DaxMachine, order: number[] = m.threads.map((_t, i) => i)): { state: Int32Array; steps: Transition[] } {
  let s = m.initial();
  const steps: Transition[] = [];
  for (const t of order) {
    for (let n = 0; m.status(s, t) !== Status.Done; n++) {
      assert.ok(n < 500, `${m.threads[t].name} does not finish`);
      assert.equal(m.status(s, t), Status.Runnable, `${m.threads[t].name} blocked at ${m.vm.at(s, t)}`);
      const [tr] = m.successors(s, t);
      assert.equal(tr.fault, undefined, `step fault: ${tr.fault?.message}`);
      for (const f of m.invariants(tr.state)) assert.fail(`invariant: ${f.message}`);
      steps.push(tr);
      s = tr.state;
    }
  }
  return { state: s, steps };
}

export interface Walk { states: number; faults: Fault[] }

/** Every reachable state, breadth first, with the faults of states and steps. */
export function walk(m: DaxMachine, max = 200_000): Walk {
  const key = (s: Int32Array): string => Buffer.from(s.buffer, s.byteOffset, s.byteLength).toString('latin1');
  const s0 = m.canonical(m.initial());
  const seen = new Set<string>([key(s0)]);
  let frontier = [s0];
  const faults: Fault[] = [];
  while (frontier.length) {
    const next: Int32Array[] = [];
    for (const s of frontier) {
      faults.push(...m.invariants(s));
      let moved = false;
      for (let t = 0; t < m.threads.length; t++) {
        if (m.status(s, t) !== Status.Runnable) continue;
        for (const tr of m.successors(s, t)) {
          moved = true;
          if (tr.fault) faults.push(tr.fault);
          const c = m.canonical(tr.state);
          const k = key(c);
          if (!seen.has(k)) { seen.add(k); next.push(c); }
        }
      }
      if (!moved) faults.push(...m.quiescent(s));
      assert.ok(seen.size <= max, 'state budget exceeded');
    }
    frontier = next;
  }
  return { states: seen.size, faults };
}

/** Readers of the packed state. */
export const read = {
  entry: (m: DaxMachine, s: Int32Array, index: number): number => s[m.L.slotWord(m.L.slot(index), SLOT.ENTRY)],
  tags: (m: DaxMachine, s: Int32Array, index: number): number => s[m.L.slotWord(m.L.slot(index), SLOT.TAGS)],
  pte: (m: DaxMachine, s: Int32Array, index: number): number => s[m.L.slotWord(m.L.slot(index), SLOT.PTE)],
  retval: (m: DaxMachine, s: Int32Array, t: number): number => s[m.L.thread(t) + THREAD.RETVAL],
  global: (s: Int32Array, g: keyof typeof G): number => s[G[g]],
  page: (m: DaxMachine, s: Int32Array, p: number, f: keyof typeof PAGE): number => s[m.L.pageWord(p, PAGE[f])],
};

/** The defects of the acceptance tests as variation-point settings of their scenarios. */
export const DEFECT_VARIANTS: [string, Record<string, PointValue>][] = [
  ['pmd-downgrade', { 'grab_mapping_entry.downgrade_wake_all': false }],
  ['enomem-downgrade', { 'grab_mapping_entry.preload_fail': 'return' }],
  ['eexist-waiters', { 'grab_mapping_entry.eexist_put': false }],
];

/**
 * The first `limit` states of a machine, breadth first over real states (no canonical form):
 * per state, every thread's steps are taken first, as the explorer takes them (null for a
 * thread that cannot run), then `visit` reads them; successors without a fault are queued.
 * Returns the steps taken.
 */
export function eachState(m: Machine, limit: number, visit: (s: Int32Array, steps: (Transition[] | null)[]) => void): number {
  const seen = new Set<string>();
  const queue: Int32Array[] = [m.initial()];
  let taken = 0;
  for (let i = 0; i < queue.length && seen.size < limit; i++) {
    const s = queue[i];
    const steps = m.threads.map((_, t) => (m.status(s, t) === Status.Runnable ? m.successors(s, t) : null));
    visit(s, steps);
    for (const ts of steps) {
      for (const tr of ts ?? []) {
        taken++;
        if (tr.fault) continue;
        const k = tr.state.join(',');
        if (!seen.has(k)) { seen.add(k); queue.push(tr.state.slice()); }
      }
    }
  }
  return taken;
}
