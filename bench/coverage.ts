// npm run bench:coverage: per mail, how many changed lines of functions the model has the
// model ran as written (the explorer executed them), for the seeds, the mails in
// ../shared/real-mail and the shape fixtures. Declarations and lines outside functions are not
// counted (they run nowhere); every line not run is listed with why.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { getCParser } from '../src/c/parser';
import { checkMail } from '../src/review/index';
import { bindPatches, boundAt } from '../src/bind/bind';
import { isCode, allHunks } from '../src/bind/coverage';

const root = path.resolve(__dirname, '..', '..');
const shared = path.resolve(root, '..', 'shared');

function mails(): string[] {
  const dirs = [path.join(shared, 'seeds'), path.join(shared, 'real-mail'), path.join(root, 'test', 'fixtures', 'shapes')];
  return dirs.filter(existsSync).flatMap((d) => readdirSync(d).filter((f) => !/\.md$/.test(f)).map((f) => path.join(d, f)));
}

async function main(): Promise<void> {
  await getCParser();
  const verbose = process.argv.includes('--verbose');
  let all = 0, ran = 0;
  const byDir = new Map<string, [number, number]>();
  console.log('changed lines of modelled functions run as written, per mail (the explorer ran them)');
  for (const file of mails()) {
    const text = readFileSync(file);
    const r = await checkMail(text, { file });
    const binding = bindPatches(r.patches);
    let n = 0, run = 0;
    const missed: string[] = [];
    allHunks(r.patches).forEach((h, i) => {
      const not = new Map(r.coverage[i]?.notExecuted.map((x) => [x.mailLine, x]) ?? []);
      for (const l of h.lines) {
        if (l.op === ' ' || !isCode(l.text)) continue;
        const f = boundAt(binding, l.mailLine, l.op === '-' ? 'pre' : 'post');
        if (!f?.modelled) continue;
        n++;
        const miss = not.get(l.mailLine);
        if (!miss) { run++; continue; }
        missed.push(`    line ${l.mailLine} (${f.name}): ${miss.why}${miss.detail ? `: ${miss.detail}` : ''}`);
      }
    });
    all += n;
    ran += run;
    const dir = path.relative(path.dirname(shared), path.dirname(file));
    const d = byDir.get(dir) ?? [0, 0];
    byDir.set(dir, [d[0] + run, d[1] + n]);
    const pct = n ? `${((100 * run) / n).toFixed(0)}%` : '-';
    console.log(`  ${path.relative(path.dirname(shared), file).padEnd(70)} ${String(run).padStart(4)} of ${String(n).padStart(4)}  ${pct}`);
    if (verbose) for (const m of missed) console.log(m);
  }
  for (const [dir, [r, n]] of byDir) console.log(`  ${`${dir}/ together`.padEnd(70)} ${String(r).padStart(4)} of ${String(n).padStart(4)}  ${n ? ((100 * r) / n).toFixed(0) : '-'}%`);
  console.log(`  ${'all'.padEnd(70)} ${String(ran).padStart(4)} of ${String(all).padStart(4)}  ${all ? ((100 * ran) / all).toFixed(0) : '-'}%`);
}

void main();
