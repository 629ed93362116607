// The patch stage: series, files, hunks and anchored review comments of a message.
import type { MailDocument, Message } from '../mail/types';
import type { PatchMessage } from './types';
import { extractPatch } from './extract';
import { buildSeriesTable } from './series';
import { jsdiffAccepts } from './serialise';

export { buildSeriesTable } from './series';
export { formatFiles, jsdiffAccepts } from './serialise';
export { patchDepth } from './extract';
export type * from './types';

export function parsePatchMessage(msg: Message): PatchMessage {
  const x = extractPatch(msg);
  for (const f of x.files) {
    for (const h of f.hunks) h.clean = h.clean && jsdiffAccepts(h);
    inferPathFromDiffstat(f, x.commitLines.map((l) => l.text));
  }
  return {
    message: msg,
    quoteDepth: x.quoteDepth,
    files: x.files,
    comments: x.comments,
    seriesTable: buildSeriesTable(msg.thread),
    diagnostics: x.diagnostics,
  };
}

export function parsePatchMail(doc: MailDocument): PatchMessage[] {
  return doc.messages.map(parsePatchMessage);
}

/**
 * A hunk whose file the mail lost can still be placed when the commit message's
 * diffstat lists exactly one file.
 */
function inferPathFromDiffstat(f: PatchMessage['files'][number], commit: readonly string[]): void {
  if (f.path !== null) return;
  const stat = commit.map((t) => /^\s*(\S+)\s+\|\s+(?:\d+|Bin)\b/.exec(t)).filter((m) => m !== null);
  if (stat.length !== 1) return;
  const path = stat[0]![1];
  f.path = f.oldPath = f.newPath = path;
  for (const h of f.hunks) {
    h.path = path;
    h.pathSource = 'inferred';
  }
}
