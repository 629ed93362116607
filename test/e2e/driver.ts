// code-server with the packaged VSIX, driven by Debian's Chromium: what the end-to-end tests
// and bench:editor share. The caller gives DAX_E2E_CODE_SERVER (the code-server package
// folder) and DAX_E2E_VSIX, as scripts/test-e2e.sh and scripts/bench-editor.sh set them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';
const LAUNCH_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export interface Session {
  page: Page;
  browser: BrowserContext;
  /** The workspace folder code-server opened. */
  folder: string;
  work: string;
  log(): string;
  stop(): Promise<void>;
}

/** Why the editor cannot be driven here, or null when it can. */
export function unavailable(): string | null {
  const codeServer = process.env.DAX_E2E_CODE_SERVER ?? '';
  const vsix = process.env.DAX_E2E_VSIX ?? '';
  if (!codeServer || !vsix) return 'DAX_E2E_CODE_SERVER and DAX_E2E_VSIX unset (run through scripts/test-e2e.sh or npm run bench:editor)';
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not found (apt-get install -y chromium)`;
  return null;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitHttp(url: string, ms: number, proc: ChildProcess): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`code-server exited with ${proc.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${url} within ${ms} ms`);
}

/** The editor's settings for a test profile: nothing asks, updates or phones home. */
export const EDITOR_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'editor.codeLens': true,
  // The web editor asks before opening a file over 10 MB; large mailboxes open without asking.
  'workbench.editorLargeFileConfirmation': 64,
};

/** A fresh editor profile in a temporary directory: user data with the test settings, an
 *  extensions directory and an empty workspace folder. */
export function profile(prefix: string, settings: Record<string, unknown> = {}): { work: string; userData: string; extensions: string; folder: string } {
  const work = mkdtempSync(path.join(os.tmpdir(), prefix));
  const userData = path.join(work, 'user-data');
  const extensions = path.join(work, 'extensions');
  const folder = path.join(work, 'workspace');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  mkdirSync(extensions);
  mkdirSync(folder);
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...EDITOR_SETTINGS, ...settings }, null, 2));
  return { work, userData, extensions, folder };
}

/** Installs the VSIX into the profile's extensions directory. */
function install(entry: string, common: string[], extensions: string): void {
  const inst = spawnSync(process.execPath, [entry, ...common, '--install-extension', process.env.DAX_E2E_VSIX!], { encoding: 'utf8', timeout: 120000 });
  if (inst.status !== 0) throw new Error(`--install-extension failed:\n${inst.stdout}\n${inst.stderr}`);
  if (!readdirSync(extensions).some((d) => d.startsWith('dax-review.dax-review'))) throw new Error(`not installed: ${readdirSync(extensions).join(', ')}`);
}

/** Installs the VSIX into a fresh profile, starts code-server on `files` and opens it in Chromium.
 *  `extension: false` leaves the VSIX out: the workbench alone, as bench:editor's anchor. */
export async function launch(files: Record<string, string>, settings: Record<string, unknown> = {}, opts: { extension?: boolean } = {}): Promise<Session> {
  const codeServer = process.env.DAX_E2E_CODE_SERVER!;
  const { work, userData, extensions, folder } = profile('dax-editor-', settings);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(folder, name), text);

  const entry = path.join(codeServer, 'out', 'node', 'entry.js');
  const common = ['--user-data-dir', userData, '--extensions-dir', extensions, '--disable-telemetry', '--disable-update-check'];
  if (opts.extension !== false) install(entry, common, extensions);

  let log = '';
  const port = await freePort();
  const server = spawn(process.execPath, [entry, ...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-workspace-trust', '--disable-getting-started-override', folder], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
  server.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
  await waitHttp(`http://127.0.0.1:${port}/healthz`, 60000, server);

  const browser = await chromium.launchPersistentContext(path.join(work, 'chromium'), {
    executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS, viewport: { width: 1600, height: 1000 },
  });
  const page = browser.pages()[0] ?? await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
  return {
    page, browser, folder, work, log: () => log,
    async stop() {
      await browser.close().catch(() => undefined);
      if (server.exitCode === null) {
        server.kill('SIGTERM');
        await new Promise((r) => setTimeout(r, 500));
      }
      if (!process.env.DAX_E2E_KEEP) rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Opens a workspace file by name through Quick Open. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press(`${MOD}+p`);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await input.press('Enter');
}

/**
 * Starts watching the workbench's main thread: every task over 50 ms (the browser's long
 * tasks), and the longest gap between 10 ms timer ticks, which a busy thread also stretches.
 */
export async function watchBlocking(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __dax: { longest: number; gap: number; tasks: number } };
    w.__dax = { longest: 0, gap: 0, tasks: 0 };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) { w.__dax.longest = Math.max(w.__dax.longest, e.duration); w.__dax.tasks++; }
    }).observe({ type: 'longtask', buffered: false });
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      w.__dax.gap = Math.max(w.__dax.gap, now - last - 10);
      last = now;
    }, 10);
  });
}

/** Starts the counts of watchBlocking again. */
export async function resetBlocking(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __dax: { longest: number; gap: number; tasks: number } };
    w.__dax.longest = 0;
    w.__dax.gap = 0;
    w.__dax.tasks = 0;
  });
}

/** The longest blocked interval since watchBlocking, in ms (long task or timer gap). */
export async function blocking(page: Page): Promise<{ longestTask: number; longestGap: number; tasks: number }> {
  return page.evaluate(() => {
    const w = window as unknown as { __dax: { longest: number; gap: number; tasks: number } };
    return { longestTask: w.__dax.longest, longestGap: w.__dax.gap, tasks: w.__dax.tasks };
  });
}

/** Errors, warnings and infos in the status bar's problems item (0 when none); its label
 *  spells the counts out where the item itself shows "1K". */
export async function problemCount(page: Page): Promise<number> {
  const item = page.locator('#status\\.problems').first();
  const label = await item.evaluate((e) => e.getAttribute('aria-label') ?? '').catch(() => '');
  const text = /\d/.test(label) ? label : await item.innerText().catch(() => '');
  return (text.replace(/,(?=\d{3})/g, '').match(/\d+/g) ?? []).map(Number).reduce((a, b) => a + b, 0);
}
