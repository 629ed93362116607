// The review stage's public API: findings on mail lines, static and simulated, and the
// reply a reviewer would send.
import type { Hunk, PatchMessage } from '../patch/types';
import type { RebuiltFunction, TreeFailure } from '../c/types';
import { applyToTree } from '../c/tree';
import { getCParser } from '../c/parser';
import type { Budget, TraceStep, Verdict, Violation } from '../check/types';
import { simulateWith, kinds, kindWords, functionsOfHunk, codeKey, DEFAULT_BUDGET, type HunkSimulation } from '../bind/simulate';
import { bindPatches, fileNamed, placeUnnamedInTree, type Binding } from '../bind/bind';
import { allHunks, isCode } from '../bind/coverage';
import type { MailDiagnostic, MailDocument } from '../mail/types';
import { analyseMail, staticFindings, checkMailStatic, staticReview, staticCoverage, answered, reviewReady, loweredCoverage, type Analysed } from './static';
import type { Finding, HunkCoverage, HunkVerdict, ReviewCoverage, Undecided } from './types';
import { scopeOf, settleEvidence, withStatement } from './evidence';
import { eraPhrase } from '../model/eras/index';
import { proseSymbols } from './prose';
export { proseSymbolsOf, type ProseSymbol } from './prose';

export { checkMailStatic, staticReview, staticCoverage, reviewReady };
export { outsideModel } from './evidence';
export { breakage, simulationHeadline, type Breakage } from './whatif';
export { draftReply, composeReply, type ReplyDraft, type ReplyOptions } from './reply';
export type { Finding, HunkCoverage, HunkVerdict, ReviewCoverage, Undecided } from './types';

export interface CheckOptions {
  file?: string | null;
  /** A kernel checkout: touched functions are rebuilt whole from it. */
  tree?: string;
  budget?: Budget;
  /** Run the model (default true). */
  simulate?: boolean;
  /** Report the pre/post verdict of every hunk that changes a function the model runs (default
   *  true). The runs happen either way (they confirm findings); each gets `verdictBudget`
   *  (default 50,000 states), and a search cut by it says 'bounded'. */
  verdicts?: boolean;
  verdictBudget?: Budget;
  /** Most milliseconds the whole review may take; searches started later are not run and
   *  what they would have decided is reported as not decided. */
  deadlineMs?: number;
}

export interface CheckResult {
  findings: Finding[];
  /** Per hunk: changed lines the model runs, counting only lines whose searches finished. */
  coverage: ReviewCoverage[];
  patches: PatchMessage[];
  verdicts: HunkVerdict[];
  /** With a kernel tree: hunks that did not apply (or applied with an offset), and why. */
  treeFailures: TreeFailure[];
  /** Reading problems (mail, MIME, charset, patch) and functions set aside, on mail lines. */
  diagnostics: MailDiagnostic[];
  /** Code the model runs whose searches did not finish within the budget or the deadline:
   *  not decided, never clean. */
  bounded: Undecided[];
}

/** The model refuses or cannot run a function: said on its first mail line, never thrown. */
function modelError(e: unknown): string {
  const why = e instanceof Error ? e.message : String(e);
  return e instanceof RangeError ? `the model ran out of room (${why})` : `the model cannot run it (${why})`;
}

function rebuildFromTree(tree: string, failures: TreeFailure[]): (pm: PatchMessage) => RebuiltFunction[] {
  return (pm) => {
    const r = applyToTree(placeUnnamedInTree(pm, tree, failures), tree);
    failures.push(...r.failures);
    return r.functions;
  };
}

/** The mail lines a trace's steps stand on, and the calls of the mail they are made in. */
function traceLines(v: Violation): number[] {
  return v.trace.steps.flatMap((s: TraceStep) => [s.source?.mailLine, ...(s.source?.callers ?? []).map((c) => c.mailLine)])
    .filter((x): x is number => x !== undefined);
}

/** The values the model assumed, on a counterexample's path, for calls and fields outside it ("x() = 1"). */
function assumed(v: Violation): string[] {
  return [...new Set(v.trace.steps.map((s) => s.choice).filter((c): c is string => !!c && / = -?\d+$/.test(c)))];
}

/** The violations a side of a verdict has that the other does not. */
function added(from: Verdict | null, to: Verdict): Violation[] {
  const before = kinds(from);
  return to.violations.filter((v) => !before.has(v.kind));
}

/** Whether the hunk changes what a function it touches runs (its code before and after differ). */
function changesCode(b: Binding, h: Hunk): boolean {
  return functionsOfHunk(b, h).some((f) => f.post.func && (!f.pre.func || codeKey(f.post.func) !== codeKey(f.pre.func)));
}

/** Full review: static findings, each confirmed or contradicted by the model, and the hunks' verdicts. */
export async function checkMail(input: string | Uint8Array | MailDocument, opts: CheckOptions = {}): Promise<CheckResult> {
  await getCParser();
  const started = Date.now();
  const file = opts.file ?? null;
  const treeFailures: TreeFailure[] = [];
  const a: Analysed = analyseMail(input, file, opts.tree ? rebuildFromTree(opts.tree, treeFailures) : undefined);
  const diagnostics = a.diagnostics;
  const findings = staticFindings(a, file);
  const binding = bindPatches(a.patches, opts.tree ? { tree: opts.tree } : {});
  diagnostics.push(...eraDiagnostics(a.patches, binding));
  diagnostics.push(...proseSymbols(a.patches, file));
  if (!opts.tree) diagnostics.push(...unnamedFileDiagnostics(a.patches, binding));
  const hunks = allHunks(a.patches);
  const coverage: ReviewCoverage[] = loweredCoverage(a.patches, binding);
  if (opts.simulate === false) {
    settleEvidence(findings);
    return { findings, coverage, patches: a.patches, verdicts: [], treeFailures, diagnostics, bounded: [] };
  }
  const budget = opts.budget ?? DEFAULT_BUDGET;
  const verdictBudget = opts.verdictBudget ?? { maxStates: Math.min(50_000, budget.maxStates), maxMs: budget.maxMs };

  // The deadline cuts each search's time to what is left; past it, no search starts.
  const deadline = opts.deadlineMs === undefined ? Infinity : started + opts.deadlineMs;
  const within = (bd: Budget): Budget | null => {
    const ms = deadline - Date.now();
    if (ms <= 0) return null;
    return ms >= bd.maxMs ? bd : { maxStates: bd.maxStates, maxMs: Math.max(1, Math.floor(ms)) };
  };
  const undecided: Undecided[] = [];
  const changedOf = (h: Hunk): number[] => h.lines.filter((l) => l.op !== ' ').map((l) => l.mailLine);
  const notDecided = (i: number, reason: string, scenarios: string[]): void => {
    const lines = changedOf(hunks[i]);
    if (!lines.length) return;
    undecided.push({ hunk: i, function: hunks[i].function ?? '', line: Math.min(...lines), lines, reason, scenarios });
  };

  // Every hunk that changes code the model runs: its functions before and after, in every scenario that reaches them.
  const sims = new Map<number, HunkSimulation>();
  hunks.forEach((h, i) => {
    if (!changesCode(binding, h)) return;
    const bd = within(verdictBudget);
    if (!bd) { notDecided(i, `the deadline of ${opts.deadlineMs} ms passed before its searches ran`, []); return; }
    try {
      const sim = simulateWith(binding, h, { budget: bd });
      sims.set(i, sim);
      coverage[i] = withStatement({ ...sim.coverage, hunk: i }, h, scopeOf(binding, a.patches, h));
      // A search that stopped at its budget decides nothing: the hunk is not decided, never clean.
      const cut = sim.verdicts.filter((v) => v.post.verdict === 'bounded' || v.pre?.verdict === 'bounded');
      if (cut.length) notDecided(i, `a search stopped at its budget (${bd.maxStates} states, ${bd.maxMs} ms)`, cut.map((v) => v.scenario));
    } catch (e) {
      diagnostics.push({ line: h.mailLines[0], severity: 'warning', message: `hunk ${i}: no verdict: ${modelError(e)}` });
      notDecided(i, modelError(e), []);
    }
  });
  const all: HunkVerdict[] = [...sims].flatMap(([i, sim]) => sim.verdicts.map((v) => ({ ...v, hunk: i })));
  const verdicts = opts.verdicts === false ? [] : all;
  const hunkVerdicts = (i: number): HunkVerdict[] => all.filter((v) => v.hunk === i);

  // What the patch introduces and fixes, once per scenario and kind, whichever hunk's run showed it.
  type Found = { i: number; v: HunkVerdict; x: Violation };
  const introduced: Found[] = [];
  const fixes: Found[] = [];
  const seen = new Set<string>();
  for (const v of all) {
    for (const x of added(v.pre, v.post)) if (!seen.has(`+${v.scenario}/${x.kind}`)) { seen.add(`+${v.scenario}/${x.kind}`); introduced.push({ i: v.hunk, v, x }); }
    // A counterexample of the code before the patch that rests on a call outside the model
    // taking some value is no evidence that the patch fixes anything.
    for (const x of v.pre ? added(v.post, v.pre) : []) {
      if (assumed(x).length || seen.has(`-${v.scenario}/${x.kind}`)) continue;
      seen.add(`-${v.scenario}/${x.kind}`);
      fixes.push({ i: v.hunk, v, x });
    }
  }

  // A static finding is confirmed by a counterexample of its kind that the patch introduces,
  // the one whose trace passes its lines when there is one; contradicted when every scenario
  // that runs its lines was searched through and none has its kind.
  const explained = new Set<Found>();
  const passes = (c: Found, f: Finding): boolean => traceLines(c.x).some((l) => l >= f.line - 1 && l <= f.endLine + 1);
  // Of the counterexamples that show one defect, the shortest trace is the one a reviewer reads.
  const shortest = (cs: Found[]): Found[] => [...cs].sort((a, b) => a.x.trace.steps.length - b.x.trace.steps.length);
  for (const f of findings) {
    const cands = shortest(introduced.filter((c) => c.x.kind === f.kind));
    const hit = cands.find((c) => passes(c, f) && !explained.has(c)) ?? cands.find((c) => passes(c, f))
      ?? cands.find((c) => !explained.has(c)) ?? cands[0];
    if (hit) {
      explained.add(hit);
      f.evidence = 'both';
      f.trace = hit.x.trace;
      f.simulation = { scenario: hit.v.scenario, summary: `${hit.v.summary}: ${hit.x.message}`, confirmed: true };
      continue;
    }
    // The code after the patch has the defect, as it did before: confirmed, and said so.
    const present = all.flatMap((v) => v.post.violations.filter((x) => x.kind === f.kind).map((x) => ({ i: v.hunk, v, x })))
      .find((c) => passes(c, f));
    if (present) {
      f.evidence = 'both';
      f.trace = present.x.trace;
      const before = kinds(present.v.pre).has(f.kind) ? ' (so before the patch too)' : '';
      f.simulation = { scenario: present.v.scenario, summary: `${present.v.summary}${before}: ${present.x.message}`, confirmed: true };
      continue;
    }
    const vs = hunkVerdicts(f.hunk.id);
    const cov = coverage[f.hunk.id];
    const ran = cov && cov.basis === 'explored' && !cov.notExecuted.some((n) => n.mailLine >= f.line && n.mailLine <= f.endLine);
    if (vs.length && ran && vs.every((v) => v.post.verdict !== 'bounded' && !v.post.violations.some((x) => x.kind === f.kind))) {
      f.downgraded = `the model runs this code in ${vs.map((v) => v.scenario).join(', ')} and finds no ${f.kind}`;
      f.severity = 'info';
      f.simulation = { scenario: vs[0].scenario, summary: vs[0].summary, confirmed: false };
    }
  }

  // Where a counterexample stands in the mail: the last changed line its trace passes; else, for a
  // counterexample of the code after the patch, the first added line of code the model ran in the
  // hunk whose run showed it (a step stands on the statement it starts at and runs on through the
  // ones after it, so the line that broke an invariant can be inside a step, while a removed line
  // is no code of the post-image at all); else the first changed line of that hunk.
  const changedLines = new Set(hunks.flatMap((h) => h.lines.filter((l) => l.op !== ' ').map((l) => l.mailLine)));
  const firstAdded = (i: number): number | undefined => {
    const not = new Set((coverage[i]?.notExecuted ?? []).map((n) => n.mailLine));
    const added = hunks[i].lines.filter((l) => l.op === '+' && isCode(l.text));
    return (added.find((l) => !not.has(l.mailLine)) ?? added[0])?.mailLine;
  };
  const place = (c: Found, post: boolean): { line: number; endLine: number; i: number } => {
    const on = traceLines(c.x).filter((l) => changedLines.has(l));
    const line = on.length ? on[on.length - 1]
      : (post ? firstAdded(c.i) : undefined) ?? Math.min(...hunks[c.i].lines.filter((l) => l.op !== ' ').map((l) => l.mailLine));
    const i = hunks.findIndex((h) => line >= h.mailLines[0] && line <= h.mailLines[1]);
    return { line, endLine: line, i: i >= 0 ? i : c.i };
  };
  const fnAt = (i: number, line: number): string | null => {
    const img = binding.functions.find((f) => [f.post.image, f.pre.image].some((m) => m?.lines.some((l) => l.mailLine === line)));
    return img?.name ?? hunks[i].function;
  };
  // A counterexample that lands where a finding of its kind already stands shows the same
  // defect in another scenario: one finding, not two.
  const shown = (kind: string, line: number): boolean => findings.some((f) => f.kind === kind && f.severity !== 'info' && line >= f.line && line <= f.endLine);
  for (const c of shortest(introduced)) {
    if (explained.has(c)) continue;
    const { line, endLine, i } = place(c, true);
    if (shown(c.x.kind, line)) continue;
    const fn = fnAt(i, line);
    // What rests on a value the model assumed for a call outside it is a warning, and says so.
    const ifs = assumed(c.x);
    findings.push({
      rule: `model/${fn ?? 'hunk'}`, kind: c.x.kind, severity: ifs.length ? 'warning' : 'error',
      message: `${fn ? `${fn}() as the patch writes it` : 'the patch'}: the model finds ${kindWords(c.x.kind)} in ${c.v.scenario}`
        + `${ifs.length ? ` when ${ifs.join(' and ')}` : ''}: ${c.x.message}`,
      file, line, endLine, hunk: { file: hunks[i].path, function: fn, id: i },
      evidence: 'simulation', trace: c.x.trace,
      simulation: { scenario: c.v.scenario, summary: c.v.summary, confirmed: true },
      ...answered(hunks[i], line, endLine),
    });
  }
  for (const c of fixes) {
    const { line, endLine, i } = place(c, false);
    const fn = fnAt(i, line);
    findings.push({
      rule: 'model/fixes', kind: c.x.kind, severity: 'info', fixed: true,
      message: `This patch fixes ${kindWords(c.x.kind)} in ${c.v.scenario}: before it, ${c.x.message}`,
      file, line, endLine, hunk: { file: hunks[i].path, function: fn, id: i },
      evidence: 'simulation', trace: c.x.trace,
      simulation: { scenario: c.v.scenario, summary: c.v.summary, confirmed: true },
    });
  }
  findings.sort((x, y) => x.line - y.line || x.rule.localeCompare(y.rule));
  settleEvidence(findings);
  // A finding on the lines decides them; the rest of a search that stopped decides nothing.
  const bounded = undecided.filter((u) => !findings.some((f) => f.hunk.function === u.function && f.severity !== 'info' && u.lines.some((l) => l >= f.line && l <= f.endLine)));
  diagnostics.sort((x, y) => x.line - y.line);
  return { findings, coverage: decidedCoverage(coverage, hunks, bounded), patches: a.patches, verdicts, treeFailures, diagnostics, bounded };
}

/** The era each message is written against and the version of it the model runs, or why it runs
 *  none of the message's code; and where a mail mixes eras. */
function eraDiagnostics(patches: PatchMessage[], binding: Binding): MailDiagnostic[] {
  const at = (m: number): number => patches[m].files.flatMap((f) => f.hunks)[0]?.mailLines[0] ?? 1;
  const out: MailDiagnostic[] = [];
  const { era } = binding;
  for (const e of binding.eras) {
    if (!e.evidence.length) {
      // Nothing era-specific: say which era the model read its fs/dax.c functions against.
      const ids = new Set(patches[e.message].files.flatMap((f) => f.hunks.map((h) => h.id)));
      const dax = binding.functions.filter((f) => f.modelled && f.path === 'fs/dax.c' && f.hunks.some((h) => ids.has(h)));
      if (dax.length) {
        out.push({
          line: at(e.message), severity: 'info',
          message: `nothing in this patch's hunks is specific to one era of fs/dax.c; the model runs ${dax.map((f) => `${f.name}()`).join(', ')} ` +
            `against its ${era.name}-era rendition (${era.version}), whose text the hunks fit`,
        });
      }
      continue;
    }
    const written = `this patch is written against ${eraPhrase(e.era)} (${e.kernels}; ${e.from === 'tree' ? 'the kernel tree\'s fs/dax.c uses' : 'its hunks use'} ` +
      `${e.evidence.slice(0, 4).join(', ')})`;
    const says = !e.modelled ? 'the model does not have that era, so it runs none of its code'
      : e.era === era.name ? `the model runs it against its ${era.version} rendition of it`
        : `this mail is run against the ${era.name} era (${era.version}), the era of most of its messages, so the model runs none of this message's code`;
    out.push({ line: at(e.message), severity: 'info', message: `${written}; ${says}` });
  }
  const named = binding.eras.filter((e) => e.evidence.length);
  const kinds = [...new Set(named.map((e) => e.era))];
  if (kinds.length > 1) {
    const says = kinds.map((k) => `${k}: message${named.filter((e) => e.era === k).length > 1 ? 's' : ''} ${named.filter((e) => e.era === k).map((e) => e.message + 1).join(', ')}`);
    out.push({ line: at(named[0].message), severity: 'warning', message: `this mail mixes eras of fs/dax.c (${says.join('; ')}): the model runs the ${era.name} era's messages only` });
  }
  return out;
}

/** Hunks whose file the mail does not name: the model runs them where its own C has their
 *  function, which says nothing of the kernel tree the mail is against. */
function unnamedFileDiagnostics(patches: PatchMessage[], binding: Binding): MailDiagnostic[] {
  return allHunks(patches).filter((h) => !fileNamed(h)).flatMap((h) => {
    const fns = binding.functions.filter((f) => f.modelled && f.path && f.hunks.includes(h.id));
    if (!fns.length) return [];
    const guess = h.path ? ` (${h.path}, the file of the hunk before the cut, is a guess)` : '';
    const where = [...new Set(fns.map((f) => f.path))].join(', ');
    return [{
      line: h.mailLines[0], severity: 'info' as const,
      message: `the mail does not name the file of this hunk${guess}: its file stays unknown; the model runs ${fns.map((f) => `${f.name}()`).join(', ')} ` +
        `as its own ${where} has ${fns.length > 1 ? 'them' : 'it'} (with a kernel tree, --tree, the hunk is placed in the tree's file that defines ${fns.length > 1 ? 'them' : 'it'})`,
    }];
  });
}

/** Coverage counts only the changed lines whose searches finished; the others are named. */
function decidedCoverage(coverage: ReviewCoverage[], hunks: Hunk[], bounded: Undecided[]): ReviewCoverage[] {
  return coverage.map((c) => {
    const mine = bounded.filter((u) => u.hunk === c.hunk);
    if (!mine.length) return c;
    const h = hunks[c.hunk];
    const not = new Set(c.notExecuted.map((n) => n.mailLine));
    const lines = new Set(mine.flatMap((u) => u.lines));
    const undecided = (h?.lines ?? []).filter((l) => l.op !== ' ' && lines.has(l.mailLine) && !not.has(l.mailLine)).map((l) => l.mailLine);
    return { ...c, executed: Math.max(0, c.executed - undecided.length), bounded: true, undecided };
  });
}
