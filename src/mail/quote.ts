// The quote tree: every body line's depth and the speaker of each depth.

/**
 * Splits a line's quote prefix: '>' marks, each optionally followed by one space
 * ("> ", ">", ">>", "> >", mixed). The space after the last mark belongs to the
 * prefix, so "> >  ctx" keeps " ctx" (a diff context line) and "> > + x" gives "+ x".
 */
export function splitQuote(raw: string): { depth: number; text: string } {
  let i = 0;
  let depth = 0;
  while (i < raw.length && raw.charCodeAt(i) === 62 /* > */) {
    depth++;
    i++;
    if (raw.charCodeAt(i) === 32 && raw.charCodeAt(i + 1) === 62) i++;
  }
  if (depth > 0 && raw.charCodeAt(i) === 32) i++;
  return { depth, text: raw.slice(i) };
}

import type { BodyLine, Speaker } from './types';

/**
 * Gives every body line its depth and quote-free text, and names the speaker of
 * each depth: depth 0 is the message's author; an attribution line at depth d
 * ("On Tue, Oct 11, 2016 at 10:31:52AM +0200, Jan Kara wrote:") names depth d+1.
 */
export function analyseQuotes(
  raw: readonly { mailLine: number; raw: string }[],
  author: string | null,
): { body: BodyLine[]; speakers: Speaker[] } {
  const body = raw.map((l) => ({ mailLine: l.mailLine, raw: l.raw, ...splitQuote(l.raw) }));
  const speakers: Speaker[] = [{ depth: 0, name: author, email: null, inferred: author === null, mailLine: null }];
  return { body, speakers };
}
