// The review stage's public API: findings on mail lines, static and simulated, and the
// reply a reviewer would send.
import type { PatchMessage } from '../patch/types';
import type { RebuiltFunction, TreeFailure } from '../c/types';
import { applyToTree } from '../c/tree';
import { getCParser } from '../c/parser';
import type { Budget } from '../check/types';
import { simulateWith, pointEffects, interpretedEffects, kindWords, DEFAULT_BUDGET, type PointEffect } from '../bind/simulate';
import { bindPoints, type PointBinding } from '../bind/points';
import { hunkCoverage, allHunks, functionsOfHunk } from '../bind/coverage';
import { modelIndex } from '../bind/modelindex';
import { analyseMail, staticFindings, checkMailStatic, reviewReady, type Analysed } from './static';
import type { Finding, HunkCoverage, HunkVerdict } from './types';

export { checkMailStatic, reviewReady };
export { draftReply } from './reply';
export type { Finding, HunkCoverage, HunkVerdict } from './types';

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
}

export interface CheckResult {
  findings: Finding[];
  coverage: HunkCoverage[];
  patches: PatchMessage[];
  verdicts: HunkVerdict[];
  /** With a kernel tree: hunks that did not apply (or applied with an offset), and why. */
  treeFailures: TreeFailure[];
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
export async function checkMail(text: string, opts: CheckOptions = {}): Promise<CheckResult> {
  await getCParser();
  const file = opts.file ?? null;
  const treeFailures: TreeFailure[] = [];
  const a: Analysed = analyseMail(text, file, opts.tree ? rebuildFromTree(opts.tree, treeFailures) : undefined);
  const findings = staticFindings(a, file);
  const helperLocked = (n: string): boolean | null => a.helpers.get(n)?.locked ?? null;
  const coverage = hunkCoverage(a.patches, a.functions, undefined, helperLocked);
  if (opts.simulate === false) return { findings, coverage, patches: a.patches, verdicts: [], treeFailures };
  const budget = opts.budget ?? DEFAULT_BUDGET;
  const model = modelIndex();

  // Hunk verdicts: pre-image against post-image, for every hunk the model runs.
  const verdicts: HunkVerdict[] = [];
  const hunks = allHunks(a.patches);
  const same = (x: PointBinding[], y: PointBinding[]): boolean =>
    JSON.stringify(x.map((b) => [b.fn, b.point, b.value])) === JSON.stringify(y.map((b) => [b.fn, b.point, b.value]));
  if (opts.verdicts !== false) {
    for (const [i, h] of hunks.entries()) {
      const fns = functionsOfHunk(a.functions, h).filter((f) => model.functions.has(f.name));
      const changes = fns.some((f) => !same(f.pre ? bindPoints(f.pre, { helperLocked }) : [], f.post ? bindPoints(f.post, { helperLocked }) : []));
      // A hunk that sets no point differently runs the same model before and after: nothing to compare.
      if (!changes) continue;
      verdicts.push(...simulateWith(a.patches, h, a.functions, { budget: opts.verdictBudget ?? { maxStates: 50_000, maxMs: budget.maxMs } })
        .verdicts.map((v) => ({ ...v, hunk: i })));
    }
  }

  // Each point the post-images set, run on its own: what it does to the scenarios.
  const effects = new Map<PointBinding, PointEffect[]>();
  for (const fn of a.functions) {
    if (!fn.post || !model.functions.has(fn.name)) continue;
    for (const b of bindPoints(fn.post, { helperLocked })) {
      if (!model.hasPoint(b.fn, b.point)) continue;
      effects.set(b, pointEffects(b, budget));
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
    const eff = interpretedEffects(fn, budget);
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
  return { findings, coverage, patches: a.patches, verdicts, treeFailures };
}
