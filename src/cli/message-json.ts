// The JSON view of one message, as `parse --json` writes it: shared by the verb and the
// workers that write a large mbox's messages in parallel (src/cli/parse-pool.ts).
import type { MailDocument } from '../mail/types';
import type { PatchMessage } from '../patch/types';

/** A message of fewer lines has JSON far below V8's longest string: it is written in one piece. */
export const SMALL_MESSAGE_LINES = 20_000;

export function isSmall(pm: PatchMessage): boolean {
  return pm.message.lastLine - pm.message.firstLine < SMALL_MESSAGE_LINES;
}

/** The JSON view of one message: the contract types, without the decoded body. */
export function toJson(doc: MailDocument, pm: PatchMessage): unknown {
  const m = pm.message;
  return {
    file: doc.file, format: m.format, subject: m.subject, from: m.from, date: m.date,
    messageId: m.messageId, inReplyTo: m.inReplyTo, references: m.references,
    series: m.series,
    speakers: m.speakers,
    trailers: m.trailers,
    quoteDepth: pm.quoteDepth,
    files: pm.files.map((f) => ({ path: f.path, oldPath: f.oldPath, newPath: f.newPath, hunks: f.hunks })),
    comments: pm.comments,
    thread: m.thread,
    seriesTable: pm.seriesTable,
    diagnostics: [...(doc.messages[0] === m ? doc.diagnostics : []), ...m.diagnostics, ...pm.diagnostics],
    mailLines: [m.firstLine, m.lastLine],
  };
}
