// The extension's entry. Activation only loads the host module, which registers providers;
// the mail reader, the model and the explorer are never loaded on the extension host: they
// run in the analysis worker (dist/analysis.js, see client.ts), started on first use.
import type * as vscode from 'vscode';
import * as host from './host';

export function activate(context: vscode.ExtensionContext): void {
  const t0 = performance.now();
  host.activate(context, t0, performance.now());
}

export async function deactivate(): Promise<void> {
  await host.deactivate();
}
