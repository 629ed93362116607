// Code actions on the lines of a finding, of the kind each is (none edits the mail, so none
// is a quick fix): show the counterexample, simulate the hunk, ask what happens without the
// line, pick the finding for the review reply. Which ones: src/editor/view.ts.
import * as vscode from 'vscode';
import type { Documents } from './documents';
import { ACTION_KINDS, actionsAt, type ActionData } from '../editor/view';
import { FindingDiagnostic } from './diagnostics';

export class ReviewActions implements vscode.CodeActionProvider {
  static readonly kinds = Object.values(ACTION_KINDS).map((k) => vscode.CodeActionKind.Empty.append(k));

  constructor(private readonly docs: Documents) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    const a = this.docs.peek(doc.uri)?.analysis ?? null;
    return actionsAt(a, range.start.line + 1).map((x) => {
      const action = new vscode.CodeAction(x.title, vscode.CodeActionKind.Empty.append(x.kind));
      action.diagnostics = ctx.diagnostics.filter((d) => d instanceof FindingDiagnostic && d.finding.rule === x.finding.rule && d.finding.line === x.finding.line);
      if (x.kind === ACTION_KINDS.trace) action.isPreferred = x.preferred;
      action.command = { title: x.title, ...command(doc.uri, x) };
      return action;
    });
  }
}

function command(uri: vscode.Uri, x: ActionData): { command: string; arguments: unknown[] } {
  switch (x.kind) {
    case ACTION_KINDS.trace: return { command: 'daxReview.showTrace', arguments: [uri, x.finding] };
    case ACTION_KINDS.simulate: return { command: 'daxReview.simulateHunk', arguments: [uri, x.key] };
    case ACTION_KINDS.without: return { command: 'daxReview.simulateWithout', arguments: [uri, x.key, x.line] };
    case ACTION_KINDS.reply: return { command: 'daxReview.addToReply', arguments: [uri, x.finding] };
  }
}
