// npm run bench:hostile: issue 20's hostile corpus through the CLI, one process per input:
// exit status, wall time, peak RSS and hunks kept (of the hunks the input holds).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as C from '../test/hostile/corpus';

const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'dax-hostile-bench-'));
const rssFile = path.join(dir, 'rss');
const preload = path.join(dir, 'rss.cjs');
writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);

interface Row { name: string; args: string[]; expect: string; hunks: number | null; shell?: string }

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

const clean = path.join(root, 'test', 'fixtures', 'review', '000-fixed-all.txt');
const fifo = path.join(dir, 'fifo');
spawnSync('mkfifo', [fifo]);
const big = process.env.HOSTILE_MBOX_MB ? Number(process.env.HOSTILE_MBOX_MB) : 100;

const rows: Row[] = [
  { name: 'regexp from mail C (`*p`)', args: ['check', file('crash.eml', C.regexpCrash()), '--format', 'json'], expect: '0/1', hunks: 1 },
  { name: 'exponential head regex (40 letters)', args: ['check', file('head.patch', C.headHang(40)), '--no-simulate', '--format', 'json'], expect: '0', hunks: 1 },
  { name: 'exponential declaration regex', args: ['check', file('decl.eml', C.declHang(40)), '--no-simulate', '--format', 'json'], expect: '0', hunks: 1 },
  { name: '10,000 nested parentheses', args: ['check', file('nested.eml', C.nestedParens()), '--format', 'json'], expect: '0/1', hunks: 1 },
  { name: '100,000-term expression', args: ['check', file('long-expr.eml', C.longExpression()), '--format', 'json'], expect: '0/1', hunks: 1 },
  { name: '100,000-line function', args: ['check', file('long-fn.eml', C.longFunction()), '--format', 'json'], expect: '0', hunks: 1 },
  { name: 'budget stop (--max-states 30)', args: ['check', clean, '--max-states', '30', '--format', 'json'], expect: '4', hunks: 5 },
  { name: 'CR-only line ends', args: ['check', file('cr.mbox', C.crOnly()), '--no-simulate', '--format', 'json'], expect: '1', hunks: 2 },
  { name: 'UTF-16LE with BOM', args: ['check', file('utf16.mbox', C.utf16()), '--no-simulate', '--format', 'json'], expect: '1', hunks: 2 },
  { name: 'stray base64 line', args: ['check', file('b64.eml', C.strayBase64()), '--no-simulate', '--format', 'json'], expect: '1', hunks: 2 },
  { name: 'Latin-1 .mbox.gz', args: ['check', file('latin1.mbox.gz', C.latin1Gzip()), '--no-simulate', '--format', 'json'], expect: '1', hunks: 2 },
  { name: 'no hunks', args: ['check', file('none.eml', C.noHunks()), '--no-simulate', '--format', 'json'], expect: '2', hunks: 0 },
  { name: 'header injection (reply)', args: ['reply', file('inject.mbox', C.headerInjection()), '--no-simulate'], expect: '0', hunks: null },
  { name: 'terminal escapes (parse)', args: ['parse', file('term.mbox', C.terminalEscapes())], expect: '0', hunks: null },
  { name: 'gzip bomb (4 GiB inflated)', args: ['check', file('bomb.mbox.gz', C.gzipBomb()), '--no-simulate'], expect: '2', hunks: 0 },
  { name: '/dev/zero', args: ['check', '/dev/zero'], expect: '2', hunks: 0 },
  { name: 'FIFO', args: ['check', fifo], expect: '2', hunks: 0 },
  { name: `${big} MB mbox`, args: ['check', file('big.mbox', C.bigMbox(big * 1e6)), '--no-simulate', '--format', 'json'], expect: '1', hunks: null },
  { name: 'simulate --json | head', args: [], shell: `node ${JSON.stringify(cli)} simulate ${JSON.stringify(C.EXAMPLE)} --hunk 0 --json | head -c 100 >/dev/null; exit \${PIPESTATUS[0]}`, expect: '0', hunks: null },
];

function hunksKept(out: string, verb: string): number | null {
  if (verb !== 'check') return null;
  try { return (JSON.parse(out) as { coverage: unknown[] }).coverage.length; } catch { return out.trim() ? null : 0; }
}

console.log('| input | exit (expected) | time | peak RSS | hunks kept |');
console.log('|---|---|---|---|---|');
for (const row of rows) {
  rmSync(rssFile, { force: true });
  const t0 = performance.now();
  const r = row.shell
    ? spawnSync('bash', ['-c', row.shell], { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 30, env: { ...process.env, NODE_OPTIONS: `--require ${preload}` } })
    : spawnSync(process.execPath, ['--require', preload, cli, ...row.args], { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  const rss = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) / 1024 : NaN;
  const kept = row.shell ? null : hunksKept(r.stdout, row.args[0]);
  const hunks = kept === null ? '-' : `${kept}${row.hunks !== null ? ` of ${row.hunks}` : ''}`;
  const crashed = /internal error|EPIPE/.test(r.stderr ?? '') ? ' CRASH' : '';
  console.log(`| ${row.name} | ${r.status ?? r.signal} (${row.expect})${crashed} | ${(ms / 1000).toFixed(2)} s | ${rss.toFixed(0)} MB | ${hunks} |`);
}
rmSync(dir, { recursive: true, force: true });
