// XFS_MMAPLOCK and XFS_IOLOCK: the rw semaphores XFS takes (fs/xfs/xfs_inode.c xfs_ilock(),
// v4.10 and v4.14). XFS_MMAPLOCK is taken shared around page faults and exclusive around
// truncate and hole punching, so a fault never maps blocks a truncate is freeing; XFS_IOLOCK
// serialises write(2), fallocate and truncate, and xfs_break_layouts() cycles it while it
// waits for a layout lease to go; XFS_ILOCK guards the block map while ->iomap_begin() reads it.
import { K } from '../constants';
import { G, OBJ } from '../../kernel/layout';
import type { Step } from '../../kernel/step';
import type { KernelObject, LockDecl, Prim } from '../object';

/** One of XFS's inode rw semaphores: its word, footprint and the lock modes that name it. */
interface XfsLock { what: string; word: number; obj: number; excl: number; shared: number }

const LOCKS: readonly XfsLock[] = [
  { what: 'XFS_MMAPLOCK', word: G.MMAPLOCK, obj: OBJ.MMAPLOCK, excl: K.XFS_MMAPLOCK_EXCL, shared: K.XFS_MMAPLOCK_SHARED },
  { what: 'XFS_IOLOCK', word: G.IOLOCK, obj: OBJ.IOLOCK, excl: K.XFS_IOLOCK_EXCL, shared: K.XFS_IOLOCK_SHARED },
  { what: 'XFS_ILOCK', word: G.ILOCK, obj: OBJ.ILOCK, excl: K.XFS_ILOCK_EXCL, shared: K.XFS_ILOCK_SHARED },
];

/** The semaphore a lock mode names (one per call: the model's C takes them one at a time). */
function lockOf(mode: number): XfsLock {
  return LOCKS.find((l) => mode === l.excl || mode === l.shared) ?? LOCKS[0];
}

const decl = (l: XfsLock): LockDecl => ({
  what: l.what, acquire: ['xfs_ilock'], leftKind: 'lock-imbalance',
  holder: (st) => (st[l.word] < 0 ? -st[l.word] - 1 : -1),
  heldAtEnd: (st) => (st[l.word] !== 0 ? [{ kind: 'lock-imbalance', message: `${l.what} still held after every thread returned` }] : []),
});

const prims: Prim[] = [];
const def = (p: Prim): void => { prims.push(p); };

function blocked(w: Step, mode: number): boolean {
  const l = lockOf(mode);
  return mode === l.excl ? w.s[l.word] !== 0 : w.s[l.word] < 0;
}

def({
  name: 'xfs_ilock', arity: 1, visible: true, mightSleep: true,
  doc: 'xfs_ilock(ip, mode): XFS_MMAPLOCK or XFS_IOLOCK, shared or exclusive',
  blocked: (w, [mode]) => blocked(w, mode),
  run: (w, [mode]) => {
    const l = lockOf(mode);
    w.read(l.obj); w.write(l.obj);
    if (mode === l.excl) w.set(l.word, -(w.t + 1)); else w.add(l.word, 1);
    return 0;
  },
});

def({
  name: 'xfs_iunlock', arity: 1, visible: true,
  doc: 'xfs_iunlock(ip, mode)',
  run: (w, [mode]) => {
    const l = lockOf(mode);
    w.read(l.obj); w.write(l.obj);
    const v = w.s[l.word];
    if (mode === l.excl) {
      if (v !== -(w.t + 1)) { w.commit('lock-imbalance', `xfs_iunlock(${l.what}_EXCL) without holding it`); return 0; }
      w.set(l.word, 0);
    } else {
      if (v <= 0) { w.commit('lock-imbalance', `xfs_iunlock(${l.what}_SHARED) without holding it`); return 0; }
      w.add(l.word, -1);
    }
    return 0;
  },
});

export const RWSEM: KernelObject = {
  name: 'rwsem',
  doc: 'XFS_MMAPLOCK, XFS_IOLOCK and XFS_ILOCK (fs/xfs, v4.10 and v4.14)',
  prims,
  locks: LOCKS.map(decl),
  view(st, { name }, out) {
    for (const l of LOCKS) {
      const v = st[l.word];
      if (l.word !== G.MMAPLOCK && v === 0) continue;
      out.locks.push({ name: l.what, holder: v < 0 ? name(-v) : v > 0 ? `${v} reader${v > 1 ? 's' : ''}` : null });
    }
  },
};
