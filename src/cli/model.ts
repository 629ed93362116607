// dax-review model list | model run SCENARIO [--version V] [--set point=value ...] [--max-states N] [--max-ms N] [--json]
import { eraOfScenario, KNOWN_DEFECTS, listModel, MODEL_ERAS, SCENARIOS, THREAD_KINDS, scenarioSpec, type ModelListing } from '../model/index';
import { explore } from '../check/explore';
import { buildFromInput } from '../check/scenario';
import { renderSwimlanes } from '../check/swimlane';
import type { Budget, RunInput, Verdict } from '../check/types';
import { UsageError, type CliIO, type Verb } from './verb';

const THREAD_KIND_NAMES = Object.keys(THREAD_KINDS).join(', ');

const usage = `usage: dax-review model list [--json]
       dax-review model run SCENARIO [--version V] [--set point=value ...] [--max-states N] [--max-ms N]
                                     [--first] [--no-reductions] [--partial-order] [--width N] [--json]
       dax-review model run [SCENARIO] --threads "KIND@INDEX,..." [options as above]

list   the modelled functions (with the kernel version each follows), their variation
       points (the C each stands for, its values, the v4.10 default, and the diff of the
       model's kernel C that makes each other value) and the scenarios.
run    explores every interleaving of SCENARIO's threads and prints the verdict, states,
       transitions, time, reductions and, for each kind of violation, a shortest trace
       drawn as swimlanes (one column per thread).

  --threads LIST     threads of your own, comma-separated KIND@INDEX (invalidate@START-END),
                     over SCENARIO's world or, without one, a file of mapped blocks; KIND is
                     one of: ${THREAD_KIND_NAMES}
  --version V        another version of the scenario's era ('model list' names them), e.g.
                     v6.12 for an XArray scenario
  --set point=value  a variation point, as 'function.point' or 'point' when unambiguous
                     (repeatable); 'model list' shows them
  --max-states N     stop after N distinct states (default 2000000)
  --max-ms N         stop after N milliseconds (default 120000)
  --first            stop at the first violation (still a shortest one)
  --no-reductions    explore without symmetry and sleep-set reductions
  --partial-order    explore with persistent sets too: fewer states where the threads' futures
                     keep apart (four to six threads); the verdict, kinds and shortest trace
                     lengths are the search's without them
  --width N          swimlane width (default 120)
  --json             the Verdict as JSON: verdict, states, transitions, ms, reductions,
                     covered (when bounded), violations[] {kind, message, detail, threads,
                     trace {threads, steps[] {thread, threadName, function, label, note, after}}}

exit status: 0 ok, 1 violation, 2 bad input, 4 bounded (the budget ran out first: not a pass)`;

const DEFAULT_BUDGET: Budget = { maxStates: 2_000_000, maxMs: 120_000 };

type PointValue = string | number | boolean;

function parseValue(text: string): PointValue {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?(0x[0-9a-f]+|\d+)$/i.test(text)) return Number(text);
  return text;
}

/** Resolves "function.point" or a unique "point" against the listing; checks the value. */
export function resolvePoint(listing: ModelListing, key: string, text: string, era?: { era: string; version: string }): [string, PointValue] {
  const all = listing.functions.filter((f) => !era || (f.era === era.era && f.version === era.version)).flatMap((f) => f.points.map((p) => ({ fn: f.name, p })));
  const dot = key.lastIndexOf('.');
  const hits = dot > 0
    ? all.filter((x) => x.fn === key.slice(0, dot) && x.p.name === key.slice(dot + 1))
    : all.filter((x) => x.p.name === key);
  const known = all.map((x) => `${x.fn}.${x.p.name}`).join(', ');
  if (hits.length === 0) throw new UsageError(`unknown variation point '${key}'; points: ${known}`);
  if (hits.length > 1) throw new UsageError(`variation point '${key}' is ambiguous: ${hits.map((x) => `${x.fn}.${x.p.name}`).join(', ')}`);
  const { fn, p } = hits[0];
  const value = parseValue(text);
  if (!p.values.some((v) => String(v) === String(value))) {
    throw new UsageError(`${fn}.${p.name} (${p.c}) takes ${p.values.map(String).join(' | ')}, not '${text}'`);
  }
  return [`${fn}.${p.name}`, p.values.find((v) => String(v) === String(value))!];
}

function intOption(args: string[], i: number, name: string): number {
  const text = args[i + 1];
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n <= 0) throw new UsageError(`${name} needs a positive integer, not '${text ?? ''}'`);
  return n;
}

interface RunArgs { input: RunInput; json: boolean; width: number }

/**
 * The arguments of `model run`. The listing (every era's C lowered) is asked for only to resolve
 * --set: a scenario's name, era and versions are known without it, so a run lowers the one era
 * it needs.
 */
function parseRun(args: string[], listing: () => ModelListing): RunArgs {
  let scenario: string | null = null;
  const points: Record<string, PointValue> = {};
  const budget = { ...DEFAULT_BUDGET };
  let json = false;
  let width = 120;
  let stopAtFirst = false;
  let reduce = true;
  let partialOrder = false;
  let threads: string | undefined;
  let version: string | undefined;
  const sets: [string, string][] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--threads') {
      threads = args[++i];
      if (threads === undefined) throw new UsageError('--threads needs a list: e.g. --threads "pte-read@0x202,pte-read@0x203"');
    } else if (a === '--version') {
      version = args[++i];
      if (version === undefined) throw new UsageError('--version needs a version of the scenario\'s era: e.g. --version v6.12');
    } else if (a === '--set') {
      const kv = args[++i];
      const eq = kv?.indexOf('=') ?? -1;
      if (!kv || eq <= 0) throw new UsageError(`--set needs point=value, not '${kv ?? ''}'`);
      sets.push([kv.slice(0, eq), kv.slice(eq + 1)]);
    } else if (a === '--max-states') { budget.maxStates = intOption(args, i++, a); }
    else if (a === '--max-ms') { budget.maxMs = intOption(args, i++, a); }
    else if (a === '--width') { width = intOption(args, i++, a); }
    else if (a === '--json') json = true;
    else if (a === '--first') stopAtFirst = true;
    else if (a === '--no-reductions') reduce = false;
    else if (a === '--partial-order') partialOrder = true;
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'\n\n${usage}`);
    else if (scenario === null) scenario = a;
    else throw new UsageError(`one scenario at a time ('${scenario}', then '${a}')`);
  }
  const listed = [...SCENARIOS.filter((x) => !x.expect), ...KNOWN_DEFECTS];
  const names = listed.map((x) => x.name);
  if (scenario === null && threads === undefined) throw new UsageError(`model run needs a scenario (${names.join(', ')}) or --threads`);
  if (scenario !== null && !names.includes(scenario)) throw new UsageError(`unknown scenario '${scenario}'; scenarios: ${names.join(', ')}`);
  try {
    scenarioSpec(scenario, threads);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  // Points are the scenario's era's (threads composed over no scenario run the radix era).
  const spec = listed.find((x) => x.name === scenario);
  const own = spec ? eraOfScenario(spec) : MODEL_ERAS.find((e) => e.name === 'radix')!;
  const era = { era: own.name, version: version ?? own.version };
  if (version !== undefined) {
    const versions = MODEL_ERAS.filter((e) => e.name === era.era).map((e) => e.version);
    if (!versions.includes(version)) throw new UsageError(`the ${era.era} era has no version '${version}'; it has ${versions.join(', ')}`);
  }
  for (const [k, text] of sets) {
    const [key, v] = resolvePoint(listing(), k, text, era);
    points[key] = v;
  }
  const input: RunInput = {
    scenario: scenario ?? '', points, budget, stopAtFirst,
    ...(threads !== undefined ? { threads } : {}), ...(version !== undefined ? { version } : {}),
  };
  if (!reduce) input.reductions = { symmetry: false, sleepSets: false };
  if (partialOrder) input.reductions = { ...input.reductions, partialOrder: true };
  return { input, json, width };
}

export function renderVerdict(v: Verdict, points: Record<string, PointValue>, width: number): string {
  const out: string[] = [];
  const rate = v.ms > 0 ? Math.round((v.states / v.ms) * 1000) : v.states;
  out.push(`scenario ${v.scenario}: ${v.verdict}`);
  const set = Object.entries(points).map(([k, x]) => `${k}=${x}`).join(', ');
  if (set) out.push(`  points: ${set} (model list shows the diff of the C each sets)`);
  out.push(`  ${v.states} states, ${v.transitions} transitions, ${v.ms.toFixed(1)} ms (${rate} states/s)`);
  out.push(`  reductions: ${v.reductions.length ? v.reductions.join(', ') : 'none'}`);
  if (v.covered) {
    out.push(`  bounded (${v.covered.reason}): every interleaving of up to ${v.covered.depth} steps was covered; `
      + `${v.covered.frontier} states were left unexpanded`);
  }
  for (const x of v.violations) {
    out.push('');
    out.push(`${x.kind}: ${x.message}`);
    if (x.detail) out.push(`  ${Object.entries(x.detail).map(([k, d]) => `${k}=${d}`).join(', ')}`);
    out.push(`  shortest trace: ${x.trace.steps.length} steps`);
    out.push('');
    out.push(renderSwimlanes(x.trace, { width }));
  }
  return out.join('\n');
}

function renderListing(l: ModelListing): string {
  const out: string[] = [];
  let era = '';
  for (const f of l.functions) {
    if (`${f.era} ${f.version}` !== era) out.push(`${era ? '\n' : ''}functions of the ${f.era} era, ${(era = `${f.era} ${f.version}`).split(' ')[1]}:`);
    out.push(`  ${f.name}(${f.params.join(', ')})  [${f.kernel}]`);
    for (const p of f.points) {
      out.push(`      ${f.name}.${p.name} = ${p.default}  (${p.values.map(String).join(' | ')})  ${p.c}`);
      for (const [value, diff] of Object.entries(p.diffs ?? {})) {
        out.push(`        ${p.name}=${value} is this change of the model's C:`);
        out.push(...diff.trimEnd().split('\n').filter((l) => !/^(---|\+\+\+) /.test(l)).map((l) => `          ${l}`));
      }
    }
  }
  const scenario = (s: ModelListing['scenarios'][number]): void => {
    out.push(`  ${s.name}`);
    out.push(`      ${s.description}`);
    out.push(`      era: ${s.era} (${s.version})`);
    if (s.expect) out.push(`      the era's reference has a ${s.expect.kind}: ${s.expect.why}`);
    out.push(`      threads: ${s.threads.join('; ')}`);
    out.push(`      runs: ${s.functions.join(', ')}`);
  };
  out.push('', 'scenarios (clean with the version each era follows):');
  l.scenarios.forEach(scenario);
  out.push('', 'scenarios with a defect the version an era follows has (fixed later):');
  l.knownDefects.forEach(scenario);
  return out.join('\n');
}

async function run(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  let listed: ModelListing | null = null;
  const listing = (): ModelListing => (listed ??= listModel());
  if (sub === 'list') {
    const bad = rest.find((a) => a !== '--json');
    if (bad) throw new UsageError(`model list takes only --json, not '${bad}'`);
    io.out(rest.includes('--json') ? JSON.stringify(listing(), null, 2) : renderListing(listing()));
    return 0;
  }
  if (sub !== 'run') throw new UsageError(`model needs 'list' or 'run'${sub ? `, not '${sub}'` : ''}\n\n${usage}`);
  const { input, json, width } = parseRun(rest, listing);
  const verdict = explore(buildFromInput(input), input.budget, { stopAtFirst: input.stopAtFirst, reductions: input.reductions });
  io.out(json ? JSON.stringify(verdict, null, 2) : renderVerdict(verdict, input.points ?? {}, width));
  return verdict.verdict === 'ok' ? 0 : verdict.verdict === 'violation' ? 1 : 4;
}

export const model: Verb = {
  name: 'model',
  summary: 'list the model (functions, variation points, scenarios) or explore one scenario',
  usage,
  run,
};
