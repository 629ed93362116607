// The reviewer's own comments in the drafted reply: each under the quoted line it answers,
// the way a reviewer interleaves a reply, else after a quote of that line at the end.

/** A comment the reviewer wrote on a mail line: `quote` is that line's text in the mail. */
export interface OwnComment {
  line: number;
  quote: string;
  text: string;
}

/** A line's text without its quote markers and with its runs of space collapsed. */
function bare(line: string): string {
  return line.replace(/^[>| \t]*/, '').replace(/\s+/g, ' ').trim();
}

/** Prose for mail: the comment's own lines, trailing space removed. */
function body(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n').map((l) => l.replace(/\s+$/, ''));
}

/**
 * The reply with the comments put in: under the first quoted line (not yet answered) whose
 * text is the commented line's, in mail order; a comment whose line the reply does not quote
 * comes at the end, after that line quoted.
 */
export function withComments(reply: string, comments: readonly OwnComment[]): string {
  if (!comments.length) return reply;
  const lines = reply.split('\n');
  const after = new Map<number, string[][]>();
  const used = new Set<number>();
  const rest: OwnComment[] = [];
  for (const c of [...comments].sort((a, b) => a.line - b.line)) {
    const want = bare(c.quote);
    const at = want ? lines.findIndex((l, i) => !used.has(i) && /^>/.test(l) && bare(l) === want) : -1;
    if (at < 0) { rest.push(c); continue; }
    used.add(at);
    after.set(at, [...(after.get(at) ?? []), body(c.text)]);
  }
  const out: string[] = [];
  lines.forEach((l, i) => {
    out.push(l);
    for (const b of after.get(i) ?? []) out.push('', ...b, '');
  });
  while (out.length && out[out.length - 1] === '') out.pop();
  for (const c of rest) out.push('', `> ${c.quote.replace(/^[>| \t]*/, '')}`, '', ...body(c.text));
  return `${out.join('\n')}\n`;
}
