// MIME (RFC 2045/2046): multipart trees, transfer encodings, charsets, format=flowed.
// Text parts a reviewer reads (text/plain, text/x-patch, text/x-diff, *.patch) become
// body lines; every other leaf is kept as a part with its bytes and reported.

import { decodeBytes } from './charset';
import { headerValue, parseParams, readHeaderBlock } from './header';
import type { RawLine } from './lines';
import { decodeBase64, decodeQuotedPrintable, identity, type DecodedBytes } from './transfer';
import type { Header, MailDiagnostic, MailPart } from './types';

export interface MimeResult {
  body: RawLine[];
  parts: MailPart[];
}

/** Deeper nesting than this is read as text: no real mail nests that far. */
const MAX_DEPTH = 32;

export function readMime(headers: Header[], body: RawLine[], diags: MailDiagnostic[]): MimeResult {
  const out: MimeResult = { body: [], parts: [] };
  const first = headers[0]?.mailLine ?? body[0]?.mailLine ?? 1;
  readEntity(headers, body, first, diags, out, 0, true);
  return out;
}

function readEntity(headers: Header[], body: RawLine[], first: number, diags: MailDiagnostic[], out: MimeResult, depth: number, bodyAllowed: boolean): void {
  const ct = parseParams(headerValue(headers, 'Content-Type') ?? 'text/plain');
  if (ct.type.startsWith('multipart/')) {
    const boundary = ct.params.get('boundary');
    if (boundary && depth < MAX_DEPTH) return readMultipart(ct.type, boundary, body, diags, out, depth, bodyAllowed);
    diags.push({ line: headers.find((h) => /^content-type$/i.test(h.name))?.mailLine ?? first, severity: 'warning', message: boundary ? 'multipart nested too deep: read as text' : `${ct.type} without a boundary: read as text` });
    ct.type = 'text/plain';
  }
  readLeaf(headers, ct, body, first, diags, out, bodyAllowed);
}

interface Section { lines: RawLine[]; first: number }

/** Splits on "--boundary" lines; a missing closing "--boundary--" is reported, the last part kept. */
function readMultipart(type: string, boundary: string, body: RawLine[], diags: MailDiagnostic[], out: MimeResult, depth: number, bodyAllowed: boolean): void {
  const open = '--' + boundary;
  const sections: Section[] = [];
  let cur: Section | null = null;
  let closed = false;
  let preambleEnd = body.length;
  for (let i = 0; i < body.length; i++) {
    const raw = body[i].raw;
    if (!raw.startsWith(open)) { cur?.lines.push(body[i]); continue; }
    const tail = raw.slice(open.length).trimEnd();
    if (tail === '--') { closed = true; reportExtra(body, i + 1, body.length, diags, 'multipart epilogue'); break; }
    if (tail !== '') { cur?.lines.push(body[i]); continue; }
    if (cur === null) preambleEnd = i;
    cur = { lines: [], first: body[i].mailLine };
    sections.push(cur);
  }
  reportExtra(body, 0, Math.min(preambleEnd, body.length), diags, 'multipart preamble', /^This is a multi-part message in MIME format\.?$/);
  if (sections.length === 0) {
    diags.push({ line: body[0]?.mailLine ?? 1, severity: 'warning', message: `multipart boundary "${boundary}" never appears: body read as text` });
    return readLeaf([], { type: 'text/plain', params: new Map() }, body, body[0]?.mailLine ?? 1, diags, out, bodyAllowed);
  }
  if (!closed) diags.push({ line: body[body.length - 1].mailLine, severity: 'warning', message: `multipart boundary "${boundary}" (opened at line ${sections[0].first}) is never closed: message truncated? last part read to the end` });
  const chosen = type === 'multipart/alternative' ? preferredAlternative(sections) : -1;
  sections.forEach((s, k) => {
    const { headers, bodyStart } = readHeaderBlock(s.lines, 0, s.lines.length, diags);
    readEntity(headers, s.lines.slice(bodyStart), s.first, diags, out, depth + 1, bodyAllowed && (chosen < 0 || chosen === k));
  });
}

/** In multipart/alternative only one rendering is the body: the plain text one. */
function preferredAlternative(sections: readonly Section[]): number {
  const k = sections.findIndex((s) => {
    const ct = s.lines.find((l) => /^content-type:/i.test(l.raw));
    return ct === undefined || /^content-type:\s*text\/plain/i.test(ct.raw);
  });
  return k < 0 ? 0 : k;
}

function reportExtra(body: readonly RawLine[], from: number, to: number, diags: MailDiagnostic[], what: string, ignore?: RegExp): void {
  const text = body.slice(from, to).filter((l) => l.raw.trim() !== '' && !(ignore && ignore.test(l.raw.trim())));
  if (text.length > 0) diags.push({ line: text[0].mailLine, severity: 'info', message: `${what} (${text.length} line(s) from line ${text[0].mailLine}) is not part of any MIME part` });
}

const PATCH_TYPES = /^(text\/|message\/rfc822$|application\/(x-)?(patch|diff)$)/;

function readLeaf(headers: Header[], ct: { type: string; params: Map<string, string> }, body: RawLine[], first: number, diags: MailDiagnostic[], out: MimeResult, bodyAllowed: boolean): void {
  const disposition = parseParams(headerValue(headers, 'Content-Disposition') ?? '');
  const filename = disposition.params.get('filename') ?? ct.params.get('name') ?? null;
  const cte = (headerValue(headers, 'Content-Transfer-Encoding') ?? '').trim().toLowerCase() || null;
  const textual = PATCH_TYPES.test(ct.type) || /\.(patch|diff)$/i.test(filename ?? '');
  const inBody = bodyAllowed && textual && ct.type !== 'text/html';
  if (inBody && isPlainAscii(cte, ct.params, body)) return readAsciiLeaf(ct, cte, filename, body, first, out);
  const decoded = transferDecode(cte, body, diags);
  const size = decoded.bytes.length;
  const part: MailPart = {
    contentType: ct.type, charset: ct.params.get('charset') ?? null, transferEncoding: cte, filename, inBody,
    binary: !textual, size, data: inBody ? null : Buffer.from(decoded.bytes, 'latin1'), firstLine: first, lastLine: body[body.length - 1]?.mailLine ?? first,
  };
  out.parts.push(part);
  if (inBody) for (const l of textLines(decoded, part, ct.params, first, diags)) out.body.push(l);
  else report(part, diags);
}

/** 7bit/8bit text with no byte above 0x7f and no flowing: the mail lines are the text lines. */
function isPlainAscii(cte: string | null, params: Map<string, string>, body: readonly RawLine[]): boolean {
  if (cte !== null && !/^(7bit|8bit|binary)$/.test(cte)) return false;
  if (/^flowed$/i.test(params.get('format') ?? '')) return false;
  for (const l of body) if (NON_ASCII.test(l.raw)) return false;
  return true;
}

const NON_ASCII = /[^\x00-\x7f]/;

/** The common case, kept cheap: no copy of the lines. */
function readAsciiLeaf(ct: { type: string; params: Map<string, string> }, cte: string | null, filename: string | null, body: RawLine[], first: number, out: MimeResult): void {
  let size = 0;
  for (const l of body) size += l.raw.length + 1;
  out.parts.push({
    contentType: ct.type, charset: ct.params.get('charset') ?? null, transferEncoding: cte, filename, inBody: true,
    binary: false, size: Math.max(0, size - 1), data: null, firstLine: first, lastLine: body[body.length - 1]?.mailLine ?? first,
  });
  for (const l of body) out.body.push(l);
}

function report(part: MailPart, diags: MailDiagnostic[]): void {
  const what = part.binary ? 'binary attachment' : `${part.contentType} part`;
  const name = part.filename ? ` "${part.filename}"` : '';
  diags.push({ line: part.firstLine, severity: 'info', message: `${what}${name} (${part.contentType}, ${part.size} bytes, lines ${part.firstLine}-${part.lastLine}) kept as a part, not read as body text` });
}

function transferDecode(cte: string | null, body: RawLine[], diags: MailDiagnostic[]): DecodedBytes {
  if (cte === 'quoted-printable') return decodeQuotedPrintable(body, diags);
  if (cte === 'base64') return decodeBase64(body, diags);
  if (cte !== null && !/^(7bit|8bit|binary)$/.test(cte)) {
    diags.push({ line: body[0]?.mailLine ?? 1, severity: 'warning', message: `unknown Content-Transfer-Encoding "${cte}": read as 8bit` });
  }
  return identity(body);
}

/** Decodes the charset and splits lines; each line keeps the mail line it came from. */
function textLines(d: DecodedBytes, part: MailPart, params: Map<string, string>, first: number, diags: MailDiagnostic[]): RawLine[] {
  const ascii = !/[\x80-\xff]/.test(d.bytes);
  const dec = ascii ? { text: d.bytes, badLines: [], fallback: null } : decodeBytes(Buffer.from(d.bytes, 'latin1'), part.charset);
  const texts = dec.text.split('\n');
  const mapped = texts.length === d.lineMap.length;
  const lineOf = (k: number) => (mapped ? d.lineMap[k] : d.lineMap[0] ?? first);
  if (dec.fallback) diags.push({ line: first, severity: 'warning', message: dec.fallback });
  reportBadLines(dec.badLines, lineOf, part, diags);
  if (d.lineMap.length === 0) return [];
  const lines = texts.map((t, k) => ({ mailLine: lineOf(k), raw: t.endsWith('\r') ? t.slice(0, -1) : t }));
  return /^flowed$/i.test(params.get('format') ?? '') ? unflow(lines, /^yes$/i.test(params.get('delsp') ?? '')) : lines;
}

function reportBadLines(bad: readonly number[], lineOf: (k: number) => number, part: MailPart, diags: MailDiagnostic[]): void {
  const cs = part.charset ?? 'utf-8';
  for (const k of bad.slice(0, 20)) diags.push({ line: lineOf(k), severity: 'warning', message: `bytes not valid ${cs}: read as Latin-1` });
  if (bad.length > 20) diags.push({ line: lineOf(bad[20]), severity: 'warning', message: `${bad.length - 20} more line(s) with bytes not valid ${cs}` });
}

/**
 * format=flowed (RFC 3676): a line ending in a space continues on the next line of
 * the same quote depth; "-- " is never flowed; one leading space is stuffing.
 * The joined line keeps the mail line of its first piece.
 */
export function unflow(lines: readonly RawLine[], delSp: boolean): RawLine[] {
  const out: RawLine[] = [];
  let open: { depth: number; mailLine: number; text: string } | null = null;
  const emit = () => { if (open) out.push({ mailLine: open.mailLine, raw: (open.depth > 0 ? '>'.repeat(open.depth) + ' ' : '') + open.text }); open = null; };
  for (const l of lines) {
    const q = /^>*/.exec(l.raw)![0].length;
    let text = l.raw.slice(q);
    if (text.startsWith(' ')) text = text.slice(1);
    const flowed = text.endsWith(' ') && text !== '-- ';
    if (open && (open as { depth: number }).depth !== q) emit();
    const piece = flowed && delSp ? text.slice(0, -1) : text;
    if (open) (open as { text: string }).text += piece;
    else open = { depth: q, mailLine: l.mailLine, text: piece };
    if (!flowed) emit();
  }
  emit();
  return out;
}
