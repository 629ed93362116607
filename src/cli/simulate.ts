// dax-review simulate FILE --hunk N [--scenario S] [--without MAILLINE] [--tree DIR] [--json]
import { parsePatchMail } from '../patch/index';
import { simulateHunk, type HunkSimulation } from '../bind/index';
import { SCENARIOS } from '../model/scenarios';
import { buildScenario, listModel, scenarioSpec } from '../model/index';
import { explore } from '../check/index';
import { renderVerdict } from './model';

/** A variation point's default, from the model's listing. */
function pointDefault(fn: string, point: string): string | number | boolean | undefined {
  return listModel().functions.find((f) => f.name === fn)?.points.find((p) => p.name === point)?.default;
}
import { renderSwimlanes } from '../check/swimlane';
import type { Verdict } from '../check/types';
import { INPUT_USAGE, inputLimits, option, positional, readMailInput, readingLines, rejectUnknown } from './input';
import { writeJson } from './json';
import { simulationHeadline } from '../review/whatif';
import { UsageError, type Verb } from './verb';

const usage = `usage: dax-review simulate FILE --hunk N [--scenario S] [--threads LIST] [--without MAILLINE] [--tree DIR] [--json]
       dax-review simulate FILE --scenario S [--json]

Runs the hunk's modelled functions, as the mail has them before and after the patch, in
every scenario that exercises them, and prints per scenario the pre and post verdicts
(verdict, states, time, violations with their traces) and which changed lines the model
runs. Without --hunk (a mail that discusses code it does not patch), runs the model's own
functions in scenario S and says which of the functions the mail names it runs.

  --hunk N            the hunk (0-based, in mail order; 'dax-review parse' lists them)
  --scenario S        only this scenario ('dax-review model list' names them)
  --threads LIST      threads of your own instead, KIND@INDEX comma-separated (see
                      'dax-review model --help'), over --scenario's world if given
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

export function renderSimulation(r: HunkSimulation, without: number | null = null): string {
  const out: string[] = [];
  const h = r.hunk;
  out.push(`hunk ${h.id}: ${h.path ?? '?'} ${h.function ?? ''} (mail lines ${h.mailLines[0]}-${h.mailLines[1]})`);
  const c = r.coverage;
  const era = r.era;
  const model = `the model's ${r.binding.era.name} era (${r.binding.era.version})`;
  out.push(era && !era.modelled
    ? `era: ${era.era} (fs/dax.c of ${era.kernels}: ${era.evidence.slice(0, 4).join(', ')}); ${model} does not run it`
    : `era: ${model}${era?.evidence.length ? ` (the hunks use ${era.evidence.slice(0, 4).join(', ')})` : ''}`);
  out.push(`coverage: the model runs ${c.executed} of ${c.changed} changed lines`);
  for (const f of c.functions ?? []) {
    const how = f.mode === 'interpreted' ? `runs as the patch writes it (${f.how === 'completed' ? 'the mail\'s lines over the model\'s reference' : f.how === 'mail' ? 'the mail\'s own function' : 'applied to the model\'s reference'})` : `not run: ${f.why ?? 'outside the model'}`;
    out.push(`  ${f.name}(): ${how}`);
    for (const ch of f.choices ?? []) out.push(`    assumed${ch.mailLine !== null ? ` at line ${ch.mailLine}` : ''}: ${ch.c}`);
  }
  for (const n of c.notExecuted) out.push(`  line ${n.mailLine}: not run (${n.why}${n.detail ? `: ${n.detail}` : ''})`);
  const shapes = (which: 'pre' | 'post'): string[] => {
    const fns = [...new Set(r.points[which].map((p) => p.fn))];
    return fns.map((fn) => {
      const set = r.points[which].filter((p) => p.fn === fn && String(p.value) !== String(pointDefault(fn, p.point)));
      return `  ${fn}() ${which === 'pre' ? 'before' : 'after'} the patch is the model's ${fn}()${set.length ? ` with ${set.map((p) => `${p.point}=${String(p.value)}`).join(', ')}` : ' as it stands'}`;
    });
  };
  // The model's variation points are its own business; "what if" compares two versions of the patch.
  if (without === null) out.push(...shapes('pre'), ...shapes('post'));
  out.push(simulationHeadline(r.verdicts, without));
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

/** The model's own run of a scenario for a mail that names the functions it runs. */
async function scenarioOfMail(file: string, name: string, args: string[], io: Parameters<Verb['run']>[1]): Promise<number> {
  if (!SCENARIOS.some((s) => s.name === name)) throw new UsageError(`unknown scenario '${name}'; the model has: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const doc = await readMailInput(file, inputLimits(args));
  const listed = [...listModel().scenarios, ...listModel().knownDefects].find((s) => s.name === name)!;
  const text = doc.messages.flatMap((m) => m.body.map((l) => l.text)).join('\n');
  // Prose writes some functions hyphenated ("memory-failure").
  const named = listed.functions.filter((f) => new RegExp(`\\b${f.replace(/_/g, '[_-]')}\\b`).test(text));
  const verdict = explore(buildScenario(name), { maxStates: 2_000_000, maxMs: 60_000 });
  if (args.includes('--json')) writeJson(io, { scenario: name, era: listed.era, version: listed.version, named, verdict });
  else {
    io.out(`scenario ${name} (the model's ${listed.era} ${listed.version}): ${named.length ? `runs ${named.map((f) => `${f}()`).join(', ')}, which the mail names` : 'runs none of the functions the mail names'}`);
    io.out(renderVerdict(verdict, {}, 110));
  }
  return verdict.verdict === 'ok' ? 0 : verdict.verdict === 'violation' ? 1 : 4;
}

export const simulate: Verb = {
  name: 'simulate',
  summary: 'run one hunk in the model: pre and post verdicts per scenario, with traces',
  usage,
  async run(args, io) {
    rejectUnknown(args, ['--hunk', '--scenario', '--threads', '--without', '--tree', '--json'], usage);
    const files = positional(args, ['--hunk', '--scenario', '--threads', '--without', '--tree']);
    const tree = option(args, '--tree') ?? undefined;
    if (files.length !== 1) throw new UsageError(`give exactly one FILE\n\n${usage}`);
    const hunkText = option(args, '--hunk');
    if (hunkText === null && option(args, '--scenario') !== null) return scenarioOfMail(files[0], option(args, '--scenario')!, args, io);
    if (hunkText === null || !/^\d+$/.test(hunkText)) throw new UsageError(`--hunk N is required (a hunk number), or --scenario S alone\n\n${usage}`);
    const withoutText = option(args, '--without');
    if (withoutText !== null && !/^\d+$/.test(withoutText)) throw new UsageError(`--without takes a mail line number, not '${withoutText}'`);
    const scenario = option(args, '--scenario') ?? undefined;
    if (scenario && !SCENARIOS.some((s) => s.name === scenario)) {
      throw new UsageError(`unknown scenario '${scenario}'; the model has: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    }
    const threads = option(args, '--threads') ?? undefined;
    if (threads !== undefined) {
      try { scenarioSpec(scenario ?? null, threads); } catch (e) { throw new UsageError(e instanceof Error ? e.message : String(e)); }
    }
    const file = files[0];
    const doc = await readMailInput(file, inputLimits(args));
    const patches = parsePatchMail(doc);
    for (const l of readingLines(file, [...doc.diagnostics, ...doc.messages.flatMap((m) => m.diagnostics)])) io.err(l);
    const count = patches.reduce((n, p) => n + p.files.reduce((m, f) => m + f.hunks.length, 0), 0);
    const hunk = Number(hunkText);
    if (hunk >= count) throw new UsageError(`${file} has ${count} hunk${count === 1 ? '' : 's'} (0..${count - 1}); no hunk ${hunk}`);
    const r = await simulateHunk(patches, hunk, { scenario, threads, tree, without: withoutText === null ? undefined : Number(withoutText) });
    if (args.includes('--json')) {
      writeJson(io, { hunk: { id: r.hunk.id, path: r.hunk.path, function: r.hunk.function, mailLines: r.hunk.mailLines },
        coverage: r.coverage, points: r.points, verdicts: r.verdicts, bounded: r.verdicts.some((v) => v.post.verdict === 'bounded' || v.pre?.verdict === 'bounded') });
    } else io.out(renderSimulation(r, withoutText === null ? null : Number(withoutText)));
    // A search that stopped at its budget decided nothing: exit 4, as model run does.
    return r.verdicts.some((v) => (v.post.verdict === 'bounded' && !v.post.violations.length) || (v.pre?.verdict === 'bounded' && !v.pre.violations.length)) ? 4 : 0;
  },
};
