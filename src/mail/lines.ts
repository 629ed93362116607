// Lines of a mail document, each with its 1-based line number in the source.

export interface RawLine {
  mailLine: number;
  raw: string;
}

/** Splits on LF, dropping one CR before it (CRLF mail); the last line has no terminator. */
export function splitLines(text: string, firstLine: number): RawLine[] {
  const out: RawLine[] = [];
  let start = 0;
  for (let line = firstLine; ; line++) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const cut = end > start && text.charCodeAt(end - 1) === 13 /* CR */ ? end - 1 : end;
    out.push({ mailLine: line, raw: text.slice(start, cut) });
    if (nl < 0) return out;
    start = nl + 1;
  }
}

/** Drops the empty "line" after a final newline so a file of N lines gives N entries. */
export function dropFinalEmpty(lines: RawLine[]): RawLine[] {
  if (lines.length > 0 && lines[lines.length - 1].raw === '') lines.pop();
  return lines;
}

export function isBlank(s: string): boolean {
  return /^[\s\u00a0]*$/.test(s);
}
