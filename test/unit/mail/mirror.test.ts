// A local public-inbox git mirror (one message per commit, in the blob "m") and a maildir:
// the thread of a Message-ID is gathered across them, as lore's v2 layout stores it.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import { readMail } from '../../../src/mail/index';
import { mirrorGitDirs, readStore, threadMbox } from '../../../src/mail/mirror';
import { parse } from '../../../src/cli/parse';
import { check } from '../../../src/cli/check';
import { reviewReady } from '../../../src/review/index';
import { UsageError, type CliIO } from '../../../src/cli/verb';

const FIX = path.join(__dirname, '..', '..', 'fixtures');

/** The series fixture's messages, then an unrelated real message, as raw bytes. */
function messages(): Buffer[] {
  const series = fs.readFileSync(path.join(FIX, 'mail', 'dax-series.mboxrd'), 'latin1')
    .split(/^From mboxrd@z .*\n/m).filter((m) => m.trim() !== '')
    .map((m) => Buffer.from(m.replace(/^>(>*From )/gm, '$1'), 'latin1'));
  // A reply whose mailer kept In-Reply-To and dropped References: in the thread all the same.
  const bare = Buffer.from(['From: Lee Helper <lee.helper@example.org>', 'Subject: Re: [PATCH 2/2] dax: keep the entry locked',
    'Message-Id: <r2.dax-review@example.invalid>', 'In-Reply-To: <2.dax-review@example.invalid>', '', 'Looks fine.', ''].join('\n'));
  return [...series, fs.readFileSync(path.join(FIX, 'real-mail', '12_xas_set_err_fix_2020.eml')), bare];
}

/** A v2 inbox: epochs git/0.git and git/1.git, each message a commit of the file "m". */
async function v2Inbox(root: string, msgs: Buffer[]): Promise<void> {
  const half = Math.ceil(msgs.length / 2);
  for (const [epoch, part] of [msgs.slice(0, half), msgs.slice(half)].entries()) {
    const work = path.join(root, 'work', String(epoch));
    const gitdir = path.join(root, 'git', `${epoch}.git`);
    fs.mkdirSync(work, { recursive: true });
    await git.init({ fs, dir: work, gitdir });
    for (const [k, m] of part.entries()) {
      fs.writeFileSync(path.join(work, 'm'), m);
      await git.add({ fs, dir: work, gitdir, filepath: 'm' });
      await git.commit({ fs, dir: work, gitdir, message: `message ${k}`, author: { name: 'archiver', email: 'a@example.invalid', timestamp: 1_600_000_000 + k, timezoneOffset: 0 } });
    }
  }
}

async function run(args: string[]): Promise<string> {
  let out = '';
  const io: CliIO = { out: (t) => { out += t + '\n'; }, err: () => undefined, write: (t) => { out += t; } };
  assert.equal(await parse.run(args, io), 0);
  return out;
}

describe('mail: local mirrors and maildirs', function () {
  this.timeout(30_000);
  let root = '';
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dax-mirror-'));
    await v2Inbox(path.join(root, 'inbox'), messages());
    for (const [k, m] of messages().entries()) {
      fs.mkdirSync(path.join(root, 'maildir', k % 2 ? 'cur' : 'new'), { recursive: true });
      fs.writeFileSync(path.join(root, 'maildir', k % 2 ? 'cur' : 'new', `1600000000.${k}.host:2,S`), m);
    }
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('finds the epochs of a v2 inbox in order, and reads every message of each', async () => {
    const inbox = path.join(root, 'inbox');
    assert.deepEqual(mirrorGitDirs(inbox).map((d) => path.relative(inbox, d)), ['git/0.git', 'git/1.git']);
    const subjects: string[] = [];
    for await (const s of readStore(inbox)) subjects.push(readMail(s.bytes).messages[0].subject);
    assert.deepEqual(subjects, messages().map((m) => readMail(m).messages[0].subject));
  });

  it('gathers the thread of a Message-ID from the mirror, across epochs, and leaves other mail out', async () => {
    const t = await threadMbox(path.join(root, 'inbox'), '<2.dax-review@example.invalid>');
    assert.ok(t);
    const doc = readMail(t.mbox);
    assert.deepEqual(doc.messages.map((m) => m.messageId), ['cover.dax-review@example.invalid', '1.dax-review@example.invalid', '2.dax-review@example.invalid', 'r1.dax-review@example.invalid', 'r2.dax-review@example.invalid']);
    assert.equal(await threadMbox(path.join(root, 'inbox'), 'nobody@example.invalid'), null);
  });

  it('parse --mirror --thread prints the thread with its hunks; a maildir reads the same', async () => {
    for (const store of ['inbox', 'maildir']) {
      const j = JSON.parse(await run(['--mirror', path.join(root, store), '--thread', '1.dax-review@example.invalid', '--json'])) as { messages: { subject: string; files: { hunks: unknown[] }[] }[] };
      assert.equal(j.messages.length, 5, store);
      assert.ok(j.messages.some((m) => m.files.some((f) => f.hunks.length > 0)), store);
      assert.ok(!j.messages.some((m) => /xas_set_err/.test(m.subject)), store);
    }
  });

  it('check --mirror --thread reviews the thread as one mbox', async () => {
    await reviewReady();
    let out = '';
    const io: CliIO = { out: (t) => { out += t + '\n'; }, err: () => undefined, write: (t) => { out += t; } };
    const code = await check.run(['--mirror', path.join(root, 'inbox'), '--thread', '<2.dax-review@example.invalid>', '--no-simulate', '--format', 'json', '--fail-on', 'never'], io);
    assert.equal(code, 0);
    const j = JSON.parse(out) as { coverage: unknown[] };
    assert.ok(j.coverage.length >= 2, 'the hunks of both patches of the series');
  });

  it('a directory that is neither, or an unknown Message-ID, is a clear error', async () => {
    const io: CliIO = { out: () => undefined, err: () => undefined };
    await assert.rejects(parse.run(['--mirror', FIX, '--thread', 'x@y'], io), (e: unknown) => e instanceof UsageError && /neither a public-inbox git mirror/.test(e.message));
    await assert.rejects(parse.run(['--mirror', path.join(root, 'inbox'), '--thread', 'x@y'], io), (e: unknown) => e instanceof UsageError && /no message with Message-ID <x@y>/.test(e.message));
    await assert.rejects(parse.run(['--thread', 'x@y'], io), UsageError);
  });
});
