// Code actions on findings and on added lines: simulate, show the counterexample, ask what
// happens without the line, pick the finding for the review reply.
import * as vscode from 'vscode';
import { FindingDiagnostic } from './diagnostics';
import type { Documents } from './documents';
import { hunkAt } from './documents';

export class ReviewActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.Empty];

  constructor(private readonly docs: Documents) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    const a = this.docs.peek(doc.uri)?.analysis ?? null;
    const out: vscode.CodeAction[] = [];
    const line = range.start.line + 1;
    const h = hunkAt(a, line);
    if (h) {
      const sim = new vscode.CodeAction('Simulate this hunk', vscode.CodeActionKind.QuickFix);
      sim.command = { title: sim.title, command: 'daxReview.simulateHunk', arguments: [doc.uri, { message: h.message, hunk: h.hunk }] };
      out.push(sim);
    }
    for (const d of ctx.diagnostics) {
      if (!(d instanceof FindingDiagnostic)) continue;
      const f = d.finding;
      if (f.trace) {
        const show = new vscode.CodeAction('Show the counterexample', vscode.CodeActionKind.QuickFix);
        show.diagnostics = [d];
        show.isPreferred = true;
        show.command = { title: show.title, command: 'daxReview.showTrace', arguments: [doc.uri, { rule: f.rule, line: f.line }] };
        out.push(show);
      }
      const add = new vscode.CodeAction('Add to review reply', vscode.CodeActionKind.QuickFix);
      add.diagnostics = [d];
      add.command = { title: add.title, command: 'daxReview.addToReply', arguments: [doc.uri, { rule: f.rule, line: f.line }] };
      out.push(add);
    }
    const added = h?.lines.find((l) => l.mailLine === line && l.op === '+');
    if (h && added) {
      const without = new vscode.CodeAction('What if this line were removed?', vscode.CodeActionKind.Empty);
      without.command = {
        title: without.title, command: 'daxReview.simulateWithout',
        arguments: [doc.uri, { message: h.message, hunk: h.hunk }, line],
      };
      out.push(without);
    }
    return out;
  }
}
