// One raw message (RFC 5322), as stored alone or cut from an mbox.

import { readHeaderBlock } from './header';
import { codeAt, type RawLine } from './lines';
import { buildMessage } from './message';
import { readMime } from './mime';
import type { MailDiagnostic, MailFormat, Message } from './types';

/** "From sender Www Mmm dd hh:mm:ss yyyy" (asctime), as mbox writers, git and public-inbox put it. */
export const FROM_LINE = /^From \S* +[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{1,2}:\d\d(:\d\d)? .*\d{4}/;

/**
 * Reads a message whose lines are byte strings (one char per byte). For mbox
 * formats the "From " line is skipped and ">From " unescaped: mboxrd removes one
 * ">" from any ">+From ", mboxo only from ">From " (its quoting is ambiguous).
 * `ascii` tells that no byte is above 0x7f, so no line needs charset decoding.
 */
export function readRawMessage(lines: RawLine[], format: MailFormat, ascii = false): Message {
  const diagnostics: MailDiagnostic[] = [];
  let start = 0;
  if ((format === 'mbox' || format === 'mboxrd') && lines.length > 0 && lines[0].raw.startsWith('From ')) start = 1;
  while (format === 'rfc822' && start < lines.length && lines[start].raw.trim() === '') start++; // blank lines before the headers
  const body = format === 'mboxrd' || format === 'mbox' ? unescapeFrom(lines, start, format === 'mboxrd' ? /^>+From / : /^>From /) : lines;
  const { headers, bodyStart } = readHeaderBlock(body, start, body.length, diagnostics);
  if (headers.length === 0 && body.length > start) {
    diagnostics.push({ line: body[start].mailLine, severity: 'warning', message: 'no header block: the message is read as body text only' });
  }
  const mime = readMime(headers, body.slice(bodyStart), diagnostics, ascii);
  return buildMessage({
    format, headers, body: mime.body, parts: mime.parts, thread: [], diagnostics,
    firstLine: lines[0]?.mailLine ?? 1, lastLine: lines[lines.length - 1]?.mailLine ?? 1,
  });
}

/** Copies the lines only when one needs unescaping, which is rare. */
function unescapeFrom(lines: RawLine[], start: number, quoted: RegExp): RawLine[] {
  let out = lines;
  for (let i = start; i < out.length; i++) {
    const raw = out[i].raw;
    if (codeAt(raw, 0) !== 62 /* > */ || !quoted.test(raw)) continue;
    if (out === lines) out = lines.slice();
    out[i] = { mailLine: out[i].mailLine, raw: raw.slice(1) };
  }
  return out;
}
