// The language server's custom requests as the VS Code extension asks them (src/editor/remote.ts),
// over a vscode-jsonrpc connection to `dax-review lsp`: the server's own read of an open mail,
// a large mailbox's analysis in partial results, jobs with progress, a job cancelled, lenses
// for the messages in view, and bad requests answered with errors.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ProgressType, type CancellationToken } from 'vscode-jsonrpc/node';
import { Cancelled, JobError } from '../../../src/editor/errors';
import { BATCH } from '../../../src/editor/core';
import { RemoteAnalysis, type ServerConnection } from '../../../src/editor/remote';
import { PartStore } from '../../../src/editor/parts';
import { isDelta, type AnalyseAnswer, type DocumentAnalysis, type DocumentDelta } from '../../../src/editor/protocol';
import { hunks } from '../../../src/editor/view';
import { mailbox } from '../../support/mailbox';
import { bundleServer, fileUri, removeBundle, startServer, type Server } from '../../support/lsp';

const root = path.join(__dirname, '..', '..', '..');
const seeds = path.join(root, 'test', 'fixtures', 'seeds');
const seed000 = path.join(seeds, readdirSync(seeds).find((f) => f.startsWith('000_'))!);

interface Lens { range: { start: { line: number } }; command?: { title: string; command: string; arguments?: unknown[] } }

describe('lsp: the custom requests, as the extension asks them', function () {
  this.timeout(120000);
  let dir = '';
  let server: Server;
  let remote: RemoteAnalysis;
  let refreshes = 0;
  const published = new Map<string, { source?: string; message: string }[]>();

  function open(uri: string, text: string): void {
    void server.rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dax-patch-mail', version: 1, text } });
  }

  before(async () => {
    dir = await bundleServer();
    server = startServer(dir);
    server.rpc.onRequest('workspace/codeLens/refresh', () => { refreshes++; return null; });
    server.rpc.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: { source?: string; message: string }[] }) => { published.set(p.uri, p.diagnostics); });
    const init = await server.rpc.sendRequest('initialize', {
      processId: process.pid, rootUri: null, capabilities: { workspace: { codeLens: { refreshSupport: true } } },
      initializationOptions: { rules: [], clientCommands: true, readOnOpen: false, budget: { maxStates: 200000, maxMs: 30000 } },
    }) as { capabilities: { executeCommandProvider?: unknown; codeLensProvider?: unknown } };
    assert.ok(init.capabilities.codeLensProvider, 'lenses are the server\'s');
    assert.equal(init.capabilities.executeCommandProvider, undefined, 'the client runs the commands its lenses name: the server offers none');
    await server.rpc.sendNotification('initialized', {});
    const connection: ServerConnection = {
      request: (method, params, token) => server.rpc.sendRequest(method, params, token as CancellationToken | undefined),
      onProgress: (token, handler) => server.rpc.onProgress(new ProgressType<unknown>(), token, handler),
    };
    remote = new RemoteAnalysis(connection);
  });

  after(async () => {
    await server?.stop();
    removeBundle(dir);
  });

  it('answers daxReview/analyse with the server\'s own read of an open mail, its diagnostics\' source', async () => {
    const uri = fileUri(seed000);
    open(uri, readFileSync(seed000, 'utf8'));
    const a = await remote.analyse(uri, null);
    assert.equal(a.version, 1);
    assert.equal(a.checked, false);
    assert.ok(hunks(a.analysis).some((h) => h.function === 'grab_mapping_entry'));
    const findings = a.analysis.review?.findings ?? [];
    assert.ok(findings.length >= 3, `${findings.length} findings`);
    const ds = (published.get(uri) ?? []).filter((d) => d.source === 'dax-review');
    assert.equal(ds.length, findings.length, 'the diagnostics published are the findings answered');
    const again = await remote.analyse(uri, null);
    assert.deepEqual(again, a, 'a whole analysis of the current version is answered as it is');
  });

  it('sends a large mailbox\'s analysis in partial results, the message in view first', async () => {
    const n = BATCH * 3 + 2;
    const text = mailbox(n);
    const uri = 'untitled:mailbox';
    const focus = text.split('\n').indexOf(`From mailbox-${BATCH * 2}@example.org Tue Oct 11 18:51:39 2016`) + 3;
    // Not read as it opens (readOnOpen: false): the read starts when asked, from the line asked for.
    open(uri, text);
    const parts: DocumentAnalysis[] = [];
    const whole = await remote.analyse(uri, focus, (p) => parts.push(p));
    assert.ok(parts.length >= 1, 'a partial result came');
    assert.ok(parts[0].analysis.unfinished, 'the first is not the whole mailbox');
    assert.ok(parts[0].analysis.outline.messages.some((m) => focus >= m.firstLine && focus <= m.lastLine), 'the first holds the message in view');
    assert.ok(parts[0].analysis.outline.messages.length < n, 'before the whole mailbox');
    assert.equal(whole.analysis.outline.messages.length, n);
    for (const p of [...parts, whole]) assert.equal(p.version, 1);
  });

  it('sends the extension what changed since its last answer, which it merges to the whole analysis', async () => {
    const text = mailbox(BATCH * 3 + 2).replace('Subject: Re: [PATCH v5 1/17]', 'Subject: Re: [PATCH v5 1/17] (again)');
    const uri = 'untitled:mailbox-again';
    open(uri, text);
    const raw: AnalyseAnswer[] = [];
    const sub = server.rpc.onProgress(new ProgressType<AnalyseAnswer>(), 'deltas', (v) => { raw.push(v); });
    const answer = await server.rpc.sendRequest('daxReview/analyse', { textDocument: { uri }, focus: 1, deltas: true, partialResultToken: 'deltas' }) as AnalyseAnswer;
    sub.dispose();
    assert.ok(raw.length >= 2 && raw.every(isDelta) && isDelta(answer), 'partial results and the answer are deltas');
    const deltas = [...raw, answer].map((a) => (a as DocumentDelta).delta);
    assert.ok(deltas[0].whole && deltas.slice(1).every((d) => !d.whole), 'the first whole, the others what changed');
    assert.equal(deltas.flatMap((d) => d.parts.filter((p) => p.read)).length, 4, 'each batch\'s messages sent once');
    const merged = new PartStore();
    for (const d of deltas) merged.add(d);
    const plain = await server.rpc.sendRequest('daxReview/analyse', { textDocument: { uri } }) as DocumentAnalysis;
    assert.ok(!isDelta(plain), 'a client that does not ask for deltas gets the whole analysis');
    assert.deepEqual(merged.analysis(), plain.analysis);
    assert.deepEqual((await remote.analyse(uri, null)).analysis, plain.analysis);
  });

  it('draws lenses for the messages in view once told which lines are shown', async () => {
    const uri = 'untitled:mailbox';
    const a = await remote.analyse(uri, null);
    const m = a.analysis.outline.messages.find((x) => x.index === BATCH * 2 + 1 && x.files.length)!;
    const before = refreshes;
    await server.rpc.sendNotification('daxReview/view', { textDocument: { uri }, ranges: [[m.firstLine, m.firstLine + 20]] });
    const lenses = await server.rpc.sendRequest('textDocument/codeLens', { textDocument: { uri } }) as Lens[];
    const inView = m.files.flatMap((f) => f.hunks).map((h) => h.mailLines[0] - 1);
    assert.deepEqual(lenses.filter((l) => l.command?.command !== 'daxReview.simulateScenario').map((l) => l.range.start.line), inView);
    assert.ok(refreshes > before, 'the client is asked to draw the lenses again');
    for (const l of lenses.filter((x) => x.command?.command)) assert.equal(l.command!.arguments![0], uri, 'a lens\'s command takes the document\'s URI first');
  });

  it('runs a simulation as a job with progress, in the era the hunk is written against', async () => {
    const mail = readFileSync(path.join(root, 'test', 'fixtures', 'eras', 'xarray-invalidate-wake.patch'), 'utf8');
    const uri = 'untitled:xarray';
    open(uri, mail);
    const h = hunks((await remote.analyse(uri, null)).analysis)[0];
    const said: string[] = [];
    const job = remote.job({
      op: 'simulate',
      args: { text: mail, file: null, key: { message: h.message, hunk: h.hunk }, scenario: 'xa-invalidate-waiters', without: null, tree: null, budget: { maxStates: 200000, maxMs: 30000 } },
    }, (t) => said.push(t));
    const sim = await job.result;
    assert.equal(sim.era, 'XArray v6.12');
    assert.ok(sim.verdicts.some((v) => v.pre?.verdict === 'violation' && v.post.verdict === 'ok'), 'the fix shows');
    assert.ok(said.some((t) => /xa-invalidate-waiters/.test(t)), `progress: ${said.join(' | ')}`);
  });

  it('makes a check of an open mail\'s current text its diagnostics, and answers its analysis as checked', async () => {
    const uri = 'untitled:xarray';
    const mail = readFileSync(path.join(root, 'test', 'fixtures', 'eras', 'xarray-invalidate-wake.patch'), 'utf8');
    const before = await remote.analyse(uri, null);
    assert.equal(before.checked, false);
    const fixes = (d: { message: string }) => /fixes a lost wakeup in xa-invalidate-waiters/.test(d.message);
    assert.ok(!(published.get(uri) ?? []).some(fixes), 'the static read says nothing of what the patch fixes');
    const said: string[] = [];
    const job = remote.job({
      op: 'check', args: { text: mail, file: null, rules: [], tree: null, budget: { maxStates: 200000, maxMs: 30000 } },
    }, (t) => said.push(t), { uri, version: before.version });
    const checked = await job.result;
    assert.ok(said.length > 0, 'progress came');
    assert.ok(checked.review?.findings.some(fixes), JSON.stringify(checked.review?.findings.map((f) => f.message)));
    assert.ok((published.get(uri) ?? []).some(fixes), 'the check\'s findings are the diagnostics now');
    const after = await remote.analyse(uri, null);
    assert.equal(after.checked, true);
  });

  it('reads every open mail again under new settings (workspace/didChangeConfiguration)', async () => {
    const uri = fileUri(seed000);
    const waitFor = async (pred: (n: number) => boolean) => {
      for (let i = 0; i < 200; i++) {
        const n = (published.get(uri) ?? []).filter((d) => d.source === 'dax-review').length;
        if (pred(n)) return n;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the diagnostics did not change');
    };
    const before = await waitFor((n) => n > 0);
    await server.rpc.sendNotification('workspace/didChangeConfiguration', { settings: { daxReview: { rules: null, clientCommands: false } } });
    await waitFor((n) => n === 0);
    assert.equal((await remote.analyse(uri, null)).analysis.review?.findings.length, 0, 'no rules as you type: no findings');
    await server.rpc.sendNotification('workspace/didChangeConfiguration', { settings: { daxReview: { rules: [] } } });
    assert.equal(await waitFor((n) => n === before), before);
  });

  it('cancels a job: the server ends its worker and answers at once, and stays up', async () => {
    const text = readFileSync(seed000, 'utf8');
    const a = await remote.analyse(fileUri(seed000), null);
    const h = hunks(a.analysis).find((x) => x.function === 'grab_mapping_entry')!;
    const job = remote.job({
      op: 'simulate',
      args: { text, file: null, key: { message: h.message, hunk: h.hunk }, scenario: null, without: null, tree: null, budget: { maxStates: 1e9, maxMs: 600000 } },
    }, () => undefined);
    setTimeout(() => job.cancel(), 500);
    const t0 = Date.now();
    await assert.rejects(job.result, (e) => e instanceof Cancelled);
    assert.ok(Date.now() - t0 < 5000, `cancel took ${Date.now() - t0} ms`);
    const kinds = await remote.ask({ op: 'threadKinds', args: {} });
    assert.ok(kinds.some((k) => k.kind === 'pte-read'), 'still serving');
  });

  it('answers the scenarios that run a hunk, and says which hunk it cannot find', async () => {
    const text = readFileSync(seed000, 'utf8');
    const h = hunks((await remote.analyse(fileUri(seed000), null)).analysis).find((x) => x.function === 'grab_mapping_entry')!;
    const names = await remote.ask({ op: 'scenarios', args: { text, file: null, key: { message: h.message, hunk: h.hunk } } });
    assert.ok(names.includes('pmd-downgrade'), names.join(', '));
    await assert.rejects(remote.ask({ op: 'scenarios', args: { text, file: null, key: { message: 0, hunk: 999 } } }), (e) => e instanceof JobError && /No hunk 1000 in message 1/.test(e.message));
  });

  it('answers bad requests with errors that say what is wrong', async () => {
    await assert.rejects(remote.analyse('file:///nowhere.patch', null), /not an open document/);
    await assert.rejects(server.rpc.sendRequest('daxReview/ask', { op: 'analyse', args: {} }), /runs scenarios or threadKinds, not analyse/);
    await assert.rejects(server.rpc.sendRequest('daxReview/job', { op: 'rm', args: {} }), /runs check, simulate, reply, runScenario, not rm/);
    await assert.rejects(server.rpc.sendRequest('daxReview/job', { op: 'simulate', args: { file: null } }), /simulate: args are \{ text, file/);
    await assert.rejects(server.rpc.sendRequest('daxReview/analyse', { textDocument: {} }), /textDocument is given as \{ uri \}/);
    await assert.rejects(server.rpc.sendRequest('daxReview/analyse', { textDocument: { uri: fileUri(seed000) }, focus: -3 }), /positive integer/);
    assert.ok((await remote.analyse(fileUri(seed000), null)).analysis.review, 'still serving');
  });
});
