// The panel's webview alone, in Debian's Chromium, with acquireVsCodeApi stubbed: what the
// reviewer sees of a counterexample, and that mail text never runs as HTML.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { panelHtml } from '../../src/vscode/panelHtml';
import type { HostToPanel, PanelModel, PanelToHost } from '../../src/vscode/protocol';
import { longTrace, lostWakeupTrace, panelModel } from './fixture';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = path.join(__dirname, '..', '..');
const results = path.join(root, 'test-results');
export const LAUNCH_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">[PATCH] dax: </b>';

declare global {
  interface Window {
    __posted: PanelToHost[];
    __pwned?: number;
    __csp: string[];
  }
}

describe('panel webview in Chromium', function () {
  this.timeout(60000);
  let browser: BrowserContext | undefined;
  let server: Server | undefined;
  let origin = '';
  let work = '';
  let page: Page;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`    skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
      this.skip();
    }
    work = mkdtempSync(path.join(os.tmpdir(), 'dax-panel-'));
    await esbuild.build({
      bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', logLevel: 'warning',
      entryPoints: [path.join(root, 'src/vscode/webview/main.ts')], outfile: path.join(work, 'webview.js'),
    });
    const files: Record<string, [string, string]> = {
      '/webview.js': [path.join(work, 'webview.js'), 'text/javascript'],
      '/panel.css': [path.join(root, 'media/panel.css'), 'text/css'],
    };
    server = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(panelHtml({ cspSource: origin, script: `${origin}/webview.js`, style: `${origin}/panel.css` }));
        return;
      }
      const f = files[url];
      if (!f) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'content-type': f[1] });
      res.end(readFileSync(f[0]));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A fresh profile per run: launchPersistentContext passes it as --user-data-dir.
    browser = await chromium.launchPersistentContext(path.join(work, 'profile'), {
      executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS, viewport: { width: 1100, height: 900 },
    });
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  beforeEach(async () => {
    page = await browser!.newPage();
    // The stub keeps state in sessionStorage, so a reload plays the panel being hidden and shown.
    // (A string, not a function: the test runner's transform would add helpers the page lacks;
    // __name is the one such helper that functions passed to page.evaluate may call.)
    await page.addInitScript(`
      window.__name = (f) => f;
      window.__posted = [];
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__posted.push(m),
        getState: () => JSON.parse(sessionStorage.getItem('state') ?? 'null') ?? undefined,
        setState: (s) => { try { sessionStorage.setItem('state', JSON.stringify(s)); } catch { /* over quota: not kept */ } },
      });`);
    page.on('pageerror', (e) => console.log(`    page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' && !/favicon|404/.test(m.text())) console.log(`    console: ${m.text()}`); });
    await page.goto(origin);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      mkdirSync(results, { recursive: true });
      const name = this.currentTest.title.replace(/[^a-z0-9]+/gi, '-');
      await page.screenshot({ path: path.join(results, `browser-${name}.png`), fullPage: true }).catch(() => undefined);
    }
    await page.close();
  });

  async function send(msg: HostToPanel): Promise<void> {
    await page.evaluate((m) => window.postMessage(m, '*'), msg);
  }
  async function show(model: PanelModel): Promise<void> {
    await send({ type: 'show', model });
  }
  const text = (sel: string) => page.locator(sel).innerText();
  /** Opens a select's list and clicks the option, as a reviewer would. */
  async function pick(select: string, value: string): Promise<void> {
    await page.click(select);
    await page.locator(`${select} li.option`, { hasText: new RegExp(`^\\s*${value}\\s*$`) }).click();
    assert.equal(await page.locator(select).evaluate((s) => (s as HTMLSelectElement).value), value);
  }

  /** The state tree's items a reviewer can see (inside open items, not filtered away). */
  function visibleItems(): Promise<string[]> {
    return page.locator('#state-tree vscode-tree-item').evaluateAll((els) => els
      .filter((e) => e.getBoundingClientRect().height > 0)
      .map((e) => (e as HTMLElement).dataset.id ?? ''));
  }

  it('says it is ready', async () => {
    assert.deepEqual(await page.evaluate(() => window.__posted), [{ type: 'ready' }]);
  });

  it('draws one swimlane column per thread and each step in its thread\'s column', async () => {
    const trace = lostWakeupTrace();
    await show(panelModel('[PATCH v5 15/17] dax: add struct iomap based DAX PMD support'));
    const heads = await page.locator('#lanes-head .thread').allInnerTexts();
    assert.deepEqual(heads, trace.threads);
    const rows = page.locator('#spacer .row');
    assert.equal(await rows.count(), trace.steps.length);
    for (let i = 0; i < trace.steps.length; i++) {
      const cells = rows.nth(i).locator('.cell');
      const stepCell = cells.nth(1 + trace.steps[i].thread);
      assert.equal(await stepCell.locator('.label').innerText(), trace.steps[i].label);
      assert.equal(await rows.nth(i).locator('.cell.step').count(), 1, `row ${i} has one step`);
    }
    assert.match(await text('#results-body'), /lost-wakeup/);
    assert.match(await text('#results-body'), /4211 states/);
    assert.match(await text('#coverage'), /14\/17/);
  });

  it('steps forward and back, highlighting the mail line and the state change', async () => {
    const trace = lostWakeupTrace();
    await show(panelModel('dax: pmd downgrade'));
    assert.equal(await text('#position'), `step 1 of ${trace.steps.length}`);
    for (let i = 0; i < 5; i++) await page.click('#next');
    await page.click('#prev');
    assert.equal(await text('#position'), `step 5 of ${trace.steps.length}`);
    assert.equal(await page.locator('#spacer .row.current').getAttribute('data-index'), '4');
    const posted = await page.evaluate(() => window.__posted.filter((m) => m.type === 'step'));
    assert.deepEqual(posted.at(-1), { type: 'step', document: 'file:///seed/000.txt', index: 4, mailLine: 91 });
    assert.equal(await page.locator('#hunk .hl.current').getAttribute('data-mail-line'), '91');
    // radix_tree_delete took the lock and removed the entry.
    const changes = await text('#state .changes');
    assert.match(changes, /mapping->tree_lock/);
    assert.match(changes, /entry 0x200/);
    await page.click('#next');
    assert.match(await text('#state .changes'), /waitqueue 0x200/);
    await page.locator('#lanes').press('End');
    assert.equal(await text('#position'), `step ${trace.steps.length} of ${trace.steps.length}`);
    assert.equal(await text('vscode-tree-item[data-id="thread:T3: pmd fault 0x200"] > .value'), 'blocked at grab_mapping_entry');
    await page.locator('#lanes').press('Home');
    assert.equal(await text('#position'), `step 1 of ${trace.steps.length}`);
  });

  it('says what the first step changed', async () => {
    await show(panelModel('dax'));
    assert.equal(await text('#position'), `step 1 of ${lostWakeupTrace().steps.length}`);
    assert.match(await text('#state .changes'), /entry 0x200 locked/);
  });

  it('follows a step the host asks for', async () => {
    await show(panelModel('dax'));
    await send({ type: 'step', index: 2 });
    assert.equal(await text('#position'), `step 3 of ${lostWakeupTrace().steps.length}`);
  });

  it('shows a hostile subject, thread name and step as text, never running them', async () => {
    const trace = lostWakeupTrace();
    trace.threads[1] = HOSTILE;
    trace.steps[0].label = HOSTILE;
    const model = panelModel(HOSTILE, trace);
    model.hunk!.lines[0].text = HOSTILE;
    model.hunk!.path = HOSTILE;
    await show(model);
    assert.equal(await page.locator('#subject').textContent(), HOSTILE);
    assert.equal(await page.locator('#lanes-head .thread').nth(1).textContent(), HOSTILE);
    assert.equal(await page.locator('#spacer .row').first().locator('.label').textContent(), HOSTILE);
    assert.equal(await page.locator('#hunk .code').first().textContent(), HOSTILE);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('script').count(), 1, 'only the panel\'s own script');
    await page.waitForTimeout(100);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
  });

  it('builds only the visible rows of a long trace', async () => {
    const n = 20000;
    // The trace is built in the page, so the time measured is the panel's, not the test harness's.
    const ms = await page.evaluate(([model, n]) => {
      const steps = model.results[0].post.violations[0].trace.steps;
      const base = steps.slice();
      for (let i = steps.length; i < n; i++) steps.push({ ...base[i % base.length], note: `#${i + 1}` });
      const t0 = performance.now();
      window.postMessage({ type: 'show', model }, '*');
      return new Promise<number>((resolve) => {
        const wait = () => (document.getElementById('position')?.textContent === `step 1 of ${n}` ? resolve(performance.now() - t0) : setTimeout(wait, 5));
        wait();
      });
    }, [panelModel('long', longTrace(8)), n] as const);
    assert.ok(ms < 3000, `showing a ${n}-step trace took ${ms.toFixed(0)} ms`);
    const built = await page.locator('#spacer .row').count();
    assert.ok(built > 0 && built < 60, `${built} rows in the DOM`);
    const t0 = Date.now();
    await page.locator('#lanes').press('End');
    assert.equal(await text('#position'), `step ${n} of ${n}`);
    assert.equal(await page.locator('#spacer .row.current').getAttribute('data-index'), String(n - 1));
    assert.ok((await page.locator('#spacer .row').count()) < 60);
    for (let i = 0; i < 20; i++) await page.locator('#lanes').press('ArrowUp');
    assert.equal(await text('#position'), `step ${n - 20} of ${n}`);
    assert.ok(Date.now() - t0 < 5000, `stepping took ${Date.now() - t0} ms`);
  });

  it('restores the trace, the step and the state tree\'s filter and opened nodes when hidden and shown again', async () => {
    await show(panelModel('restore me'));
    await page.click('#next');
    await page.click('#next');
    await page.locator('vscode-tree-item[data-id="thread:T1: pte fault 0x200"] > .name').click();
    await page.locator('vscode-tree-item[data-id="locks"] > .name').click();
    await page.waitForTimeout(400);
    await page.reload();
    assert.equal(await text('#subject'), 'restore me');
    assert.equal(await text('#position'), `step 3 of ${lostWakeupTrace().steps.length}`);
    const shown = await visibleItems();
    assert.ok(shown.includes('thread:T1: pte fault 0x200/status'), 'the opened thread is open again');
    assert.ok(!shown.includes('lock:mapping->tree_lock'), 'the closed group is closed again');
    await page.click('#changed-only');
    await page.waitForTimeout(400);
    await page.reload();
    assert.equal(await page.locator('#changed-only').evaluate((c) => (c as HTMLInputElement).checked), true, 'the filter is on again');
    assert.ok(!(await visibleItems()).includes('thread:T1: pte fault 0x200'), 'and filters');
  });

  it('picks another violation\'s trace and asks the host to simulate a chosen scenario', async () => {
    const model = panelModel('dax');
    const other = lostWakeupTrace();
    other.steps = other.steps.slice(0, 3);
    model.results.push({ scenario: 'pte-vs-pmd', pre: null, post: { ...model.results[0].post, scenario: 'pte-vs-pmd', violations: [{ kind: 'entry-left-locked', message: 'entry 0x200 left locked', trace: other }] }, summary: 'no change' });
    await show(model);
    await page.locator('button.violation', { hasText: 'entry 0x200 left locked' }).click();
    assert.equal(await text('#position'), 'step 1 of 3');
    assert.match(await text('#trace-title'), /pte-vs-pmd/);
    await pick('#scenario', 'pte-vs-pmd');
    await page.click('#simulate');
    const posted = await page.evaluate(() => window.__posted.filter((m) => m.type === 'simulate'));
    assert.deepEqual(posted, [{ type: 'simulate', scenario: 'pte-vs-pmd' }]);
  });

  it('composes threads of one\'s own from the model\'s kinds and asks the host to run them', async () => {
    const model = { ...panelModel('dax'), threadKinds: [
      { kind: 'pte-read', doc: 'a read fault of the PTE at index' },
      { kind: 'truncate', doc: 'truncate of the file to index pages' },
    ] };
    await show(model);
    assert.deepEqual(await page.locator('#thread-kind vscode-option').allInnerTexts(), ['pte-read', 'truncate']);
    await page.fill('#threads input', 'pte-read@0x202');
    await pick('#thread-kind', 'truncate');
    await page.fill('#thread-index input', '0x203');
    await page.click('#add-thread');
    assert.equal(await page.inputValue('#threads input'), 'pte-read@0x202,truncate@0x203');
    await pick('#scenario', 'pmd-downgrade');
    await page.click('#run-threads');
    const posted = await page.evaluate(() => window.__posted.filter((m) => m.type === 'simulate'));
    assert.deepEqual(posted, [{ type: 'simulate', scenario: 'pmd-downgrade', threads: 'pte-read@0x202,truncate@0x203' }]);
    // The threads last run come back with the result and stay in the field.
    await show({ ...model, threads: 'pmd-read@0x200' });
    assert.equal(await page.inputValue('#threads input'), 'pmd-read@0x200');
  });

  it('fits the bottom panel\'s default height and the 540 px column beside the editor', async () => {
    await page.setViewportSize({ width: 540, height: 260 });
    const trace = longTrace(40);
    await show(panelModel('narrow', trace));
    const lanes = page.locator('#lanes');
    const box = (await lanes.boundingBox())!;
    const rows = await page.locator('#spacer .row').evaluateAll((els, h) => els.filter((e) => {
      const r = e.getBoundingClientRect();
      return r.top >= Math.max(h.top, 0) - 1 && r.bottom <= Math.min(h.top + h.height, window.innerHeight) + 1;
    }).length, { top: box.y, height: box.height });
    assert.ok(rows >= 8, `${rows} swimlane rows in view of a 260 px panel`);
    for (const head of await page.locator('#lanes-head .cell').all()) {
      const b = (await head.boundingBox())!;
      assert.ok(b.x + b.width <= 540 + 0.5, `column ${await head.innerText()} ends at ${b.x + b.width}`);
    }
    const wide = await page.evaluate(() => Array.from(document.querySelectorAll('body *')).filter((e) => e.getBoundingClientRect().right > 541)
      .map((e) => `${e.tagName}#${e.id}.${e.className} ${e.getBoundingClientRect().right.toFixed(0)}`).slice(0, 8));
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 540), `no sideways scrolling of the page: ${wide.join(', ')}`);
  });

  it('keeps the current step in view when shown again deep in a trace', async () => {
    const trace = longTrace(200);
    await show(panelModel('deep', trace));
    await send({ type: 'step', index: 150 });
    await page.waitForTimeout(400);
    await page.reload();
    assert.equal(await text('#position'), 'step 151 of 200');
    const current = page.locator('#spacer .row.current');
    assert.equal(await current.count(), 1, 'the current row is built');
    const lanes = (await page.locator('#lanes').boundingBox())!;
    const row = (await current.boundingBox())!;
    assert.ok(row.y >= lanes.y - 1 && row.y + row.height <= lanes.y + lanes.height + 1, 'and in view');
  });

  it('shows the state as a tree: groups open, a variable opening to its parts, kept open from step to step', async () => {
    await show(panelModel('dax'));
    const entry = page.locator('vscode-tree-item[data-id="entry:512"]');
    assert.equal(await text('vscode-tree-item[data-id="entry:512"] > .value'), 'pmd empty · locked');
    assert.deepEqual((await visibleItems()).filter((id) => id.startsWith('entry:512')), ['entry:512'], 'a variable starts closed');
    await entry.locator('> .name').click();
    assert.deepEqual((await visibleItems()).filter((id) => id.startsWith('entry:512')),
      ['entry:512', 'entry:512/value', 'entry:512/locked', 'entry:512/order']);
    assert.equal(await text('vscode-tree-item[data-id="entry:512/locked"] > .value'), 'yes');
    await page.click('#next');
    assert.equal(await text('#position'), `step 2 of ${lostWakeupTrace().steps.length}`);
    assert.ok((await visibleItems()).includes('entry:512/locked'), 'the opened variable stays open at the next step');
    await page.locator('vscode-tree-item[data-id="locks"] > .name').click();
    await page.click('#next');
    assert.ok(!(await visibleItems()).includes('lock:mapping->tree_lock'), 'a closed group stays closed');
  });

  it('highlights the values the step changed, saying what they were', async () => {
    await show(panelModel('dax'));
    for (let i = 0; i < 4; i++) await page.click('#next');
    // Step 5, radix_tree_delete: T1 took the tree lock and the entry went away.
    const lock = page.locator('vscode-tree-item[data-id="lock:mapping->tree_lock"]');
    assert.equal(await lock.locator('> .value').innerText(), 'T1');
    assert.equal(await lock.locator('> .was').innerText(), 'was free');
    const threads = page.locator('vscode-tree-item[data-id="thread:T1: pte fault 0x200"]');
    assert.equal(await threads.locator('> .was').count(), 0, 'an unchanged value says nothing of before');
    const background = (sel: string) => page.locator(sel).evaluate((e) => getComputedStyle(e).backgroundColor);
    const changed = await background('vscode-tree-item[data-id="lock:mapping->tree_lock"] > .value');
    const same = await background('vscode-tree-item[data-id="thread:T1: pte fault 0x200"] > .value');
    assert.notEqual(changed, same, 'a changed value is drawn unlike an unchanged one');
    assert.match(await page.locator('vscode-tree-item[data-id="locks"] vscode-badge').innerText(), /1 of 1 changed/);
    assert.match(await page.locator('vscode-tree-item[data-id="entries"] vscode-badge').innerText(), /was 1/);
  });

  it('filters the tree to what the step changed', async () => {
    await show(panelModel('dax'));
    for (let i = 0; i < 5; i++) await page.click('#next');
    // Step 6 wakes T2: its waitqueue and its thread change, nothing else.
    const all = await visibleItems();
    await page.click('#changed-only');
    assert.equal(await page.locator('#changed-only').evaluate((c) => (c as HTMLInputElement).checked), true);
    const changed = await visibleItems();
    // Cut to what changed, the tree opens the way to each change: T2 left the queue, T3 moved up.
    assert.deepEqual(changed, ['entries', 'waitqueues', 'wq:0x200', 'wq:0x200/waiters', 'wq:0x200/waiters/0',
      'locks', 'threads', 'thread:T2: pmd fault 0x200', 'thread:T2: pmd fault 0x200/status']);
    assert.equal(await text('vscode-tree-item[data-id="wq:0x200/waiters/0"] > .was'), 'was T2');
    assert.equal(await text('vscode-tree-item[data-id="locks"] vscode-badge'), '1', 'a group cut to nothing still counts its variables');
    for (const unchanged of ['lock:mapping->tree_lock', 'thread:T1: pte fault 0x200', 'thread:T3: pmd fault 0x200']) {
      assert.ok(all.includes(unchanged) && !changed.includes(unchanged), `${unchanged} is shown unfiltered and filtered away`);
    }
    await page.click('#next');
    assert.ok((await visibleItems()).every((id) => ['entries', 'waitqueues', 'locks', 'threads'].includes(id) || id.startsWith('lock:') || id.startsWith('thread:')),
      'the filter stays on at the next step');
    await page.click('#changed-only');
    assert.ok((await visibleItems()).includes('thread:T3: pmd fault 0x200'), 'and off again shows every variable');
  });

  for (const [width, height, where] of [[1100, 300, 'beside'], [540, 600, 'under']] as const) {
    it(`puts the state tree ${where} the swimlanes at ${width} px and keeps the row in view while stepping by keyboard`, async () => {
      await page.setViewportSize({ width, height });
      await show(panelModel('keys', longTrace(80)));
      const lanes = page.locator('#lanes');
      const l = (await lanes.boundingBox())!;
      const tree = (await page.locator('#state-tree').boundingBox())!;
      if (where === 'beside') assert.ok(tree.x >= l.x + l.width - 1, `the tree (x ${tree.x}) is right of the lanes (to ${l.x + l.width})`);
      else assert.ok(tree.y >= l.y + l.height - 1, `the tree (y ${tree.y}) is under the lanes (to ${l.y + l.height})`);
      await lanes.focus();
      const scrollX = await page.evaluate(() => window.scrollX);
      for (let i = 0; i < 30; i++) {
        await lanes.press(i < 25 ? 'ArrowDown' : 'j');
        const row = await page.locator('#spacer .row.current').boundingBox();
        assert.ok(row && row.y >= l.y - 1 && row.y + row.height <= l.y + l.height + 1, `step ${i + 2}: the current row is in view`);
      }
      assert.equal(await text('#position'), 'step 31 of 80');
      assert.equal(await page.evaluate(() => window.scrollX), scrollX, 'no sideways jump');
      for (let i = 0; i < 5; i++) await lanes.press('k');
      assert.equal(await text('#position'), 'step 26 of 80');
      mkdirSync(results, { recursive: true });
      await page.screenshot({ path: path.join(results, `browser-panel-${width}x${height}.png`) });
    });
  }

  it('runs its components under the panel\'s CSP, with no inline script or style', async () => {
    await show(panelModel('csp'));
    const defined = await page.evaluate(() => ['vscode-button', 'vscode-checkbox', 'vscode-textfield', 'vscode-tree', 'vscode-tree-item', 'vscode-split-layout', 'vscode-badge', 'vscode-single-select', 'vscode-option']
      .filter((t) => !customElements.get(t)));
    assert.deepEqual(defined, [], 'every component is defined by the bundled script');
    // A component's styles are constructed style sheets: the page's CSP has no 'unsafe-inline'.
    assert.ok(await page.locator('#next').evaluate((b) => (b.shadowRoot?.adoptedStyleSheets.length ?? 0) > 0), 'the button is styled');
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
  });
});
