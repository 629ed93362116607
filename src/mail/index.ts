// The mail stage's public API: read any mail document reviewers have into messages.

import { isAscii } from 'node:buffer';
import { constants, gunzipSync } from 'node:zlib';
import { readLkml, readMailArchive, readPublicInbox } from './archive';
import { decodeUtf8Lenient } from './charset';
import { detectFormat } from './detect';
import { dropFinalEmpty, splitLines, type RawLine } from './lines';
import { isGzip, mboxRecords, readMboxLines, readRecord, type MboxRecord } from './mbox';
import { buildMessage, type Draft } from './message';
import { FROM_LINE, readRawMessage } from './rfc822';
import { splitConcatenated } from './concat';
import type { MailDiagnostic, MailDocument, MailFormat } from './types';
import { closeSync, openSync, readSync } from 'node:fs';
import { DEFAULT_LIMITS, inflateLimit, readInput, readInputSync, regularFileSize, type InputLimits } from './file';

export { readMbox, readRecord, type MboxRecord } from './mbox';
export { readInput, readInputSync, inflateLimit, regularFileSize, DEFAULT_LIMITS, InputError, type InputLimits } from './file';
export { parseSeriesTag, stripReplyPrefixes } from './series';
export { parseAddress } from './message';
export { headerText, terminalJson, terminalText } from './controls';
export type * from './types';

/** The most bytes a document may hold once inflated: V8's longest string, less a margin. */
export const MAX_DOCUMENT_BYTES = (1 << 29) - 64;

export interface ReadOptions {
  file?: string;
  /** Most bytes gzip data may inflate to (default and cap: MAX_DOCUMENT_BYTES). */
  maxInflated?: number;
}

/**
 * Reads a document of any supported format, detected from its content. Never throws
 * on content: problems become diagnostics naming the line. Strings are taken as text
 * (encoded to UTF-8 bytes first, so raw formats see the bytes a file would hold).
 */
export function readMail(input: string | Uint8Array, opts: ReadOptions = {}): MailDocument {
  const given = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const file = opts.file ?? null;
  const limit = Math.min(opts.maxInflated ?? MAX_DOCUMENT_BYTES, MAX_DOCUMENT_BYTES);
  const gz = isGzip(given) ? gunzip(given, limit) : { bytes: given, problem: null };
  const diagnostics: MailDiagnostic[] = [];
  if (gz.problem) diagnostics.push({ line: 1, severity: 'error', message: gz.problem });
  if (gz.bytes.length > MAX_DOCUMENT_BYTES) {
    diagnostics.push({ line: 1, severity: 'error', message: `${gz.bytes.length} bytes: more than the ${MAX_DOCUMENT_BYTES} one document may hold; not read` });
    return { file, format: 'text', messages: [], diagnostics };
  }
  const bytes = lineBytes(gz.bytes, diagnostics);
  const byteText = bytes.toString('latin1');
  const headBytes = byteText.slice(0, 8192).split('\n').map((l) => l.replace(/\r$/, ''));
  const format = detectFormat(headBytes, byteText.slice(0, 65536));
  const doc: MailDocument = { file, format, messages: [], diagnostics };
  if (format === 'mbox' || format === 'mboxrd' || format === 'rfc822') {
    const lines = dropFinalEmpty(splitLines(byteText, 1));
    const ascii = isAscii(bytes);
    doc.messages = format === 'rfc822'
      ? splitConcatenated(lines, doc.diagnostics).map((part, k, all) => readRawMessage(k < all.length - 1 ? trimTrailingBlank(part) : part, format, ascii))
      : readMboxLines(lines, format, ascii);
  } else {
    doc.messages = readPage(format, bytes, doc.diagnostics).map(buildMessage);
  }
  return doc;
}

/** The blank line that ends a message before the next one's headers is not the message's. */
function trimTrailingBlank(lines: RawLine[]): RawLine[] {
  return lines.length > 1 && lines[lines.length - 1].raw.replace(/\r$/, '') === '' ? lines.slice(0, -1) : lines;
}

/**
 * Bytes whose lines the readers can cut at LF: UTF-16 (known by its byte order mark)
 * re-encoded as UTF-8, a UTF-8 byte order mark dropped, and CR-only line ends (old Mac
 * mail) made LF. Each change is reported on line 1; line numbers are unchanged by it.
 */
function lineBytes(bytes: Buffer, diags: MailDiagnostic[]): Buffer {
  let b = bytes;
  if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) {
    const le = b[0] === 0xff;
    const body = Buffer.from(b.subarray(2, 2 + ((b.length - 2) & ~1)));
    if (!le) body.swap16();
    b = Buffer.from(body.toString('utf16le'), 'utf8');
    diags.push({ line: 1, severity: 'warning', message: `UTF-16${le ? 'LE' : 'BE'} text (byte order mark): read as UTF-8` });
  } else if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
    b = b.subarray(3);
  }
  let lf = 0;
  let lone = 0;
  for (let k = b.indexOf(13); k >= 0; k = b.indexOf(13, k + 1)) if (b[k + 1] !== 10) lone++;
  if (lone === 0) return b;
  for (let k = b.indexOf(10); k >= 0; k = b.indexOf(10, k + 1)) lf++;
  if (lone <= lf) return b; // a stray CR in LF text is the line's own
  const out = Buffer.from(b);
  for (let k = out.indexOf(13); k >= 0; k = out.indexOf(13, k + 1)) if (out[k + 1] !== 10) out[k] = 10;
  diags.push({ line: 1, severity: 'warning', message: `${lone} line${lone === 1 ? '' : 's'} end in CR alone (old Mac line ends): read as line ends` });
  return out;
}

/**
 * mbox.gz as lore serves it: inflated, line numbers then count in the inflated text.
 * Corrupt data is inflated as far as it goes; failing that, read as it is. Data that
 * inflates past `limit` is refused, not inflated further.
 */
function gunzip(bytes: Buffer, limit: number): { bytes: Buffer; problem: string | null } {
  try {
    return { bytes: gunzipSync(bytes, { maxOutputLength: limit }), problem: null };
  } catch (e) {
    if (tooLarge(e)) return { bytes: Buffer.alloc(0), problem: inflateProblem(bytes.length, limit) };
    const partial = safeGunzipPartial(bytes, limit);
    const why = e instanceof Error ? e.message : String(e);
    if (partial === null) return { bytes: Buffer.alloc(0), problem: inflateProblem(bytes.length, limit) };
    return partial.length > 0
      ? { bytes: partial, problem: `gzip data corrupt or truncated (${why}): read as far as it inflates` }
      : { bytes, problem: `gzip magic bytes but no gzip data (${why}): read as it is` };
  }
}

function inflateProblem(size: number, limit: number): string {
  return `gzip data of ${size} bytes inflates to more than ${limit} bytes (the inflate limit): not read`;
}

function tooLarge(e: unknown): boolean {
  return e instanceof RangeError || (e instanceof Error && (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE');
}

/** What corrupt data inflates to; null when that passes the limit. */
function safeGunzipPartial(bytes: Buffer, limit: number): Buffer | null {
  try {
    return gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: limit });
  } catch (e) {
    return tooLarge(e) ? null : Buffer.alloc(0);
  }
}

/** Reads a file whole within the limits; use readMbox for large mbox files. Throws InputError. */
export function readMailFile(path: string, limits: InputLimits = DEFAULT_LIMITS): MailDocument {
  const bytes = readInputSync(path, limits);
  return readMail(bytes, { file: path, maxInflated: inflateLimit(bytes.length, limits) });
}

/** Every verb's reader: a file, or standard input for '-', within the limits. Throws InputError. */
export async function loadMail(path: string, limits: InputLimits = DEFAULT_LIMITS): Promise<MailDocument> {
  const bytes = await readInput(path, limits);
  return readMail(bytes, { file: path, maxInflated: inflateLimit(bytes.length, limits) });
}

/** Files past this size are read message by message when they are mbox (or mbox.gz). */
export const STREAM_BYTES = 16 * 1024 * 1024;

/**
 * Every verb's reader for input that may be large: an mbox (or mbox.gz) file over
 * STREAM_BYTES is yielded one message at a time (memory: a message or two, whatever the
 * file's size), anything else as one document. Line numbers are the file's. Throws InputError.
 */
export async function* streamMail(path: string, limits: InputLimits = DEFAULT_LIMITS, streamBytes = STREAM_BYTES): AsyncGenerator<MailDocument> {
  const records = streamedRecords(path, limits, streamBytes);
  if (records === null) {
    yield await loadMail(path, limits);
    return;
  }
  for await (const r of records) yield recordDocument(path, r);
}

/** A streamed message as the document streamMail yields for it. */
export function recordDocument(path: string, r: MboxRecord): MailDocument {
  const m = readRecord(r);
  return { file: path, format: m.format, messages: [m], diagnostics: [] };
}

/**
 * The records streamMail reads a file's messages from, when it streams the file (an mbox or
 * mbox.gz over `streamBytes`); null when it reads the file whole. Throws InputError.
 */
export function streamedRecords(path: string, limits: InputLimits = DEFAULT_LIMITS, streamBytes = STREAM_BYTES): AsyncGenerator<MboxRecord> | null {
  const size = path === '-' ? 0 : regularFileSize(path, limits);
  if (size <= streamBytes || !startsAsMbox(path)) return null;
  return mboxRecords(path, { maxBytes: isGzip(head(path, 2)) ? inflateLimit(size, limits) : limits.maxBytes });
}

function head(path: string, n: number): Buffer {
  const b = Buffer.alloc(n);
  const fd = openSync(path, 'r');
  try {
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** Does the file (inflated, if gzip) start with a From_ line? */
function startsAsMbox(path: string): boolean {
  let b = head(path, 64 * 1024);
  if (isGzip(b)) {
    // 4 KiB of deflate data inflate to at most about 4 MiB
    try { b = gunzipSync(b.subarray(0, 4096), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 8 << 20 }); } catch { return false; }
  }
  const text = b.toString('latin1');
  // Old Mac line ends (CR alone) are made LF only when the document is read whole.
  if (/\r(?!\n)/.test(text.slice(0, -1))) return false;
  const first = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return FROM_LINE.test(first.replace(/\r$/, ''));
}

/** Web-archive pages are text already: decoded once as UTF-8 (invalid bytes as Latin-1, reported). */
function readPage(format: MailFormat, bytes: Buffer, diags: MailDiagnostic[]): Draft[] {
  const dec = decodeUtf8Lenient(bytes);
  for (const k of dec.badLines.slice(0, 20)) diags.push({ line: k + 1, severity: 'warning', message: 'bytes not valid UTF-8: read as Latin-1' });
  const lines = dropFinalEmpty(splitLines(dec.text, 1));
  if (format === 'lkml') return [readLkml(lines)];
  if (format === 'public-inbox') return readPublicInbox(lines);
  if (format === 'mail-archive') return [readMailArchive(lines)];
  return [plainText(lines)];
}

/** A plain-text document longer than this is not a patch file: reading it as text is worth saying. */
const LONG_TEXT_LINES = 1000;

function plainText(lines: RawLine[]): Draft {
  const long = lines.length > LONG_TEXT_LINES;
  const diagnostics: MailDiagnostic[] = lines.length > 0
    ? [{ line: 1, severity: long ? 'warning' : 'info', ...(long ? {} : { verbose: true }),
      message: `no mail headers or archive page recognised: ${long ? `all ${lines.length} lines` : 'the text'} read as one plain-text message` }]
    : [];
  return { format: 'text', headers: [], body: lines, parts: [], thread: [], diagnostics, firstLine: 1, lastLine: lines[lines.length - 1]?.mailLine ?? 1 };
}
