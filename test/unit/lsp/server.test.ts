// `dax-review lsp` driven by a headless LSP client in node: the seeds opened as an editor
// opens them, diagnostics published with related lines, lenses, code actions only on
// findings, hovers, the simulate command and the custom trace request.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { bundleServer, fileUri, removeBundle, startServer, type Server } from '../../support/lsp';
import { mailbox } from '../../support/mailbox';
import { BATCH } from '../../../src/editor/core';
import { SHARED_BYTES } from '../../../src/editor/client';
import { METHODS } from '../../../src/editor/protocol';

const seeds = path.join(__dirname, '..', '..', 'fixtures', 'seeds');
const seedFile = (n: string) => path.join(seeds, readdirSync(seeds).find((f) => f.startsWith(`${n}_`))!);

interface Diag {
  range: { start: { line: number }; end: { line: number } };
  message: string; source?: string; code?: string; severity?: number;
  relatedInformation?: { location: { uri: string; range: { start: { line: number } } }; message: string }[];
  data?: unknown;
}
interface Lens { range: { start: { line: number } }; command?: { title: string; command: string; arguments?: unknown[] } }
interface Action { title: string; kind?: string; command?: { command: string; arguments?: unknown[] } }

describe('lsp: dax-review lsp with a node client', function () {
  this.timeout(60000);
  let dir = '';
  let server: Server;
  const published = new Map<string, { version?: number; diagnostics: Diag[] }[]>();
  const shown: string[] = [];

  function diagnosticsFor(uri: string, pred: (d: Diag[]) => boolean = () => true, ms = 30000): Promise<Diag[]> {
    const end = Date.now() + ms;
    return new Promise((resolve, reject) => {
      const poll = () => {
        const all = published.get(uri) ?? [];
        const last = all[all.length - 1];
        if (last && pred(last.diagnostics)) { resolve(last.diagnostics); return; }
        if (Date.now() > end) { reject(new Error(`no diagnostics for ${uri} within ${ms} ms; stderr: ${server.stderr()}`)); return; }
        setTimeout(poll, 50);
      };
      poll();
    });
  }

  function open(file: string, text = readFileSync(file, 'utf8')): string {
    const uri = fileUri(file);
    void server.rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'mail', version: 1, text } });
    return uri;
  }

  before(async () => {
    dir = await bundleServer();
    server = startServer(dir);
    server.rpc.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: Diag[] }) => {
      const list = published.get(p.uri) ?? [];
      list.push(p);
      published.set(p.uri, list);
    });
    server.rpc.onNotification('window/showMessage', (p: { message: string }) => { shown.push(p.message); });
    server.rpc.onRequest('workspace/codeLens/refresh', () => null);
    const init = await server.rpc.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { rules: [] } }) as {
      capabilities: { codeLensProvider?: unknown; hoverProvider?: unknown; codeActionProvider?: { codeActionKinds: string[] }; executeCommandProvider?: { commands: string[] } };
    };
    assert.ok(init.capabilities.codeLensProvider && init.capabilities.hoverProvider);
    assert.ok(!init.capabilities.codeActionProvider?.codeActionKinds.includes('quickfix'), 'no action is a quick fix: none edits the mail');
    assert.ok(init.capabilities.executeCommandProvider?.commands.includes('daxReview.simulateHunk'));
    await server.rpc.sendNotification('initialized', {});
  });

  after(async () => {
    await server?.stop();
    removeBundle(dir);
  });

  it('publishes seed 000\'s findings as diagnostics on their mail lines, with related lines', async () => {
    const file = seedFile('000');
    const uri = open(file);
    const ds = await diagnosticsFor(uri, (d) => d.some((x) => x.source === 'dax-review'));
    const lines = readFileSync(file, 'utf8').split('\n');
    const ours = ds.filter((d) => d.source === 'dax-review');
    assert.ok(ours.length >= 3, ds.map((d) => d.message).join('\n'));
    for (const d of ours) {
      assert.ok(typeof d.code === 'string' && d.code.includes('/'), `rule as code: ${String(d.code)}`);
      assert.ok(lines[d.range.start.line].trim().length > 0, 'on a line of the mail');
      assert.deepEqual(Object.keys(d.data as object).sort(), ['line', 'rule']);
    }
    const related = ours.flatMap((d) => d.relatedInformation ?? []);
    assert.ok(related.length > 0, 'related information travels with the findings');
    for (const r of related) assert.equal(r.location.uri, uri);
  });

  it('draws a lens per hunk, a simulate command on each hunk the model runs', async () => {
    const uri = fileUri(seedFile('000'));
    const lenses = await server.rpc.sendRequest('textDocument/codeLens', { textDocument: { uri } }) as Lens[];
    const outline = await server.rpc.sendRequest('daxReview/outline', { textDocument: { uri } }) as { messages: { files: { hunks: { mailLines: [number, number] }[] }[] }[] };
    const hunks = outline.messages.flatMap((m) => m.files.flatMap((f) => f.hunks));
    assert.equal(lenses.length, hunks.length);
    assert.deepEqual(lenses.map((l) => l.range.start.line + 1), hunks.map((h) => h.mailLines[0]));
    assert.ok(lenses.some((l) => l.command?.command === 'daxReview.simulateHunk' && /^▶ Simulate hunk · \d+ findings?/.test(l.command.title)),
      lenses.map((l) => l.command?.title).join('\n'));
  });

  it('says of a patch to a file the model does not have that it runs none of it, with no simulate lens', async () => {
    const uri = open(path.join(seeds, '..', 'outside', 'pmem-direct-access.patch'));
    await diagnosticsFor(uri);
    const lenses = await server.rpc.sendRequest('textDocument/codeLens', { textDocument: { uri } }) as Lens[];
    assert.ok(lenses.length > 0);
    for (const l of lenses) {
      assert.match(l.command?.title ?? '', /^outside the model/, 'a hunk the model runs none of says so');
      assert.equal(l.command?.command, '', 'and offers nothing to run');
    }
  });

  it('offers, on the kernel functions seed 002\'s prose names, the scenarios that run them, and runs one on command', async () => {
    const file = seedFile('002');
    const uri = open(file);
    await diagnosticsFor(uri);
    const lenses = await server.rpc.sendRequest('textDocument/codeLens', { textDocument: { uri } }) as Lens[];
    const lines = readFileSync(file, 'utf8').split('\n');
    const offered = lenses.filter((l) => l.command?.command === 'daxReview.simulateScenario');
    for (const name of ['dax_insert_entry', 'dax_delete_mapping_entry', '__dax_invalidate_entry']) {
      const l = offered.find((x) => x.command!.title.includes(`runs ${name}()`));
      assert.ok(l, `${name}: ${lenses.map((x) => x.command?.title).join(' | ')}`);
      assert.ok(lines[l.range.start.line].includes(name), `the lens sits on the line that names ${name}`);
    }
    const life = offered.find((l) => /runs __dax_invalidate_entry\(\)/.test(l.command!.title))!;
    assert.match(life.command!.title, /^▶ Simulate xa-zap-lifecycle/);
    const r = await server.rpc.sendRequest('workspace/executeCommand', { command: life.command!.command, arguments: life.command!.arguments }) as { scenario: string; era: string; verdict: string };
    assert.deepEqual([r.scenario, r.era, r.verdict], ['xa-zap-lifecycle', 'XArray v6.12+zap', 'ok']);
  });

  it('offers code actions only on a finding\'s lines, none a quick fix', async () => {
    const uri = fileUri(seedFile('000'));
    const ds = (await diagnosticsFor(uri)).filter((d) => d.source === 'dax-review');
    const d = ds[0];
    const actions = await server.rpc.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } }) as Action[];
    const titles = actions.map((a) => a.title);
    for (const t of ['Simulate this hunk', 'Add to review reply']) assert.ok(titles.includes(t), titles.join(', '));
    for (const a of actions) assert.ok(a.kind && !a.kind.startsWith('quickfix'), `${a.title}: ${a.kind}`);
    const findingLines = new Set(ds.flatMap((x) => Array.from({ length: x.range.end.line - x.range.start.line + 1 }, (_, i) => x.range.start.line + i)));
    const quiet = [...Array(40).keys()].find((l) => !findingLines.has(l))!;
    const none = await server.rpc.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: quiet, character: 0 }, end: { line: quiet, character: 0 } }, context: { diagnostics: [] } }) as Action[];
    assert.deepEqual(none, [], `no lightbulb on line ${quiet + 1}, which has no finding`);
  });

  it('hovers a finding with its rule and evidence', async () => {
    const uri = fileUri(seedFile('000'));
    const d = (await diagnosticsFor(uri)).find((x) => x.source === 'dax-review')!;
    const hover = await server.rpc.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: d.range.start.line, character: 0 } }) as { contents: { kind: string; value: string } };
    assert.equal(hover.contents.kind, 'markdown');
    assert.ok(hover.contents.value.includes(String(d.code).replace(/([_*])/g, '\\$1')), hover.contents.value);
    assert.match(hover.contents.value, /evidence: static/);
  });

  it('simulates a hunk on command and answers the trace request with the counterexample', async () => {
    const uri = fileUri(seedFile('000'));
    const outline = await server.rpc.sendRequest('daxReview/outline', { textDocument: { uri } }) as { messages: { files: { hunks: { message: number; hunk: number; function: string | null }[] }[] }[] };
    const h = outline.messages.flatMap((m) => m.files.flatMap((f) => f.hunks)).find((x) => x.function === 'grab_mapping_entry')!;
    const r = await server.rpc.sendRequest('workspace/executeCommand', {
      command: 'daxReview.simulateHunk', arguments: [uri, { message: h.message, hunk: h.hunk }, 'pmd-downgrade'],
    }) as { verdicts: { scenario: string; post: string; violations: { kind: string; swimlanes: string }[] }[] };
    const v = r.verdicts.find((x) => x.scenario === 'pmd-downgrade')!;
    assert.equal(v.post, 'violation');
    assert.ok(v.violations.some((x) => x.kind === 'lost-wakeup' && x.swimlanes.split('\n').length > 3), JSON.stringify(v.violations.map((x) => x.kind)));
    assert.ok(shown.some((m) => /pmd-downgrade/.test(m)), 'the client is told the verdict');
    const hm = outline.messages.flatMap((m) => m.files.flatMap((f) => f.hunks)).find((x) => x.function === 'grab_mapping_entry') as unknown as { mailLines: [number, number] };
    const t = await server.rpc.sendRequest('daxReview/trace', { textDocument: { uri }, position: { line: hm.mailLines[0], character: 0 } }) as { title: string; trace: { threads: string[]; steps: unknown[] }; swimlanes: string } | null;
    assert.ok(t, 'the simulated hunk has a counterexample to show');
    assert.match(t.title, /lost wakeup|lost-wakeup|wake/i);
    assert.ok(t.trace.threads.length >= 2 && t.trace.steps.length > 3);
    for (const name of t.trace.threads) assert.ok(t.swimlanes.includes(name.slice(0, 10)), `the thread table has a column for ${name}`);
    // Threads of one's own, as `simulate --threads` takes them.
    const own = await server.rpc.sendRequest('workspace/executeCommand', {
      command: 'daxReview.simulateHunk', arguments: [uri, { message: h.message, hunk: h.hunk }, null, 'pte-read@0x202,pte-read@0x203'],
    }) as { verdicts: { scenario: string }[] };
    assert.equal(own.verdicts.length, 1);
    assert.match(own.verdicts[0].scenario, /0x202.*0x203/);
  });

  it('answers bad requests with errors, and stays up', async () => {
    await assert.rejects(server.rpc.sendRequest('workspace/executeCommand', { command: 'daxReview.simulateHunk', arguments: [] }), /URI of an open document/);
    const uri = fileUri(seedFile('000'));
    await assert.rejects(server.rpc.sendRequest('workspace/executeCommand', { command: 'daxReview.simulateHunk', arguments: [uri, { message: 'x' }] }), /\{ message, hunk \}/);
    await assert.rejects(server.rpc.sendRequest('workspace/executeCommand', { command: 'daxReview.simulateHunk', arguments: [uri, { message: 0, hunk: 1 }, null, 'nonsense@@'] }), /not a thread/);
    assert.equal(await server.rpc.sendRequest('daxReview/trace', { textDocument: { uri: 'file:///nowhere' }, position: { line: 0, character: 0 } }), null);
    const lenses = await server.rpc.sendRequest('textDocument/codeLens', { textDocument: { uri } }) as Lens[];
    assert.ok(lenses.length > 0, 'still serving');
  });

  it('reads the mail again as it is edited, dropping what an edit removed', async () => {
    const file = seedFile('000');
    const uri = fileUri(file);
    const before = (await diagnosticsFor(uri)).filter((d) => d.source === 'dax-review').length;
    const text = readFileSync(file, 'utf8');
    await server.rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: text.split('\n').slice(0, 12).join('\n') }] });
    const after = await diagnosticsFor(uri, (d) => d.filter((x) => x.source === 'dax-review').length < before);
    assert.equal(after.filter((x) => x.source === 'dax-review').length, 0);
    await server.rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text }] });
    await diagnosticsFor(uri, (d) => d.filter((x) => x.source === 'dax-review').length === before);
  });

  it('takes an edit as the range it changed (incremental sync), as editors send a large mail', async () => {
    const file = seedFile('000');
    const uri = fileUri(file);
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const before = (await diagnosticsFor(uri, (d) => d.some((x) => x.source === 'dax-review'))).filter((d) => d.source === 'dax-review');
    const tail = lines.slice(12).join('\n');
    const end = { line: lines.length - 1, character: lines[lines.length - 1].length };
    await server.rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: 10 }, contentChanges: [{ range: { start: { line: 12, character: 0 }, end }, text: '' }] });
    await diagnosticsFor(uri, (d) => d.filter((x) => x.source === 'dax-review').length === 0);
    await server.rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: 11 }, contentChanges: [{ range: { start: { line: 12, character: 0 }, end: { line: 12, character: 0 } }, text: tail }] });
    const again = await diagnosticsFor(uri, (d) => d.filter((x) => x.source === 'dax-review').length === before.length);
    assert.deepEqual(again.filter((d) => d.source === 'dax-review').map((d) => d.range.start.line), before.map((d) => d.range.start.line));
  });

  it('reads a large mailbox with several workers to the diagnostics one worker gives, and drops a read an edit made stale', async () => {
    const text = mailbox(BATCH * 4 + 3);
    assert.ok(text.length > SHARED_BYTES, 'large enough to be shared');
    const uri = fileUri(path.join(os.tmpdir(), 'dax-lsp-shared.mbox'));
    const readWith = async (readers: number, version: number) => {
      await server.rpc.sendNotification('workspace/didChangeConfiguration', { settings: { daxReview: { rules: [], readers } } });
      if (version === 1) void server.rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'mail', version, text } });
      else await server.rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
      // The answer comes once the read is done; its diagnostics are published by then.
      await server.rpc.sendRequest(METHODS.analyse, { textDocument: { uri } });
      const all = published.get(uri) ?? [];
      return all[all.length - 1].diagnostics.map((d) => `${d.range.start.line} ${d.code ?? ''} ${d.message}`).sort();
    };
    const shared = await readWith(3, 1);
    const single = await readWith(1, 2);
    assert.ok(single.length > BATCH * 4, `${single.length} diagnostics`);
    assert.deepEqual(shared, single);
    // An edit while the mail is read: the read in flight is dropped, the edit's is published.
    await server.rpc.sendNotification('workspace/didChangeConfiguration', { settings: { daxReview: { rules: [], readers: 2 } } });
    await server.rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: `${text}\n` }] });
    await new Promise((r) => setTimeout(r, 400));
    const short = text.split('\n').slice(0, 12).join('\n');
    await server.rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: 4 }, contentChanges: [{ text: short }] });
    await server.rpc.sendRequest(METHODS.analyse, { textDocument: { uri } });
    const last = (published.get(uri) ?? []).at(-1)!;
    assert.equal(last.version ?? 4, 4);
    assert.equal(last.diagnostics.filter((d) => d.source === 'dax-review').length, 0);
    await server.rpc.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });
});
