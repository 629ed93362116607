// public-inbox "Thread overview" rows:
//   2017-10-06 22:35 [PATCH v7 00/12] MAP_DIRECT for DAX ... Dan Williams
//   2017-10-09  3:08   ` Dave Chinner
//   2017-10-09 17:08     ` Dan Williams [this message]
// The tree is drawn with two spaces per level before the backtick.

import type { RawLine } from './lines';
import { parseSeriesTag } from './series';
import type { MailDiagnostic, ThreadEntry } from './types';

const ROW = /^(\d{4}-\d\d-\d\d [ \d]\d:\d\d) (.*)$/;
const THIS = /\s*\[this message\]\s*$/;

interface Row { line: RawLine; date: string; depth: number; rest: string; current: boolean }

/** Parses the rows; lines that are not rows (separators, "[not found]") are reported as info. */
export function parseThreadOverview(lines: readonly RawLine[], knownNames: readonly string[], diagnostics: MailDiagnostic[]): ThreadEntry[] {
  const rows: Row[] = [];
  for (const line of lines) {
    const row = parseRow(line);
    if (row) rows.push(row);
    else if (line.raw.trim() !== '') diagnostics.push({ line: line.mailLine, severity: 'info', verbose: true, message: `thread overview line not understood, kept out of the thread: "${line.raw.trim().slice(0, 80)}"` });
  }
  const names = authorNames(rows, knownNames);
  return rows.map((r) => toEntry(r, names));
}

function parseRow(line: RawLine): Row | null {
  const m = ROW.exec(line.raw);
  if (!m) return null;
  let rest = m[2];
  const current = THIS.test(rest);
  rest = rest.replace(THIS, '');
  const tree = /^( *)` /.exec(rest);
  const depth = tree ? tree[1].length / 2 + 1 : 0;
  return { line, date: m[1].replace(/\s+/g, ' '), depth: Math.floor(depth), rest: tree ? rest.slice(tree[0].length) : rest.trim(), current };
}

/** Rows without a subject (public-inbox omits a reply's repeated subject) name authors; so do the page's headers. */
function authorNames(rows: readonly Row[], known: readonly string[]): string[] {
  const names = new Set(known.filter((n) => n.length > 0));
  for (const r of rows) if (!looksLikeSubject(r.rest)) names.add(r.rest.trim());
  return [...names].sort((a, b) => b.length - a.length);
}

function looksLikeSubject(s: string): boolean {
  return /^\s*(\[|re:|fwd?:)/i.test(s) || /^[\w\-./, ]+: /.test(s);
}

/** The author is the longest known name ending the row; failing that, the last two words. */
function toEntry(r: Row, names: readonly string[]): ThreadEntry {
  const rest = r.rest.trim();
  let author = names.find((n) => rest === n || rest.endsWith(' ' + n));
  if (author === undefined) author = looksLikeSubject(rest) ? rest.split(' ').slice(-2).join(' ') : rest;
  const subject = rest.slice(0, rest.length - author.length).trim();
  return {
    date: r.date, subject, author, depth: r.depth,
    series: subject === '' ? null : parseSeriesTag(subject),
    current: r.current, mailLine: r.line.mailLine,
  };
}
