// Assembles a Message from what a format reader found: headers, decoded body lines,
// parts, thread rows. Every format goes through here so all messages look alike.

import { analyseQuotes } from './quote';
import { headerText } from './controls';
import { headerValue } from './header';
import { isBlank, type RawLine } from './lines';
import { parseSeriesTag } from './series';
import type { BodyLine, Header, MailDiagnostic, MailFormat, MailPart, Message, Speaker, ThreadEntry, Trailer } from './types';

export interface Draft {
  format: MailFormat;
  headers: Header[];
  body: RawLine[];
  parts: MailPart[];
  thread: ThreadEntry[];
  diagnostics: MailDiagnostic[];
  firstLine: number;
  lastLine: number;
}

export function buildMessage(d: Draft): Message {
  // Every header value, of every format, without control characters (src/mail/controls.ts).
  d.headers = d.headers.map((h) => ({ ...h, value: headerText(h.value) }));
  const { body, footer } = splitListFooter(d.body);
  if (footer.length > 0) {
    d.diagnostics.push({ line: footer[0].mailLine, severity: 'info', verbose: true, message: `mailing-list footer (lines ${footer[0].mailLine}-${footer[footer.length - 1].mailLine}) kept apart from the body` });
  }
  const from = headerValue(d.headers, 'From');
  const author = from === null ? null : parseAddress(from);
  const quoted = analyseQuotes(body, from);
  const subject = headerValue(d.headers, 'Subject') ?? '';
  return {
    format: d.format,
    subject,
    from,
    date: headerValue(d.headers, 'Date'),
    messageId: firstId(headerValue(d.headers, 'Message-ID')),
    inReplyTo: firstId(headerValue(d.headers, 'In-Reply-To')),
    references: allIds(headerValue(d.headers, 'References')),
    headers: d.headers,
    series: parseSeriesTag(subject),
    trailers: findTrailers(quoted.body),
    speakers: completeSpeakers(quoted.speakers, author, d.headers),
    body: quoted.body,
    thread: d.thread,
    diagnostics: d.diagnostics,
    firstLine: d.firstLine,
    lastLine: d.lastLine,
    parts: d.parts,
    listFooter: analyseQuotes(footer, null).body,
  };
}

/** "Name <addr>", "\"Name\" <addr>", "addr (Name)", "addr", "Name" (lkml dumps give only the name). */
export function parseAddress(value: string): { name: string | null; email: string | null } {
  const angle = /^(.*?)<([^>]*)>/.exec(value);
  if (angle) return { name: unquote(angle[1]) || null, email: angle[2].trim() || null };
  const paren = /^\s*(\S+@\S+)\s*\((.*)\)\s*$/.exec(value);
  if (paren) return { name: paren[2].trim() || null, email: paren[1] };
  const v = value.trim();
  if (/^\S+@\S+$/.test(v)) return { name: null, email: v };
  return { name: unquote(v) || null, email: null };
}

function unquote(s: string): string {
  return s.trim().replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1').trim();
}

/** Message ids without angle brackets, as public-inbox and git name them. */
function allIds(value: string | null): string[] {
  if (value === null) return [];
  const ids = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]);
  if (ids.length > 0) return ids;
  return value.split(/\s+/).filter((s) => s.includes('@'));
}

function firstId(value: string | null): string | null {
  return allIds(value)[0] ?? null;
}

/** Depth 0 is named by the From header: its line is where the name came from. */
function completeSpeakers(speakers: Speaker[], author: { name: string | null; email: string | null } | null, headers: Header[]): Speaker[] {
  const zero = speakers.find((s) => s.depth === 0);
  if (!zero || !author || zero.inferred) return speakers;
  return speakers.map((s) => (s !== zero ? s : {
    ...s, email: s.email ?? author.email, mailLine: s.mailLine ?? headers.find((h) => h.name.toLowerCase() === 'from')?.mailLine ?? null,
  }));
}

/** "Signed-off-by:", "Reviewed-by:", any "*-by:", "Cc:", "Fixes:", "Link:", "Closes:" at any quote depth. */
const TRAILER = /^([A-Za-z]+(?:-[A-Za-z]+)*-by|Cc|Fixes|Link|Closes)\s*:\s*(\S.*)$/i;

function findTrailers(body: readonly BodyLine[]): Trailer[] {
  const out: Trailer[] = [];
  for (const l of body) {
    if (!mayBeTrailer(l.text)) continue;
    const m = TRAILER.exec(l.text);
    if (m) out.push({ key: canonicalKey(m[1]), value: m[2].trim(), depth: l.depth, mailLine: l.mailLine });
  }
  return out;
}

/** Cheap string test before the regex: most body lines are code or prose. */
function mayBeTrailer(text: string): boolean {
  const colon = text.indexOf(':');
  if (colon < 2 || colon > 40) return false;
  const end = text.charCodeAt(colon - 1) | 0x20; // the keys end in "y", "c", "s", "k" (or a space before the colon)
  if (end !== 0x79 && end !== 0x63 && end !== 0x73 && end !== 0x6b && end !== 0x20) return false;
  const key = text.slice(0, colon).trimEnd().toLowerCase();
  return key.endsWith('-by') || key === 'cc' || key === 'fixes' || key === 'link' || key === 'closes';
}

/** Kernel spelling: "Signed-off-by", "Co-developed-by", "Cc". */
function canonicalKey(key: string): string {
  return key[0].toUpperCase() + key.slice(1).toLowerCase();
}

/**
 * Cuts a list footer off the end of the body: a "--" or "_____" separator followed
 * by list boilerplate, with only blank lines after it. The author's own "-- "
 * signature is not touched: the text after it must look like list boilerplate.
 */
function splitListFooter(lines: RawLine[]): { body: RawLine[]; footer: RawLine[] } {
  const limit = Math.max(0, lines.length - 40);
  for (let i = lines.length - 1; i >= limit; i--) {
    const raw = lines[i].raw;
    const next = lines[i + 1]?.raw ?? '';
    // majordomo/vger and Google Groups put "--" before their text; mailman a line of underscores
    if (/^--\s*$/.test(raw) && /^(To unsubscribe|You received this message)/i.test(next)) return cut(lines, i);
    if (/^_{20,}\s*$/.test(raw) && /mailing list/i.test(next)) return cut(lines, i);
  }
  return { body: lines, footer: [] };
}

/** The blank lines before the footer are the list's, except one right after a diff line: that
 *  may be the hunk's last context line, a blank one whose leading space was lost. */
function cut(lines: RawLine[], at: number): { body: RawLine[]; footer: RawLine[] } {
  let end = at;
  while (end > 0 && isBlank(lines[end - 1].raw)) end--;
  const diffLine = end > 0 && /^[-+ ]/.test(lines[end - 1].raw.replace(/^(?:> ?)+/, ''));
  return { body: lines.slice(0, diffLine && end < at ? end + 1 : end), footer: lines.slice(at) };
}
