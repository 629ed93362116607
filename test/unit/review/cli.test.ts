// The check, simulate, reply and demo verbs, run in-process with captured output.
import { strict as assert } from 'node:assert';
import { check } from '../../../src/cli/check';
import { simulate } from '../../../src/cli/simulate';
import { reply } from '../../../src/cli/reply';
import { exampleMail } from '../../../src/cli/demo';
import { UsageError, type Verb } from '../../../src/cli/verb';
import { reviewReady } from '../../../src/review/index';
import { seed, fixture, lineOf } from './support';

async function run(verb: Verb, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await verb.run(args, { out: (t) => { out += t + '\n'; }, err: (t) => { err += t + '\n'; } });
  return { code, out, err };
}

async function usage(verb: Verb, args: string[]): Promise<string> {
  try {
    await verb.run(args, { out: () => undefined, err: () => undefined });
  } catch (e) {
    assert.ok(e instanceof UsageError, String(e));
    return e.message;
  }
  throw new Error('expected a usage error');
}

describe('cli: check', function () {
  this.timeout(60_000);
  before(async () => { await reviewReady(); });
  const s = seed('000');

  it('prints GCC-style findings; severity follows evidence: static alone a warning, confirmed by simulation an error', async () => {
    const file = s.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const line = lineOf(s.text, 'goto out_unlock;');
    const alone = await run(check, [s.file, '--no-simulate']);
    assert.equal(alone.code, 0, 'nothing reaches --fail-on error without a simulation');
    assert.match(alone.out, new RegExp(`^${file}:${line - 1}: warning: .* \\(static\\) \\[dax/get-unlocked-put\\]$`, 'm'));
    assert.match(alone.out, /4 findings; the model runs \d+ of \d+ changed lines/);
    assert.equal((await run(check, [s.file, '--no-simulate', '--fail-on', 'warning'])).code, 1);
    const simulated = await run(check, [s.file]);
    assert.equal(simulated.code, 1);
    assert.match(simulated.out, new RegExp(`^${file}:${line - 1}: error: .* \\(confirmed by simulation: [a-z0-9-]+\\) \\[dax/get-unlocked-put\\]$`, 'm'));
  });

  it('--fail-on never exits 0; a clean mail exits 0 at the default level', async () => {
    assert.equal((await run(check, [s.file, '--no-simulate', '--fail-on', 'never'])).code, 0);
    const clean = fixture('review/000-fixed-all.txt');
    assert.equal((await run(check, [clean.file, '--no-simulate'])).code, 0);
  });

  it('json carries the contract fields; sarif is a 2.1.0 log with one result per finding', async () => {
    const j = JSON.parse((await run(check, [s.file, '--no-simulate', '--format', 'json'])).out);
    assert.equal(j.findings.length, 4);
    for (const f of j.findings) {
      for (const k of ['rule', 'kind', 'severity', 'message', 'file', 'line', 'endLine', 'hunk', 'evidence']) assert.ok(k in f, k);
      assert.deepEqual(Object.keys(f.hunk).sort(), ['file', 'function', 'id']);
    }
    assert.ok(Array.isArray(j.coverage) && j.coverage.length > 0);
    const sarif = JSON.parse((await run(check, [s.file, '--no-simulate', '--format=sarif'])).out);
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs[0].tool.driver.name, 'dax-review');
    assert.equal(sarif.runs[0].results.length, 4);
    const res = sarif.runs[0].results[0];
    assert.equal(res.level, 'warning');
    assert.ok(j.findings.every((f: { basis: string; message: string }) => f.basis === 'static' && f.message.endsWith('(static)')));
    assert.equal(res.locations[0].physicalLocation.region.startLine, j.findings[0].line);
    assert.equal(sarif.runs[0].tool.driver.rules[res.ruleIndex].id, res.ruleId);
  });

  it('unusable input and bad options exit 2 with a message', async () => {
    assert.match(await usage(check, ['/nonexistent/mail.txt']), /cannot read \/nonexistent\/mail.txt: no such file/);
    assert.match(await usage(check, [s.file, '--format', 'xml']), /--format must be text, json or sarif/);
    assert.match(await usage(check, [s.file, '--fail-on', 'sometimes']), /--fail-on must be error, warning or never/);
    assert.match(await usage(check, [s.file, '--tree', '/nonexistent']), /--tree \/nonexistent: not a directory/);
    assert.match(await usage(check, []), /no FILE given/);
    assert.match(await usage(check, [s.file, '--frobnicate']), /unknown option --frobnicate/);
  });

  it('says when a mail holds no patch, and exits 2 as the README says', async () => {
    const r = await run(check, [seed('002').file, '--no-simulate']);
    assert.equal(r.code, 2);
    assert.match(r.err, /no patch hunks found/);
  });
});

describe('cli: simulate, reply, demo', function () {
  this.timeout(120_000);
  before(async () => { await reviewReady(); });

  it('simulate prints pre and post verdicts with the trace, and JSON with the coverage', async () => {
    const ex = exampleMail();
    const r = await run(simulate, [ex, '--hunk', '0', '--scenario', 'enomem-downgrade']);
    assert.equal(r.code, 0);
    assert.match(r.out, /scenario enomem-downgrade: introduces an entry left locked in enomem-downgrade/);
    assert.match(r.out, /pre : ok, \d+ states/);
    assert.match(r.out, /post: violation \(entry-left-locked\)/);
    const j = JSON.parse((await run(simulate, [ex, '--hunk', '0', '--scenario', 'enomem-downgrade', '--json'])).out);
    assert.equal(j.verdicts[0].post.verdict, 'violation');
    assert.ok(j.verdicts[0].post.violations[0].trace.steps.length > 0);
    assert.equal(j.coverage.hunk, 0);
    assert.equal(j.points.post.find((p: { point: string }) => p.point === 'preload_fail').value, 'return');
  });

  it('simulate rejects what it cannot run', async () => {
    const ex = exampleMail();
    assert.match(await usage(simulate, [ex]), /--hunk N is required/);
    assert.match(await usage(simulate, [ex, '--hunk', '7']), /has 2 hunks \(0\.\.1\); no hunk 7/);
    assert.match(await usage(simulate, [ex, '--hunk', '0', '--scenario', 'no-such']), /unknown scenario 'no-such'/);
    assert.match(await usage(simulate, [ex, '--hunk', '0', '--without', 'x']), /--without takes a mail line number/);
  });

  it('reply is ready for git send-email', async () => {
    const r = await run(reply, [exampleMail()]);
    // To the patch's author, everyone else on Cc.
    assert.match(r.out, /^To: Sam Developer <sam.developer@example.com>$/m);
    assert.match(r.out, /^Cc: Alex Reviewer <alex.reviewer@example.org>, linux-nvdimm@lists.01.org, linux-fsdevel@vger.kernel.org, Jan Kara <jack@suse.cz>, Ross Zwisler <ross.zwisler@linux.intel.com>$/m);
    assert.match(r.out, /^Sam Developer wrote:$/m);
    assert.match(r.out, /^Subject: Re: \[PATCH 2\/3\] dax: unmap the huge zero page only once the radix tree preload succeeded$/m);
    assert.match(r.out, /^In-Reply-To: <20170307091245.GA4021@reviewer.example.org>$/m);
    assert.match(r.out, /^References: <1488812345-2718-1-git-send-email-sam.developer@example.com> .*<20170307091245.GA4021@reviewer.example.org>$/m);
    assert.match(r.out, /^> \+\t+return ERR_PTR\(err\);\n\nThe radix tree entry locked by lock_slot\(\)/m);
  });
});

describe('review: kernel-tree mode', function () {
  this.timeout(60_000);
  before(async () => { await reviewReady(); });

  it('sees the whole function from the tree: the early return also leaves tree_lock held', async () => {
    const mail = fixture('review/tree-early-return.mbox');
    const tree = fixture('review/tree/fs/dax.c').file.replace(/\/fs\/dax\.c$/, '');
    const alone = await run(check, [mail.file, '--no-simulate', '--format', 'json']);
    assert.deepEqual(JSON.parse(alone.out).findings.map((f: { rule: string }) => f.rule), ['dax/get-unlocked-put']);
    const whole = await run(check, [mail.file, '--no-simulate', '--format', 'json', '--tree', tree]);
    assert.deepEqual(JSON.parse(whole.out).findings.map((f: { rule: string }) => f.rule).sort(), ['dax/get-unlocked-put', 'lock/spin-balance']);
    const ret = lineOf(mail.text, '+\t\treturn -EBUSY;');
    assert.ok(JSON.parse(whole.out).findings.every((f: { line: number }) => f.line === ret));
  });
});
