// The language server as an editor meets it: the CLI and the analysis worker bundled into a
// folder of their own (as dist/ has them), `dax-review lsp` started on a pipe, and a JSON-RPC
// connection speaking the Language Server Protocol to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

const root = path.join(__dirname, '..', '..');

/** Bundles the CLI and the analysis worker into a temporary folder; returns it. */
export async function bundleServer(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dax-lsp-'));
  const common = {
    bundle: true, platform: 'node' as const, target: 'node20', format: 'cjs' as const, external: ['vscode'],
    logLevel: 'warning' as const, loader: { '.c': 'text' as const, '.h': 'text' as const },
  };
  await Promise.all([
    esbuild.build({ ...common, entryPoints: [path.join(root, 'src/cli/main.ts')], outfile: path.join(dir, 'cli.js') }),
    esbuild.build({ ...common, entryPoints: [path.join(root, 'src/editor/worker.ts')], outfile: path.join(dir, 'analysis.js') }),
  ]);
  const req = createRequire(__filename);
  copyFileSync(req.resolve('web-tree-sitter/web-tree-sitter.wasm'), path.join(dir, 'web-tree-sitter.wasm'));
  copyFileSync(req.resolve('tree-sitter-c/tree-sitter-c.wasm'), path.join(dir, 'tree-sitter-c.wasm'));
  return dir;
}

export function removeBundle(dir: string): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

export interface Server {
  proc: ChildProcess;
  rpc: MessageConnection;
  stderr: () => string;
  stop(): Promise<void>;
}

export function startServer(dir: string): Server {
  const proc = spawn(process.execPath, [path.join(dir, 'cli.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const rpc = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  rpc.listen();
  return {
    proc, rpc, stderr: () => err,
    async stop() {
      if (proc.exitCode === null) {
        await rpc.sendRequest('shutdown').catch(() => undefined);
        await rpc.sendNotification('exit').catch(() => undefined);
        await new Promise((r) => { const t = setTimeout(() => { proc.kill(); r(undefined); }, 3000); proc.once('exit', () => { clearTimeout(t); r(undefined); }); });
      }
      rpc.dispose();
    },
  };
}

export function fileUri(file: string): string {
  return pathToFileURL(file).toString();
}
