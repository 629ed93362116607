// Builds a Message straight from body text, so patch tests do not depend on a mail format.
import { analyseQuotes } from '../../../src/mail/quote';
import type { Message } from '../../../src/mail/types';

export function messageFromText(text: string, author: string | null = 'Author <a@example.org>'): Message {
  const raw = text.split('\n').map((r, i) => ({ raw: r, mailLine: i + 1 }));
  const { body, speakers } = analyseQuotes(raw, author);
  return {
    format: 'text', subject: '', from: author, date: null, messageId: null, inReplyTo: null, references: [],
    headers: [], series: null, trailers: [], speakers, body, thread: [], diagnostics: [],
    firstLine: 1, lastLine: raw.length, parts: [], listFooter: [],
  };
}

/** Prefixes every line with `depth` quote marks in the given style. */
export function quote(text: string, depth: number, style: (level: number) => string = () => '> '): string {
  return text.split('\n').map((l) => {
    let prefix = '';
    for (let d = 0; d < depth; d++) prefix += style(d);
    return prefix + l;
  }).join('\n');
}
