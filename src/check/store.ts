// The visited set: every distinct (canonical) state the search has reached, packed in
// one arena, plus per-state metadata (BFS parent, depth, sleep set).
//
// Why full states and not bare fingerprints: the arena is needed anyway, because it is
// the BFS queue (states are appended in discovery order and expanded in that order) and
// the source of trace reconstruction. Keeping it also makes the visited set exact: the
// open-addressing table (linear probing, load <= 1/2) stores state ids, lookups compare
// a 32-bit murmur3 fingerprint first and confirm with a full comparison of the stored
// (sparse-encoded) states. A fingerprint collision
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

/**
 * States are stored sparse: [length, bitmap of non-zero words, the non-zero words].
 * Model states are mostly zeros (idle stack frames, empty slots): a 354-word DAX state
 * with 25 live words takes 38 words. The encoding is a function of the state, so encoded
 * forms compare and hash exactly as the states do.
 */
export class StateStore {
  /** Number of states stored; ids are 0..size-1 in discovery order. */
  size = 0;
  private arena = new Int32Array(1 << 16);
  private used = 0;
  private offset = new Int32Array(1 << 12);
  private hash = new Int32Array(1 << 12);
  /** Slot i holds [fingerprint, id + 1] at 2i, 2i + 1; id + 1 is 0 when empty. The
   *  fingerprint beside the id settles most probes without touching the arena. */
  private table = new Int32Array(2 << 13);
  private mask = (1 << 13) - 1;
  /** The last state looked up, encoded, and its fingerprint. */
  private enc = new Int32Array(64);
  private encLen = 0;
  private encHash = 0;
  /** BFS parent id (-1 for the root), depth, the thread of the arriving step, sleep set. */
  parent = new Int32Array(1 << 12);
  depth = new Int32Array(1 << 12);
  via = new Int32Array(1 << 12);
  sleep = new Int32Array(1 << 12);

  /** A copy of state `id`, owned by the caller. */
  get(id: number): Int32Array {
    const a = this.arena;
    const o = this.offset[id];
    const n = a[o];
    const words = (n + 31) >>> 5;
    const s = this.carve(n);
    let v = o + 1 + words;
    for (let w = 0; w < words; w++) {
      let bits = a[o + 1 + w];
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits);
        s[(w << 5) + b] = a[v++];
        bits &= bits - 1;
      }
    }
    return s;
  }

  /**
   * A zeroed array of n words carved from a shared slab: typed arrays over a few dozen
   * bytes each get a backing store of their own, which costs more than decoding the state.
   * Slabs are never reused, so a carved array stays valid as long as anyone holds it.
   */
  private slab = new Int32Array(0);
  private slabUsed = 0;
  private carve(n: number): Int32Array {
    if (this.slabUsed + n > this.slab.length) {
      this.slab = new Int32Array(Math.max(1 << 16, n));
      this.slabUsed = 0;
    }
    const s = this.slab.subarray(this.slabUsed, this.slabUsed + n);
    this.slabUsed += n;
    return s;
  }

  /** The id of state `s`, or -1; remembers `s` for a following add(). */
  lookup(s: Int32Array): number {
    this.encode(s);
    const arena = this.arena;
    const e = this.enc;
    const n = this.encLen;
    const h = this.encHash;
    const table = this.table;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const slot = table[2 * i + 1];
      if (slot === 0) return -1;
      if (table[2 * i] !== h) continue;
      const id = slot - 1;
      const o = this.offset[id];
      if (this.offset[id + 1] - o !== n) continue;
      let j = 0;
      while (j < n && arena[o + j] === e[j]) j++;
      if (j === n) return id;
    }
  }

  /** Adds the state of the last lookup (which found nothing) and returns its id. */
  add(parent: number, depth: number, via: number, sleep: number): number {
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
    const n = this.encLen;
    if (this.used + n > this.arena.length) this.arena = grow(this.arena, this.used + n);
    this.arena.set(this.enc.subarray(0, n), this.used);
    this.offset[id] = this.used;
    this.used += n;
    this.offset[id + 1] = this.used;
    this.hash[id] = this.encHash;
    this.parent[id] = parent;
    this.depth[id] = depth;
    this.via[id] = via;
    this.sleep[id] = sleep;
    if (this.size * 2 > this.mask + 1) this.rehash();
    else this.place(id);
    return id;
  }

  /** lookup() then add() when absent; returns [id, added]. */
  insert(s: Int32Array, parent: number, depth: number, via: number, sleep: number): [number, boolean] {
    const f = this.lookup(s);
    return f >= 0 ? [f, false] : [this.add(parent, depth, via, sleep), true];
  }

  private encode(s: Int32Array): void {
    const n = s.length;
    const words = (n + 31) >>> 5;
    if (this.enc.length < 1 + words + n) this.enc = new Int32Array(2 * (1 + words + n));
    const e = this.enc;
    e[0] = n;
    let v = 1 + words;
    for (let w = 0; w < words; w++) {
      let bits = 0;
      const base = w << 5;
      const end = Math.min(32, n - base);
      for (let b = 0; b < end; b++) {
        const x = s[base + b];
        if (x !== 0) { bits |= 1 << b; e[v++] = x; }
      }
      e[1 + w] = bits;
    }
    this.encLen = v;
    this.encHash = hashState(e.subarray(0, v));
  }

  private place(id: number): void {
    const h = this.hash[id];
    let i = h & this.mask;
    while (this.table[2 * i + 1] !== 0) i = (i + 1) & this.mask;
    this.table[2 * i] = h;
    this.table[2 * i + 1] = id + 1;
  }

  private rehash(): void {
    const slots = (this.mask + 1) * 2;
    this.table = new Int32Array(2 * slots);
    this.mask = slots - 1;
    for (let id = 0; id < this.size; id++) this.place(id);
  }
}
