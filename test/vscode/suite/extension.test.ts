// The extension in a real VS Code: language, diagnostics, lenses, actions, commands, reply.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

const folder = process.env.DAX_FIXTURES ?? '';
const seed000 = () => vscode.Uri.file(path.join(folder, readdirSync(folder).find((f) => f.startsWith('000_'))!));

async function until<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>, ms = 60000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('DAX Review in VS Code', () => {
  let doc: vscode.TextDocument;

  before(async () => {
    doc = await vscode.workspace.openTextDocument(seed000());
    await vscode.window.showTextDocument(doc);
  });

  it('activates quickly and claims seed 000 as patch mail', async () => {
    const ext = vscode.extensions.getExtension('dax-review.dax-review');
    assert.ok(ext, 'extension present');
    const t0 = Date.now();
    await ext.activate();
    console.log(`      activation took ${Date.now() - t0} ms (or less: it may have begun already)`);
    doc = await until('the patch-mail language', () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === seed000().toString() && d.languageId === 'dax-patch-mail'));
  });

  it('puts the findings on their mail lines, with related information', async () => {
    const ours = await until('findings', () => {
      const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.source === 'dax-review');
      return d.length >= 3 ? d : undefined;
    });
    const lines = readFileSync(doc.uri.fsPath, 'utf8').split('\n');
    for (const d of ours) {
      assert.ok(typeof d.code === 'string' && d.code.includes('/'), `rule as code: ${String(d.code)}`);
      assert.ok(lines[d.range.start.line].trim().length > 0, 'on a line of the mail');
    }
  });

  it('draws a lens above every hunk', async () => {
    const lenses = await until('lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
      return l?.length ? l : undefined;
    });
    assert.ok(lenses.every((l) => /^▶ Simulate hunk · \d+ findings? · model covers \d+\/\d+ changed lines$|^▶ Simulate hunk · \d+ findings?$|^outside the model · \d+ findings? · /.test(l.command?.title ?? '')),
      lenses.map((l) => l.command?.title).join('\n'));
  });

  it('offers the review actions on a finding', async () => {
    const d = vscode.languages.getDiagnostics(doc.uri).find((x) => x.source === 'dax-review')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range);
    const titles = actions.map((a) => a.title);
    for (const t of ['Simulate this hunk', 'Add to review reply']) assert.ok(titles.includes(t), titles.join(', '));
  });

  it('registers every command it contributes', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    const pkg = vscode.extensions.getExtension('dax-review.dax-review')!.packageJSON as { contributes: { commands: { command: string }[] } };
    for (const c of pkg.contributes.commands) assert.ok(all.has(c.command), c.command);
  });

  it('drafts the review reply as a new mail document', async () => {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('daxReview.draftReply', doc.uri);
    const reply = await until('the reply', () => vscode.workspace.textDocuments.find((d) => d.isUntitled && /^Subject: Re:/m.test(d.getText())), 120000);
    assert.equal(reply.languageId, 'dax-patch-mail');
  });
});
