// Recognisers for single lines of a quoted patch. Every test looks at the text
// after the quote prefix, so the same rules hold at any quote depth. Each runs on most
// body lines, so a cheap test of the start of the line comes before its regular expression.
import { codeAt, firstNonSpace } from '../mail/lines';

export const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;

export interface HunkHeader {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  context: string | null;
}

export function parseHunkHeader(text: string): HunkHeader | null {
  if (codeAt(text, 0) !== 64 || codeAt(text, 1) !== 64 || codeAt(text, 2) !== 32) return null; // "@@ 
  const m = HUNK_HEADER.exec(text.trimEnd());
  if (!m) return null;
  return {
    oldStart: Number(m[1]),
    oldCount: m[2] === undefined ? 1 : Number(m[2]),
    newStart: Number(m[3]),
    newCount: m[4] === undefined ? 1 : Number(m[4]),
    context: m[5].trim() === '' ? null : m[5].trim(),
  };
}

/** "diff --git a/fs/dax.c b/fs/dax.c" -> old and new path. */
export function parseDiffGit(text: string): { oldPath: string | null; newPath: string | null } | null {
  if (!text.startsWith('diff ')) return null; // what every form below starts with
  const m = /^diff --git (?:"?a\/(.+?)"?) (?:"?b\/(.+?)"?)\s*$/.exec(text);
  if (m) return { oldPath: m[1], newPath: m[2] };
  const other = /^diff --git "?([^\s"]+\/[^\s"]+)"? "?([^\s"]+\/[^\s"]+)"?\s*$/.exec(text);
  if (other) return { oldPath: kernelPath(other[1]), newPath: kernelPath(other[2]) };
  const loose = /^diff (?:--git|-u|-urN|-Naur|-ur|-up|-Nurp|-uNr)\s+(\S+)\s+(\S+)\s*$/.exec(text);
  if (loose) return { oldPath: stripPrefix(loose[1]), newPath: stripPrefix(loose[2]) };
  return null;
}

/** "--- a/fs/dax.c\t2016-10-07 ..." -> "fs/dax.c"; "/dev/null" -> null. */
export function parseFileLine(text: string, mark: '---' | '+++'): string | null | undefined {
  if (!text.startsWith(mark + ' ')) return undefined;
  let name = text.slice(4).trim();
  const tab = name.indexOf('\t');
  if (tab >= 0) name = name.slice(0, tab);
  name = name.replace(/\s+\d{4}-\d{2}-\d{2} .*$/, '').replace(/^"(.*)"$/, '$1');
  if (name === '/dev/null') return null;
  if (name === '') return undefined;
  return stripPrefix(name);
}

/** The kernel's top-level directories: a path that starts with one is already the kernel's. */
const KERNEL_TOP = new Set([
  'arch', 'block', 'certs', 'crypto', 'Documentation', 'drivers', 'fs', 'include', 'init', 'io_uring', 'ipc',
  'kernel', 'lib', 'LICENSES', 'mm', 'net', 'rust', 'samples', 'scripts', 'security', 'sound', 'tools', 'usr', 'virt',
]);
const KERNEL_TOP_FILES = new Set(['MAINTAINERS', 'Makefile', 'Kconfig', 'CREDITS', 'COPYING', 'README', 'Kbuild']);

/**
 * The kernel path a diff names, as `git apply -p1` takes it: "a/fs/dax.c", "redhat-linux/fs/dax.c"
 * and "linux.orig/fs/dax.c" are fs/dax.c. A path that already starts at the kernel's top level
 * (a -p0 diff: "fs/dax.c") is kept, and so is a bare file name.
 */
export function kernelPath(name: string): string {
  const clean = name.replace(/^\.\//, '');
  const slash = clean.indexOf('/');
  if (slash < 0) return clean;
  const first = clean.slice(0, slash);
  if (first !== 'a' && first !== 'b' && KERNEL_TOP.has(first)) return clean;
  const rest = clean.slice(slash + 1);
  return rest === '' ? clean : rest;
}

function stripPrefix(name: string): string {
  return kernelPath(name);
}

/** "Index: redhat-linux/fs/dax.c" (quilt) -> "fs/dax.c". */
export function parseIndexLine(text: string): string | null {
  if (!text.startsWith('Index: ')) return null;
  const m = /^Index: (\S+)\s*$/.exec(text);
  return m ? kernelPath(m[1]) : null;
}

/** The first characters of the metadata lines below. */
const META_FIRST = 'I=iondsrcB';

/** Lines between "diff --git" and the first "@@" that carry file metadata. */
export function isFileMetaLine(text: string): boolean {
  if (text === '' || !META_FIRST.includes(text[0])) return false;
  return /^(?:Index: \S+\s*$|={20,}\s*$|index [0-9a-f]+\.\.[0-9a-f]+|(?:old|new|deleted file|new file) mode \d+|similarity index|dissimilarity index|rename (?:from|to) |copy (?:from|to) |Binary files )/.test(text);
}

/** "...", ".....", "[...]", "<snip>", "[snip]", "[ ... ]": an explicit gap. */
export function isElision(text: string): boolean {
  switch (codeAt(text, firstNonSpace(text))) {
    case 46: case 0x2026: case 91: case 60: case 40: case 45: case 115: case 83: break; // . … [ < ( - s S
    default: return false;
  }
  return /^\s*(?:\.{2,}|…|\[\s*(?:\.{2,}|…|snip(?:ped)?)\s*\]|<\s*(?:snip(?:ped)?|\.{2,})\s*>|\(\s*snip(?:ped)?\s*\)|-+\s*snip\s*-+|snip(?:ped)?)\s*$/i.test(text);
}

/** A tab or two spaces first: the line kept its indentation (kernel C indents every body line). */
export function keepsIndentation(text: string): boolean {
  const c = codeAt(text, 0);
  return c === 9 || (c === 32 && codeAt(text, 1) === 32);
}

/** The "-- " line before a mail signature or git's version footer. */
export function isSignatureMark(text: string): boolean {
  return text === '--' || text === '-- ';
}

/** A line with no content for anchoring: blank or braces only. */
export function isBareLine(text: string): boolean {
  return /^[\s{}();,]*$/.test(text);
}

/**
 * Where the control header (`if (...)`, `while (...)`, `for (...)`, `else`) that governs
 * line `body` without braces begins, given the lines above it down to `floor`; -1 when the
 * line above is no such header. A header may be wrapped over several lines.
 */
export function unbracedHeaderAbove(texts: readonly string[], body: number, floor: number): number {
  let first = body - 1;
  if (first < floor) return -1;
  while (first > floor && continuesStatement(texts[first - 1])) first--;
  const header = texts.slice(first, body).map((t) => t.replace(/\/\*.*?\*\/\s*$/, '').trim()).join(' ');
  if (/^(?:}\s*)?else$/.test(header)) return first;
  if (!/^(?:(?:}\s*)?else\s+)?(?:if|while|for)\s*\(.*\)$/.test(header)) return -1;
  let depth = 0;
  for (const ch of header) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return -1;
  }
  return depth === 0 ? first : -1;
}

/** A line that continues onto the next: ends in ',', '(', '\' or a binary operator. */
export function continuesStatement(text: string): boolean {
  const t = text.replace(/\/\*.*?\*\/\s*$/, '').trimEnd();
  return /(?:[,(\\]|&&|\|\||[|&+\-*/=?:<>])$/.test(t) && !/^\s*[A-Za-z_]\w*\s*:$/.test(t) && !/\*\/$/.test(t);
}
