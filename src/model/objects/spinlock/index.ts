// The model's spinlocks: mapping->tree_lock (taken with spin_lock_irq, v4.10's lock of the
// radix tree and the mapping's counters) and the PMD's page table lock (pmd_lock(), a spinlock
// that disables preemption). Spinning is blocking: a thread waits while another holds it.
import { G, OBJ, THREAD } from '../../kernel/layout';
import type { Step } from '../../kernel/step';
import type { KernelObject, LockDecl, Prim, Touches } from '../object';

/** How a reviewer of either era names the mapping's tree lock: mapping->tree_lock to v4.16,
 *  the i_pages xa_lock from v4.17 (the XArray era takes it with xas_lock_irq()). */
export const TREE_LOCK_NAME = 'the mapping\'s tree lock (mapping->tree_lock; the i_pages lock from v4.17)';

/** Whether the step's thread holds mapping->tree_lock. */
export function holdsTreeLock(w: Step): boolean { return w.s[G.TREE_LOCK] === w.t + 1; }

/** The radix tree and the mapping counters are only changed under mapping->tree_lock. */
export function requireTreeLock(w: Step, what: string): void {
  w.read(OBJ.TREE_LOCK);
  if (!holdsTreeLock(w)) w.commit('assertion', `${what} without ${TREE_LOCK_NAME} held`);
}

/** Quiet for the holder of mapping->tree_lock: only lock holders write the radix tree. */
export const underTreeLock = (w: Step): boolean => holdsTreeLock(w);

/** A spinlock word: holder + 1, 0 when free. */
function spinlock(what: string, word: number, acquire: string): LockDecl {
  return {
    what, acquire: [acquire], leftKind: 'lock-imbalance',
    holder: (st) => st[word] - 1,
    heldAtEnd: (st, _L, name) => (st[word] !== 0
      ? [{ kind: 'lock-imbalance', message: `${what} still held by ${name(st[word] - 1)} after every thread returned` }] : []),
  };
}

const TREE_LOCK: LockDecl = {
  ...spinlock(TREE_LOCK_NAME, G.TREE_LOCK, 'spin_lock_irq'),
  atomic: (st, _L, t) => st[G.TREE_LOCK] === t + 1,
};

const prims: Prim[] = [];
const def = (p: Prim): void => { prims.push(p); };

/** The tree lock's primitives take and drop it; the page table lock's footprint is the PMD's. */
const treeLock = (x: Touches): void => { x.write(OBJ.TREE_LOCK); };
const pageTableLock = (x: Touches): void => { x.write(OBJ.PMD); };

def({
  name: 'spin_lock_irq', arity: 1, visible: true, mover: 'right',
  touches: treeLock,
  doc: 'spin_lock_irq(&mapping->tree_lock): spins while another thread holds it; taking it twice deadlocks',
  blocked: (w) => w.s[G.TREE_LOCK] !== 0 && w.s[G.TREE_LOCK] !== w.t + 1,
  run: (w) => {
    w.read(OBJ.TREE_LOCK); w.write(OBJ.TREE_LOCK);
    if (holdsTreeLock(w)) { w.commit('lock-imbalance', `${TREE_LOCK_NAME} taken while already held (spin_lock_irq(), xas_lock_irq())`); return 0; }
    w.set(G.TREE_LOCK, w.t + 1);
    w.note('tree_lock taken');
    return 0;
  },
});
def({
  name: 'spin_unlock_irq', arity: 1, visible: true, mover: 'left',
  touches: treeLock,
  doc: 'spin_unlock_irq(&mapping->tree_lock): releasing a lock the thread does not hold is a fault',
  run: (w) => {
    w.read(OBJ.TREE_LOCK); w.write(OBJ.TREE_LOCK);
    if (!holdsTreeLock(w)) { w.commit('lock-imbalance', `${TREE_LOCK_NAME} released without being held (spin_unlock_irq(), xas_unlock_irq())`); return 0; }
    w.set(G.TREE_LOCK, 0);
    w.note('tree_lock released');
    return 0;
  },
});
def({
  name: 'pmd_lock', arity: 0, visible: true, mover: 'right',
  touches: pageTableLock,
  doc: 'ptl = pmd_lock(mm, pmd): the PMD\'s page table lock, a spinlock (preemption off while held)',
  blocked: (w) => w.s[G.PTL] !== 0 && w.s[G.PTL] !== w.t + 1,
  run: (w) => {
    w.read(OBJ.PMD); w.write(OBJ.PMD);
    if (w.s[G.PTL] === w.t + 1) { w.commit('deadlock', 'pmd_lock() while already holding the PMD lock'); return 0; }
    w.set(G.PTL, w.t + 1);
    w.add(w.base + THREAD.PREEMPT, 1);
    return 1;
  },
});
def({
  name: 'pmd_unlock', arity: 0, visible: true, mover: 'left',
  touches: pageTableLock,
  doc: 'spin_unlock(ptl) of the PMD\'s page table lock',
  run: (w) => {
    w.read(OBJ.PMD); w.write(OBJ.PMD);
    if (w.s[G.PTL] !== w.t + 1) { w.commit('lock-imbalance', 'spin_unlock() of the PMD lock without holding it'); return 0; }
    w.set(G.PTL, 0);
    w.add(w.base + THREAD.PREEMPT, -1);
    return 0;
  },
});

export const SPINLOCK: KernelObject = {
  name: 'spinlock',
  doc: 'mapping->tree_lock and the PMD page table lock (kernel/locking/spinlock.c, v4.10)',
  prims,
  locks: [TREE_LOCK, spinlock('the PMD lock', G.PTL, 'pmd_lock')],
  view(st, { name }, out) {
    out.locks.push({ name: 'mapping->tree_lock', holder: st[G.TREE_LOCK] ? name(st[G.TREE_LOCK]) : null });
  },
};

/** Why a thread is in atomic context, for a sleep there: a spinlock held or preemption disabled. */
export function atomicContext(w: Step): string | null {
  if (holdsTreeLock(w)) return `${TREE_LOCK_NAME} held`;
  if (w.s[w.base + THREAD.PREEMPT] > 0) return 'preemption disabled';
  return null;
}

/** What a thread returning from its entry point still holds that it must have given up. */
export function heldOnReturn(w: Step): string | null {
  if (holdsTreeLock(w)) return `returns holding ${TREE_LOCK_NAME}`;
  if (w.s[w.base + THREAD.PREEMPT] !== 0) return 'returns with preemption disabled (radix_tree_preload() without radix_tree_preload_end())';
  return null;
}
