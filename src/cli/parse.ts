// dax-review parse FILE... [--json]: messages, series, files, hunks and anchored comments.
import type { MailDiagnostic, MailDocument } from '../mail/types';
import { parsePatchMessage } from '../patch/index';
import type { Comment, Hunk, PatchMessage } from '../patch/types';
import { recordDocument } from '../mail/index';
import { INPUT_USAGE, MIRROR_USAGE, checkReadable, inputLimits, mirrorInput, option, positional, rejectUnknown, streamMailInput, streamedMboxInput } from './input';
import { JsonArrayWriter } from './json';
import { isSmall, toJson } from './message-json';
import { PARALLEL_BYTES, ParsePool, writeParallel } from './parse-pool';
import { UsageError, type Verb } from './verb';

const usage = `usage: dax-review parse FILE... [--json] [--verbose]     (FILE '-' reads standard input)
       dax-review parse --mirror DIR [--thread MESSAGE-ID] [--json] [--verbose]

Reads patch mail (raw mail, mbox, lore/public-inbox, lkml.org or mail-archive pages)
and prints, per message: series, files, hunks with their C functions and damage, and
review comments anchored to the hunk lines they answer.

  --json     one JSON document { messages: [...] } instead of the summary (every diagnostic,
             the reader's own notes marked "verbose": true)
  --verbose  the summary also lists the reader's own notes: page chrome and list footers set
             apart, @@ contexts that name another function, spacing dropped
${MIRROR_USAGE}
${INPUT_USAGE}`;

export const parse: Verb = {
  name: 'parse',
  summary: 'read patch mail: series, hunks, functions, anchored review comments',
  readsC: false,
  usage,
  async run(args, io) {
    const json = args.includes('--json');
    const verbose = args.includes('--verbose');
    rejectUnknown(args, ['--json', '--verbose', '--mirror', '--thread'], usage);
    const limits = inputLimits(args);
    const mirror = option(args, '--mirror');
    const thread = option(args, '--thread');
    if (thread !== null && mirror === null) throw new UsageError('--thread needs --mirror DIR');
    const files = positional(args, ['--mirror', '--thread']);
    if (files.length === 0 && mirror === null) throw new UsageError(`no FILE given\n\n${usage}`);
    for (const file of files) checkReadable(file, limits);
    // Each message is written as soon as it is read: an mbox comes a message at a time.
    const writer = json ? new JsonArrayWriter(io, 'messages') : null;
    const emit = (doc: MailDocument): void => {
      const messages = doc.messages.map(parsePatchMessage);
      if (writer) for (const m of messages) writer.push(toJson(doc, m), isSmall(m));
      else {
        const lines = [...docSummary(doc, verbose), ...messages.flatMap((m) => summary(doc, m, verbose))];
        if (lines.length) io.out(lines.join('\n'));
      }
    };
    // A large mbox's messages are read by a pool of workers, opened at the first such file.
    let pool: ParsePool | null | undefined;
    try {
      if (mirror !== null) for await (const doc of mirrorInput(mirror, thread, limits)) emit(doc);
      for (const file of files) {
        const records = writer ? streamedMboxInput(file, limits, PARALLEL_BYTES) : null;
        if (records) pool ??= ParsePool.open();
        if (records && pool && writer) await writeParallel(records, file, pool, writer, (r) => emit(recordDocument(file, r)));
        else for await (const doc of streamMailInput(file, limits, 0)) emit(doc);
      }
    } finally {
      pool?.close();
    }
    writer?.end();
    return 0;
  },
};

/** The reader's own notes only with --verbose; what the reader could not do, always. */
const shown = (verbose: boolean) => (d: MailDiagnostic): boolean => verbose || !d.verbose;

function docSummary(doc: MailDocument, verbose: boolean): string[] {
  return doc.diagnostics.filter(shown(verbose)).map((d) => `${doc.file ?? '-'}:${d.line}: ${d.severity}: ${d.message}`);
}

function summary(doc: MailDocument, pm: PatchMessage, verbose: boolean): string[] {
  const m = pm.message;
  const out: string[] = [];
  const s = m.series;
  const tag = s ? [s.rfc ? 'RFC' : '', s.version !== null ? `v${s.version}` : '', s.index !== null ? `${s.index}/${s.total ?? '?'}` : '']
    .filter(Boolean).join(' ') : '';
  out.push(`${doc.file ?? '-'}:${m.firstLine}: ${m.subject || '(no subject)'}`);
  out.push(`  ${[m.from ?? 'unknown sender', m.date, m.format, tag && `series ${tag}`].filter(Boolean).join(' · ')}`);
  const speakers = m.speakers.filter((sp) => sp.name !== null)
    .map((sp) => `${sp.depth}: ${sp.name}${sp.inferred ? ' (inferred)' : ''}`);
  if (speakers.length) out.push(`  speakers  ${speakers.join(', ')}`);
  if (pm.quoteDepth === null) out.push('  no patch in this message');
  for (const f of pm.files) {
    out.push(`  ${f.path ?? '(file not named in the mail)'}`);
    for (const h of f.hunks) out.push(`    ${hunkLine(h)}`);
  }
  const counts = new Map<string, number>();
  const countAll = (c: Comment) => {
    const who = c.speaker ?? `depth ${c.depth}`;
    counts.set(who, (counts.get(who) ?? 0) + 1);
    c.replies.forEach(countAll);
  };
  pm.comments.forEach(countAll);
  pm.files.forEach((f) => f.hunks.forEach((h) => h.comments.forEach(countAll)));
  if (counts.size) out.push(`  comments  ${[...counts].map(([who, n]) => `${who} ${n}`).join(', ')}`);
  if (pm.comments.length) out.push(`  on the commit message: ${pm.comments.length} thread(s)`);
  if (pm.seriesTable.length) {
    out.push(`  series (${pm.seriesTable.length} patches in the thread overview)`);
    for (const r of pm.seriesTable) {
      const width = String(r.total ?? r.index ?? 0).length;
      const n = r.index !== null ? `${String(r.index).padStart(width, '0')}/${r.total ?? '?'}` : '-';
      out.push(`    ${r.current ? '*' : ' '} v${r.version ?? 1} ${n}  ${r.date}  ${r.author}  ${r.replies} repl${r.replies === 1 ? 'y' : 'ies'}  ${r.subject}`);
    }
  }
  for (const d of [...m.diagnostics, ...pm.diagnostics].filter(shown(verbose))) out.push(`  line ${d.line}: ${d.severity}: ${d.message}`);
  return out;
}

function hunkLine(h: Hunk): string {
  const at = h.headerMissing ? '@@ (no header)' : `@@ -${h.oldStart},${h.oldCount} +${h.newStart},${h.newCount}`;
  const fn = h.function ? ` ${h.function}` : '';
  const more = h.functions.filter((f) => f !== h.function);
  const extra = (more.length ? ` (+ ${more.join(', ')})` : '') + (h.scopes.length ? ` in ${h.scopes.join(', ')}` : '');
  const dmg = h.damage.length ? `  [${h.damage.map((d) => d.kind).join(', ')}]` : '';
  const threads = h.comments.length ? `  ${h.comments.length} comment thread(s)` : '';
  return `${at}${fn}${extra}  mail ${h.mailLines[0]}-${h.mailLines[1]}${threads}${dmg}`;
}
