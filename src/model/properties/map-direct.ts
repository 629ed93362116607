// What MAP_DIRECT promises its users (the commit message of "xfs: wire up MAP_DIRECT", seed 001):
// mmap(MAP_SHARED_VALIDATE) refuses flags the filesystem does not support (EOPNOTSUPP) and
// MAP_DIRECT without the right to take a lease (EACCES); an access of a MAP_DIRECT mapping gets
// SIGBUS when the file is not DAX or has reflinked extents, when it would allocate or convert
// a block, or once the lease timed out, and never otherwise for a fully allocated file; an
// access through another mapping beyond the end gets SIGBUS; and a write fault through
// another mapping is a lease breaker: if the lease makes it fail, the
// lease's break has started (SIGIO to the holder), so the writer is not refused for as long
// as the holder likes. Checked in the step where the thread returns. The lease's own promise
// (the block map does not change under it) is the lease object's (objects/lease).
import { G, Block, OBJ, SLOT, THREAD } from '../kernel/layout';
import { K } from '../objects/constants';
import { hex } from '../objects/format';
import { CRED_CAP_LEASE, CRED_OWNER, LEGACY_MAP_MASK, MAP_FLAGS, MDS_BREAK, MDS_VALID, S_DAX, S_REFLINK } from '../objects/lease/index';
import type { Step } from '../kernel/step';
import type { Fault } from '../machine';
import type { Property } from './property';

const wrong = (w: Step, message: string, detail: Record<string, string | number | boolean>): Fault =>
  ({ kind: 'wrong-result', threads: [w.t], message: `${w.threadName(w.t)}${message.startsWith(':') ? '' : ' '}${message}`, detail });

/** The errno mmap(2) owes the caller for these flags, 0 when it must succeed. */
function mmapErrno(w: Step, flags: number): number {
  const validate = (flags & MAP_FLAGS.MAP_TYPE) === MAP_FLAGS.MAP_SHARED_VALIDATE;
  if (validate && flags & ~(LEGACY_MAP_MASK | MAP_FLAGS.MAP_DIRECT)) return -K.EOPNOTSUPP;
  const mayLease = (w.s[w.base + THREAD.CRED] & (CRED_OWNER | CRED_CAP_LEASE)) !== 0;
  if (validate && flags & MAP_FLAGS.MAP_DIRECT && !mayLease) return -K.EACCES;
  return 0;
}

/** Why an access of a MAP_DIRECT mapping at index must get SIGBUS, or null when it must not. */
function sigbusOwed(w: Step, index: number, write: boolean): string | null {
  // What it reads is the step's footprint too: a step of another thread that writes it does
  // not commute with this return.
  w.read(OBJ.lease); w.read(OBJ.ISIZE);
  const inode = w.s[G.INODE_FLAGS];
  if (!(inode & S_DAX)) return 'the file is not DAX';
  if (inode & S_REFLINK) return 'the file has reflinked extents';
  if (!(w.s[G.MDS] & MDS_VALID)) return 'the lease timed out';
  if (index >= w.s[G.ISIZE]) return 'the access is beyond the end of the file';
  const s = w.L.slot(index);
  if (s >= 0) w.read(OBJ.block(s));
  if (write && (s < 0 || w.s[w.L.slotWord(s, SLOT.BLOCK)] !== Block.Mapped)) return 'the write would allocate or convert a block';
  return null;
}

const ERRNO: Record<number, string> = { [K.EOPNOTSUPP]: 'EOPNOTSUPP', [K.EACCES]: 'EACCES', [K.EINVAL]: 'EINVAL', [K.EAGAIN]: 'EAGAIN', [K.ENOMEM]: 'ENOMEM' };
const errno = (v: number): string => (v < 0 ? `-${ERRNO[-v] ?? -v}` : String(v));

function mmapAndAccess(w: Step, [flags, address, write]: readonly number[], ret: number): Fault | null {
  const owed = mmapErrno(w, flags);
  if (ret < 0 || owed < 0) {
    if (ret === owed) return null;
    return wrong(w, `: mmap() returned ${errno(ret)} where MAP_SHARED_VALIDATE and MAP_DIRECT promise ${errno(owed)}`, { flags: hex(flags), ret, owed });
  }
  const direct = (flags & MAP_FLAGS.MAP_TYPE) === MAP_FLAGS.MAP_SHARED_VALIDATE && (flags & MAP_FLAGS.MAP_DIRECT) !== 0;
  if (!direct || !address) return null;
  return directAccess(w, address, write, ret);
}

/** An access of a MAP_DIRECT mapping at address that returned ret. */
function directAccess(w: Step, address: number, write: number, ret: number): Fault | null {
  const index = address >> K.PAGE_SHIFT;
  const why = sigbusOwed(w, index, write !== 0);
  const sigbus = (ret & K.VM_FAULT_SIGBUS) !== 0;
  if (why && !sigbus) return wrong(w, `accessed ${hex(index)} through its MAP_DIRECT mapping without SIGBUS (${hex(ret)}), but ${why}`, { index: hex(index), ret: hex(ret) });
  if (!why && sigbus) return wrong(w, `got SIGBUS at ${hex(index)} of a fully allocated DAX file through a MAP_DIRECT mapping whose lease stands`, { index: hex(index), ret: hex(ret) });
  return null;
}

export const MAP_DIRECT_RESULTS: Property = {
  name: 'map-direct',
  kinds: ['wrong-result'],
  protects: 'MAP_DIRECT\'s contract with the process: the errors of mmap(), SIGBUS exactly where the commit message says, and write faults elsewhere that break the lease rather than fail for as long as the holder likes',
  returnTouches(x, entry) {
    if (!['mmap_and_access', 'access_direct_mapping', 'truncate_then_access', 'access_other_mapping'].includes(entry.fn)) return;
    x.read(OBJ.lease); x.read(OBJ.ISIZE); x.all(OBJ.block, 'index', false);
  },
  returned(w, entry, ret) {
    if (entry.fn === 'mmap_and_access') return mmapAndAccess(w, entry.args, ret);
    if (entry.fn === 'access_direct_mapping') return directAccess(w, entry.args[0], entry.args[1], ret);
    if (entry.fn === 'truncate_then_access') return ret < 0 ? null : directAccess(w, entry.args[1], entry.args[2], ret);
    if (entry.fn !== 'access_other_mapping') return null;
    const index = entry.args[0] >> K.PAGE_SHIFT;
    w.read(OBJ.ISIZE);
    // XFS_MMAPLOCK orders the fault with truncate: past the end when it returns, past it when it ran.
    if (index >= w.s[G.ISIZE] && !(ret & K.VM_FAULT_SIGBUS)) {
      return wrong(w, `got ${hex(ret)} at ${hex(index)}, beyond the end of the file (${hex(w.s[G.ISIZE])} pages): an access there must get SIGBUS`, { index: hex(index), ret: hex(ret) });
    }
    if (!(ret & K.VM_FAULT_SIGBUS)) return null;
    w.read(OBJ.lease);
    if (w.s[G.LEASE] !== 1 || w.s[G.MDS] & MDS_BREAK) return null;
    return wrong(w, `got SIGBUS at ${hex(index)}: the MAP_DIRECT lease forbids the allocation, and nothing started the lease break (the holder got no SIGIO), so the write fails for as long as the holder keeps its mapping`, { index: hex(index) });
  },
};
