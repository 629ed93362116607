// mbox files: messages separated by "From " lines. readMboxLines cuts a document held
// in memory; readMbox streams a file so memory stays proportional to one message.

import { isAscii } from 'node:buffer';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { finished, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { dropFinalEmpty, splitLines, type RawLine } from './lines';
import { buildMessage } from './message';
import { FROM_LINE, readRawMessage } from './rfc822';
import type { MailFormat, Message } from './types';

/** public-inbox writes "From mboxrd@z Thu Jan  1 00:00:00 1970" before every message. */
export function mboxFlavour(firstLine: string): MailFormat {
  return firstLine.startsWith('From mboxrd@z ') ? 'mboxrd' : 'mbox';
}

/** Cuts byte-string lines at From_ lines. */
export function readMboxLines(lines: RawLine[], format: MailFormat, ascii = false): Message[] {
  const out: Message[] = [];
  let start = 0;
  for (let i = 1; i <= lines.length; i++) {
    if (i < lines.length && !(lines[i].raw.startsWith('From ') && FROM_LINE.test(lines[i].raw))) continue;
    const segment = lines.slice(start, i);
    if (segment.some((l) => l.raw.trim() !== '')) out.push(readRawMessage(trimSeparatorBlank(segment), format, ascii));
    start = i;
  }
  return out;
}

/** The blank line before the next From_ belongs to the mbox, not to the message. */
function trimSeparatorBlank(lines: RawLine[]): RawLine[] {
  return lines.length > 1 && lines[lines.length - 1].raw === '' ? lines.slice(0, -1) : lines;
}

/**
 * One message of a streamed mbox as cut from the stream, not yet read: its bytes and where it
 * stands. Cutting is sequential (line numbers run on); reading a record needs nothing else, so
 * records can be read anywhere, in any order.
 */
export interface MboxRecord {
  /** The message's bytes, its From_ line first; null for a stand-in carrying `errors` alone. */
  bytes: Uint8Array | null;
  /** Line number of its first line, and how many lines it spans. */
  firstLine: number;
  lineCount: number;
  format: MailFormat;
  /** What went wrong reading the stream after it: errors reported on its last line. */
  errors: string[];
}

/** A record as a message. */
export function readRecord(r: MboxRecord): Message {
  let m: Message;
  if (r.bytes === null) m = emptyMessage(r.format, r.firstLine);
  else {
    const bytes = Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
    const lines = trimSeparatorBlank(dropFinalEmpty(splitLines(bytes.toString('latin1'), r.firstLine)));
    m = readRawMessage(lines, r.format, isAscii(bytes));
  }
  for (const message of r.errors) m.diagnostics.push({ line: m.lastLine, severity: 'error', message });
  return m;
}

/**
 * Streams an mbox file (or mbox.gz): yields each message once the one after it is
 * cut. Memory: two messages plus one 1 MiB chunk. The flavour (mbox or
 * mboxrd) is taken from the first From_ line. Corrupt gzip data ends the stream with
 * an error diagnostic on the last message; I/O errors (no such file) are thrown.
 */
export async function* readMbox(path: string, opts: { maxBytes?: number } = {}): AsyncGenerator<Message> {
  for await (const r of mboxRecords(path, opts)) yield readRecord(r);
}

/** readMbox's messages as records, cut but not read. */
export async function* mboxRecords(path: string, opts: { maxBytes?: number } = {}): AsyncGenerator<MboxRecord> {
  const gzip = isGzipFile(path);
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = limited(gzip ? file.pipe(createGunzip({ chunkSize: 1 << 20 })) : file, opts.maxBytes ?? Infinity, () => file.destroy());
  let nextLine = 1; // line number of the next message's first line
  let format: MailFormat | null = null;
  let last: MboxRecord | null = null;
  try {
    for await (const bytes of messageBytes(stream)) {
      const firstLine = nextLine;
      const lineCount = countLines(bytes);
      nextLine += lineCount;
      if (format === null && startsWithFrom(bytes)) format = mboxFlavour(bytes.toString('latin1', 0, 14));
      if (isBlankBytes(bytes)) continue;
      if (last) yield last; // one message held back: a stream error is reported on it
      last = { bytes, firstLine, lineCount, format: format ?? 'mbox', errors: [] };
    }
  } catch (e) {
    if (!gzip && !(e instanceof LimitError)) throw e; // an I/O error, not bad content
    last ??= { bytes: null, firstLine: nextLine, lineCount: 0, format: format ?? 'mbox', errors: [] };
    if (e instanceof LimitError) {
      last.errors.push(`${e.message}${nextLine > 1 ? ` after line ${nextLine - 1}` : ''}: the rest is not read`);
      yield last;
      return;
    }
    last.errors.push(`gzip data corrupt or truncated after line ${nextLine - 1}: the rest cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  if (last) yield last;
}

function countLines(bytes: Buffer): number {
  let n = 0;
  for (let k = bytes.indexOf(10); k >= 0; k = bytes.indexOf(10, k + 1)) n++;
  return n;
}

function startsWithFrom(bytes: Buffer): boolean {
  return bytes.length >= 5 && bytes[0] === 0x46 && bytes[1] === 0x72 && bytes[2] === 0x6f && bytes[3] === 0x6d && bytes[4] === 0x20;
}

/** Nothing but what trim() removes (tab, line ends, space, and 0xa0 read as Latin-1): no message. */
function isBlankBytes(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 32 && b !== 0xa0 && (b < 9 || b > 13)) return false;
  }
  return true;
}

class LimitError extends Error {}

/**
 * A stream's chunks, then its error, if any: every byte it gave before failing comes first,
 * however fast it is read. (Iterating a stream with for await drops what the stream holds
 * when it fails: gzip data cut short would lose more or less of what it inflates to, as the
 * reader kept up with it or not.)
 */
async function* chunksOf(stream: Readable): AsyncGenerator<Buffer> {
  let ended = false;
  let failure: Error | null = null;
  let wake = (): void => undefined;
  const onReadable = (): void => wake();
  stream.on('readable', onReadable);
  const stop = finished(stream, { writable: false }, (e) => {
    ended = true;
    failure = e ?? null;
    wake();
  });
  try {
    for (;;) {
      // What the stream holds is read out even once it has failed and been destroyed.
      const chunk = stream.read() as Buffer | null;
      if (chunk !== null) {
        yield chunk;
        continue;
      }
      if (ended) break;
      await new Promise<void>((resolve) => { wake = resolve; });
      wake = () => undefined;
    }
  } finally {
    stream.off('readable', onReadable);
    stop();
    stream.destroy();
  }
  if (failure !== null) throw failure;
}

/** The stream's bytes up to `max`; past it a LimitError (and the source is closed). */
async function* limited(stream: Readable, max: number, close: () => void): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const chunk of chunksOf(stream)) {
    n += chunk.length;
    if (n > max) { close(); throw new LimitError(`more than ${max} bytes (the input size limit)`); }
    yield chunk;
  }
}

/**
 * Cuts a byte stream into messages at From_ lines; each yield ends at a line end.
 * Complete lines only are searched; a line longer than a chunk is kept in pieces so a
 * newline-free file stays linear. On a stream error, what was read is yielded first.
 */
async function* messageBytes(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let carry: Buffer[] = [];   // an incomplete last line
  let pending: Buffer[] = []; // the current message's complete lines
  const take = () => { const b = pending.length === 1 ? pending[0] : Buffer.concat(pending); pending = []; return b; };
  let error: unknown = null;
  try {
    for await (const chunk of stream) {
      if (chunk.indexOf(10) < 0) { carry.push(chunk); continue; }
      const data = carry.length > 0 ? Buffer.concat([...carry, chunk]) : chunk;
      const end = data.lastIndexOf(10) + 1;
      carry = end < data.length ? [Buffer.from(data.subarray(end))] : []; // a copy: the chunk is released
      let pos = 0;
      for (const at of fromLineStarts(data, end)) {
        if (at > 0 || pending.length > 0) { pending.push(data.subarray(pos, at)); yield take(); }
        pos = at;
      }
      pending.push(data.subarray(pos, end));
    }
  } catch (e) {
    error = e;
  }
  pending.push(...carry);
  if (pending.some((b) => b.length > 0)) yield take();
  if (error !== null) throw error;
}

/** lore serves threads as mbox.gz: gzip is known by its magic bytes and inflated on the fly. */
function isGzipFile(path: string): boolean {
  const head = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  try {
      return readSync(fd, head, 0, 2, 0) === 2 && isGzip(head);
    } finally {
      closeSync(fd);
    }
  }

  export function isGzip(bytes: Uint8Array): boolean {
    return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  }

  /** Carries a diagnostic when nothing else is left to carry it. */
  function emptyMessage(format: MailFormat, line: number): Message {
    return buildMessage({ format, headers: [], body: [], parts: [], thread: [], diagnostics: [], firstLine: line, lastLine: line });
  }

  /** Offsets of From_ lines among the complete lines data[0, end). */
  function* fromLineStarts(data: Buffer, end: number): Generator<number> {
    const isFrom = (at: number) => {
      const eol = data.indexOf(10, at);
      return FROM_LINE.test(data.toString('latin1', at, eol < 0 ? end : eol));
    };
    if (end > 5 && data.toString('latin1', 0, 5) === 'From ' && isFrom(0)) yield 0;
    for (let k = data.indexOf('\nFrom ', 0, 'latin1'); k >= 0 && k < end - 1; k = data.indexOf('\nFrom ', k + 1, 'latin1')) {
      if (isFrom(k + 1)) yield k + 1;
    }
  }
