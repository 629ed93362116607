// Issue 20's faults, one regression test each: no crash, no hang, no stack overflow, no
// silent loss, no smuggled header, no terminal control passed through.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { checkMail, checkMailStatic, reviewReady } from '../../../src/review/index';
import { readMail, streamMail, loadMail } from '../../../src/mail/index';
import { gzipSync } from 'node:zlib';
import { parsePatchMail } from '../../../src/patch/index';
import { parseExpr, show, MAX_EXPR_NODES } from '../../../src/c/expr';
import { functionHeadName } from '../../../src/c/segment';
import { check } from '../../../src/cli/check';
import { parse } from '../../../src/cli/parse';
import { reply } from '../../../src/cli/reply';
import { jsonPieces, writeJson } from '../../../src/cli/json';
import { terminalIO, UsageError, type CliIO, type Verb } from '../../../src/cli/verb';
import * as C from '../../hostile/corpus';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'dax-hostile-'));
function file(name: string, content: string | Buffer): string {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
}

async function run(verb: Verb, args: string[], wrap = false): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const raw: CliIO = { out: (t) => { out += t + '\n'; }, err: (t) => { err += t + '\n'; } };
  try {
    const code = await verb.run(args, wrap ? terminalIO(raw) : raw);
    return { code, out, err };
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, out, err: err + e.message };
    throw e;
  }
}

function hunksOf(input: string | Buffer): number[] {
  return parsePatchMail(readMail(input)).flatMap((p) => p.files.flatMap((f) => f.hunks.map((h) => h.lines.length)));
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const t = performance.now();
  const value = f();
  return { value, ms: performance.now() - t };
}

describe('hostile mail: crashes, hangs and stack overflows', function () {
  this.timeout(60_000);
  before(async () => { await reviewReady(); });

  it('binds a point whose C names `*p` (a RegExp from mail text is escaped)', async () => {
    const r = checkMailStatic(C.regexpCrash());
    assert.ok(r.coverage.length > 0);
    const code = (await run(check, [file('crash.eml', C.regexpCrash()), '--no-simulate'])).code;
    assert.ok(code === 0 || code === 1, String(code));
  });

  it('reads a function head with a long unreadable tail in linear time', () => {
    const { value, ms } = timed(() => functionHeadName(`f(x) ${'a'.repeat(60)}(`));
    assert.equal(value, null);
    assert.ok(ms < 500, `${ms} ms`);
    const whole = timed(() => checkMailStatic(C.headHang(60)));
    assert.ok(whole.ms < 2000, `${whole.ms} ms`);
  });

  it('reads an assignment after many words in linear time', () => {
    const { ms } = timed(() => checkMailStatic(C.declHang(60)));
    assert.ok(ms < 2000, `${ms} ms`);
  });

  it('reads 10,000 nested parentheses and a 100,000-term expression without overflowing the stack', () => {
    const deep = parseExpr(`${'('.repeat(10_000)}x${')'.repeat(10_000)}`);
    assert.ok(show(deep).length < 10_000);
    const long = parseExpr(Array(100_000).fill('a').join(' + '));
    assert.ok(show(long).length < MAX_EXPR_NODES * 8);
    assert.ok(Array.isArray(checkMailStatic(C.nestedParens()).findings));
    assert.ok(Array.isArray(checkMailStatic(C.longExpression()).findings));
  });

  it('sets aside a function too long to read (100,000 lines: more than the VM takes) and says so on its mail line', async () => {
    const t = performance.now();
    const r = await checkMail(C.longFunction(), { simulate: true, verdicts: false });
    const d = r.diagnostics.find((x) => /grab_mapping_entry\(\) has 100004 lines, more than the 5000 the review reads: not analysed/.test(x.message));
    assert.ok(d, JSON.stringify(r.diagnostics));
    assert.equal(d.line, 9);
    assert.equal(r.coverage[0].executed, 0);
    const wide = await checkMail(C.longFunction(400, 100), { simulate: true, verdicts: false });
    assert.ok(wide.diagnostics.some((x) => /has \d+ characters, more than the 262144 the review reads/.test(x.message)));
    assert.ok(performance.now() - t < 20_000);
  });

  it('walks a function whose states grow with every statement within a bound (found by fuzzing: 6 s before)', () => {
    const mail = readFileSync(path.resolve(__dirname, '..', '..', 'fixtures', 'hostile', 'truncated-gzip-long-guards.mail'));
    const { value, ms } = timed(() => checkMailStatic(mail));
    assert.ok(value.coverage.length > 0);
    assert.ok(ms < 2500, `${ms} ms`);
  });

  it('writes JSON longer than the longest string V8 can hold, in pieces', () => {
    const big = 'x'.repeat(1 << 20);
    const value = { findings: Array(600).fill(big) };
    assert.throws(() => JSON.stringify(value, null, 2), RangeError);
    let total = 0;
    let longest = 0;
    writeJson({ out: () => assert.fail('out'), err: () => undefined, write: (t) => { total += t.length; longest = Math.max(longest, t.length); } }, value);
    assert.ok(total > 600 * (1 << 20));
    assert.ok(longest < 4 << 20);
  });

  it('writes JSON exactly as JSON.stringify(v, null, 2) does', () => {
    const v = { a: [1, 'x\u009b', { b: null, c: undefined, d: [] }, {}], e: { f: true }, g: new Date(0) };
    assert.equal([...jsonPieces(v)].join(''), JSON.stringify(v, null, 2));
  });

  it('refuses gzip data that inflates past the limit, naming the limit, without a throw', () => {
    const bomb = C.gzipBomb(640 * 1024 ** 2);
    const doc = readMail(bomb, { file: 'bomb.gz' });
    assert.deepEqual(parsePatchMail(doc).flatMap((p) => p.files), []);
    assert.match(doc.diagnostics[0].message, /inflates to more than \d+ bytes \(the inflate limit\): not read/);
    assert.equal(doc.diagnostics[0].line, 1);
  });
});

describe('hostile mail: one reader, nothing dropped', function () {
  this.timeout(60_000);
  before(async () => { await reviewReady(); });

  it('keeps both hunks of CR-only, UTF-16 (both byte orders) and stray-base64 mail, and says what it did', () => {
    assert.deepEqual(hunksOf(C.example()), [36, 7]);
    for (const input of [C.crOnly(), C.utf16(), C.utf16(false), Buffer.from(C.strayBase64())]) {
      assert.deepEqual(hunksOf(input), [36, 7]);
      const doc = readMail(input);
      assert.ok([...doc.diagnostics, ...doc.messages.flatMap((m) => m.diagnostics)].some((d) => d.severity === 'warning'));
    }
  });

  it('check reads .mbox.gz and Latin-1 as parse does, and shows the reading warnings', async () => {
    const gz = file('latin1.mbox.gz', C.latin1Gzip());
    const j = JSON.parse((await run(check, [gz, '--no-simulate', '--format', 'json'])).out);
    assert.equal(j.coverage.length, 2);
    const r = await run(reply, [gz, '--no-simulate']);
    assert.match(r.out, /J\u00f6rg Reviewer/);
    const cr = await run(check, [file('cr.mbox', C.crOnly()), '--no-simulate']);
    assert.match(cr.err, /cr\.mbox:1: warning: 89 lines end in CR alone/);
  });

  it('a large mbox is read message by message with the same findings, lines and limits as read whole', async () => {
    const mbox = file('stream.mbox', Buffer.concat([C.bigMbox(1), Buffer.from(readFileSync(path.resolve(__dirname, '..', '..', 'fixtures', 'review', '000-fixed.txt'), 'latin1').replace(/^(?!From )/, 'From x@y Tue Oct 11 18:51:39 2016\n').replace(/\n*$/, '\n\n'), 'latin1'), C.bigMbox(1)]));
    const whole = await checkMail(await loadMail(mbox), { file: mbox, simulate: false });
    const found: string[] = [];
    let docs = 0;
    for await (const doc of streamMail(mbox, undefined, 0)) {
      docs++;
      found.push(...(await checkMail(doc, { file: mbox, simulate: false })).findings.map((f) => `${f.line} ${f.rule}`));
    }
    assert.equal(docs, 3);
    assert.deepEqual(found, whole.findings.map((f) => `${f.line} ${f.rule}`));
    const gz = file('stream.mbox.gz', gzipSync(readFileSync(mbox)));
    const limited = [];
    for await (const doc of streamMail(gz, { maxBytes: 1 << 20, maxInflateRatio: 1.2 }, 0)) limited.push(doc);
    const said = limited.flatMap((d) => [...d.diagnostics, ...d.messages.flatMap((m) => m.diagnostics)]).map((d) => d.message).join('\n');
    assert.match(said, /more than \d+ bytes \((the input size|the inflate) limit\)/);
  });

  it('check exits 2 on a mail without hunks', async () => {
    assert.equal((await run(check, [file('none.eml', C.noHunks()), '--no-simulate'])).code, 2);
  });

  it('refuses what is not a regular file, and files over the size limit, with exit 2', async () => {
    assert.match((await run(check, ['/dev/zero'])).err, /cannot read \/dev\/zero: is a character device; only regular files are read/);
    const fifo = path.join(tmp, 'fifo');
    if (spawnSync('mkfifo', [fifo]).status === 0) {
      assert.match((await run(parse, [fifo])).err, /is a FIFO/);
    }
    const big = file('big.mbox', C.bigMbox(3 * 1024 * 1024));
    const r = await run(check, [big, '--no-simulate', '--max-input-mb', '1']);
    assert.equal(r.code, 2);
    assert.match(r.err, /more than 1048576 bytes \(the input size limit\)/);
    const gz = file('bomb.gz', C.gzipBomb(256 * 1024 ** 2));
    const b = await run(check, [gz, '--no-simulate']);
    assert.equal(b.code, 2);
    assert.match(b.err, /bomb\.gz:1: error: gzip data of \d+ bytes inflates to more than \d+ bytes/);
  });
});

describe('hostile mail: headers and terminals', function () {
  this.timeout(60_000);
  before(async () => { await reviewReady(); });

  it('reply writes no header the mail smuggled in through Subject, From or Cc (Q and B encodings)', async () => {
    const r = await run(reply, [file('inject.mbox', C.headerInjection()), '--no-simulate']);
    assert.equal(r.code, 0, r.err);
    const head = r.out.slice(0, r.out.indexOf('\n\n')).split('\n');
    assert.ok(head.every((l) => /^(To|Cc|Subject|In-Reply-To|References): /.test(l)), head.join('\n'));
    assert.ok(!/\r/.test(r.out));
    assert.match(head.join('\n'), /Subject: Re: \[PATCH 2\/3\] dax: foo Bcc: victim@evil\.example/);
    const doc = readMail(C.headerInjection());
    for (const h of doc.messages[0].headers) assert.ok(!/[\x00-\x1f\x7f-\x9f]/.test(h.value), h.value);
  });

  it('parse, check and reply show terminal controls from the mail escaped', async () => {
    const f = file('term.mbox', C.terminalEscapes());
    for (const [verb, args] of [[parse, [f]], [parse, [f, '--json']], [check, [f, '--no-simulate']], [reply, [f, '--no-simulate']]] as [Verb, string[]][]) {
      const r = await run(verb, args, true);
      assert.ok(!/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(r.out + r.err), `${verb.name} ${args.join(' ')}`);
    }
    // Header values lose their controls when read; other text shows them escaped.
    const p = await run(parse, [f], true);
    assert.match(p.out, /\]8;;https:\/\/evil\.examplelink\]8;; \[2J\[H/);
    let shown = '';
    terminalIO({ out: (t) => { shown += t; }, err: () => undefined }).out('a\x1b]52;c;ZXZpbA==\x07\u009b2J\u202eb\tc');
    assert.equal(shown, 'a\\u001b]52;c;ZXZpbA==\\u0007\\u009b2J\\u202eb\tc');
  });

  it('simulate --json | head ends quietly: no EPIPE trace', () => {
    const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
    const r = spawnSync('bash', ['-c', `node ${JSON.stringify(cli)} simulate ${JSON.stringify(C.EXAMPLE)} --hunk 0 --json | head -c 10`], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.stdout.length, 10);
    assert.doesNotMatch(r.stderr, /EPIPE|internal error/);
  });
});
