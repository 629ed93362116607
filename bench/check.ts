// npm run bench:check: the review on a 5,000-line mbox (cold, then warm as an editor
// re-checks on each keystroke) and the simulation of seed 000's grab_mapping_entry hunk.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { checkMail, checkMailStatic, reviewReady } from '../src/review/index';
import { readMail } from '../src/mail/index';
import { parsePatchMail } from '../src/patch/index';
import { simulateHunk, forgetRuns } from '../src/bind/index';
import { allHunks } from '../src/bind/coverage';

const root = path.join(__dirname, '..', '..');
const seeds = path.join(root, 'test', 'fixtures', 'seeds');

/** An mbox of about `lines` lines: the example and the review fixtures, each a message. */
function mbox(lines: number): string {
  const sources = [
    path.join(root, 'examples', 'dax-pmd-downgrade.mbox'),
    path.join(root, 'test', 'fixtures', 'review', '000-fixed.txt'),
    path.join(root, 'test', 'fixtures', 'review', '000-fixed-all.txt'),
  ].map((f) => readFileSync(f, 'utf8'));
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < lines; i++) {
    const body = sources[i % sources.length].replace(/^From [^\n]*\n/, '');
    const text = body.startsWith('From:') ? body : `From: Ross Zwisler <ross.zwisler@linux.intel.com>\nSubject: Re: [PATCH v5 15/17] dax: add struct iomap based DAX PMD support\nMessage-ID: <bench-${i}@example.org>\nDate: Tue, 11 Oct 2016 18:51:39 -0400\n\n${body}`;
    const msg = `From bench-${i}@example.org Tue Oct 11 18:51:39 2016\n${text.replace(/^From /gm, '>From ')}\n`;
    parts.push(msg);
    n += msg.split('\n').length;
  }
  return parts.join('');
}

function ms(t0: number): string { return `${(performance.now() - t0).toFixed(1)} ms`; }

async function main(): Promise<void> {
  await reviewReady();
  const text = mbox(5000);
  const lineCount = text.split('\n').length;

  let t0 = performance.now();
  let r = checkMailStatic(text, { file: 'bench.mbox' });
  console.log(`check --no-simulate, ${lineCount}-line mbox, ${r.findings.length} findings: first run ${ms(t0)}`);
  const warm: number[] = [];
  for (let i = 0; i < 10; i++) {
    // An edit: one more blank line at the end, as a keystroke would add.
    const t = performance.now();
    r = checkMailStatic(text + '\n'.repeat(i + 1), { file: 'bench.mbox' });
    warm.push(performance.now() - t);
  }
  warm.sort((a, b) => a - b);
  console.log(`check --no-simulate, warm (median of 10 edits): ${warm[5].toFixed(1)} ms  [target < 100 ms]`);

  t0 = performance.now();
  const full = await checkMail(text, { file: 'bench.mbox', verdicts: false });
  console.log(`check with simulation, first run: ${ms(t0)} (${full.findings.filter((f) => f.evidence === 'both').length} findings confirmed by the model)`);
  t0 = performance.now();
  await checkMail(text + '\n', { file: 'bench.mbox', verdicts: false });
  console.log(`check with simulation, warm (scenario runs remembered): ${ms(t0)}`);

  const seedFile = readdirSync(seeds).find((f) => f.startsWith('000_'))!;
  const seedText = readFileSync(path.join(seeds, seedFile), 'utf8');
  const patches = parsePatchMail(readMail(seedText, { file: seedFile }));
  const hunk = allHunks(patches).find((h) => h.function === 'grab_mapping_entry')!;
  for (const scenario of ['eexist-waiters', 'enomem-downgrade', 'pmd-downgrade', 'hzp-downgrade']) {
    forgetRuns();
    t0 = performance.now();
    const s = await simulateHunk(patches, hunk.id, { scenario });
    const v = s.verdicts[0];
    console.log(`simulate seed 000 --hunk ${hunk.id} --scenario ${scenario}: ${ms(t0)}  pre ${v.pre?.verdict} ${v.pre?.states} states, ` +
      `post ${v.post.verdict} ${v.post.states} states: ${v.summary}  [target < 1000 ms]`);
  }
  forgetRuns();
  t0 = performance.now();
  const all = await simulateHunk(patches, hunk.id);
  console.log(`simulate seed 000 --hunk ${hunk.id}, all ${all.verdicts.length} scenarios that run grab_mapping_entry, cold: ${ms(t0)}`);
}

main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
