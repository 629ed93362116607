// npm run fuzz -- [--minutes N] [--seed S] [--out DIR]
// Mutated seed mail through every verb (fuzz/run.ts) in a worker thread for N minutes. An
// input that throws, exits outside 0/1/2/4, leaks a control or a header, keeps one verb over 5 s,
// or hangs past 30 s (the worker is then ended and started anew) is kept in DIR with what
// happened. The hostile corpus runs first, as regressions. Exit 1 when any input was kept.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { mutate, rng } from './mutate';
import type { Outcome } from './run';
import * as H from '../test/hostile/corpus';

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const minutes = Number(opt('--minutes', '1'));
const seed = Number(opt('--seed', String(Date.now() % 1_000_000)));
const outDir = path.resolve(opt('--out', path.join(ROOT, 'fuzz-out')));
const SLOW_MS = 5_000;
const HANG_MS = 30_000;

/** Seed mail: the shared seeds and real mail beside the repository, the test fixtures and the example. */
function seeds(): Buffer[] {
  const dirs = [path.join(ROOT, '..', 'shared', 'seeds'), path.join(ROOT, '..', 'shared', 'real-mail'),
    path.join(ROOT, 'test', 'fixtures', 'seeds'), path.join(ROOT, 'test', 'fixtures', 'mail'), path.join(ROOT, 'test', 'fixtures', 'review'), path.join(ROOT, 'examples')];
  const out: Buffer[] = [];
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) {
      const p = path.join(d, f);
      if (statSync(p).isFile() && statSync(p).size < 2_000_000) out.push(readFileSync(p));
    }
  }
  return out;
}

/** Issue 20's inputs, small enough to run every time. */
function regressions(): Buffer[] {
  const text = [H.regexpCrash(), H.headHang(40), H.declHang(40), H.nestedParens(), H.longExpression(20_000), H.noHunks(), H.strayBase64(), H.headerInjection(), H.terminalEscapes()];
  return [...text.map((s): Buffer => Buffer.from(s, 'latin1')), H.crOnly(), H.utf16(), H.utf16(false), H.latin1Gzip()];
}

class Runner {
  private worker!: Worker;
  private pending: { id: number; resolve: (r: Outcome) => void } | null = null;
  private next = 0;
  constructor(private file: string) { this.start(); }
  private start(): void {
    this.worker = new Worker(path.join(__dirname, 'fuzz-worker.js'), { workerData: { file: this.file }, resourceLimits: { maxOldGenerationSizeMb: 2048 } });
    this.worker.on('message', (m: Outcome & { id: number }) => {
      if (this.pending?.id === m.id) { const p = this.pending; this.pending = null; p.resolve(m); }
    });
    this.worker.on('error', (e) => {
      if (this.pending) { const p = this.pending; this.pending = null; p.resolve({ problem: `worker died: ${e.stack ?? e.message}`, ms: 0, slowest: '' }); }
      this.start();
    });
  }
  run(bytes: Buffer): Promise<Outcome> {
    const id = this.next++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending?.id !== id) return;
        this.pending = null;
        void this.worker.terminate();
        this.start();
        resolve({ problem: `no answer within ${HANG_MS} ms: a hang`, ms: HANG_MS, slowest: '' });
      }, HANG_MS);
      this.pending = { id, resolve: (r) => { clearTimeout(timer); resolve(r); } };
      this.worker.postMessage({ id, bytes });
    });
  }
  stop(): Promise<number> { return this.worker.terminate(); }
}

async function main(): Promise<number> {
  const pool = seeds();
  if (!pool.length) throw new Error('no seed mail found');
  const runner = new Runner(path.join(mkdtempSync(path.join(os.tmpdir(), 'dax-fuzz-')), 'input'));
  const random = rng(seed);
  const end = Date.now() + minutes * 60_000;
  let inputs = 0, kept = 0, slow = 0, crashes = 0, slowest = 0, total = 0;
  const keep = (bytes: Buffer, why: string) => {
    mkdirSync(outDir, { recursive: true });
    const name = createHash('sha1').update(bytes).digest('hex').slice(0, 16);
    writeFileSync(path.join(outDir, `${name}.mail`), bytes);
    writeFileSync(path.join(outDir, `${name}.txt`), `${why}\n`);
    kept++;
    console.log(`kept ${path.join(outDir, name)}.mail: ${why.split('\n')[0]}`);
  };
  const queue = regressions();
  console.log(`fuzz: ${pool.length} seeds, ${queue.length} regressions, ${minutes} min, seed ${seed}`);
  while (queue.length || Date.now() < end) {
    const bytes = queue.shift() ?? mutate(pool[Math.floor(random() * pool.length)], pool, random);
    const r = await runner.run(bytes);
    inputs++;
    total += r.ms;
    slowest = Math.max(slowest, r.ms);
    if (r.problem) { crashes++; keep(bytes, r.problem); } else if (r.ms > SLOW_MS) { slow++; keep(bytes, `slow: ${r.slowest} took ${r.ms.toFixed(0)} ms`); }
  }
  await runner.stop();
  console.log(`fuzz: ${inputs} inputs, ${crashes} crashes, ${slow} over ${SLOW_MS / 1000} s, slowest ${slowest.toFixed(0)} ms, mean ${(total / Math.max(1, inputs)).toFixed(0)} ms${kept ? `; kept in ${outDir}` : ''}`);
  return kept ? 1 : 0;
}

main().then((c) => { process.exitCode = c; }, (e: unknown) => { console.error(e); process.exitCode = 3; });
