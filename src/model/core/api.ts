// The kernel's API as an era of the model sees it: for every function, macro, field and
// constant the modelled C may use, what it is in the model. The lowering (lower.ts) reads it
// for the reference and for patches alike; the static rules and coverage read it too, so a
// kernel API is described here once per era and nowhere else.
//
// Argument templates are C expressions over the call's arguments: `$0`, `$1`, ... stand for
// the C arguments as the call site writes them (lowered in the caller's scope), `$ret` for the
// primitive's result. A template that does not name an argument leaves it unread, so any C may
// stand there (a gfp mask, a node pointer the model has no use for).

import type { Macro } from './macros';

// What a call does to what its caller holds, for the static protocol rules (src/review): the
// resource classes ('unlocked-entry', 'locked-entry', 'spinlock', ...) are the rules'.
/** Truth of an expression: "$" stands for the call's result (its variable, or the call text). */
export interface GuardLiteral { atom: string; value: boolean }

export type Effect =
  /** Takes a resource. `handle`: 'result' or the argument whose text names it (a lock address). */
  | { op: 'acquire'; cls: string; handle: 'result' | number; guard?: GuardLiteral[]; index?: number }
  /** Gives one up, matched by the argument's text against the resource's handles. */
  | { op: 'release'; cls: string; match?: number; lenient?: boolean }
  /** Turns a held resource of one class into another (lock_slot: unlocked entry -> locked entry).
   *  `always`: the result is held even when the path shows nothing to convert (code before it was elided). */
  | { op: 'convert'; from: string; to: string; match?: number; guard?: GuardLiteral[]; always?: boolean }
  /** Removes the entry at an index from the tree: the held entry is gone and its waiters must all be woken.
   *  `nullArg`: a store that deletes only when this argument is NULL (xas_store(&xas, NULL)). */
  | { op: 'delete'; index: number; nullArg?: number }
  /** Stores an entry value in the tree; a locked value leaves the caller holding the entry lock. */
  | { op: 'store'; value: number; index: number | null; guard?: GuardLiteral[] }
  /** Wakes entry waiters; `all` is the argument that says wake all (true, WAKE_ALL) or one (false,
   *  WAKE_NEXT); `missing` is the mode when the call has no such argument. */
  | { op: 'wake'; all: number; missing?: boolean }
  /** Returns an entry value whose lock bit is known. */
  | { op: 'value'; locked: boolean }
  /** May sleep: a violation while the path holds anything atomic. */
  | { op: 'sleeps' }
  /** Reads its arguments only: passing a handle here does not give it away. */
  | { op: 'pure' };

/** What a call means in the model. */
export type CallMeaning =
  /** A kernel primitive (src/model/kernel/prims.ts) with its arguments mapped. */
  | {
    k: 'prim'; prim: string;
    /** The primitive's arguments, as templates; default: the C arguments in order. */
    args?: string[];
    /** The call's value from the primitive's result ($ret); default: $ret. */
    ret?: string;
    /** The primitive's result is stored through this argument (an out-parameter) and the call returns 0. */
    out?: string;
    doc: string;
  }
  /** A modelled function: a call through an ops table whose entries the era knows (vma->vm_ops->fault). */
  | { k: 'fn'; fn: string; doc: string }
  /** A side-effect free expression over the arguments: a macro, an inline helper, a pure entry helper. */
  | { k: 'expr'; e: string; doc: string }
  /** No effect on anything the model holds: the call runs as a no-op (and returns 0). */
  | { k: 'none'; doc: string }
  /** Outside the model: its result is one of `returns`, explored as a choice, and said as an assumption. */
  | { k: 'outside'; returns: number[]; doc: string }
  /**
   * A wait loop of the wait_event family (include/linux/wait.h, wait_bit.h), which the kernel
   * writes as a macro around its condition: queue on the variable's hashed queue, test the
   * condition (the C of argument `condition`, evaluated afresh each time round), run `cmd`
   * (the C of that argument; schedule() when the macro has none) while it is false, then leave
   * the queue. The loop's value is 0: the model sends no signals, so an interruptible wait
   * ends only when its condition holds.
   *
   * `var` is the argument naming the variable waited on: an object (a pointer), or a field of
   * one whose meaning gives its variable number (`&page->_refcount`). Its queue is the
   * variable's key in the wait table (waittable.varKey()), of the object and the number.
   */
  | { k: 'wait'; var: number; condition: number; cmd?: number; exclusive?: number; doc: string };

/** What a field of a kernel struct means in the model. */
export type FieldMeaning =
  /** A constant: the model has one such object (mapping->tree_lock is the one tree_lock). */
  | { k: 'const'; v: number; type?: string; doc?: string; writes?: 'dropped' }
  /** A field the model keeps in memory, in records of its struct (see Api.records). */
  | { k: 'slot'; type?: string }
  /** A field of the modelled state, read through a primitive; its arguments are templates over
   *  `$0`, the object (default: the object alone). */
  | {
    k: 'read'; prim: string; args?: string[]; ret?: string; type?: string; doc?: string;
    /** An assignment to the field runs this primitive: its arguments are templates over `$0`,
     *  the object, and `$1`, the value (for `|=` and the like, the field's value combined). */
    set?: { prim: string; args: string[] };
    /** The field is a variable threads wait on (wait_var_event(&obj->field, ...)): its number
     *  among its object's variables, which the variable's wait-table key holds (waittable.varKey()). */
    variable?: number;
  }
  /** A view of the object's value computed by a template over `$0` (the object). */
  | { k: 'view'; e: string; type?: string; doc?: string }
  /** A counter of the modelled state: `++`, `--`, `+=` and `-=` run the primitive with the delta. */
  | { k: 'counter'; add: string; read?: string; doc?: string }
  /** A field the model does not keep: writes to it are dropped; reading it is outside the model. */
  | { k: 'ignored'; doc?: string };

export interface Api {
  /** The era and the kernel version its table follows, e.g. "radix (v4.10)". */
  era: string;
  calls: Readonly<Record<string, CallMeaning>>;
  /** Calls by the start of their name, for families the table does not list one by one (tracepoints). */
  prefixes?: Readonly<Record<string, CallMeaning>>;
  /** Keyed "struct.field" ("address_space.tree_lock"); "*.field" matches the field of any struct. */
  fields: Readonly<Record<string, FieldMeaning>>;
  /** Structs the model keeps in memory, with the fields each holds, in order. A local of such a
   *  struct is that many words of the frame; a pointer to it reaches them. */
  records: Readonly<Record<string, readonly string[]>>;
  /** Constants and global objects by name (the kernel's constants the era's objects encode, and its own). */
  constants: Readonly<Record<string, number>>;
  /** Reading through a pointer to an object of the modelled state, by the pointee's type
   *  (`*vmf->pmd` of a `pmd_t *`): the primitive that reads it. */
  derefs?: Readonly<Record<string, { prim: string; doc: string }>>;
  /** Arrays of the modelled state, by the type of the pointer a subscript goes through
   *  (`pages[*nr]` of a `struct page **`): the primitives that read (array, index) and write
   *  (array, index, value) an element. */
  arrays?: Readonly<Record<string, { read: string; write: string; doc: string }>>;
  /** What the era's own functions and calls do to what their caller holds (the static rules
   *  read it; kernel APIs every era shares are in eras/common/protocol.ts). */
  protocol: Readonly<Record<string, readonly Effect[]>>;
  /** What the mapping's page count counts: page cache pages, DAX entries apart in nrexceptional
   *  ('entries', to v5.12), or the pages DAX entries cover too ('pages', v5.13 on). */
  accounting?: 'entries' | 'pages';
  /** Who holds references to a DAX page: get_user_pages() only, an idle page at _refcount 1
   *  ('pins', the default), or the mapping too, from its entry going in until break layouts
   *  drops it ('mapping', seed 002's life cycle). */
  pageRefs?: 'pins' | 'mapping';
  /** The era ties a DAX page to its file (page->mapping, dax_associate_entry(), v4.17 on): an
   *  entry present at the start has its pages tied. */
  associates?: boolean;
  /** Functions whose address the era's C passes around (a callback), with the pointer value each
   *  has: a call through a variable holding one calls it. */
  functionPointers?: Readonly<Record<string, number>>;
  /** Function-like macros the era's C uses, expanded before it is parsed (core/macros.ts). */
  macros?: Readonly<Record<string, Macro>>;
}

/** The meaning of a field of a struct, or undefined when the era does not say. */
export function fieldMeaning(api: Api, struct: string | null, field: string): FieldMeaning | undefined {
  if (struct) {
    const own = api.fields[`${struct}.${field}`];
    if (own) return own;
    if (api.records[struct]?.includes(field)) return { k: 'slot' };
  }
  return api.fields[`*.${field}`];
}
