// A lens above the hunks of the messages in view (at most VIEW_CAP): simulate it, how many
// findings it has, how much of it the model runs; a hunk the model runs none of says so and
// offers no simulation. In a message without hunks, a lens on each kernel function its prose
// names that the model runs offers the scenario that runs it. Scrolling to another message
// redraws them.
import * as vscode from 'vscode';
import type { Documents } from './documents';
import { lensesData, messageAt } from '../editor/view';
import type { Analysis } from '../editor/jobs';

/** The mail lines shown of a document, over every editor that shows it (1-based). */
export function shownLines(doc: vscode.TextDocument): [number, number][] | null {
  const ranges = vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === doc.uri.toString()).flatMap((e) => e.visibleRanges);
  return ranges.length ? ranges.map((r) => [r.start.line + 1, r.end.line + 1] as [number, number]) : null;
}

/** Which messages are in view: lenses and threads are redrawn only when this changes. */
export function viewKey(a: Analysis | null, lines: [number, number][] | null): string {
  if (!a || !lines) return '';
  return lines.map(([first, last]) => {
    const m = messageAt(a, first);
    const n = messageAt(a, last);
    return `${m?.index ?? -1}-${n?.index ?? -1}`;
  }).join(',');
}

export class HunkLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly shown = new Map<string, string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly docs: Documents) {
    this.subscriptions = [
      docs.onDidChange(() => this.changed.fire()),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => {
        const s = this.docs.peek(e.textEditor.document.uri);
        const key = viewKey(s?.analysis ?? null, shownLines(e.textEditor.document));
        const uri = e.textEditor.document.uri.toString();
        if (this.shown.has(uri) && this.shown.get(uri) !== key) this.changed.fire();
      }),
    ];
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    // Not read yet: the read is started and the lenses come with its first answer (a change
    // event), rather than holding this request until a large mailbox is read whole.
    const a = this.docs.peek(doc.uri)?.analysis;
    if (!a) { void this.docs.current(doc); return []; }
    const lines = shownLines(doc);
    this.shown.set(doc.uri.toString(), viewKey(a, lines));
    return lensesData(a, lines).map((x) => {
      const line = Math.min(Math.max(x.line - 1, 0), doc.lineCount - 1);
      return new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title: x.title,
        tooltip: x.tooltip,
        command: x.command?.id ?? '',
        arguments: x.command ? [doc.uri, x.command.key] : undefined,
      });
    });
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
    this.changed.dispose();
  }
}
