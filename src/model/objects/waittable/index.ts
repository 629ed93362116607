// The DAX wait table: fs/dax.c's hashed table of wait queues (wait_table[], v4.10), where a
// thread waiting for an entry lock queues exclusively with the entry's key, and kernel/sched/
// wait.c's queue semantics: FIFO order, wake_exceptional_entry_func() skipping waiters of other
// keys without counting them, nr_exclusive 0 waking all. Queues are shared when keys hash alike.
import { OBJ, QUEUE, THREAD } from '../../kernel/layout';
import type { Step } from '../../kernel/step';
import type { KernelObject, Prim, Touches } from '../object';
import { hex } from '../format';

const NOTE = {
  waits: (key: number) => `waits on key ${keyName(key)}`,
  woke: (woken: number[], waiting: number, key: number, name: (t: number) => string) =>
    `woke ${woken.length} of ${woken.length + waiting} waiters on ${keyName(key)}` +
    (woken.length ? ` (${woken.map((t) => name(t)).join(', ')})` : ''),
  spins: (who: string) => `${who} calls schedule() in TASK_RUNNING with no wait prepared: it does not sleep, so the wait loop around it spins`,
};

export const TASK_RUNNING = 0;
export const TASK_UNINTERRUPTIBLE = 2;
/** TASK_RUNNING set by a wake-up that schedule() or finish_wait() has not yet seen. The kernel
 *  does not tell it apart; the model does so that a schedule() with no wait prepared (the task
 *  running because finish_wait() already ran, say) is seen: it does not sleep, and the loop
 *  around it spins. */
export const TASK_WOKEN = 1;

function queueWaiters(w: Step, q: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < w.L.nThreads; i++) {
    const v = w.s[w.L.queueWord(q, QUEUE.FIFO + i)];
    if (v === 0) break;
    out.push(v);
  }
  return out;
}

function setQueue(w: Step, q: number, waiters: number[]): void {
  for (let i = 0; i < w.L.nThreads; i++) w.set(w.L.queueWord(q, QUEUE.FIFO + i), waiters[i] ?? 0);
}

/** A waiter word: (key << 9) | (256 when it waits non-exclusively) | (thread + 1). */
const waiterThread = (v: number): number => (v & 0xff) - 1;
const waiterKey = (v: number): number => v >> 9;
const exclusive = (v: number): boolean => (v & 0x100) === 0;
const NON_EXCLUSIVE = 0x100;

function taskWord(w: Step, t: number): number { return w.L.thread(t) + THREAD.TASK_STATE; }

/** The key thread t sleeps on (its wait-queue entry), or -1. */
export function waitKey(st: Int32Array, L: Step['L'], t: number): number {
  for (let q = 0; q < L.nQueues; q++) {
    for (let i = 0; i < L.nThreads; i++) {
      const v = st[L.queueWord(q, QUEUE.FIFO + i)];
      if (v !== 0 && (v & 0xff) === t + 1) return v >> 9;
    }
  }
  return -1;
}

const prims: Prim[] = [];
const def = (p: Prim): void => { prims.push(p); };

/** A wait's footprint: the key's queue and the waiting task. */
const queueOwnTask = (x: Touches, [key]: readonly (number | undefined)[]): void => {
  x.queue(key, true); x.write(OBJ.task(x.t));
};

/** Queues the stepping thread on its key's queue and puts it to sleep: an exclusive waiter at the
 *  tail, a non-exclusive one at the head (kernel/sched/wait.c). */
function queueSelf(w: Step, key: number, how: 'exclusive' | 'non-exclusive'): number {
  const q = w.L.queueOf(key);
  w.write(OBJ.queue(q)); w.write(OBJ.task(w.t));
  const ws = queueWaiters(w, q);
  if (!ws.some((v) => waiterThread(v) === w.t)) {
    if (how === 'exclusive') ws.push((key << 9) | (w.t + 1));
    else ws.unshift((key << 9) | NON_EXCLUSIVE | (w.t + 1));
  }
  setQueue(w, q, ws);
  w.set(taskWord(w, w.t), TASK_UNINTERRUPTIBLE);
  w.note(NOTE.waits, key);
  return 0;
}

def({
  name: 'prepare_to_wait_exclusive', arity: 1, visible: true,
  touches: queueOwnTask,
  doc: 'prepare_to_wait_exclusive(wq, &ewait.wait, TASK_UNINTERRUPTIBLE): queue at the tail, keyed by the entry index',
  run: (w, [key]) => queueSelf(w, key, 'exclusive'),
});

def({
  name: 'prepare_to_wait', arity: 1, visible: true,
  touches: queueOwnTask,
  doc: 'prepare_to_wait(wq, &ewait.wait, TASK_UNINTERRUPTIBLE): queue at the head, non-exclusive: every wake-up of the key wakes it, and it does not count against nr_exclusive',
  run: (w, [key]) => queueSelf(w, key, 'non-exclusive'),
});

def({
  name: 'schedule', arity: 0, visible: true, mightSleep: true,
  // A task on a queue is asleep, and only a wake of that queue changes its state: its task
  // state is the queue's while it waits (a wake's footprint is the queue's), and its own
  // while it runs. Which queue it waits on is the state's, so any may wake it.
  touches: (x) => { x.write(OBJ.task(x.t)); x.all(OBJ.queue, 'queue', false); },
  doc: 'schedule(): sleeps until a wake-up puts the task back to TASK_RUNNING',
  blocked: (w) => w.s[taskWord(w, w.t)] === TASK_UNINTERRUPTIBLE,
  run: (w) => {
    w.write(OBJ.task(w.t));
    if (w.s[taskWord(w, w.t)] === TASK_RUNNING) {
      w.commit('livelock', NOTE.spins(w.threadName(w.t)));
      return 0;
    }
    w.set(taskWord(w, w.t), TASK_RUNNING);
    w.note('woken');
    return 0;
  },
});

def({
  name: 'finish_wait', arity: 1, visible: true,
  touches: queueOwnTask,
  doc: 'finish_wait(wq, &ewait.wait): TASK_RUNNING and off the queue',
  run: (w, [key]) => {
    const q = w.L.queueOf(key);
    w.write(OBJ.task(w.t));
    // A task a wake took off the queue leaves the queue alone, and no other thread can put it
    // back: then the step is the task's own.
    const waiters = queueWaiters(w, q);
    if (waiters.some((v) => waiterThread(v) === w.t)) {
      w.read(OBJ.queue(q)); w.write(OBJ.queue(q));
      setQueue(w, q, waiters.filter((v) => waiterThread(v) !== w.t));
    }
    w.set(taskWord(w, w.t), TASK_RUNNING);
    return 0;
  },
});

def({
  name: 'waitqueue_active', arity: 1, visible: true,
  touches: (x, [key]) => x.queue(key, false),
  doc: 'waitqueue_active(wq): any waiter on the hashed queue (whatever its key)',
  run: (w, [key]) => {
    const q = w.L.queueOf(key);
    w.read(OBJ.queue(q));
    // Waiters fill the FIFO from its first word.
    return w.s[w.L.queueWord(q, QUEUE.FIFO)] !== 0 ? 1 : 0;
  },
});

/**
 * Keys of variables (kernel/sched/wait_bit.c's __var_waitqueue(), wait_var_event() and
 * wake_up_var()) lie above every entry index, so a variable's waiters and an entry's never match
 * though they may share a queue, as the kernel's hashed queues are shared. The kernel hashes a
 * variable's address; the model names it by its object (a pointer) and its number among the
 * object's variables (VARIABLE): 0 the object itself, else a field (&page->_refcount), so a wait
 * on one and a wake of the other miss each other as they do in the kernel.
 */
export const VAR_KEY = 1 << 21;
const OBJECT_BITS = 17;
export const VARIABLE = { object: 0, _refcount: 1 } as const;
export const isVarKey = (key: number): boolean => (key & VAR_KEY) !== 0;
export const varKey = (object: number, variable: number): number =>
  VAR_KEY | (variable << OBJECT_BITS) | (object & ((1 << OBJECT_BITS) - 1));
export const varOfKey = (key: number): { object: number; variable: number } =>
  ({ object: key & ((1 << OBJECT_BITS) - 1), variable: (key & (VAR_KEY - 1)) >> OBJECT_BITS });

/** A key as a reader knows it: an entry index, or a variable of an object. */
export function keyName(key: number): string {
  if (!isVarKey(key)) return hex(key);
  const { object, variable } = varOfKey(key);
  const field = Object.entries(VARIABLE).find(([, n]) => n === variable)?.[0] ?? `#${variable}`;
  return variable === VARIABLE.object ? `the variable at ${hex(object)}` : `the ${field} of ${hex(object)}`;
}

def({
  name: '__var_waitqueue', arity: 2, visible: false,
  touches: () => {},
  doc: '__var_waitqueue(var): the hashed queue of a variable, named by its object and its number among the object\'s variables',
  run: (_w, [object, variable]) => varKey(object, variable),
});

/** wake_up_var(): __wake_up_bit() wakes the variable's queue only when it has waiters
 *  (waitqueue_active()), one exclusive waiter and every non-exclusive one of the key. */
export function wakeUpVar(w: Step, object: number, variable: number): void {
  const key = varKey(object, variable);
  const q = w.L.queueOf(key);
  w.read(OBJ.queue(q));
  if (!queueWaiters(w, q).length) return;
  wakeUp(w, key, 1);
}

/** Wakes the key's waiters in queue order, nr_exclusive exclusive ones at most (0: all). */
function wakeUp(w: Step, key: number, nrExclusive: number): number {
  const q = w.L.queueOf(key);
  w.read(OBJ.queue(q)); w.write(OBJ.queue(q));
  const keep: number[] = [];
  const woken: number[] = [];
  let left = nrExclusive;
  let stopped = false;
  for (const v of queueWaiters(w, q)) {
    // wake_exceptional_entry_func(), var_wake_function(): a waiter of another key returns 0 and does not count.
    if (stopped || waiterKey(v) !== key) { keep.push(v); continue; }
    const t = waiterThread(v);
    // autoremove_wake_function(): back to TASK_RUNNING and off the queue. The task state is
    // the queue's while the task waits on it (see `schedule`): the queue's footprint holds it.
    w.set(taskWord(w, t), TASK_WOKEN);
    woken.push(t);
    if (exclusive(v) && --left === 0) stopped = true;
  }
  setQueue(w, q, keep);
  w.set(w.L.queueWord(q, QUEUE.LAST_WAKER), w.t + 1);
  w.set(w.L.queueWord(q, QUEUE.LAST_NR), nrExclusive);
  w.set(w.L.queueWord(q, QUEUE.LAST_KEY), key);
  w.set(w.L.queueWord(q, QUEUE.LAST_WOKEN), woken.length);
  const waiting = keep.filter((v) => waiterKey(v) === key).length;
  w.note(NOTE.woke, woken, waiting, key);
  return woken.length;
}

def({
  name: '__wake_up', arity: 2, visible: true,
  touches: (x, [key]) => { x.queue(key, true); },
  doc: '__wake_up(wq, TASK_NORMAL, nr_exclusive, &key): wakes key matches in queue order; waiters of other keys and non-exclusive ones do not count; nr_exclusive 0 wakes all',
  run: (w, [key, nrExclusive]) => wakeUp(w, key, nrExclusive),
});

export const WAITTABLE: KernelObject = {
  name: 'waittable',
  doc: 'the DAX wait table (fs/dax.c wait_table, kernel/sched/wait.c, v4.10)',
  prims,
  touches(x) { x.all(OBJ.queue, 'queue', true); x.write(OBJ.task(x.t)); },
  view(st, { L, name }, out) {
    for (let q = 0; q < L.nQueues; q++) {
      const ws: string[] = [];
      for (let i = 0; i < L.nThreads; i++) {
        const v = st[L.queueWord(q, QUEUE.FIFO + i)];
        if (v) ws.push(`${name(v & 0xff)} (key ${keyName(waiterKey(v))}${exclusive(v) ? '' : ', non-exclusive'})`);
      }
      const waker = st[L.queueWord(q, QUEUE.LAST_WAKER)];
      if (!ws.length && !waker) continue;
      const keys = L.indexes.filter((x) => L.queueOf(x) === q).map(hex);
      out.waitqueues.push({
        key: `wait_table[${q}] (keys ${keys.join(', ')})`, waiters: ws,
        lastWake: waker ? `${name(waker)}: key ${keyName(st[L.queueWord(q, QUEUE.LAST_KEY)])}, nr_exclusive ${st[L.queueWord(q, QUEUE.LAST_NR)]}, woke ${st[L.queueWord(q, QUEUE.LAST_WOKEN)]}` : undefined,
      });
    }
  },
};
