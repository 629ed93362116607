// A series table from a public-inbox thread overview: one row per posted patch.
import type { SeriesTag, ThreadEntry } from '../mail/types';
import type { SeriesRow } from './types';

function sameTag(a: SeriesTag, b: SeriesTag): boolean {
  return a.version === b.version && a.index === b.index && a.total === b.total;
}

/**
 * One row per posted patch: an overview entry with a series tag that is not a
 * reply. An entry is a reply when its subject starts with "Re:" or repeats the
 * tag of a patch above it in the tree (the overview reprints a subject under a
 * nested repost). Replies are counted on the nearest patch above them, so a v8
 * repost nested under a v7 patch keeps its own replies. `current` marks the row
 * whose patch or replies hold the page's own message.
 */
export function buildSeriesTable(thread: readonly ThreadEntry[]): SeriesRow[] {
  const rows: SeriesRow[] = [];
  const stack: { depth: number; row: SeriesRow | null; tag: SeriesTag | null }[] = [];
  for (const e of thread) {
    while (stack.length && stack[stack.length - 1].depth >= e.depth) stack.pop();
    const above = [...stack].reverse().find((s) => s.row !== null) ?? null;
    const tag = e.series;
    const repeated = tag !== null && stack.some((s) => s.row !== null && s.tag !== null && sameTag(s.tag, tag));
    const isPatch = tag !== null && !/^\s*re\s*:/i.test(e.subject) && !repeated;
    let row: SeriesRow | null = null;
    if (isPatch && tag) {
      row = {
        index: tag.index, total: tag.total, version: tag.version, subject: e.subject, author: e.author,
        date: e.date, replies: 0, current: e.current, mailLine: e.mailLine,
      };
      rows.push(row);
    } else if (above?.row) {
      above.row.replies++;
      if (e.current) above.row.current = true;
    }
    stack.push({ depth: e.depth, row, tag: row ? tag : null });
  }
  return rows;
}
