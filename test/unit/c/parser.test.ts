import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { getCParser, locateWasm } from '../../../src/c/parser';

describe('c/parser: tree-sitter-c through web-tree-sitter', () => {
  it('loads once and parses synchronously afterwards', async () => {
    const a = await getCParser();
    const b = await getCParser();
    assert.equal(a, b);
    const tree = a.parse('static int f(void) { return 0; }');
    try {
      assert.equal(tree.rootNode.namedChild(0)?.type, 'function_definition');
    } finally {
      tree.delete();
    }
  });

  it('finds the wasm files in node_modules when running from source', () => {
    for (const f of ['web-tree-sitter.wasm', 'tree-sitter-c.wasm'] as const) {
      const p = locateWasm(f);
      assert.ok(existsSync(p), p);
      assert.equal(path.basename(p), f);
    }
  });

  it('a bundle finds the wasm files beside itself, with no node_modules around', async function () {
    this.timeout(20000);
    const dir = mkdtempSync(path.join(tmpdir(), 'dax-review-c-'));
    try {
      const entry = path.join(dir, 'entry.ts');
      const src = path.join(__dirname, '..', '..', '..', 'src', 'c', 'index.ts');
      writeFileSync(entry, [
        `import { getCParser } from ${JSON.stringify(src)};`,
        "getCParser().then((p) => { const t = p.parse('int x;'); console.log(t.rootNode.type); t.delete(); })",
        '  .catch((e) => { console.error(String(e)); process.exit(1); });',
      ].join('\n'));
      const out = path.join(dir, 'dist', 'x.js');
      await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'silent' });
      for (const f of ['web-tree-sitter.wasm', 'tree-sitter-c.wasm'] as const) copyFileSync(locateWasm(f), path.join(dir, 'dist', f));
      const run = spawnSync(process.execPath, [out], { cwd: dir, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout.trim(), 'translation_unit');
      // Without the wasm files beside it the error names what is missing.
      rmSync(path.join(dir, 'dist', 'tree-sitter-c.wasm'));
      const missing = spawnSync(process.execPath, [out], { cwd: dir, encoding: 'utf8' });
      assert.notEqual(missing.status, 0);
      assert.match(missing.stderr, /cannot find tree-sitter-c.wasm/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
