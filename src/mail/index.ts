// The mail stage's public API: read any mail document reviewers have into messages.

import { isAscii } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
import { readLkml, readMailArchive, readPublicInbox } from './archive';
import { decodeUtf8Lenient } from './charset';
import { detectFormat } from './detect';
import { dropFinalEmpty, splitLines, type RawLine } from './lines';
import { isGzip, readMboxLines } from './mbox';
import { buildMessage, type Draft } from './message';
import { readRawMessage } from './rfc822';
import type { MailDiagnostic, MailDocument, MailFormat } from './types';

export { readMbox } from './mbox';
export { parseSeriesTag, stripReplyPrefixes } from './series';
export { parseAddress } from './message';
export type * from './types';

/**
 * Reads a document of any supported format, detected from its content. Never throws
 * on content: problems become diagnostics naming the line. Strings are taken as text
 * (encoded to UTF-8 bytes first, so raw formats see the bytes a file would hold).
 */
export function readMail(input: string | Uint8Array, opts: { file?: string } = {}): MailDocument {
  const given = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const gz = isGzip(given) ? gunzip(given) : { bytes: given, problem: null };
  const bytes = gz.bytes;
  const byteText = bytes.toString('latin1');
  const headBytes = byteText.slice(0, 8192).split('\n').map((l) => l.replace(/\r$/, ''));
  const format = detectFormat(headBytes, byteText.slice(0, 65536));
  const doc: MailDocument = { file: opts.file ?? null, format, messages: [], diagnostics: [] };
  if (gz.problem) doc.diagnostics.push({ line: 1, severity: 'error', message: gz.problem });
  if (format === 'mbox' || format === 'mboxrd' || format === 'rfc822') {
    const lines = dropFinalEmpty(splitLines(byteText, 1));
    const ascii = isAscii(bytes);
    doc.messages = format === 'rfc822' ? [readRawMessage(lines, format, ascii)] : readMboxLines(lines, format, ascii);
  } else {
    doc.messages = readPage(format, bytes, doc.diagnostics).map(buildMessage);
  }
  return doc;
}

/**
 * mbox.gz as lore serves it: inflated, line numbers then count in the inflated text.
 * Corrupt data is inflated as far as it goes; failing that, read as it is.
 */
function gunzip(bytes: Buffer): { bytes: Buffer; problem: string | null } {
  try {
    return { bytes: gunzipSync(bytes), problem: null };
  } catch (e) {
    const partial = safeGunzipPartial(bytes);
    const why = e instanceof Error ? e.message : String(e);
    return partial.length > 0
      ? { bytes: partial, problem: `gzip data corrupt or truncated (${why}): read as far as it inflates` }
      : { bytes, problem: `gzip magic bytes but no gzip data (${why}): read as it is` };
  }
}

function safeGunzipPartial(bytes: Buffer): Buffer {
  try {
    return gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return Buffer.alloc(0);
  }
}

/** Reads a small file whole; use readMbox for large mbox files. */
export function readMailFile(path: string): MailDocument {
  return readMail(readFileSync(path), { file: path });
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

function plainText(lines: RawLine[]): Draft {
  const diagnostics: MailDiagnostic[] = lines.length > 0
    ? [{ line: 1, severity: 'info', message: 'no mail headers or archive page recognised: read as plain text' }]
    : [];
  return { format: 'text', headers: [], body: lines, parts: [], thread: [], diagnostics, firstLine: 1, lastLine: lines[lines.length - 1]?.mailLine ?? 1 };
}
