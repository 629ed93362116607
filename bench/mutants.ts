// npm run bench:mutants: the mutation score of the model's scenarios and properties. Every
// modelled function's C is mutated the ways a patch goes wrong (a wake, unlock, put or release
// dropped; a wake mode flipped; a condition inverted; two adjacent calls swapped; a re-lookup
// after sleeping dropped), each mutant is lowered as the era's C is, and every scenario whose
// threads reach the function is searched exhaustively with the mutant in place of the function.
//
// A mutant is caught when some scenario finds a violation kind the unmutated model does not, or
// a known defect's scenario no longer finds one it does (the tests pinning the defect fail);
// equivalent when every scenario reaches the same outcomes: the same violation kinds and the
// same set of final states (every word of the state once every thread has returned: the
// kernel's objects and each thread's return value; not the model's diagnostic words, the
// threads' ghost words and dead frames, the page tables (a cache of the entries the kernel may
// drop at any time: what must hold of them, properties check), nor a return value no caller
// of the era reads; a survivor's listing names the words its nearest new final state
// differs in); surviving when its outcomes differ but no
// scenario finds a new violation (a behaviour change nothing checks: a missing scenario or
// property). Mutants no scenario reaches, and mutants whose C the model does not lower, are
// counted apart.
//
// Each era the model has is mutated and scored on its own scenarios, in every version it has.
//
//   --era NAME       only one era ('radix', 'XArray'), or one version of it ('XArray@v6.12')
//   --fn NAME        only the mutants of one function
//   --max-states N   the budget of each search (default 200000; a search cut short decides nothing)
import { getCParser, loadedCParser, type Node } from '../src/c/parser';
import { explore } from '../src/check/explore';
import type { Verdict } from '../src/check/types';
import { definitionsOf, lowerSources } from '../src/model/core/lower';
import { protocolOf } from '../src/model/eras/index';
import type { Era } from '../src/model/core/era';
import type { Api } from '../src/model/core/api';
import { buildScenario, link, listModel, MODEL_ERAS, reachable, referenceFunctions, SCENARIOS, type Func } from '../src/model/index';
import { Status } from '../src/model/machine';
import { G, PAGE, SLOT, THREAD, type Layout } from '../src/model/kernel/layout';

type Operator = 'drop' | 'flip-wake' | 'invert' | 'swap' | 'drop-relookup';

interface Mutant {
  fn: string;
  file: string;
  op: Operator;
  /** The C as the mutant has it, for the listing. */
  what: string;
  line: number;
  text: string;
}

interface Outcome {
  verdict: string;
  kinds: string;
  finals: Set<string>;
  /** What word i of a final state is (Layout.wordName), to say how two final states differ. */
  wordName?: (i: number) => string;
}

/** A call whose dropping a reviewer would want caught: it gives something up or wakes someone. */
function undoes(name: string): boolean {
  const effects = protocolOf(name)?.effects ?? [];
  return effects.some((e) => e.op === 'release' || e.op === 'wake') || /unlock|^put_|wake|_end$|^finish_wait$/.test(name);
}

function calleeOf(n: Node): string | null {
  const call = n.type === 'call_expression' ? n : n.descendantsOfType('call_expression')[0];
  return call?.childForFieldName('function')?.text ?? null;
}

/** Replaces [start, end) of text. */
function splice(text: string, start: number, end: number, by: string): string {
  return text.slice(0, start) + by + text.slice(end);
}

function within(n: Node, types: string[]): boolean {
  for (let p = n.parent; p; p = p.parent) {
    if (types.includes(p.type)) return true;
    if (p.type === 'function_definition') return false;
  }
  return false;
}

/** The mutants of one function definition of a file. */
function mutantsOf(api: Api, file: string, text: string, def: Node, fn: string): Mutant[] {
  const out: Mutant[] = [];
  const add = (op: Operator, n: Node, by: string, what: string): void => {
    out.push({ fn, file, op, what, line: n.startPosition.row + 1, text: splice(text, n.startIndex, n.endIndex, by) });
  };
  const body = def.childForFieldName('body');
  if (!body) return out;
  for (const st of body.descendantsOfType('expression_statement')) {
    if (!st) continue;
    const e = st.namedChildren[0];
    if (!e) continue;
    // A call statement that gives something up or wakes: dropped.
    if (e.type === 'call_expression') {
      const name = calleeOf(e);
      if (name && undoes(name)) add('drop', st, ';', `drop ${st.text}`);
      // A wake mode flipped: the argument the protocol names as "wake all".
      const wake = name ? protocolOf(name)?.effects.find((x) => x.op === 'wake') : undefined;
      const args = e.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a) ?? [];
      if (wake && wake.op === 'wake' && wake.all >= 0) {
        const a = args[wake.all];
        const flip: Record<string, string> = { true: 'false', false: 'true', WAKE_ALL: 'WAKE_NEXT', WAKE_NEXT: 'WAKE_ALL' };
        if (a && flip[a.text]) add('flip-wake', a, flip[a.text], `${name}(): ${a.text} -> ${flip[a.text]}`);
      }
    }
    // A lookup repeated after sleeping (inside a loop): dropped.
    if (e.type === 'assignment_expression' && within(st, ['for_statement', 'while_statement', 'do_statement'])) {
      const name = calleeOf(e.childForFieldName('right') ?? e);
      if (name && /lookup|deref_slot|find_get|get_unlocked/.test(name)) add('drop-relookup', st, ';', `drop ${st.text}`);
    }
  }
  // A condition inverted: of an if, and of a wait loop (the wait_event family's condition argument).
  for (const s of body.descendantsOfType('if_statement')) {
    const c = s?.childForFieldName('condition');
    if (c) add('invert', c, `(!${c.text})`, `if ${c.text} -> if (!${c.text})`);
  }
  for (const call of body.descendantsOfType('call_expression')) {
    const name = call ? calleeOf(call) : null;
    const m = name ? api.calls[name] : undefined;
    if (m?.k !== 'wait') continue;
    const c = call!.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a)[m.condition];
    if (c) add('invert', c, `!(${c.text})`, `${name}() until ${c.text} -> until !(${c.text})`);
  }
  // Two adjacent call statements swapped.
  const blocks = new Map([body, ...body.descendantsOfType('compound_statement')].filter((b): b is Node => !!b).map((b) => [b.id, b]));
  for (const block of blocks.values()) {
    const kids = block.namedChildren.filter((k): k is Node => !!k);
    for (let i = 0; i + 1 < kids.length; i++) {
      const [a, b] = [kids[i], kids[i + 1]];
      if (a.type !== 'expression_statement' || b.type !== 'expression_statement') continue;
      if (!a.descendantsOfType('call_expression').length || !b.descendantsOfType('call_expression').length) continue;
      const swapped = splice(splice(text, b.startIndex, b.endIndex, a.text), a.startIndex, a.endIndex, b.text);
      out.push({ fn, file, op: 'swap', what: `swap ${a.text} / ${b.text}`, line: a.startPosition.row + 1, text: swapped });
    }
  }
  return out;
}

function allMutants(era: Era, only: string | null): Mutant[] {
  const parser = loadedCParser();
  return era.sources.flatMap((src) => {
    const tree = parser.parse(src.text);
    try {
      return definitionsOf(tree.rootNode).flatMap((def) => {
        const fn = def.childForFieldName('declarator')?.descendantsOfType('identifier')[0]?.text ?? '';
        return fn && (!only || fn === only) ? mutantsOf(era.api, src.path, src.text, def, fn) : [];
      });
    } finally {
      tree.delete();
    }
  });
}

/** The mutant's function, lowered as the era's C is (strictly); null when it does not lower. */
function lowerMutant(era: Era, m: Mutant): Func | null {
  const sources = era.sources.map((s) => (s.path === m.file ? { ...s, text: m.text } : s));
  const r = lowerSources(sources, era.api, true);
  if (r.errors.some((e) => e.fn === m.fn || !e.fn)) return null;
  return r.funcs.find((f) => f.name === m.fn) ?? null;
}

/** A scenario's outcomes: its verdict, the kinds of violation it finds and its final states. */
function run(name: string, version: string, budget: { maxStates: number; maxMs: number }, overrides?: Record<string, Func>): Outcome {
  let m: ReturnType<typeof buildScenario>;
  try {
    m = buildScenario(name, { version, ...(overrides ? { overrides } : {}) });
  } catch (e) {
    // A thread that faults before its first step: the scenario cannot even start.
    return { verdict: 'violation', kinds: `fault before the first step: ${e instanceof Error ? e.message : String(e)}`, finals: new Set() };
  }
  const finals = new Set<string>();
  const quiescent = m.quiescent.bind(m);
  // The kernel's state only: the model's diagnostic words (who woke a queue last) are not outcomes.
  // Nor are the threads' stacks: a returned thread's frames are dead, and a mutant's frames
  // may be of another size, which moves every word after them.
  // Nor is a return value no caller the era has reads (ThreadSpec.resultUnread). Nor are the
  // page tables: a mapping is a cache of the entry the kernel may drop at any time (an unmap
  // more only costs a fault); what must hold of them, the properties check (stale-mapping,
  // fault-result, overlap, data-integrity).
  // Nor are the threads' ghost words (what a fault found or made: the properties' record).
  const diagnostic = new Set([...(m.diagnostic ?? []), ...m.L.ghostWords(), G.PMD, ...m.L.indexes.map((_x, s) => m.L.slotWord(s, SLOT.PTE))]);
  m.spec.threads.forEach((t, i) => { if (t.resultUnread) diagnostic.add(m.L.thread(i) + THREAD.RETVAL); });
  const kept = [...Array(m.L.size).keys()].filter((i) => !diagnostic.has(i) && !onStack(m.L, i));
  // A page's references held by the PTEs that map it go with the page tables.
  const L = m.L;
  const ptes = L.indexes.map((_x, s) => L.slotWord(s, SLOT.PTE));
  const refWord = new Map(Array.from({ length: L.nPages }, (_x, p) => [L.pageWord(p, PAGE.REF), p + 1]));
  const outcome = (st: Int32Array, i: number): number => {
    const frame = refWord.get(i);
    return frame === undefined ? st[i] : st[i] - ptes.filter((w) => st[w] === frame).length;
  };
  m.quiescent = (st: Int32Array) => {
    if (m.threads.every((_t, i) => m.status(st, i) === Status.Done)) finals.add(kept.map((i) => outcome(st, i)).join(','));
    return quiescent(st);
  };
  const v: Verdict = explore(m, budget);
  const wordName = (k: number): string => m.L.wordName(kept[k]);
  return { verdict: v.verdict, kinds: [...new Set(v.violations.map((x) => x.kind))].sort().join(','), finals, wordName };
}

/** Whether word i of a state is in a thread's stack (its frames). */
function onStack(L: Layout, i: number): boolean {
  return i >= L.threadBase && (i - L.threadBase) % L.threadStride >= THREAD.STACK;
}

const sameSet = (a: Set<string>, b: Set<string>): boolean => a.size === b.size && [...a].every((x) => b.has(x));

/** How a mutant's outcomes in one scenario differ from the model's, or '' when they do not. */
function difference(ref: Outcome, got: Outcome): string {
  if (got.verdict !== ref.verdict) return `verdict ${ref.verdict} -> ${got.verdict}`;
  if (got.kinds !== ref.kinds) return `kinds ${ref.kinds || 'none'} -> ${got.kinds || 'none'}`;
  if (sameSet(got.finals, ref.finals)) return '';
  const lost = [...ref.finals].filter((x) => !got.finals.has(x));
  const gained = [...got.finals].filter((x) => !ref.finals.has(x));
  // The new final nearest to one no longer reached, else to any the model reaches.
  const words = gained.length && ref.finals.size && ref.wordName ? `; ${nearest(lost.length ? lost : [...ref.finals], gained, ref.wordName)}` : '';
  return `final states: ${lost.length} of ${ref.finals.size} no longer reached, ${gained.length} new${words}`;
}

/** The words in which the new final state nearest to `lost` differs from it, by name. */
function nearest(from: string[], gained: string[], name: (i: number) => string): string {
  const diffs = from.map((f) => f.split(',')).flatMap((a) => gained.map((g) => g.split(','))
    .map((b) => a.flatMap((x, i) => (x === b[i] ? [] : [`${name(i)} ${x} -> ${b[i]}`]))));
  const best = diffs.reduce((p, d) => (d.length < p.length ? d : p));
  const shown = 4;
  return `nearest new final differs in ${best.slice(0, shown).join(', ')}${best.length > shown ? `, and ${best.length - shown} more` : ''}`;
}

async function main(): Promise<void> {
  await getCParser();
  const argv = process.argv.slice(2);
  const opt = (k: string): string | null => { const i = argv.indexOf(k); return i >= 0 ? argv[i + 1] ?? null : null; };
  const budget = { maxStates: Number(opt('--max-states') ?? 200_000), maxMs: 60_000 };
  const listing = listModel();
  const which = opt('--era');
  const eras = MODEL_ERAS.filter((e) => !which || which === e.name || which === `${e.name}@${e.version}`);
  if (!eras.length) throw new Error(`no era '${which}' (the model has ${MODEL_ERAS.map((e) => `${e.name}@${e.version}`).join(', ')})`);
  for (const era of eras) {
    // The functions each scenario reaches in this version (versions name some functions apart).
    const prog = link(referenceFunctions({}, era));
    const scenarios = [...listing.scenarios, ...listing.knownDefects].filter((s) => s.era === era.name).map((s) => ({
      ...s, functions: reachable(prog, [...new Set(SCENARIOS.find((x) => x.name === s.name)!.threads.map((t) => t.fn))]),
    }));
    scoreEra(era, scenarios, new Set(listing.knownDefects.map((s) => s.name)), budget, opt('--fn'));
  }
}

type Row = { mutants: number; caught: number; equivalent: number; surviving: number; undecided: number; unreached: number; unlowered: number };

/** Mutants of one era's functions against its scenarios: a table per function, the score, the survivors. */
function scoreEra(era: Era, scenarios: ReturnType<typeof listModel>['scenarios'], known: ReadonlySet<string>, budget: { maxStates: number; maxMs: number }, only: string | null): void {
  const t0 = performance.now();
  const reference = new Map(scenarios.map((s) => [s.name, run(s.name, era.version, budget)]));
  const mutants = allMutants(era, only);
  const rows = new Map<string, Row>();
  const survivors: string[] = [];
  for (const m of mutants) {
    const row = rows.get(m.fn) ?? { mutants: 0, caught: 0, equivalent: 0, surviving: 0, undecided: 0, unreached: 0, unlowered: 0 };
    rows.set(m.fn, row);
    row.mutants++;
    const reach = scenarios.filter((s) => s.functions.includes(m.fn));
    if (!reach.length) { row.unreached++; continue; }
    const f = lowerMutant(era, m);
    if (!f) { row.unlowered++; continue; }
    let caught = false, same = true, undecided = false, differs = '';
    for (const s of reach) {
      const got = run(s.name, era.version, budget, { [m.fn]: f });
      const ref = reference.get(s.name)!;
      if (got.verdict === 'bounded') { undecided = true; continue; }
      const before = new Set(ref.kinds.split(',').filter(Boolean));
      const after = new Set(got.kinds.split(',').filter(Boolean));
      if ([...after].some((k) => !before.has(k))) { caught = true; break; }
      // A known defect of the kernel's own that the mutant hides: its tests, which pin the defect, fail.
      if (known.has(s.name) && [...before].some((k) => !after.has(k))) { caught = true; break; }
      const how = difference(ref, got);
      if (how) { same = false; differs ||= `${s.name}: ${how}`; }
    }
    if (caught) row.caught++;
    else if (undecided) { row.undecided++; survivors.push(`  ${m.fn} (${m.file}:${m.line}) ${m.op}: ${m.what.replace(/\s+/g, ' ')} [not decided within the budget]`); }
    else if (same) row.equivalent++;
    else { row.surviving++; survivors.push(`  ${m.fn} (${m.file}:${m.line}) ${m.op}: ${m.what.replace(/\s+/g, ' ')}\n      ${differs}`); }
  }
  const pad = (x: string | number, n: number): string => String(x).padStart(n);
  console.log(`\nmutants of the ${era.name} era's functions (${era.version}), against ${scenarios.length} scenarios, searched exhaustively`);
  console.log(`${'function'.padEnd(34)}${pad('mutants', 8)}${pad('caught', 8)}${pad('equiv.', 8)}${pad('surviving', 10)}${pad('undecided', 10)}${pad('unreached', 10)}${pad('unlowered', 10)}`);
  const total: Row = { mutants: 0, caught: 0, equivalent: 0, surviving: 0, undecided: 0, unreached: 0, unlowered: 0 };
  for (const [fn, r] of [...rows].sort((a, b) => a[0].localeCompare(b[0]))) {
    console.log(`${fn.padEnd(34)}${pad(r.mutants, 8)}${pad(r.caught, 8)}${pad(r.equivalent, 8)}${pad(r.surviving, 10)}${pad(r.undecided, 10)}${pad(r.unreached, 10)}${pad(r.unlowered, 10)}`);
    for (const k of Object.keys(total) as (keyof Row)[]) total[k] += r[k];
  }
  console.log(`${'all'.padEnd(34)}${pad(total.mutants, 8)}${pad(total.caught, 8)}${pad(total.equivalent, 8)}${pad(total.surviving, 10)}${pad(total.undecided, 10)}${pad(total.unreached, 10)}${pad(total.unlowered, 10)}`);
  const decided = total.caught + total.surviving;
  console.log(`score: ${total.caught} of ${decided} non-equivalent reached mutants caught (${decided ? ((100 * total.caught) / decided).toFixed(0) : '-'}%), in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (survivors.length) console.log(`surviving and undecided mutants:\n${survivors.join('\n')}`);
}

void main();
