// End to end in a real VS Code: code-server with the packaged VSIX, driven by Chromium.
// scripts/test-e2e.sh installs code-server (cached) and builds the VSIX, then runs this with
// DAX_E2E_CODE_SERVER (the code-server package folder) and DAX_E2E_VSIX set.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Frame, type FrameLocator, type Page } from 'playwright-core';
import { mailbox } from '../support/mailbox';
import { blocking, freePort, openFile, profile, waitHttp, watchBlocking } from './driver';

const root = path.join(__dirname, '..', '..');
const results = path.join(root, 'test-results');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const codeServer = process.env.DAX_E2E_CODE_SERVER ?? '';
const vsix = process.env.DAX_E2E_VSIX ?? '';
const LAUNCH_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

/** A patch to drivers/nvdimm/pmem.c: no part of the model has that file. */
const OUTSIDE = 'pmem-direct-access.patch';

describe('DAX Review in code-server', function () {
  this.timeout(180000);
  let work = '';
  let server: ChildProcess | undefined;
  let browser: BrowserContext | undefined;
  let page: Page;
  let seed = '';
  /** The first hunk's line in the 1,000-message mailbox. */
  let firstHunk = 0;
  let serverLog = '';
  let shot = 0;

  async function screenshot(name: string): Promise<void> {
    mkdirSync(results, { recursive: true });
    await page.screenshot({ path: path.join(results, `e2e-${String(++shot).padStart(2, '0')}-${name}.png`) }).catch(() => undefined);
  }

  before(async function () {
    if (!codeServer || !vsix) {
      console.log('    skipped: run through scripts/test-e2e.sh (DAX_E2E_CODE_SERVER and DAX_E2E_VSIX unset)');
      this.skip();
    }
    if (!existsSync(CHROMIUM)) {
      console.log(`    skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
      this.skip();
    }
    if (existsSync(results)) for (const f of readdirSync(results)) if (f.startsWith('e2e-')) rmSync(path.join(results, f));
    const p = profile('dax-e2e-');
    work = p.work;
    const { userData, extensions, folder } = p;
    const seedName = readdirSync(path.join(root, 'test/fixtures/seeds')).find((f) => f.startsWith('000_'))!;
    seed = path.join(folder, seedName);
    copyFileSync(path.join(root, 'test/fixtures/seeds', seedName), seed);
    copyFileSync(path.join(root, 'test/fixtures/outside', OUTSIDE), path.join(folder, OUTSIDE));
    for (const n of ['002', '003', '004']) {
      const name = readdirSync(path.join(root, 'test/fixtures/seeds')).find((f) => f.startsWith(`${n}_`))!;
      copyFileSync(path.join(root, 'test/fixtures/seeds', name), path.join(folder, name));
    }
    const box = mailbox(1000);
    firstHunk = box.split('\n').findIndex((l) => /^[> ]*@@ /.test(l)) + 1;
    writeFileSync(path.join(folder, 'mailbox-1000.mbox'), box);

    const entry = path.join(codeServer, 'out', 'node', 'entry.js');
    const common = ['--user-data-dir', userData, '--extensions-dir', extensions, '--disable-telemetry', '--disable-update-check'];
    const inst = spawnSync(process.execPath, [entry, ...common, '--install-extension', vsix], { encoding: 'utf8', timeout: 120000 });
    assert.equal(inst.status, 0, `--install-extension failed:\n${inst.stdout}\n${inst.stderr}`);
    assert.ok(readdirSync(extensions).some((d) => d.startsWith('dax-review.dax-review')), `not installed: ${readdirSync(extensions).join(', ')}`);

    const port = await freePort();
    server = spawn(process.execPath, [entry, ...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
      '--disable-workspace-trust', '--disable-getting-started-override', folder], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d: Buffer) => { serverLog += d.toString(); });
    server.stderr!.on('data', (d: Buffer) => { serverLog += d.toString(); });
    await waitHttp(`http://127.0.0.1:${port}/healthz`, 60000, server);

    browser = await chromium.launchPersistentContext(path.join(work, 'chromium'), {
      executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS, viewport: { width: 1600, height: 1000 },
    });
    page = browser.pages()[0] ?? await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await screenshot(`failed-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-')}`);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
    }
    if (serverLog) {
      mkdirSync(results, { recursive: true });
      writeFileSync(path.join(results, 'e2e-code-server.log'), serverLog);
    }
    if (work && !process.env.DAX_E2E_KEEP) rmSync(work, { recursive: true, force: true });
  });

  async function command(title: string): Promise<void> {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: 30000 });
    await input.press('Enter');
  }

  async function goToLine(line: number): Promise<void> {
    await page.keyboard.press(`${MOD}+g`);
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`:${line}`);
    await input.press('Enter');
  }

  function panelFrame(): FrameLocator {
    // A webview is an iframe holding the page in another iframe.
    return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  it('opens seed 000 as patch mail, with a lens above every hunk', async () => {
    await page.keyboard.press(`${MOD}+p`);
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(path.basename(seed));
    await page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(seed) }).first().waitFor();
    await input.press('Enter');
    await page.locator('.monaco-editor .view-lines').first().waitFor();
    await page.locator('.statusbar-item', { hasText: 'Patch Mail' }).waitFor({ timeout: 60000 });
    await page.locator('.codelens-decoration', { hasText: 'Simulate hunk' }).first().waitFor({ timeout: 60000 });
    await screenshot('seed-000-open');
  });

  it('activated quickly: under 150 ms by its own count, in its output channel', async () => {
    // VS Code writes every output channel to a file under the user data's logs.
    const find = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? find(path.join(dir, d.name)) : /DAX Review\.log$/.test(d.name) ? [path.join(dir, d.name)] : []);
    let ms: number | null = null;
    let line = '';
    for (let i = 0; i < 50 && ms === null; i++) {
      for (const f of find(path.join(work, 'user-data', 'logs'))) {
        const m = /activated in ([\d.]+) ms.*/.exec(readFileSync(f, 'utf8'));
        if (m) { ms = Number(m[1]); line = m[0]; }
      }
      if (ms === null) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(ms !== null, 'the extension logged its activation');
    console.log(`      ${line}`);
    // A bound that catches heavy work at activation (loading the C parser, reading a mailbox)
    // on a loaded machine too; the figure itself is printed above.
    assert.ok(ms < 150, `activation took ${ms} ms`);
  });

  it('shows the series overview and the reviewers\' comments', async () => {
    await command('DAX Review: Open Series Overview');
    const tree = page.locator('.pane', { hasText: 'Patch Series' });
    await tree.locator('.monaco-list-row', { hasText: 'grab_mapping_entry' }).first().waitFor({ timeout: 30000 });
    await command('Comments: Focus on Comments View');
    await page.locator('.comments-panel, .comments-tree, [id="workbench.panel.comments"]').locator('.monaco-list-row', { hasText: 'Jan Kara' }).first().waitFor({ timeout: 30000 });
    await screenshot('series-and-comments');
  });

  it('lists the findings in the Problems panel', async () => {
    await command('View: Focus Problems (Errors, Warnings, Infos)');
    const rows = page.locator('.markers-panel .monaco-list-row', { hasText: 'dax-review' });
    await rows.first().waitFor({ timeout: 60000 });
    await screenshot('problems');
    const texts = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
    const ours = texts.filter((t) => /dax-review/.test(t) && !/dax-review \(mail\)/.test(t));
    assert.ok(ours.length >= 3, `findings in Problems:\n${texts.join('\n')}`);
  });

  it('simulates the grab_mapping_entry hunk and shows the lost wakeup', async () => {
    const lines = readFileSync(seed, 'utf8').split('\n');
    const at = lines.findIndex((l) => /^[> ]*\+static void \*grab_mapping_entry\(/.test(l)) + 1;
    assert.ok(at > 0, 'the grab_mapping_entry hunk is in seed 000');
    await page.locator('.monaco-editor .view-lines').first().click();
    await goToLine(at);
    await command('DAX Review: Simulate Hunk');
    // Several scenarios run this hunk: the panel should show the PMD downgrade's lost wakeup.
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout: 60000 });
    const downgrade = rows.filter({ hasText: /^pmd-downgrade$/ });
    await (await downgrade.count() ? downgrade.first() : rows.first()).click();
    const frame = panelFrame();
    await screenshot('simulating');
    await frame.locator('#results-body', { hasText: 'lost-wakeup' }).waitFor({ timeout: 120000 });
    await frame.locator('#trace').waitFor({ state: 'visible' });
    assert.ok(await frame.locator('#lanes-head .thread').count() >= 2, 'one swimlane per thread');
    await screenshot('simulated');
  });

  it('steps through the trace', async () => {
    const frame = panelFrame();
    const position = frame.locator('#position');
    assert.match(await position.innerText(), /^step 1 of \d+/);
    await frame.locator('#next').click();
    await frame.locator('#next').click();
    assert.match(await position.innerText(), /^step 3 of \d+/);
    await frame.locator('#prev').click();
    assert.match(await position.innerText(), /^step 2 of \d+/);
    await screenshot('stepped');
  });

  /** Swimlane rows wholly in view, in the panel's page and in its lanes. */
  async function rowsInView(frame: FrameLocator): Promise<{ rows: number; current: boolean }> {
    // No named function inside: the page has no helper for the names the test runner adds.
    return frame.locator('#lanes').evaluate((lanes) => {
      const l = lanes.getBoundingClientRect();
      const top = Math.max(l.top, 0) - 1;
      const bottom = Math.min(l.bottom, window.innerHeight) + 1;
      let rows = 0;
      let current = false;
      for (const e of Array.from(lanes.querySelectorAll('.row'))) {
        const r = e.getBoundingClientRect();
        if (r.top < top || r.bottom > bottom) continue;
        rows++;
        if (e.classList.contains('current')) current = true;
      }
      return { rows, current };
    });
  }

  it('shows at least 8 swimlane rows in the bottom panel at its default height, and keeps the current row in view', async () => {
    const frame = panelFrame();
    const first = await rowsInView(frame);
    assert.ok(first.rows >= 8, `${first.rows} rows in view`);
    for (let i = 0; i < 14; i++) await frame.locator('#next').click();
    assert.match(await frame.locator('#position').innerText(), /^step \d+ of \d+/);
    assert.ok((await rowsInView(frame)).current, 'the current step is in view after stepping');
    await screenshot('panel-rows');
    await frame.locator('#first').click();
  });

  it('shows the state at the step as a tree beside the swimlanes, filtered to what the step changed on demand', async () => {
    const frame = panelFrame();
    await frame.locator('#next').click();
    await frame.locator('#next').click();
    const tree = frame.locator('#state-tree');
    await tree.locator('vscode-tree-item[data-id="threads"]').waitFor({ timeout: 30000 });
    const lanes = (await frame.locator('#lanes').boundingBox())!;
    const box = (await tree.boundingBox())!;
    assert.ok(box.x >= lanes.x + lanes.width - 1, 'in the bottom panel the tree is beside the lanes');
    /** Ids of the tree's items in view: inside open items, not filtered away. */
    const shown = () => tree.locator('vscode-tree-item').evaluateAll((els) => els
      .filter((e) => e.getBoundingClientRect().height > 0)
      .map((e) => `${(e as HTMLElement).dataset.id}${e.classList.contains('changed') ? ' *' : ''}`));
    const all = await shown();
    await frame.locator('#changed-only').click();
    const changed = await shown();
    const groups = ['entries', 'waitqueues', 'locks', 'threads', 'other'];
    assert.ok(changed.length < all.length, `${changed.length} of ${all.length} items with the filter on`);
    assert.ok(changed.every((id) => groups.includes(id.replace(/ \*$/, '')) || id.endsWith(' *')), `only what changed:\n${changed.join('\n')}`);
    await screenshot('state-tree-changed-only');
    await frame.locator('#changed-only').click();
    await frame.locator('#first').click();
  });

  it('takes a comment typed on a hunk line into the pending review', async () => {
    const lines = readFileSync(seed, 'utf8').split('\n');
    const at = lines.findIndex((l) => /^[> ]*\+static void \*grab_mapping_entry\(/.test(l)) + 1;
    await page.locator('.monaco-editor .view-lines').first().click();
    await goToLine(at);
    await command('Add Comment on Current Selection');
    const box = page.locator('.review-widget textarea, .review-widget .monaco-editor textarea').first();
    await box.waitFor({ timeout: 30000 });
    await page.keyboard.type('Why does the downgrade not wake the waiters of 0x200?');
    await page.getByRole('button', { name: 'Add Review Comment' }).first().click();
    await page.locator('.review-widget', { hasText: 'you (pending review)' }).first().waitFor({ timeout: 30000 });
    await screenshot('own-comment');
  });

  it('drafts the review reply as a new mail document, with the comment typed', async () => {
    await page.locator('.monaco-editor .view-lines').first().click();
    await command('DAX Review: Draft Review Reply');
    // The reply runs the full check (every hunk simulated) before it is written.
    await page.locator('.tab', { hasText: 'Untitled' }).first().waitFor({ timeout: 240000 });
    const editor = page.locator('.editor-group-container.active .monaco-editor .view-lines');
    await editor.filter({ hasText: 'Subject: Re:' }).first().waitFor({ timeout: 30000 });
    await screenshot('reply');
    await page.keyboard.press(`${MOD}+f`);
    await page.keyboard.type('wake the waiters of 0x200');
    await page.locator('.find-widget .matchesCount', { hasText: /^1 of 1$/ }).waitFor({ timeout: 15000 });
    await page.keyboard.press('Escape');
    await screenshot('reply-with-comment');
    // The reply quotes the hunks it answers, but it is mail being written, not patch mail under
    // review: the language server is never given it, so no lens appears on its quoted hunks.
    await page.waitForTimeout(3000);
    const lenses = await page.locator('.editor-group-container.active .codelens-decoration').allInnerTexts();
    assert.deepEqual(lenses, [], 'no lens on the drafted reply');
  });

  it('says of a patch to a file the model does not have that it runs none of it, with no simulate lens', async () => {
    const name = OUTSIDE;
    await openFile(page, name);
    const hunkAt = readFileSync(path.join(path.dirname(seed), name), 'utf8').split('\n').findIndex((l) => /^[> ]*@@ /.test(l)) + 1;
    assert.ok(hunkAt > 0, 'the patch has a hunk');
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await goToLine(hunkAt + 1);
    const lenses = page.locator('.editor-group-container.active .codelens-decoration');
    await lenses.filter({ hasText: 'outside the model' }).first().waitFor({ timeout: 60000 });
    assert.equal(await lenses.filter({ hasText: 'Simulate hunk' }).count(), 0, (await lenses.allInnerTexts()).join('\n'));
    await screenshot('outside-the-model');
  });

  it('offers on seed 002\'s prose the scenario that runs the functions it names, and runs it in the panel', async () => {
    const name = readdirSync(path.dirname(seed)).find((f) => f.startsWith('002_'))!;
    await openFile(page, name);
    const lenses = page.locator('.editor-group-container.active .codelens-decoration');
    const life = lenses.locator('a', { hasText: /Simulate xa-zap-lifecycle/ }).first();
    await life.waitFor({ timeout: 60000 });
    assert.equal(await lenses.filter({ hasText: 'Simulate hunk' }).count(), 0, 'no hunk in the seed: nothing to simulate as a hunk');
    await life.click();
    const frame = panelFrame();
    await frame.locator('#results-body', { hasText: 'xa-zap-lifecycle' }).waitFor({ timeout: 120000 });
    await frame.locator('#results-body .verdict.ok').first().waitFor({ timeout: 60000 });
    assert.match(await frame.locator('#where').innerText(), /model's own functions \(XArray v6\.12\+zap\)/);
    await screenshot('seed-002-scenario');
  });

  for (const n of ['003', '004']) {
    it(`opens seed ${n} with a simulate lens on the hunks the model runs, and simulates one`, async () => {
      const name = readdirSync(path.dirname(seed)).find((f) => f.startsWith(`${n}_`))!;
      await openFile(page, name);
      const lenses = page.locator('.editor-group-container.active .codelens-decoration');
      const runs = /Simulate hunk · .*model covers [1-9]\d*\/\d+ changed lines/;
      // Read and bound: its lenses exist, drawn or not (a lens is drawn only on a line in view).
      await lenses.filter({ hasText: /Simulate hunk|outside the model/ }).first().waitFor({ state: 'attached', timeout: 90000 });
      // Lenses are drawn for the lines in view: go to each hunk until one the model runs shows.
      const hunks = readFileSync(path.join(path.dirname(seed), name), 'utf8').split('\n').flatMap((l, i) => (/^[> ]*@@ /.test(l) ? [i + 1] : []));
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
      const frame = panelFrame();
      const lastRun = await frame.locator('#where').innerText({ timeout: 5000 }).catch(() => '');
      let lens = lenses.locator('a', { hasText: runs }).first();
      for (const at of hunks) {
        await goToLine(at);
        lens = lenses.locator('a:visible', { hasText: runs }).first();
        if (await lens.waitFor({ timeout: 3000 }).then(() => true, () => false)) break;
      }
      await lens.click();
      // Several scenarios may run the hunk: take them all.
      const every = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'every scenario' });
      if (await every.first().waitFor({ timeout: 10000 }).then(() => true, () => false)) await every.first().click();
      // Until this run's model arrives the panel shows the last run, whose status has the same words.
      let status = '';
      let where = lastRun;
      for (let t = Date.now(); Date.now() - t < 120000; await page.waitForTimeout(250)) {
        where = await frame.locator('#where').innerText();
        status = await frame.locator('#status').innerText();
        if (where !== lastRun && /clean|break|budget/.test(status)) break;
      }
      assert.notEqual(where, lastRun, 'the panel shows this run\'s hunk');
      assert.match(status, /clean|break|budget/);
      assert.ok(await frame.locator('#results-body tr').count() > 0, 'the run\'s results are listed');
      await screenshot(`seed-${n}-simulated`);
    });
  }

  it('shows every column of the panel beside the editor at 540 px', async () => {
    // Two editor groups side by side, no side bar: 1,128 px less the activity bar is two of 540.
    await page.setViewportSize({ width: 1128, height: 1000 });
    await command('View: Close Primary Side Bar');
    await command('View: Single Column Editor Layout');
    await openFile(page, path.basename(seed));
    await command('DAX Review: Open Trace Panel Beside the Editor');
    await command('View: Reset Editor Group Sizes');
    const beside = async (): Promise<Frame | null> => {
      for (const f of page.frames()) {
        const w = await f.evaluate(() => (document.getElementById('lanes-head') && document.getElementById('trace')?.hidden === false ? window.innerWidth : 0)).catch(() => 0);
        if (w > 0 && w < 800) return f;
      }
      return null;
    };
    let frame: Frame | null = null;
    for (let i = 0; i < 60 && !frame; i++) { frame = await beside(); if (!frame) await page.waitForTimeout(500); }
    assert.ok(frame, 'the panel beside the editor shows the trace');
    const fit = await frame.evaluate(() => ({
      width: window.innerWidth,
      cells: Array.from(document.querySelectorAll('#lanes-head .cell')).map((c) => c.getBoundingClientRect().right),
      scroll: document.documentElement.scrollWidth,
    }));
    console.log(`      panel beside the editor: ${fit.width} px wide`);
    assert.ok(fit.width <= 600, `the column is ${fit.width} px`);
    for (const right of fit.cells) assert.ok(right <= fit.width + 0.5, `a column ends at ${right} of ${fit.width}`);
    assert.ok(fit.scroll <= fit.width, 'no sideways scrolling');
    await screenshot('panel-beside-540');
    await page.setViewportSize({ width: 1600, height: 1000 });
  });

  it('opens a 1,000-message mailbox without blocking the editor for long', async () => {
    await watchBlocking(page);
    const t0 = Date.now();
    await openFile(page, 'mailbox-1000.mbox');
    await page.locator('.editor-group-container.active .monaco-editor .view-lines', { hasText: 'From mailbox-0@example.org' }).first().waitFor({ timeout: 120000 });
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await goToLine(firstHunk + 1);
    await page.locator('.editor-group-container.active .codelens-decoration', { hasText: /Simulate hunk|outside the model/ }).first().waitFor({ timeout: 120000 });
    const lens = Date.now() - t0;
    for (let i = 0; i < 10; i++) { await page.mouse.wheel(0, 4000); await page.waitForTimeout(200); }
    const b = await blocking(page);
    console.log(`      1,000 messages: lenses of the message in view after ${lens} ms; longest blocked ${b.longestTask.toFixed(0)} ms (long tasks), ${b.longestGap.toFixed(0)} ms (timer gap)`);
    await screenshot('mailbox-1000');
    // Loosely: the target is 100 ms; this machine's editor work (not the review's) varies.
    assert.ok(b.longestTask < 2000, `the workbench was blocked ${b.longestTask.toFixed(0)} ms at once`);
  });
});
