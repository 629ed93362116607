// Web-archive pages saved as text: lkml.org, public-inbox (lore), mail-archive /
// spinics / marc. Page chrome (banners, navigation, footers, reply instructions)
// is kept out of the body and reported as info with its lines, never silently lost.

import { headerValue } from './header';
import { isBlank, type RawLine } from './lines';
import { parseAddress, type Draft } from './message';
import { parseThreadOverview } from './thread';
import type { Header, MailDiagnostic, MailFormat } from './types';

/** lkml.org: "Tue Oct 11 2016 - 18:51:39 EST". */
export const LKML_DATE = /^Date:\s+[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d{4} - \d{1,2}:\d\d:\d\d/;
export const NAV = /^\s*\[(Date Prev|prev in list|Thread Prev|<prev)\]/i;
const ARCHIVE_FOOTER = /^\s*(?:[*-]\s*)?(\[Index of Archives\]|\[prev in list\]|\[Date Prev\]|\[<prev\]|Prev by Date:|Next by Date:|Previous by thread:|Next by thread:|Index\(es\):|Follow-Ups:\s*$|References:\s*$|Last update:)/i;
const PI_END = /^(\s*reply\s+other threads:|Thread overview:|\^ permalink raw reply|Reply instructions:|end of thread, other threads:)/;
const FIELD = /^(?:[*-] )?(From|Date|Subject|To|Cc|Message-ID|In-Reply-To|References|List):\s*(.*)$/i;

const nbsp = (s: string) => s.replace(/\u00a0/g, ' ');

function chrome(diags: MailDiagnostic[], lines: readonly RawLine[], from: number, to: number, what: string): void {
  from = skipBlank(lines, from, to);
  to = trimBlankEnd(lines, from, to);
  if (to <= from) return;
  diags.push({ line: lines[from].mailLine, severity: 'info', verbose: true, message: `${what} (lines ${lines[from].mailLine}-${lines[to - 1].mailLine}) is page chrome, not message text` });
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

/**
 * Reads "Name: value" lines from i; returns the index past them. Pages often lose
 * the indentation of folded address lists, so a line after a value ending in ","
 * continues it, as does an indented line.
 */
function readFields(lines: readonly RawLine[], i: number, end: number, headers: Header[], field: RegExp = FIELD): number {
  for (; i < end; i++) {
    const raw = nbsp(lines[i].raw);
    const last = headers[headers.length - 1];
    const indented = /^\s/.test(raw);
    const m = field.exec(raw);
    // thread pages indent "To:" and "Cc:"; any other indented line continues the last value
    if (m && (!indented || !last || /^\s+(To|Cc):/i.test(raw))) {
      headers.push({ name: canonical(m[1]), value: m[2].trim(), mailLine: lines[i].mailLine });
    } else if (last && raw.trim() !== '' && (indented || last.value.endsWith(','))) {
      last.value = `${last.value} ${raw.trim()}`;
    } else break;
  }
  return i;
}

function canonical(name: string): string {
  const lower = name.toLowerCase();
  if (lower === 'message-id') return 'Message-ID';
  return lower.split('-').map((w) => (w === '' ? w : w[0].toUpperCase() + w.slice(1))).join('-');
}

/** lkml.org / hypermail: subject line (or "Subject:"), "From: Name", "Date: ... EST", body to the end. */
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

/** spinics / mail-archive / marc / openwall: subject line, navigation, optional fields, body, archive footer. */
export function readMailArchive(lines: readonly RawLine[]): Draft {
  const diags: MailDiagnostic[] = [];
  const headers: Header[] = [];
  let i = skipBlank(lines, 0, lines.length);
  const nav = lines.findIndex((l) => NAV.test(nbsp(l.raw)));
  if (i < lines.length && i !== nav && !FIELD.test(lines[i].raw)) {
    headers.push({ name: 'Subject', value: lines[i].raw.trim(), mailLine: lines[i].mailLine });
    i++;
  }
  if (nav >= i) {
    i = readFields(lines, skipBlank(lines, i, nav), nav, headers); // fields above the navigation
    chrome(diags, lines, i, nav + 1, 'archive navigation');
    i = nav + 1;
  }
  i = readFields(lines, skipBlank(lines, i, lines.length), lines.length, headers);
  if (i < lines.length && /^\[Download (RAW )?message/i.test(lines[i].raw.trim())) i++;
  const start = skipBlank(lines, i, lines.length);
  let end = lines.findIndex((l, k) => k >= start && ARCHIVE_FOOTER.test(nbsp(l.raw)));
  if (end < 0) end = lines.length;
  chrome(diags, lines, end, lines.length, 'archive footer');
  return draft('mail-archive', headers, lines, start, end, diags);
}

/** Any header name, optionally indented (thread pages indent "To:" and "Cc:"). */
const PAGE_FIELD = /^\s*([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$/;
const PERMALINK = /^\^ permalink raw reply/;
/** Thread pages: "From: Jeff Layton @ 2013-02-21 18:28 UTC (permalink / raw)". */
const THREAD_FROM = /^(.*?) @ (\d{4}-\d\d-\d\d [ \d]\d:\d\d(?: UTC)?)\s*\(permalink \/ raw\)\s*$/;

/**
 * public-inbox page: banner, headers, body, reply links, thread overview, reply
 * instructions. Thread pages hold several messages, each closed by a
 * "^ permalink raw reply" line; each becomes a message. The overview goes with the first.
 */
export function readPublicInbox(lines: readonly RawLine[]): Draft[] {
  const drafts: Draft[] = [];
  const diags: MailDiagnostic[] = [];
  const head = lines.findIndex((l) => /^Thread overview:/.test(l.raw));
  const end = head < 0 ? lines.length : head;
  let from = 0;
  for (let i = 0; i <= end; i++) {
    if (i < end && !PERMALINK.test(lines[i].raw)) continue;
    const d = readInboxMessage(lines.slice(from, i), drafts.length === 0 ? 'public-inbox banner' : 'thread context');
    if (d) drafts.push(d);
    else chrome(diags, lines, from, i, 'public-inbox page text without a message');
    if (i < end) chrome(diags, lines, i, i + 1, 'permalink line');
    from = i + 1;
  }
  if (drafts.length === 0) drafts.push(draft('public-inbox', [], lines, 0, 0, []));
  drafts[0].diagnostics.push(...diags);
  if (head >= 0) drafts[0].thread = readOverview(lines, head, drafts[0].headers, drafts[0].diagnostics);
  return drafts;
}

/** One message of a page: the first "From:" line starts its headers; what precedes is chrome. */
function readInboxMessage(seg: readonly RawLine[], before: string): Draft | null {
  const diags: MailDiagnostic[] = [];
  const hstart = seg.findIndex((l) => /^From: /.test(l.raw));
  if (hstart < 0) return null;
  const headers: Header[] = [];
  const subjectLine = seg.slice(0, hstart).find((l) => /^\* \S/.test(l.raw));
  chrome(diags, seg, 0, hstart, before);
  const end = readFields(seg, hstart, seg.length, headers, PAGE_FIELD);
  for (const h of headers) h.value = h.value.replace(/\s*\[thread overview\]\s*$/, '').replace(/\s*\(raw\)\s*$/, '');
  splitThreadHeaders(headers);
  if (subjectLine && !headerValue(headers, 'Subject')) headers.push({ name: 'Subject', value: subjectLine.raw.slice(2).trim(), mailLine: subjectLine.mailLine });
  const bodyStart = skipBlank(seg, end, seg.length);
  let bodyEnd = seg.findIndex((l, k) => k >= bodyStart && PI_END.test(l.raw));
  if (bodyEnd < 0) bodyEnd = seg.length;
  chrome(diags, seg, bodyEnd, seg.length, 'public-inbox reply links');
  const d = draft('public-inbox', headers, seg, bodyStart, bodyEnd, diags);
  d.lastLine = seg[Math.max(trimBlankEnd(seg, bodyStart, bodyEnd), 1) - 1]?.mailLine ?? d.firstLine;
  return d;
}

/** Thread pages: "From: Name @ date UTC (permalink / raw)" and "To: a; +Cc: b". */
function splitThreadHeaders(headers: Header[]): void {
  const from = headers.find((h) => h.name === 'From');
  const m = from ? THREAD_FROM.exec(from.value) : null;
  if (from && m) {
    from.value = m[1].trim();
    if (!headerValue(headers, 'Date')) headers.push({ name: 'Date', value: m[2], mailLine: from.mailLine });
  }
  const to = headers.find((h) => h.name === 'To');
  const cc = to ? /^(.*?);\s*\+Cc:\s*(.*)$/.exec(to.value) : null;
  if (to && cc) {
    to.value = cc[1].trim();
    headers.push({ name: 'Cc', value: cc[2].trim(), mailLine: to.mailLine });
  }
}

/** The overview's rows run from its heading to the first blank line; what follows is page chrome. */
function readOverview(lines: readonly RawLine[], head: number, headers: Header[], diags: MailDiagnostic[]) {
  let stop = lines.findIndex((l, k) => k > head && isBlank(l.raw));
  if (stop < 0) stop = lines.length;
  chrome(diags, lines, stop, lines.length, 'public-inbox page footer');
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
