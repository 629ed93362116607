// Lines of a mail document, each with its 1-based line number in the source.

export interface RawLine {
  mailLine: number;
  raw: string;
}

/** Splits on LF, dropping one CR before it (CRLF mail); the last line has no terminator. */
export function splitLines(text: string, firstLine: number): RawLine[] {
  const parts = text.split('\n');
  const out = new Array<RawLine>(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    out[i] = { mailLine: firstLine + i, raw: p.endsWith('\r') ? p.slice(0, -1) : p };
  }
  return out;
}

/** Drops the empty "line" after a final newline so a file of N lines gives N entries. */
export function dropFinalEmpty(lines: RawLine[]): RawLine[] {
  if (lines.length > 0 && lines[lines.length - 1].raw === '') lines.pop();
  return lines;
}

export function isBlank(s: string): boolean {
  return /^[\s\u00a0]*$/.test(s);
}
