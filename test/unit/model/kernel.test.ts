import { strict as assert } from 'node:assert';
import { K } from '../../../src/model/objects/constants';
import { G, Layout, QUEUE, SLOT, THREAD } from '../../../src/model/kernel/layout';
import { PRIMS } from '../../../src/model/objects/index';
import { TASK_RUNNING, TASK_UNINTERRUPTIBLE, TASK_WOKEN } from '../../../src/model/objects/waittable/index';
import { Step } from '../../../src/model/kernel/step';

const L = new Layout([0x200, 0x203, 0x204], 2, 1, 3, 8);
const fresh = (): Int32Array => new Int32Array(L.size);
const call = (s: Int32Array, t: number, name: string, args: number[], choice = 0): { v: number; w: Step } => {
  const w = new Step(L, s, t, (u) => `T${u + 1}`);
  const v = PRIMS[name].run(w, args, choice);
  return { v, w };
};
const entry = (s: Int32Array, index: number): number => s[L.slotWord(L.slot(index), SLOT.ENTRY)];
const pte = (sector: number, flags = 0): number => K.RADIX_TREE_EXCEPTIONAL_ENTRY | flags | (sector << K.RADIX_DAX_SHIFT);

describe('model kernel primitives', () => {
  it('mapping->tree_lock: double lock, unlock of an unheld lock, spinning while another holds it', () => {
    const s = fresh();
    assert.equal(call(s, 0, 'spin_lock_irq', [1]).w.fault, undefined);
    assert.equal(s[G.TREE_LOCK], 1);
    assert.equal(call(s, 0, 'spin_lock_irq', [1]).w.fault?.kind, 'lock-imbalance');
    assert.ok(PRIMS.spin_lock_irq.blocked!(new Step(L, s, 1, String), [1]), 'T2 spins');
    assert.equal(call(s, 1, 'spin_unlock_irq', [1]).w.fault?.kind, 'lock-imbalance');
    assert.equal(call(s, 0, 'spin_unlock_irq', [1]).w.fault, undefined);
    assert.equal(s[G.TREE_LOCK], 0);
  });

  it('multi-order entries: a PMD entry covers its 512 indexes; insert fails -EEXIST on any taken slot of the range', () => {
    const s = fresh();
    s[G.TREE_LOCK] = 1;
    assert.equal(call(s, 0, '__radix_tree_insert', [0x203, 0, pte(7)]).v, 0);
    // PMD insert over a range holding a PTE entry at another index
    assert.equal(call(s, 0, '__radix_tree_insert', [0x200, 9, pte(0, K.RADIX_DAX_PMD)]).v, -K.EEXIST);
    assert.equal(entry(s, 0x200), 0);
    assert.equal(call(s, 0, 'radix_tree_delete', [0x203]).v, pte(7));
    assert.equal(call(s, 0, '__radix_tree_insert', [0x200, 9, pte(0, K.RADIX_DAX_PMD)]).v, 0);
    // A PTE insert inside the PMD entry's range
    assert.equal(call(s, 0, '__radix_tree_insert', [0x204, 0, pte(1)]).v, -K.EEXIST);
    // lookup of a covered index finds the PMD entry and its slot (the head)
    const b = L.thread(0) + THREAD.STACK;
    s[b] = 0;
    const { v } = call(s, 0, '__radix_tree_lookup', [0x204, 0x10000000 + THREAD.STACK]);
    assert.equal(v, pte(0, K.RADIX_DAX_PMD));
    assert.equal(s[b], 0x200);
    // deleting through a covered index removes the PMD entry
    call(s, 0, 'radix_tree_delete', [0x204]);
    assert.equal(entry(s, 0x200), 0);
  });

  it('the radix tree is written only under mapping->tree_lock', () => {
    const s = fresh();
    assert.equal(call(s, 0, '__radix_tree_insert', [0x203, 0, pte(1)]).w.fault?.kind, 'assertion');
    s[G.TREE_LOCK] = 2;
    assert.match(call(s, 0, 'radix_tree_delete', [0x203]).w.fault?.message ?? '', /without the mapping.s tree lock \(mapping->tree_lock; the i_pages lock from v4\.17\) held/);
  });

  it('wake-ups wake key matches in FIFO order; waiters of other keys do not count against nr_exclusive', () => {
    const s = fresh();
    // One hashed queue (L has one): T1 waits on 0x200, T2 and T3 on 0x203.
    call(s, 0, 'prepare_to_wait_exclusive', [0x200]);
    call(s, 1, 'prepare_to_wait_exclusive', [0x203]);
    call(s, 2, 'prepare_to_wait_exclusive', [0x203]);
    const state = (t: number): number => s[L.thread(t) + THREAD.TASK_STATE];
    assert.deepEqual([0, 1, 2].map(state), [TASK_UNINTERRUPTIBLE, TASK_UNINTERRUPTIBLE, TASK_UNINTERRUPTIBLE]);
    assert.equal(call(s, 0, 'waitqueue_active', [0x204]).v, 1, 'the hashed queue is shared');
    // nr_exclusive = 1: T1 (key 0x200) is skipped without counting, T2 is woken, T3 stays.
    assert.equal(call(s, 0, '__wake_up', [0x203, 1]).v, 1);
    assert.deepEqual([0, 1, 2].map(state), [TASK_UNINTERRUPTIBLE, TASK_WOKEN, TASK_UNINTERRUPTIBLE]);
    assert.equal(s[L.queueWord(0, QUEUE.LAST_WAKER)], 1);
    assert.equal(s[L.queueWord(0, QUEUE.LAST_NR)], 1);
    assert.equal(s[L.queueWord(0, QUEUE.LAST_KEY)], 0x203);
    // schedule() blocks until woken
    assert.ok(PRIMS.schedule.blocked!(new Step(L, s, 2, String), []));
    assert.ok(!PRIMS.schedule.blocked!(new Step(L, s, 1, String), []));
    // nr_exclusive = 0 wakes every match, nothing else
    s[L.queueWord(0, QUEUE.FIFO + 2)] = 0;
    call(s, 1, 'prepare_to_wait_exclusive', [0x203]);
    assert.equal(call(s, 2, '__wake_up', [0x203, 0]).v, 2);
    assert.equal(state(0), TASK_UNINTERRUPTIBLE);
    assert.equal(call(s, 2, '__wake_up', [0x200, 1]).v, 1);
    assert.equal(call(s, 0, 'waitqueue_active', [0x200]).v, 0);
  });

  it('schedule() after a wake-up runs on; schedule() with no wait prepared is a spin', () => {
    const s = fresh();
    const state = (t: number): number => s[L.thread(t) + THREAD.TASK_STATE];
    call(s, 0, 'prepare_to_wait_exclusive', [0x203]);
    call(s, 1, '__wake_up', [0x203, 1]);
    const woken = call(s, 0, 'schedule', []);
    assert.equal(woken.w.fault, undefined);
    assert.equal(state(0), TASK_RUNNING);
    // finish_wait() before schedule(): the task is running, so schedule() returns at once.
    call(s, 0, 'prepare_to_wait_exclusive', [0x203]);
    call(s, 0, 'finish_wait', [0x203]);
    const spun = call(s, 0, 'schedule', []);
    assert.equal(spun.w.fault?.kind, 'livelock');
    assert.match(spun.w.fault?.message ?? '', /schedule\(\) in TASK_RUNNING with no wait prepared/);
  });

  it('radix_tree_preload() branches into -ENOMEM while the scenario allows an injected failure', () => {
    const s = fresh();
    const w = new Step(L, s, 0, String);
    assert.equal(PRIMS.radix_tree_preload.choices!(w, [0]), undefined);
    s[G.ENOMEM_BUDGET] = 1;
    assert.equal(PRIMS.radix_tree_preload.choices!(w, [0])!.length, 2);
    assert.equal(call(s, 0, 'radix_tree_preload', [0], 1).v, -K.ENOMEM);
    assert.equal(s[G.ENOMEM_BUDGET], 0);
    assert.equal(call(s, 0, 'radix_tree_preload', [0], 0).v, 0);
    assert.equal(s[L.thread(0) + THREAD.PREEMPT], 1, 'preemption disabled until radix_tree_preload_end()');
  });

  it('lock_page sleeps while another thread holds the page; put_page below zero is a refcount fault', () => {
    const s = fresh();
    const page = call(s, 0, '__page_cache_alloc', []).v;
    assert.equal(page & 3, 0);
    assert.equal(call(s, 0, 'lock_page', [page]).w.fault, undefined);
    assert.ok(PRIMS.lock_page.blocked!(new Step(L, s, 1, String), [page]));
    assert.equal(call(s, 0, 'lock_page', [page]).w.fault?.kind, 'deadlock');
    call(s, 0, 'put_page', [page]);
    assert.equal(call(s, 0, 'put_page', [page]).w.fault?.kind, 'refcount');
  });
});
