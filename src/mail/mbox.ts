// mbox files: messages separated by "From " lines. readMboxLines cuts a document held
// in memory; readMbox streams a file so memory stays proportional to one message.

import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { dropFinalEmpty, splitLines, type RawLine } from './lines';
import { FROM_LINE, readRawMessage } from './rfc822';
import type { MailFormat, Message } from './types';

/** public-inbox writes "From mboxrd@z Thu Jan  1 00:00:00 1970" before every message. */
export function mboxFlavour(firstLine: string): MailFormat {
  return firstLine.startsWith('From mboxrd@z ') ? 'mboxrd' : 'mbox';
}

/** Cuts byte-string lines at From_ lines. */
export function readMboxLines(lines: RawLine[], format: MailFormat, ascii = false): Message[] {
  const out: Message[] = [];
  let start = 0;
  for (let i = 1; i <= lines.length; i++) {
    if (i < lines.length && !(lines[i].raw.startsWith('From ') && FROM_LINE.test(lines[i].raw))) continue;
    const segment = lines.slice(start, i);
    if (segment.some((l) => l.raw.trim() !== '')) out.push(readRawMessage(trimSeparatorBlank(segment), format, ascii));
    start = i;
  }
  return out;
}

/** The blank line before the next From_ belongs to the mbox, not to the message. */
function trimSeparatorBlank(lines: RawLine[]): RawLine[] {
  return lines.length > 1 && lines[lines.length - 1].raw === '' ? lines.slice(0, -1) : lines;
}

/**
 * Streams an mbox file: reads 1 MiB chunks, cuts complete lines, and yields each
 * message as soon as the next From_ line is seen. Memory: one message plus one chunk.
 * The flavour (mbox or mboxrd) is taken from the first From_ line.
 */
export async function* readMbox(path: string): AsyncGenerator<Message> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let carry: Buffer[] = [];             // an incomplete last line, in pieces: a huge line stays linear
  let pending: Buffer[] = [];           // the current message's complete lines
  let nextLine = 1;                     // line number of pending's first line
  let format: MailFormat | null = null;
  const flush = (): Message | null => {
    if (pending.length === 0) return null;
    const bytes = pending.length === 1 ? pending[0] : Buffer.concat(pending);
    const text = bytes.toString('latin1');
    const all = splitLines(text, nextLine);
    pending = [];
    nextLine += all.length - 1;
    const lines = trimSeparatorBlank(dropFinalEmpty(all));
    return lines.some((l) => l.raw.trim() !== '') ? readRawMessage(lines, format ?? 'mbox', isAscii(bytes)) : null;
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (chunk.indexOf(10) < 0) { carry.push(chunk); continue; }
    const data = carry.length > 0 ? Buffer.concat([...carry, chunk]) : chunk;
    const end = data.lastIndexOf(10) + 1;
    carry = end < data.length ? [Buffer.from(data.subarray(end))] : []; // a copy: the chunk is released
    let pos = 0;
    for (const at of fromLineStarts(data, end)) {
      format ??= mboxFlavour(data.toString('latin1', at, at + 20));
      pending.push(data.subarray(pos, at));
      const m = flush();
      if (m) yield m;
      pos = at;
    }
    pending.push(data.subarray(pos, end));
  }
  pending.push(...carry);
  const m = flush();
  if (m) yield m;
}

/** Offsets of From_ lines among the complete lines data[0, end). */
function* fromLineStarts(data: Buffer, end: number): Generator<number> {
  const isFrom = (at: number) => {
    const eol = data.indexOf(10, at);
    return FROM_LINE.test(data.toString('latin1', at, eol < 0 ? end : eol));
  };
  if (end > 5 && data.toString('latin1', 0, 5) === 'From ' && isFrom(0)) yield 0;
  for (let k = data.indexOf('\nFrom ', 0, 'latin1'); k >= 0 && k < end - 1; k = data.indexOf('\nFrom ', k + 1, 'latin1')) {
    if (isFrom(k + 1)) yield k + 1;
  }
}
