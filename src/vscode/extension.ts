// The extension's entry. Activation only loads the host module, which registers providers;
// the mail reader, the model and the explorer are never loaded on the extension host: they
// run in a worker started from this same bundle (see client.ts), on first use. The bundler
// keeps a module reached by require() here uninitialised until the call.
import { isMainThread, workerData } from 'node:worker_threads';
import type * as vscode from 'vscode';
import type * as Host from './host';
import type * as Analysis from './analysis';
import { WORKER_MARK } from './jobs';

function host(): typeof Host {
  return require('./host') as typeof Host;
}

export function activate(context: vscode.ExtensionContext): void {
  const t0 = performance.now();
  const h = host();
  h.activate(context, t0, performance.now());
}

export async function deactivate(): Promise<void> {
  await host().deactivate();
}

if (!isMainThread && (workerData as { mark?: string } | null)?.mark === WORKER_MARK) {
  (require('./analysis') as typeof Analysis).serve();
}
