// Shared helpers for the review and bind tests: the seeds, and small patch mails built
// around one new fs/dax.c function.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

export function seed(n: string): { file: string; text: string } {
  const dir = path.join(FIXTURES, 'seeds');
  const name = readdirSync(dir).find((f) => f.startsWith(`${n}_`));
  if (!name) throw new Error(`no seed ${n}`);
  const file = path.join(dir, name);
  return { file, text: readFileSync(file, 'utf8') };
}

export function fixture(rel: string): { file: string; text: string } {
  const file = path.join(FIXTURES, rel);
  return { file, text: readFileSync(file, 'utf8') };
}

/** A one-patch mail adding `body` (C lines, tab-indented) to fs/dax.c. */
export function patchMail(body: string, subject = 'dax: a change'): string {
  const lines = body.replace(/^\n/, '').replace(/\n$/, '').split('\n');
  const hunk = lines.map((l) => `+${l}`).join('\n');
  return [
    'From: A Developer <dev@example.org>',
    'To: linux-nvdimm@lists.01.org',
    `Subject: [PATCH] ${subject}`,
    'Message-ID: <test-1@example.org>',
    'Date: Tue, 11 Oct 2016 10:00:00 +0000',
    '',
    'A change.',
    '',
    'Signed-off-by: A Developer <dev@example.org>',
    '---',
    'diff --git a/fs/dax.c b/fs/dax.c',
    'index 1111111..2222222 100644',
    '--- a/fs/dax.c',
    '+++ b/fs/dax.c',
    `@@ -100,0 +101,${lines.length} @@ static int dax_something(void)`,
    hunk,
    '-- ',
    '2.9.3',
    '',
  ].join('\n');
}

/** The mail line of the first line containing `needle`. */
export function lineOf(text: string, needle: string, from = 0): number {
  const lines = text.split('\n');
  for (let i = from; i < lines.length; i++) if (lines[i].includes(needle)) return i + 1;
  throw new Error(`'${needle}' not in the mail`);
}
