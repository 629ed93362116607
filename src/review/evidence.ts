// What a finding and a hunk's verdict rest on. A finding's severity follows its evidence
// (a counterexample the model ran, or the protocol rules alone), and a hunk whose changed
// lines the model did not run gets no verdict, only a line saying what is outside the model.
import type { Hunk, PatchMessage } from '../patch/types';
import type { Binding } from '../bind/bind';
import type { Finding, HunkCoverage } from './types';

/**
 * Severity follows evidence: a finding of the rules alone that the model did not confirm is a
 * warning at most and says "static"; one a run of the model confirmed is an error and names the
 * scenario. What the patch fixes, what was so before it and what the model contradicted stay
 * notes; a counterexample that rests on a value the model assumed stays a warning.
 */
export function settleEvidence(findings: Finding[]): void {
  for (const f of findings) {
    if (f.fixed || f.downgraded || f.severity === 'info') continue;
    if (f.simulation?.confirmed) {
      if (f.evidence === 'both') f.severity = 'error';
      f.basis = `confirmed by simulation: ${f.simulation.scenario}`;
    } else {
      if (f.severity === 'error') f.severity = 'warning';
      f.basis = 'static';
    }
    f.message = `${f.message} (${f.basis})`;
  }
}

/** What the model has, as a hunk's statement needs it: its files and version, and the era the
 *  hunk's message is written against when the model does not have that era. */
export interface ModelScope {
  files: readonly string[];
  version: string;
  /** "XArray-era code (v4.20 on); the model has the radix era (v4.10) only", or null. */
  otherEra: string | null;
}

/** The model's scope for a hunk, from the binding: the era it bound, and the era the binding read
 *  for the hunk's message (from its hunks or the kernel tree). */
export function scopeOf(b: Binding, patches: readonly PatchMessage[], h: Hunk): ModelScope {
  const m = patches.findIndex((pm) => pm.files.some((f) => f.hunks.includes(h)));
  const e = b.eras.find((x) => x.message === m && !x.modelled);
  return {
    files: b.era.sources.map((s) => s.path),
    version: b.era.version,
    otherEra: e ? `${e.era}-era code (${e.kernels}); the model has the ${b.era.name} era (${b.era.version}) only` : null,
  };
}

/**
 * One line saying what of a hunk is outside the model, when the model ran none of its changed
 * lines: the file (the subsystem), the era, the functions. Null when the model ran some of them.
 */
export function outsideModel(h: Hunk, c: HunkCoverage, scope: ModelScope): string | null {
  if (c.changed === 0 || c.executed > 0) return null;
  const where = h.path ?? 'a file the mail does not name';
  const fns = [...new Set((c.functions ?? []).filter((f) => f.mode === 'not-modelled').map((f) => `${f.name}()`))];
  const what = fns.length ? `${fns.join(', ')} in ${where}` : h.function ? `${h.function}() in ${where}` : `the changed lines in ${where}`;
  if (h.path !== null && !scope.files.includes(h.path)) {
    return `not checked: ${what}: the model has no ${h.path} (it models ${scope.files.join(', ')} of ${scope.version})`;
  }
  if (scope.otherEra) return `not checked: ${what}: ${scope.otherEra}`;
  const why = (c.functions ?? []).find((f) => f.why)?.why ?? c.notExecuted.find((n) => n.detail)?.detail;
  return `not checked: ${what}: ${why ?? 'the model runs none of its changed lines'}`;
}

/** Coverage with its honest statement: what is outside the model, and whether a simulation has anything to run. */
export function withStatement<C extends HunkCoverage>(c: C, h: Hunk | undefined, scope: ModelScope): C & { outside?: string; simulable: boolean } {
  const outside = h ? outsideModel(h, c, scope) : null;
  return { ...c, ...(outside ? { outside } : {}), simulable: c.executed > 0 };
}
