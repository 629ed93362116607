// The search's per-state and per-leaf tables are typed arrays that grow as it goes.

/** A thread mask per state (a sleep set, the threads whose steps were pruned): a byte while
 *  the machine has at most 8 threads, else a word. */
export type ThreadMasks = Uint8Array | Int32Array;
export function threadMasks(threads: number, n: number): ThreadMasks {
  return threads <= 8 ? new Uint8Array(n) : new Int32Array(n);
}

/** A copy of `a` with room for index `id`, at least twice as long. */
export function widen<T extends Int32Array | Uint8Array | Uint16Array>(a: T, id: number): T {
  let n = a.length * 2;
  while (n <= id) n *= 2;
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/** One bit per state (a flag most states lack), in words that grow as the ids do. */
export class BitSet {
  private words = new Int32Array(1 << 7);

  has(id: number): boolean { return (id >> 5) < this.words.length && (this.words[id >> 5] & (1 << (id & 31))) !== 0; }

  set(id: number): void {
    if ((id >> 5) >= this.words.length) this.words = widen(this.words, id >> 5);
    this.words[id >> 5] |= 1 << (id & 31);
  }

  clear(id: number): void {
    if ((id >> 5) < this.words.length) this.words[id >> 5] &= ~(1 << (id & 31));
  }

  get byteLength(): number { return this.words.byteLength; }
}
