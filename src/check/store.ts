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
// A state is stored as the numbers of its blocks (runs of words at fixed places: the
// machine's objects, see Cut), each distinct block kept once: SPIN's -DCOLLAPSE, with
// blocks where SPIN has processes. The model's states are hundreds of words of which a step
// rewrites a few, and the blocks of a search are few, so a state takes a few numbers,
// comparing two states compares those numbers, and a successor's blocks are those of its
// parent but for the few its step rewrote. Block numbers are exact (a block is found only by comparing its
// words), so equal numbers are equal words.
//
// The fingerprint is a sum over the non-zero words of a mix of (index, value), and a
// block's fingerprint the sum over its own words, so a state's fingerprint is the sum of
// its blocks': a search that knows which blocks a step replaces, and by which, knows the
// successor's block numbers and fingerprint without reading its words (`findIds`).

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
 * A state is stored as one record: [id, length, then its block numbers]. The blocks of a
 * search are few (hundreds to thousands), so while a record's numbers are all below 2^16 two
 * share a word (PACKED in the length word says so): about half the bytes a state takes. A
 * record with a larger number keeps a word each; both kinds live side by side.
 *
 * The table holds [fingerprint, record offset + 1] per slot, so that a lookup which finds
 * its state touches two places: the slot, and the record, whose header says the id and the
 * length beside the numbers to compare. On big searches both are cache misses; per-state
 * arrays consulted on the way would each add one. A state's fingerprint is not kept in its
 * record: it is the sum of n and its blocks' fingerprints, which idsOf() adds up again.
 */
const HEAD = 2;
const R_ID = 0;
const R_LEN = 1;
/** In the length word: the record's block numbers are packed two to a word. */
const PACKED = 1 << 30;
const LEN_MASK = PACKED - 1;
/** Block numbers below this fit half a word. */
const HALF = 1 << 16;

/** Packs ids[0 .. nb) two to a word into out[at ..]; false (nothing written past) when one does not fit. */
function packIds(ids: Int32Array, nb: number, out: Int32Array, at: number): boolean {
  for (let b = 0; b < nb; b++) if (ids[b] >= HALF) return false;
  for (let b = 0; b < nb; b += 2) out[at + (b >> 1)] = ids[b] | (b + 1 < nb ? ids[b + 1] << 16 : 0);
  return true;
}

/** The block numbers of the record at a[o], into out. */
function unpackIds(a: Int32Array, o: number, nb: number, out: Int32Array): void {
  if (a[o + R_LEN] & PACKED) {
    for (let b = 0; b < nb; b++) {
      const w = a[o + HEAD + (b >> 1)];
      out[b] = b & 1 ? w >>> 16 : w & 0xffff;
    }
  } else {
    for (let b = 0; b < nb; b++) out[b] = a[o + HEAD + b];
  }
}

const BLOCK = 32;

/**
 * How the states of one length are cut into blocks: block b is words [start[b], start[b + 1]).
 * A machine may say where its parts begin (Machine.segments): blocks that follow the
 * objects of the state (a lock word, a radix tree slot, a wait queue, a thread's stack)
 * change only with them. Otherwise a state is cut every BLOCK words.
 */
export class Cut {
  readonly start: Int32Array;
  /** Per word, its block. */
  readonly blockOf: Int32Array;
  readonly blocks: number;

  constructor(readonly n: number, starts?: readonly number[]) {
    const s = starts ?? Array.from({ length: Math.max(1, Math.ceil(n / BLOCK)) }, (_, b) => b * BLOCK);
    if (s.length === 0 || s[0] !== 0 || s.some((x, i) => i > 0 && x <= s[i - 1]) || s[s.length - 1] >= Math.max(n, 1)) {
      throw new Error(`state store: segments ${s.join(', ')} do not cut a state of ${n} words`);
    }
    this.blocks = s.length;
    this.start = Int32Array.from([...s, n]);
    this.blockOf = new Int32Array(n);
    for (let b = 0; b < this.blocks; b++) this.blockOf.fill(b, this.start[b], this.start[b + 1]);
  }
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

  /** The distinct blocks: block k's words are blockWords[blockOff[k] ..], blockLen[k] of
   *  them, at blockStart[k] in a state; its fingerprint is blockHash[k]. */
  private blockWords = new Int32Array(BLOCK << 8);
  private blockWordsUsed = 0;
  /** Block k's words as a view of their own, which decode() copies at once. */
  private blockViews: Int32Array[] = [];
  private blockOff = new Int32Array(1 << 8);
  private blockStart = new Int32Array(1 << 8);
  private blockLen = new Int32Array(1 << 8);
  private blockHash = new Int32Array(1 << 8);
  private blocks = 0;
  /** Slot i holds [fingerprint, block number + 1] at 2i, 2i + 1; 0 when empty. */
  private blockTable = new Int32Array(2 << 9);
  private blockMask = (1 << 9) - 1;

  /** The cuts of the lengths met so far. */
  private readonly cuts = new Map<number, Cut>();
  /** The state of the last lookup (which found nothing): its words when it came as words
   *  (lookup()), its cut, block numbers (-1 for a block no state has yet; the caller's array,
   *  which must not change before add()) and fingerprint. */
  private last: Int32Array | null = null;
  private lastCut: Cut | null = null;
  private lastIds: Int32Array = new Int32Array(0);
  private lastHash = 0;
  /** lookup()'s block numbers, and the fingerprints of its blocks. */
  private ids = new Int32Array(64);
  private idHash = new Int32Array(64);
  /** BFS parent id (-1 for the root), depth, the thread of the arriving step, sleep set. */
  parent = new Int32Array(1 << 12);
  depth = new Int32Array(1 << 12);
  via = new Int32Array(1 << 12);
  sleep = new Int32Array(1 << 12);

  /** @param segments where the parts of states of one length begin (Machine.segments) */
  constructor(segments?: { n: number; starts: readonly number[] }) {
    if (segments) this.cuts.set(segments.n, new Cut(segments.n, segments.starts));
  }

  /** How states of n words are cut into blocks. */
  cutOf(n: number): Cut {
    if (this.lastCut !== null && this.lastCut.n === n) return this.lastCut;
    let c = this.cuts.get(n);
    if (c === undefined) {
      c = new Cut(n);
      this.cuts.set(n, c);
    }
    return c;
  }

  /** A copy of state `id`, owned by the caller; `words` gives the n words to fill. */
  get(id: number, words: (n: number) => Int32Array = this.carve): Int32Array {
    const a = this.chunks[this.offset[id] >>> CHUNK_SHIFT];
    const o = this.offset[id] & CHUNK_MASK;
    const n = a[o + R_LEN] & LEN_MASK;
    const nb = this.cutOf(n).blocks;
    if (this.scratch.length < nb) this.scratch = new Int32Array(nb);
    unpackIds(a, o, nb, this.scratch);
    return this.decode(this.scratch.subarray(0, nb), words(n));
  }

  /** Block numbers unpacked for get(). */
  private scratch = new Int32Array(0);
  /** The packed block numbers of the state find() looks for, when they pack. */
  private packedQuery = new Int32Array(0);

  /** The words of the state of block numbers `ids` written into `s` (its length says how many). */
  decode(ids: Int32Array, s: Int32Array): Int32Array {
    const cut = this.cutOf(s.length);
    const views = this.blockViews;
    for (let b = 0; b < cut.blocks; b++) s.set(views[ids[b]], cut.start[b]);
    return s;
  }

  /** State `id`'s block numbers, copied into `out`; returns its fingerprint. */
  idsOf(id: number, out: Int32Array): number {
    const a = this.chunks[this.offset[id] >>> CHUNK_SHIFT];
    const o = this.offset[id] & CHUNK_MASK;
    const n = a[o + R_LEN] & LEN_MASK;
    const nb = this.cutOf(n).blocks;
    unpackIds(a, o, nb, out);
    let h = n;
    for (let b = 0; b < nb; b++) h = (h + this.blockHash[out[b]]) | 0;
    return h;
  }

  /** The fingerprint of stored block k. */
  hashOfBlock(k: number): number { return this.blockHash[k]; }

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
    const cut = this.cutOf(n);
    const nb = cut.blocks;
    if (this.ids.length < nb) {
      this.ids = new Int32Array(nb);
      this.idHash = new Int32Array(nb);
    }
    const ids = this.ids;
    let h = n;
    let missing = 0;
    for (let b = 0; b < nb; b++) {
      const bh = blockHashOf(s, cut.start[b], cut.start[b + 1]);
      h = (h + bh) | 0;
      this.idHash[b] = bh;
      ids[b] = this.findBlock(s, cut.start[b], cut.start[b + 1], bh);
      if (ids[b] < 0) missing++;
    }
    this.last = s;
    return this.find(ids, cut, h, missing);
  }

  /**
   * The id of the state of n words whose block numbers are `ids` and fingerprint h (the
   * sum of n and its blocks' fingerprints), or -1; remembers it for a following add().
   */
  findIds(ids: Int32Array, n: number, h: number): number {
    this.last = null;
    return this.find(ids, this.cutOf(n), h, 0);
  }

  /** The number of block b of the state `s`, stored now if no state had it. */
  block(s: Int32Array, b: number): number {
    const cut = this.cutOf(s.length);
    const from = cut.start[b];
    const to = cut.start[b + 1];
    const bh = blockHashOf(s, from, to);
    const k = this.findBlock(s, from, to, bh);
    return k >= 0 ? k : this.addBlock(s, from, to, bh);
  }

  /** The number of the stored block whose words are s[from, to) (fingerprint bh), or -1. */
  private findBlock(s: Int32Array, from: number, to: number, bh: number): number {
    const table = this.blockTable;
    const mask = this.blockMask;
    const w = this.blockWords;
    const len = to - from;
    for (let i = bh & mask; ; i = (i + 1) & mask) {
      const slot = table[2 * i + 1];
      if (slot === 0) return -1;
      const k = slot - 1;
      if (table[2 * i] !== bh || this.blockStart[k] !== from || this.blockLen[k] !== len) continue;
      const o = this.blockOff[k] - from;
      let j = from;
      while (j < to && s[j] === w[o + j]) j++;
      if (j === to) return k;
    }
  }

  /** Stores the block s[from, to), fingerprint bh; returns its number. */
  private addBlock(s: Int32Array, from: number, to: number, bh: number): number {
    const k = this.blocks++;
    const len = to - from;
    if (k === this.blockOff.length) {
      this.blockOff = grow(this.blockOff, k + 1);
      this.blockStart = grow(this.blockStart, k + 1);
      this.blockLen = grow(this.blockLen, k + 1);
      this.blockHash = grow(this.blockHash, k + 1);
    }
    if (this.blockWordsUsed + len > this.blockWords.length) {
      this.blockWords = grow(this.blockWords, this.blockWordsUsed + len);
      // Views of the old array would still read right (blocks never change) but keep it alive.
      for (let j = 0; j < k; j++) this.blockViews[j] = this.blockWords.subarray(this.blockOff[j], this.blockOff[j] + this.blockLen[j]);
    }
    const o = this.blockWordsUsed;
    this.blockWordsUsed += len;
    this.blockWords.set(s.subarray(from, to), o);
    this.blockOff[k] = o;
    this.blockStart[k] = from;
    this.blockLen[k] = len;
    this.blockHash[k] = bh;
    this.blockViews.push(this.blockWords.subarray(o, o + len));
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
   * The id of the state cut by `cut` with block numbers `ids` and fingerprint h, or -1. A
   * state with `missing` blocks that no stored state has is new; otherwise a stored state of
   * the same length is it when its block numbers are those.
   */
  private find(ids: Int32Array, cut: Cut, h: number, missing: number): number {
    const nb = cut.blocks;
    const n = cut.n;
    this.lastIds = ids;
    this.lastCut = cut;
    this.lastHash = h;
    if (missing > 0) return -1;
    const table = this.table;
    const mask = this.mask;
    const words = (nb + 1) >> 1;
    if (this.packedQuery.length < words) this.packedQuery = new Int32Array(words);
    const q = this.packedQuery;
    // A state whose numbers do not pack can only be a record that is not packed, and the other way round.
    const lenWord = packIds(ids, nb, q, 0) ? n | PACKED : n;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = table[2 * i + 1];
      if (slot === 0) return -1;
      if (table[2 * i] !== h) continue;
      const at = slot - 1;
      const a = this.chunks[at >>> CHUNK_SHIFT];
      const o = at & CHUNK_MASK;
      if (a[o + R_LEN] !== lenWord) continue;
      let j = 0;
      if (lenWord & PACKED) {
        while (j < words && q[j] === a[o + HEAD + j]) j++;
        if (j === words) return a[o + R_ID];
      } else {
        while (j < nb && ids[j] === a[o + HEAD + j]) j++;
        if (j === nb) return a[o + R_ID];
      }
    }
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
    const o = this.encode(id);
    this.parent[id] = parent;
    this.depth[id] = depth;
    this.via[id] = via;
    this.sleep[id] = sleep;
    if (this.size * 2 > this.mask + 1) this.rehash();
    placeIn(this.table, this.mask, this.lastHash, o + 1);
    return id;
  }

  /** The bytes the store holds: its records, table, distinct blocks and per-state metadata. */
  get blockCount(): number { return this.blocks; }

  bytes(): number {
    const arrays = [this.offset, this.parent, this.depth, this.via, this.sleep, this.table, this.blockWords,
      this.blockOff, this.blockStart, this.blockLen, this.blockHash, this.blockTable];
    return [...arrays, ...this.chunks].reduce((n, a) => n + a.byteLength, 0);
  }

  /** lookup() then add() when absent; returns [id, added]. */
  insert(s: Int32Array, parent: number, depth: number, via: number, sleep: number): [number, boolean] {
    const f = this.lookup(s);
    return f >= 0 ? [f, false] : [this.add(parent, depth, via, sleep), true];
  }

  /** Appends the record of the last state looked up to the arena as state `id`; returns its offset. */
  private encode(id: number): number {
    const cut = this.lastCut!;
    const nb = cut.blocks;
    const ids = this.lastIds;
    for (let b = 0; b < nb; b++) {
      if (ids[b] < 0) ids[b] = this.addBlock(this.last!, cut.start[b], cut.start[b + 1], this.idHash[b]);
    }
    let packed = true;
    for (let b = 0; b < nb && packed; b++) packed = ids[b] < HALF;
    const len = HEAD + (packed ? (nb + 1) >> 1 : nb);
    if (this.used + len > this.chunk.length) {
      if (len > CHUNK_MASK + 1) throw new Error(`state store: a state of ${cut.n} words is too large`);
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
    e[o + R_LEN] = packed ? cut.n | PACKED : cut.n;
    if (packed) packIds(ids, nb, e, o + HEAD);
    else for (let b = 0; b < nb; b++) e[o + HEAD + b] = ids[b];
    return at;
  }

  private rehash(): void {
    const old = this.table;
    this.table = new Int32Array(2 * old.length);
    this.mask = old.length - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) placeIn(this.table, this.mask, old[i], old[i + 1]);
  }
}

/** The fingerprint of the block s[from, to): the sum of its words' terms. */
function blockHashOf(s: Int32Array, from: number, to: number): number {
  const salt = saltsFor(s.length);
  let h = 0;
  for (let i = from; i < to; i++) h = (h + term(salt, i, s[i])) | 0;
  return h;
}

/** Puts [h, v] in the first free slot from h's in an open-addressing table of pairs. */
function placeIn(table: Int32Array, mask: number, h: number, v: number): void {
  let i = h & mask;
  while (table[2 * i + 1] !== 0) i = (i + 1) & mask;
  table[2 * i] = h;
  table[2 * i + 1] = v;
}
