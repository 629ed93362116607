// The patch stage: series, files, hunks and anchored review comments of a message.
import type { BodyLine, MailDocument, Message } from '../mail/types';
import type { Comment, PatchMessage } from './types';
import { extractPatch, type Extraction } from './extract';
import { buildSeriesTable } from './series';
import { jsdiffAccepts } from './serialise';

export { buildSeriesTable } from './series';
export { formatFiles, jsdiffAccepts } from './serialise';
export { patchDepth } from './extract';
export type * from './types';

/**
 * The body as the parts it was read from, when more than one part was: a reply's text quoting
 * the old version and an attached new one are two patches, each at its own quote depth.
 */
function bodyParts(msg: Message): BodyLine[][] {
  const parts = msg.parts.filter((p) => p.inBody);
  if (parts.length < 2) return [msg.body];
  const out = parts.map((p) => msg.body.filter((l) => l.mailLine >= p.firstLine && l.mailLine <= p.lastLine)).filter((b) => b.length);
  const covered = out.reduce((n, b) => n + b.length, 0);
  return covered === msg.body.length ? out : [msg.body];
}

/** Each part's extraction, with hunk numbers running on across the parts. */
function extractParts(msg: Message): Extraction {
  const parts = bodyParts(msg);
  if (parts.length === 1) return extractPatch(msg);
  const all: Extraction = { quoteDepth: null, files: [], comments: [], diagnostics: [], commitLines: [] };
  let offset = 0;
  for (const body of parts) {
    const x = extractPatch({ ...msg, body });
    const renumber = (c: Comment): void => { if (c.hunk !== null) c.hunk += offset; c.replies.forEach(renumber); };
    for (const h of x.files.flatMap((f) => f.hunks)) { h.id += offset; h.comments.forEach(renumber); }
    x.comments.forEach(renumber);
    offset += x.files.reduce((n, f) => n + f.hunks.length, 0);
    all.quoteDepth ??= x.quoteDepth;
    all.files.push(...x.files);
    all.comments.push(...x.comments);
    all.diagnostics.push(...x.diagnostics);
    all.commitLines.push(...x.commitLines);
  }
  return all;
}

export function parsePatchMessage(msg: Message): PatchMessage {
  const x = extractParts(msg);
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
