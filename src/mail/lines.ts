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

/**
 * The code unit at i, or -1 past either end of the string. Hot code asks this rather than
 * charCodeAt, which V8 compiles for indexes within the string only: the first index past the
 * end throws the compiled function away, and a large one is then compiled again.
 */
export function codeAt(s: string, i: number): number {
  return i >= 0 && i < s.length ? s.charCodeAt(i) : -1;
}

/** JavaScript's white space and line terminators: what trim() removes and \s matches. */
export function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Index of the first character trim() keeps; the length when it keeps none. */
export function firstNonSpace(s: string): number {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** s.trim() === '', without the copy. */
export function isWhite(s: string): boolean {
  return firstNonSpace(s) === s.length;
}
