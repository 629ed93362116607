// Registers the extension's providers on the extension host. Nothing here reads a mail:
// the analysis worker does, on first use.
import * as vscode from 'vscode';
import { ReviewActions } from './actions';
import { AnalysisClient } from '../editor/client';
import { Commands } from './commands';
import { MailComments } from './comments';
import { hasPatchMailExtension, isPatchMail } from './detect';
import { diagnosticsOf } from './diagnostics';
import { diagnosticsData } from '../editor/view';
import { Documents, LANGUAGE } from './documents';
import { FindingHover } from './hover';
import { HunkLenses } from './lenses';
import { Panel, VIEW_ID } from './panel';
import { SECTION } from './settings';
import { SeriesTree, hunkOfNode } from './tree';

let client: AnalysisClient | null = null;

/** Languages a patch mail may arrive with before the extension claims it. */
const ADOPT_FROM = new Set(['plaintext', 'diff', 'email', 'mail']);

/** `since`: when activation began; `loaded`: when the host's modules had been initialised. */
export function activate(context: vscode.ExtensionContext, since = performance.now(), loaded = since): void {
  const log = vscode.window.createOutputChannel('DAX Review');
  client = new AnalysisClient(context.asAbsolutePath('dist'));
  const docs = new Documents(client, log);
  const diagnostics = vscode.languages.createDiagnosticCollection('dax-review');
  const comments = new MailComments(docs);
  const tree = new SeriesTree(docs);
  let commands: Commands | null = null;
  const panel = new Panel(context.extensionUri, {
    simulate: (scenario, threads) => commands?.simulateShown(scenario, threads),
    cancel: () => commands?.cancel(),
  });
  commands = new Commands(client, docs, panel, log);
  const selector: vscode.DocumentSelector = { language: LANGUAGE };
  const lenses = new HunkLenses(docs);

  /** What each document's diagnostics say, as last set. */
  const shown = new Map<string, string>();
  let active = false;
  const adopt = (doc: vscode.TextDocument) => {
    if (doc.languageId === LANGUAGE) {
      if (!active) { active = true; void vscode.commands.executeCommand('setContext', 'daxReview.active', true); }
      docs.schedule(doc, 0);
      return;
    }
    if (!ADOPT_FROM.has(doc.languageId) || !['file', 'untitled'].includes(doc.uri.scheme)) return;
    if (hasPatchMailExtension(doc.uri.path) || isPatchMail(doc.getText())) {
      void vscode.languages.setTextDocumentLanguage(doc, LANGUAGE);
    }
  };

  const treeView = vscode.window.createTreeView('daxReview.series', { treeDataProvider: tree, showCollapseAll: true });
  const follow = (e: vscode.TextEditor | undefined) => {
    // A drafted reply is not a series: the tree keeps showing the mail it answers.
    if (e?.document.languageId === LANGUAGE && !docs.isDraft(e.document.uri)) tree.show(e.document.uri);
  };

  context.subscriptions.push(
    log, docs, diagnostics, comments, panel, treeView,
    { dispose: () => { void client?.dispose(); } },
    docs.onDidChange((s) => {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === s.uri.toString());
      if (doc && s.analysis) {
        // A large mailbox's later answers mostly add coverage (lenses): the workbench redraws
        // thousands of problems only when what they say changed.
        const data = diagnosticsData(s.analysis);
        const said = JSON.stringify(data);
        if (shown.get(s.uri.toString()) !== said) {
          shown.set(s.uri.toString(), said);
          diagnostics.set(doc.uri, diagnosticsOf(doc, data));
        }
      }
      // A file claimed after it was opened keeps its editor: the tree follows it here.
      if (vscode.window.activeTextEditor?.document.uri.toString() === s.uri.toString() && !docs.isDraft(s.uri)) tree.show(s.uri);
    }),
    vscode.workspace.onDidOpenTextDocument(adopt),
    vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length) docs.schedule(e.document); }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      diagnostics.delete(doc.uri);
      shown.delete(doc.uri.toString());
      comments.forget(doc.uri);
      docs.forget(doc.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      for (const d of vscode.workspace.textDocuments) docs.schedule(d, 0);
    }),
    vscode.window.onDidChangeActiveTextEditor(follow),
    lenses,
    vscode.languages.registerCodeLensProvider(selector, lenses),
    vscode.languages.registerHoverProvider(selector, new FindingHover(docs)),
    vscode.languages.registerCodeActionsProvider(selector, new ReviewActions(docs), { providedCodeActionKinds: ReviewActions.kinds }),
    vscode.window.registerWebviewViewProvider(VIEW_ID, panel),
    vscode.window.registerWebviewPanelSerializer('daxReview.trace', {
      deserializeWebviewPanel: async (p: vscode.WebviewPanel) => panel.revive(p),
    }),
    vscode.commands.registerCommand('daxReview.simulateTreeHunk', (node: unknown) => {
      const at = hunkOfNode(node);
      if (at) void commands?.simulateHunk(at.uri, at.key, { scenario: undefined, without: null, threads: null });
    }),
    ...commands.register(),
    ...comments.register(),
  );
  vscode.workspace.textDocuments.forEach(adopt);
  follow(vscode.window.activeTextEditor);
  const now = performance.now();
  log.appendLine(`activated in ${(now - since).toFixed(1)} ms (modules ${(loaded - since).toFixed(1)} ms, registration ${(now - loaded).toFixed(1)} ms)`);
}

export async function deactivate(): Promise<void> {
  await client?.dispose();
  client = null;
}
