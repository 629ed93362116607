// The analysis worker as the language server drives it: dist/analysis.js started as a
// worker_thread, answering reads, and a heavy job cancelled by terminating its worker.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { AnalysisClient, Cancelled } from '../../../src/editor/client';

const root = path.join(__dirname, '..', '..', '..');
const seeds = path.join(root, 'test', 'fixtures', 'seeds');
const seed000 = readFileSync(path.join(seeds, readdirSync(seeds).find((f) => f.startsWith('000_'))!), 'utf8');

describe('editor: the analysis worker', function () {
  this.timeout(60000);
  let dir = '';
  let client: AnalysisClient;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dax-client-'));
    await esbuild.build({
      entryPoints: [path.join(root, 'src/editor/worker.ts')], outfile: path.join(dir, 'analysis.js'),
      bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'], logLevel: 'warning',
      loader: { '.c': 'text', '.h': 'text' },
    });
    const req = createRequire(__filename);
    copyFileSync(req.resolve('web-tree-sitter/web-tree-sitter.wasm'), path.join(dir, 'web-tree-sitter.wasm'));
    copyFileSync(req.resolve('tree-sitter-c/tree-sitter-c.wasm'), path.join(dir, 'tree-sitter-c.wasm'));
    client = new AnalysisClient(dir);
  });

  after(async () => {
    await client?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads a mail into an outline with findings placed on its hunks', async () => {
    const a = await client.ask({ op: 'analyse', args: { text: seed000, file: 'seed-000.txt', rules: [] } });
    assert.ok(a.review, 'the review stage answered');
    const hunks = a.outline.messages.flatMap((m) => m.files.flatMap((f) => f.hunks));
    assert.ok(hunks.some((h) => h.function === 'grab_mapping_entry'));
    for (const f of a.review.findings) {
      assert.ok(hunks.some((h) => f.line >= h.mailLines[0] && f.line <= h.mailLines[1]), `finding on line ${f.line} is inside a hunk`);
    }
    const none = await client.ask({ op: 'analyse', args: { text: seed000, file: null, rules: null } });
    assert.equal(none.review?.findings.length, 0, 'no rules as you type: no findings');
  });

  it('makes the worker ready before the first mail when asked', async () => {
    assert.equal(await client.ask({ op: 'warm', args: {} }), null);
  });

  it('says which hunk it cannot find', async () => {
    await assert.rejects(client.ask({ op: 'scenarios', args: { text: seed000, file: null, key: { message: 0, hunk: 999 } } }), /No hunk 1000 in message 1/);
  });

  it('a simulation says which era and version of fs/dax.c it ran the hunk against', async () => {
    const mail = readFileSync(path.join(root, 'test', 'fixtures', 'eras', 'xarray-invalidate-wake.patch'), 'utf8');
    const a = await client.ask({ op: 'analyse', args: { text: mail, file: null, rules: [] } });
    const h = a.outline.messages[0].files.flatMap((f) => f.hunks)[0];
    const job = client.job({
      op: 'simulate',
      args: { text: mail, file: null, key: { message: h.message, hunk: h.hunk }, scenario: 'xa-invalidate-waiters', without: null, tree: null, budget: { maxStates: 200000, maxMs: 30000 } },
    }, () => undefined);
    const sim = await job.result;
    assert.equal(sim.era, 'XArray v6.12');
    assert.ok(sim.verdicts.some((v) => v.pre?.verdict === 'violation' && v.post.verdict === 'ok'), 'the fix shows');
  });

  it('runs the next job in the worker a finished job left, warm, and a job after a cancelled one in a new worker', async () => {
    const a = await client.ask({ op: 'analyse', args: { text: seed000, file: null, rules: [] } });
    const hunks = a.outline.messages[0].files.flatMap((f) => f.hunks);
    const simulate = (hunk: number, budget = { maxStates: 200000, maxMs: 30000 }) => client.job({
      op: 'simulate', args: { text: seed000, file: null, key: { message: 0, hunk }, scenario: null, without: null, tree: null, budget },
    }, () => undefined);
    await simulate(hunks[0].hunk).result;
    const before = AnalysisClient.started();
    const second = await simulate(hunks[1].hunk).result;
    assert.ok(second.verdicts.length > 0);
    assert.equal(AnalysisClient.started(), before, 'no worker started for the second job');
    const big = simulate(hunks[0].hunk, { maxStates: 1e9, maxMs: 600000 });
    big.cancel();
    await assert.rejects(big.result, (e) => e instanceof Cancelled);
    await simulate(hunks[1].hunk).result;
    assert.equal(AnalysisClient.started(), before + 1, 'the cancelled job\'s worker was ended: the next starts one');
  });

  it('cancels a simulation by ending its worker, at once', async () => {
    const a = await client.ask({ op: 'analyse', args: { text: seed000, file: null, rules: [] } });
    const h = a.outline.messages[0].files.flatMap((f) => f.hunks).find((x) => x.function === 'grab_mapping_entry')!;
    const job = client.job({
      op: 'simulate',
      args: { text: seed000, file: null, key: { message: h.message, hunk: h.hunk }, scenario: null, without: null, tree: null, budget: { maxStates: 1e9, maxMs: 600000 } },
    }, () => undefined);
    setTimeout(() => job.cancel(), 300);
    const t0 = Date.now();
    await assert.rejects(job.result, (e) => e instanceof Cancelled);
    assert.ok(Date.now() - t0 < 5000, `cancel took ${Date.now() - t0} ms`);
    // The worker that serves typing is untouched.
    const again = await client.ask({ op: 'analyse', args: { text: seed000, file: null, rules: [] } });
    assert.ok(again.review);
  });
});
