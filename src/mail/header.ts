// RFC 5322 header blocks: folding, RFC 2047 encoded words, raw 8-bit bytes.

import { decodeBytes, decodeUtf8Lenient } from './charset';
import type { RawLine } from './lines';
import type { Header, MailDiagnostic } from './types';

const FIELD = /^([!-9;-~]+)[ \t]*:[ \t]?(.*)$/;

export function isHeaderLine(raw: string): boolean {
  return FIELD.test(raw);
}

/**
 * Reads the header block starting at lines[start]; lines are byte strings (one char
 * per byte), values are unfolded and decoded. Stops at the blank line, returned as `bodyStart` past it.
 * A line that is neither a field nor a continuation ends the block: it is body.
 */
export function readHeaderBlock(
  lines: readonly RawLine[], start: number, end: number, diagnostics: MailDiagnostic[],
): { headers: Header[]; bodyStart: number } {
  const headers: Header[] = [];
  let open: { name: string; parts: string[]; mailLine: number } | null = null;
  let i = start;
  for (; i < end; i++) {
    const raw = lines[i].raw;
    if (raw === '') { i++; break; }
    if ((raw[0] === ' ' || raw[0] === '\t') && open !== null) { open.parts.push(raw.trim()); continue; }
    const m = FIELD.exec(raw);
    if (!m) {
      diagnostics.push({ line: lines[i].mailLine, severity: 'warning', message: 'header block ends without a blank line; this line starts the body' });
      break;
    }
    if (open !== null) headers.push(unfold(open));
    open = { name: m[1], parts: [m[2].trim()], mailLine: lines[i].mailLine };
  }
  if (open !== null) headers.push(unfold(open));
  return { headers, bodyStart: i };
}

function unfold(h: { name: string; parts: string[]; mailLine: number }): Header {
  return { name: h.name, value: decodeHeaderValue(h.parts.join(' ')), mailLine: h.mailLine };
}

export function headerValue(headers: readonly Header[], name: string): string | null {
  const lower = name.toLowerCase();
  for (const h of headers) if (h.name.toLowerCase() === lower) return h.value;
  return null;
}

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

/**
 * Decodes a header value given as a byte string: encoded words by their charset,
 * the rest as UTF-8 (raw 8-bit headers are common) with Latin-1 for invalid bytes.
 * Whitespace between adjacent encoded words is dropped (RFC 2047 section 6.2).
 */
export function decodeHeaderValue(bytes: string): string {
  const plain = (s: string) => (/[\x80-\xff]/.test(s) ? decodeUtf8Lenient(Buffer.from(s, 'latin1')).text : s);
  if (!bytes.includes('=?')) return plain(bytes);
  let out = '';
  let last = 0;
  let lastWasWord = false;
  for (const m of bytes.matchAll(ENCODED_WORD)) {
    const gap = bytes.slice(last, m.index);
    if (!(lastWasWord && /^[ \t]*$/.test(gap))) out += plain(gap);
    out += decodeWord(m[1], m[2], m[3]);
    last = m.index + m[0].length;
    lastWasWord = true;
  }
  return out + plain(bytes.slice(last));
}

function decodeWord(charset: string, enc: string, text: string): string {
  const bytes = enc.toUpperCase() === 'B'
    ? Buffer.from(text, 'base64')
    : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  return decodeBytes(bytes, charset).text;
}

/** "type/subtype; a=b; c=\"d\"" split into a lower-case type and parameters (RFC 2231 "*" forms joined). */
export function parseParams(value: string): { type: string; params: Map<string, string> } {
  const params = new Map<string, string>();
  const semi = value.indexOf(';');
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const re = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  const rest = semi < 0 ? '' : value.slice(semi);
  for (const m of rest.matchAll(re)) {
    const key = m[1].toLowerCase();
    const v = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3].trim();
    addParam(params, key, v);
  }
  return { type, params };
}

/** RFC 2231: name*0*=..., name*1=... concatenate; name*=utf-8''%E2%82 percent-decodes. */
function addParam(params: Map<string, string>, key: string, v: string): void {
  const m = /^([^*]+)\*(\d+)?(\*)?$/.exec(key);
  if (!m) { params.set(key, v); return; }
  let value = v;
  if (m[3] !== undefined || m[2] === undefined) {
    const ext = /^([^']*)'[^']*'(.*)$/.exec(v);
    const charset = ext ? ext[1] : null;
    const data = ext ? ext[2] : v;
    const bytes = Buffer.from(data.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    value = decodeBytes(bytes, charset || 'utf-8').text;
  }
  params.set(m[1], (m[2] !== undefined && m[2] !== '0' ? params.get(m[1]) ?? '' : '') + value);
}
