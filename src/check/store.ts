// The visited set: every distinct (canonical) state the search has reached, packed in
// one arena, plus per-state metadata (BFS parent, depth, sleep set).
//
// Why full states and not bare fingerprints: the arena is needed anyway, because it is
// the BFS queue (states are appended in discovery order and expanded in that order) and
// the source of trace reconstruction. Keeping it also makes the visited set exact: the
// open-addressing table stores state ids, lookups compare a 32-bit murmur3 fingerprint
// first and confirm with a full comparison of the packed states. A fingerprint collision
// therefore costs one extra comparison and can never merge two different states, so an
// 'ok' verdict is a proof over the model, not a probabilistic one (hash compaction, as
// in SPIN's -DHC or bitstate modes, may silently drop states).

/** murmur3 (32-bit) over the words of a state. */
export function hashState(s: Int32Array): number {
  let h = 0x9747b28c ^ s.length;
  for (let i = 0; i < s.length; i++) {
    let k = Math.imul(s[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

export function sameState(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function grow(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  let n = a.length * 2;
  while (n < need) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

export class StateStore {
  /** Number of states stored; ids are 0..size-1 in discovery order. */
  size = 0;
  private arena = new Int32Array(1 << 16);
  private used = 0;
  private offset = new Int32Array(1 << 12);
  private hash = new Int32Array(1 << 12);
  /** id + 1 of the state in each slot, 0 when empty. */
  private table = new Int32Array(1 << 13);
  private mask = (1 << 13) - 1;
  /** BFS parent id (-1 for the root), depth, the thread of the arriving step, sleep set. */
  parent = new Int32Array(1 << 12);
  depth = new Int32Array(1 << 12);
  via = new Int32Array(1 << 12);
  sleep = new Int32Array(1 << 12);

  /** The stored words of state `id`; a view, valid until the next insert. */
  view(id: number): Int32Array {
    return this.arena.subarray(this.offset[id], this.offset[id + 1]);
  }

  /** A copy of state `id`, owned by the caller. */
  get(id: number): Int32Array {
    return this.arena.slice(this.offset[id], this.offset[id + 1]);
  }

  /** The id of state `s` (with fingerprint `h`), or -1. */
  find(s: Int32Array, h: number): number {
    const arena = this.arena;
    const n = s.length;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const e = this.table[i];
      if (e === 0) return -1;
      const id = e - 1;
      if (this.hash[id] !== h) continue;
      const o = this.offset[id];
      if (this.offset[id + 1] - o !== n) continue;
      let j = 0;
      while (j < n && arena[o + j] === s[j]) j++;
      if (j === n) return id;
    }
  }

  /** Adds state `s` (not present) and returns its id. */
  insert(s: Int32Array, h: number, parent: number, depth: number, via: number, sleep: number): number {
    const id = this.size++;
    if (id + 2 > this.offset.length) {
      const need = id + 2;
      this.offset = grow(this.offset, need);
      this.hash = grow(this.hash, need);
      this.parent = grow(this.parent, need);
      this.depth = grow(this.depth, need);
      this.via = grow(this.via, need);
      this.sleep = grow(this.sleep, need);
    }
    this.arena = grow(this.arena, this.used + s.length);
    this.arena.set(s, this.used);
    this.offset[id] = this.used;
    this.used += s.length;
    this.offset[id + 1] = this.used;
    this.hash[id] = h;
    this.parent[id] = parent;
    this.depth[id] = depth;
    this.via[id] = via;
    this.sleep[id] = sleep;
    if (this.size * 2 > this.table.length) this.rehash();
    else this.place(id);
    return id;
  }

  /** Bytes held, for reports. */
  bytes(): number {
    return (this.arena.length + this.table.length + this.offset.length * 6) * 4;
  }

  private place(id: number): void {
    let i = this.hash[id] & this.mask;
    while (this.table[i] !== 0) i = (i + 1) & this.mask;
    this.table[i] = id + 1;
  }

  private rehash(): void {
    this.table = new Int32Array(this.table.length * 2);
    this.mask = this.table.length - 1;
    for (let id = 0; id < this.size; id++) this.place(id);
  }
}
