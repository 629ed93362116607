// Writes parsed hunks back as a unified diff, through jsdiff's formatter, so a
// hunk that came out of a damaged quote can be applied or parsed again.
import { formatPatch, parsePatch, type StructuredPatch } from 'diff';
import type { FilePatch, Hunk } from './types';

/**
 * A unified diff of the files. Hunks without an @@ header get the line numbers
 * they would have if they followed the previous hunk: they only serve to keep
 * the text a valid diff, the parsed hunk keeps null.
 */
export function formatFiles(files: readonly FilePatch[]): string {
  const text = formatPatch(files.map(toStructured), { includeIndex: false, includeUnderline: false, includeFileHeaders: true });
  // jsdiff has no place for the @@ context; put each hunk's back on its header line.
  const contexts = files.flatMap((f) => f.hunks.map((h) => h.headerContext));
  let k = 0;
  return text.split('\n').map((line) => {
    if (!line.startsWith('@@ ')) return line;
    const ctx = contexts[k++];
    return ctx ? `${line} ${ctx}` : line;
  }).join('\n');
}

function toStructured(f: FilePatch): StructuredPatch {
  const name = f.path ?? 'unknown';
  let nextOld = 1;
  let nextNew = 1;
  return {
    oldFileName: `a/${f.oldPath ?? name}`, newFileName: `b/${f.newPath ?? name}`,
    oldHeader: undefined, newHeader: undefined,
    hunks: f.hunks.map((h) => {
      const oldLines = h.lines.filter((l) => l.op !== '+').length;
      const newLines = h.lines.filter((l) => l.op !== '-').length;
      const oldStart = Math.max(h.oldStart ?? nextOld, nextOld);
      const newStart = Math.max(h.newStart ?? nextNew, nextNew);
      nextOld = oldStart + oldLines;
      nextNew = newStart + newLines;
      // jsdiff writes an empty side's start one lower (the line it follows); hand it the value it will lower.
      return {
        oldStart: oldLines === 0 ? oldStart + 1 : oldStart, oldLines,
        newStart: newLines === 0 ? newStart + 1 : newStart, newLines,
        lines: h.lines.map((l) => l.op + l.text),
      };
    }),
  };
}

/** True when jsdiff itself accepts the hunk as written (counts and ops agree). */
export function jsdiffAccepts(h: Hunk): boolean {
  if (h.oldStart === null || h.newStart === null) return false;
  if (surelyAccepted(h)) return true;
  const text = [`--- a/x`, `+++ b/x`, `@@ -${h.oldStart},${h.oldCount} +${h.newStart},${h.newCount} @@`,
    ...h.lines.map((l) => l.op + l.text)].join('\n') + '\n';
  try {
    const parsed = parsePatch(text);
    return parsed.length === 1 && parsed[0].hunks.length === 1;
  } catch {
    return false;
  }
}

/**
 * A hunk jsdiff's parsePatch accepts without being asked (most hunks: asking costs a parse of
 * the hunk's text): every line a '+', '-' or ' ' line on a line of its own, as many old and
 * new lines as the header counts, and header numbers written in digits (jsdiff reads digits;
 * 1e21 and above print in exponent form). Its hunk loop then takes exactly these lines, and
 * its checks of the counts and of what follows hold. False says nothing: jsdiff decides.
 */
function surelyAccepted(h: Hunk): boolean {
  const numbers = [h.oldStart, h.oldCount, h.newStart, h.newCount];
  if (!numbers.every((n) => n !== null && Number.isInteger(n) && n >= 0 && n < 1e21)) return false;
  let old = 0;
  let now = 0;
  for (const l of h.lines) {
    if (l.op !== ' ' && l.op !== '+' && l.op !== '-') return false;
    if (l.text.includes('\n')) return false;
    if (l.op !== '+') old++;
    if (l.op !== '-') now++;
  }
  return old === h.oldCount && now === h.newCount;
}
