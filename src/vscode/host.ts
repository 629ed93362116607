// Registers the extension's features on the extension host. Nothing here reads a mail: the
// language server does (dist/server.js, started on the first read of a patch mail), and publishes the
// diagnostics, lenses, code actions and hovers itself. The series tree, comment threads, panel
// and commands ask it for the analysis (server.ts).
import * as vscode from 'vscode';
import { Commands } from './commands';
import { MailComments } from './comments';
import { hasPatchMailExtension, isPatchMail } from './detect';
import { Documents, LANGUAGE } from './documents';
import { Panel, VIEW_ID } from './panel';
import { MailServerClient } from './server';
import { SECTION } from './settings';
import { SeriesTree, hunkOfNode } from './tree';
import { ViewReporter } from './visible';

let server: MailServerClient | null = null;

/** Languages a patch mail may arrive with before the extension claims it. */
const ADOPT_FROM = new Set(['plaintext', 'diff', 'email', 'mail']);

/** `since`: when activation began; `loaded`: when the host's modules had been initialised. */
export function activate(context: vscode.ExtensionContext, since = performance.now(), loaded = since): void {
  const log = vscode.window.createOutputChannel('DAX Review');
  // Drafted replies are never given to the server (the client asks only once it has started).
  const mail: MailServerClient = new MailServerClient(context, (doc): boolean => documents.isDraftDocument(doc));
  server = mail;
  const documents: Documents = new Documents(mail.analysis, log);
  const comments = new MailComments(documents);
  const tree = new SeriesTree(documents);
  let commands: Commands | null = null;
  const panel = new Panel(context.extensionUri, {
    simulate: (scenario, threads) => commands?.simulateShown(scenario, threads),
    cancel: () => commands?.cancel(),
  });
  commands = new Commands(mail.analysis, documents, panel, log);

  let active = false;
  const adopt = (doc: vscode.TextDocument) => {
    if (doc.languageId === LANGUAGE) {
      if (!active) {
        active = true;
        void vscode.commands.executeCommand('setContext', 'daxReview.active', true);
      }
      documents.schedule(doc, 0);
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
    if (e?.document.languageId === LANGUAGE && !documents.isDraft(e.document.uri)) tree.show(e.document.uri);
  };

  context.subscriptions.push(
    log, documents, comments, panel, treeView, mail,
    new ViewReporter(documents, (p) => mail.view(p)),
    documents.onDidChange((s) => {
      // A file claimed after it was opened keeps its editor: the tree follows it here.
      if (vscode.window.activeTextEditor?.document.uri.toString() === s.uri.toString() && !documents.isDraft(s.uri)) tree.show(s.uri);
    }),
    vscode.workspace.onDidOpenTextDocument(adopt),
    vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length) documents.schedule(e.document); }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      comments.forget(doc.uri);
      documents.forget(doc.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      mail.configure();
      for (const d of vscode.workspace.textDocuments) documents.schedule(d, 0);
    }),
    vscode.window.onDidChangeActiveTextEditor(follow),
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
  await server?.stop();
  server = null;
}
