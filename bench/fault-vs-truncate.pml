/*
 * fault-vs-truncate in Promela, for comparison with dax-review's explorer (bench/model.ts):
 * the scenario with symmetry (its faults are alike), where pmd-downgrade has none.
 *
 * NT PTE read faults at index 0x203 race a truncate to 0x203 (v4.10 fs/dax.c, XFS). The
 * block at 0x203 is mapped and its DAX entry is in the tree, unlocked. Each fault runs
 * xfs_filemap_fault(): XFS_MMAPLOCK shared, the size check of dax_iomap_pte_fault(),
 * grab_mapping_entry() (lock the entry, or sleep exclusively on its key in the hashed wait
 * queue while another fault holds it), the PTE mapped by vm_insert_mixed() (a second
 * fault finds it mapped: -EBUSY, no error), put_locked_mapping_entry() (unlock, wake one
 * waiter). The truncate runs xfs_setattr_size() under XFS_MMAPLOCK exclusive: the new
 * size, unmap_mapping_range(), dax_delete_mapping_entry() (waits for the entry to be
 * unlocked, deletes it, passes on a wake-up it may have taken), unmap again, and
 * xfs_itruncate_extents() frees the block.
 *
 * Checked: no process is left asleep (SPIN's invalid end state), and when every process has
 * ended nothing maps or holds index 0x203 beyond the new size (the model's stale-mapping).
 *
 *   spin -a fault-vs-truncate.pml && gcc -O2 -DSAFETY -o pan pan.c && ./pan
 */
#define NT    2
#define KEY   1       /* the entry's key in the hashed wait queue */

byte readers;                   /* XFS_MMAPLOCK: shared holders */
bool writer;                    /* XFS_MMAPLOCK: the exclusive holder */
bool tree_lock;                 /* mapping->tree_lock */
bool entry_present = 1;         /* the DAX entry at 0x203 */
bool entry_locked;
bool pte_mapped;                /* the PTE of 0x203 */
bool beyond;                    /* i_size no longer covers 0x203 */
bool block = 1;                 /* the block at 0x203 is allocated */
byte wq_ticket[NT + 1];         /* place in the wait queue, 0 when not queued */
byte wq_len;

inline spin_lock_irq()   { atomic { !tree_lock -> tree_lock = 1 } }
inline spin_unlock_irq() { tree_lock = 0 }

/* __wake_up(wq, TASK_NORMAL, 1, key): wakes the first waiter; every waiter here waits on KEY. */
inline wake_up_one() {
  atomic {
    if
    :: wq_len > 0 ->
       j = 0;
       do
       :: j <= NT && wq_ticket[j] != 1 -> j++
       :: else -> break
       od;
       m = 0;
       do
       :: m <= NT -> if :: wq_ticket[m] > 1 -> wq_ticket[m]-- :: else fi; m++
       :: else -> break
       od;
       wq_ticket[j] = 0; wq_len--
    :: else
    fi;
    j = 0; m = 0
  }
}

/* get_unlocked_mapping_entry(): with tree_lock held, the entry once it is unlocked. */
inline get_unlocked_mapping_entry() {
  do
  :: !entry_present -> found = 0; break
  :: entry_present && !entry_locked -> found = 1; break
  :: entry_present && entry_locked ->
     /* prepare_to_wait_exclusive(), under tree_lock */
     atomic { wq_len++; wq_ticket[me] = wq_len };
     spin_unlock_irq();
     wq_ticket[me] == 0;        /* schedule() until woken */
     spin_lock_irq()
  od
}

proctype fault(byte me) {
  bool found;
  byte j, m;
  atomic { !writer -> readers++ };        /* xfs_ilock(XFS_MMAPLOCK_SHARED) */
  if
  :: beyond -> goto out                  /* pos >= i_size: VM_FAULT_SIGBUS */
  :: else
  fi;
restart:
  spin_lock_irq();                       /* grab_mapping_entry() */
  get_unlocked_mapping_entry();
  if
  :: !found ->
     spin_unlock_irq();                  /* radix_tree_preload() succeeds */
     spin_lock_irq();
     if
     :: entry_present -> spin_unlock_irq(); goto restart
     :: else
     fi;
     entry_present = 1; entry_locked = 1; /* an empty locked entry */
     spin_unlock_irq()
  :: else ->
     entry_locked = 1;                   /* lock_slot() */
     spin_unlock_irq()
  fi;
  assert(block);                         /* iomap_begin(): IOMAP_MAPPED */
  spin_lock_irq();                       /* dax_insert_mapping_entry(): the entry stays */
  spin_unlock_irq();
  pte_mapped = 1;                        /* vm_insert_mixed() (-EBUSY when mapped) */
  spin_lock_irq();                       /* put_locked_mapping_entry() */
  entry_locked = 0;
  spin_unlock_irq();
  wake_up_one();
out:
  readers--                              /* xfs_iunlock(XFS_MMAPLOCK_SHARED) */
}

proctype truncate() {
  bool found;
  byte me = NT, j, m;
  atomic { !writer && readers == 0 -> writer = 1 };  /* XFS_MMAPLOCK_EXCL */
  beyond = 1;                            /* i_size_write() */
  pte_mapped = 0;                        /* unmap_mapping_range() */
  spin_lock_irq();                       /* dax_delete_mapping_entry() */
  get_unlocked_mapping_entry();
  if
  :: found -> entry_present = 0          /* radix_tree_delete() */
  :: else
  fi;
  wake_up_one();                         /* put_unlocked_mapping_entry() */
  spin_unlock_irq();
  pte_mapped = 0;                        /* unmap_mapping_range() again */
  block = 0;                             /* xfs_itruncate_extents() */
  writer = 0
}

init {
  atomic { run truncate(); run fault(0); run fault(1) };
  _nr_pr == 1;
  assert(!(beyond && (pte_mapped || entry_present || entry_locked)))
}
