// The language server (dist/server.js, src/lsp) as the extension's one source of analysis,
// started on node IPC through vscode-languageclient. It reads every open patch mail and
// publishes its diagnostics, lenses, code actions and hovers; the extension's own features
// (series tree, comment threads, trace panel, the commands' jobs) ask it for the analysis
// through the custom requests of src/editor/protocol.ts (RemoteAnalysis).
import * as vscode from 'vscode';
import type * as Client from 'vscode-languageclient/node';
import { RemoteAnalysis, type ServerConnection } from '../editor/remote';
import { METHODS, type ServerOptions, type ViewParams } from '../editor/protocol';
import { LANGUAGE } from './documents';
import { settings } from './settings';

/** The server's options from the extension's settings. It runs none of the commands its lenses
 *  and actions name: they are the extension's own (commands.ts). */
export function serverOptions(): ServerOptions {
  const s = settings();
  return {
    rules: s.asYouType ? s.rules : null,
    budget: s.budget,
    jobDeadline: s.deadlineMs / 1000,
    kernelTree: s.tree ?? undefined,
    delay: s.delay,
    // Each mail is read when Documents first asks, from the line in view.
    readOnOpen: false,
    clientCommands: true,
  };
}

export class MailServerClient implements vscode.Disposable {
  readonly analysis: RemoteAnalysis;
  private client: Client.LanguageClient | null = null;
  private progressType: Client.ProgressType<unknown> | null = null;

  /** `skip`: documents of the patch-mail language that are not to be reviewed (drafted replies). */
  constructor(private readonly context: vscode.ExtensionContext, private readonly skip: (doc: vscode.TextDocument) => boolean) {
    const connection: ServerConnection = {
      request: (method, params, token) => this.started().sendRequest(method, params, token as Client.CancellationToken | undefined),
      onProgress: (token, handler) => this.started().onProgress(this.progressType!, token, handler),
    };
    this.analysis = new RemoteAnalysis(connection);
  }

  /**
   * The client, started: on first use (the first read of a patch mail), so that neither the
   * protocol library nor the server's process costs the editor's start-up anything. What asks
   * it before the server is up waits for it.
   */
  private started(): Client.LanguageClient {
    if (this.client) return this.client;
    // Loaded here, not with the extension: the protocol library is most of the extension's bundle.
    const lc = require('vscode-languageclient/node') as typeof Client;
    const module = this.context.asAbsolutePath('dist/server.js');
    const launch: Client.ServerOptions = { run: { module, transport: lc.TransportKind.ipc }, debug: { module, transport: lc.TransportKind.ipc } };
    const options: Client.LanguageClientOptions = {
      documentSelector: [{ language: LANGUAGE }],
      initializationOptions: serverOptions,
      outputChannelName: 'DAX Review Language Server',
      middleware: {
        didOpen: (doc, next) => (this.skip(doc) ? Promise.resolve() : next(doc)),
      },
    };
    const client = new lc.LanguageClient('daxReview', 'DAX Review', launch, options);
    this.client = client;
    this.progressType = new lc.ProgressType<unknown>();
    client.start().catch((e: unknown) => {
      void vscode.window.showErrorMessage(`DAX Review: the language server did not start: ${e instanceof Error ? e.message : String(e)}`);
    });
    return client;
  }

  view(p: ViewParams): void {
    this.notify(METHODS.view, p);
  }

  /** The settings changed: the server reads every mail again under them. (Not started yet, it
   *  takes them as it starts: initializationOptions.) */
  configure(): void {
    this.notify('workspace/didChangeConfiguration', { settings: { daxReview: serverOptions() } });
  }

  private notify(method: string, params: object): void {
    if (!this.client?.needsStop()) return;
    this.client.sendNotification(method, params).catch(() => undefined);
  }

  async stop(): Promise<void> {
    if (this.client?.needsStop()) await this.client.stop();
  }

  dispose(): void {
    void this.stop();
  }
}
