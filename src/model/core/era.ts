// An era of the kernel as the model has it: its kernel C, its API table and its variation
// points. Its reference functions are its C lowered; a configuration of points is the C with
// the points' diffs applied by the C stage (as a patch from mail is) and lowered again.
import { readMail } from '../../mail/index';
import { parsePatchMail } from '../../patch/index';
import { applyToTree, type TreeSource } from '../../c/tree';
import type { RebuiltFunction } from '../../c/types';
import type { Func, PointValue } from '../ir';
import type { Api } from './api';
import { functionNames, functionSpans, lowerC, lowerSources, type CSource, type FuncSource } from './lower';
import { chosenDiffs, declOf, type PointDef } from './points';

export interface Era {
  /** "radix" */
  name: string;
  /** The kernel version its functions follow by default, e.g. "v4.10". */
  version: string;
  sources: readonly CSource[];
  api: Api;
  points: readonly PointDef[];
  /** Identifiers only this version of the era uses (a patch using them is written against it). */
  words?: readonly string[];
  /** The patch series its C includes, when it follows one rather than a kernel release alone:
   *  a patch of the series is already in its tree. */
  series?: string;
  /** When the kernel version came out (YYYY-MM-DD): a patch mailed before it is not written
   *  against it. */
  released?: string;
  /** A design no kernel took as written (seed 002's life cycle), named: a patch is run against
   *  this version only when it uses the version's own identifiers (words). */
  proposal?: string;
}

/** The era's C as a kernel tree: hunks are placed by their function where versions differ. */
export function referenceTree(era: Era): TreeSource {
  return {
    name: `the model's ${era.version} reference`,
    read: (file) => era.sources.find((s) => s.path === file)?.text ?? null,
    fuzzy: true,
    ...(era.series ? { series: era.series } : {}),
  };
}

/** The text of a function image, one line per image line (so a lowered line is an image index). */
export function imageText(f: RebuiltFunction['post']): string {
  return (f?.lines ?? []).map((l) => l.text).join('\n');
}

interface Lowering { funcs: Func[]; where: Map<string, FuncSource> }

const cache = new Map<string, Lowering>();

function lowerEra(era: Era): Lowering {
  const key = `${era.name}\u0000${era.version}\u0000`;
  let hit = cache.get(key);
  if (!hit) {
    const r = lowerSources(era.sources, era.api, true);
    if (r.errors.length) throw new Error(`the ${era.name} era's C does not lower: ${r.errors.map((e) => e.why).join('; ')}`);
    hit = { funcs: r.funcs, where: r.where };
    cache.set(key, hit);
  }
  return hit;
}

const names = new WeakMap<Era, Set<string>>();

/** Every function name the era's C defines. */
export function eraFunctionNames(era: Era): Set<string> {
  let n = names.get(era);
  if (!n) names.set(era, (n = new Set(era.sources.flatMap((s) => functionNames(s.text)))));
  return n;
}

const spans = new WeakMap<CSource, Map<string, [number, number]>>();
function spansOf(s: CSource): Map<string, [number, number]> {
  let m = spans.get(s);
  if (!m) spans.set(s, (m = functionSpans(s.text)));
  return m;
}

/**
 * The era's functions with a configuration of its variation points ("fn.point" or "point"),
 * each carrying its points' declarations. Needs the C parser loaded (await getCParser()).
 */
export function eraFunctions(era: Era, config: Readonly<Record<string, PointValue>> = {}): Func[] {
  const diffs = chosenDiffs(era.points, config);
  const key = `${era.name}\u0000${era.version}\u0000${diffs.map((d) => `${d.point}=${String(d.value)}`).join(',')}`;
  let hit = cache.get(key);
  if (!hit) {
    const base = lowerEra(era);
    const patched = diffs.length ? patchedFunctions(era, diffs.map((d) => d.diff).join(''), base, diffs.map((d) => d.point).join(', ')) : [];
    const over = new Map(patched.map((f) => [f.name, f]));
    hit = { funcs: base.funcs.map((f) => over.get(f.name) ?? f), where: base.where };
    cache.set(key, hit);
  }
  return hit.funcs.map((f) => ({ ...f, points: era.points.filter((p) => p.fn === f.name).map(declOf) }));
}

/** The functions a diff changes, applied to the era's C and lowered (strict: the diff is the era's own). */
function patchedFunctions(era: Era, diff: string, base: Lowering, what: string): Func[] {
  const known = eraFunctionNames(era);
  const out: Func[] = [];
  for (const pm of parsePatchMail(readMail(diff))) {
    const r = applyToTree(pm, referenceTree(era));
    const failed = r.failures.filter((x) => !x.applied);
    if (failed.length) throw new Error(`variation points ${what} do not apply to the ${era.name} era's C: ${failed.map((x) => x.reason).join('; ')}`);
    for (const fn of r.functions) {
      if (!fn.post) continue;
      const kernel = base.funcs.find((f) => f.name === fn.name)?.kernel;
      const l = lowerC(imageText(fn.post), era.api, { file: fn.path ?? '?', known, strict: true, kernel });
      if (l.errors.length) throw new Error(`variation points ${what}: ${l.errors.map((e) => e.why).join('; ')}`);
      out.push(...l.funcs);
    }
  }
  return out;
}

/** Where each reference function of the era is defined. */
export function eraWhere(era: Era): Map<string, FuncSource> {
  return lowerEra(era).where;
}

/** The era's text of a function, from its head to its closing brace, and the file it is in. */
export function eraFunctionText(era: Era, name: string): { path: string; lines: string[] } | null {
  for (const s of era.sources) {
    const span = spansOf(s).get(name);
    if (span) return { path: s.path, lines: s.text.split('\n').slice(span[0], span[1] + 1) };
  }
  return null;
}
