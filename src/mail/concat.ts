// Raw messages written one after another with no mbox "From " line between them (a
// mailbox saved by hand, `cat *.eml`). Each message starts with a header block of its
// own; reading only the first would take the others for its body.

import { isHeaderLine } from './header';
import type { RawLine } from './lines';
import type { MailDiagnostic } from './types';

/** Fields a mail store writes first: a block that opens with one starts a stored message even
 *  right after the previous message's last line (a file that did not end in a blank line). */
const STORE_FIRST = /^(?:Return-Path|Received|Delivered-To|X-Original-To|ARC-Seal|DKIM-Signature):/i;

/** Fewest header lines (folded continuations aside) a block needs to start a message. */
const MIN_FIELDS = 4;

/** The fields a header block must name to be a message's own: who, when or which, and what. */
function startsMessage(names: ReadonlySet<string>): boolean {
  return names.has('from') && names.has('subject') && (names.has('message-id') || names.has('date'));
}

/** The field names of the header block at lines[i], or null when none starts there. */
function headerBlockAt(lines: readonly RawLine[], i: number): Set<string> | null {
  const names = new Set<string>();
  let fields = 0;
  for (let k = i; k < lines.length; k++) {
    const raw = lines[k].raw.replace(/\r$/, '');
    if (raw === '') break;
    if (k > i && /^[ \t]/.test(raw)) continue;
    if (!isHeaderLine(raw)) return null;
    names.add(raw.slice(0, raw.indexOf(':')).trim().toLowerCase());
    fields++;
  }
  return fields >= MIN_FIELDS ? names : null;
}

/** The boundary of a multipart message's top-level Content-Type, if its header block has one. */
function topBoundary(lines: readonly RawLine[], start: number): string | null {
  let text = '';
  for (let k = start; k < lines.length && lines[k].raw.replace(/\r$/, '') !== ''; k++) text += lines[k].raw.replace(/\r$/, '') + '\n';
  const ct = /^content-type:[ \t]*multipart\/[^\n]*(?:\n[ \t][^\n]*)*/im.exec(text)?.[0] ?? '';
  return /boundary="?([^";\s]+)"?/i.exec(ct)?.[1] ?? null;
}

/**
 * Where each message of a separator-less document starts (indexes into `lines`; the first is
 * 0). A later message starts at a header block naming From, Subject and a Message-ID or Date,
 * after a blank line (or opening with a field a mail store writes first), outside any multipart
 * body still open (an attached message/rfc822 is
 * the attachment's, not a message of the file's).
 */
export function messageStarts(lines: readonly RawLine[]): number[] {
  const starts = [0];
  const first = Math.max(0, lines.findIndex((l) => l.raw.replace(/\r$/, '') !== ''));
  let open = topBoundary(lines, first);
  let inHeaders = true; // the current message's own header block: no message starts inside it
  for (let i = first + 1; i < lines.length; i++) {
    const raw = lines[i].raw;
    if (inHeaders) {
      if (raw.replace(/\r$/, '') === '') inHeaders = false;
      continue;
    }
    if (open !== null) {
      if (raw.replace(/\s+$/, '') === `--${open}--`) open = null;
      continue;
    }
    if (raw === '' || !isHeaderLine(raw)) continue;
    if (lines[i - 1].raw.replace(/\r$/, '') !== '' && !STORE_FIRST.test(raw)) continue;
    const names = headerBlockAt(lines, i);
    if (!names || !startsMessage(names)) continue;
    starts.push(i);
    open = topBoundary(lines, i);
    inHeaders = true;
  }
  return starts;
}

/** Cuts a separator-less document into its messages; says so when there is more than one. */
export function splitConcatenated(lines: RawLine[], diags: MailDiagnostic[]): RawLine[][] {
  const starts = messageStarts(lines);
  if (starts.length === 1) return [lines];
  const at = starts.map((s) => lines[s].mailLine);
  diags.push({
    line: at[1], severity: 'warning',
    message: `no mbox separators ("From " lines) between messages: read as ${starts.length} messages, each from its own header block (at lines ${at.join(', ')})`,
  });
  return starts.map((s, k) => lines.slice(s, k + 1 < starts.length ? starts[k + 1] : lines.length));
}
