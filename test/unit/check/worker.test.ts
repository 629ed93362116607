import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { runInWorker, handleRequest } from '../../../src/check/run';
import type { WorkerReply } from '../../../src/check/types';
import * as toys from './toys';

const workerPath = path.join(__dirname, 'toy-worker.ts');
const execArgv = ['--require', 'tsx/cjs'];

describe('check/run', () => {
  it('handleRequest posts progress and a serialisable verdict', () => {
    const replies: WorkerReply[] = [];
    handleRequest({ id: 7, scenario: 'x', budget: { maxStates: 1e6, maxMs: 5000 } }, () => toys.downgrade(false), (m) => replies.push(structuredClone(m)));
    const last = replies.at(-1)!;
    assert.equal(last.type, 'verdict');
    assert.equal(last.id, 7);
    if (last.type === 'verdict') assert.equal(last.verdict.violations[0].kind, 'lost-wakeup');
  });

  it('handleRequest reports a bad scenario as an error message', () => {
    const replies: WorkerReply[] = [];
    handleRequest({ scenario: 'nope', budget: { maxStates: 10, maxMs: 10 } }, () => { throw new Error('unknown scenario nope'); }, (m) => replies.push(m));
    assert.deepEqual(replies, [{ type: 'error', id: undefined, message: 'unknown scenario nope' }]);
  });

  it('runInWorker runs a search off-thread', async () => {
    const v = await runInWorker({ scenario: 'downgrade', points: { wake_all: false }, budget: { maxStates: 1e6, maxMs: 10_000 } }, { workerPath, execArgv });
    assert.equal(v.verdict, 'violation');
    assert.equal(v.violations[0].kind, 'lost-wakeup');
    const ok = await runInWorker({ scenario: 'downgrade', points: { wake_all: true }, budget: { maxStates: 1e6, maxMs: 10_000 } }, { workerPath, execArgv });
    assert.equal(ok.verdict, 'ok');
  });

  it('runInWorker rejects an unknown scenario with the worker\'s message', async () => {
    await assert.rejects(runInWorker({ scenario: 'nope', budget: { maxStates: 10, maxMs: 10 } }, { workerPath, execArgv }), /unknown scenario 'nope'; scenarios: downgrade, counters/);
  });

  it('cancelling a long search answers bounded/cancelled, with progress on the way', async () => {
    const ac = new AbortController();
    const progress: number[] = [];
    const started = Date.now();
    const p = runInWorker({ scenario: 'counters', points: { n: 8, k: 8 }, budget: { maxStates: 1e9, maxMs: 60_000 } }, {
      workerPath, execArgv, signal: ac.signal,
      onProgress: (pr) => { progress.push(pr.states); if (progress.length === 2) ac.abort(); },
    });
    const v = await p;
    assert.equal(v.verdict, 'bounded');
    assert.equal(v.covered?.reason, 'cancelled');
    assert.ok(progress.length >= 2);
    assert.ok(Date.now() - started < 10_000);
  });
});
