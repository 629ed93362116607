// What of each patch mail is in view. Lenses are the language server's and are drawn for the
// messages in view: the server is told which mail lines each document shows whenever other
// messages come into view. Comment threads are drawn for the same messages.
import * as vscode from 'vscode';
import type { Documents } from './documents';
import { viewKey } from '../editor/view';
import type { ViewParams } from '../editor/protocol';

/** The mail lines shown of a document, over every editor that shows it (1-based). */
export function shownLines(doc: vscode.TextDocument): [number, number][] | null {
  const ranges = vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === doc.uri.toString()).flatMap((e) => e.visibleRanges);
  return ranges.length ? ranges.map((r) => [r.start.line + 1, r.end.line + 1] as [number, number]) : null;
}

export class ViewReporter implements vscode.Disposable {
  /** Which messages each document had in view when the server was last told. */
  private readonly told = new Map<string, string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly docs: Documents, private readonly send: (p: ViewParams) => void) {
    this.subscriptions = [
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.report(e.textEditor.document)),
      vscode.window.onDidChangeVisibleTextEditors((es) => es.forEach((e) => this.report(e.document))),
      docs.onDidChange((s) => {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === s.uri.toString());
        if (doc) this.report(doc);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.told.delete(d.uri.toString())),
    ];
  }

  private report(doc: vscode.TextDocument): void {
    const s = this.docs.peek(doc.uri);
    const lines = shownLines(doc);
    if (!s?.analysis || !lines || this.docs.isDraft(doc.uri)) return;
    const key = viewKey(s.analysis, lines);
    const uri = doc.uri.toString();
    if (this.told.get(uri) === key) return;
    this.told.set(uri, key);
    this.send({ textDocument: { uri }, ranges: lines });
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
  }
}
