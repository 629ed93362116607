// dax-review reply FILE: the review reply a kernel reviewer would send.
import { checkMail, draftReply } from '../review/index';
import { positional, readText, rejectUnknown } from './check';
import { UsageError, type Verb } from './verb';

const usage = `usage: dax-review reply FILE [--no-simulate]

Prints a review reply to the patch in FILE, ready for git send-email: To/Cc, Subject Re:,
In-Reply-To and References when the mail names its Message-ID, interleaved quoting of only
the hunks with findings, each finding under the line it is about, and for a lost wakeup or
an entry left locked the interleaving the model found, as a thread table.`;

export const reply: Verb = {
  name: 'reply',
  summary: 'draft the review reply (interleaved quoting, thread tables), ready for git send-email',
  usage,
  async run(args, io) {
    rejectUnknown(args, ['--no-simulate'], usage);
    const files = positional(args, []);
    if (files.length !== 1) throw new UsageError(`give exactly one FILE\n\n${usage}`);
    const text = readText(files[0]);
    const r = await checkMail(text, { file: files[0], simulate: !args.includes('--no-simulate'), verdicts: false });
    if (!r.patches.some((p) => p.files.some((f) => f.hunks.length))) throw new UsageError(`${files[0]}: no patch in the mail to reply to`);
    io.out(draftReply(text, r));
    return 0;
  },
};
