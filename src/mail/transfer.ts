// Content-Transfer-Encoding: quoted-printable and base64 decoded to bytes, with a
// map from each decoded line to the mail line it came from.

import { isAscii } from 'node:buffer';
import { codeAt, type RawLine } from './lines';
import type { MailDiagnostic } from './types';

export interface DecodedBytes {
  /** One char per byte (Latin-1 string): cheap to build, lossless. */
  bytes: string;
  /** lineMap[k] is the mail line where decoded line k starts. */
  lineMap: number[];
  /** Known to hold no byte above 0x7f: no charset decoding needed. */
  ascii: boolean;
}

/** At most this many diagnostics of one kind per part: a broken part must not flood the report. */
const MAX_REPORTS = 20;

/** 7bit/8bit/binary: lines are already the bytes. */
export function identity(lines: readonly RawLine[]): DecodedBytes {
  return { bytes: lines.map((l) => l.raw).join('\n'), lineMap: lines.map((l) => l.mailLine), ascii: false };
}

/** Quoted-printable (RFC 2045 6.7): "=" at line end joins lines; "=XX" is a byte; a stray "=" is kept as is. */
export function decodeQuotedPrintable(lines: readonly RawLine[], diags: MailDiagnostic[]): DecodedBytes {
  const out: string[] = [];
  const lineMap: number[] = [];
  let cur: number | null = null;
  let reports = 0;
  for (const l of lines) {
    cur ??= l.mailLine;
    const raw = l.raw;
    const last = codeAt(raw, raw.length - 1);
    if (raw.indexOf('=') < 0 && last !== 32 && last !== 9) { // most lines: nothing to decode
      out.push(raw, '\n');
      lineMap.push(cur);
      cur = null;
      continue;
    }
    // Trailing white space is dropped; a soft line break is often the line's only '='.
    let s = last === 32 || last === 9 ? raw.replace(/[ \t]+$/, '') : raw;
    const soft = s.endsWith('=');
    if (soft) s = s.slice(0, -1);
    const decoded = s.indexOf('=') < 0 ? s : s.replace(/=([0-9A-Fa-f]{2})|=/g, (m: string, hex: string | undefined) => {
      if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
      if (reports++ < MAX_REPORTS) diags.push({ line: l.mailLine, severity: 'warning', message: 'quoted-printable: "=" not followed by two hex digits, kept as is' });
      return m;
    });
    for (let k = decoded.indexOf('\n'); k >= 0; k = decoded.indexOf('\n', k + 1)) { lineMap.push(cur); cur = l.mailLine; }
    out.push(decoded);
    if (!soft) { out.push('\n'); lineMap.push(cur); cur = null; }
  }
  if (cur !== null) lineMap.push(cur);
  else if (out.length > 0) out.pop(); // no newline after the part's last line
  const bytes = out.join('');
  return { bytes, lineMap, ascii: !HIGH_BYTE.test(bytes) };
}

const HIGH_BYTE = /[^\x00-\x7f]/;

/**
 * Base64: characters outside the alphabet are reported by line and skipped; what can
 * be decoded is decoded. Padding in mid-part (concatenated blobs) restarts decoding.
 */
export function decodeBase64(given: readonly RawLine[], diags: MailDiagnostic[]): DecodedBytes {
  if (given.length === 0) return { bytes: '', lineMap: [], ascii: true };
  const lines = withoutStrayLines(given, diags);
  if (lines.length === 0) return { bytes: '', lineMap: [], ascii: true };
  const joined = lines.map((l) => l.raw).join('');
  const clean = CLEAN_BASE64.test(joined);
  const text = clean ? lines.map((l) => l.raw) : cleanBase64(lines, diags);
  const starts: { offset: number; mailLine: number }[] = [];
  let chars = 0; // alphabet characters so far, padding excluded
  text.forEach((t, k) => {
    starts.push({ offset: Math.floor((chars * 3) / 4), mailLine: lines[k].mailLine });
    chars += t.indexOf('=') < 0 ? t.length : t.replace(/=/g, '').length;
  });
  const buf = decodeBlocks(clean ? joined : text.join(''), lines[lines.length - 1].mailLine, diags);
  return { bytes: buf.toString('latin1'), lineMap: mapByOffset(buf, starts, lines[0].mailLine), ascii: isAscii(buf) };
}

/**
 * Lines that are no base64 (a signature, a line a list or a hand added): encoders write
 * lines whose length is a multiple of 4, so a line that is not (and not the last) would
 * shift every byte after it and lose the rest of the part. When such lines are the
 * exception, each is skipped and reported by line.
 */
function withoutStrayLines(lines: readonly RawLine[], diags: MailDiagnostic[]): RawLine[] {
  const len = (l: RawLine) => alphabetLength(l.raw);
  let last = lines.length - 1;
  while (last > 0 && len(lines[last]) === 0) last--;
  const odd = lines.filter((l, k) => k < last && len(l) % 4 !== 0);
  if (odd.length === 0 || odd.length * 2 >= last) return lines as RawLine[];
  const skip = new Set(odd);
  let reports = 0;
  for (const l of odd) {
    if (reports++ < MAX_REPORTS) diags.push({ line: l.mailLine, severity: 'warning', message: 'base64: a line of the part is no base64 (its length is no multiple of 4): skipped' });
  }
  return lines.filter((l) => !skip.has(l));
}

/** The whole part in the alphabet: the common case, checked once rather than line by line. */
const CLEAN_BASE64 = /^[A-Za-z0-9+/=]*$/;

/** Characters of the base64 alphabet in a line: a line of nothing else (most lines) is measured
 *  without building the copy that dropping the others takes. */
function alphabetLength(raw: string): number {
  return CLEAN_BASE64.test(raw) ? raw.length : raw.replace(/[^A-Za-z0-9+/=]/g, '').length;
}

/** Each line without whitespace and characters outside the alphabet, which are reported by line. */
function cleanBase64(lines: readonly RawLine[], diags: MailDiagnostic[]): string[] {
  let reports = 0;
  return lines.map((l) => {
    const clean = l.raw.replace(/\s/g, '');
    const good = clean.replace(/[^A-Za-z0-9+/=]/g, '');
    if (good.length !== clean.length && reports++ < MAX_REPORTS) {
      diags.push({ line: l.mailLine, severity: 'warning', message: `base64: ${clean.length - good.length} character(s) outside the alphabet skipped` });
    }
    return good;
  });
}

/** Padding ends a block; concatenated blobs ("QQ==QQ==") are decoded block by block. */
function decodeBlocks(text: string, lastLine: number, diags: MailDiagnostic[]): Buffer {
  const blocks = text.split(/=+/).filter((b) => b.length > 0);
  if (blocks.some((b) => b.length % 4 === 1)) {
    diags.push({ line: lastLine, severity: 'warning', message: 'base64: a dangling character at the end of a block cannot be decoded' });
  }
  return blocks.length === 1 ? Buffer.from(blocks[0], 'base64') : Buffer.concat(blocks.map((b) => Buffer.from(b, 'base64')));
}

/** Each decoded line is mapped to the source line whose decoded bytes it starts in. */
function mapByOffset(buf: Buffer, starts: readonly { offset: number; mailLine: number }[], first: number): number[] {
  const map: number[] = [];
  let j = 0;
  const at = (offset: number) => {
    while (j + 1 < starts.length && starts[j + 1].offset <= offset) j++;
    return starts[j]?.mailLine ?? first;
  };
  map.push(at(0));
  for (let k = buf.indexOf(10); k >= 0; k = buf.indexOf(10, k + 1)) map.push(at(k + 1));
  return map;
}
