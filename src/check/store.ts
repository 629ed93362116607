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
// A long state is stored as the numbers of its blocks (runs of BLOCK words at fixed
// places), each distinct block kept once: SPIN's -DCOLLAPSE, with blocks where SPIN has
// processes. The model's states are hundreds of words of which a step rewrites a few, and
// the blocks of a search are few (the 113,909 states of pmd-downgrade with three waiters
// have some 800 distinct blocks of 32 words), so a state takes 10 numbers, comparing two
// states compares those numbers, and a successor's blocks are those of its parent but for
// the few its step touched, which alone are looked up. Block numbers are exact (a block is
// found only by comparing its words, or the words where it differs from a block it is
// known to equal elsewhere), so equal numbers are equal words.
//
// The fingerprint is a sum over the non-zero words of a mix of (index, value), and a
// block's fingerprint the sum over its own words, so a successor's fingerprint, and those
// of its blocks, follow from its parent's and the few words the step changed
// (`lookupFrom`): the search does not read a state twice to hash it.

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
 * A state is stored as one record: [id, length, fingerprint, then its block numbers]. A
 * state of at most DENSE words is stored as it is after the header: it has a block or two,
 * which would only add a lookup per block.
 *
 * The table holds [fingerprint, record offset + 1] per slot, so that a lookup which finds
 * its state touches two places: the slot, and the record, whose header says the id and the
 * length beside the numbers to compare. On big searches both are cache misses; per-state
 * arrays consulted on the way would each add one.
 */
const HEAD = 3;
const R_ID = 0;
const R_LEN = 1;
const R_HASH = 2;
const DENSE = 32;

/** Block b of a long state is its words [b * BLOCK, (b + 1) * BLOCK); the last one may be
 *  shorter, and is kept with zeros in the missing words. */
const BLOCK_SHIFT = 5;
const BLOCK = 1 << BLOCK_SHIFT;

function blocksOf(n: number): number {
  return (n + BLOCK - 1) >>> BLOCK_SHIFT;
}

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

  /** The distinct blocks: block k's words are blockWords[k * BLOCK ..], its place in a
   *  state blockAt[k] and its fingerprint blockHash[k]. */
  private blockWords = new Int32Array(BLOCK << 8);
  /** Block k's words as a view of their own, which get() copies at once. */
  private blockViews: Int32Array[] = [];
  private blockAt = new Int32Array(1 << 8);
  private blockHash = new Int32Array(1 << 8);
  private blocks = 0;
  /** Slot i holds [fingerprint, block number + 1] at 2i, 2i + 1; 0 when empty. */
  private blockTable = new Int32Array(2 << 9);
  private blockMask = (1 << 9) - 1;

  /** The last state looked up (which found nothing) and its fingerprint. */
  private last: Int32Array = new Int32Array(0);
  private lastHash = 0;
  /** Per block of the last long state looked up: its number, or -1 when no stored block
   *  has its words (the state is then new); and its fingerprint, when -1. */
  private ids = new Int32Array(64);
  private idHash = new Int32Array(64);
  /** The blocks lookupFrom() found changed, in ascending order. */
  private touched = new Int32Array(64);
  /** Per block touched by lookupFrom(), the mask of its words that differ from the parent's. */
  private differ = new Int32Array(64);
  /** Remembered block changes: slot i holds [fingerprint of the new block, the parent's
   *  block + 1, mask of the words that differ, the new block] at 4i; 0 when empty. */
  private moves = new Int32Array(4 << 10);
  private moveMask = (1 << 10) - 1;
  private nMoves = 0;
  /** The array get() last decoded a long state into, and that state's block numbers: an
   *  array handed out again gets only the blocks that differ. */
  private decoded: Int32Array | null = null;
  private decodedIds = new Int32Array(64);
  /** BFS parent id (-1 for the root), depth, the thread of the arriving step, sleep set. */
  parent = new Int32Array(1 << 12);
  depth = new Int32Array(1 << 12);
  via = new Int32Array(1 << 12);
  sleep = new Int32Array(1 << 12);

  /**
   * A copy of state `id`, owned by the caller; `words` gives the n words to fill, which
   * need not be zero. An array `words` has handed out before must still hold what get()
   * wrote into it then: only the blocks that differ are written again.
   */
  get(id: number, words: (n: number) => Int32Array = this.carve): Int32Array {
    const a = this.chunks[this.offset[id] >>> CHUNK_SHIFT];
    const o = this.offset[id] & CHUNK_MASK;
    const n = a[o + R_LEN];
    const s = words(n);
    if (n <= DENSE) {
      for (let i = 0; i < n; i++) s[i] = a[o + HEAD + i];
      return s;
    }
    const nb = blocksOf(n);
    const again = s === this.decoded;
    if (!again && this.decodedIds.length < nb) this.decodedIds = new Int32Array(nb);
    const last = this.decodedIds;
    const w = this.blockWords;
    const views = this.blockViews;
    for (let b = 0; b < nb; b++) {
      const k = a[o + HEAD + b];
      if (again && last[b] === k) continue;
      last[b] = k;
      const base = b << BLOCK_SHIFT;
      const end = n - base;
      if (end >= BLOCK) { s.set(views[k], base); continue; }
      const from = k << BLOCK_SHIFT;
      for (let i = 0; i < end; i++) s[base + i] = w[from + i];
    }
    this.decoded = s;
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
    const n = s.length;
    if (n <= DENSE) return this.find(s, hashState(s), 0);
    const salt = saltsFor(n);
    const nb = blocksOf(n);
    this.room(nb);
    const ids = this.ids;
    let h = n;
    let missing = 0;
    for (let b = 0; b < nb; b++) {
      let bh = 0;
      const end = Math.min(n, (b + 1) << BLOCK_SHIFT);
      for (let i = b << BLOCK_SHIFT; i < end; i++) bh = (bh + term(salt, i, s[i])) | 0;
      h = (h + bh) | 0;
      this.idHash[b] = bh;
      ids[b] = this.findBlock(s, b, bh);
      if (ids[b] < 0) missing++;
    }
    return this.find(s, h, missing);
  }

  /**
   * lookup() of `s`, a successor of stored state `id` whose words are `parent` (as get()
   * gave them): the fingerprint and the blocks follow from the parent's and the words that
   * differ. `changed`, when given, lists the only words that may differ, as [from, to)
   * pairs in ascending order (Transition's `changed`, when the machine says).
   */
  lookupFrom(s: Int32Array, id: number, parent: Int32Array, changed?: readonly number[]): number {
    const n = s.length;
    if (n !== parent.length) return this.lookup(s);
    const salt = saltsFor(n);
    const a = this.chunks[this.offset[id] >>> CHUNK_SHIFT];
    const o = this.offset[id] & CHUNK_MASK;
    let h = a[o + R_HASH];
    const long = n > DENSE;
    const nb = long ? blocksOf(n) : 0;
    if (long) this.room(nb);
    const ids = this.ids;
    const idHash = this.idHash;
    const touched = this.touched;
    const differ = this.differ;
    for (let b = 0; b < nb; b++) ids[b] = a[o + HEAD + b];
    let nt = 0;
    const ranges = changed ? changed.length : 2;
    for (let r = 0; r < ranges; r += 2) {
      let j = changed ? changed[r] : 0;
      const hi = changed ? Math.min(changed[r + 1], n) : n;
      // Block by block: the change of the block's fingerprint and the mask of its words
      // that differ are gathered in registers.
      while (j < hi) {
        const b = j >>> BLOCK_SHIFT;
        const stop = Math.min(hi, (b + 1) << BLOCK_SHIFT);
        let d = 0;
        let m = 0;
        for (; j < stop; j++) {
          const x = s[j];
          const y = parent[j];
          if (x === y) continue;
          d = (d + term(salt, j, x) - term(salt, j, y)) | 0;
          m |= 1 << (j & (BLOCK - 1));
        }
        if (m === 0) continue;
        h = (h + d) | 0;
        if (!long) continue;
        // Ranges are in ascending order: a block met again is the last one touched.
        if (nt > 0 && touched[nt - 1] === b) {
          idHash[b] = (idHash[b] + d) | 0;
          differ[b] |= m;
        } else {
          touched[nt++] = b;
          idHash[b] = (this.blockHash[ids[b]] + d) | 0;
          differ[b] = m;
        }
      }
    }
    let missing = 0;
    for (let k = 0; k < nt; k++) {
      const b = touched[k];
      const f = this.move(s, b, ids[b], differ[b], idHash[b]);
      ids[b] = f;
      if (f < 0) missing++;
    }
    return this.find(s, h, missing);
  }

  /** Room for the blocks of a state of nb blocks. */
  private room(nb: number): void {
    if (this.ids.length >= nb) return;
    this.ids = new Int32Array(nb);
    this.idHash = new Int32Array(nb);
    this.touched = new Int32Array(nb);
    this.differ = new Int32Array(nb);
  }

  /**
   * The number of block b of `s` (fingerprint bh), which is stored block k but for the
   * words in mask `differ`, or -1. A remembered change of k at those words to a block whose
   * words there are s's is it: that block and k agree elsewhere, as s's block and k do.
   */
  private move(s: Int32Array, b: number, k: number, differ: number, bh: number): number {
    const moves = this.moves;
    const mask = this.moveMask;
    const w = this.blockWords;
    const base = b << BLOCK_SHIFT;
    for (let i = (bh ^ Math.imul(k, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      const e = 4 * i;
      if (moves[e + 1] === 0) break;
      if (moves[e] !== bh || moves[e + 1] !== k + 1 || moves[e + 2] !== differ) continue;
      const to = moves[e + 3] << BLOCK_SHIFT;
      let m = differ;
      for (; m !== 0; m &= m - 1) {
        const j = 31 - Math.clz32(m & -m);
        if (s[base + j] !== w[to + j]) break;
      }
      if (m === 0) return moves[e + 3];
    }
    const f = this.findBlock(s, b, bh);
    if (f >= 0) this.remember(bh, k, differ, f);
    return f;
  }

  private remember(bh: number, k: number, differ: number, f: number): void {
    if (2 * ++this.nMoves > this.moveMask + 1) {
      const old = this.moves;
      this.moves = new Int32Array(2 * old.length);
      this.moveMask = (this.moves.length >>> 2) - 1;
      for (let e = 0; e < old.length; e += 4) if (old[e + 1] !== 0) this.putMove(old[e], old[e + 1] - 1, old[e + 2], old[e + 3]);
    }
    this.putMove(bh, k, differ, f);
  }

  private putMove(bh: number, k: number, differ: number, f: number): void {
    const moves = this.moves;
    const mask = this.moveMask;
    let i = (bh ^ Math.imul(k, 0x9e3779b1)) & mask;
    while (moves[4 * i + 1] !== 0) i = (i + 1) & mask;
    moves[4 * i] = bh;
    moves[4 * i + 1] = k + 1;
    moves[4 * i + 2] = differ;
    moves[4 * i + 3] = f;
  }

  /** The number of the stored block whose words are block b of `s` (fingerprint bh), or -1. */
  private findBlock(s: Int32Array, b: number, bh: number): number {
    const table = this.blockTable;
    const mask = this.blockMask;
    const w = this.blockWords;
    const base = b << BLOCK_SHIFT;
    const end = Math.min(BLOCK, s.length - base);
    for (let i = bh & mask; ; i = (i + 1) & mask) {
      const slot = table[2 * i + 1];
      if (slot === 0) return -1;
      if (table[2 * i] !== bh || this.blockAt[slot - 1] !== b) continue;
      const from = (slot - 1) << BLOCK_SHIFT;
      let j = 0;
      while (j < end && s[base + j] === w[from + j]) j++;
      if (j < end) continue;
      // A state whose last block is shorter has zeros where the stored block has more words.
      while (j < BLOCK && w[from + j] === 0) j++;
      if (j === BLOCK) return slot - 1;
    }
  }

  /** Stores block b of `s`, fingerprint bh; returns its number. */
  private addBlock(s: Int32Array, b: number, bh: number): number {
    const k = this.blocks++;
    if (k === this.blockAt.length) {
      this.blockAt = grow(this.blockAt, k + 1);
      this.blockHash = grow(this.blockHash, k + 1);
      this.blockWords = grow(this.blockWords, (k + 1) << BLOCK_SHIFT);
      // Views of the old array would still read right (blocks never change) but keep it alive.
      for (let j = 0; j < k; j++) this.blockViews[j] = this.blockWords.subarray(j << BLOCK_SHIFT, (j + 1) << BLOCK_SHIFT);
    }
    const base = b << BLOCK_SHIFT;
    const end = Math.min(BLOCK, s.length - base);
    const w = this.blockWords;
    const from = k << BLOCK_SHIFT;
    for (let j = 0; j < end; j++) w[from + j] = s[base + j];
    this.blockAt[k] = b;
    this.blockHash[k] = bh;
    this.blockViews.push(w.subarray(from, from + BLOCK));
    if (2 * this.blocks > this.blockMask + 1) {
      const old = this.blockTable;
      this.blockTable = new Int32Array(2 * old.length);
      this.blockMask = old.length - 1;
      for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) placeIn(this.blockTable, this.blockMask, old[i], old[i + 1]);
    }
    placeIn(this.blockTable, this.blockMask, bh, k + 1);
    return k;
  }

  /**
   * The id of `s`, whose fingerprint is h, or -1. A long state with `missing` blocks that
   * no stored state has is new; otherwise a stored state of the same length is s when its
   * block numbers are those of s's blocks (this.ids).
   */
  private find(s: Int32Array, h: number, missing: number): number {
    this.last = s;
    this.lastHash = h;
    if (missing > 0) return -1;
    const table = this.table;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = table[2 * i + 1];
      if (slot === 0) return -1;
      if (table[2 * i] !== h) continue;
      const f = this.same(s, slot - 1);
      if (f >= 0) return f;
    }
  }

  /** The id of the state whose record is at `at` when it is s (given by this.ids when long), else -1. */
  private same(s: Int32Array, at: number): number {
    const a = this.chunks[at >>> CHUNK_SHIFT];
    const o = at & CHUNK_MASK;
    const n = s.length;
    if (a[o + R_LEN] !== n) return -1;
    let j = 0;
    if (n <= DENSE) {
      while (j < n && s[j] === a[o + HEAD + j]) j++;
      return j === n ? a[o + R_ID] : -1;
    }
    const ids = this.ids;
    const nb = blocksOf(n);
    while (j < nb && ids[j] === a[o + HEAD + j]) j++;
    return j === nb ? a[o + R_ID] : -1;
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
    placeIn(this.table, this.mask, this.lastHash, o + 1);
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
    const nb = blocksOf(n);
    const len = HEAD + (n <= DENSE ? n : nb);
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
    e[o + R_HASH] = this.lastHash;
    if (n <= DENSE) {
      for (let i = 0; i < n; i++) e[o + HEAD + i] = s[i];
      return at;
    }
    const ids = this.ids;
    for (let b = 0; b < nb; b++) {
      if (ids[b] < 0) ids[b] = this.addBlock(s, b, this.idHash[b]);
      e[o + HEAD + b] = ids[b];
    }
    return at;
  }

  private rehash(): void {
    const old = this.table;
    this.table = new Int32Array(2 * old.length);
    this.mask = old.length - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) placeIn(this.table, this.mask, old[i], old[i + 1]);
  }
}

/** Puts [h, v] in the first free slot from h's in an open-addressing table of pairs. */
function placeIn(table: Int32Array, mask: number, h: number, v: number): void {
  let i = h & mask;
  while (table[2 * i + 1] !== 0) i = (i + 1) & mask;
  table[2 * i] = h;
  table[2 * i + 1] = v;
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
