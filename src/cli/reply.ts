// dax-review reply FILE: the review reply a kernel reviewer would send.
import { checkMail, draftReply } from '../review/index';
import { INPUT_USAGE, inputLimits, positional, readMailInput, readingLines, rejectUnknown } from './input';
import { UsageError, type Verb } from './verb';

const usage = `usage: dax-review reply FILE [--no-simulate] [--max-input-mb N] [--max-inflate-ratio R]

Prints a review reply to the patch in FILE, ready for git send-email: To/Cc, Subject Re:,
In-Reply-To and References when the mail names its Message-ID, interleaved quoting of only
the hunks with findings, each finding under the line it is about, and for a lost wakeup or
an entry left locked the interleaving the model found, as a thread table. Header values are
written without control characters, each header on one line.

${INPUT_USAGE}`;

export const reply: Verb = {
  name: 'reply',
  summary: 'draft the review reply (interleaved quoting, thread tables), ready for git send-email',
  usage,
  async run(args, io) {
    rejectUnknown(args, ['--no-simulate'], usage);
    const files = positional(args, []);
    if (files.length !== 1) throw new UsageError(`give exactly one FILE\n\n${usage}`);
    const doc = await readMailInput(files[0], inputLimits(args));
    const r = await checkMail(doc, { file: files[0], simulate: !args.includes('--no-simulate'), verdicts: false });
    for (const l of readingLines(files[0], r.diagnostics)) io.err(l);
    if (!r.patches.some((p) => p.files.some((f) => f.hunks.length))) throw new UsageError(`${files[0]}: no patch in the mail to reply to`);
    io.out(draftReply('', r));
    return 0;
  },
};
