// Bundles every entry point with esbuild and copies the wasm assets beside them.
//   node scripts/build.mjs               development: source maps, not minified
//   node scripts/build.mjs --production  minified, no source maps (what the VSIX ships)
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const dist = path.join(root, 'dist');
mkdirSync(dist, { recursive: true });

const node = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs',
  sourcemap: !production, minify: production, logLevel: 'warning',
  external: ['vscode'],
  // The model's kernel C (src/model/eras/*) is bundled as text.
  loader: { '.c': 'text', '.h': 'text' },
};
const entries = [
  { in: 'src/cli/main.ts', out: 'cli.js', banner: { js: '#!/usr/bin/env node' } },
  { in: 'src/vscode/extension.ts', out: 'extension.js' },
  { in: 'src/lsp/main.ts', out: 'server.js' },
  { in: 'src/editor/worker.ts', out: 'analysis.js' },
  { in: 'src/check/worker.ts', out: 'worker.js' },
  { in: 'src/cli/parse-worker.ts', out: 'parse-worker.js' },
  { in: 'fuzz/main.ts', out: 'fuzz.js' },
  { in: 'fuzz/worker.ts', out: 'fuzz-worker.js' },
];
const builds = [];
for (const e of entries) {
  if (!existsSync(path.join(root, e.in))) continue;
  builds.push(esbuild.build({ ...node, entryPoints: [path.join(root, e.in)], outfile: path.join(dist, e.out), banner: e.banner }));
}
const webview = path.join(root, 'src/vscode/webview/main.ts');
if (existsSync(webview)) {
  builds.push(esbuild.build({
    bundle: true, platform: 'browser', target: 'chrome120', format: 'iife',
    sourcemap: !production, minify: production, logLevel: 'warning',
    entryPoints: [webview], outfile: path.join(dist, 'webview.js'),
  }));
}
const benchDir = path.join(root, 'bench');
if (existsSync(benchDir)) {
  for (const f of readdirSync(benchDir)) {
    if (!f.endsWith('.ts')) continue;
    builds.push(esbuild.build({ ...node, sourcemap: false, entryPoints: [path.join(benchDir, f)], outfile: path.join(dist, 'bench', f.replace(/\.ts$/, '.js')) }));
  }
}
await Promise.all(builds);

// The parser runs tree-sitter-c through web-tree-sitter: both wasm files ship beside the bundles.
copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), path.join(dist, 'web-tree-sitter.wasm'));
copyFileSync(require.resolve('tree-sitter-c/tree-sitter-c.wasm'), path.join(dist, 'tree-sitter-c.wasm'));
