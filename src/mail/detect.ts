// Which format a document is in, from its first lines. Order matters: an archive page
// can start with "From:" like a raw message, so page markers are looked for first.

import { LKML_DATE, NAV } from './archive';
import { isHeaderLine } from './header';
import { FROM_LINE } from './rfc822';
import type { MailFormat } from './types';

/** How far into the document page markers are looked for. */
const HEAD_LINES = 60;

export function detectFormat(head: readonly string[], whole: string): MailFormat {
  const first = head.find((l) => l.trim() !== '') ?? '';
  if (FROM_LINE.test(first)) return first.startsWith('From mboxrd@z ') ? 'mboxrd' : 'mbox';
  const top = head.slice(0, HEAD_LINES).map((l) => l.replace(/\u00a0/g, ' '));
  if (top.some((l) => NAV.test(l) || /^\[Download (RAW )?message/i.test(l.trim()))) return 'mail-archive';
  if (top.slice(0, 12).some((l) => LKML_DATE.test(l))) return 'lkml';
  if (isPublicInbox(top, whole)) return 'public-inbox';
  if (isHeaderLine(first) && top.some((l) => /^(From|Subject|Date|Message-ID|Received|Return-Path|MIME-Version):/i.test(l))) return 'rfc822';
  return 'text';
}

function isPublicInbox(top: readonly string[], whole: string): boolean {
  if (top.some((l) => /^Date: .*\[thread overview\]\s*$/.test(l) || /^Message-ID: <[^>]*> \(raw\)\s*$/i.test(l))) return true;
  return /^ help \/ color \/ mirror \/ Atom feed$/m.test(whole.slice(0, 2000)) || /^Thread overview: \d+\+? messages/m.test(whole);
}
