// dax-review simulate FILE --hunk N [--scenario S] [--without MAILLINE] [--tree DIR] [--json]
import { parsePatchMail } from '../patch/index';
import { simulateHunk, type HunkSimulation } from '../bind/index';
import { modelIndex } from '../bind/modelindex';
import { renderSwimlanes } from '../check/swimlane';
import type { Verdict } from '../check/types';
import { INPUT_USAGE, inputLimits, option, positional, readMailInput, readingLines, rejectUnknown } from './input';
import { writeJson } from './json';
import { UsageError, type Verb } from './verb';

const usage = `usage: dax-review simulate FILE --hunk N [--scenario S] [--without MAILLINE] [--tree DIR] [--json]

Runs the hunk's modelled functions, as the mail has them before and after the patch, in
every scenario that exercises them, and prints per scenario the pre and post verdicts
(verdict, states, time, violations with their traces) and which changed lines the model
runs.

  --hunk N            the hunk (0-based, in mail order; 'dax-review parse' lists them)
  --scenario S        only this scenario ('dax-review model list' names them)
  --without MAILLINE  leave this mail line out of the post-image: why is it necessary?
  --tree DIR          a kernel checkout: rebuild the touched functions whole from it
  --json              the result as JSON
${INPUT_USAGE}`;

function verdictLine(side: string, v: Verdict | null): string {
  if (!v) return `  ${side}: not run`;
  const kinds = v.violations.map((x) => x.kind).join(', ');
  const open = v.verdict === 'bounded' ? ' (not decided within the budget)' : '';
  return `  ${side}: ${v.verdict}${open}${kinds ? ` (${kinds})` : ''}, ${v.states} states, ${v.ms.toFixed(1)} ms`;
}

export function renderSimulation(r: HunkSimulation): string {
  const out: string[] = [];
  const h = r.hunk;
  out.push(`hunk ${h.id}: ${h.path ?? '?'} ${h.function ?? ''} (mail lines ${h.mailLines[0]}-${h.mailLines[1]})`);
  const c = r.coverage;
  out.push(`coverage: the model runs ${c.executed} of ${c.changed} changed lines`);
  for (const f of c.functions ?? []) {
    const pts = f.points && Object.keys(f.points).length ? `: ${Object.entries(f.points).map(([k, v]) => `${k}=${v}`).join(', ')}` : '';
    out.push(`  ${f.name}(): ${f.mode === 'points' ? 'reference function driven by the fragment' : f.mode}${pts}`);
  }
  for (const n of c.notExecuted) out.push(`  line ${n.mailLine}: not run (${n.why}${n.detail ? `: ${n.detail}` : ''})`);
  if (r.inexpressible?.length) {
    out.push(`no verdict: without line ${r.without} the model cannot express the post-image ` +
      `(it removes the statement that sets ${r.inexpressible.map((b) => `${b.fn}.${b.point}`).join(', ')})`);
  } else if (!r.verdicts.length) out.push('no verdict: the hunk touches no modelled function the model can run');
  for (const v of r.verdicts) {
    out.push('');
    out.push(`scenario ${v.scenario}: ${v.summary}`);
    out.push(verdictLine('pre ', v.pre));
    out.push(verdictLine('post', v.post));
    for (const x of v.post.violations) {
      out.push(`  post ${x.kind}: ${x.message}`);
      out.push(renderSwimlanes(x.trace, { width: 110 }).split('\n').map((l) => `    ${l}`).join('\n'));
    }
  }
  return out.join('\n');
}

export const simulate: Verb = {
  name: 'simulate',
  summary: 'run one hunk in the model: pre and post verdicts per scenario, with traces',
  usage,
  async run(args, io) {
    rejectUnknown(args, ['--hunk', '--scenario', '--without', '--tree', '--json'], usage);
    const files = positional(args, ['--hunk', '--scenario', '--without', '--tree']);
    const tree = option(args, '--tree') ?? undefined;
    if (files.length !== 1) throw new UsageError(`give exactly one FILE\n\n${usage}`);
    const hunkText = option(args, '--hunk');
    if (hunkText === null || !/^\d+$/.test(hunkText)) throw new UsageError(`--hunk N is required (a hunk number)\n\n${usage}`);
    const withoutText = option(args, '--without');
    if (withoutText !== null && !/^\d+$/.test(withoutText)) throw new UsageError(`--without takes a mail line number, not '${withoutText}'`);
    const scenario = option(args, '--scenario') ?? undefined;
    if (scenario && !modelIndex().scenarios.some((s) => s.name === scenario)) {
      throw new UsageError(`unknown scenario '${scenario}'; the model has: ${modelIndex().scenarios.map((s) => s.name).join(', ')}`);
    }
    const file = files[0];
    const doc = await readMailInput(file, inputLimits(args));
    const patches = parsePatchMail(doc);
    for (const l of readingLines(file, [...doc.diagnostics, ...doc.messages.flatMap((m) => m.diagnostics)])) io.err(l);
    const count = patches.reduce((n, p) => n + p.files.reduce((m, f) => m + f.hunks.length, 0), 0);
    const hunk = Number(hunkText);
    if (hunk >= count) throw new UsageError(`${file} has ${count} hunk${count === 1 ? '' : 's'} (0..${count - 1}); no hunk ${hunk}`);
    const r = await simulateHunk(patches, hunk, { scenario, tree, without: withoutText === null ? undefined : Number(withoutText) });
    if (args.includes('--json')) {
      writeJson(io, { hunk: { id: r.hunk.id, path: r.hunk.path, function: r.hunk.function, mailLines: r.hunk.mailLines },
        coverage: r.coverage, points: r.points, verdicts: r.verdicts, bounded: r.verdicts.some((v) => v.post.verdict === 'bounded' || v.pre?.verdict === 'bounded') });
    } else io.out(renderSimulation(r));
    // A search that stopped at its budget decided nothing: exit 4, as model run does.
    return r.verdicts.some((v) => (v.post.verdict === 'bounded' && !v.post.violations.length) || (v.pre?.verdict === 'bounded' && !v.pre.violations.length)) ? 4 : 0;
  },
};
