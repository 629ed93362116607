// Variation points: named patches of an era's kernel C. A point's default is the era's code as
// it stands; every other value is a diff (a few lines of one function), applied to the era's
// files by the C stage as a patch from mail is, and the patched functions are lowered again.
import type { PointDecl, PointValue } from '../ir';

export interface PointDef {
  /** The function the point changes. */
  fn: string;
  name: string;
  /** The C the point stands for. */
  c: string;
  default: PointValue;
  /** Each value other than the default, with the diff that makes it. */
  values: Readonly<Record<string, string>>;
}

/** A point's value as a diff of one file whose one hunk sits in the function its @@ line names
 *  (the hunk's lines as a diff writes them, without its @@ line). */
export function pointDiff(file: string, fn: string, hunk: string): string {
  const lines = hunk.replace(/^\n/, '').replace(/\n$/, '').split('\n');
  const old = lines.filter((l) => !l.startsWith('+')).length;
  const neu = lines.filter((l) => !l.startsWith('-')).length;
  return `--- a/${file}\n+++ b/${file}\n@@ -1,${old} +1,${neu} @@ ${fn}\n${lines.join('\n')}\n`;
}

const typed = (v: string): PointValue => (v === 'true' ? true : v === 'false' ? false : v);

/** The point as `model list` and the builder's listing show it: its values, default first. */
export function declOf(p: PointDef): PointDecl {
  return { name: p.name, c: p.c, values: [p.default, ...Object.keys(p.values).map(typed)], default: p.default };
}

/** A point's setting, by "fn.point" or by "point" when one function has it. */
function settingOf(p: PointDef, config: Readonly<Record<string, PointValue>>): PointValue | undefined {
  return config[`${p.fn}.${p.name}`] ?? config[p.name];
}

/**
 * The diffs a configuration chooses, in the order the points are declared. Unknown points and
 * values are errors that name what is known.
 */
export function chosenDiffs(points: readonly PointDef[], config: Readonly<Record<string, PointValue>>): { point: string; value: PointValue; diff: string }[] {
  const known = new Set(points.flatMap((p) => [`${p.fn}.${p.name}`, p.name]));
  for (const k of Object.keys(config)) {
    if (!known.has(k)) throw new Error(`unknown variation point '${k}' (see 'model list')`);
  }
  const out: { point: string; value: PointValue; diff: string }[] = [];
  for (const p of points) {
    const v = settingOf(p, config);
    if (v === undefined || String(v) === String(p.default)) continue;
    const diff = p.values[String(v)];
    if (diff === undefined) {
      throw new Error(`variation point ${p.fn}.${p.name}: '${String(v)}' is not one of ${declOf(p).values.map(String).join(', ')}`);
    }
    out.push({ point: `${p.fn}.${p.name}`, value: v, diff });
  }
  return out;
}
