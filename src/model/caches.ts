// The search's caches, behind one switch. A search remembers what it computed so it need not
// compute it again: a thread's steps by the words they read (memo.ts, StepMemo), each
// function's local code compiled to JavaScript (vm.ts, runners), and what a thread does and
// which invariants a state breaks by the blocks they read (check/recall.ts). None of them may
// change a verdict or a count: with the switch off every value is computed afresh, and the
// equivalence tests run the scenarios both ways.

let on = true;

/** Whether the caches are used by searches built from now on. */
export function cachesOn(): boolean { return on; }

/** Turns every cache of searches built from now on on or off. */
export function useCaches(value: boolean): void { on = value; }

/** Runs f with the caches on or off, then puts the switch back. */
export function withCaches<T>(value: boolean, f: () => T): T {
  const before = on;
  on = value;
  try { return f(); } finally { on = before; }
}
