// The visited set: every distinct (canonical) state the search has reached, packed in
// one arena (a list of chunks), plus per-state metadata (BFS parent, depth, sleep set).
//
// Why full states and not bare fingerprints: the arena is needed anyway, because it is
// the BFS queue (states are appended in discovery order and expanded in that order) and
// the source of trace reconstruction. Keeping it also makes the visited set exact: the
// open-addressing table (linear probing, load <= 1/2) stores where each state's record
// is, lookups compare a 32-bit fingerprint first and confirm with a full comparison
// against the stored state. A fingerprint collision therefore costs one extra comparison
// and can never merge two different states, so an 'ok' verdict is a proof over the
// model, not a probabilistic one (hash compaction, as in SPIN's -DHC or bitstate modes,
// may silently drop states).
//
// The fingerprint is a sum over the non-zero words of a mix of (index, value), so a
// successor's fingerprint follows from its parent's and the few words the step changed
// (`lookupFrom`): a step of the model rewrites a handful of a state's hundreds of words,
// and the search no longer reads a state twice to hash it.

/** Per word index, a salt that makes the same value at two indexes mix differently. */
let salts = new Int32Array(0);

function saltsFor(n: number): Int32Array {
  if (salts.length < n) {
    const s = new Int32Array(Math.max(n, 2 * salts.length, 256));
    for (let i = 0; i < s.length; i++) s[i] = fmix(Math.imul(i + 1, 0x9e3779b1));
    salts = s;
  }
  return salts;
}

/** murmur3's finaliser: a bijection of 32-bit integers. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** The fingerprint's term for word i holding x: 0 for a zero word. */
function term(salt: Int32Array, i: number, x: number): number {
  return x === 0 ? 0 : fmix(Math.imul(x, 0xcc9e2d51) ^ salt[i]);
}

/** The fingerprint of a state: the sum of the terms of its non-zero words. */
export function hashState(s: Int32Array): number {
  const salt = saltsFor(s.length);
  let h = s.length;
  for (let i = 0; i < s.length; i++) {
    const x = s[i];
    if (x !== 0) h = (h + fmix(Math.imul(x, 0xcc9e2d51) ^ salt[i])) | 0;
  }
  return h;
}

/** The number of non-zero words of a state. */
function nonZero(s: Int32Array): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) n += (s[i] | -s[i]) >>> 31;
  return n;
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
 * A state is stored as one record: [id, length, non-zero words, fingerprint, bitmap of
 * non-zero words, the non-zero words]. Model states are mostly zeros (idle stack frames,
 * empty slots): a 308-word DAX state with 76 live words takes 90 words. The encoding is a
 * function of the state, so encoded forms compare and hash exactly as the states do.
 * States of at most DENSE words are stored as they are, after the header: a bitmap saves
 * them little and costs a bitmap walk on every store and comparison.
 *
 * The table holds [fingerprint, record offset + 1] per slot, so that a lookup which finds
 * its state touches two places: the slot, and the record, whose header says the id, the
 * length and the non-zero count beside the words to compare. On big searches both are
 * cache misses; per-state arrays consulted on the way would each add one.
 */
const HEAD = 4;
const R_ID = 0;
const R_LEN = 1;
const R_NZ = 2;
const R_HASH = 3;
const DENSE = 32;

/**
 * The arena is a list of chunks, so that it never copies itself to grow: a record's offset
 * is its chunk << CHUNK_SHIFT | its word in the chunk, and no record straddles two chunks.
 */
const CHUNK_SHIFT = 20;
const CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;

export class StateStore {
  /** Number of states stored; ids are 0..size-1 in discovery order. */
  size = 0;
  private chunks: Int32Array[] = [new Int32Array(1 << 14)];
  /** The chunk records are appended to, and its words in use. */
  private chunk = this.chunks[0];
  private used = 0;
  /** Per state, the offset of its record. */
  private offset = new Int32Array(1 << 12);
  /** Slot i holds [fingerprint, record offset + 1] at 2i, 2i + 1; 0 when empty. The
   *  fingerprint beside the offset settles most probes without touching the arena. */
  private table = new Int32Array(2 << 13);
  private mask = (1 << 13) - 1;
  /** The last state looked up (which found nothing), its fingerprint and non-zero count. */
  private last: Int32Array = new Int32Array(0);
  private lastHash = 0;
  private lastNz = 0;
  /** When the last state looked up came from lookupFrom(): the words where it differs from
   *  its parent, their number, and the parent's id; nDiff -1 otherwise. */
  private readonly diff = new Int32Array(64);
  private nDiff = -1;
  private diffFrom = 0;
  /** BFS parent id (-1 for the root), depth, the thread of the arriving step, sleep set. */
  parent = new Int32Array(1 << 12);
  depth = new Int32Array(1 << 12);
  via = new Int32Array(1 << 12);
  sleep = new Int32Array(1 << 12);

  /** A copy of state `id`, owned by the caller; `words` gives the n words to fill, which
   *  need not be zero. */
  get(id: number, words: (n: number) => Int32Array = this.carve): Int32Array {
    const a = this.chunks[this.offset[id] >>> CHUNK_SHIFT];
    const o = this.offset[id] & CHUNK_MASK;
    const n = a[o + R_LEN];
    const s = words(n);
    if (n <= DENSE) {
      for (let i = 0; i < n; i++) s[i] = a[o + HEAD + i];
      return s;
    }
    s.fill(0);
    const bitmap = (n + 31) >>> 5;
    let v = o + HEAD + bitmap;
    for (let w = 0; w < bitmap; w++) {
      let bits = a[o + HEAD + w];
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits);
        s[(w << 5) + b] = a[v++];
        bits &= bits - 1;
      }
    }
    return s;
  }

  /**
   * An array of n words carved from a shared slab: typed arrays over a few dozen
   * bytes each get a backing store of their own, which costs more than decoding the state.
   * Slabs are never reused, so a carved array stays valid as long as anyone holds it.
   */
  private slab = new Int32Array(0);
  private slabUsed = 0;
  private readonly carve = (n: number): Int32Array => {
    if (this.slabUsed + n > this.slab.length) {
      this.slab = new Int32Array(Math.max(1 << 16, n));
      this.slabUsed = 0;
    }
    const s = this.slab.subarray(this.slabUsed, this.slabUsed + n);
    this.slabUsed += n;
    return s;
  };

  /** The id of state `s`, or -1; remembers `s` for a following add(). */
  lookup(s: Int32Array): number {
    this.nDiff = -1;
    return this.find(s, hashState(s), nonZero(s));
  }

  /**
   * lookup() of `s`, a successor of stored state `id` whose words are `parent` (as get()
   * gave them): the fingerprint and the non-zero count follow from the parent's and the
   * words that differ. `changed`, when given, lists the only words that may differ, as
   * [from, to) pairs in ascending order (Transition's `changed`, when the machine says).
   */
  lookupFrom(s: Int32Array, id: number, parent: Int32Array, changed?: readonly number[]): number {
    const n = s.length;
    if (n !== parent.length) return this.lookup(s);
    const salt = saltsFor(n);
    const a = this.chunks[this.offset[id] >>> CHUNK_SHIFT];
    const o = this.offset[id] & CHUNK_MASK;
    let h = a[o + R_HASH];
    let nz = a[o + R_NZ];
    const diff = this.diff;
    let nd = 0;
    const ranges = changed ? changed.length : 2;
    for (let r = 0; r < ranges; r += 2) {
      const lo = changed ? changed[r] : 0;
      const hi = changed ? Math.min(changed[r + 1], n) : n;
      // Four words at a time: a step changes a few words of hundreds, so most groups are equal.
      for (let i = lo; i < hi; i += 4) {
        if (i + 4 <= hi && ((s[i] ^ parent[i]) | (s[i + 1] ^ parent[i + 1]) | (s[i + 2] ^ parent[i + 2]) | (s[i + 3] ^ parent[i + 3])) === 0) continue;
        const end = Math.min(i + 4, hi);
        for (let j = i; j < end; j++) {
          const x = s[j];
          const y = parent[j];
          if (x === y) continue;
          h = (h - term(salt, j, y) + term(salt, j, x)) | 0;
          nz += ((x | -x) >>> 31) - ((y | -y) >>> 31);
          if (nd < diff.length) diff[nd] = j;
          nd++;
        }
      }
    }
    const f = this.find(s, h, nz);
    this.nDiff = nd <= diff.length ? nd : -1;
    this.diffFrom = id;
    return f;
  }

  /**
   * The id of `s`, whose fingerprint is h and which has nz non-zero words, or -1. A stored
   * state of the same length and non-zero count whose non-zero words all equal s's words
   * there is s: s has no room for another non-zero word.
   */
  private find(s: Int32Array, h: number, nz: number): number {
    const table = this.table;
    const mask = this.mask;
    const n = s.length;
    const words = (n + 31) >>> 5;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = table[2 * i + 1];
      if (slot === 0) break;
      if (table[2 * i] !== h) continue;
      const a = this.chunks[(slot - 1) >>> CHUNK_SHIFT];
      const o = (slot - 1) & CHUNK_MASK;
      if (a[o + R_LEN] !== n || a[o + R_NZ] !== nz) continue;
      let same = true;
      if (n <= DENSE) {
        for (let i = 0; i < n; i++) if (s[i] !== a[o + HEAD + i]) { same = false; break; }
        if (same) return a[o + R_ID];
        continue;
      }
      let v = o + HEAD + words;
      for (let w = 0; w < words && same; w++) {
        for (let bits = a[o + HEAD + w]; bits !== 0; bits &= bits - 1) {
          if (s[(w << 5) + 31 - Math.clz32(bits & -bits)] !== a[v++]) { same = false; break; }
        }
      }
      if (same) return a[o + R_ID];
    }
    this.last = s;
    this.lastHash = h;
    this.lastNz = nz;
    return -1;
  }

  /** Adds the state of the last lookup (which found nothing) and returns its id. */
  add(parent: number, depth: number, via: number, sleep: number): number {
    const id = this.size++;
    if (id + 2 > this.offset.length) {
      const need = id + 2;
      this.offset = grow(this.offset, need);
      this.parent = grow(this.parent, need);
      this.depth = grow(this.depth, need);
      this.via = grow(this.via, need);
      this.sleep = grow(this.sleep, need);
    }
    const o = this.encode(this.last, id);
    this.parent[id] = parent;
    this.depth[id] = depth;
    this.via[id] = via;
    this.sleep[id] = sleep;
    if (this.size * 2 > this.mask + 1) this.rehash();
    this.place(this.lastHash, o);
    return id;
  }

  /** lookup() then add() when absent; returns [id, added]. */
  insert(s: Int32Array, parent: number, depth: number, via: number, sleep: number): [number, boolean] {
    const f = this.lookup(s);
    return f >= 0 ? [f, false] : [this.add(parent, depth, via, sleep), true];
  }

  /** Appends the record of s to the arena as state `id`; returns its offset. */
  private encode(s: Int32Array, id: number): number {
    const n = s.length;
    const words = (n + 31) >>> 5;
    const len = HEAD + (n <= DENSE ? n : words + this.lastNz);
    if (this.used + len > this.chunk.length) {
      if (len > CHUNK_MASK + 1) throw new Error(`state store: a state of ${n} words is too large`);
      // Chunks grow up to their largest size, so that small searches stay small.
      this.chunk = new Int32Array(Math.min(CHUNK_MASK + 1, Math.max(2 * this.chunk.length, len)));
      this.chunks.push(this.chunk);
      this.used = 0;
    }
    const e = this.chunk;
    const o = this.used;
    const at = ((this.chunks.length - 1) << CHUNK_SHIFT) | o;
    this.offset[id] = at;
    this.used += len;
    e[o + R_ID] = id;
    e[o + R_LEN] = n;
    e[o + R_NZ] = this.lastNz;
    e[o + R_HASH] = this.lastHash;
    const b = o + HEAD;
    let v = b + words;
    if (n <= DENSE) {
      for (let i = 0; i < n; i++) e[b + i] = s[i];
      v = b + n;
    } else if (this.nDiff >= 0) {
      // A successor: its bitmap is its parent's with the bits of the changed words redone
      // (no scan of s for zeros), then its non-zero words are gathered from s by it.
      const pe = this.chunks[this.offset[this.diffFrom] >>> CHUNK_SHIFT];
      const po = this.offset[this.diffFrom] & CHUNK_MASK;
      const pb = po + HEAD;
      for (let w = 0; w < words; w++) e[b + w] = pe[pb + w];
      for (let k = 0; k < this.nDiff; k++) {
        const j = this.diff[k];
        if (s[j] !== 0) e[b + (j >>> 5)] |= 1 << (j & 31); else e[b + (j >>> 5)] &= ~(1 << (j & 31));
      }
      for (let w = 0; w < words; w++) {
        const base = w << 5;
        for (let m = e[b + w]; m !== 0; m &= m - 1) e[v++] = s[base + 31 - Math.clz32(m & -m)];
      }
    } else {
      for (let w = 0; w < words; w++) {
        // The bitmap first, without branches (which words are zero is unpredictable), then
        // only the non-zero words are copied.
        const base = w << 5;
        const end = Math.min(32, n - base);
        let bits = 0;
        for (let k = 0; k < end; k++) { const x = s[base + k]; bits |= ((x | -x) >>> 31) << k; }
        e[b + w] = bits;
        for (let m = bits; m !== 0; m &= m - 1) e[v++] = s[base + 31 - Math.clz32(m & -m)];
      }
    }
    if (v - o !== len) throw new Error('state store: a state changed between its lookup and its insertion');
    return at;
  }

  private place(h: number, at: number): void {
    const table = this.table;
    let i = h & this.mask;
    while (table[2 * i + 1] !== 0) i = (i + 1) & this.mask;
    table[2 * i] = h;
    table[2 * i + 1] = at + 1;
  }

  /** Doubles the table; the slots carry their fingerprints, so no record is read. */
  private rehash(): void {
    const old = this.table;
    this.table = new Int32Array(2 * old.length);
    this.mask = old.length - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.place(old[i], old[i + 1] - 1);
  }
}

/**
 * Memory for states that die young: the successors of the state being expanded, which the
 * search only looks up (a new one is stored in its own encoding). reset() hands the same
 * words out again, still in the cache; fresh memory for every successor costs more than
 * the step that fills it.
 */
export class Scratch {
  private buf = new Int32Array(1 << 14);
  private used = 0;
  /** The arrays handed out since the last reset(), in order: the next expansion asks for
   *  the same lengths at the same places, so the same views serve it. */
  private views: Int32Array[] = [];
  private k = 0;

  /** Words for one state; valid until the next reset(). */
  readonly alloc = (n: number): Int32Array => {
    if (this.used + n > this.buf.length) {
      // Arrays handed out stay valid: they keep the old buffer.
      this.buf = new Int32Array(Math.max(2 * this.buf.length, 2 * n));
      this.used = 0;
      this.views = [];
      this.k = 0;
    }
    let v = this.k < this.views.length ? this.views[this.k] : undefined;
    if (v === undefined || v.length !== n || v.byteOffset !== this.used * 4) {
      v = this.buf.subarray(this.used, this.used + n);
      if (this.k < this.views.length) this.views[this.k] = v; else this.views.push(v);
    }
    this.k++;
    this.used += n;
    return v;
  };

  /** Every array handed out since the last reset() is dead. */
  reset(): void { this.used = 0; this.k = 0; }
}
