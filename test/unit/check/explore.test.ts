import { strict as assert } from 'node:assert';
import { explore } from '../../../src/check/explore';
import { StateStore, hashState } from '../../../src/check/store';
import { Status, type Machine } from '../../../src/model/machine';
import * as toys from './toys';

const BUDGET = { maxStates: 1_000_000, maxMs: 10_000 };
const UNREDUCED = { reductions: { symmetry: false, sleepSets: false } };

describe('check/explore on toy machines', () => {
  it('finds the downgrade lost wakeup with a shortest trace naming the sleeper', () => {
    const v = explore(toys.downgrade(false), BUDGET);
    assert.equal(v.verdict, 'violation');
    assert.deepEqual(v.violations.map((x) => x.kind), ['lost-wakeup']);
    const w = v.violations[0];
    const steps = w.trace.steps;
    // Both waiters asleep, the holder unlocks and wakes one, the woken one finishes.
    assert.equal(steps.length, 8);
    assert.ok(w.threads && w.threads.length === 1);
    const sleeper = w.threads[0];
    const wakeOne = steps.findIndex((s) => s.thread === 0 && /woke 1 waiter on 0/.test(s.note));
    assert.ok(wakeOne > 0, 'the holder woke exactly one waiter');
    const slept = steps.findIndex((s) => s.thread === sleeper && /asleep on 0/.test(s.note));
    assert.ok(slept >= 0 && slept < wakeOne, 'the sleeper went to sleep before the single wake');
    assert.ok(!steps.slice(slept + 1).some((s) => s.thread === sleeper), 'the sleeper never runs again');
    assert.equal(w.trace.threads.length, 3);
    assert.equal(steps.at(-1)!.after!.waitqueues[0].waiters.length, 1);
  });

  it('wake-all is clean and exhaustive', () => {
    const v = explore(toys.downgrade(true, 3), BUDGET);
    assert.equal(v.verdict, 'ok');
    assert.equal(v.covered, undefined);
    assert.ok(v.states > 10);
  });

  it('reports a two-lock deadlock, classified by the explorer when the machine is silent', () => {
    for (const classify of [false, true]) {
      const v = explore(toys.twoLocks(classify), BUDGET);
      assert.equal(v.verdict, 'violation');
      assert.deepEqual(v.violations.map((x) => x.kind), ['deadlock']);
      assert.equal(v.violations[0].trace.steps.length, 2);
      assert.notEqual(v.violations[0].trace.steps[0].thread, v.violations[0].trace.steps[1].thread);
    }
  });

  it('reports a spin livelock only when no schedule escapes it', () => {
    const bad = explore(toys.spinner(true), BUDGET);
    const live = bad.violations.find((x) => x.kind === 'livelock');
    assert.ok(live, 'livelock found');
    assert.deepEqual(live.threads, [1]);
    // Holder takes the lock and leaves; the spinner retries forever.
    const last = live.trace.steps.at(-1)!;
    assert.equal(last.thread, 1);
    assert.match(last.note, /retry/);
    assert.ok(bad.violations.some((x) => x.kind === 'entry-left-locked'));
    const good = explore(toys.spinner(false), BUDGET);
    assert.equal(good.verdict, 'ok', JSON.stringify(good.violations.map((x) => x.message)));
  });

  it('reports every distinct kind, each with its own shortest trace, and stops at the first when asked', () => {
    const all = explore(toys.spinner(true), BUDGET);
    assert.deepEqual(all.violations.map((x) => x.kind).sort(), ['deadlock', 'entry-left-locked', 'livelock']);
    const lengths = all.violations.map((x) => x.trace.steps.length);
    assert.deepEqual(lengths, [...lengths].sort((a, b) => a - b));
    const first = explore(toys.spinner(true), BUDGET, { stopAtFirst: true });
    assert.equal(first.violations.length, 1);
    assert.equal(first.violations[0].trace.steps.length, Math.min(...lengths));
  });

  it('reports step faults with the faulty step last', () => {
    const m = new toys.ToyMachine({
      name: 'toy-imbalance', vars: ['A'], holders: ['A'],
      threads: [
        { name: 'T1', cls: 0, prog: [toys.lock('A'), toys.unlock('A')] },
        { name: 'T2', cls: 1, prog: [toys.local('x = 1'), toys.unlock('A')] },
      ],
    });
    const v = explore(m, BUDGET);
    const f = v.violations.find((x) => x.kind === 'lock-imbalance');
    assert.ok(f);
    assert.equal(f.trace.steps.length, 2);
    assert.equal(f.trace.steps.at(-1)!.thread, 1);
    assert.match(f.trace.steps.at(-1)!.label, /mutex_unlock/);
  });

  it('checks invariants on every state and keeps exploring past them', () => {
    const m = new toys.ToyMachine({
      name: 'toy-invariant', vars: ['x', 'y'],
      threads: [
        { name: 'T1', cls: 0, prog: [toys.set('x', 1), toys.set('x', 0)] },
        { name: 'T2', cls: 1, prog: [toys.set('y', 1)] },
      ],
      invariants: (s, mm) => (s[mm.v('x')] === 1 && s[mm.v('y')] === 1 ? [{ kind: 'overlap', message: 'x and y both set' }] : []),
    });
    const v = explore(m, BUDGET);
    assert.deepEqual(v.violations.map((x) => x.kind), ['overlap']);
    assert.equal(v.violations[0].trace.steps.length, 2);
    assert.equal(v.states, explore(m, BUDGET, UNREDUCED).states);
  });

  it('explores branching choices and names them in the trace', () => {
    const m = new toys.ToyMachine({
      name: 'toy-choice', vars: ['A'], holders: ['A'],
      threads: [{ name: 'T1', cls: 0, prog: [toys.lock('A'), toys.choose('radix_tree_preload() fails', [2, 3]), toys.unlock('A')] }],
    });
    const v = explore(m, BUDGET);
    assert.deepEqual(v.violations.map((x) => x.kind), ['entry-left-locked']);
    assert.match(v.violations[0].trace.steps[1].choice ?? '', /preload\(\) fails: 1/);
  });

  it('symmetry folds identical threads; sleep sets keep every state and cut transitions', () => {
    const m = toys.downgrade(true, 3);
    const full = explore(m, BUDGET, UNREDUCED);
    const sym = explore(m, BUDGET, { reductions: { sleepSets: false } });
    const sleep = explore(m, BUDGET, { reductions: { symmetry: false } });
    assert.deepEqual(sym.reductions, ['symmetry']);
    assert.deepEqual(sleep.reductions, ['sleep-sets']);
    assert.ok(sym.states < full.states, `${sym.states} < ${full.states}`);
    assert.equal(sleep.states, full.states);
    assert.ok(sleep.transitions < full.transitions);
    const c = explore(toys.counters(3, 4), BUDGET);
    assert.equal(c.states, 125);
    assert.equal(c.transitions, 124, 'independent counters: sleep sets explore a spanning tree');
  });

  it('says bounded, never ok, when the state budget runs out', () => {
    const v = explore(toys.counters(4, 6), { maxStates: 100, maxMs: 10_000 });
    assert.equal(v.verdict, 'bounded');
    assert.equal(v.covered?.reason, 'states');
    assert.ok(v.covered!.frontier > 0);
    assert.ok(v.covered!.depth >= 1);
    assert.ok(v.states <= 100);
  });

  it('says bounded when the time budget runs out or the search is cancelled', () => {
    const timed = explore(toys.counters(6, 6), { maxStates: 1e9, maxMs: 5 });
    assert.equal(timed.verdict, 'bounded');
    assert.equal(timed.covered?.reason, 'ms');
    let polls = 0;
    const progress: number[] = [];
    const cancelled = explore(toys.counters(6, 6), { maxStates: 1e9, maxMs: 60_000 }, {
      shouldStop: () => ++polls > 3,
      onProgress: (p) => progress.push(p.states),
      progressMs: 0,
    });
    assert.equal(cancelled.verdict, 'bounded');
    assert.equal(cancelled.covered?.reason, 'cancelled');
    assert.ok(progress.length >= 1);
  });

  it('a violation found before the budget runs out is still reported', () => {
    const first = explore(toys.downgrade(false, 3), BUDGET, { stopAtFirst: true });
    const v = explore(toys.downgrade(false, 3), { maxStates: first.states + 1, maxMs: 10_000 });
    assert.equal(v.verdict, 'violation');
    assert.equal(v.covered?.reason, 'states');
  });

  it('the verdict is serialisable as is', () => {
    const v = explore(toys.downgrade(false), BUDGET);
    assert.deepEqual(JSON.parse(JSON.stringify(v)), v);
    assert.deepEqual(structuredClone(v), v);
  });

  it('refuses a machine whose successors are not deterministic', () => {
    const base = new toys.ToyMachine({
      name: 'toy-flaky', vars: ['A', 'junk'], holders: ['A'],
      threads: [
        { name: 'T1', cls: 0, prog: [toys.lock('A'), toys.unlock('A')] },
        { name: 'T2', cls: 1, prog: [toys.local('x = 1'), toys.unlock('A')] },
      ],
    });
    let calls = 0;
    const flaky: Machine = Object.create(base) as Machine;
    flaky.successors = (s, t) => base.successors(s, t).map((tr) => {
      tr.state[base.v('junk')] = ++calls;
      return tr;
    });
    assert.throws(() => explore(flaky, BUDGET), /not deterministic/);
  });
});

describe('check/explore refuses broken machines', () => {
  it('a runnable thread without a step is a model error, not a silent pass', () => {
    const base = toys.twoLocks();
    const broken: Machine = Object.create(base) as Machine;
    broken.successors = (s, t) => (t === 1 ? [] : base.successors(s, t));
    assert.throws(() => explore(broken, BUDGET), /T2: b then a is runnable but has no step/);
  });
});

describe('check/store', () => {
  it('finds every inserted state, and only those, across growth', () => {
    const st = new StateStore();
    const mk = (i: number) => Int32Array.of(i % 7, i, 0, -i, 0, 0, i * 31, ...new Array(40).fill(0), i & 1);
    for (let i = 0; i < 50_000; i++) {
      assert.equal(st.lookup(mk(i)), -1);
      assert.equal(st.add(i - 1, 0, 0, 0), i);
    }
    for (let i = 0; i < 50_000; i += 997) assert.equal(st.lookup(mk(i)), i);
    assert.deepEqual([...st.get(1234)], [...mk(1234)]);
    assert.deepEqual([...st.get(0)], [...mk(0)]);
  });

  it('keeps states of different lengths and negative words apart', () => {
    const st = new StateStore();
    const states = [Int32Array.of(), Int32Array.of(0), Int32Array.of(0, 0), Int32Array.of(-1), Int32Array.of(0, -2147483648), Int32Array.from({ length: 70 }, (_, i) => (i % 3 ? 0 : i - 35))];
    states.forEach((s, i) => assert.deepEqual(st.insert(s, -1, 0, 0, 0), [i, true]));
    states.forEach((s, i) => { assert.equal(st.lookup(s), i); assert.deepEqual([...st.get(i)], [...s]); });
  });

  it('fingerprints are murmur3 over the words and differ for permuted states', () => {
    assert.notEqual(hashState(Int32Array.of(1, 2)), hashState(Int32Array.of(2, 1)));
    assert.equal(hashState(Int32Array.of(5, 6)), hashState(Int32Array.of(5, 6)));
  });

  it('Status is a plain runtime value for the explorer', () => {
    assert.equal(Status.Runnable, 0);
  });
});
