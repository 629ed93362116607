// JSON output written in pieces: the text JSON.stringify(value, null, 2) gives, without
// ever holding it as one string, so output of any size is written (a string past V8's
// limit cannot be built). C1 controls and bidirectional overrides are escaped as well.
import { terminalJson } from '../mail/index';
import type { CliIO } from './verb';

/** Most characters of strings a leaf object may hold to be stringified in one native call. */
const LEAF_CHARS = 1 << 16;

/**
 * An object or array whose values are all primitives, few and short (a hunk line, a header, a
 * body line): JSON.stringify writes it far faster than a walk, and its text is small.
 */
function isSmallLeaf(v: object): boolean {
  let chars = 0;
  let n = 0;
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== null && typeof x === 'object') return false;
    if (typeof x === 'string') chars += x.length;
    if (++n > 64 || chars > LEAF_CHARS) return false;
  }
  return true;
}

/** Pieces of JSON.stringify(value, null, 2), in order. */
export function* jsonPieces(value: unknown, indent = ''): Generator<string> {
  const v = value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function'
    ? (value as { toJSON(): unknown }).toJSON() : value;
  if (v === null || typeof v !== 'object') {
    const s = JSON.stringify(v);
    yield s === undefined ? 'null' : s;
    return;
  }
  if (isSmallLeaf(v)) {
    // Strings in JSON hold no raw line break: every newline is the indentation's.
    const s = JSON.stringify(v, null, 2);
    yield indent ? s.replace(/\n/g, `\n${indent}`) : s;
    return;
  }
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (!v.length) { yield '[]'; return; }
    yield '[\n';
    for (let i = 0; i < v.length; i++) {
      yield inner;
      const x: unknown = v[i];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') yield 'null';
      else yield* jsonPieces(x, inner);
      yield i < v.length - 1 ? ',\n' : '\n';
    }
    yield `${indent}]`;
    return;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && typeof x !== 'function' && typeof x !== 'symbol');
  if (!entries.length) { yield '{}'; return; }
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [k, x] = entries[i];
    yield `${inner}${JSON.stringify(k)}: `;
    yield* jsonPieces(x, inner);
    yield i < entries.length - 1 ? ',\n' : '\n';
  }
  yield `${indent}}`;
}

/** An element as JsonArrayWriter.push(value, true) writes it (without the separator before it). */
export function smallElementJson(value: unknown): string {
  return terminalJson(JSON.stringify(value) ?? 'null');
}

/** What stands between two elements of a JsonArrayWriter array. */
export const ELEMENT_SEPARATOR = ',\n    ';

/**
 * Whether UTF-8 bytes may hold a character terminalJson escapes: each starts with one of these
 * bytes (DEL is 0x7f, C1 controls 0xc2 0x80-0x9f, the separators and bidirectional controls
 * 0xe2 0x80/0x81 ...). Three native byte searches cost far less than a regular expression run
 * over the text, and most mail has none of them.
 */
function mayHoldTerminalControl(bytes: Buffer): boolean {
  return bytes.indexOf(0x7f) >= 0 || bytes.indexOf(0xc2) >= 0 || bytes.indexOf(0xe2) >= 0;
}

/**
 * UTF-8 output gathered in one buffer of its own (so it can be handed to another thread
 * without a copy), grown as text is added.
 */
export class Utf8Output {
  private bytes: Buffer;
  private length = 0;

  constructor(capacity: number) {
    this.bytes = Buffer.allocUnsafeSlow(Math.max(capacity, 1 << 10));
  }

  add(text: string): void {
    // A UTF-16 code unit takes at most three bytes of UTF-8: with that much room the text is
    // written at once; short of it, its exact length decides whether the buffer must grow.
    if (this.bytes.length - this.length < 3 * text.length) this.reserve(Buffer.byteLength(text, 'utf8'));
    this.length += this.bytes.write(text, this.length, 'utf8');
  }

  /** Adds text JSON.stringify wrote, as terminalJson(json) writes it. */
  addJson(json: string): void {
    const start = this.length;
    this.add(json);
    if (!mayHoldTerminalControl(this.bytes.subarray(start, this.length))) return;
    this.length = start;
    this.add(terminalJson(json));
  }

  /** The bytes added so far: a view of the buffer, valid until more is added. */
  result(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.bytes.length, this.length + n));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }
}

/**
 * `{ "<key>": [ ... ] }` written as its elements come, each as soon as it is pushed, without
 * holding them: indented as JSON.stringify({ [key]: all }, null, 2) indents it, except that an
 * element pushed as small stands compact on a line of its own (a message of a large mbox:
 * its indentation would double the output).
 */
export class JsonArrayWriter {
  private buf = '';
  private count = 0;
  constructor(private readonly io: CliIO, private readonly key: string, private readonly chunk = 1 << 20) {
    this.buf = `{\n  ${JSON.stringify(key)}: `;
  }

  /** Adds an element. `small`: its text is known to be far below V8's longest string (a message
   *  of bounded size), so one native JSON.stringify writes it, on one line. */
  push(value: unknown, small = false): void {
    this.buf += this.count++ === 0 ? '[\n    ' : ELEMENT_SEPARATOR;
    if (small) {
      // With a stream, the element goes out at once, escaped as the flat string it is.
      if (this.io.write && this.io.writeBytes) this.writeSmall(value);
      else if (this.io.write) { this.io.write(terminalJson(this.buf) + smallElementJson(value)); this.buf = ''; } else this.buf += JSON.stringify(value) ?? 'null';
      return;
    }
    for (const piece of jsonPieces(value, '    ')) {
      this.buf += piece;
      if (this.io.write && this.buf.length >= this.chunk) { this.io.write(terminalJson(this.buf)); this.buf = ''; }
    }
  }

  /** What push(value, true) writes to a stream, as UTF-8 bytes: encoded once, and escaped only when they may need it. */
  private writeSmall(value: unknown): void {
    const out = new Utf8Output(0);
    out.addJson(this.buf);
    out.addJson(JSON.stringify(value) ?? 'null');
    this.io.writeBytes!(out.result());
    this.buf = '';
  }

  /**
   * Adds `elements` elements written already (by a worker, src/cli/parse-pool.ts): the text
   * push(value, true) writes for each, escaped, joined by ',\n    ', in UTF-8.
   */
  pushWritten(bytes: Uint8Array, elements: number): void {
    if (elements === 0) return;
    this.buf += this.count === 0 ? '[\n    ' : ELEMENT_SEPARATOR;
    this.count += elements;
    if (this.io.write && this.io.writeBytes) {
      this.io.write(terminalJson(this.buf));
      this.buf = '';
      this.io.writeBytes(bytes);
      return;
    }
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    if (this.io.write) { this.io.write(terminalJson(this.buf) + text); this.buf = ''; } else this.buf += text;
  }

  end(): void {
    this.buf += this.count ? '\n  ]\n}\n' : '[]\n}\n';
    // Without a stream to write to, the whole text goes out at once as one line of output.
    if (this.io.write) this.io.write(terminalJson(this.buf));
    else this.io.out(terminalJson(this.buf).replace(/\n$/, ''));
    this.buf = '';
  }
}

/** Writes a value as indented JSON and a newline, a megabyte or so at a time. */
export function writeJson(io: CliIO, value: unknown, chunk = 1 << 20): void {
  const write = io.write ? (t: string) => io.write!(t) : null;
  if (!write) {
    io.out(terminalJson(JSON.stringify(value, null, 2)));
    return;
  }
  let buf = '';
  for (const piece of jsonPieces(value)) {
    buf += piece;
    if (buf.length >= chunk) { write(terminalJson(buf)); buf = ''; }
  }
  write(terminalJson(buf + '\n'));
}
