// Debian's Neovim as the language server's client: `nvim --headless` runs
// test/lsp/nvim-client.lua, which starts `dax-review lsp` with vim.lsp.start_client, opens
// seed 000 and waits for its diagnostics. Skips, saying so, where nvim is not installed.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleServer, removeBundle } from '../../support/lsp';

const root = path.join(__dirname, '..', '..', '..');
const seeds = path.join(root, 'test', 'fixtures', 'seeds');
const NVIM = process.env.NVIM_PATH ?? 'nvim';

interface NvimResult {
  client: boolean;
  attached: boolean;
  received: boolean;
  published: { line: number; code: string; source: string; message: string; related: number }[];
  shown: { lnum: number; message: string; severity: number }[];
  lenses: { line: number; title: string }[];
  hover: string;
}

describe('lsp: Neovim as the client', function () {
  this.timeout(120000);
  let dir = '';
  let work = '';

  before(async function () {
    const v = spawnSync(NVIM, ['--version'], { encoding: 'utf8' });
    if (v.error || v.status !== 0) {
      console.log(`    skipped: ${NVIM} not found (apt-get install -y neovim)`);
      this.skip();
    }
    console.log(`    ${v.stdout.split('\n')[0]}`);
    dir = await bundleServer();
    work = mkdtempSync(path.join(os.tmpdir(), 'dax-nvim-'));
  });

  after(() => {
    removeBundle(dir);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('opens seed 000 and receives its findings as diagnostics', () => {
    const file = path.join(seeds, readdirSync(seeds).find((f) => f.startsWith('000_'))!);
    const out = path.join(work, 'result.json');
    const r = spawnSync(NVIM, ['--headless', '--clean', '-n', '-c', `luafile ${path.join(root, 'test', 'lsp', 'nvim-client.lua')}`], {
      encoding: 'utf8', timeout: 90000, cwd: work,
      env: { ...process.env, DAX_LSP_NODE: process.execPath, DAX_LSP_CLI: path.join(dir, 'cli.js'), DAX_LSP_FILE: file, DAX_LSP_OUT: out, XDG_STATE_HOME: work, XDG_DATA_HOME: work },
    });
    assert.equal(r.error, undefined, `nvim: ${String(r.error)}`);
    let result: NvimResult;
    try {
      result = JSON.parse(readFileSync(out, 'utf8')) as NvimResult;
    } catch {
      assert.fail(`nvim wrote no result (exit ${r.status})\n${r.stdout}\n${r.stderr}`);
    }
    assert.ok(result.client && result.attached, 'the client started and attached to the buffer');
    assert.ok(result.received, 'diagnostics arrived');
    const ours = result.published.filter((d) => d.source === 'dax-review');
    assert.ok(ours.length >= 3, JSON.stringify(result.published, null, 1));
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const d of ours) {
      assert.match(d.code, /\//, 'the rule is the code');
      assert.ok(lines[d.line].trim().length > 0, 'on a line of the mail');
    }
    assert.ok(ours.some((d) => d.related > 0), 'related information reaches the client');
    assert.equal(result.shown.length, result.published.length, 'Neovim keeps every diagnostic on the buffer');
    assert.ok(result.lenses.some((l) => /Simulate hunk/.test(l.title)), JSON.stringify(result.lenses));
    assert.ok(result.hover.includes('evidence'), result.hover);
  });
});
