// What a simulation of a hunk says in one line: how many scenarios the patch (or, for "what if
// this line were removed", the patch without the line) breaks that were clean before it. A
// scenario already broken before is not counted as broken by it.
import { kindWords } from '../bind/simulate';
import type { ViolationKind } from '../model/machine';
import type { HunkVerdict } from './types';

export interface Breakage {
  /** Scenarios run. */
  total: number;
  /** Scenarios where the code after has a kind of defect the code before did not. */
  broken: { scenario: string; kinds: ViolationKind[] }[];
  /** Scenarios where the code after lost a kind of defect the code before had. */
  fixed: string[];
  /** Scenarios a search of which stopped at its budget. */
  bounded: string[];
}

export function breakage(verdicts: readonly HunkVerdict[]): Breakage {
  const out: Breakage = { total: verdicts.length, broken: [], fixed: [], bounded: [] };
  for (const v of verdicts) {
    if (v.post.verdict === 'bounded' || v.pre?.verdict === 'bounded') out.bounded.push(v.scenario);
    const before = new Set((v.pre?.violations ?? []).map((x) => x.kind));
    const after = new Set(v.post.violations.map((x) => x.kind));
    const added = [...after].filter((k) => !before.has(k));
    if (added.length) out.broken.push({ scenario: v.scenario, kinds: added });
    if ([...before].some((k) => !after.has(k))) out.fixed.push(v.scenario);
  }
  return out;
}

/** The one line: "without mail line 107: 1 of 4 scenarios break that the patch as posted keeps clean of it (pmd-downgrade: a lost wakeup)". */
export function simulationHeadline(verdicts: readonly HunkVerdict[], without: number | null = null): string {
  const b = breakage(verdicts);
  if (!b.total) return 'no scenario of the model runs this hunk';
  const than = without !== null ? 'the patch as posted' : 'the code before the patch';
  const parts: string[] = [];
  parts.push(b.broken.length
    ? `${b.broken.length} of ${b.total} scenario${b.total === 1 ? '' : 's'} break where ${than} does not (${b.broken.map((x) => `${x.scenario}: ${x.kinds.map(kindWords).join(' and ')}`).join('; ')})`
    : `none of ${b.total} scenario${b.total === 1 ? '' : 's'} breaks where ${than} does not`);
  if (b.fixed.length) parts.push(`${b.fixed.length} ${b.fixed.length === 1 ? 'loses' : 'lose'} a defect ${than} has`);
  if (b.bounded.length) parts.push(`${b.bounded.length} not decided within the budget`);
  return `${without !== null ? `without mail line ${without}: ` : ''}${parts.join('; ')}`;
}
