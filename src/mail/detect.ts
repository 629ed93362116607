// Which format a document is in, from its first lines. Order matters: a public-inbox
// page starts with headers like a raw message, and a raw message may quote an archive
// page in its body, so each test looks only where its format puts its marks.

import { LKML_DATE, NAV } from './archive';
import { isHeaderLine } from './header';
import { FROM_LINE } from './rfc822';
import type { MailFormat } from './types';

/** How far into the document page markers are looked for. */
const HEAD_LINES = 60;
const KNOWN_HEADER = /^(From|Subject|Date|Message-ID|Received|Return-Path|MIME-Version|Delivered-To|To|Cc|In-Reply-To|References):/i;

export function detectFormat(head: readonly string[], whole: string): MailFormat {
  const start = head.findIndex((l) => l.trim() !== '');
  const first = start < 0 ? '' : head[start];
  if (FROM_LINE.test(first)) return first.startsWith('From mboxrd@z ') ? 'mboxrd' : 'mbox';
  const top = head.slice(0, HEAD_LINES).map((l) => l.replace(/\u00a0/g, ' '));
  if (isPublicInbox(top, whole)) return 'public-inbox';
  const lkml = top.slice(0, 12).findIndex((l) => LKML_DATE.test(l));
  const block = start >= 0 ? headerBlockEnd(head, start) : -1;
  const archive = top.some((l) => NAV.test(l) || /^\[Download (RAW )?message/i.test(l.trim()));
  // a raw message's headers end at a blank line; a page's "Subject:" line runs into its navigation
  const closed = block > 0 && (block >= head.length || head[block] === '');
  if (block > 0 && !(lkml >= start && lkml < block) && (closed || !archive)) return 'rfc822';
  if (lkml >= 0) return 'lkml';
  return archive ? 'mail-archive' : 'text';
}

/**
 * End of the header block starting at `start` (header lines or folded continuations
 * naming at least one mail header), or -1. A "Re:" subject line does not start one.
 */
function headerBlockEnd(head: readonly string[], start: number): number {
  if (/^(re|fwd?|aw|sv)\s*:/i.test(head[start])) return -1;
  let known = false;
  let i = start;
  for (; i < head.length && head[i] !== ''; i++) {
    const l = head[i];
    if (/^[ \t]/.test(l) && i > start) continue;
    if (!isHeaderLine(l)) break;
    known ||= KNOWN_HEADER.test(l);
  }
  return known && i > start ? i : -1;
}

function isPublicInbox(top: readonly string[], whole: string): boolean {
  if (top.some((l) => /^Date: .*\[thread overview\]\s*$/.test(l) || /^Message-ID: <[^>]*> \(raw\)\s*$/i.test(l))) return true;
  return /^ help \/ color \/ mirror \/ Atom feed$/m.test(whole.slice(0, 2000)) || /^Thread overview: \d+\+? messages/m.test(whole);
}
