// A finding's hover: what it says, how it was confirmed and its counterexample as the thread
// table reviewers draw; on other hunk lines, the hunk's summary (src/editor/view.ts).
import * as vscode from 'vscode';
import type { Documents } from './documents';
import { hoverAt } from '../editor/view';

export class FindingHover implements vscode.HoverProvider {
  constructor(private readonly docs: Documents) {}

  provideHover(doc: vscode.TextDocument, at: vscode.Position): vscode.Hover | null {
    const text = hoverAt(this.docs.peek(doc.uri)?.analysis ?? null, at.line + 1);
    return text ? new vscode.Hover(new vscode.MarkdownString(text)) : null;
  }
}
