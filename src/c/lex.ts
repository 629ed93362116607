// A line scanner for C fragments: where the braces, parentheses and semicolons are once
// comments, string and character literals are set aside. Hunks start and stop anywhere
// (inside a comment, a parameter list, a nested block), so the scanner works line by line
// and lets the caller decide what the missing context was.

export interface LineScan {
  /** Structural characters outside comments and literals, in order. */
  marks: string;
  /** The line with comments and literal contents blanked. */
  code: string;
  /** True when the line ends inside a block comment. */
  inComment: boolean;
  /** A preprocessor line, or the continuation of one. */
  preproc: boolean;
  /** Nothing but whitespace and comments. */
  blank: boolean;
  /** The line ends with a backslash (continues a macro). */
  continues: boolean;
}

export function scanLine(text: string, inComment: boolean, inMacro: boolean): LineScan {
  let marks = '';
  let code = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (inComment) {
      const end = text.indexOf('*/', i);
      if (end < 0) { code += ' '.repeat(n - i); i = n; break; }
      code += ' '.repeat(end + 2 - i);
      i = end + 2;
      inComment = false;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') { inComment = true; code += '  '; i += 2; continue; }
    if (ch === '/' && text[i + 1] === '/') { code += ' '.repeat(n - i); i = n; break; }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < n && text[j] !== ch) j += text[j] === '\\' ? 2 : 1;
      code += ch + ' '.repeat(Math.max(0, Math.min(j, n) - i - 1)) + (j < n ? ch : '');
      i = Math.min(j + 1, n);
      continue;
    }
    if ('{}();'.includes(ch)) marks += ch;
    code += ch;
    i++;
  }
  const trimmed = code.trim();
  const preproc = inMacro || trimmed.startsWith('#');
  return {
    marks: preproc ? '' : marks,
    code,
    inComment,
    preproc,
    blank: trimmed === '',
    continues: /\\\s*$/.test(text),
  };
}

// Scan consecutive lines. A fragment that opens with the tail of a block comment is
// recognised by a comment close met before any comment open: the lines before it are
// then comment.
export function scanLines(texts: string[]): LineScan[] {
  return scanLinesFrom(texts, startsInComment(texts));
}

/** True when the lines open inside a block comment (a close comes before any open). */
export function startsInComment(texts: string[]): boolean {
  for (const t of texts) {
    const open = t.indexOf('/*');
    const close = t.indexOf('*/');
    if (close >= 0 && (open < 0 || close < open)) return true;
    if (open >= 0 || close >= 0) return false;
  }
  return false;
}

/**
 * Scan lines from a known comment state. In a preprocessor conditional whose branches
 * each open or close blocks (`#ifdef X` / `if (a) {` / `#else` / `if (b) {` / `#endif`),
 * only the first branch counts for structure: counting every branch would unbalance the
 * braces. Branches that balance on their own (whole functions under #else) all count.
 */
export function scanLinesFrom(texts: string[], startInComment: boolean): LineScan[] {
  const out: LineScan[] = [];
  let inComment = startInComment;
  let inMacro = false;
  const open: { branches: number[] }[] = [];      // line index of each branch's directive
  const alternatives: [number, number][] = [];     // [from, to) of every #elif/#else branch
  texts.forEach((t, i) => {
    const sc = scanLine(t, inComment, inMacro);
    if (sc.preproc && !inMacro) {
      const d = /^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b/.exec(sc.code)?.[1];
      if (d === 'if' || d === 'ifdef' || d === 'ifndef') open.push({ branches: [i] });
      else if ((d === 'elif' || d === 'else') && open.length) open[open.length - 1].branches.push(i);
      else if (d === 'endif') {
        const c = open.pop();
        if (c) c.branches.forEach((b, k) => { if (k > 0) alternatives.push([b + 1, c.branches[k + 1] ?? i]); });
      }
    }
    out.push(sc);
    inComment = sc.inComment;
    inMacro = sc.preproc && sc.continues;
  });
  for (const [from, to] of alternatives) {
    let net = 0;
    for (let i = from; i < to; i++) for (const ch of out[i].marks) net += ch === '{' ? 1 : ch === '}' ? -1 : 0;
    if (net !== 0) for (let i = from; i < to; i++) out[i].marks = '';
  }
  return out;
}

/** Kernel annotations tree-sitter does not know (`__init`, `__cold`, ...) blanked to spaces, so columns stay put. */
export function blankAnnotations(text: string): string {
  return text.replace(/\b__[a-z][a-z0-9_]*\b(?!\s*\()/g, (m) => ' '.repeat(m.length));
}
