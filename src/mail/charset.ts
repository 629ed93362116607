// Bytes to text by the charset a part declares. Nothing is lost: bytes that are not
// valid in the declared charset are read as Latin-1 and reported by line.

import { isUtf8 } from 'node:buffer';

/** windows-1252 bytes 0x80..0x9f; the five undefined ones map to the C1 control of the same value. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

export interface Decoded {
  text: string;
  /** 0-based indexes of decoded lines holding bytes that were not valid in the charset. */
  badLines: number[];
  /** Set when the charset was unknown or unusable and UTF-8/Latin-1 was used instead. */
  fallback: string | null;
}

type Kind = 'utf8' | 'latin1' | 'cp1252' | 'other';

/** Node's TextDecoder maps iso-8859-1 to windows-1252 and, here, windows-1252 to Latin-1: name them ourselves. */
function kindOf(charset: string): Kind {
  const c = charset.toLowerCase().replace(/^["']|["']$/g, '').replace(/\*.*$/, '');
  if (c === '' || /^(utf-?8|us-ascii|ascii|ansi_x3\.4-1968|7bit|8bit)$/.test(c)) return 'utf8';
  if (/^(iso[-_]?8859-1|iso_8859-1:1987|latin-?1|l1|cp819|ibm819)$/.test(c)) return 'latin1';
  if (/^(windows-1252|cp-?1252|x-cp1252)$/.test(c)) return 'cp1252';
  return 'other';
}

/** Charsets in which LF is never part of a character, so each line decodes on its own. */
export function decodesByLine(charset: string | null): boolean {
  return kindOf(charset ?? '') !== 'other';
}

export function decodeBytes(bytes: Uint8Array, charset: string | null): Decoded {
  const kind = kindOf(charset ?? '');
  if (kind === 'latin1') return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), badLines: [], fallback: null };
  if (kind === 'cp1252') return { text: decodeCp1252(bytes), badLines: [], fallback: null };
  if (kind === 'other' && charset !== null) {
    const other = decodeWithTextDecoder(bytes, charset);
    if (other !== null) return { text: other, badLines: [], fallback: null };
    const d = decodeUtf8Lenient(bytes);
    return { ...d, fallback: `charset "${charset}" is unknown or does not fit the bytes: read as UTF-8, invalid bytes as Latin-1` };
  }
  return decodeUtf8Lenient(bytes);
}

function decodeWithTextDecoder(bytes: Uint8Array, charset: string): string | null {
  try {
    return new TextDecoder(charset.toLowerCase(), { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function decodeCp1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = bytes.subarray(i, i + 8192);
    const codes = new Array<number>(chunk.length);
    for (let j = 0; j < chunk.length; j++) {
      const b = chunk[j];
      codes[j] = b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80] : b;
    }
    out += String.fromCharCode(...codes);
  }
  return out;
}

/** Valid UTF-8 decoded as such; each invalid byte becomes the Latin-1 character of the same value. */
export function decodeUtf8Lenient(bytes: Uint8Array): Decoded {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buf)) return { text: buf.toString('utf8'), badLines: [], fallback: null };
  const parts: string[] = [];
  const badLines: number[] = [];
  let line = 0;
  let start = 0; // start of the current valid run
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    if (b === 0x0a) line++;
    if (b < 0x80) { i++; continue; }
    const n = utf8SequenceLength(buf, i);
    if (n > 0) { i += n; continue; }
    parts.push(buf.toString('utf8', start, i), String.fromCharCode(b));
    if (badLines[badLines.length - 1] !== line) badLines.push(line);
    i++;
    start = i;
  }
  parts.push(buf.toString('utf8', start, buf.length));
  return { text: parts.join(''), badLines, fallback: null };
}

/** Length of the well-formed UTF-8 sequence at i, or 0 (overlongs, surrogates and > U+10FFFF rejected). */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i];
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k] >= lo && b[i + k] <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
