/*
 * pmd-downgrade in Promela, for comparison with dax-review's explorer (bench/model.ts).
 *
 * Three PTE read faults at indexes 0x202, 0x203, 0x204 run grab_mapping_entry() of
 * fs/dax.c (v4.10) over an empty PMD entry at 0x200 that covers all three. The first to
 * find the PMD entry unlocked downgrades it: lock_slot(), drop tree_lock for
 * radix_tree_preload(), retake it, radix_tree_delete() the PMD entry, wake the waiters
 * on the PMD-aligned key 0x200, insert a locked PTE entry at its own index. The others
 * find the PMD entry locked and sleep, exclusively, on key 0x200 in the one hashed wait
 * queue. Each fault ends with put_locked_mapping_entry(): unlock its entry and wake one
 * waiter on its own index.
 *
 * WAKE_ALL selects the nr_exclusive of the downgrade's wake: 0 wakes one waiter (the
 * patch under review), 1 wakes all. With 0, the second sleeper on 0x200 is never woken:
 * SPIN reports it as an invalid end state (a process blocked at a non-end label).
 *
 *   spin -DWAKE_ALL=0 -a pmd-downgrade.pml && gcc -O2 -DSAFETY -o pan pan.c && ./pan
 */
#ifndef WAKE_ALL
#define WAKE_ALL 0
#endif

#define NT    3
#define NONE  0
#define PMD   1
#define PTE   2
#define PMD_KEY 512   /* 0x200 */

bool tree_lock;                 /* mapping->tree_lock */
bool pmd_present = 1;           /* the empty PMD entry at 0x200 */
bool pmd_locked;
bool pte_present[NT];           /* PTE entries at 0x202 + i */
bool pte_locked[NT];
byte wq_ticket[NT];             /* place in the wait queue, 0 when not queued */
short wq_key[NT];               /* the index each waiter waits for */
byte wq_len;

inline spin_lock_irq()   { atomic { !tree_lock -> tree_lock = 1 } }
inline spin_unlock_irq() { tree_lock = 0 }

/*
 * __wake_up(wq, TASK_NORMAL, all ? 0 : 1, key): walks the queue in order and wakes the
 * waiters whose key matches, stopping after the first when waking one; waiters on other
 * keys that hash to the same queue do not count.
 */
inline wake_up(key, all) {
  atomic {
    k = 1; woken = 0;
    do
    :: k <= wq_len ->
       j = 0;
       do
       :: j < NT && wq_ticket[j] != k -> j++
       :: else -> break
       od;
       if
       :: wq_key[j] == key && (all || woken == 0) ->
          m = 0;
          do
          :: m < NT -> if :: wq_ticket[m] > k -> wq_ticket[m]-- :: else fi; m++
          :: else -> break
          od;
          wq_ticket[j] = 0; wq_key[j] = 0; wq_len--; woken++
       :: else -> k++
       fi
    :: else -> break
    od;
    k = 0; j = 0; m = 0; woken = 0
  }
}

/*
 * get_unlocked_mapping_entry(mapping, index): with tree_lock held, returns the entry
 * covering `me`'s index once it is unlocked, sleeping on its key while it is locked.
 */
inline get_unlocked_mapping_entry() {
  do
  :: if
     :: pmd_present ->
        if
        :: !pmd_locked -> entry = PMD; break
        :: else -> key = PMD_KEY
        fi
     :: !pmd_present && pte_present[me] ->
        if
        :: !pte_locked[me] -> entry = PTE; break
        :: else -> key = PMD_KEY + 2 + me
        fi
     :: else -> entry = NONE; break
     fi;
     /* prepare_to_wait_exclusive(), under tree_lock */
     atomic { wq_len++; wq_ticket[me] = wq_len; wq_key[me] = key; key = 0 };
     spin_unlock_irq();
     wq_ticket[me] == 0;        /* schedule() until woken */
     spin_lock_irq()
  od
}

proctype fault(byte me) {
  byte entry, k, j, m, woken;
  short key;
  bool downgrade;
restart:
  spin_lock_irq();
  downgrade = 0;
  get_unlocked_mapping_entry();
  if
  :: entry == PMD -> downgrade = 1      /* a PTE fault over an empty PMD entry */
  :: else
  fi;
  if
  :: entry == NONE || downgrade ->
     if
     :: downgrade -> pmd_locked = 1     /* lock_slot() keeps the entry valid */
     :: else
     fi;
     spin_unlock_irq();
     /* radix_tree_preload() succeeds */
     spin_lock_irq();
     if
     :: entry == NONE && (pmd_present || pte_present[me]) ->
        spin_unlock_irq(); goto restart /* someone inserted an entry meanwhile */
     :: else
     fi;
     if
     :: downgrade ->
        pmd_present = 0; pmd_locked = 0; /* radix_tree_delete() */
        wake_up(PMD_KEY, WAKE_ALL)      /* dax_wake_mapping_entry_waiter(..., wake_all) */
     :: else
     fi;
     pte_present[me] = 1; pte_locked[me] = 1; /* __radix_tree_insert() of a locked PTE entry */
     spin_unlock_irq()
  :: else ->
     pte_locked[me] = 1;                /* lock_slot() */
     spin_unlock_irq()
  fi;
  entry = NONE; downgrade = 0;
  /* put_locked_mapping_entry() */
  spin_lock_irq();
  pte_locked[me] = 0;                   /* unlock_slot() */
  spin_unlock_irq();
  wake_up(PMD_KEY + 2 + me, 0)          /* wake one waiter on its own index */
}

init {
  atomic { run fault(0); run fault(1); run fault(2) }
}
