// What a finding and a hunk's verdict rest on. A finding's severity follows its evidence
// (a counterexample the model ran, or the protocol rules alone), and a hunk whose changed
// lines the model did not run gets no verdict, only a line saying what is outside the model.
import type { Hunk } from '../patch/types';
import { RADIX_ERA } from '../model/eras/radix/index';
import type { Finding, HunkCoverage } from './types';

/** The kernel files the model has, in the version it follows. */
const MODEL_FILES: readonly string[] = RADIX_ERA.sources.map((s) => s.path);

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

/** Identifiers of the XArray, which replaced the radix tree in fs/dax.c in v4.20. */
const XARRAY = /\b(?:xas_\w+|xa_\w+|XA_STATE\w*|xa_state|XA_\w+)\b/;

/** The era a hunk's code belongs to when it is not the model's, in a few words; null when it may be.
 *  The other hunks of the same file in the mail count: a hunk of two lines may not show the era. */
function laterEra(h: Hunk, mail: readonly Hunk[]): string | null {
  const file = mail.filter((x) => x === h || (h.path !== null && x.path === h.path));
  return file.some((x) => x.lines.some((l) => XARRAY.test(l.text)))
    ? `XArray-era code (v4.20 and later); the model follows the radix-tree era (${RADIX_ERA.version})`
    : null;
}

/**
 * One line saying what of a hunk is outside the model, when the model ran none of its changed
 * lines: the file (the subsystem), the era, the functions. Null when the model ran some of them.
 */
export function outsideModel(h: Hunk, c: HunkCoverage, mail: readonly Hunk[] = [h]): string | null {
  if (c.changed === 0 || c.executed > 0) return null;
  const where = h.path ?? 'a file the mail does not name';
  const fns = [...new Set((c.functions ?? []).filter((f) => f.mode === 'not-modelled').map((f) => `${f.name}()`))];
  const what = fns.length ? `${fns.join(', ')} in ${where}` : h.function ? `${h.function}() in ${where}` : `the changed lines in ${where}`;
  if (h.path !== null && !MODEL_FILES.includes(h.path)) {
    return `not checked: ${what}: the model has no ${h.path} (it models ${MODEL_FILES.join(', ')} of ${RADIX_ERA.version})`;
  }
  const era = laterEra(h, mail);
  if (era) return `not checked: ${what}: ${era}`;
  const why = (c.functions ?? []).find((f) => f.why)?.why ?? c.notExecuted.find((n) => n.detail)?.detail;
  return `not checked: ${what}: ${why ?? 'the model runs none of its changed lines'}`;
}

/** Coverage with its honest statement: what is outside the model, and whether a simulation has anything to run. */
export function withStatement<C extends HunkCoverage>(c: C, h: Hunk | undefined, mail?: readonly Hunk[]): C & { outside?: string; simulable: boolean } {
  const outside = h ? outsideModel(h, c, mail) : null;
  return { ...c, ...(outside ? { outside } : {}), simulable: c.executed > 0 };
}
