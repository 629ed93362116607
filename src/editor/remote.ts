// The analysis as the language server serves it, for an editor that is the server's client:
// the same ask and job the analysis worker answers directly (client.ts), sent as the custom
// requests of protocol.ts, with progress and partial results as $/progress and a cancelled
// job as $/cancelRequest (the server then ends that job's worker). No editor API here: the
// connection is given, as vscode-languageclient's LanguageClient or vscode-jsonrpc's
// MessageConnection offer it.
import { Cancelled, JobError, type JobHandle } from './errors';
import type { JobRequest, JobResults } from './jobs';
import { PartStore } from './parts';
import { METHODS, isDelta, type AnalyseAnswer, type AnalyseParams, type AskOp, type DocumentAnalysis, type JobOp, type JobParams, type WorkDone } from './protocol';

/** A cancellation token as vscode-jsonrpc takes it. */
export interface CancelToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

/** What the transport needs of a connection to the server. */
export interface ServerConnection {
  request(method: string, params: object, token?: CancelToken): Promise<unknown>;
  /** Receives the $/progress values sent for a token until disposed. */
  onProgress(token: string, handler: (value: unknown) => void): { dispose(): void };
}

/** JSON-RPC's code for a request the server answered as cancelled (LSPErrorCodes.RequestCancelled). */
const REQUEST_CANCELLED = -32800;

class Cancellation implements CancelToken {
  isCancellationRequested = false;
  private listeners = new Set<() => void>();

  onCancellationRequested(listener: () => void): { dispose(): void } {
    if (this.isCancellationRequested) { listener(); return { dispose: () => undefined }; }
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  }

  cancel(): void {
    if (this.isCancellationRequested) return;
    this.isCancellationRequested = true;
    for (const l of [...this.listeners]) l();
    this.listeners.clear();
  }
}

/** A server's error as the extension's code expects a job's: Cancelled or JobError. */
function jobError(e: unknown): Error {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === REQUEST_CANCELLED) return new Cancelled();
  return new JobError(e instanceof Error ? e.message : String(e));
}

/** An answer as a whole analysis: a delta merged into what the request had before. */
export function merge(store: PartStore, a: AnalyseAnswer): DocumentAnalysis {
  if (!isDelta(a)) return a;
  store.add(a.delta);
  return { version: a.version, analysis: store.analysis(), checked: a.checked };
}

export class RemoteAnalysis {
  private next = 1;

  constructor(private readonly connection: ServerConnection) {}

  /** The server's analysis of an open document as it is now; `partial` receives a large
   *  mailbox's analysis as it grows. `focus`: a mail line in view, read first. The server sends
   *  only what changed since its last answer, merged here. */
  async analyse(uri: string, focus: number | null, partial?: (a: DocumentAnalysis) => void): Promise<DocumentAnalysis> {
    const token = this.token('analyse');
    const store = new PartStore();
    const sub = partial ? this.connection.onProgress(token, (v) => partial(merge(store, v as AnalyseAnswer))) : null;
    const params: AnalyseParams = { textDocument: { uri }, focus, deltas: true, ...(partial ? { partialResultToken: token } : {}) };
    try {
      return merge(store, await this.call<AnalyseAnswer>(METHODS.analyse, params));
    } finally {
      sub?.dispose();
    }
  }

  /** A light request (the scenarios that run a hunk, the thread kinds) in the server's long-lived worker. */
  ask<K extends AskOp>(req: Extract<JobRequest, { op: K }>): Promise<JobResults[K]> {
    return this.call<JobResults[K]>(METHODS.ask, req);
  }

  /** A heavy request in a worker of the server's own; cancel() ends it and rejects with
   *  Cancelled. `document`: the open document whose text the job runs on (a check's findings
   *  then become its diagnostics). */
  job<K extends JobOp>(req: Extract<JobRequest, { op: K }>, progress: (text: string) => void, document?: { uri: string; version: number }): JobHandle<JobResults[K]> {
    const token = this.token('job');
    const cancel = new Cancellation();
    const sub = this.connection.onProgress(token, (v) => {
      const m = (v as WorkDone | null)?.message;
      if (m) progress(m);
    });
    const params = { ...req, ...(document ? { textDocument: document } : {}), workDoneToken: token } as JobParams;
    const result = this.call<JobResults[K]>(METHODS.job, params, cancel).finally(() => sub.dispose());
    return { result, cancel: () => cancel.cancel() };
  }

  private token(what: string): string {
    return `daxReview/${what}/${this.next++}`;
  }

  private async call<T>(method: string, params: object, token?: CancelToken): Promise<T> {
    try {
      return await this.connection.request(method, params, token) as T;
    } catch (e) {
      throw jobError(e);
    }
  }
}
