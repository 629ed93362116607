// The FL_LAYOUT lease of a MAP_DIRECT mapping (fs/locks.c v4.14, fs/mapdirect.c of the MAP_DIRECT
// v7 series): taken when mmap(MAP_DIRECT) registers the mapping, broken by whoever would change
// the block map (truncate, fallocate, write(2), and with the fix Dan Williams proposes, an
// allocating write fault), removed when lease-break-time expires (the mapping is invalidated:
// its faults get SIGBUS). The vma mmap(2) sets up and the inode's MAP_DIRECT traits (DAX,
// reflinked) are kept here too, and each task's credentials.
//
// What the lease promises: while the process has its MAP_DIRECT mapping and the mapping has not
// been invalidated, the block map under it does not change (RDMA and hypervisors use the
// physical layout); a breaker waits for the lease to go first. A primitive that changes the
// block map checks it (layoutChange()).
import { G, OBJ, THREAD, Vma } from '../../kernel/layout';
import type { Step } from '../../kernel/step';
import type { KernelObject, Prim } from '../object';
import { hex } from '../format';


/** mmap(2)'s flags (x86 values, include/uapi/asm-generic/mman*.h with MAP_DIRECT of v7 06/12). */
export const MAP_FLAGS = {
  MAP_SHARED: 0x01, MAP_PRIVATE: 0x02, MAP_SHARED_VALIDATE: 0x03, MAP_TYPE: 0x0f, MAP_FIXED: 0x10, MAP_ANONYMOUS: 0x20,
  MAP_GROWSDOWN: 0x100, MAP_DENYWRITE: 0x800, MAP_EXECUTABLE: 0x1000, MAP_LOCKED: 0x2000, MAP_NORESERVE: 0x4000,
  MAP_POPULATE: 0x8000, MAP_NONBLOCK: 0x10000, MAP_STACK: 0x20000, MAP_HUGETLB: 0x40000, MAP_DIRECT: 0x80000,
  MAP_UNINITIALIZED: 0x4000000,
};
/** The flags mmap(2) knew before MAP_SHARED_VALIDATE (include/linux/mman.h of v7 01/12). */
export const LEGACY_MAP_MASK = MAP_FLAGS.MAP_SHARED | MAP_FLAGS.MAP_PRIVATE | MAP_FLAGS.MAP_FIXED | MAP_FLAGS.MAP_ANONYMOUS | MAP_FLAGS.MAP_UNINITIALIZED |
  MAP_FLAGS.MAP_GROWSDOWN | MAP_FLAGS.MAP_DENYWRITE | MAP_FLAGS.MAP_EXECUTABLE | MAP_FLAGS.MAP_LOCKED | MAP_FLAGS.MAP_NORESERVE | MAP_FLAGS.MAP_POPULATE |
  MAP_FLAGS.MAP_NONBLOCK | MAP_FLAGS.MAP_STACK | MAP_FLAGS.MAP_HUGETLB;

/** mmap(2)'s flags as a caller writes them: "MAP_SHARED_VALIDATE | MAP_DIRECT | 0x200000". */
export function mapFlagWords(flags: number): string {
  const words = [(flags & MAP_FLAGS.MAP_TYPE) === MAP_FLAGS.MAP_SHARED_VALIDATE ? 'MAP_SHARED_VALIDATE' : 'MAP_SHARED'];
  if (flags & MAP_FLAGS.MAP_DIRECT) words.push('MAP_DIRECT');
  const other = flags & ~(MAP_FLAGS.MAP_TYPE | MAP_FLAGS.MAP_DIRECT);
  if (other) words.push(hex(other));
  return words.join(' | ');
}

/** mds_state bits (bit numbers as the series has them: MAPDIRECT_BREAK 0, MAPDIRECT_VALID 1). */
export const MDS_BREAK = 1;
export const MDS_VALID = 2;
/** INODE_FLAGS bits. */
export const S_DAX = 1;
export const S_REFLINK = 2;
/** CRED bits. */
export const CRED_OWNER = 1;
export const CRED_CAP_LEASE = 2;

/** Whether the process holds a MAP_DIRECT mapping whose lease has not been given up: mmap()
 *  returned it and lease-break-time has not invalidated it. */
export function mappingInForce(st: Int32Array): boolean {
  return st[G.VMA_LINKED] === 1 && st[G.VMA_OPS] === 2 && (st[G.MDS] & MDS_VALID) !== 0;
}

/** A change of the block map at index (what: "allocation", "truncate"): a fault while a MAP_DIRECT
 *  mapping is in force, whether or not its lease break has started (the holder may still be
 *  using the old layout until it unmaps or lease-break-time invalidates the mapping). */
export function layoutChange(w: Step, index: number, what: string): void {
  w.read(OBJ.lease); w.read(OBJ.vma);
  if (!mappingInForce(w.s)) return;
  const told = w.s[G.LEASE] === 1 && (w.s[G.MDS] & MDS_BREAK) !== 0;
  const lease = !w.s[G.LEASE] ? 'its lease was removed without invalidating it'
    : told ? 'the lease holder was told (SIGIO) but neither gave the layout up nor ran out of lease-break-time'
      : 'the lease is unbroken: the holder was told nothing (no SIGIO)';
  w.commit('layout-changed', `the block map at ${hex(index)} changes (${what}) under a MAP_DIRECT mapping still in force: ${lease}, ` +
    'and it still relies on the old layout', { index: hex(index), change: what });
}

/** The state of a MAP_DIRECT mapping the process made before a scenario begins: its lease held
 *  and valid, i_mapdcount counting it, the vma linked with the direct operations. */
export function establishMapping(s: Int32Array, dax: boolean): void {
  s[G.LEASE] = 1;
  s[G.MDS] = MDS_VALID;
  s[G.MAPDCOUNT] = 1;
  s[G.VMA_OPS] = 2;
  s[G.VMA_FLAGS] = dax ? VM_MIXEDMAP | VM_HUGEPAGE : 0;
  s[G.VMA_PRIVATE] = 1;
  s[G.VMA_LINKED] = 1;
}

const NOTE = {
  lease: (on: boolean) => (on ? 'FL_LAYOUT lease taken' : 'FL_LAYOUT lease removed'),
  timer: 'lease-break-time timer armed',
  sigio: 'SIGIO sent to the lease holder',
  expired: 'lease-break-time expired',
  linked: 'mmap() returned the vma to the process',
};

const prims: Prim[] = [];
const def = (p: Prim): void => { prims.push(p); };

const lease = (w: Step): number => { w.read(OBJ.lease); return w.s[G.LEASE]; };

def({
  name: 'lease_insert', arity: 0, visible: true,
  doc: 'generic_add_lease(): the lease joins the inode\'s list (-EAGAIN when it has one: the model\'s inode holds one lease)',
  run: (w) => {
    if (lease(w)) return -11;
    w.write(OBJ.lease); w.set(G.LEASE, 1); w.note(NOTE.lease(true));
    return 0;
  },
});

def({
  name: 'lease_lookup', arity: 0, visible: true,
  doc: 'the walk of inode->i_flctx->flc_lease under flc_lock: the layout lease, or NULL',
  run: (w) => (lease(w) ? 1 : 0),
});

def({
  name: 'lease_list_empty', arity: 0, visible: true,
  doc: 'list_empty_careful(&inode->i_flctx->flc_lease): no lease (read without flc_lock)',
  run: (w) => (lease(w) ? 0 : 1),
});

def({
  name: 'lease_modify', arity: 0, visible: true,
  doc: 'lease_modify(fl, F_UNLCK, dispose): the lease leaves the list and its breakers are woken',
  run: (w) => { w.read(OBJ.lease); w.write(OBJ.lease); w.set(G.LEASE, 0); w.note(NOTE.lease(false)); return 0; },
});

def({
  name: 'lease_wait_gone', arity: 0, visible: true, mightSleep: true,
  doc: 'wait_event_interruptible(fl->fl_wait, ...): sleeps until the lease is removed (no signal is modelled)',
  blocked: (w) => w.s[G.LEASE] !== 0,
  run: (w) => { lease(w); return 0; },
});

def({
  name: 'mds_test_bit', arity: 1, visible: true,
  doc: 'test_bit(nr, &mds->mds_state)',
  run: (w, [nr]) => { w.read(OBJ.lease); return w.s[G.MDS] & (1 << nr) ? 1 : 0; },
});

def({
  name: 'mds_set_bit', arity: 2, visible: true,
  doc: 'set_bit(nr, &mds->mds_state) / clear_bit(nr, &mds->mds_state) (on: 1 or 0)',
  run: (w, [nr, on]) => {
    w.read(OBJ.lease); w.write(OBJ.lease);
    w.set(G.MDS, on ? w.s[G.MDS] | (1 << nr) : w.s[G.MDS] & ~(1 << nr));
    return 0;
  },
});

def({
  name: 'mds_test_and_set_bit', arity: 1, visible: true,
  doc: 'test_and_set_bit(nr, &mds->mds_state): the bit before, set atomically',
  run: (w, [nr]) => {
    w.read(OBJ.lease); w.write(OBJ.lease);
    const was = w.s[G.MDS] & (1 << nr) ? 1 : 0;
    w.set(G.MDS, w.s[G.MDS] | (1 << nr));
    return was;
  },
});

def({
  name: 'i_mapdcount_add', arity: 1, visible: true,
  doc: 'i_mapdcount_inc() / i_mapdcount_dec() (BUG_ON a count below zero)',
  run: (w, [d]) => {
    w.read(OBJ.lease); w.write(OBJ.lease);
    if (w.s[G.MAPDCOUNT] + d < 0) { w.commit('refcount', 'i_mapdcount_dec() of an inode with no MAP_DIRECT mapping'); return 0; }
    w.add(G.MAPDCOUNT, d);
    return 0;
  },
});

def({
  name: 'i_mapdcount_read', arity: 0, visible: true,
  doc: 'i_mapdcount_read(inode): atomic_read of the count',
  run: (w) => { w.read(OBJ.lease); return w.s[G.MAPDCOUNT]; },
});

def({
  name: 'schedule_delayed_work', arity: 0, visible: true,
  doc: 'schedule_delayed_work(&mds->mds_work, lease_break_time * HZ): arms the timer',
  run: (w) => {
    w.read(OBJ.lease); w.write(OBJ.lease);
    if (w.s[G.TIMER] === 0) { w.set(G.TIMER, 1); w.note(NOTE.timer); }
    return 1;
  },
});

def({
  name: 'kill_fasync', arity: 0, visible: true,
  doc: 'kill_fasync(&fl->fl_fasync, SIGIO, POLL_MSG): the lease holder is told to give the lease up',
  run: (w) => { w.read(OBJ.lease); w.write(OBJ.lease); w.add(G.SIGIO, 1); w.note(NOTE.sigio); return 0; },
});

/** Whether a thread other than t is still running. */
function othersRunning(w: Step): boolean {
  for (let u = 0; u < w.L.nThreads; u++) if (u !== w.t && w.s[w.L.thread(u) + THREAD.STATUS] === 0) return true;
  return false;
}

def({
  name: 'delayed_work_expired', arity: 0, visible: true, mightSleep: true,
  doc: 'the delayed work\'s timer expires: at any point after it was scheduled (1); a timer never armed while the other threads ran to their end never fires (0)',
  blocked: (w) => w.s[G.TIMER] !== 1 && othersRunning(w),
  run: (w) => {
    w.read(OBJ.lease);
    if (w.s[G.TIMER] !== 1) return 0;
    w.write(OBJ.lease); w.set(G.TIMER, 2); w.note(NOTE.expired);
    return 1;
  },
});

def({
  name: 'lease_permitted', arity: 1, visible: false,
  doc: 'uid_eq(current_fsuid(), inode->i_uid) (0) or capable(CAP_LEASE) (1) of the running task',
  run: (w, [which]) => (w.s[w.base + THREAD.CRED] & (which ? CRED_CAP_LEASE : CRED_OWNER) ? 1 : 0),
});

def({
  name: 'inode_flag', arity: 1, visible: false,
  doc: 'IS_DAX(inode) (S_DAX) or xfs_is_reflink_inode(ip) (reflinked extents): the scenario\'s inode',
  run: (w, [bit]) => (w.s[G.INODE_FLAGS] & bit ? 1 : 0),
});

/** vm_flags a DAX mapping of XFS gets (xfs_file_mmap()). */
export const VM_MIXEDMAP = 0x10000000;
export const VM_HUGEPAGE = 0x20000000;

/** The word of a field of a vma: the new one's is state, the other's a constant (a MAP_SHARED
 *  DAX mapping with the ordinary operations). */
const VMA_FIELDS: Record<number, { word: number; other: number }> = {
  0: { word: G.VMA_OPS, other: 1 }, 1: { word: G.VMA_FLAGS, other: VM_MIXEDMAP | VM_HUGEPAGE }, 2: { word: G.VMA_PRIVATE, other: 0 },
};

def({
  name: 'vm_insert_mixed_vma', arity: 1, visible: true,
  doc: 'vm_insert_mixed(vma, ...): BUG_ON(!(vma->vm_flags & VM_MIXEDMAP)) (mm/memory.c v4.14)',
  readsOnly: 'vma',
  run: (w, [vma]) => {
    w.read(OBJ.vma);
    const flags = vma === Vma.New ? w.s[G.VMA_FLAGS] : VMA_FIELDS[1].other;
    if (!(flags & VM_MIXEDMAP)) w.commit('assertion', 'vm_insert_mixed() on a vma without VM_MIXEDMAP: BUG_ON in mm/memory.c');
    return 0;
  },
});

def({
  name: 'vma_field', arity: 2, visible: true,
  doc: 'vma->vm_ops (0), ->vm_flags (1), ->vm_private_data (2)',
  readsOnly: 'vma',
  run: (w, [vma, f]) => { w.read(OBJ.vma); return vma === Vma.New ? w.s[VMA_FIELDS[f].word] : VMA_FIELDS[f].other; },
});

def({
  name: 'vma_set_field', arity: 3, visible: true, writesTo: ['vma'],
  doc: 'vma->vm_ops, ->vm_flags or ->vm_private_data = value, while mmap() sets the vma up',
  run: (w, [vma, f, v]) => {
    if (vma !== Vma.New) { w.commit('assertion', 'a vma the process already has is set up again'); return 0; }
    w.write(OBJ.vma); w.set(VMA_FIELDS[f].word, v);
    return 0;
  },
});

def({
  name: 'vma_link', arity: 0, visible: true, writesTo: ['vma'],
  doc: 'vma_link(): the vma is in the process\'s address space; mmap() returns',
  run: (w) => { w.read(OBJ.vma); w.write(OBJ.vma); w.set(G.VMA_LINKED, 1); w.note(NOTE.linked); return 0; },
});

export const LEASE: KernelObject = {
  name: 'lease',
  // Its primitives touch the file's leases and its mappings.
  touches(x) { x.write(OBJ.lease); x.write(OBJ.vma); },
  doc: 'the MAP_DIRECT FL_LAYOUT lease, its timer, the vma mmap() sets up (fs/locks.c v4.14, MAP_DIRECT v7)',
  prims,
  view(st, _ctx, out) {
    if (!st[G.LEASE] && !st[G.VMA_OPS] && !st[G.MAPDCOUNT] && !st[G.TIMER]) return;
    out.other.lease = st[G.LEASE] ? (st[G.MDS] & MDS_BREAK ? 'held, breaking' : 'held') : 'none';
    out.other.map_direct = `${st[G.MDS] & MDS_VALID ? 'valid' : 'invalid'}, i_mapdcount ${st[G.MAPDCOUNT]}`;
    if (st[G.TIMER]) out.other.lease_break_timer = ['', 'armed', 'expired'][st[G.TIMER]];
    if (st[G.SIGIO]) out.other.sigio = String(st[G.SIGIO]);
    if (st[G.VMA_OPS]) out.other.vma = `${st[G.VMA_OPS] === 2 ? 'xfs_file_vm_direct_ops' : 'xfs_file_vm_ops'}${st[G.VMA_LINKED] ? ', linked' : ', being set up'}`;
  },
};
