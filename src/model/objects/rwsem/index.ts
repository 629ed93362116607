// XFS_MMAPLOCK: the rw semaphore XFS takes shared around page faults and exclusive around
// truncate and hole punching (fs/xfs/xfs_inode.c xfs_ilock(), v4.10), so a fault never maps
// blocks a truncate is freeing.
import { K } from '../constants';
import { G, OBJ } from '../../kernel/layout';
import type { KernelObject, LockDecl, Prim } from '../object';

const MMAPLOCK: LockDecl = {
  what: 'XFS_MMAPLOCK', acquire: ['xfs_ilock'], leftKind: 'lock-imbalance',
  holder: (st) => (st[G.MMAPLOCK] < 0 ? -st[G.MMAPLOCK] - 1 : -1),
  heldAtEnd: (st) => (st[G.MMAPLOCK] !== 0 ? [{ kind: 'lock-imbalance', message: 'XFS_MMAPLOCK still held after every thread returned' }] : []),
};

const prims: Prim[] = [];
const def = (p: Prim): void => { prims.push(p); };

def({
  name: 'xfs_ilock', arity: 1, visible: true, mightSleep: true,
  doc: 'xfs_ilock(ip, XFS_MMAPLOCK_SHARED | XFS_MMAPLOCK_EXCL): the rw semaphore serialising faults with truncate',
  blocked: (w, [mode]) => (mode === K.XFS_MMAPLOCK_EXCL ? w.s[G.MMAPLOCK] !== 0 : w.s[G.MMAPLOCK] < 0),
  run: (w, [mode]) => {
    w.read(OBJ.MMAPLOCK); w.write(OBJ.MMAPLOCK);
    if (mode === K.XFS_MMAPLOCK_EXCL) w.set(G.MMAPLOCK, -(w.t + 1)); else w.add(G.MMAPLOCK, 1);
    return 0;
  },
});

def({
  name: 'xfs_iunlock', arity: 1, visible: true,
  doc: 'xfs_iunlock(ip, mode)',
  run: (w, [mode]) => {
    w.read(OBJ.MMAPLOCK); w.write(OBJ.MMAPLOCK);
    const v = w.s[G.MMAPLOCK];
    if (mode === K.XFS_MMAPLOCK_EXCL) {
      if (v !== -(w.t + 1)) { w.commit('lock-imbalance', 'xfs_iunlock(XFS_MMAPLOCK_EXCL) without holding it'); return 0; }
      w.set(G.MMAPLOCK, 0);
    } else {
      if (v <= 0) { w.commit('lock-imbalance', 'xfs_iunlock(XFS_MMAPLOCK_SHARED) without holding it'); return 0; }
      w.add(G.MMAPLOCK, -1);
    }
    return 0;
  },
});

export const RWSEM: KernelObject = {
  name: 'rwsem',
  doc: 'XFS_MMAPLOCK (fs/xfs, v4.10)',
  prims,
  locks: [MMAPLOCK],
  view(st, { name }, out) {
    const mm = st[G.MMAPLOCK];
    out.locks.push({ name: 'XFS_MMAPLOCK', holder: mm < 0 ? name(-mm) : mm > 0 ? `${mm} reader${mm > 1 ? 's' : ''}` : null });
  },
};
