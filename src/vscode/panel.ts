// The side panel: one model shown in the panel area's view and, on demand, in an editor
// column beside the mail. A step in the trace highlights its mail line in the editor.
import * as vscode from 'vscode';
import { panelHtml } from './panelHtml';
import type { HostToPanel, PanelModel, PanelToHost } from './protocol';
import { selectedTrace } from './protocol';

export const VIEW_ID = 'daxReview.panel';

export function emptyModel(): PanelModel {
  return {
    document: null, subject: '', hunk: null, scenarios: [], scenario: null, results: [], coverage: null, trace: null, selected: null,
    status: 'idle', message: 'Run “DAX Review: Simulate Hunk” on a hunk of a patch mail.',
  };
}

export interface PanelHandlers {
  /** `threads`: the reviewer's own, composed in the panel, instead of the hunk's scenarios. */
  simulate(scenario: string | null, threads: string | null): void;
  cancel(): void;
}

export class Panel implements vscode.WebviewViewProvider, vscode.Disposable {
  private model: PanelModel = emptyModel();
  private view: vscode.WebviewView | null = null;
  private beside: vscode.WebviewPanel | null = null;
  private readonly highlight = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    borderColor: new vscode.ThemeColor('focusBorder'),
    borderStyle: 'solid',
    borderWidth: '1px 0',
  });
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The step the reviewer last moved to; the panel echoes it to the host. */
  lastStep: { index: number; mailLine: number | null } | null = null;

  constructor(private readonly extensionUri: vscode.Uri, private readonly handlers: PanelHandlers) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.setup(view.webview);
    view.onDidDispose(() => { if (this.view === view) this.view = null; });
  }

  openBeside(): void {
    if (this.beside) { this.beside.reveal(vscode.ViewColumn.Beside, true); return; }
    const p = vscode.window.createWebviewPanel('daxReview.trace', 'DAX Review', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true, retainContextWhenHidden: false, localResourceRoots: this.roots(),
    });
    p.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    this.beside = p;
    this.setup(p.webview);
    p.onDidDispose(() => { this.beside = null; });
  }

  /** Restores a panel VS Code kept open across a reload. */
  revive(p: vscode.WebviewPanel): void {
    this.beside = p;
    p.webview.options = { enableScripts: true, localResourceRoots: this.roots() };
    this.setup(p.webview);
    p.onDidDispose(() => { this.beside = null; });
  }

  private roots(): vscode.Uri[] {
    return [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')];
  }

  private setup(w: vscode.Webview): void {
    w.options = { enableScripts: true, localResourceRoots: this.roots() };
    w.html = panelHtml({
      cspSource: w.cspSource,
      script: w.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js')).toString(),
      style: w.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css')).toString(),
    });
    this.subscriptions.push(w.onDidReceiveMessage((m: PanelToHost) => this.receive(w, m)));
  }

  private receive(w: vscode.Webview, m: PanelToHost): void {
    switch (m.type) {
      case 'ready':
        // A panel moved (bottom panel to beside the editor) is a new page: it keeps the step.
        void w.postMessage({ type: 'show', model: this.model } satisfies HostToPanel);
        if (this.lastStep) void w.postMessage({ type: 'step', index: this.lastStep.index } satisfies HostToPanel);
        break;
      case 'step': this.lastStep = { index: m.index, mailLine: m.mailLine }; void this.revealStep(m.document, m.mailLine); break;
      case 'simulate': this.handlers.simulate(m.scenario, m.threads?.trim() || null); break;
      case 'cancel': this.handlers.cancel(); break;
    }
  }

  current(): PanelModel {
    return this.model;
  }

  /** Shows a model in every open surface, bringing the panel view forward. */
  async show(model: PanelModel, focus = true): Promise<void> {
    if (selectedTrace(model)?.trace !== selectedTrace(this.model)?.trace) this.lastStep = null;
    this.model = model;
    if (focus && !this.view?.visible && !this.beside?.visible) {
      await vscode.commands.executeCommand(`${VIEW_ID}.focus`, { preserveFocus: true });
    }
    this.post({ type: 'show', model });
  }

  progress(text: string): void {
    this.post({ type: 'progress', text });
  }

  step(index: number): void {
    this.post({ type: 'step', index });
  }

  private post(m: HostToPanel): void {
    void this.view?.webview.postMessage(m);
    void this.beside?.webview.postMessage(m);
  }

  private async revealStep(document: string | null, mailLine: number | null): Promise<void> {
    if (!document) return;
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === document);
    if (!editor) return;
    if (mailLine === null) { editor.setDecorations(this.highlight, []); return; }
    const line = Math.min(Math.max(mailLine - 1, 0), editor.document.lineCount - 1);
    const range = new vscode.Range(line, 0, line, 0);
    editor.setDecorations(this.highlight, [range]);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
    this.highlight.dispose();
    this.beside?.dispose();
  }
}
