// A mail that discusses code without patching it (seed 002, a design discussion): the kernel
// functions its prose names that the model runs are pointed out on the lines naming them, with
// the scenarios that run them, and `simulate FILE --scenario S` runs one by name.
import { strict as assert } from 'node:assert';
import { checkMail, reviewReady } from '../../../src/review/index';
import { simulate } from '../../../src/cli/simulate';
import type { Verb } from '../../../src/cli/verb';
import { seed } from './support';

async function run(verb: Verb, args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await verb.run(args, { out: (t) => { out += t + '\n'; }, err: () => undefined });
  return { code, out };
}

describe('review: kernel functions a message names in its prose', function () {
  this.timeout(120_000);
  before(async () => { await reviewReady(); });
  const s = seed('002');

  it('seed 002: each modelled function its prose names, on the line that first names it, with the scenarios that run it', async () => {
    const r = await checkMail(s.text, { file: s.file });
    const notes = r.diagnostics.filter((d) => /is (in the model|called by the model's C)/.test(d.message));
    const named = notes.map((d) => /(\w+)\(\)/.exec(d.message)![1]).sort();
    assert.deepEqual(named, ['__dax_invalidate_entry', 'dax_delete_mapping_entry', 'dax_insert_entry', 'memory_failure', 'vmf_insert_mixed', 'xfs_break_dax_layouts']);
    assert.match(notes.find((d) => d.message.startsWith('vmf_insert_mixed()'))!.message, /is called by the model's C/, 'a kernel API the model\'s C calls is said to be one');
    for (const d of notes) {
      const fn = /(\w+)\(\)/.exec(d.message)![1];
      const line = s.text.split('\n')[d.line - 1];
      const phrase = /^"([^"]+)" is /.exec(d.message)?.[1];
      assert.ok(line.includes(fn) || line.includes(fn.replace(/_/g, '-')) || (phrase && line.includes(phrase)), `${fn} stands on line ${d.line}, as written, hyphenated or in words`);
      assert.match(d.message, /\(XArray v6\.12\+zap\): \d+ scenarios? run it \(xa-[\w-]+/,
        'the era the prose speaks of (XArray identifiers) first, the version whose own words it uses (DAX_ZAP) before the others');
      assert.match(d.message, /dax-review simulate .* --scenario xa-[\w-]+$/);
    }
  });

  it('offers seed 002\'s life cycle first for the functions it runs and the prose names most of', async () => {
    const r = await checkMail(s.text, { file: s.file });
    const first = (fn: string) => /run it \(([\w-]+)/.exec(r.diagnostics.find((d) => d.message.startsWith(`${fn}()`))!.message)![1];
    assert.equal(first('__dax_invalidate_entry'), 'xa-zap-lifecycle');
    assert.equal(first('memory_failure'), 'xa-zap-lifecycle');
  });

  it('knows a modelled function by the words prose names it with, and by its hyphenated name', async () => {
    const mail = [
      'From: A Reviewer <a@example.org>', 'Subject: Re: [RFC] entry waiters', 'Date: Mon, 3 Mar 2025 10:00:00 +0000', '',
      'When grab mapping entry downgrades the PMD, who wakes the waiters?', '',
      'And memory-failure takes the lock too, so the scan must wait.', '',
    ].join('\n');
    const r = await checkMail(mail, { file: null });
    const notes = r.diagnostics.filter((d) => /scenarios? run it/.test(d.message));
    assert.deepEqual(notes.map((d) => [d.line, /(\w+)\(\)/.exec(d.message)![1]]), [[5, 'grab_mapping_entry'], [7, 'memory_failure']]);
    assert.match(notes[0].message, /^"grab mapping entry" is grab_mapping_entry\(\), which is in the model/);
  });

  it('a mail whose every message has hunks gets no such notes', async () => {
    const r = await checkMail(seed('000').text, { file: seed('000').file });
    assert.deepEqual(r.diagnostics.filter((d) => /is (in the model|called by the model's C)/.test(d.message)), []);
  });

  it('simulate FILE --scenario S runs the model\'s scenario and says which of the named functions it runs', async () => {
    const r = await run(simulate, [s.file, '--scenario', 'xa-page-lifecycle']);
    assert.match(r.out, /^scenario xa-page-lifecycle \(the model's XArray v5\.12\): runs memory_failure\(\), dax_delete_mapping_entry\(\), __dax_invalidate_entry\(\), which the mail names/);
    assert.match(r.out, /use-after-free: the block of 0x203 is freed while get_user_pages\(\) holds its DAX page/);
    assert.equal(r.code, 1);
    const life = await run(simulate, [s.file, '--scenario', 'xa-zap-lifecycle']);
    assert.match(life.out, /^scenario xa-zap-lifecycle \(the model's XArray v6\.12\+zap\): runs .*memory_failure\(\).*, which the mail names/);
    assert.match(life.out, /: ok/);
    assert.equal(life.code, 0);
  });
});
