// Layer 3: the extension inside a real VS Code (Electron), with @vscode/test-electron.
// Runs where a VS Code build is present: VSCODE_EXECUTABLE_PATH, or one test-electron
// downloaded earlier into .vscode-test/. Never downloads one itself.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { runTests } from '@vscode/test-electron';

const root = path.join(__dirname, '..', '..');

function cachedBuild(): string | null {
  const cache = path.join(root, '.vscode-test');
  if (!existsSync(cache)) return null;
  for (const d of readdirSync(cache).filter((x) => x.startsWith('vscode-')).sort().reverse()) {
    for (const exe of ['code', 'Code', 'VSCode-linux-x64/code', 'Visual Studio Code.app/Contents/MacOS/Electron', 'Code.exe']) {
      const p = path.join(cache, d, exe);
      if (existsSync(p)) return p;
    }
  }
  return null;
}

async function main(): Promise<number> {
  const exe = process.env.VSCODE_EXECUTABLE_PATH || cachedBuild();
  if (!exe || !existsSync(exe)) {
    console.log('test:vscode skipped: no VS Code build here (set VSCODE_EXECUTABLE_PATH, or keep a test-electron download in .vscode-test/).');
    console.log('\ntests: 0 passed, 0 failed, 1 skipped');
    return 0;
  }
  const out = path.join(root, 'out', 'test-vscode');
  mkdirSync(out, { recursive: true });
  const suite = path.join(__dirname, 'suite');
  await esbuild.build({
    entryPoints: readdirSync(suite).filter((f) => f.endsWith('.ts')).map((f) => path.join(suite, f)),
    outdir: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true,
    external: ['vscode', 'mocha'], logLevel: 'warning',
  });
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dax-vscode-'));
  const seeds = path.join(root, 'test', 'fixtures', 'seeds');
  for (const f of readdirSync(seeds)) copyFileSync(path.join(seeds, f), path.join(folder, f));
  try {
    await runTests({
      vscodeExecutablePath: exe,
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(out, 'index.js'),
      launchArgs: [folder, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      extensionTestsEnv: { DAX_FIXTURES: folder },
    });
    return 0;
  } catch (e) {
    console.error(`test:vscode failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

main().then((code) => { process.exitCode = code; });
