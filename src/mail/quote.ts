// The quote tree: every body line's depth and the speaker of each depth.
import { codeAt, isSpace, isWhite } from './lines';
import type { BodyLine, Speaker } from './types';

/**
 * Splits a line's quote prefix: '>' marks, each optionally followed by one space
 * ("> ", ">", ">>", "> >", mixed). The space after the last mark belongs to the
 * prefix, so "> >  ctx" keeps " ctx" (a diff context line) and "> > + x" gives "+ x".
 * Linear in the prefix: a thousand quote levels cost a thousand steps.
 */
export function splitQuote(raw: string): { depth: number; text: string } {
  return splitQuoteUpTo(raw, Infinity);
}

/**
 * Like splitQuote but removes at most `max` levels, so a line quoted deeper than a
 * patch keeps its extra marks as text ("> > > x" at max 2 gives "> x").
 */
export function splitQuoteUpTo(raw: string, max: number): { depth: number; text: string } {
  let i = 0;
  let depth = 0;
  while (depth < max && i < raw.length && raw.charCodeAt(i) === 62 /* > */) {
    depth++;
    i++;
    if (depth < max && codeAt(raw, i) === 32 && codeAt(raw, i + 1) === 62) i++;
  }
  if (depth > 0 && codeAt(raw, i) === 32) i++;
  return { depth, text: raw.slice(i) };
}

/** An attribution ("On ..., Jan Kara wrote:") found in a message body. */
export interface Attribution {
  /** Depth of the attribution line itself; it names the speaker of depth + 1. */
  depth: number;
  name: string | null;
  email: string | null;
  /** First and last mail line: an attribution may be wrapped over two lines. */
  firstLine: number;
  lastLine: number;
  /** Index range into the body, inclusive. */
  first: number;
  last: number;
}

const WEEKDAY_OR_MONTH = /^(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?$/i;
/** Tokens that can only belong to a date: times, years, zones, numeric dates. */
const DATE_TOKEN = /^(?:\d{1,2}:\d{2}(?::\d{2})?(?:[ap]m)?,?|\d{4},?|[+-]\d{4},?|[ap]m,?|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4},?)$/i;
/** A time zone as mailers write it, in capitals ("PDT", "(CEST)"): "Pat" and "Matt" are names. */
const ZONE_TOKEN = /^\(?(?:UTC|GMT|[A-Z]{2,4}T)\)?,?$/;

/** "Dave Chinner <david@fromorbit.com>" -> name and address; quotes stripped. */
export function splitNameAddress(s: string): { name: string | null; email: string | null } {
  const t = s.trim();
  const m = /^(.*?)\s*<([^<>\s]+)>\s*$/.exec(t);
  if (m) {
    const name = unquote(m[1]);
    return { name: name || null, email: m[2] };
  }
  const paren = /^([^\s()<>]+@[^\s()<>]+)\s*\((.+)\)$/.exec(t);
  if (paren) return { name: unquote(paren[2]) || null, email: paren[1] };
  if (/^[^\s@<>]+@[^\s@<>]+$/.test(t)) return { name: null, email: t };
  const name = unquote(t);
  return { name: name || null, email: null };
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

/** A plausible person: a few words, no sentence punctuation. */
function plausibleName(s: string): boolean {
  const words = s.trim().split(/\s+/);
  return words.length >= 1 && words.length <= 6 && !/[.!?;:]$/.test(s.trim()) && /\p{L}/u.test(s);
}

/**
 * The speaker named by one attribution text, or null when the text is not an
 * attribution. Accepts "On <date>, Name <addr> wrote:", "On <date> Name wrote:",
 * "Name wrote:", "Name <addr> writes:", "Quoting Name (date):", "* Name <addr> [date]:".
 */
export function parseAttribution(text: string): { name: string | null; email: string | null } | null {
  const t = text.trim();
  const quoting = /^Quoting (.+?)\s*\([^()]*\):$/.exec(t);
  if (quoting) return splitNameAddress(quoting[1]);
  const mutt = /^\* (.+?<[^<>\s]+>) \[[^\]]*\]:$/.exec(t);
  if (mutt) return splitNameAddress(mutt[1]);
  const m = /^(.*?)\s*(?:wrote|writes|said|escribió|a écrit|schrieb)\s*:$/i.exec(t);
  if (!m) return null;
  let who = m[1].trim();
  if (/^on\s/i.test(who)) {
    who = who.slice(3).trim();
    // The name follows the date: after its last token ("..., 2016 at 10:31:52AM +0200, Jan Kara"),
    // which keeps a comma inside a name ("Wong, Darrick J"); without date tokens, after the last comma.
    const afterDate = stripLeadingDate(who);
    if (afterDate !== who) who = afterDate;
    else {
      const comma = who.lastIndexOf(', ');
      if (comma >= 0) who = who.slice(comma + 2);
    }
  } else if (!plausibleName(who.replace(/<[^>]*>/, '').trim() || who)) {
    return null;
  }
  if (!who) return { name: null, email: null };
  // Lists that rewrite senders for DMARC: "Jan Kara via Linux-nvdimm".
  const parts = splitNameAddress(who.replace(/\s+via\s+[^<]+?(?=\s*<|$)/i, ''));
  if (parts.name && !plausibleName(parts.name)) return null;
  return parts;
}

/** "09 Dec 2015 18:39:16 -0800 Dan Williams" -> "Dan Williams". */
function stripLeadingDate(s: string): string {
  const tokens = s.trim().split(/\s+/);
  let last = -1;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (DATE_TOKEN.test(tok) || ZONE_TOKEN.test(tok) || /^\d{1,2},?$/.test(tok) || tok.toLowerCase() === 'at') last = i;
    else if (WEEKDAY_OR_MONTH.test(tok) && i + 1 < tokens.length && /^\d/.test(tokens[i + 1])) last = i;
    else if (tok.startsWith('<')) break;
    else if (last >= 0 && i > last) break;
  }
  return tokens.slice(last + 1).join(' ');
}

/**
 * Finds the attribution lines of a body. An attribution may be wrapped: "On Tue,
 * Dec 15, 2015 at 4:14 PM, Andrew Morton" / "<akpm@...> wrote:" at the same depth.
 * A bare "Name wrote:" only counts when deeper quoting follows it.
 */
export function findAttributions(body: readonly { depth: number; text: string; mailLine: number }[]): Attribution[] {
  const out: Attribution[] = [];
  for (let i = 0; i < body.length; i++) {
    const line = body[i];
    if (!endsWithColon(line.text)) continue;
    const text = line.text.trim();
    if (text.length > 300) continue;
    let first = i;
    let parsed = parseAttribution(text);
    const prev = i > 0 ? body[i - 1] : null;
    const wrapped =
      prev !== null && prev.depth === line.depth && /^on\s/i.test(prev.text.trim()) &&
      !/:\s*$/.test(prev.text.trim()) && prev.text.length < 300;
    if (wrapped && (parsed === null || !/^on\s/i.test(text))) {
      const joined = parseAttribution(`${prev.text.trim()} ${text}`);
      if (joined) {
        parsed = joined;
        first = i - 1;
      }
    }
    if (!parsed) continue;
    const onForm = /^on\s/i.test(body[first].text.trim()) || /^(?:quoting|\*)\s/i.test(text);
    if (!onForm && !deeperFollows(body, i)) continue;
    out.push({
      depth: line.depth, name: parsed.name, email: parsed.email,
      firstLine: body[first].mailLine, lastLine: line.mailLine, first, last: i,
    });
  }
  return out;
}

/**
 * The attributions of a body analyseQuotes wrote: the patch stage asks for those of the same
 * body again, and finding them (a few regular expressions on every line ending in ':') is not
 * cheap. Bodies are not changed once written, so what was found holds.
 */
const foundIn = new WeakMap<readonly BodyLine[], Attribution[]>();

/** findAttributions of a body, found once for a body analyseQuotes wrote. */
export function bodyAttributions(body: readonly BodyLine[]): Attribution[] {
  return foundIn.get(body) ?? findAttributions(body);
}

/** The line's last non-blank character is ':' (every attribution ends so): a cheap first test. */
function endsWithColon(text: string): boolean {
  let j = text.length - 1;
  while (j >= 0 && isSpace(text.charCodeAt(j))) j--;
  return j >= 0 && text.charCodeAt(j) === 58 /* : */;
}

/** The next non-blank line after i is quoted deeper than line i. */
function deeperFollows(body: readonly { depth: number; text: string }[], i: number): boolean {
  for (let j = i + 1; j < body.length; j++) {
    if (isWhite(body[j].text)) continue;
    return body[j].depth > body[i].depth;
  }
  return false;
}

/**
 * Gives every body line its depth and quote-free text, and names the speaker of
 * each depth: depth 0 is the message's author; an attribution line at depth d
 * ("On Tue, Oct 11, 2016 at 10:31:52AM +0200, Jan Kara wrote:") names depth d+1.
 * The first attribution for a depth wins. When the author is unknown, a reply
 * that alternates between two people (depth 1 and depth 2 differ) is answered by
 * the speaker of depth 2: depth 0 is inferred from it and marked inferred.
 */
export function analyseQuotes(
  raw: readonly { mailLine: number; raw: string }[],
  author: string | null,
): { body: BodyLine[]; speakers: Speaker[] } {
  const body: BodyLine[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const l = raw[i];
    // Most lines are unquoted: they keep their text as is, with no split.
    if (codeAt(l.raw, 0) !== 62 /* > */) {
      body[i] = { mailLine: l.mailLine, raw: l.raw, depth: 0, text: l.raw };
      continue;
    }
    const q = splitQuote(l.raw);
    body[i] = { mailLine: l.mailLine, raw: l.raw, depth: q.depth, text: q.text };
  }
  let maxDepth = 0;
  for (const l of body) if (l.depth > maxDepth) maxDepth = l.depth;

  const named = new Map<number, Speaker>();
  const attributions = findAttributions(body);
  foundIn.set(body, attributions);
  for (const a of attributions) {
    const depth = a.depth + 1;
    if (depth > maxDepth || named.has(depth)) continue;
    named.set(depth, { depth, name: a.name, email: a.email, inferred: false, mailLine: a.firstLine });
  }

  const self = author ? splitNameAddress(author) : { name: null, email: null };
  const speakers: Speaker[] = [];
  speakers.push({ depth: 0, name: self.name, email: self.email, inferred: false, mailLine: null });
  for (let d = 1; d <= maxDepth; d++) {
    speakers.push(named.get(d) ?? { depth: d, name: null, email: null, inferred: false, mailLine: null });
  }
  const zero = speakers[0];
  if (zero.name === null && zero.email === null) inferAuthor(speakers);
  return { body, speakers };
}

/** Depth 0 answers depth 1, who answered depth 2: in a two-person exchange, depth 0 is depth 2. */
function inferAuthor(speakers: Speaker[]): void {
  const one = speakers[1];
  const two = speakers[2];
  if (!one || !two || two.name === null || one.name === null) return;
  if (samePerson(one, two)) return;
  speakers[0] = { depth: 0, name: two.name, email: two.email, inferred: true, mailLine: two.mailLine };
}

function samePerson(a: Speaker, b: Speaker): boolean {
  if (a.email && b.email && a.email.toLowerCase() === b.email.toLowerCase()) return true;
  return a.name !== null && b.name !== null && a.name.toLowerCase() === b.name.toLowerCase();
}
