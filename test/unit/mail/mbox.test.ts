// mbox and mboxrd: cutting at From_ lines, ">From " unescaping, streaming with line numbers.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { constants, gzipSync, gunzipSync } from 'node:zlib';
import { runInNewContext } from 'node:vm';
import { readMail, readMbox, type Message } from '../../../src/mail';

/** A real collection between samples, so the heap figure is what is live. */
function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const formatPatch = (n: number, body: string[]) => [
  `From 0123456789abcdef0123456789abcdef0123456${n} Mon Sep 17 00:00:00 2001`,
  'From: Ross Zwisler <ross.zwisler@linux.intel.com>',
  `Subject: [PATCH v5 ${n}/17] dax: part ${n}`,
  `Message-Id: <${n}@example.org>`,
  '',
  ...body,
  '',
];

async function collect(it: AsyncIterable<Message>): Promise<Message[]> {
  const out: Message[] = [];
  for await (const m of it) out.push(m);
  return out;
}

describe('mail: mbox', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(path.join(tmpdir(), 'dax-mbox-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const mbox = [...formatPatch(1, ['first', '>From the mboxo quoting', '>>From stays']), ...formatPatch(2, ['From a body line not a separator', 'second'])].join('\n') + '\n';

  it('git format-patch mbox: messages cut at From_ lines, mboxo unescaping one level', () => {
    const doc = readMail(mbox);
    assert.equal(doc.format, 'mbox');
    assert.equal(doc.messages.length, 2);
    const [a, b] = doc.messages;
    assert.equal(a.series?.index, 1);
    assert.deepEqual(a.body.map((l) => l.raw), ['first', 'From the mboxo quoting', '>>From stays']);
    assert.deepEqual([a.firstLine, a.lastLine, a.body[0].mailLine], [1, 8, 6]);
    assert.equal(b.firstLine, 10);
    assert.deepEqual(b.body.map((l) => [l.mailLine, l.raw]), [[15, 'From a body line not a separator'], [16, 'second']]);
    assert.equal(b.messageId, '2@example.org');
  });

  it('mboxrd (public-inbox): every >+From loses one ">"', () => {
    const rd = ['From mboxrd@z Thu Jan  1 00:00:00 1970', 'From: Jan Kara <jack@suse.cz>', 'Subject: Re: x', '', '>From here', '>>From there', '>>>From far', ''].join('\n');
    const doc = readMail(rd + '\n' + rd);
    assert.equal(doc.format, 'mboxrd');
    assert.equal(doc.messages.length, 2);
    assert.deepEqual(doc.messages[1].body.map((l) => l.raw), ['From here', '>From there', '>>From far']);
    assert.equal(doc.messages[1].body[0].mailLine, 13);
  });

  it('blank lines before the first From_ line are not a message', () => {
    const doc = readMail('\n\n' + mbox);
    assert.equal(doc.format, 'mbox');
    assert.equal(doc.messages.length, 2);
    assert.equal(doc.messages[0].firstLine, 3);
  });

  it('readMbox streams the same messages with the same lines as readMail', async () => {
    const file = path.join(dir, 'a.mbox');
    writeFileSync(file, mbox);
    const streamed = await collect(readMbox(file));
    assert.deepEqual(streamed, readMail(mbox).messages);
  });

  it('CRLF mbox: the same messages as the LF one, streamed or not', async () => {
    const file = path.join(dir, 'crlf.mbox');
    const crlf = mbox.replace(/\n/g, '\r\n');
    writeFileSync(file, crlf);
    const streamed = await collect(readMbox(file));
    const lf = readMail(mbox).messages;
    assert.deepEqual(streamed.map((m) => m.body), lf.map((m) => m.body));
    assert.deepEqual(readMail(crlf).messages.map((m) => m.headers), lf.map((m) => m.headers));
  });

  it('readMbox across chunk boundaries: many messages, line numbers exact', async () => {
    const file = path.join(dir, 'big.mbox');
    const lines: string[] = [];
    const starts: number[] = [];
    for (let n = 0; n < 400; n++) {
      starts.push(lines.length + 1);
      lines.push(...formatPatch(n, Array.from({ length: 200 }, (_, k) => `+\tline ${k} of message ${n}: ${'x'.repeat(n % 50)}`)));
    }
    writeFileSync(file, lines.join('\n') + '\n');
    const got = await collect(readMbox(file));
    assert.equal(got.length, 400);
    got.forEach((m, n) => {
      assert.equal(m.firstLine, starts[n]);
      assert.equal(m.body[0].raw, `+\tline 0 of message ${n}: ${'x'.repeat(n % 50)}`);
      assert.equal(lines[m.body[199].mailLine - 1], m.body[199].raw);
    });
  });

  it('readMbox of a file that does not end in a newline, and of an empty file', async () => {
    const file = path.join(dir, 'c.mbox');
    writeFileSync(file, mbox.trimEnd());
    const got = await collect(readMbox(file));
    assert.equal(got[1].body[got[1].body.length - 1].raw, 'second');
    writeFileSync(file, '');
    assert.deepEqual(await collect(readMbox(file)), []);
  });

  it('readMbox of 64 MB without a newline: one message, read in linear time', async function () {
    this.timeout(20000);
    const file = path.join(dir, 'noline.mbox');
    writeFileSync(file, Buffer.alloc(64 << 20, 0x61));
    const t0 = Date.now();
    const got = await collect(readMbox(file));
    assert.equal(got.length, 1);
    assert.equal(got[0].body[0].raw.length, 64 << 20, 'every byte kept');
    assert.ok(got[0].diagnostics.some((d) => d.line === 1 && d.severity === 'warning'));
    assert.ok(Date.now() - t0 < 15000, `${Date.now() - t0} ms`);
  });

  it('mbox.gz, whole or streamed; corrupt gzip is reported on the last message read', async () => {
    const file = path.join(dir, 'a.mbox.gz');
    const gz = gzipSync(Buffer.from(mbox));
    writeFileSync(file, gz);
    const plain = readMail(mbox).messages;
    assert.deepEqual(await collect(readMbox(file)), plain);
    assert.deepEqual(readMail(gz).messages, plain);
    const cut = gz.subarray(0, gz.length - 30);
    writeFileSync(file, cut);
    const streamed = await collect(readMbox(file));
    assert.ok(streamed.length >= 1);
    assert.ok(streamed[streamed.length - 1].diagnostics.some((d) => d.severity === 'error' && /gzip/.test(d.message)));
    const whole = readMail(cut);
    assert.ok(whole.diagnostics.some((d) => d.severity === 'error' && /gzip/.test(d.message)));
    assert.equal(whole.messages[0].body[0].raw, 'first');
  });

  it('gzip data cut short gives all it inflates to, however fast its messages are taken', async function () {
    this.timeout(30000);
    const file = path.join(dir, 'cut.mbox.gz');
    // More gzip data than one read of the file takes, so the inflating stream still holds some
    // when it fails; words that do not repeat, so it compresses as mail does.
    let word = 1;
    const next = (): string => (word = (word * 48271) % 2147483647).toString(36);
    const text = Array.from({ length: 1500 }, (_, n) => formatPatch(n, Array.from({ length: 120 }, (_, k) => `+\tline ${k} ${next()} ${next()}`)).join('\n')).join('\n');
    const cut = gzipSync(Buffer.from(text)).subarray(0, -30);
    writeFileSync(file, cut);
    const lines = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH }).toString('latin1').split('\n').length - 1;
    for (const pause of [false, true]) {
      let last: Message | null = null;
      // A reader that waits between messages, as one handing them to worker threads does.
      for await (const m of readMbox(file)) {
        last = m;
        if (pause) await new Promise((resolve) => setImmediate(resolve));
      }
      assert.ok(last?.diagnostics.some((d) => d.severity === 'error' && d.message.includes(`gzip data corrupt or truncated after line ${lines}:`)), `pause ${pause}`);
    }
  });

  it('readMbox memory stays near one message for a large file', async function () {
    this.timeout(20000);
    const file = path.join(dir, 'mem.mbox');
    const one = formatPatch(1, Array.from({ length: 500 }, (_, k) => `+\tsome patch line ${k} ${'y'.repeat(60)}`)).join('\n') + '\n';
    writeFileSync(file, one.repeat(Math.ceil((40 << 20) / one.length))); // 40 MB
    const gc = gcFunction();
    gc();
    const live = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const before = live();
    let peak = 0;
    let n = 0;
    for await (const m of readMbox(file)) {
      n++;
      if (m.body.length !== 500) throw new Error('bad message');
      if (n % 300 === 0) { gc(); peak = Math.max(peak, live() - before); }
    }
    assert.ok(n > 1000);
    assert.ok(peak < 8 << 20, `heap grew by ${peak} bytes for a 40 MB file`);
  });
});

describe('mail: a DAX series as public-inbox serves it (mboxrd fixture)', () => {
  const file = path.join(__dirname, '..', '..', 'fixtures', 'mail', 'dax-series.mboxrd');

  it('cover letter, quoted-printable patch, base64 attachment and a review, with their lines', async () => {
    const streamed = await collect(readMbox(file));
    const [cover, p1, p2, review] = streamed;
    assert.equal(streamed.length, 4);
    assert.deepEqual(streamed.map((m) => [m.series?.index ?? null, m.series?.total ?? null]), [[0, 2], [1, 2], [2, 2], [1, 2]]);
    assert.equal(cover.body.find((l) => l.raw.startsWith('From a quick'))?.mailLine, 11);
    assert.equal(cover.headers.find((h) => h.name === 'Cc')?.value, 'Ross Zwisler <ross.zwisler@linux.intel.com>, Dan Williams <dan.j.williams@intel.com>');
    assert.match(p1.body[1].raw, /Reported by Jérôme\.$/);
    const plus = p1.body.find((l) => l.raw.startsWith('+\t'));
    assert.deepEqual([plus?.mailLine, p1.body[p1.body.length - 1].raw], [40, ' \tret = 1;']);
    assert.deepEqual(p2.parts.map((p) => [p.contentType, p.inBody, p.filename]), [['text/plain', true, null], ['text/x-patch', true, '0002-dax-keep-entry-locked.patch']]);
    const locked = p2.body.find((l) => l.raw.includes('RADIX_DAX_ENTRY_LOCK'));
    assert.ok(locked && locked.mailLine > 60 && locked.mailLine < 76);
    assert.equal(review.inReplyTo, '1.dax-review@example.invalid');
    assert.deepEqual(review.references, ['cover.dax-review@example.invalid', '1.dax-review@example.invalid']);
    assert.deepEqual(review.speakers.map((s) => [s.depth, s.name]), [[0, 'Ross Zwisler'], [1, 'Jan Kara']]);
    assert.deepEqual(review.trailers.map((t) => [t.key, t.depth]), [['Reviewed-by', 0]]);
    assert.deepEqual(streamed, readMail(readFileSync(file)).messages);
  });
});
