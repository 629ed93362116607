// dax-review reply FILE: the review reply a kernel reviewer would send.
import { checkMail, composeReply } from '../review/index';
import { INPUT_USAGE, inputLimits, option, positional, readMailInput, readingLines, rejectUnknown } from './input';
import { UsageError, type Verb } from './verb';

const usage = `usage: dax-review reply FILE [--no-simulate] [--reviewer "NAME <ADDRESS>"] [--max-input-mb N] [--max-inflate-ratio R]

Prints a review reply to the patch in FILE, ready for git send-email or a mail client: To the
patch's author and Cc everyone the message names (entries without an address mail can be sent
to, such as an archive's obfuscated ones, are left out and said so on standard error), Subject
Re:, In-Reply-To and References from its Message-ID; a body wrapped at 72 columns with
interleaved quoting of the hunks with findings, each finding under the line it is about as a
full sentence, and for a lost wakeup or an entry left locked the interleaving the model found,
as a thread table. A point a reviewer in the thread already made is acknowledged as theirs. The
reply gives a verdict only on code the model ran and says in one line what is outside the
model. Header values are written without control characters, each header on one line.

  --reviewer "NAME <ADDRESS>"  offer a Reviewed-by line in this name when the model ran every
                               changed line and found nothing (default: GIT_AUTHOR_NAME and
                               GIT_AUTHOR_EMAIL from the environment, when both are set)

${INPUT_USAGE}`;

/** Who signs the Reviewed-by: the option, else git's author identity from the environment. */
function reviewerOf(args: string[]): string | null {
  const given = option(args, '--reviewer');
  if (given !== null) return given;
  const { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email } = process.env;
  return name && email ? `${name} <${email}>` : null;
}

export const reply: Verb = {
  name: 'reply',
  summary: 'draft the review reply (interleaved quoting, thread tables), ready for git send-email',
  usage,
  async run(args, io) {
    rejectUnknown(args, ['--no-simulate', '--reviewer'], usage);
    const files = positional(args, ['--reviewer']);
    if (files.length !== 1) throw new UsageError(`give exactly one FILE\n\n${usage}`);
    const doc = await readMailInput(files[0], inputLimits(args));
    const r = await checkMail(doc, { file: files[0], simulate: !args.includes('--no-simulate'), verdicts: false });
    for (const l of readingLines(files[0], r.diagnostics)) io.err(l);
    if (!r.patches.some((p) => p.files.some((f) => f.hunks.length))) throw new UsageError(`${files[0]}: no patch in the mail to reply to`);
    const draft = composeReply(r, { reviewer: reviewerOf(args) });
    for (const n of draft.notes) io.err(`${files[0]}: note: ${n}`);
    io.out(draft.text.replace(/\n$/, ''));
    return 0;
  },
};
