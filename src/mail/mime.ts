// MIME (RFC 2045/2046): multipart trees, transfer encodings, charsets, format=flowed.
// Text parts a reviewer reads (text/plain, text/x-patch, text/x-diff, *.patch) become
// body lines; every other leaf is kept as a part with its bytes and reported.

import { isUtf8 } from 'node:buffer';
import { decodeBytes, decodesByLine } from './charset';
import { headerValue, parseParams, readHeaderBlock } from './header';
import { codeAt, type RawLine } from './lines';
import { decodeBase64, decodeQuotedPrintable, identity, type DecodedBytes } from './transfer';
import type { Header, MailDiagnostic, MailPart } from './types';

export interface MimeResult {
  body: RawLine[];
  parts: MailPart[];
}

/** Where a walk of the MIME tree puts what it reads. */
interface Sink extends MimeResult {
  diags: MailDiagnostic[];
  /** The whole message is 7-bit: lines need no charset decoding. */
  ascii: boolean;
}

/** Deeper nesting than this is read as text: no real mail nests that far. */
const MAX_DEPTH = 32;

export function readMime(headers: Header[], body: RawLine[], diags: MailDiagnostic[], ascii = false): MimeResult {
  const sink: Sink = { body: [], parts: [], diags, ascii };
  const first = headers[0]?.mailLine ?? body[0]?.mailLine ?? 1;
  readEntity(headers, body, first, sink, 0, true);
  return { body: sink.body, parts: sink.parts };
}

function readEntity(headers: Header[], body: RawLine[], first: number, out: Sink, depth: number, bodyAllowed: boolean): void {
  const ct = parseParams(headerValue(headers, 'Content-Type') ?? 'text/plain');
  if (ct.type.startsWith('multipart/')) {
    const boundary = ct.params.get('boundary');
    if (boundary && depth < MAX_DEPTH) return readMultipart(ct.type, boundary, body, out, depth, bodyAllowed);
    out.diags.push({ line: headers.find((h) => /^content-type$/i.test(h.name))?.mailLine ?? first, severity: 'warning', message: boundary ? 'multipart nested too deep: read as text' : `${ct.type} without a boundary: read as text` });
    ct.type = 'text/plain';
  }
  if (ct.type === 'message/rfc822' && depth < MAX_DEPTH && !/^(base64|quoted-printable)$/i.test(headerValue(headers, 'Content-Transfer-Encoding')?.trim() ?? '')) {
    return readEnclosed(body, out, depth, bodyAllowed);
  }
  readLeaf(headers, ct, body, first, out, bodyAllowed);
}

/** A forwarded message: its header lines are read as they stand, its body through MIME like any other. */
function readEnclosed(body: RawLine[], out: Sink, depth: number, bodyAllowed: boolean): void {
  const { headers, bodyStart } = readHeaderBlock(body, 0, body.length, out.diags);
  if (bodyAllowed) for (let i = 0; i < bodyStart; i++) out.body.push(body[i]);
  readEntity(headers, body.slice(bodyStart), body[0]?.mailLine ?? 1, out, depth + 1, bodyAllowed);
}

interface Section { lines: RawLine[]; first: number }

/** Splits on "--boundary" lines; a missing closing "--boundary--" is reported, the last part kept. */
function readMultipart(type: string, boundary: string, body: RawLine[], out: Sink, depth: number, bodyAllowed: boolean): void {
  const diags = out.diags;
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
  if (sections.length === 0) {
    diags.push({ line: body[0]?.mailLine ?? 1, severity: 'warning', message: `multipart boundary "${boundary}" never appears: body read as text` });
    return readLeaf([], { type: 'text/plain', params: new Map() }, body, body[0]?.mailLine ?? 1, out, bodyAllowed);
  }
  reportExtra(body, 0, preambleEnd, diags, 'multipart preamble', /^This is a multi-part message in MIME format\.?$/);
  if (!closed) diags.push({ line: body[body.length - 1].mailLine, severity: 'warning', message: `multipart boundary "${boundary}" (opened at line ${sections[0].first}) is never closed: message truncated? last part read to the end` });
  const chosen = type === 'multipart/alternative' ? preferredAlternative(sections) : -1;
  sections.forEach((s, k) => {
    const { headers, bodyStart } = readHeaderBlock(s.lines, 0, s.lines.length, diags);
    readEntity(headers, s.lines.slice(bodyStart), s.first, out, depth + 1, bodyAllowed && (chosen < 0 || chosen === k));
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
  if (text.length > 0) diags.push({ line: text[0].mailLine, severity: 'info', verbose: true, message: `${what} (${text.length} line(s) from line ${text[0].mailLine}) is not part of any MIME part` });
}

const PATCH_TYPES = /^(text\/|message\/rfc822$|application\/(x-)?(patch|diff)$)/;

function readLeaf(headers: Header[], ct: { type: string; params: Map<string, string> }, body: RawLine[], first: number, out: Sink, bodyAllowed: boolean): void {
  const disposition = parseParams(headerValue(headers, 'Content-Disposition') ?? '');
  const filename = disposition.params.get('filename') ?? ct.params.get('name') ?? null;
  const cte = (headerValue(headers, 'Content-Transfer-Encoding') ?? '').trim().toLowerCase() || null;
  const textual = PATCH_TYPES.test(ct.type) || /\.(patch|diff)$/i.test(filename ?? '');
  const inBody = bodyAllowed && textual && ct.type !== 'text/html';
  const part: MailPart = {
    contentType: ct.type, charset: ct.params.get('charset') ?? null, transferEncoding: cte, filename, inBody,
    binary: !textual, size: 0, data: null, firstLine: first, lastLine: body[body.length - 1]?.mailLine ?? first,
  };
  out.parts.push(part);
  const decoded = transferDecode(cte, body, out.diags);
  if (!inBody) {
    const data = Buffer.from(decoded?.bytes ?? identity(body).bytes, 'latin1');
    part.data = data;
    part.size = data.length;
    part.binary = !textual && (data.includes(0) || !isUtf8(data)); // a PGP signature is text, an image is not
    return report(part, out.diags);
  }
  // 7bit/8bit (decoded === null), the common case: the mail lines are the part's lines
  const lines = decoded ? byteLines(decoded, first) : body;
  part.size = decoded ? decoded.bytes.length : body.reduce((n, l) => n + l.raw.length + 1, 0) - (body.length > 0 ? 1 : 0);
  const ascii = (decoded ? decoded.ascii : out.ascii) && decodesByLine(part.charset); // UTF-16 text can be all 7-bit bytes
  const flowed = /^flowed$/i.test(ct.params.get('format') ?? '');
  for (const l of ascii && !flowed ? lines : textLines(lines, part, ct.params, first, out.diags)) out.body.push(l);
}

/** Base64 and quoted-printable decoded; null for 7bit, 8bit, binary and unknown encodings (reported, read as 8bit). */
function transferDecode(cte: string | null, body: RawLine[], diags: MailDiagnostic[]): DecodedBytes | null {
  if (cte === 'base64') return decodeBase64(body, diags);
  if (cte === 'quoted-printable') return decodeQuotedPrintable(body, diags);
  if (cte !== null && !/^(7bit|8bit|binary)$/.test(cte)) {
    diags.push({ line: body[0]?.mailLine ?? 1, severity: 'warning', message: `unknown Content-Transfer-Encoding "${cte}": read as 8bit` });
  }
  return null;
}

function report(part: MailPart, diags: MailDiagnostic[]): void {
  const what = part.binary ? 'binary attachment' : `${part.contentType} part`;
  const name = part.filename ? ` "${part.filename}"` : '';
  diags.push({ line: part.firstLine, severity: 'info', verbose: true, message: `${what}${name} (${part.contentType}, ${part.size} bytes, lines ${part.firstLine}-${part.lastLine}) kept as a part, not read as body text` });
}

/** Decoded bytes cut into lines, each with the mail line it starts in (the part's first when the map does not fit). */
function byteLines(d: DecodedBytes, first: number): RawLine[] {
  if (d.lineMap.length === 0) return [];
  const texts = d.bytes.split('\n');
  const mapped = texts.length === d.lineMap.length;
  return texts.map((raw, k) => ({ mailLine: mapped ? d.lineMap[k] : d.lineMap[0] ?? first, raw: raw.endsWith('\r') ? raw.slice(0, -1) : raw }));
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Byte-string lines to text by the part's charset, then format=flowed. Lines that
 * are ASCII and need nothing are passed on as they are: no copy in the common case.
 */
function textLines(lines: RawLine[], part: MailPart, params: Map<string, string>, first: number, diags: MailDiagnostic[]): RawLine[] {
  const text = decodesByLine(part.charset) ? decodeByLine(lines, part, diags) : decodeWhole(lines, part, first, diags);
  return /^flowed$/i.test(params.get('format') ?? '') ? unflow(text, /^yes$/i.test(params.get('delsp') ?? '')) : text;
}

function decodeByLine(lines: RawLine[], part: MailPart, diags: MailDiagnostic[]): RawLine[] {
  const out = new Array<RawLine>(lines.length);
  const bad: number[] = [];
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k];
    let raw = l.raw;
    if (NON_ASCII.test(raw)) {
      const d = decodeBytes(Buffer.from(raw, 'latin1'), part.charset);
      if (d.badLines.length > 0) bad.push(l.mailLine);
      raw = d.text;
    }
    if (codeAt(raw, raw.length - 1) === 13) raw = raw.slice(0, -1);
    out[k] = raw === l.raw ? l : { mailLine: l.mailLine, raw };
  }
  reportBadLines(bad, part, diags);
  return out;
}

/** Charsets whose characters may span lines (UTF-16, ISO-2022): decoded whole, then split. */
function decodeWhole(lines: RawLine[], part: MailPart, first: number, diags: MailDiagnostic[]): RawLine[] {
  const dec = decodeBytes(Buffer.from(lines.map((l) => l.raw).join('\n'), 'latin1'), part.charset);
  if (dec.fallback) diags.push({ line: first, severity: 'warning', message: dec.fallback });
  const texts = dec.text.split('\n');
  const lineOf = (k: number) => (texts.length === lines.length ? lines[k].mailLine : lines[0]?.mailLine ?? first);
  reportBadLines(dec.badLines.map(lineOf), part, diags);
  if (lines.length === 0) return [];
  return texts.map((t, k) => ({ mailLine: lineOf(k), raw: t.endsWith('\r') ? t.slice(0, -1) : t }));
}

function reportBadLines(bad: readonly number[], part: MailPart, diags: MailDiagnostic[]): void {
  const cs = part.charset ?? 'utf-8';
  for (const line of bad.slice(0, 20)) diags.push({ line, severity: 'warning', message: `bytes not valid ${cs}: read as Latin-1` });
  if (bad.length > 20) diags.push({ line: bad[20], severity: 'warning', message: `${bad.length - 20} more line(s) with bytes not valid ${cs}` });
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
