/*
 * xa-invalidate-waiters in Promela, for comparison with dax-review's explorer (bench/model.ts).
 * It mirrors the model's scenario 'xa-invalidate-waiters' (src/model/scenarios.ts): fs/dax.c and
 * mm/truncate.c of the XArray era as v5.12 writes them.
 *
 * One PTE read fault at index 0x203, whose block is mapped, and three invalidations of
 * 0x203-0x203 (invalidate_inode_pages2_range(), as direct I/O calls it). The fault stores an
 * empty locked entry (grab_mapping_entry()), puts the block's entry in its place, still locked
 * (dax_insert_entry()), maps the PTE and unlocks the entry, waking one waiter
 * (dax_unlock_entry()). Each invalidation that finds the entry waits in get_unlocked_entry()
 * for it to be unlocked, exclusively, on the hashed wait queue of key 0x203; then
 * __dax_invalidate_entry() deletes the clean entry and puts it with put_unlocked_entry(),
 * which wakes one waiter. A waiter woken after the entry is gone finds nothing, and
 * put_unlocked_entry(NULL) wakes nobody.
 *
 * WAKE_ALL chooses the wake after the invalidation: 0 is v5.12 (wake one), 1 is v5.14 ("dax:
 * Wake up all waiters after invalidating dax entry": put_unlocked_entry(&xas, entry,
 * WAKE_ALL)). With 0, the fault's unlock wakes one invalidation, which deletes the entry and
 * wakes the second; the second finds no entry and wakes nobody, and the third sleeps in
 * schedule() forever: SPIN reports an invalid end state (a process blocked at a line that is
 * not an end label). With 1 every waiter is woken and finds the entry gone.
 *
 * The invalidation ends by unmapping the range, so no PTE is left mapping a pfn whose entry
 * is gone: init checks that once every other process has returned, as the model's
 * stale-mapping property does.
 *
 *   spin -DWAKE_ALL=0 -a xa-invalidate-waiters.pml && gcc -O2 -DSAFETY -o pan pan.c && ./pan
 *
 * Each statement's comment quotes the kernel line (v5.12) it stands for.
 */
#ifndef WAKE_ALL
#define WAKE_ALL 0
#endif

#define NP    4         /* the fault (0) and the invalidations (1..3): the waiters a queue can hold */
#define KEY   515       /* 0x203: key->entry_start of a PTE entry (dax_entry_waitqueue()) */

#define NONE  0         /* no entry at 0x203 */
#define EMPTY 1         /* dax_make_entry(pfn_to_pfn_t(0), DAX_EMPTY) */
#define PFN   2         /* dax_make_entry(pfn, 0): the block's entry */

bool xa_lock;           /* mapping->i_pages.xa_lock, a spin lock taken with interrupts off */
byte slot;              /* the entry at 0x203 in mapping->i_pages */
bool slot_locked;       /* its DAX_LOCKED bit */
bool pte;               /* the PTE of 0x203 maps the block's pfn */
byte wq_ticket[NP];     /* place in the wait queue, 0 when not queued */
short wq_key[NP];       /* ewait.key.entry_start of each waiter */
byte wq_len;

inline xas_lock_irq()   { atomic { !xa_lock -> xa_lock = 1 } }
inline xas_unlock_irq() { xa_lock = 0 }

/*
 * __wake_up(wq, TASK_NORMAL, all ? 0 : 1, &key) from dax_wake_entry(): walks the queue in order
 * and calls each waiter's wake_exceptional_entry_func(), which ignores a waiter on another key
 * (one that hashed to the same queue) and otherwise wakes it and takes it off the queue
 * (autoremove_wake_function()); every wait is exclusive, so waking one stops at the first woken.
 */
inline wake_up(key, all) {
  atomic {
    k = 1; woken = 0;
    do
    :: k <= wq_len ->
       j = 0;
       do
       :: j < NP && wq_ticket[j] != k -> j++
       :: else -> break
       od;
       if
       :: wq_key[j] == key && (all || woken == 0) ->
          m = 0;
          do
          :: m < NP -> if :: wq_ticket[m] > k -> wq_ticket[m]-- :: else fi; m++
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
 * get_unlocked_entry(xas, 0): called and returning with the i_pages lock held. The order
 * check (dax_entry_order(entry) < order) never holds for order 0, and every entry here is a
 * value entry (WARN_ON_ONCE(!xa_is_value(entry))), so neither is written.
 */
inline get_unlocked_entry() {
  do
  :: entry = slot;                      /* entry = xas_find_conflict(xas); */
     if
     :: entry == NONE -> break          /* if (!entry || ...) return entry; */
     :: entry != NONE && !slot_locked ->
        break                           /* if (!dax_is_locked(entry)) return entry; */
     :: else
     fi;
     /* wq = dax_entry_waitqueue(xas, entry, &ewait.key);
      * prepare_to_wait_exclusive(wq, &ewait.wait, TASK_UNINTERRUPTIBLE); */
     atomic { wq_len++; wq_ticket[me] = wq_len; wq_key[me] = KEY };
     xas_unlock_irq();                  /* xas_unlock_irq(xas); xas_reset(xas); */
     wq_ticket[me] == 0;                /* schedule(); finish_wait(wq, &ewait.wait); */
     xas_lock_irq()                     /* xas_lock_irq(xas); */
  od
}

/* do_dax_fault(0x203, read) -> dax_iomap_pte_fault(); the fault is inside i_size. */
proctype fault() {
  byte me = 0;
  byte entry, k, j, m, woken;
  /* grab_mapping_entry(&xas, mapping, 0) */
  xas_lock_irq();                       /* retry: xas_lock_irq(xas); */
  get_unlocked_entry();                 /* entry = get_unlocked_entry(xas, order); */
  if
  :: entry != NONE ->
     slot_locked = 1                    /* if (entry) { dax_lock_entry(xas, entry); } */
  :: else ->
     slot = EMPTY; slot_locked = 1;     /* entry = dax_make_entry(pfn_to_pfn_t(0), flags);
                                         * dax_lock_entry(xas, entry); mapping->nrexceptional++; */
     entry = EMPTY
  fi;
  xas_unlock_irq();                     /* out_unlock: xas_unlock_irq(xas); */
  /* no PMD is mapped (pmd_trans_huge(*vmf->pmd)); ops->iomap_begin() gives IOMAP_MAPPED;
   * dax_iomap_pfn() the block's pfn: nothing the other threads see */
  /* dax_insert_entry(&xas, mapping, vmf, entry, pfn, 0, write) */
  xas_lock_irq();                       /* xas_reset(xas); xas_lock_irq(xas); */
  if
  :: entry == EMPTY ->
     slot = PFN; entry = PFN            /* if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry)) {
                                         *     old = dax_lock_entry(xas, new_entry); entry = new_entry; } */
  :: else                               /* } else { xas_load(xas); } */
  fi;
  xas_unlock_irq();                     /* xas_unlock_irq(xas); */
  pte = 1;                              /* ret = vmf_insert_mixed(vma, vaddr, pfn); */
  /* unlock_entry: dax_unlock_entry(&xas, entry) */
  xas_lock_irq();                       /* xas_reset(xas); xas_lock_irq(xas); */
  slot_locked = 0;                      /* old = xas_store(xas, entry); */
  xas_unlock_irq();                     /* xas_unlock_irq(xas); */
  wake_up(KEY, 0);                      /* dax_wake_entry(xas, entry, false); */
  entry = NONE
}

/* invalidate_inode_pages2_range(mapping, 0x203, 0x203) of mm/truncate.c */
proctype invalidate(byte me) {
  byte entry, k, j, m, woken;
  if
  :: slot != NONE ->                    /* index = pagevec_lookup_entries(mapping, index); (0x203) */
     if
     :: slot != NONE ->                 /* entry = find_get_entry(mapping, index);
                                         * if (xa_is_value(entry)) */
        /* dax_invalidate_mapping_entry_sync(mapping, index)
         *   -> __dax_invalidate_entry(mapping, index, false) */
        xas_lock_irq();                 /* xas_lock_irq(&xas); */
        get_unlocked_entry();           /* entry = get_unlocked_entry(&xas, 0); */
        if
        :: entry != NONE ->             /* if (!entry || ...) goto out; the fault's entry is clean:
                                         * no PAGECACHE_TAG_DIRTY or _TOWRITE mark */
           slot = NONE                  /* xas_store(&xas, NULL); mapping->nrexceptional--; ret = 1; */
        :: else                         /* goto out; */
        fi;
        /* out: put_unlocked_entry(&xas, entry); (v5.14: put_unlocked_entry(&xas, entry, WAKE_ALL);) */
        if
        :: entry != NONE ->             /* if (entry && !dax_is_conflict(entry)) */
           wake_up(KEY, WAKE_ALL)       /*     dax_wake_entry(xas, entry, false);  (v5.14: WAKE_ALL) */
        :: else
        fi;
        xas_unlock_irq()                /* xas_unlock_irq(&xas); */
     :: else                            /* NULL: not a value entry, skipped */
     fi
     /* index++; the next pagevec_lookup_entries() finds nothing from 0x204 on: break */
  :: else                               /* nothing from 0x203 on: break */
  fi;
  pte = 0;                              /* unmap_mapping_pages(mapping, start, end - start + 1, false); */
  entry = NONE
}

init {
  atomic { run fault(); run invalidate(1); run invalidate(2); run invalidate(3) };
  /* Waiting here for the others is no defect of the kernel's: an end label. */
end:
  _nr_pr == 1 ->
  assert(!pte || slot != NONE)          /* no PTE maps a pfn whose entry is gone (stale mapping) */
}
