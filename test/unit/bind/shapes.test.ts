// Shapes of patch the old binding could not run, each a mail of its own (test/fixtures/shapes):
// the lowering runs them as written, and the review says what they do.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkMail, draftReply, reviewReady, type CheckResult } from '../../../src/review/index';

const dir = path.join(__dirname, '..', '..', 'fixtures', 'shapes');
const text = (f: string): string => readFileSync(path.join(dir, f), 'utf8');
const lineOf = (t: string, needle: string): number => t.split('\n').findIndex((l) => l.includes(needle)) + 1;

async function check(f: string): Promise<CheckResult & { text: string }> {
  const t = text(f);
  return { ...(await checkMail(t, { file: f })), text: t };
}

describe('bind: patch shapes run as written', function () {
  this.timeout(120_000);
  before(async () => { await reviewReady(); });

  it('a fix whose changed argument is on a continuation line: what it fixes, with the trace before it, every changed line run', async () => {
    const r = await check('fix-continuation-arg.patch');
    const fixed = r.findings.filter((f) => f.fixed);
    assert.equal(fixed.length, 1);
    assert.equal(fixed[0].severity, 'info');
    assert.equal(fixed[0].kind, 'lost-wakeup');
    assert.equal(fixed[0].simulation?.scenario, 'pmd-downgrade');
    assert.ok(fixed[0].trace && fixed[0].trace.steps.some((s) => /woke 1 of 2 waiters on 0x200/.test(s.note)), 'the trace is the code before the patch');
    assert.deepEqual(r.findings.filter((f) => f.severity !== 'info'), []);
    assert.equal(r.coverage[0].changed, 2);
    assert.equal(r.coverage[0].executed, 2);
    assert.equal(r.coverage[0].basis, 'explored');
    // The reply cites it under its line, with the interleaving it removes.
    const reply = draftReply(r.text, r).replace(/\s+/g, ' ');
    assert.ok(reply.indexOf('> - false);') < reply.indexOf('This patch fixes a lost wakeup in pmd-downgrade'));
    assert.match(reply, /Before this patch the model finds this interleaving \(pmd-downgrade\); with it, it finds none:/);
  });

  it('code moved into a new static helper the patch defines runs through the helper, and changes nothing', async () => {
    const r = await check('refactor-helper.patch');
    assert.deepEqual(r.findings.filter((f) => f.severity !== 'info').map((f) => f.rule), []);
    for (const c of r.coverage) assert.equal(c.executed, c.changed, `hunk ${c.hunk}: ${JSON.stringify(c.notExecuted)}`);
    const helper = r.coverage.flatMap((c) => c.functions ?? []).find((f) => f.name === 'dax_downgrade_pmd_entry');
    assert.equal(helper?.mode, 'interpreted');
    assert.ok(r.verdicts.length > 0 && r.verdicts.every((v) => /^no change/.test(v.summary)));
  });

  it('the same refactor waking one waiter: a lost wakeup on the helper\'s line, confirmed by simulation', async () => {
    const r = await check('refactor-helper-wake-one.patch');
    const wake = lineOf(r.text, '+\tdax_wake_mapping_entry_waiter(mapping, index, entry, false);');
    const f = r.findings.find((x) => x.kind === 'lost-wakeup' && x.severity === 'error');
    assert.ok(f, JSON.stringify(r.findings.map((x) => [x.rule, x.line, x.kind])));
    assert.equal(f.line, wake);
    assert.ok(f.evidence === 'simulation' || f.evidence === 'both');
    assert.equal(f.simulation?.scenario, 'pmd-downgrade');
    assert.ok(f.trace && f.trace.steps.length > 0);
  });

  it('dax_mapping(), WARN_ON_ONCE(), READ_ONCE(), rcu_read_lock() and unlikely() run', async () => {
    const r = await check('kernel-helpers.patch');
    const c = r.coverage[0];
    const added = ['WARN_ON_ONCE(!dax_mapping(mapping));', 'rcu_read_lock();', 'e = READ_ONCE(entry);', 'rcu_read_unlock();', 'if (unlikely(!radix_tree_exceptional_entry(e)))']
      .map((s) => lineOf(r.text, s));
    for (const l of added) assert.ok(!c.notExecuted.some((n) => n.mailLine === l), `line ${l} runs: ${JSON.stringify(c.notExecuted)}`);
    assert.ok(!c.notExecuted.some((n) => n.why === 'unknown-call'));
    assert.deepEqual(c.functions?.[0]?.choices ?? [], [], 'nothing is outside the model');
    assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), []);
  });

  it('a header-less fragment after an elision is placed in its function, rebuilt whole and run', async () => {
    const r = await check('headerless-fragment.txt');
    assert.equal(r.coverage.length, 2);
    const frag = r.coverage[1];
    assert.equal(frag.basis, 'explored');
    assert.equal(frag.executed, frag.changed);
    assert.equal(frag.functions?.[0]?.name, 'grab_mapping_entry');
    assert.equal(frag.functions?.[0]?.how, 'applied');
  });

  it('a call the model does not have is an assumption named in coverage, never a silent pass', async () => {
    const r = await check('unknown-call.patch');
    const choices = r.coverage.flatMap((c) => c.functions ?? []).flatMap((f) => f.choices ?? []).map((x) => x.c);
    assert.ok(choices.some((c) => /dax_count_unlock\(\) is outside the model: assumed to change nothing the model keeps/.test(c)), choices.join('\n'));
    assert.ok(choices.some((c) => /dax_entry_contended\(\) is outside the model: assumed to be 0 or 1/.test(c)), choices.join('\n'));
    for (const c of r.coverage) assert.equal(c.executed, c.changed, JSON.stringify(c.notExecuted));
    assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), []);
  });

  it('a hunk of a mail\'s second message gets the verdicts it gets alone (seed 000 after an unmodelled patch)', async () => {
    const seed = readFileSync(path.join(__dirname, '..', '..', '..', '..', 'shared', 'seeds',
      readdirSync(path.join(__dirname, '..', '..', '..', '..', 'shared', 'seeds')).find((f) => f.startsWith('000_'))!), 'utf8');
    const other = [
      'From dana.kernel@example.com Thu Jan 12 10:00:00 2017',
      'From: Dana Kernel <dana.kernel@example.com>',
      'Date: Thu, 12 Jan 2017 10:00:00 +0100',
      'Subject: [PATCH 1/2] xfs: say why writeback skipped a page',
      '',
      'Signed-off-by: Dana Kernel <dana.kernel@example.com>',
      '---',
      'diff --git a/fs/xfs/xfs_aops.c b/fs/xfs/xfs_aops.c',
      '--- a/fs/xfs/xfs_aops.c',
      '+++ b/fs/xfs/xfs_aops.c',
      '@@ -850,6 +850,7 @@ xfs_writepage_map(',
      ' \tif (!buffer_uptodate(bh))',
      ' \t\tgoto out;',
      '+\ttrace_xfs_writepage_skip(inode, offset);',
      ' \tcount++;',
      '',
      'From ross.zwisler@linux.intel.com Tue Oct 11 18:51:39 2016',
      'From: Ross Zwisler <ross.zwisler@linux.intel.com>',
      'Date: Tue, 11 Oct 2016 18:51:39 -0600',
      'Subject: Re: [PATCH v5 15/17] dax: add struct iomap based DAX PMD support',
      '',
      ...seed.split('\n').slice(5).map((l) => (/^From /.test(l) ? `>${l}` : l)),
    ].join('\n');
    const both = await checkMail(other, { file: 'two.mbox' });
    const alone = await checkMail(seed, { file: 'seed.txt' });
    const grab = (r: CheckResult): number => r.patches.flatMap((p) => p.files.flatMap((f) => f.hunks)).findIndex((h) => h.function === 'grab_mapping_entry');
    assert.equal(grab(both), grab(alone) + 1, 'the unmodelled hunk comes first');
    const summaries = (r: CheckResult, hunk: number) => r.verdicts.filter((v) => v.hunk === hunk).map((v) => v.summary);
    assert.deepEqual(summaries(both, grab(both)), summaries(alone, grab(alone)));
    assert.ok(summaries(alone, grab(alone)).includes('introduces a lost wakeup in pmd-downgrade'));
  });
});
