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

import { threadMasks, type ThreadMasks } from './arrays';

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

/** A copy of a with n elements (n at least its length). */
function resized<T extends Int32Array | Uint16Array | Uint8Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
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
 * A state is stored as one record: [length and width, then its blocks]. Each block is
 * written as its number among the distinct blocks at its place in the state (its local
 * number: a radix tree slot has its own few values, a thread's stack its own), and the
 * blocks of a search are few (hundreds to thousands, tens at most places), so a record takes
 * one byte a block while every local number is below 2^8, two below 2^16, else a word: the
 * width, in the length word, is the narrowest that holds them all. A state always gets the
 * same width (its local numbers never change), so two records of one state are alike.
 *
 * The table holds [fingerprint, id + 1] per slot: a lookup which finds its state touches the
 * slot, the state's offset and its record, whose header says the length beside the numbers to
 * compare. The id in the record would spare the offset's cache miss, at a word a state: an
 * eighth of a record and of the store, the price of keeping big searches in memory. A state's
 * fingerprint is not kept in its record: it is the sum of n and its blocks' fingerprints,
 * which idsOf() adds up again.
 */
const HEAD = 1;
const R_LEN = 0;
/** The length word: n in the low bits, the width's code (WIDTHS) above them. */
const WIDTH_SHIFT = 28;
const LEN_MASK = (1 << WIDTH_SHIFT) - 1;
/** Bytes a block takes in a record, by width code. */
const WIDTHS = [4, 2, 1] as const;

/** The width code for local numbers below `limit`. */
const widthFor = (limit: number): number => (limit <= 1 << 8 ? 2 : limit <= 1 << 16 ? 1 : 0);

/** Words a record's nb blocks take at width code c. */
const wordsFor = (nb: number, c: number): number => (nb * WIDTHS[c] + 3) >> 2;

/** Writes local[0 .. nb) at width code c into out[at ..]. */
function packLocals(local: Int32Array, nb: number, c: number, out: Int32Array, at: number): void {
  if (c === 0) {
    for (let b = 0; b < nb; b++) out[at + b] = local[b];
  } else if (c === 1) {
    for (let b = 0; b < nb; b += 2) out[at + (b >> 1)] = local[b] | (b + 1 < nb ? local[b + 1] << 16 : 0);
  } else {
    for (let b = 0; b < nb; b += 4) {
      out[at + (b >> 2)] = local[b] | (b + 1 < nb ? local[b + 1] << 8 : 0) | (b + 2 < nb ? local[b + 2] << 16 : 0)
        | (b + 3 < nb ? local[b + 3] << 24 : 0);
    }
  }
}

/** Reads the nb local numbers of the record at a[o] (width code c) into out. */
function unpackLocals(a: Int32Array, o: number, nb: number, c: number, out: Int32Array): void {
  const r = o + HEAD;
  if (c === 0) for (let b = 0; b < nb; b++) out[b] = a[r + b];
  else if (c === 1) for (let b = 0; b < nb; b++) out[b] = (a[r + (b >> 1)] >>> ((b & 1) << 4)) & 0xffff;
  else for (let b = 0; b < nb; b++) out[b] = (a[r + (b >> 2)] >>> ((b & 3) << 3)) & 0xff;
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
  /** Slot i holds [fingerprint, id + 1] at 2i, 2i + 1; 0 when empty. The fingerprint beside
   *  the id settles most probes without touching the offsets or the arena. */
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
  /** Places: the (start, length) a block has in a state. Block k's local number is
   *  blockLocal[k], among the blocks of its place; placeBlocks[p] lists place p's blocks by
   *  local number. */
  private readonly places = new Map<number, number>();
  private placeBlocks: Int32Array<ArrayBuffer>[] = [];
  private placeCount: number[] = [];
  private blockLocal = new Int32Array(1 << 8);
  /** Per cut, the place of each of its blocks. */
  private readonly cutPlaces = new Map<Cut, Int32Array>();
  /** Local numbers of the state being looked up or stored, and a record's read back. */
  private locals = new Int32Array(64);

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
  /** BFS parent id (-1 for the root); depth (two bytes until a search goes deeper than
   *  65,535 steps); the thread of the arriving step; the sleep set (a thread mask). */
  parent = new Int32Array(1 << 12);
  depth: Uint16Array | Int32Array = new Uint16Array(1 << 12);
  via = new Uint8Array(1 << 12);
  sleep: ThreadMasks;

  /** @param segments where the parts of states of one length begin (Machine.segments)
   *  @param threads how many threads the machine has (at most 32: a sleep set is a mask)
   *  @param sleepSets whether states keep a sleep set (without, `sleep` stays empty) */
  constructor(segments?: { n: number; starts: readonly number[] }, threads = 32, private readonly sleepSets = true) {
    if (segments) this.cuts.set(segments.n, new Cut(segments.n, segments.starts));
    this.sleep = threadMasks(threads, sleepSets ? 1 << 12 : 0);
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
    const n = this.recordLength(id);
    const nb = this.cutOf(n).blocks;
    if (this.scratch.length < nb) this.scratch = new Int32Array(nb);
    this.readIds(id, this.scratch);
    return this.decode(this.scratch.subarray(0, nb), words(n));
  }

  /** Block numbers read back for get(). */
  private scratch = new Int32Array(0);
  /** The record find() looks for, packed as it would be stored. */
  private query = new Int32Array(0);

  private recordLength(id: number): number {
    return this.chunks[this.offset[id] >>> CHUNK_SHIFT][(this.offset[id] & CHUNK_MASK) + R_LEN] & LEN_MASK;
  }

  /** State id's block numbers into out; returns its length. */
  private readIds(id: number, out: Int32Array): number {
    const a = this.chunks[this.offset[id] >>> CHUNK_SHIFT];
    const o = this.offset[id] & CHUNK_MASK;
    const n = a[o + R_LEN] & LEN_MASK;
    const cut = this.cutOf(n);
    const nb = cut.blocks;
    if (this.locals.length < nb) this.locals = new Int32Array(nb);
    unpackLocals(a, o, nb, a[o + R_LEN] >>> WIDTH_SHIFT, this.locals);
    const places = this.placesOf(cut);
    for (let b = 0; b < nb; b++) out[b] = this.placeBlocks[places[b]][this.locals[b]];
    return n;
  }

  /** The place of each block of a cut. */
  private placesOf(cut: Cut): Int32Array {
    let p = this.cutPlaces.get(cut);
    if (p === undefined) {
      p = new Int32Array(cut.blocks);
      for (let b = 0; b < cut.blocks; b++) p[b] = this.placeOf(cut.start[b], cut.start[b + 1] - cut.start[b]);
      this.cutPlaces.set(cut, p);
    }
    return p;
  }

  private placeOf(start: number, len: number): number {
    const key = start * 0x10000 + len;
    let p = this.places.get(key);
    if (p === undefined) {
      p = this.placeBlocks.length;
      this.places.set(key, p);
      this.placeBlocks.push(new Int32Array(16));
      this.placeCount.push(0);
    }
    return p;
  }

  /** The local numbers of block numbers ids (all stored) into this.locals; returns the width code. */
  private localsOf(ids: Int32Array, nb: number): number {
    if (this.locals.length < nb) this.locals = new Int32Array(nb);
    // The or of the numbers is below a power of two exactly when each of them is.
    let any = 0;
    const local = this.blockLocal;
    const out = this.locals;
    for (let b = 0; b < nb; b++) {
      const l = local[ids[b]];
      out[b] = l;
      any |= l;
    }
    return widthFor(any + 1);
  }

  /** The words of the state of block numbers `ids` written into `s` (its length says how many). */
  decode(ids: Int32Array, s: Int32Array): Int32Array {
    const cut = this.cutOf(s.length);
    const views = this.blockViews;
    for (let b = 0; b < cut.blocks; b++) s.set(views[ids[b]], cut.start[b]);
    return s;
  }

  /** State `id`'s block numbers, copied into `out`; returns its fingerprint. */
  idsOf(id: number, out: Int32Array): number {
    const n = this.readIds(id, out);
    const nb = this.cutOf(n).blocks;
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
      this.blockLocal = grow(this.blockLocal, k + 1);
    }
    const p = this.placeOf(from, len);
    const l = this.placeCount[p]++;
    this.placeBlocks[p] = grow(this.placeBlocks[p], l + 1);
    this.placeBlocks[p][l] = k;
    this.blockLocal[k] = l;
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
    // The record the state would have (the same state always packs the same way), made
    // only when a stored fingerprint matches: a new state usually meets none.
    let lenWord = -1;
    let words = 0;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = table[2 * i + 1];
      if (slot === 0) return -1;
      if (table[2 * i] !== h) continue;
      if (lenWord < 0) {
        const c = this.localsOf(ids, nb);
        words = wordsFor(nb, c);
        if (this.query.length < words) this.query = new Int32Array(words);
        packLocals(this.locals, nb, c, this.query, 0);
        lenWord = n | (c << WIDTH_SHIFT);
      }
      const id = slot - 1;
      const at = this.offset[id];
      const a = this.chunks[at >>> CHUNK_SHIFT];
      const o = at & CHUNK_MASK;
      if (a[o + R_LEN] !== lenWord) continue;
      const r = this.query;
      let j = 0;
      while (j < words && r[j] === a[o + HEAD + j]) j++;
      if (j === words) return id;
    }
  }

  /** Adds the state of the last lookup (which found nothing) and returns its id. */
  add(parent: number, depth: number, via: number, sleep: number): number {
    const id = this.size++;
    if (id + 2 > this.offset.length) {
      // By half again, not twice: these arrays are a third of the store on big searches.
      const n = Math.max(id + 2, Math.ceil(this.offset.length * 1.5));
      this.offset = resized(this.offset, n);
      this.parent = resized(this.parent, n);
      this.depth = resized(this.depth, n);
      this.via = resized(this.via, n);
      if (this.sleepSets) this.sleep = resized(this.sleep, n);
    }
    if (depth > 0xffff && this.depth instanceof Uint16Array) this.depth = Int32Array.from(this.depth);
    this.encode(id);
    this.parent[id] = parent;
    this.depth[id] = depth;
    this.via[id] = via;
    if (this.sleepSets) this.sleep[id] = sleep;
    // Three quarters full at most: the fingerprint beside each offset keeps probes cheap.
    if (this.size * 4 > (this.mask + 1) * 3) this.rehash();
    placeIn(this.table, this.mask, this.lastHash, id + 1);
    return id;
  }

  /** The bytes the store holds: its records, table, distinct blocks and per-state metadata. */
  get blockCount(): number { return this.blocks; }

  bytes(): number {
    const arrays = [this.offset, this.parent, this.depth, this.via, this.sleep, this.table, this.blockWords,
      this.blockOff, this.blockStart, this.blockLen, this.blockHash, this.blockTable, this.blockLocal];
    return [...arrays, ...this.placeBlocks, ...this.chunks].reduce((n, a) => n + a.byteLength, 0);
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
    const c = this.localsOf(ids, nb);
    const len = HEAD + wordsFor(nb, c);
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
    e[o + R_LEN] = cut.n | (c << WIDTH_SHIFT);
    packLocals(this.locals, nb, c, e, o + HEAD);
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
