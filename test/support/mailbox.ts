// Mailboxes of any size for the editor's tests and benchmark: N messages, each a patch mail
// the project ships (the example mbox, seed 000 and its fixed form), in mbox form.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

function sources(): string[] {
  const seeds = path.join(root, 'test', 'fixtures', 'seeds');
  // Four hunks and some 240 lines a message on average: a thousand of them stay under the
  // 300,000 lines past which the editor itself turns off colouring and lenses for a file.
  const example = path.join(root, 'examples', 'dax-pmd-downgrade.mbox');
  return [
    example,
    path.join(seeds, readdirSync(seeds).find((f) => f.startsWith('000_'))!),
    example,
    path.join(root, 'test', 'fixtures', 'review', '000-fixed.txt'),
  ].map((f) => readFileSync(f, 'utf8'));
}

/** An mbox of exactly `n` messages, each with its own Message-ID and subject number. */
export function mailbox(n: number): string {
  const src = sources();
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = src[i % src.length].replace(/^From [^\n]*\n/, '');
    const headed = /^From:/m.test(body.slice(0, 400)) && /^Subject:/m.test(body.slice(0, 400)) ? body
      : `From: Ross Zwisler <ross.zwisler@linux.intel.com>\nSubject: Re: [PATCH v5 ${(i % 17) + 1}/17] dax: add struct iomap based DAX PMD support (${i + 1})\nMessage-ID: <mailbox-${i}@example.org>\nDate: Tue, 11 Oct 2016 18:51:39 -0400\n\n${body}`;
    parts.push(`From mailbox-${i}@example.org Tue Oct 11 18:51:39 2016\n${headed.replace(/^From /gm, '>From ')}\n`);
  }
  return parts.join('');
}
