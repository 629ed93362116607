// Web-archive pages saved as text: lkml.org, public-inbox (lore), mail-archive /
// spinics / marc. Page chrome (banners, navigation, footers, reply instructions)
// is kept out of the body and reported as info with its lines, never silently lost.

import { readHeaderBlock, headerValue } from './header';
import { isBlank, type RawLine } from './lines';
import { parseAddress, type Draft } from './message';
import { parseThreadOverview } from './thread';
import type { Header, MailDiagnostic, MailFormat } from './types';

/** lkml.org: "Tue Oct 11 2016 - 18:51:39 EST". */
export const LKML_DATE = /^Date:\s+[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d{4} - \d{1,2}:\d\d:\d\d/;
const NAV = /^\s*\[(Date Prev|prev in list|Thread Prev)\]/i;
const ARCHIVE_FOOTER = /^\s*(\[Index of Archives\]|\[prev in list\]|\[Date Prev\]|Prev by Date:|Next by Date:|Previous by thread:|Next by thread:|Index\(es\):|Last update:)/i;
const PI_END = /^(\s*reply\s+other threads:|Thread overview:|\^ permalink raw reply|Reply instructions:)/;
const FIELD = /^(?:[*-] )?(From|Date|Subject|To|Cc|Message-ID|In-Reply-To|References|List):\s*(.*)$/i;

const text = (s: string) => s;
const nbsp = (s: string) => s.replace(/\u00a0/g, ' ');

function chrome(diags: MailDiagnostic[], lines: readonly RawLine[], from: number, to: number, what: string): void {
  if (to <= from || lines.slice(from, to).every((l) => isBlank(l.raw))) return;
  diags.push({ line: lines[from].mailLine, severity: 'info', message: `${what} (lines ${lines[from].mailLine}-${lines[to - 1].mailLine}) is page chrome, not message text` });
}

function skipBlank(lines: readonly RawLine[], i: number, end: number): number {
  while (i < end && isBlank(lines[i].raw)) i++;
  return i;
}

function trimBlankEnd(lines: readonly RawLine[], start: number, end: number): number {
  while (end > start && isBlank(lines[end - 1].raw)) end--;
  return end;
}

function draft(format: MailFormat, headers: Header[], lines: readonly RawLine[], bodyStart: number, bodyEnd: number, diags: MailDiagnostic[]): Draft {
  return {
    format, headers, body: lines.slice(bodyStart, trimBlankEnd(lines, bodyStart, bodyEnd)), parts: [], thread: [], diagnostics: diags,
    firstLine: lines[0]?.mailLine ?? 1, lastLine: lines[lines.length - 1]?.mailLine ?? 1,
  };
}

/** Reads "Name: value" lines (optionally bulleted) from i; returns the index past them. */
function readFields(lines: readonly RawLine[], i: number, end: number, headers: Header[]): number {
  for (; i < end; i++) {
    const m = FIELD.exec(nbsp(lines[i].raw));
    if (!m) break;
    headers.push({ name: canonical(m[1]), value: m[2].trim(), mailLine: lines[i].mailLine });
  }
  return i;
}

function canonical(name: string): string {
  const lower = name.toLowerCase();
  if (lower === 'message-id') return 'Message-ID';
  return lower.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('-');
}

/** lkml.org: subject line (or "Subject:"), "From: Name", "Date: ... EST", body to the end. */
export function readLkml(lines: readonly RawLine[]): Draft {
  const diags: MailDiagnostic[] = [];
  const headers: Header[] = [];
  let i = skipBlank(lines, 0, lines.length);
  if (i < lines.length && !FIELD.test(lines[i].raw)) {
    headers.push({ name: 'Subject', value: lines[i].raw.trim(), mailLine: lines[i].mailLine });
    i++;
  }
  i = readFields(lines, skipBlank(lines, i, lines.length), lines.length, headers);
  const start = skipBlank(lines, i, lines.length);
  let end = lines.length;
  const footer = lines.findIndex((l, k) => k >= start && /^\s*Last update:/.test(l.raw));
  if (footer >= 0) { chrome(diags, lines, footer, end, 'lkml.org page footer'); end = footer; }
  return draft('lkml', headers, lines, start, end, diags);
}

/** spinics / mail-archive / marc: subject line, navigation, optional fields, body, archive footer. */
export function readMailArchive(lines: readonly RawLine[]): Draft {
  const diags: MailDiagnostic[] = [];
  const headers: Header[] = [];
  let i = skipBlank(lines, 0, lines.length);
  const nav = lines.findIndex((l) => NAV.test(nbsp(l.raw)));
  if (i < lines.length && i !== nav && !FIELD.test(lines[i].raw)) {
    headers.push({ name: 'Subject', value: lines[i].raw.trim(), mailLine: lines[i].mailLine });
    i++;
  }
  if (nav >= i) { chrome(diags, lines, nav, nav + 1, 'archive navigation'); i = nav + 1; }
  i = readFields(lines, skipBlank(lines, i, lines.length), lines.length, headers);
  if (i < lines.length && /^\[Download (RAW )?message/i.test(lines[i].raw.trim())) i++;
  const start = skipBlank(lines, i, lines.length);
  let end = lines.findIndex((l, k) => k >= start && ARCHIVE_FOOTER.test(nbsp(l.raw)));
  if (end < 0) end = lines.length;
  chrome(diags, lines, end, lines.length, 'archive footer');
  return draft('mail-archive', headers, lines, start, end, diags);
}

/** public-inbox page: banner, RFC 822-like headers, body, reply links, thread overview, reply instructions. */
export function readPublicInbox(lines: readonly RawLine[]): Draft {
  const diags: MailDiagnostic[] = [];
  const first = lines.findIndex((l) => /^From: /.test(l.raw));
  const hstart = first < 0 ? 0 : first;
  chrome(diags, lines, 0, hstart, 'public-inbox banner');
  const { headers, bodyStart } = readHeaderBlock(lines, hstart, lines.length, diags, text);
  for (const h of headers) h.value = h.value.replace(/\s*\[thread overview\]\s*$/, '').replace(/\s*\(raw\)\s*$/, '');
  let end = lines.findIndex((l, k) => k >= bodyStart && PI_END.test(l.raw));
  if (end < 0) end = lines.length;
  const d = draft('public-inbox', headers, lines, bodyStart, end, diags);
  d.thread = readOverview(lines, end, headers, diags);
  return d;
}

/** The rows between "Thread overview:" and "Reply instructions:"; the rest of the tail is chrome. */
function readOverview(lines: readonly RawLine[], from: number, headers: Header[], diags: MailDiagnostic[]) {
  const head = lines.findIndex((l, k) => k >= from && /^Thread overview:/.test(l.raw));
  if (head < 0) { chrome(diags, lines, from, lines.length, 'public-inbox page footer'); return []; }
  let stop = lines.findIndex((l, k) => k > head && /^Reply instructions:/.test(l.raw));
  if (stop < 0) stop = lines.length;
  chrome(diags, lines, from, head + 1, 'public-inbox reply links');
  chrome(diags, lines, stop, lines.length, 'public-inbox reply instructions');
  return parseThreadOverview(lines.slice(head + 1, stop), namesIn(headers), diags);
}

/** Display names from From/To/Cc, to tell a thread row's subject from its author. */
function namesIn(headers: readonly Header[]): string[] {
  const names: string[] = [];
  for (const name of ['From', 'To', 'Cc']) {
    const v = headerValue(headers, name);
    if (v === null) continue;
    for (const a of v.match(/(?:"[^"]*"|[^,])+/g) ?? []) {
      const n = parseAddress(a).name;
      if (n) names.push(n);
    }
  }
  return names;
}
