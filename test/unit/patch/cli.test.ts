// The parse verb: JSON document and summary over the seed mails, clear failures.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMail } from '../../../src/mail/index';
import { parse } from '../../../src/cli/parse';
import { PARALLEL_BYTES } from '../../../src/cli/parse-pool';
import { SMALL_MESSAGE_LINES } from '../../../src/cli/message-json';
import { UsageError, type CliIO } from '../../../src/cli/verb';

const SEEDS = join(__dirname, '..', '..', 'fixtures', 'seeds');
const seed = (name: string) => join(SEEDS, name);

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => { out += t + '\n'; }, err: (t) => { err += t + '\n'; } };
  const code = await parse.run(args, io);
  return { code, out, err };
}

interface JsonHunk { path: string | null; oldStart: number | null; newStart: number | null; function: string | null;
  functions: string[]; quoteDepth: number; headerMissing: boolean; damage: unknown[];
  lines: { op: string; text: string; mailLine: number; oldLine: number | null; newLine: number | null }[];
  comments: { speaker: string | null; depth: number; mailLines: [number, number]; anchor: [number, number] | null; text: string; replies: unknown[] }[] }
interface JsonMessage { file: string; subject: string; from: string | null; date: string | null; format: string;
  series: { version: number | null; index: number | null; total: number | null } | null;
  speakers: { depth: number; name: string | null; inferred: boolean }[];
  files: { path: string | null; hunks: JsonHunk[] }[]; comments: unknown[]; seriesTable: unknown[]; diagnostics: unknown[] }

describe('dax-review parse', () => {
  it('prints one JSON document with messages, series, speakers, hunks and comments', async () => {
    const r = await run([seed('000_4ccc91fba6929e52.txt'), seed('001_6e1e73b3e7c39ad9.txt'), '--json']);
    assert.equal(r.code, 0);
    const doc = JSON.parse(r.out) as { messages: JsonMessage[] };
    assert.equal(doc.messages.length, 2);
    const [m0, m1] = doc.messages;
    assert.equal(m0.format, 'lkml');
    assert.deepEqual([m0.series?.version, m0.series?.index, m0.series?.total], [5, 15, 17]);
    assert.deepEqual(m0.speakers.slice(0, 2).map((s) => [s.depth, s.name]), [[0, 'Ross Zwisler'], [1, 'Jan Kara']]);
    const hunks = m0.files.flatMap((f) => f.hunks);
    assert.equal(hunks.length, 6);
    assert.equal(hunks[1].oldStart, null);
    assert.equal(hunks[1].headerMissing, true);
    assert.equal(hunks[0].quoteDepth, 2);
    const l = hunks[0].lines[0];
    assert.deepEqual(Object.keys(l).sort(), ['function', 'mailLine', 'newLine', 'oldLine', 'op', 'text']);
    const c = hunks[1].comments[0];
    assert.equal(c.speaker, 'Jan Kara');
    assert.equal(c.mailLines.length, 2);
    assert.ok(Array.isArray(c.anchor));
    assert.equal(m1.seriesTable.length, 16);
    assert.equal(m1.comments.length, 1);
  });

  it('prints a readable summary: series, files, hunks with functions, comments per speaker', async () => {
    const r = await run([seed('004_a390448b7e93e5fc.txt')]);
    assert.equal(r.code, 0);
    assert.match(r.out, /series v2 23\/25/);
    assert.match(r.out, /arch\/x86\/mm\/gup\.c/);
    assert.match(r.out, /@@ -830,6 \+831,20 get_page/);
    assert.match(r.out, /\(file not named in the mail\)\n\s+@@ \(no header\) touch_pmd \(\+ follow_devmap_pmd\)/);
    assert.match(r.out, /comments {2}Andrew Morton 6, Dan Williams 6/);
  });

  it('fails with exit status 2 and a clear message on an unreadable file or bad arguments', async () => {
    await assert.rejects(run(['/nonexistent/mail.txt']), (e: unknown) => e instanceof UsageError && /cannot read \/nonexistent\/mail\.txt: no such file/.test(e.message));
    await assert.rejects(run([SEEDS]), (e: unknown) => e instanceof UsageError && /is a directory/.test(e.message));
    await assert.rejects(run([]), UsageError);
    await assert.rejects(run(['--frob', seed('002_a5a61db4d6f739a3.txt')]), UsageError);
  });
});

describe('dax-review parse on an mbox, message by message', () => {
  const mbox = join(__dirname, '..', '..', 'fixtures', 'mail', 'dax-series.mboxrd');

  it('writes each message as it is read, and the document is the one the whole file gives', async () => {
    let pieces = 0;
    let text = '';
    const io: CliIO = { out: () => assert.fail('a stream is written to'), err: () => undefined, write: (t) => { pieces++; text += t; } };
    assert.equal(await parse.run([mbox, '--json'], io), 0);
    const doc = JSON.parse(text) as { messages: JsonMessage[] };
    const whole = readMail(readFileSync(mbox), { file: mbox });
    assert.equal(doc.messages.length, whole.messages.length);
    assert.deepEqual(doc.messages.map((m) => m.subject), whole.messages.map((m) => m.subject));
    assert.ok(doc.messages.length > 1 && pieces >= 1);
    // One message a line: the output of a large mbox does not double with indentation.
    assert.equal(text.split('\n').length, doc.messages.length + 5);
  });

  it('an unreadable file among several is refused before anything is written', async () => {
    let written = '';
    const io: CliIO = { out: (t) => { written += t; }, err: () => undefined, write: (t) => { written += t; } };
    await assert.rejects(parse.run([mbox, '/nonexistent/x.mbox', '--json'], io), UsageError);
    assert.equal(written, '');
  });
});

describe('dax-review parse on a large mbox, its messages read by worker threads', () => {
  const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

  it('writes the document the verb writes reading every message itself, byte for byte', async function () {
    // The built CLI has the workers' bundle beside it; run from the sources, the verb has none.
    if (!existsSync(join(cli, '..', 'parse-worker.js'))) this.skip();
    this.timeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), 'dax-parallel-'));
    try {
      const mails = [SEEDS, join(__dirname, '..', '..', 'fixtures', 'real-mail')]
        .flatMap((d) => readdirSync(d).filter((f) => !f.endsWith('.md')).map((f) => readFileSync(join(d, f), 'latin1')));
      // Past the size the workers take over; one message too long for a worker, written in order among theirs.
      const long = ['From: A <a@example.org>', 'Subject: [PATCH] long', '', '--- a/fs/dax.c', '+++ b/fs/dax.c',
        `@@ -1,1 +1,${SMALL_MESSAGE_LINES + 1} @@`, ' x();', ...Array.from({ length: SMALL_MESSAGE_LINES }, (_, k) => `+\ty${k}();`)].join('\n');
      const parts: string[] = [];
      let size = 0;
      for (let k = 0; size < PARALLEL_BYTES + (1 << 20); k++) {
        const body = k === 40 ? long : mails[k % mails.length];
        const part = `From mboxrd@z Thu Jan  1 00:00:00 1970\n${body.replace(/^(>*From )/gm, '>$1')}\n\n`;
        parts.push(part);
        size += part.length;
      }
      const file = join(dir, 'big.mbox');
      writeFileSync(file, parts.join(''), 'latin1');
      const workers = spawnSync(process.execPath, [cli, 'parse', file, '--json'], { maxBuffer: 1 << 30 });
      assert.equal(workers.status, 0, workers.stderr.toString());
      let text = '';
      const io: CliIO = { out: (t) => { text += t + '\n'; }, err: () => undefined, write: (t) => { text += t; } };
      assert.equal(await parse.run([file, '--json'], io), 0);
      assert.ok(workers.stdout.equals(Buffer.from(text, 'utf8')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('dax-review parse on an mbox with old Mac line ends', () => {
  it('reads it whole, lines cut at CR, rather than a message at a time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dax-cr-'));
    try {
      const file = join(dir, 'cr.mbox');
      writeFileSync(file, ['From a@b Thu Jan  1 00:00:00 1970', 'From: A <a@example.org>', 'Subject: [PATCH] x', '', 'diff --git a/fs/dax.c b/fs/dax.c',
        '--- a/fs/dax.c', '+++ b/fs/dax.c', '@@ -1,2 +1,2 @@', ' a();', '-b();', '+c();', ''].join('\r'));
      const r = await run([file, '--json']);
      const doc = JSON.parse(r.out) as { messages: JsonMessage[] };
      assert.equal(doc.messages.length, 1);
      assert.equal(doc.messages[0].files[0].hunks.length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
