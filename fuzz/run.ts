// One fuzz input through every verb in-process, as the CLI runs them: parse (text, JSON),
// check static (text, JSON, SARIF), check simulated (SARIF, small budget) and reply. A
// problem is a thrown error, an exit status outside 0/1/2/4, a terminal control in the
// output, or a reply header the mail put there.
import { writeFileSync } from 'node:fs';
import { parse } from '../src/cli/parse';
import { check } from '../src/cli/check';
import { reply } from '../src/cli/reply';
import { terminalIO, UsageError, type Verb } from '../src/cli/verb';
import { reviewReady } from '../src/review/index';
import { terminalText } from '../src/mail/index';

export interface Outcome {
  /** Null when every verb answered as it should. */
  problem: string | null;
  /** The longest any one verb took: what a user waits for (the verbs run one after another
   *  here, but a user runs one). */
  ms: number;
  /** That verb, with its options. */
  slowest: string;
}

const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const REPLY_HEADER = /^(To|Cc|Subject|In-Reply-To|References): /;

async function runVerb(verb: Verb, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io = terminalIO({ out: (t) => { out.push(t, '\n'); }, err: (t) => { err.push(t, '\n'); }, write: (t) => { out.push(t); } });
  try {
    return { code: await verb.run(args, io), out: out.join(''), err: err.join('') };
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, out: out.join(''), err: err.join('') + terminalText(e.message) };
    throw e;
  }
}

const RUNS: [Verb, string[]][] = [
  [parse, []], [parse, ['--json']],
  [check, ['--no-simulate']], [check, ['--no-simulate', '--format', 'json']], [check, ['--no-simulate', '--format', 'sarif']],
  [check, ['--format', 'sarif', '--max-states', '20000', '--max-ms', '1000', '--deadline', '3']],
  [reply, ['--no-simulate']],
];

export async function runOne(bytes: Buffer, file: string): Promise<Outcome> {
  await reviewReady();
  writeFileSync(file, bytes);
  let longest = 0;
  let slowest = '';
  for (const [verb, extra] of RUNS) {
    const what = `${verb.name} ${extra.join(' ')}`.trim();
    const t0 = performance.now();
    const took = (): number => {
      const ms = performance.now() - t0;
      if (ms > longest) { longest = ms; slowest = what; }
      return longest;
    };
    let r: { code: number; out: string; err: string };
    try {
      r = await runVerb(verb, [file, ...extra]);
    } catch (e) {
      return { problem: `${what}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`, ms: took(), slowest };
    }
    if (![0, 1, 2, 4].includes(r.code)) return { problem: `${what}: exit ${r.code}`, ms: took(), slowest };
    if (RAW_CONTROL.test(r.out + r.err)) return { problem: `${what}: a raw control character in the output`, ms: took(), slowest };
    if (verb === reply && r.code === 0) {
      const head = r.out.slice(0, r.out.indexOf('\n\n')).split('\n');
      const bad = head.find((l) => !REPLY_HEADER.test(l));
      if (bad !== undefined) return { problem: `${what}: a header line the mail put there: ${JSON.stringify(bad.slice(0, 80))}`, ms: took(), slowest };
    }
    if (verb !== parse && extra.includes('json')) JSON.parse(r.out.slice(r.out.indexOf('{')));
    took();
  }
  return { problem: null, ms: longest, slowest };
}
