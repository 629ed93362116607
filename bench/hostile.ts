// npm run bench:hostile: issue 20's hostile corpus through the CLI, one process per input:
// exit status, wall time, peak RSS and hunks kept (of the hunks the input holds).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as C from '../test/hostile/corpus';

const root = path.join(__dirname, '..', '..');
/** HOSTILE_CLI names another build's cli.js to compare with. */
const cli = process.env.HOSTILE_CLI ? path.resolve(process.env.HOSTILE_CLI) : path.join(root, 'dist', 'cli.js');
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
  { name: 'budget stop (--max-states 30)', args: ['check', clean, '--max-states', '30', '--format', 'json'], expect: '4', hunks: 6 },
  { name: 'CR-only line ends', args: ['check', file('cr.mbox', C.crOnly()), '--no-simulate', '--format', 'json'], expect: '1', hunks: 2 },
  { name: 'UTF-16LE with BOM', args: ['check', file('utf16.mbox', C.utf16()), '--no-simulate', '--format', 'json'], expect: '1', hunks: 2 },
  { name: 'stray base64 line', args: ['check', file('b64.eml', C.strayBase64()), '--no-simulate', '--format', 'json'], expect: '1', hunks: 2 },
  { name: 'Latin-1 .mbox.gz', args: ['check', file('latin1.mbox.gz', C.latin1Gzip()), '--no-simulate', '--format', 'json'], expect: '1', hunks: 2 },
  { name: 'no hunks', args: ['check', file('none.eml', C.noHunks()), '--no-simulate', '--format', 'json'], expect: '2', hunks: 0 },
  { name: 'header injection (reply)', args: ['reply', file('inject.mbox', C.headerInjection()), '--no-simulate'], expect: '0', hunks: null },
  { name: 'terminal escapes (parse)', args: ['parse', file('term.mbox', C.terminalEscapes())], expect: '0', hunks: null },
  { name: 'gzip bomb (4 GiB inflated)', args: ['check', file('bomb.mbox.gz', C.gzipBomb()), '--no-simulate', '--format', 'json'], expect: '2', hunks: 0 },
  { name: '/dev/zero', args: ['check', '/dev/zero'], expect: '2', hunks: 0 },
  { name: 'FIFO', args: ['check', fifo], expect: '2', hunks: 0 },
  { name: `${big} MB mbox`, args: ['check', file('big.mbox', C.bigMbox(big * 1e6)), '--no-simulate', '--format', 'json'], expect: '1', hunks: null },
  { name: 'simulate --json | head', args: [], shell: `node ${JSON.stringify(cli)} simulate ${JSON.stringify(C.EXAMPLE)} --hunk 0 --json | head -c 100 >/dev/null; exit \${PIPESTATUS[0]}`, expect: '0', hunks: null },
];

function hunksKept(out: string, verb: string): number | null {
  if (verb !== 'check') return null;
  try { return (JSON.parse(out) as { coverage: unknown[] }).coverage.length; } catch { return out.trim() ? null : 0; }
}

/** What the output shows that it must not: a crash, a terminal control, a header line the mail put there. */
function faults(out: string, err: string, verb: string): string {
  const f: string[] = [];
  if (/internal error|EPIPE|Maximum call stack/.test(err)) f.push('crash');
  if (/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(out + err)) f.push('raw controls');
  if (verb === 'reply' && out.slice(0, out.indexOf('\n\n')).split('\n').some((l) => /^Bcc:/i.test(l))) f.push('Bcc: header');
  return f.join(', ') || '-';
}

console.log(`cli: ${cli}`);
console.log('| input | exit (expected) | time | peak RSS | hunks kept | faults |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) {
  rmSync(rssFile, { force: true });
  const t0 = performance.now();
  const r = row.shell
    ? spawnSync('bash', ['-c', row.shell], { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 30, env: { ...process.env, NODE_OPTIONS: `--require ${preload}` } })
    : spawnSync(process.execPath, ['--require', preload, cli, ...row.args], { encoding: 'utf8', timeout: Number(process.env.HOSTILE_TIMEOUT_S ?? 600) * 1000, maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  const rss = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) / 1024 : NaN;
  const kept = row.shell ? null : hunksKept(r.stdout, row.args[0]);
  const hunks = kept === null ? '-' : `${kept}${row.hunks !== null ? ` of ${row.hunks}` : ''}`;
  console.log(`| ${row.name} | ${r.status ?? r.signal} (${row.expect}) | ${(ms / 1000).toFixed(2)} s | ${rss.toFixed(0)} MB | ${hunks} | ${faults(r.stdout ?? '', r.stderr ?? '', row.shell ? 'simulate' : row.args[0])} |`);
}
rmSync(dir, { recursive: true, force: true });
