// The extension's entry. Activation loads the host module, which registers the extension's
// features, and counts that loading in the activation time it logs. The mail reader, the model
// and the explorer are never loaded on the extension host: they run in the language server's
// analysis workers (dist/server.js, dist/analysis.js), started on the first patch mail.
import type * as vscode from 'vscode';
import type * as Host from './host';

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
