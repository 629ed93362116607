// The objects of the modelled kernel, in one list: the primitives, the locks, the view and the
// VM's context hooks are read from here. Adding an object is adding its folder and a line here.
import type { StateView } from '../machine';
import type { VmHooks } from '../vm';
import type { KernelObject, LockDecl, Prim, ViewContext } from './object';
import { atomicContext, heldOnReturn, SPINLOCK } from './spinlock/index';
import { RWSEM } from './rwsem/index';
import { RADIX } from './radix/index';
import { PAGES } from './pages/index';
import { INODE } from './inode/index';
import { PAGETABLE } from './pagetable/index';
import { WAITTABLE } from './waittable/index';
import { WARN } from './warn/index';
import { LEASE } from './lease/index';
import { DAXDEV } from './daxdev/index';
import { DEVMAP } from './devmap/index';

/** Every object, in the order the view lists them. */
export const OBJECTS: readonly KernelObject[] = [SPINLOCK, RWSEM, RADIX, PAGES, INODE, PAGETABLE, WAITTABLE, LEASE, DAXDEV, DEVMAP, WARN];

/** Every primitive, by name. */
export const PRIMS: Readonly<Record<string, Prim>> = Object.fromEntries(OBJECTS.flatMap((o) => o.prims.map((p) => [p.name, withTouches(p, o)])));

/** A primitive with what it may touch: its own declaration, else its object's. */
function withTouches(p: Prim, o: KernelObject): Prim {
  return p.touches || !o.touches ? p : { ...p, touches: o.touches };
}

/** Every lock of every object. */
export const LOCKS: readonly LockDecl[] = OBJECTS.flatMap((o) => o.locks ?? []);

/** The locks a thread blocked in primitive `prim` may wait for (xfs_ilock() takes one of two
 *  semaphores by its mode), empty when it is no lock's acquire. */
export function locksAcquiredBy(prim: string): LockDecl[] {
  return LOCKS.filter((l) => l.acquire.includes(prim));
}

/** The objects' rows of the view of a state (threads are the machine's). */
export function objectsView(st: Int32Array, ctx: ViewContext): StateView {
  const out: StateView = { entries: [], waitqueues: [], locks: [], threads: [], other: {} };
  for (const o of OBJECTS) o.view?.(st, ctx, out);
  out.entries.sort((a, b) => a.index - b.index);
  return out;
}

/** The VM's context hooks: spinlocks and preemption (the one kind of atomic context the
 *  objects have). */
export const OBJECT_HOOKS: VmHooks = { atomic: atomicContext, heldOnReturn };

export type { Prim } from './object';
