// npm run bench:editor: mailboxes of 1, 100 and 1,000 messages opened in code-server (the
// packaged extension, Debian's Chromium), as a reviewer opens them. Prints per size the time
// from opening to the file shown, to the first diagnostics, to the last (the extension's log
// says its read is done), to the lenses of the message in view, and the longest interval the
// workbench's main thread was blocked (long tasks; the longest stretch of a 10 ms timer as a
// check), while the editor opened the file and then while the mail was reviewed, with the
// machine's load average, since other work on it stretches every figure. Beside each size, the
// anchor: the same mailbox opened in the same code-server without the extension and watched
// as long, so the workbench's own blocking (laying out, syncing and colouring a large file) is
// measured in the same run as ours, and the ratio of the two.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mailbox } from '../../test/support/mailbox';
import type { Page } from 'playwright-core';
import { blocking, launch, openFile, problemCount, resetBlocking, unavailable, watchBlocking } from '../../test/e2e/driver';

const SIZES = (process.env.DAX_BENCH_SIZES ?? '1,100,1000').split(',').map(Number);
/** After the read is done, the problems count is taken once it has not changed for this long. */
const SETTLE_MS = 3000;
const LIMIT_MS = Number(process.env.DAX_BENCH_LIMIT_S ?? 300) * 1000;

interface Blocked { longestTask: number; longestGap: number; tasks: number }
interface Row { messages: number; lines: number; shown: number; first: number | null; all: number | null; lens: number | null; count: number; opening: Blocked; after: Blocked; watched: number }
interface Anchor { shown: number; opening: Blocked; after: Blocked }

/** The lines of the extension's output channel's log. */
function logLines(work: string): string[] {
  const find = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? find(path.join(dir, d.name)) : /DAX Review\.log$/.test(d.name) ? [path.join(dir, d.name)] : []);
  try {
    return find(path.join(work, 'user-data', 'logs')).flatMap((f) => readFileSync(f, 'utf8').split('\n'));
  } catch {
    return [];
  }
}

/** The extension's own account of reading the file. */
function readLog(work: string, name: string): string | null {
  return logLines(work).find((l) => l.includes('read ') && l.includes(name))?.replace(/^.*?read \S+/, 'first read') ?? null;
}

/** Every finding is on the editor: a large mailbox's log says so before its read ends. */
function findingsLogged(work: string, name: string): boolean {
  return logLines(work).some((l) => l.includes('every finding of') && l.includes(name));
}

/** Opens the file and waits for its first line on screen: the time it took, and the blocking
 *  meanwhile (the editor's own work opening it, apart from what follows while it is reviewed). */
async function open(page: Page, name: string): Promise<{ t0: number; shown: number; opening: Blocked }> {
  await watchBlocking(page);
  const t0 = Date.now();
  await openFile(page, name);
  await page.locator('.monaco-editor .view-lines', { hasText: 'From mailbox-0@example.org' }).first().waitFor({ timeout: 120000 });
  const shown = Date.now() - t0;
  const opening = await blocking(page);
  await resetBlocking(page);
  return { t0, shown, opening };
}

/** DAX_BENCH_PROFILE=DIR: the workbench's main thread profiled while the mail is reviewed,
 *  written to DIR as bench-editor-N.cpuprofile (Chromium's DevTools open it). */
async function profiling(page: Page, n: number): Promise<() => Promise<void>> {
  const dir = process.env.DAX_BENCH_PROFILE;
  if (!dir) return async () => undefined;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(path.join(dir, `bench-editor-${n}.cpuprofile`), JSON.stringify(profile));
  };
}

async function measure(n: number): Promise<Row> {
  const text = mailbox(n);
  const name = `mailbox-${n}.mbox`;
  const s = await launch({ [name]: text });
  try {
    const page = s.page;
    const { t0, shown, opening } = await open(page, name);
    const profiled = await profiling(page, n);
    let first: number | null = null;
    let lens: number | null = null;
    let count = 0;
    let changed = Date.now();
    let all: number | null = null;
    while (Date.now() - t0 < LIMIT_MS) {
      const c = await problemCount(page);
      if (c !== count) { count = c; changed = Date.now(); }
      if (first === null && c > 0) first = Date.now() - t0;
      if (lens === null && await page.locator('.codelens-decoration', { hasText: /Simulate hunk|outside the model/ }).count()) lens = Date.now() - t0;
      // The extension logs when every finding is on the editor (a large mailbox's before its
      // lenses' coverage is bound), and each read it finishes.
      if (all === null && (findingsLogged(s.work, name) || readLog(s.work, name))) all = Date.now() - t0;
      if (all !== null && lens !== null && readLog(s.work, name) && Date.now() - changed > SETTLE_MS) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (process.env.DAX_BENCH_SHOTS) await page.screenshot({ path: `${process.env.DAX_BENCH_SHOTS}/bench-editor-${n}.png` }).catch(() => undefined);
    const after = await blocking(page);
    await profiled();
    const read = readLog(s.work, name);
    if (read) console.log(`  the extension's log: ${read}`);
    return { messages: n, lines: text.split('\n').length, shown, first, all, lens, count, opening, after, watched: Date.now() - t0 - shown };
  } finally {
    await s.stop();
  }
}

/** The same mailbox in code-server without the extension, watched as long after it is shown
 *  (`watchMs`) and polled as the measured run polls it. */
async function measureAnchor(n: number, watchMs: number): Promise<Anchor> {
  const name = `mailbox-${n}.mbox`;
  const s = await launch({ [name]: mailbox(n) }, {}, { extension: false });
  try {
    const page = s.page;
    const { shown, opening } = await open(page, name);
    const end = Date.now() + watchMs;
    while (Date.now() < end) {
      await problemCount(page);
      await page.locator('.codelens-decoration').count();
      await new Promise((r) => setTimeout(r, 100));
    }
    return { shown, opening, after: await blocking(page) };
  } finally {
    await s.stop();
  }
}

/** The longest blocked interval either way of measuring it. */
function longest(...bs: Blocked[]): number {
  return Math.max(...bs.map((b) => Math.max(b.longestTask, b.longestGap)));
}

async function main(): Promise<void> {
  const why = unavailable();
  if (why) { console.log(`bench:editor skipped: ${why}`); return; }
  console.log('messages   lines   shown   first diagnostics   all diagnostics   lenses in view   problems   longest blocked, long task / timer gap: opening the file | while reviewed'
    + ' || anchor, no extension: shown   opening the file | watched as long   longest blocked, ours / anchor');
  for (const n of SIZES) {
    const r = await measure(n);
    const a = await measureAnchor(n, r.watched);
    const f = (x: number | null) => (x === null ? `> ${LIMIT_MS / 1000} s` : `${(x / 1000).toFixed(1)} s`).padStart(8);
    const b = (x: Blocked) => `${x.longestTask.toFixed(0)} / ${x.longestGap.toFixed(0)} ms (${x.tasks} over 50 ms)`;
    const ratio = `${longest(r.opening, r.after).toFixed(0)} / ${longest(a.opening, a.after).toFixed(0)} ms = ${(longest(r.opening, r.after) / Math.max(longest(a.opening, a.after), 1)).toFixed(1)}x`;
    console.log(`${String(r.messages).padStart(8)} ${String(r.lines).padStart(7)} ${f(r.shown)}   ${f(r.first)}            ${f(r.all)}          ${f(r.lens)}       ${String(r.count).padStart(6)}     ${b(r.opening)} | ${b(r.after)}`
      + ` || ${f(a.shown)}   ${b(a.opening)} | ${b(a.after)}   ${ratio}`);
  }
  console.log(`targets: all diagnostics within 2 s; the workbench never blocked over 100 ms (load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, ${os.cpus().length} cores)`);
  console.log('(the editor shows at most 1,000 problems a file, and says how many it left out as one more)');
}

main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
