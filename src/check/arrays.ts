// The search's per-state and per-leaf tables are typed arrays that grow as it goes.

/** A copy of `a` with room for index `id`, at least twice as long. */
export function widen<T extends Int32Array | Uint8Array>(a: T, id: number): T {
  let n = a.length * 2;
  while (n <= id) n *= 2;
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}
