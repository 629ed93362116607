// The review stage's public API: findings on mail lines, static and simulated, and the
// reply a reviewer would send.
import type { Hunk, PatchMessage } from '../patch/types';
import type { RebuiltFunction, TreeFailure } from '../c/types';
import { applyToTree } from '../c/tree';
import { getCParser } from '../c/parser';
import type { Budget } from '../check/types';
import { simulateWith, pointEffects, interpretedEffects, kindWords, runScenario, scenariosOf, DEFAULT_BUDGET, type PointEffect } from '../bind/simulate';
import { compileImage } from '../bind/interp';
import type { MailDiagnostic, MailDocument } from '../mail/types';
import { bindPoints, type PointBinding } from '../bind/points';
import { hunkCoverage, allHunks, functionsOfHunk } from '../bind/coverage';
import { modelIndex } from '../bind/modelindex';
import { analyseMail, staticFindings, checkMailStatic, reviewReady, type Analysed } from './static';
import type { Finding, HunkCoverage, HunkVerdict, ReviewCoverage, Undecided } from './types';

export { checkMailStatic, reviewReady };
export { draftReply } from './reply';
export type { Finding, HunkCoverage, HunkVerdict, ReviewCoverage, Undecided } from './types';

export interface CheckOptions {
  file?: string | null;
  /** A kernel checkout: touched functions are rebuilt whole from it. */
  tree?: string;
  budget?: Budget;
  /** Run the model (default true). */
  simulate?: boolean;
  /** Compute the pre/post verdict of every hunk whose points change (default true); each run
   *  gets `verdictBudget` (default 1 s), and a search cut by it says 'bounded'. */
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
    const r = applyToTree(pm, tree);
    failures.push(...r.failures);
    return r.functions;
  };
}

/** Lines of a point binding, widened by one so an error path's goto or return counts with its assignment. */
function touches(b: PointBinding, f: Finding): boolean {
  return b.mailLines.some((l) => l >= f.line - 1 && l <= f.endLine + 1) || (f.related ?? []).some((r) => b.mailLines.includes(r.line));
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
  const helperLocked = (n: string): boolean | null => a.helpers.get(n)?.locked ?? null;
  const coverage: ReviewCoverage[] = hunkCoverage(a.patches, a.functions, undefined, helperLocked);
  if (opts.simulate === false) return { findings, coverage, patches: a.patches, verdicts: [], treeFailures, diagnostics, bounded: [] };
  const budget = opts.budget ?? DEFAULT_BUDGET;
  const model = modelIndex();
  const hunks = allHunks(a.patches);

  // The deadline cuts each search's time to what is left; past it, no search starts.
  const deadline = opts.deadlineMs === undefined ? Infinity : started + opts.deadlineMs;
  const left = (): number => deadline - Date.now();
  const within = (b: Budget): Budget | null => {
    const ms = left();
    if (ms <= 0) return null;
    return ms >= b.maxMs ? b : { maxStates: b.maxStates, maxMs: Math.max(1, Math.floor(ms)) };
  };
  const undecided: Undecided[] = [];
  const fnLine = (name: string, lines?: number[]): number =>
    lines?.length ? Math.min(...lines) : (a.functions.find((f) => f.name === name)?.post?.lines.find((l) => l.mailLine !== null)?.mailLine ?? 1);
  const hunksOf = (lines: readonly number[]): number[] => {
    const set = new Set(lines);
    return hunks.flatMap((h, i) => (h.lines.some((l) => l.op !== ' ' && set.has(l.mailLine)) ? [i] : []));
  };
  const notDecided = (fn: string, lines: number[], reason: string, scenarios: string[]): void => {
    const line = fnLine(fn, lines);
    // Only changed code is the patch's to decide.
    for (const hunk of hunksOf(lines)) undecided.push({ hunk, function: fn, line, lines, reason, scenarios });
  };
  const pastDeadline = (): string => `the deadline of ${opts.deadlineMs} ms passed before its searches ran`;

  // Hunk verdicts: pre-image against post-image, for every hunk the model runs.
  const verdicts: HunkVerdict[] = [];
  const same = (x: PointBinding[], y: PointBinding[]): boolean =>
    JSON.stringify(x.map((b) => [b.fn, b.point, b.value])) === JSON.stringify(y.map((b) => [b.fn, b.point, b.value]));
  if (opts.verdicts !== false) {
    for (const [i, h] of hunks.entries()) {
      const fns = functionsOfHunk(a.functions, h).filter((f) => model.functions.has(f.name));
      const changes = fns.some((f) => !same(f.pre ? bindPoints(f.pre, { helperLocked }) : [], f.post ? bindPoints(f.post, { helperLocked }) : []));
      // A hunk that sets no point differently runs the same model before and after: nothing to compare.
      if (!changes) continue;
      const b = within(opts.verdictBudget ?? { maxStates: 50_000, maxMs: budget.maxMs });
      if (!b) break;
      try {
        verdicts.push(...simulateWith(a.patches, h, a.functions, { budget: b }).verdicts.map((v) => ({ ...v, hunk: i })));
      } catch (e) {
        diagnostics.push({ line: h.mailLines[0], severity: 'warning', message: `hunk ${i}: no verdict: ${modelError(e)}` });
      }
    }
  }

  // Each point the post-images set, run on its own: what it does to the scenarios.
  const effects = new Map<PointBinding, PointEffect[]>();
  for (const fn of a.functions) {
    if (!fn.post || !model.functions.has(fn.name)) continue;
    for (const bp of bindPoints(fn.post, { helperLocked })) {
      if (!model.hasPoint(bp.fn, bp.point)) continue;
      const b = within(budget);
      if (!b) { notDecided(bp.fn, bp.mailLines, pastDeadline(), []); continue; }
      try {
        const runs = pointEffects(bp, b);
        effects.set(bp, runs);
        const cut = runs.filter((r) => r.changed.verdict === 'bounded');
        if (cut.length && !runs.some((r) => r.violation)) {
          notDecided(bp.fn, bp.mailLines, `${bp.c}: the search stopped at its budget (${b.maxStates} states, ${b.maxMs} ms)`, cut.map((r) => r.scenario));
        }
      } catch (e) {
        diagnostics.push({ line: fnLine(bp.fn, bp.mailLines), severity: 'warning', message: `${bp.fn}(): ${modelError(e)}` });
        notDecided(bp.fn, bp.mailLines, modelError(e), []);
      }
    }
  }

  const used = new Set<PointBinding>();
  for (const f of findings) {
    const bindings = [...effects.keys()].filter((b) => b.fn === f.hunk.function && touches(b, f));
    if (!bindings.length) continue;
    const runs = bindings.flatMap((b) => effects.get(b) ?? []);
    const hit = runs.find((r) => r.violation && r.violation.kind === f.kind) ?? runs.find((r) => r.violation);
    bindings.forEach((b) => used.add(b));
    if (hit && hit.violation) {
      f.evidence = 'both';
      f.trace = hit.violation.trace;
      f.simulation = { scenario: hit.scenario, summary: `${hit.summary}: ${hit.violation.message}`, confirmed: true };
    } else if (runs.length && runs.every((r) => r.changed.verdict !== 'bounded' && !r.changed.violations.some((v) => v.kind === f.kind))) {
      // Every scenario that runs this code, searched exhaustively, shows no such violation: the model contradicts the rule.
      f.downgraded = `the model runs this code in ${[...new Set(runs.map((r) => r.scenario))].join(', ')} and finds no ${f.kind}`;
      f.severity = 'info';
      f.simulation = { scenario: runs[0].scenario, summary: runs[0].summary, confirmed: false };
    }
  }

  // What the model finds that no rule did: a finding on the lines of the point that causes it.
  const hunkOf = (line: number) => hunks.find((h) => line >= h.mailLines[0] && line <= h.mailLines[1]);
  for (const [b, runs] of effects) {
    if (used.has(b)) continue;
    const hit = runs.find((r) => r.violation);
    if (!hit || !hit.violation || !b.mailLines.length) continue;
    const line = Math.min(...b.mailLines);
    const h = hunkOf(line);
    findings.push({
      rule: `model/${b.fn}.${b.point}`, kind: hit.violation.kind, severity: 'error',
      message: `${b.c}: with this the model finds ${kindWords(hit.violation.kind)} in ${hit.scenario}: ${hit.violation.message}`,
      file, line, endLine: Math.max(...b.mailLines),
      hunk: { file: h?.path ?? null, function: b.fn, id: h ? hunks.indexOf(h) : -1 },
      evidence: 'simulation', trace: hit.violation.trace,
      simulation: { scenario: hit.scenario, summary: hit.summary, confirmed: true },
    });
  }
  // Whole functions run as the mail writes them: a violation they bring that no finding explains.
  for (const fn of a.functions) {
    if (!fn.post || !model.functions.has(fn.name)) continue;
    const lines = fn.post.lines.map((l) => l.mailLine).filter((x): x is number => x !== null);
    const b = within(budget);
    if (!b) {
      if (compileImage(fn.post).func) notDecided(fn.name, lines, pastDeadline(), []);
      continue;
    }
    let eff: ReturnType<typeof interpretedEffects>;
    try {
      eff = interpretedEffects(fn, b);
      if (!eff) {
        // No violation: clean only if every search of the compiled post-image finished.
        const post = compileImage(fn.post).func;
        const cut = post ? scenariosOf(fn.name).filter((sc) => runScenario(sc, {}, b, { [fn.name]: post }).verdict === 'bounded') : [];
        if (cut.length) notDecided(fn.name, lines, `${fn.name}() as the patch writes it: the search stopped at its budget (${b.maxStates} states, ${b.maxMs} ms)`, cut);
      }
    } catch (e) {
      diagnostics.push({ line: fnLine(fn.name, lines), severity: 'warning', message: `${fn.name}(): ${modelError(e)}` });
      notDecided(fn.name, lines, modelError(e), []);
      continue;
    }
    if (!eff) continue;
    const changed = hunks.flatMap((h) => h.lines.filter((l) => l.op !== ' ' && eff.lines.includes(l.mailLine)).map((l) => l.mailLine));
    if (!changed.length) continue;
    const line = Math.min(...changed);
    const endLine = Math.max(...changed);
    if (findings.some((f) => f.hunk.function === fn.name && f.kind === eff.violation.kind && f.line <= endLine && f.endLine >= line)) continue;
    const h = hunks.find((x) => line >= x.mailLines[0] && line <= x.mailLines[1]);
    findings.push({
      rule: `model/${fn.name}`, kind: eff.violation.kind, severity: 'error',
      message: `${fn.name}() as the patch writes it: the model finds ${kindWords(eff.violation.kind)} in ${eff.scenario}: ${eff.violation.message}`,
      file, line, endLine,
      hunk: { file: h?.path ?? fn.path, function: fn.name, id: h ? hunks.indexOf(h) : -1 },
      evidence: 'simulation', trace: eff.violation.trace,
      simulation: { scenario: eff.scenario, summary: eff.summary, confirmed: true },
    });
  }
  findings.sort((x, y) => x.line - y.line || x.rule.localeCompare(y.rule));
  // A finding on the lines decides them; the rest of a search that stopped decides nothing.
  const bounded = undecided.filter((u) => !findings.some((f) => f.hunk.function === u.function && f.severity !== 'info' && u.lines.some((l) => l >= f.line && l <= f.endLine)));
  diagnostics.sort((x, y) => x.line - y.line);
  return { findings, coverage: decidedCoverage(coverage, hunks, bounded), patches: a.patches, verdicts, treeFailures, diagnostics, bounded };
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
