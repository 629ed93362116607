// Builds PatchMessage values from diff text for the C stage's tests, independent of the
// patch stage. Each text line is one mail line (1-based). Recognised lines:
//   '--- a/PATH' / '+++ b/PATH'      start a file
//   '@@ -a,b +c,d @@ context'       a hunk with a header
//   '@@'                            a hunk without a header (a fragment after an elision)
//   '...'                           an elision inside the current hunk
//   ' x', '+x', '-x'                hunk lines; any other line is context with its indent lost
// Lines of `text` that do not belong to the patch may be excluded by `keep`, which also
// strips quote prefixes.
import type { Hunk, PatchMessage, FilePatch, Damage } from '../../../src/patch/types';
import type { Message } from '../../../src/mail/types';

export function patchFromDiff(text: string, keep: (raw: string) => string | null = (r) => r): PatchMessage {
  const files: FilePatch[] = [];
  let file: FilePatch | null = null;
  let hunk: Hunk | null = null;
  let oldN = 0, newN = 0, id = 0;
  const raw = text.split('\n');
  const newHunk = (mailLine: number, header: RegExpMatchArray | null): Hunk => {
    if (!file) { file = { path: null, oldPath: null, newPath: null, hunks: [] }; files.push(file); }
    const h: Hunk = {
      id: id++, path: file.path, pathSource: file.path ? 'header' : 'unknown',
      oldStart: header ? Number(header[1]) : null, oldCount: header ? Number(header[2] ?? 1) : null,
      newStart: header ? Number(header[3]) : null, newCount: header ? Number(header[4] ?? 1) : null,
      headerContext: header ? (header[5].trim() || null) : null, function: null, functionSource: null, functions: [], scopes: [],
      afterGap: null, clean: !!header,
      quoteDepth: 0, headerMissing: !header, damage: [], lines: [], comments: [], mailLines: [mailLine, mailLine],
    };
    if (!header) h.damage.push({ kind: 'missing-header', mailLine, message: 'no @@ header', mailLines: [mailLine] });
    oldN = h.oldStart ?? 0; newN = h.newStart ?? 0;
    file.hunks.push(h);
    return h;
  };
  raw.forEach((r, i) => {
    const mailLine = i + 1;
    const line = keep(r);
    if (line === null) return;
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^\+\+\+ (?:b\/)?(\S+)/)) && (!hunk || !file)) {
      if (file) { file.path = m[1]; file.newPath = m[1]; }
      return;
    }
    if ((m = line.match(/^--- (?:a\/)?(\S+)/)) && !/^--- ?$/.test(line)) {
      file = { path: m[1], oldPath: m[1], newPath: null, hunks: [] };
      files.push(file);
      hunk = null;
      return;
    }
    if ((m = line.match(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/))) { hunk = newHunk(mailLine, m); return; }
    if (line.trim() === '@@') { hunk = newHunk(mailLine, null); return; }
    if (!hunk) return;
    if (/^\s*(\.\.\.|\[\.\.\.\])\s*$/.test(line)) {
      const d: Damage = { kind: 'elided', mailLine, message: 'elided', mailLines: [mailLine] };
      hunk.damage.push(d);
      return;
    }
    const op = line[0] === '+' || line[0] === '-' || line[0] === ' ' ? line[0] : null;
    const body = op ? line.slice(1) : line;
    if (!op && line !== '') hunk.damage.push({ kind: 'stripped-indent', mailLine, message: 'no leading space', mailLines: [mailLine] });
    const o = op ?? ' ';
    const known = !hunk.headerMissing;
    hunk.lines.push({
      op: o, text: body, mailLine,
      oldLine: known && o !== '+' ? oldN : null, newLine: known && o !== '-' ? newN : null, function: null,
    });
    if (o !== '+') oldN++;
    if (o !== '-') newN++;
    hunk.mailLines[1] = mailLine;
  });
  const message: Message = {
    format: 'text', subject: '', from: null, date: null, messageId: null, inReplyTo: null, references: [],
    headers: [], series: null, trailers: [], speakers: [], body: [], thread: [], diagnostics: [], parts: [], listFooter: [],
    firstLine: 1, lastLine: raw.length,
  };
  return { message, quoteDepth: 0, files, comments: [], seriesTable: [], diagnostics: [] };
}

/** Keeps the lines quoted exactly at `prefix` (e.g. '> > '), treating a shallower '...' as an elision. */
export function quotedAt(prefix: string, elision: RegExp): (raw: string) => string | null {
  const bare = prefix.trimEnd();
  return (r) => {
    if (r.startsWith(prefix)) return r.slice(prefix.length);
    if (r === bare) return '';
    if (elision.test(r)) return '...';
    return null;
  };
}
