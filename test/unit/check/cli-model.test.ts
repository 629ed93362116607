import { strict as assert } from 'node:assert';
import { model } from '../../../src/cli/model';
import { UsageError } from '../../../src/cli/verb';

async function run(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await model.run(args, { out: (t) => { out += t + '\n'; }, err: (t) => { out += t + '\n'; } });
  return { code, out };
}

describe('cli: model', function () {
  this.timeout(60_000);

  it('list names functions with their kernel version, variation points and scenarios', async () => {
    const r = await run('list');
    assert.equal(r.code, 0);
    assert.match(r.out, /grab_mapping_entry\(mapping, index, size_flag\)\s+\[v4\.10/);
    assert.match(r.out, /grab_mapping_entry\.downgrade_wake_all = true\s+\(true \| false\)/);
    assert.match(r.out, /^ {2}pmd-downgrade$/m);
    assert.match(r.out, /scenarios with a defect the version an era follows has \(fixed later\):\n {2}\S+/);
    const j = JSON.parse((await run('list', '--json')).out) as { scenarios: { name: string }[]; knownDefects: { name: string; expect: { kind: string } }[] };
    assert.ok(j.scenarios.some((s) => s.name === 'eexist-waiters'));
    assert.ok(j.knownDefects.length > 0 && j.knownDefects.every((s) => s.expect.kind));
    // A known-defect scenario runs like any other.
    const d = await run('run', j.knownDefects[0].name, '--first', '--json');
    assert.equal(d.code, 1, d.out.slice(0, 400));
  });

  it('run --json prints the verdict fields and exits 1 on a violation', async () => {
    const r = await run('run', 'enomem-downgrade', '--set', 'grab_mapping_entry.preload_fail=return', '--json');
    assert.equal(r.code, 1);
    const v = JSON.parse(r.out) as Record<string, unknown> & { violations: { kind: string; message: string; trace: { steps: Record<string, unknown>[] } }[] };
    assert.equal(v.verdict, 'violation');
    for (const k of ['states', 'transitions', 'ms']) assert.equal(typeof v[k], 'number', k);
    const x = v.violations.find((y) => y.kind === 'entry-left-locked');
    assert.ok(x && typeof x.message === 'string');
    for (const s of x.trace.steps) for (const k of ['thread', 'function', 'label', 'note']) assert.ok(k in s, k);
  });

  it('run in text prints the verdict, counts, reductions and swimlanes; exits 0 when clean', async () => {
    const bad = await run('run', 'eexist-waiters', '--set', 'eexist_put=false', '--width', '100');
    assert.equal(bad.code, 1);
    assert.match(bad.out, /scenario eexist-waiters: violation/);
    assert.match(bad.out, /\d+ states, \d+ transitions, [\d.]+ ms/);
    assert.match(bad.out, /reductions: .*sleep-sets/);
    assert.match(bad.out, /lost-wakeup: /);
    assert.match(bad.out, /T1: pte read fault 0x200 +T2: pmd read fault 0x200 +T3: pte read fault 0x200\n +-{24} +-{24}/);
    const ok = await run('run', 'eexist-waiters');
    assert.equal(ok.code, 0);
    assert.match(ok.out, /scenario eexist-waiters: ok/);
  });

  it('run --partial-order keeps fewer states of composed faults, with the same verdict, and a lost wakeup at its depth', async () => {
    const threads = 'dax-read@0x202,dax-read@0x203,dax-read@0x204,dax-read@0x202';
    const plain = JSON.parse((await run('run', 'pmd-downgrade', '--threads', threads, '--json')).out) as { verdict: string; states: number; reductions: string[] };
    const por = JSON.parse((await run('run', 'pmd-downgrade', '--threads', threads, '--partial-order', '--json')).out) as typeof plain;
    assert.equal(por.verdict, 'ok');
    assert.equal(plain.verdict, 'ok');
    assert.ok(por.reductions.includes('partial-order'), por.reductions.join(', '));
    assert.ok(por.states < plain.states, `${por.states} < ${plain.states}`);
    const wakeOne = ['run', 'pmd-downgrade', '--set', 'grab_mapping_entry.downgrade_wake_all=false', '--json'];
    type V = { violations: { kind: string; trace: { steps: unknown[] } }[] };
    const a = JSON.parse((await run(...wakeOne)).out) as V;
    const b = JSON.parse((await run(...wakeOne, '--partial-order')).out) as V;
    const lost = (v: V) => v.violations.find((x) => x.kind === 'lost-wakeup')?.trace.steps.length;
    assert.ok(lost(a) !== undefined);
    assert.equal(lost(b), lost(a));
  });

  it('a run cut short by its budget says bounded and exits 4', async () => {
    const r = await run('run', 'eexist-waiters', '--max-states', '50');
    assert.equal(r.code, 4);
    assert.match(r.out, /bounded \(states\): every interleaving of up to \d+ steps was covered/);
  });

  it('bad input names what exists', async () => {
    await assert.rejects(run('run', 'nope'), (e: Error) => e instanceof UsageError && /scenarios: pmd-downgrade, eexist-waiters/.test(e.message));
    await assert.rejects(run('run', 'pmd-downgrade', '--set', 'nope=1'), (e: Error) => e instanceof UsageError && /unknown variation point 'nope'; points: .*grab_mapping_entry\.downgrade_wake_all/.test(e.message));
    await assert.rejects(run('run', 'pmd-downgrade', '--set', 'downgrade_wake_all=maybe'), /takes true \| false, not 'maybe'/);
    await assert.rejects(run('run', 'pmd-downgrade', '--set', 'wake_all=true'), /ambiguous/);
    await assert.rejects(run('run', 'pmd-downgrade', '--max-states', 'x'), /positive integer/);
    await assert.rejects(run('run'), /needs a scenario/);
    await assert.rejects(run('frob'), /'list' or 'run'/);
  });
});
