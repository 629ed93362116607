// XFS_MMAPLOCK and XFS_IOLOCK: the rw semaphores XFS takes (fs/xfs/xfs_inode.c xfs_ilock(),
// v4.10 and v4.14), and the generic calls on them (down_write(), ...; ext4's i_mmap_sem is
// the filesystem's mmap lock too). XFS_MMAPLOCK is taken shared around page faults and exclusive around
// truncate and hole punching, so a fault never maps blocks a truncate is freeing; XFS_IOLOCK
// serialises write(2), fallocate and truncate, and xfs_break_layouts() cycles it while it
// waits for a layout lease to go; XFS_ILOCK guards the block map while ->iomap_begin() reads it.
import { K } from '../constants';
import { G, OBJ } from '../../kernel/layout';
import type { Step } from '../../kernel/step';
import type { KernelObject, LockDecl, Prim } from '../object';

/** One of the inode's rw semaphores: its word, footprint, the XFS lock modes that name it, and
 *  its handle for the generic calls (down_write(sem), ...: SEM). */
interface XfsLock { what: string; word: number; obj: number; excl: number; shared: number; sem: number }

/**
 * The handles of the semaphores for down_write() and the like: the address of the semaphore
 * as the API table gives it (ext4's ei->i_mmap_sem, the mapping's invalidate_lock). The
 * filesystem's mmap lock is one semaphore whatever the filesystem calls it: XFS_MMAPLOCK,
 * ext4's i_mmap_sem (to v5.14), the mapping's invalidate_lock (v5.15 on, both filesystems).
 */
export const SEM = { MMAPLOCK: 1, IOLOCK: 2, ILOCK: 3 } as const;

const LOCKS: readonly XfsLock[] = [
  { what: 'XFS_MMAPLOCK', word: G.MMAPLOCK, obj: OBJ.MMAPLOCK, excl: K.XFS_MMAPLOCK_EXCL, shared: K.XFS_MMAPLOCK_SHARED, sem: SEM.MMAPLOCK },
  { what: 'XFS_IOLOCK', word: G.IOLOCK, obj: OBJ.IOLOCK, excl: K.XFS_IOLOCK_EXCL, shared: K.XFS_IOLOCK_SHARED, sem: SEM.IOLOCK },
  { what: 'XFS_ILOCK', word: G.ILOCK, obj: OBJ.ILOCK, excl: K.XFS_ILOCK_EXCL, shared: K.XFS_ILOCK_SHARED, sem: SEM.ILOCK },
];

/** The semaphore a lock mode names (one per call: the model's C takes them one at a time). */
function lockOf(mode: number): XfsLock {
  return LOCKS.find((l) => mode === l.excl || mode === l.shared) ?? LOCKS[0];
}

const decl = (l: XfsLock): LockDecl => ({
  what: l.what, acquire: ['xfs_ilock', 'down_write', 'down_read'], leftKind: 'lock-imbalance',
  holder: (st) => (st[l.word] < 0 ? -st[l.word] - 1 : -1),
  heldAtEnd: (st) => (st[l.word] !== 0 ? [{ kind: 'lock-imbalance', message: `${l.what} still held after every thread returned` }] : []),
});

const prims: Prim[] = [];
const def = (p: Prim): void => { prims.push(p); };

function blocked(w: Step, mode: number): boolean {
  const l = lockOf(mode);
  return mode === l.excl ? w.s[l.word] !== 0 : w.s[l.word] < 0;
}

/** Takes the semaphore of an XFS lock mode (the caller waited while blocked() held). */
function lock(w: Step, mode: number): number {
  const l = lockOf(mode);
  w.read(l.obj); w.write(l.obj);
  if (mode === l.excl) w.set(l.word, -(w.t + 1)); else w.add(l.word, 1);
  return 0;
}

/** Releases the semaphore of an XFS lock mode; releasing one not held is a lock-imbalance. */
function unlock(w: Step, mode: number, call: string): number {
  const l = lockOf(mode);
  w.read(l.obj); w.write(l.obj);
  const v = w.s[l.word];
  if (mode === l.excl) {
    if (v !== -(w.t + 1)) { w.commit('lock-imbalance', `${call}(${l.what}_EXCL) without holding it`); return 0; }
    w.set(l.word, 0);
  } else {
    if (v <= 0) { w.commit('lock-imbalance', `${call}(${l.what}_SHARED) without holding it`); return 0; }
    w.add(l.word, -1);
  }
  return 0;
}

def({
  name: 'xfs_ilock', arity: 1, visible: true, mightSleep: true,
  doc: 'xfs_ilock(ip, mode): XFS_MMAPLOCK or XFS_IOLOCK, shared or exclusive',
  blocked: (w, [mode]) => blocked(w, mode),
  run: (w, [mode]) => lock(w, mode),
});

def({
  name: 'xfs_iunlock', arity: 1, visible: true,
  doc: 'xfs_iunlock(ip, mode)',
  run: (w, [mode]) => unlock(w, mode, 'xfs_iunlock'),
});

/** The semaphore of a handle (SEM), or null after the fault says the model keeps none. */
const semOf = (sem: number): XfsLock | null => LOCKS.find((x) => x.sem === sem) ?? null;
function semOrFault(w: Step, call: string, sem: number): XfsLock | null {
  const l = semOf(sem);
  if (!l) w.halt('null-deref', `${call}() of a semaphore the model does not keep`);
  return l;
}

for (const [call, exclusive] of [['down_write', true], ['down_read', false]] as const) {
  const mode = (l: XfsLock): number => (exclusive ? l.excl : l.shared);
  def({
    name: call, arity: 1, visible: true, mightSleep: true,
    doc: `${call}(sem): the semaphore ${exclusive ? 'exclusive' : 'shared'}, as xfs_ilock() takes it`,
    blocked: (w, [sem]) => { const l = semOf(sem); return l !== null && blocked(w, mode(l)); },
    run: (w, [sem]) => { const l = semOrFault(w, call, sem); return l ? lock(w, mode(l)) : 0; },
  });
}
for (const [call, exclusive] of [['up_write', true], ['up_read', false]] as const) {
  def({
    name: call, arity: 1, visible: true,
    doc: `${call}(sem): as xfs_iunlock() releases it`,
    run: (w, [sem]) => { const l = semOrFault(w, call, sem); return l ? unlock(w, exclusive ? l.excl : l.shared, call) : 0; },
  });
}

def({
  name: 'rwsem_is_locked', arity: 1, visible: true,
  doc: 'rwsem_is_locked(sem): held by anyone, shared or exclusive',
  run: (w, [sem]) => {
    const l = semOrFault(w, 'rwsem_is_locked', sem);
    if (!l) return 0;
    w.read(l.obj);
    return w.s[l.word] !== 0 ? 1 : 0;
  },
});

export const RWSEM: KernelObject = {
  name: 'rwsem',
  doc: 'XFS_MMAPLOCK, XFS_IOLOCK and XFS_ILOCK (fs/xfs, v4.10 and v4.14); ext4\'s i_mmap_sem and i_data_sem, and the invalidate lock, are the same semaphores',
  prims,
  touches(x) {
    for (const o of [OBJ.MMAPLOCK, OBJ.IOLOCK, OBJ.ILOCK]) { x.read(o); x.write(o); }
  },
  locks: LOCKS.map(decl),
  view(st, { name }, out) {
    for (const l of LOCKS) {
      const v = st[l.word];
      if (l.word !== G.MMAPLOCK && v === 0) continue;
      out.locks.push({ name: l.what, holder: v < 0 ? name(-v) : v > 0 ? `${v} reader${v > 1 ? 's' : ''}` : null });
    }
  },
};
