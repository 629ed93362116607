// Series tags in subjects: "[PATCH v5 15/17]", "[-mm PATCH v2 23/25]", "[PATCHv3 2/5]",
// "[PATCH v6,19/24]", "[PATCH 1 of 2]", "[net-next] [PATCH]"; reply prefixes stripped first.

import type { SeriesTag } from './types';

/** "Re:", "RE:", "Fwd:", "Fw:", "AW:", "Antw:", "SV:" and repeats ("Re: Re[2]:"). */
const REPLY_PREFIX = /^\s*(?:re|fwd?|aw|antw|sv|wg)(?:\[\d+\])?\s*:\s*/i;
const GROUP = /^\s*\[([^\]]*)\]/;

/** Removes leading reply/forward prefixes; the rest is the subject as sent. */
export function stripReplyPrefixes(subject: string): string {
  let s = subject;
  for (let m = REPLY_PREFIX.exec(s); m; m = REPLY_PREFIX.exec(s)) s = s.slice(m[0].length);
  return s;
}

/**
 * Parses the bracket groups at the start of a subject (after reply prefixes).
 * Returns null when the subject carries none. Words the grammar does not know
 * ("-mm", "net-next", "GIT PULL") are kept in `prefixes`, never dropped.
 */
export function parseSeriesTag(subject: string): SeriesTag | null {
  if (!subject.includes('[')) return null;
  let s = stripReplyPrefixes(subject);
  const groups: string[] = [];
  const raws: string[] = [];
  for (let m = GROUP.exec(s); m; m = GROUP.exec(s)) {
    groups.push(m[1]);
    raws.push(m[0].trim());
    s = stripReplyPrefixes(s.slice(m[0].length));
  }
  if (groups.length === 0) return null;
  const tag: SeriesTag = { raw: raws.join(' '), prefixes: [], version: null, index: null, total: null, rfc: false, resend: false };
  for (const g of groups) readGroup(g, tag);
  return tag;
}

/** Reads one group's words into the tag. "v6,19/24" and "PATCHv3" are split first. */
function readGroup(group: string, tag: SeriesTag): void {
  const words = group
    .replace(/,/g, ' ')
    .replace(/\b(PATCH|RFC|RESEND)(v\d+)\b/gi, '$1 $2')
    .split(/\s+/)
    .filter((w) => w.length > 0);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const upper = w.toUpperCase();
    let m: RegExpExecArray | null;
    if (upper === 'PATCH' || upper === 'PATCHES') continue;
    if (upper === 'RFC') tag.rfc = true;
    else if (upper === 'RESEND') tag.resend = true;
    else if ((m = /^v(\d+(?:\.\d+)?)$/i.exec(w))) tag.version = Number(m[1]);
    else if ((m = /^(\d+)\/(\d+)$/.exec(w))) setIndex(tag, m[1], m[2]);
    else if (/^\d+$/.test(w) && words[i + 1]?.toLowerCase() === 'of' && /^\d+$/.test(words[i + 2] ?? '')) {
      setIndex(tag, w, words[i + 2]);
      i += 2;
    } else tag.prefixes.push(w);
  }
}

function setIndex(tag: SeriesTag, index: string, total: string): void {
  tag.index = Number(index);
  tag.total = Number(total);
}
